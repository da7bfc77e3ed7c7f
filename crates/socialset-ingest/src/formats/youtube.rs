//! YouTube Data API v3 responses: `channels.list`, `videos.list`, `commentThreads.list` (with
//! or without their `replies` part) and `comments.list` answers (`youtube#…ListResponse` with
//! their `items`), or single resources of those kinds; one response per line or pretty-printed
//! ones following each other.
//!
//! Mapping: a channel → account (`yt:CHANNEL_ID`, handle from `customUrl` without its `@`,
//! name, description, creation time, subscribers as followers unless
//! `hiddenSubscriberCount`, videos as its posts count); a video → post by its channel (title
//! and description as text, tags as hashtags, language, views, likes, comments; the API
//! sends these counts as strings); a comment → post replying to its video (a top-level
//! comment) or to the comment it answers (`parentId`), by the channel that wrote it
//! (`authorChannelId`), and a reply interaction to that post's author when it is known (the
//! video's channel from the thread's `channelId` or a video read earlier in the file; the
//! parent's author from the same thread or an earlier one). So a channel's audience is the channels who
//! comment and reply on its videos. Ids: accounts `yt:UC…`, posts `yt:VIDEO_ID` and
//! `yt:COMMENT_ID`.
//!
//! Not imported, and counted in the report: search results, playlists, subscriptions,
//! activities, and comments without an author channel (deleted accounts).

use std::collections::HashMap;

use serde_json::Value;
use socialset_model::{Account, AccountId, InteractionKind, Post, Record};

use super::json_docs::{at, item, list, str_of, Documents, Page, PageReader};
use crate::error::RecordError;
use crate::source::Source;

/// Authors of the videos and comments read so far, by id, for the replies to them; forgotten
/// past this many (so memory stays bounded on a dump of any size).
const AUTHORS_REMEMBERED: usize = 1 << 20;

#[derive(Default)]
pub(crate) struct Authors(HashMap<String, AccountId>);

impl Authors {
    fn remember(&mut self, id: &str, author: &AccountId) {
        if self.0.len() >= AUTHORS_REMEMBERED {
            self.0.clear();
        }
        self.0.insert(id.to_owned(), author.clone());
    }
}

pub(crate) fn reader(source: Source, platform: String) -> PageReader<Authors> {
    PageReader::new(
        Documents::new(source, None),
        platform,
        Authors::default(),
        |page, authors, doc| page.youtube_document(doc, "", authors),
    )
}

