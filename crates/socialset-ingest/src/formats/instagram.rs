//! Instagram Graph API answers (business and creator accounts): `business_discovery` (a
//! profile and its `media`), media lists (`{"data": […], "paging": …}`), a hashtag's
//! `top_media` / `recent_media`, comments (a media's `comments` edge, or a `?ids=` batch keyed
//! by id), as saved one answer per line or pretty-printed ones following each other.
//!
//! Mapping: a profile → account `ig:USERNAME` (Instagram speaks of accounts by username in
//! comments, mentions and captions), with name, biography, `followers_count` (the only reach
//! measure the API gives: it exposes no follower lists) and `media_count`; a media → post
//! `ig:MEDIA_ID` by its `username`, else by the profile it is listed under (caption as text,
//! its #hashtags and @mentions, likes, comments as replies, the permalink); a comment → post
//! by its `username` replying to its media (or to the comment it answers), with a reply
//! interaction to that media's author when it is known, and a mention interaction for each
//! @account in the text. A profile answer without its `username` (media asked for alone) is
//! attributed to the profile read earlier in the file with the same id, else to `ig:ID`.
//!
//! Not imported, and counted in the report: media without an author (a hashtag's media: the
//! API does not give their owner; socialset does not invent one), comments without a
//! username, and anything else.

use std::collections::HashMap;

use serde_json::Value;
use socialset_model::{Account, AccountId, InteractionKind, Post, Record};

use super::json_docs::{at, item, list, str_of, Documents, Page, PageReader};
use crate::error::RecordError;
use crate::source::Source;

/// Remembered per file, forgotten past this many (memory stays bounded).
const REMEMBERED: usize = 1 << 20;

/// What a file told so far: profile ids → usernames, media and comment ids → authors.
#[derive(Default)]
pub(crate) struct Known {
    usernames: HashMap<String, String>,
    authors: HashMap<String, AccountId>,
}

impl Known {
    fn author(&mut self, id: &str, author: &AccountId) {
        if self.authors.len() >= REMEMBERED {
            self.authors.clear();
        }
        self.authors.insert(id.to_owned(), author.clone());
    }

    fn username(&mut self, id: &str, name: &str) {
        if self.usernames.len() >= REMEMBERED {
            self.usernames.clear();
        }
        self.usernames.insert(id.to_owned(), name.to_owned());
    }
}

pub(crate) fn reader(source: Source, platform: String) -> PageReader<Known> {
    PageReader::new(
        Documents::new(source, None),
        platform,
        Known::default(),
        |page, known, doc| page.instagram_document(doc, "", None, known),
    )
}

/// The @usernames and #hashtags of a caption or comment (lower case, without the sign).
fn names_and_tags(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut names, mut tags) = (Vec::new(), Vec::new());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '@' && c != '#' {
            continue;
        }
        // A sign inside a word (an e-mail address, "C#") starts nothing.
        let before = text[..i].chars().next_back();
        if before.is_some_and(|b| b.is_alphanumeric() || b == '_') {
            continue;
        }
        let mut word = String::new();
        while let Some(&(_, d)) = chars.peek() {
            let ok = d.is_alphanumeric() || d == '_' || (c == '@' && d == '.');
            if !ok {
                break;
            }
            word.push(d);
            chars.next();
        }
        let word = word.trim_end_matches('.').to_lowercase();
        if word.is_empty() {
            continue;
        }
        let list = if c == '@' { &mut names } else { &mut tags };
        if !list.contains(&word) {
            list.push(word);
        }
    }
    (names, tags)
}

/// What an Instagram object is, by its fields.
enum Kind {
    Profile,
    Media,
    Comment,
    Other,
}

fn kind_of(v: &Value) -> Kind {
    let has = |k: &str| v.get(k).is_some();
    if has("business_discovery") {
        Kind::Profile
    } else if has("media_type") || has("caption") || has("permalink") || has("media_url") {
        Kind::Media
    } else if has("text") && (has("username") || has("from")) {
        Kind::Comment
    } else if has("comments_count") || (has("like_count") && !has("text")) {
        Kind::Media
    } else if has("followers_count") || (has("username") && has("media_count")) {
        Kind::Profile
    } else {
        Kind::Other
    }
}