impl Page<'_> {
    /// A count the API may send as a string of digits (`"7920"`) or as a number.
    fn yt_count(&self, v: &Value, key: &str, path: &str) -> Result<Option<u64>, RecordError> {
        match v.get(key) {
            Some(s @ Value::String(text)) => match text.trim().parse::<u64>() {
                Ok(n) if n <= super::MAX_COUNT => Ok(Some(n)),
                Ok(_) => Err(self.error(&at(path, key), super::COUNT_TOO_LARGE, s)),
                Err(_) => Err(self.error(&at(path, key), "is not a whole number, zero or more", s)),
            },
            _ => self.count(v, key, path),
        }
    }

    fn youtube_document(&mut self, doc: &Value, path: &str, authors: &mut Authors) {
        match doc {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.youtube_document(v, &format!("{path}[{i}]"), authors);
                }
            }
            Value::Object(_) => match str_of(doc, "kind") {
                Some(kind) if kind.ends_with("ListResponse") => {
                    for (i, v) in list(doc, "items").iter().enumerate() {
                        self.youtube_document(v, &item(path, "items", i), authors);
                    }
                }
                Some("youtube#channel") => self.each(|p| p.yt_channel(doc, path)),
                Some("youtube#video") => self.each(|p| p.yt_video(doc, path, authors)),
                Some("youtube#commentThread") => self.yt_thread(doc, path, authors),
                Some("youtube#comment") => {
                    self.each(|p| p.yt_comment(doc, path, None, None, authors));
                }
                Some(other) if other.starts_with("youtube#") => {
                    self.ignore(&format!("YouTube resource of kind {other}"));
                }
                _ => self.ignore("JSON object that is not a YouTube resource"),
            },
            _ => self.ignore("JSON value that is not an object"),
        }
    }

    /// The resource's `id`: text, or for search results an object (`{"videoId": …}`).
    fn yt_resource_id(&self, v: &Value, path: &str, what: &str) -> Result<String, RecordError> {
        match self.text(v, "id", path)? {
            Some(id) if !id.is_empty() => Ok(id),
            _ => Err(self.error(
                &at(path, "id"),
                &format!("is missing: a {what} needs its id"),
                v.get("id").unwrap_or(&Value::Null),
            )),
        }
    }

    fn yt_channel(&mut self, v: &Value, path: &str) -> Result<(), RecordError> {
        let id = self.yt_resource_id(v, path, "channel")?;
        let mut a = Account::bare(self.account_id(&id));
        let none = Value::Null;
        let snippet = v.get("snippet").unwrap_or(&none);
        let sp = at(path, "snippet");
        a.name = self.text(snippet, "title", &sp)?.filter(|t| !t.is_empty());
        a.handle = self
            .text(snippet, "customUrl", &sp)?
            .map(|h| h.trim_start_matches('@').to_owned())
            .filter(|h| !h.is_empty());
        a.bio = self
            .text(snippet, "description", &sp)?
            .filter(|d| !d.is_empty());
        a.created_at = self.time(snippet, "publishedAt", &sp)?;
        a.lang = self
            .text(snippet, "defaultLanguage", &sp)?
            .filter(|l| !l.is_empty());
        if let Some(stats) = v.get("statistics").filter(|s| s.is_object()) {
            let stp = at(path, "statistics");
            // A hidden count stays unknown (the API then sends none, or a rounded one).
            let hidden = self
                .flag(stats, "hiddenSubscriberCount", &stp)?
                .unwrap_or(false);
            if !hidden {
                a.followers = self.yt_count(stats, "subscriberCount", &stp)?;
            }
            a.posts_count = self.yt_count(stats, "videoCount", &stp)?;
        }
        self.records.push(Record::Account(a));
        Ok(())
    }

    fn yt_video(
        &mut self,
        v: &Value,
        path: &str,
        authors: &mut Authors,
    ) -> Result<(), RecordError> {
        let id = self.yt_resource_id(v, path, "video")?;
        let none = Value::Null;
        let snippet = v.get("snippet").unwrap_or(&none);
        let sp = at(path, "snippet");
        let Some(channel) = self
            .text(snippet, "channelId", &sp)?
            .filter(|c| !c.is_empty())
        else {
            return Err(self.error(
                &at(&sp, "channelId"),
                "is missing: a video needs its channel",
                snippet.get("channelId").unwrap_or(&Value::Null),
            ));
        };
        let author = self.account_id(&channel);
        let mut account = Account::bare(author.clone());
        account.name = self
            .text(snippet, "channelTitle", &sp)?
            .filter(|t| !t.is_empty());
        self.records.push(Record::Account(account));
        let title = self.text(snippet, "title", &sp)?.unwrap_or_default();
        let description = self.text(snippet, "description", &sp)?.unwrap_or_default();
        let text = match (title.is_empty(), description.is_empty()) {
            (true, true) => None,
            (false, true) => Some(title),
            (true, false) => Some(description),
            (false, false) => Some(format!("{title}\n\n{description}")),
        };
        let mut hashtags = Vec::new();
        for (i, t) in list(snippet, "tags").iter().enumerate() {
            match t.as_str() {
                Some(tag) if !tag.trim().is_empty() => hashtags.push(tag.trim().to_lowercase()),
                Some(_) => {}
                None => return Err(self.error(&item(&sp, "tags", i), "is not text", t)),
            }
        }
        let lang = match self.text(snippet, "defaultAudioLanguage", &sp)? {
            Some(l) if !l.is_empty() => Some(l),
            _ => self
                .text(snippet, "defaultLanguage", &sp)?
                .filter(|l| !l.is_empty()),
        };
        let (mut views, mut likes, mut replies) = (None, None, None);
        if let Some(stats) = v.get("statistics").filter(|s| s.is_object()) {
            let stp = at(path, "statistics");
            views = self.yt_count(stats, "viewCount", &stp)?;
            likes = self.yt_count(stats, "likeCount", &stp)?;
            replies = self.yt_count(stats, "commentCount", &stp)?;
        }
        authors.remember(&id, &author);
        self.records.push(Record::Post(Post {
            at: self.time(snippet, "publishedAt", &sp)?,
            text,
            lang,
            hashtags,
            likes,
            replies,
            views,
            ..Post::bare(self.post_id(&id), author)
        }));
        Ok(())
    }

    /// A comment thread: its top-level comment, then the replies it carries.
    fn yt_thread(&mut self, v: &Value, path: &str, authors: &mut Authors) {
        let none = Value::Null;
        let snippet = v.get("snippet").unwrap_or(&none);
        let sp = at(path, "snippet");
        // The channel of the video commented on, when the thread names it.
        let video_channel = str_of(snippet, "channelId")
            .filter(|c| !c.is_empty())
            .map(|c| self.account_id(c));
        match snippet.get("topLevelComment").filter(|c| c.is_object()) {
            Some(top) => {
                let tp = at(&sp, "topLevelComment");
                self.each(|p| {
                    let replies = p.yt_count(snippet, "totalReplyCount", &sp)?;
                    p.yt_comment(top, &tp, video_channel, replies, authors)
                });
            }
            None => self.each(|p| {
                Err(p.error(
                    &at(&sp, "topLevelComment"),
                    "is missing: a comment thread needs its comment",
                    snippet.get("topLevelComment").unwrap_or(&Value::Null),
                ))
            }),
        }
        if let Some(replies) = v.get("replies") {
            let rp = at(path, "replies");
            for (i, c) in list(replies, "comments").iter().enumerate() {
                let cp = item(&rp, "comments", i);
                self.each(|p| p.yt_comment(c, &cp, None, None, authors));
            }
        }
    }

    /// A comment: a post replying to its parent comment (`parentId`) or, at the top of a
    /// thread, to its video; `video_channel` is the video's channel and `replies` the
    /// thread's reply count, when the thread says.
    fn yt_comment(
        &mut self,
        v: &Value,
        path: &str,
        video_channel: Option<AccountId>,
        replies: Option<u64>,
        authors: &mut Authors,
    ) -> Result<(), RecordError> {
        let id = self.yt_resource_id(v, path, "comment")?;
        let none = Value::Null;
        let snippet = v.get("snippet").unwrap_or(&none);
        let sp = at(path, "snippet");
        let channel = snippet
            .get("authorChannelId")
            .and_then(|c| c.get("value").or(Some(c)))
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty());
        let Some(channel) = channel else {
            self.ignore("comment without an author channel (a deleted account)");
            return Ok(());
        };
        let author = self.account_id(channel);
        let mut account = Account::bare(author.clone());
        let shown = self
            .text(snippet, "authorDisplayName", &sp)?
            .filter(|n| !n.is_empty());
        // Newer answers give the author's @handle as the display name.
        match shown {
            Some(n) if n.starts_with('@') => account.handle = Some(n[1..].to_owned()),
            n => account.name = n,
        }
        self.records.push(Record::Account(account));
        let parent = self
            .text(snippet, "parentId", &sp)?
            .filter(|p| !p.is_empty());
        let video = self
            .text(snippet, "videoId", &sp)?
            .filter(|p| !p.is_empty());
        let reply_to = parent.clone().or(video.clone());
        let parent_author = match (&parent, &video) {
            (Some(p), _) => authors.0.get(p).cloned(),
            (None, Some(vid)) => video_channel.or_else(|| authors.0.get(vid).cloned()),
            (None, None) => None,
        };
        let when = self.time(snippet, "publishedAt", &sp)?;
        let post_id = self.post_id(&id);
        if let Some(dst) = parent_author {
            self.interaction(&author, dst, InteractionKind::Reply, when, &post_id);
        }
        authors.remember(&id, &author);
        let text = match self.text(snippet, "textOriginal", &sp)? {
            Some(t) => Some(t),
            None => self.text(snippet, "textDisplay", &sp)?,
        };
        self.records.push(Record::Post(Post {
            at: when,
            text,
            reply_to: reply_to.map(|r| self.post_id(&r)),
            likes: self.yt_count(snippet, "likeCount", &sp)?,
            replies,
            ..Post::bare(post_id, author)
        }));
        Ok(())
    }
}