impl Page<'_> {
    /// An Instagram answer; `owner` is the account the media listed in it belong to.
    fn instagram_document(
        &mut self,
        doc: &Value,
        path: &str,
        owner: Option<&AccountId>,
        known: &mut Known,
    ) {
        match doc {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.instagram_document(v, &format!("{path}[{i}]"), owner, known);
                }
            }
            Value::Object(o) => {
                if let Some(bd) = o.get("business_discovery").filter(|b| b.is_object()) {
                    self.ig_profile(bd, &at(path, "business_discovery"), known);
                } else if let Some(data) = o.get("data").and_then(Value::as_array) {
                    // A list answer: media, or comments.
                    for (i, v) in data.iter().enumerate() {
                        self.instagram_document(v, &item(path, "data", i), owner, known);
                    }
                } else if !o.is_empty()
                    && o.iter()
                        .all(|(k, v)| k.bytes().all(|b| b.is_ascii_digit()) && v.is_object())
                {
                    // An `?ids=` batch: {"ID": {…}, …}.
                    for (k, v) in o {
                        self.instagram_document(v, &at(path, k), owner, known);
                    }
                } else {
                    match kind_of(doc) {
                        Kind::Media => self.ig_media(doc, path, owner, known),
                        Kind::Comment => self.each(|p| p.ig_comment(doc, path, None, known)),
                        Kind::Profile => self.ig_profile(doc, path, known),
                        Kind::Other => self.ignore("JSON object that is not an Instagram answer"),
                    }
                }
            }
            _ => self.ignore("JSON value that is not an object"),
        }
    }

    /// A `business_discovery` profile (or a user node): the account, then its media.
    fn ig_profile(&mut self, v: &Value, path: &str, known: &mut Known) {
        let id = str_of(v, "id").filter(|i| !i.is_empty());
        let mut account = None;
        self.each(|p| {
            let username = p.text(v, "username", path)?.filter(|u| !u.is_empty());
            let name = match (&username, id) {
                (Some(u), _) => u.clone(),
                (None, Some(id)) => known.usernames.get(id).cloned().unwrap_or(id.to_owned()),
                (None, None) => {
                    return Err(p.error(
                        &at(path, "username"),
                        "is missing: a profile needs its username or id",
                        &Value::Null,
                    ))
                }
            };
            if let (Some(u), Some(id)) = (&username, id) {
                known.username(id, u);
            }
            let mut a = Account::bare(p.account_id(&name.to_lowercase()));
            a.handle = username;
            a.name = p.text(v, "name", path)?.filter(|n| !n.is_empty());
            a.bio = p.text(v, "biography", path)?.filter(|b| !b.is_empty());
            a.followers = p.count(v, "followers_count", path)?;
            a.following = p.count(v, "follows_count", path)?;
            a.posts_count = p.count(v, "media_count", path)?;
            account = Some(a.id.clone());
            p.records.push(Record::Account(a));
            Ok(())
        });
        if let Some(media) = v.get("media") {
            self.instagram_document(media, &at(path, "media"), account.as_ref(), known);
        }
    }

    /// A media: a post by its `username`, else by `owner`; none without either.
    fn ig_media(&mut self, v: &Value, path: &str, owner: Option<&AccountId>, known: &mut Known) {
        let mut author = None;
        self.each(|p| {
            let id = match p.text(v, "id", path)? {
                Some(id) if !id.is_empty() => id,
                _ => {
                    return Err(p.error(
                        &at(path, "id"),
                        "is missing: a media needs its id",
                        v.get("id").unwrap_or(&Value::Null),
                    ))
                }
            };
            let by = match p.text(v, "username", path)?.filter(|u| !u.is_empty()) {
                Some(u) => {
                    let a = p.account_id(&u.to_lowercase());
                    let mut account = Account::bare(a.clone());
                    account.handle = Some(u);
                    p.records.push(Record::Account(account));
                    Some(a)
                }
                None => owner.cloned(),
            };
            let Some(by) = by else {
                p.ignore(
                    "media without an author (a hashtag's media: the API does not give its owner)",
                );
                return Ok(());
            };
            let text = p.text(v, "caption", path)?.filter(|c| !c.is_empty());
            let (names, hashtags) = text.as_deref().map(names_and_tags).unwrap_or_default();
            let when = p.time(v, "timestamp", path)?;
            let post_id = p.post_id(&id);
            let mentions: Vec<AccountId> = names.iter().map(|n| p.account_id(n)).collect();
            for m in &mentions {
                p.interaction(&by, m.clone(), InteractionKind::Mention, when, &post_id);
            }
            known.author(&id, &by);
            p.records.push(Record::Post(Post {
                at: when,
                text,
                mentions,
                hashtags,
                likes: p.count(v, "like_count", path)?,
                replies: p.count(v, "comments_count", path)?,
                ..Post::bare(post_id, by.clone())
            }));
            author = Some((id, by));
            Ok(())
        });
        // Its comments, when the answer holds them.
        if let (Some((id, _)), Some(comments)) = (&author, v.get("comments")) {
            let cp = at(path, "comments");
            for (i, c) in list(comments, "data").iter().enumerate() {
                let ip = item(&cp, "data", i);
                self.each(|p| p.ig_comment(c, &ip, Some(id), known));
            }
        }
    }

    /// A comment by its `username` replying to `media` (or its own `media.id`, or the
    /// comment it answers), and its replies.
    fn ig_comment(
        &mut self,
        v: &Value,
        path: &str,
        media: Option<&String>,
        known: &mut Known,
    ) -> Result<(), RecordError> {
        let id = match self.text(v, "id", path)? {
            Some(id) if !id.is_empty() => id,
            _ => {
                return Err(self.error(
                    &at(path, "id"),
                    "is missing: a comment needs its id",
                    v.get("id").unwrap_or(&Value::Null),
                ))
            }
        };
        let username = match self.text(v, "username", path)? {
            Some(u) => Some(u),
            None => v
                .get("from")
                .map(|f| self.text(f, "username", &at(path, "from")))
                .transpose()?
                .flatten(),
        };
        let Some(username) = username.filter(|u| !u.is_empty()) else {
            self.ignore("comment without a username");
            return Ok(());
        };
        let author = self.account_id(&username.to_lowercase());
        let mut account = Account::bare(author.clone());
        account.handle = Some(username);
        self.records.push(Record::Account(account));
        let parent = match self.text(v, "parent_id", path)? {
            Some(p) if !p.is_empty() => Some(p),
            _ => match media {
                Some(m) => Some(m.clone()),
                None => v
                    .get("media")
                    .and_then(|m| str_of(m, "id"))
                    .map(str::to_owned),
            },
        };
        let when = self.time(v, "timestamp", path)?;
        let post_id = self.post_id(&id);
        if let Some(dst) = parent.as_ref().and_then(|p| known.authors.get(p)).cloned() {
            self.interaction(&author, dst, InteractionKind::Reply, when, &post_id);
        }
        let text = self.text(v, "text", path)?;
        let (names, hashtags) = text.as_deref().map(names_and_tags).unwrap_or_default();
        let mentions: Vec<AccountId> = names.iter().map(|n| self.account_id(n)).collect();
        for m in &mentions {
            self.interaction(&author, m.clone(), InteractionKind::Mention, when, &post_id);
        }
        known.author(&id, &author);
        self.records.push(Record::Post(Post {
            at: when,
            text,
            reply_to: parent.map(|p| self.post_id(&p)),
            mentions,
            hashtags,
            likes: self.count(v, "like_count", path)?,
            ..Post::bare(post_id, author)
        }));
        if let Some(replies) = v.get("replies") {
            let rp = at(path, "replies");
            for (i, r) in list(replies, "data").iter().enumerate() {
                let ip = item(&rp, "data", i);
                // A reply answers this comment.
                let mut r = r.clone();
                if let Value::Object(o) = &mut r {
                    o.entry("parent_id")
                        .or_insert_with(|| Value::String(id.clone()));
                }
                self.each(|p| p.ig_comment(&r, &ip, None, known));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::names_and_tags;

    #[test]
    fn mentions_and_hashtags_of_a_caption() {
        let (names, tags) =
            names_and_tags("Thanks @Anna.B. and @anna.b! #Love #love, mail me at x@y.com, C# #");
        assert_eq!(names, ["anna.b"]);
        assert_eq!(tags, ["love"]);
    }
}
