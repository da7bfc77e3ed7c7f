//! Bluesky / AT Protocol: AppView answers (`app.bsky.feed.getAuthorFeed`, `getPostThread`,
//! `getTimeline`, `app.bsky.graph.getFollowers` / `getFollows`, `app.bsky.actor.getProfile`
//! / `getProfiles`) and Jetstream events (one per line: `commit` creates of posts, likes,
//! reposts and follows; `identity` and `account` events).
//!
//! Mapping: accounts are `bsky:DID` (the stable id; the handle may change), with handle,
//! display name, description and, where the view gives them, followers, follows and posts
//! counts. A post is `bsky:at://DID/app.bsky.feed.post/RKEY` by its author, with its text,
//! language, creation time, reply parent, quoted post (a record embed), links (link facets and
//! external embeds), hashtags (tag facets) and mentions (mention facets: their DIDs), and the
//! view's like, repost and reply counts; a reply, quote or mention is an interaction to the
//! DID in the other post's AT URI, so it is never lost for an author the file does not show.
//! A repost is a post of the reposter sharing the original (in a feed: `reason.by`, not the
//! post's author), with a share interaction; a like is a like interaction to the liked post's
//! author; a follow is a follow.
//!
//! A Jetstream delete of a post or a repost is a `Deletion`: the store removes the post and
//! the interactions it made. Not imported, and counted in the report: other deletes (of a
//! like or a follow: the event names only the record's key, which socialset does not keep),
//! blocks, `identity` and `account` events (an identity event's handle is
//! kept), records of other collections, and posts the AppView could not show (not found,
//! blocked).

use serde_json::Value;
use socialset_model::Timestamp;
use socialset_model::{
    Account, AccountId, Deletion, Follow, InteractionKind, Post, PostId, Record,
};

use super::json_docs::{at, item, list, str_of, Documents, Page, PageReader};
use crate::error::RecordError;
use crate::source::Source;

pub(crate) fn reader(source: Source, platform: String) -> PageReader<()> {
    PageReader::new(
        Documents::new(source, None),
        platform,
        (),
        |page, (), doc| page.bluesky_document(doc, ""),
    )
}

/// The DID of an AT URI (`at://DID/collection/rkey`), if it is one.
fn did_of(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("at://")?;
    let did = rest.split('/').next()?;
    did.starts_with("did:").then_some(did)
}

/// What a post record says beside its text: (reply parent URI, quoted URI, mention DIDs,
/// hashtags, links).
#[derive(Default)]
struct Parts {
    parent: Option<String>,
    quoted: Option<String>,
    mentions: Vec<String>,
    tags: Vec<String>,
    links: Vec<String>,
}

fn parts_of(record: &Value) -> Parts {
    let mut p = Parts {
        parent: record
            .get("reply")
            .and_then(|r| r.get("parent"))
            .and_then(|p| str_of(p, "uri"))
            .map(str::to_owned),
        ..Parts::default()
    };
    for facet in list(record, "facets") {
        for f in list(facet, "features") {
            match str_of(f, "$type") {
                Some("app.bsky.richtext.facet#mention") => {
                    if let Some(d) = str_of(f, "did") {
                        if !p.mentions.iter().any(|m| m == d) {
                            p.mentions.push(d.to_owned());
                        }
                    }
                }
                Some("app.bsky.richtext.facet#tag") => {
                    if let Some(t) = str_of(f, "tag") {
                        let t = t.trim_start_matches('#').to_lowercase();
                        if !t.is_empty() && !p.tags.contains(&t) {
                            p.tags.push(t);
                        }
                    }
                }
                Some("app.bsky.richtext.facet#link") => {
                    if let Some(u) = str_of(f, "uri") {
                        if !p.links.iter().any(|l| l == u) {
                            p.links.push(u.to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(embed) = record.get("embed") {
        match str_of(embed, "$type") {
            Some("app.bsky.embed.record") => {
                p.quoted = embed
                    .get("record")
                    .and_then(|r| str_of(r, "uri"))
                    .map(str::to_owned);
            }
            Some("app.bsky.embed.recordWithMedia") => {
                p.quoted = embed
                    .get("record")
                    .and_then(|r| r.get("record"))
                    .and_then(|r| str_of(r, "uri"))
                    .map(str::to_owned);
            }
            Some("app.bsky.embed.external") => {
                if let Some(u) = embed.get("external").and_then(|e| str_of(e, "uri")) {
                    if !p.links.iter().any(|l| l == u) {
                        p.links.push(u.to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    // A quoted post is quoted, not a feed generator or a list.
    if p.quoted
        .as_deref()
        .is_some_and(|q| !q.contains("/app.bsky.feed.post/"))
    {
        p.quoted = None;
    }
    p
}

impl Page<'_> {
    fn bluesky_document(&mut self, doc: &Value, path: &str) {
        let Value::Object(o) = doc else {
            match doc {
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        self.bluesky_document(v, &format!("{path}[{i}]"));
                    }
                }
                _ => self.ignore("JSON value that is not an object"),
            }
            return;
        };
        if o.contains_key("time_us") && o.contains_key("kind") {
            self.jetstream_event(doc, path);
        } else if let Some(feed) = o.get("feed").and_then(Value::as_array) {
            for (i, item_) in feed.iter().enumerate() {
                self.bsky_feed_item(item_, &item(path, "feed", i));
            }
        } else if let Some(thread) = o.get("thread") {
            self.bsky_thread(thread, &at(path, "thread"));
        } else if o.contains_key("followers") || o.contains_key("follows") {
            self.bsky_follow_list(doc, path);
        } else if let Some(profiles) = o.get("profiles").and_then(Value::as_array) {
            for (i, p) in profiles.iter().enumerate() {
                let pp = item(path, "profiles", i);
                self.each(|page| page.bsky_profile(p, &pp).map(|_| ()));
            }
        } else if o.contains_key("did") && o.contains_key("handle") {
            self.each(|page| page.bsky_profile(doc, path).map(|_| ()));
        } else if o.contains_key("uri") && o.contains_key("record") && o.contains_key("author") {
            self.each(|page| page.bsky_post_view(doc, path));
        } else {
            self.ignore("JSON object that is not a Bluesky answer or Jetstream event");
        }
    }

    /// A profile view: the account, its id returned.
    fn bsky_profile(&mut self, v: &Value, path: &str) -> Result<AccountId, RecordError> {
        let Some(did) = self.text(v, "did", path)?.filter(|d| d.starts_with("did:")) else {
            return Err(self.error(
                &at(path, "did"),
                "is missing or not a DID: an account needs its DID",
                v.get("did").unwrap_or(&Value::Null),
            ));
        };
        let mut a = Account::bare(self.account_id(&did));
        a.handle = self
            .text(v, "handle", path)?
            .filter(|h| !h.is_empty() && h != "handle.invalid");
        a.name = self.text(v, "displayName", path)?.filter(|n| !n.is_empty());
        a.bio = self.text(v, "description", path)?.filter(|d| !d.is_empty());
        a.followers = self.count(v, "followersCount", path)?;
        a.following = self.count(v, "followsCount", path)?;
        a.posts_count = self.count(v, "postsCount", path)?;
        a.created_at = self.time(v, "createdAt", path)?;
        let id = a.id.clone();
        self.records.push(Record::Account(a));
        Ok(id)
    }

    /// A post as the AppView shows it: `{uri, author, record, likeCount, …}`.
    fn bsky_post_view(&mut self, v: &Value, path: &str) -> Result<(), RecordError> {
        let Some(uri) = self.text(v, "uri", path)?.filter(|u| did_of(u).is_some()) else {
            return Err(self.error(
                &at(path, "uri"),
                "is missing or not an AT URI: a post needs its at:// URI",
                v.get("uri").unwrap_or(&Value::Null),
            ));
        };
        let author = match v.get("author") {
            Some(a) if a.is_object() => self.bsky_profile(a, &at(path, "author"))?,
            _ => {
                return Err(self.error(
                    &at(path, "author"),
                    "is missing: a post needs its author",
                    &Value::Null,
                ))
            }
        };
        let none = Value::Null;
        let record = v.get("record").unwrap_or(&none);
        let counts = [
            self.count(v, "likeCount", path)?,
            self.count(v, "repostCount", path)?,
            self.count(v, "replyCount", path)?,
        ];
        self.bsky_post_record(&uri, author, record, &at(path, "record"), None, counts)
    }

    /// A post record (`app.bsky.feed.post`), by `author`, at `uri`; `when` when the record
    /// gives no `createdAt`.
    fn bsky_post_record(
        &mut self,
        uri: &str,
        author: AccountId,
        record: &Value,
        path: &str,
        when: Option<Timestamp>,
        [likes, shares, replies]: [Option<u64>; 3],
    ) -> Result<(), RecordError> {
        let text = self.text(record, "text", path)?;
        let at_time = self.time(record, "createdAt", path)?.or(when);
        let lang = list(record, "langs")
            .first()
            .and_then(Value::as_str)
            .map(str::to_owned);
        let parts = parts_of(record);
        let post_id = self.post_id(uri);
        if let Some(dst) = parts.parent.as_deref().and_then(did_of) {
            let dst = self.account_id(dst);
            self.interaction(&author, dst, InteractionKind::Reply, at_time, &post_id);
        }
        if let Some(dst) = parts.quoted.as_deref().and_then(did_of) {
            let dst = self.account_id(dst);
            self.interaction(&author, dst, InteractionKind::Quote, at_time, &post_id);
        }
        let replied = parts.parent.as_deref().and_then(did_of);
        let mentions: Vec<AccountId> = parts.mentions.iter().map(|d| self.account_id(d)).collect();
        for (d, m) in parts.mentions.iter().zip(&mentions) {
            if Some(d.as_str()) != replied {
                self.interaction(
                    &author,
                    m.clone(),
                    InteractionKind::Mention,
                    at_time,
                    &post_id,
                );
            }
        }
        self.records.push(Record::Post(Post {
            at: at_time,
            text,
            lang,
            reply_to: parts.parent.map(|p| self.post_id(&p)),
            quote_of: parts.quoted.map(|q| self.post_id(&q)),
            mentions,
            hashtags: parts.tags,
            urls: parts.links,
            likes,
            shares,
            replies,
            ..Post::bare(post_id, author)
        }));
        Ok(())
    }

    /// A repost by `by` of the post at `subject`: a post of its own sharing it.
    fn bsky_repost(&mut self, id: &str, by: &AccountId, subject: &str, when: Option<Timestamp>) {
        let post_id = self.post_id(id);
        if let Some(dst) = did_of(subject) {
            let dst = self.account_id(dst);
            self.interaction(by, dst, InteractionKind::Share, when, &post_id);
        }
        self.records.push(Record::Post(Post {
            at: when,
            share_of: Some(self.post_id(subject)),
            ..Post::bare(post_id, by.clone())
        }));
    }

    /// A feed item: `{post, reply: {root, parent}, reason}`.
    fn bsky_feed_item(&mut self, v: &Value, path: &str) {
        if let Some(post) = v.get("post") {
            self.each(|p| p.bsky_post_view(post, &at(path, "post")));
        }
        if let Some(reply) = v.get("reply") {
            for key in ["root", "parent"] {
                if let Some(view) = reply.get(key).filter(|x| x.get("record").is_some()) {
                    let rp = at(&at(path, "reply"), key);
                    self.each(|p| p.bsky_post_view(view, &rp));
                }
            }
        }
        let reason = v.get("reason");
        if reason.and_then(|r| str_of(r, "$type")) == Some("app.bsky.feed.defs#reasonRepost") {
            let reason = reason.unwrap_or(&Value::Null);
            let rp = at(path, "reason");
            self.each(|p| {
                let by = match reason.get("by") {
                    Some(b) => p.bsky_profile(b, &at(&rp, "by"))?,
                    None => {
                        return Err(p.error(
                            &at(&rp, "by"),
                            "is missing: a repost needs who reposted",
                            &Value::Null,
                        ))
                    }
                };
                let Some(subject) = v.get("post").and_then(|x| str_of(x, "uri")) else {
                    return Ok(());
                };
                let when = p.time(reason, "indexedAt", &rp)?;
                // The AppView gives no id for the repost record: one made of both.
                let id = format!("{subject}#repost-by-{}", by.as_str());
                p.bsky_repost(&id, &by, subject, when);
                Ok(())
            });
        }
    }

    /// A thread view: the post, its chain of parents, and its replies, walked with a stack
    /// (the parser refuses documents nested past 128 levels before this runs).
    fn bsky_thread(&mut self, root: &Value, path: &str) {
        let mut stack: Vec<(&Value, String)> = vec![(root, path.to_owned())];
        while let Some((node, p)) = stack.pop() {
            match str_of(node, "$type") {
                Some("app.bsky.feed.defs#notFoundPost") => {
                    self.ignore("post the AppView did not find");
                    continue;
                }
                Some("app.bsky.feed.defs#blockedPost") => {
                    self.ignore("post the AppView did not show (blocked)");
                    continue;
                }
                _ => {}
            }
            match node.get("post") {
                Some(post) => self.each(|page| page.bsky_post_view(post, &at(&p, "post"))),
                None if node.is_null() => continue,
                None => {
                    self.ignore("thread node without a post");
                    continue;
                }
            }
            if let Some(parent) = node.get("parent").filter(|x| !x.is_null()) {
                stack.push((parent, at(&p, "parent")));
            }
            for (i, r) in list(node, "replies").iter().enumerate() {
                stack.push((r, item(&p, "replies", i)));
            }
        }
    }

    /// `getFollowers` (`{subject, followers}`) or `getFollows` (`{subject, follows}`).
    fn bsky_follow_list(&mut self, v: &Value, path: &str) {
        let sp = at(path, "subject");
        let subject = match v.get("subject") {
            Some(s) => match self.bsky_profile(s, &sp) {
                Ok(id) => id,
                Err(e) => {
                    self.errors.push(e);
                    return;
                }
            },
            None => {
                let e = self.error(
                    &sp,
                    "is missing: a follower list needs its subject",
                    &Value::Null,
                );
                self.errors.push(e);
                return;
            }
        };
        for (key, followers) in [("followers", true), ("follows", false)] {
            for (i, p) in list(v, key).iter().enumerate() {
                let ip = item(path, key, i);
                self.each(|page| {
                    let other = page.bsky_profile(p, &ip)?;
                    let (src, dst) = if followers {
                        (other, subject.clone())
                    } else {
                        (subject.clone(), other)
                    };
                    page.records
                        .push(Record::Follow(Follow { src, dst, at: None }));
                    Ok(())
                });
            }
        }
    }

    /// One Jetstream event.
    fn jetstream_event(&mut self, v: &Value, path: &str) {
        let did = str_of(v, "did").filter(|d| d.starts_with("did:"));
        let kind = str_of(v, "kind").unwrap_or_default();
        match (kind, did) {
            (_, None) => self.each(|p| {
                Err(p.error(
                    &at(path, "did"),
                    "is missing or not a DID: an event needs its account's DID",
                    v.get("did").unwrap_or(&Value::Null),
                ))
            }),
            ("commit", Some(did)) => self.each(|p| p.bsky_commit(v, did, path)),
            ("identity", Some(did)) => {
                let handle = v.get("identity").and_then(|i| str_of(i, "handle"));
                match handle.filter(|h| !h.is_empty()) {
                    Some(h) => {
                        let mut a = Account::bare(self.account_id(did));
                        a.handle = Some(h.to_owned());
                        self.records.push(Record::Account(a));
                    }
                    None => self.ignore("Jetstream identity event without a handle"),
                }
            }
            ("account", Some(_)) => self.ignore("Jetstream account event (active or not)"),
            (other, Some(_)) => self.ignore(&format!("Jetstream event of kind {other:?}")),
        }
    }

    fn bsky_commit(&mut self, v: &Value, did: &str, path: &str) -> Result<(), RecordError> {
        let none = Value::Null;
        let c = v.get("commit").unwrap_or(&none);
        let cp = at(path, "commit");
        let collection = self.text(c, "collection", &cp)?.unwrap_or_default();
        let operation = self.text(c, "operation", &cp)?.unwrap_or_default();
        let Some(rkey) = self.text(c, "rkey", &cp)?.filter(|r| !r.is_empty()) else {
            return Err(self.error(
                &at(&cp, "rkey"),
                "is missing: a commit needs its record key",
                &Value::Null,
            ));
        };
        // time_us: microseconds since the epoch, when the record gives no createdAt.
        let when = v
            .get("time_us")
            .and_then(Value::as_f64)
            .and_then(|us| Timestamp::from_epoch_seconds(us / 1e6));
        if operation == "delete" {
            match collection.as_str() {
                "app.bsky.feed.post" | "app.bsky.feed.repost" => {
                    let post = self.post_id(&format!("at://{did}/{collection}/{rkey}"));
                    let author = self.account_id(did);
                    self.records
                        .push(Record::Deletion(Deletion { post, author }));
                }
                _ => self.ignore(&format!(
                    "delete of an {collection} record (the event names only the deleted \
                     record's key, which socialset does not keep: what it made stays)"
                )),
            }
            return Ok(());
        }
        if operation != "create" && operation != "update" {
            self.ignore(&format!("commit operation {operation:?}"));
            return Ok(());
        }
        let record = c.get("record").unwrap_or(&none);
        let rp = at(&cp, "record");
        let author = self.account_id(did);
        let uri = format!("at://{did}/{collection}/{rkey}");
        match collection.as_str() {
            "app.bsky.feed.post" => {
                self.records
                    .push(Record::Account(Account::bare(author.clone())));
                self.bsky_post_record(&uri, author, record, &rp, when, [None; 3])
            }
            "app.bsky.feed.like" | "app.bsky.feed.repost" => {
                let subject = record
                    .get("subject")
                    .and_then(|s| str_of(s, "uri"))
                    .filter(|u| did_of(u).is_some());
                let Some(subject) = subject else {
                    return Err(self.error(
                        &at(&rp, "subject"),
                        "is missing or not an AT URI: a like or repost needs its post",
                        record.get("subject").unwrap_or(&Value::Null),
                    ));
                };
                let at_time = self.time(record, "createdAt", &rp)?.or(when);
                self.records
                    .push(Record::Account(Account::bare(author.clone())));
                if collection == "app.bsky.feed.repost" {
                    self.bsky_repost(&uri, &author, subject, at_time);
                } else if let Some(dst) = did_of(subject) {
                    let dst = self.account_id(dst);
                    let post: PostId = self.post_id(subject);
                    self.interaction(&author, dst, InteractionKind::Like, at_time, &post);
                }
                Ok(())
            }
            "app.bsky.graph.follow" => {
                let Some(subject) = self
                    .text(record, "subject", &rp)?
                    .filter(|s| s.starts_with("did:"))
                else {
                    return Err(self.error(
                        &at(&rp, "subject"),
                        "is missing or not a DID: a follow needs whom it follows",
                        record.get("subject").unwrap_or(&Value::Null),
                    ));
                };
                let at_time = self.time(record, "createdAt", &rp)?.or(when);
                let dst = self.account_id(&subject);
                self.records.push(Record::Follow(Follow {
                    src: author,
                    dst,
                    at: at_time,
                }));
                Ok(())
            }
            "app.bsky.actor.profile" => {
                let mut a = Account::bare(author);
                a.name = self
                    .text(record, "displayName", &rp)?
                    .filter(|n| !n.is_empty());
                a.bio = self
                    .text(record, "description", &rp)?
                    .filter(|d| !d.is_empty());
                self.records.push(Record::Account(a));
                Ok(())
            }
            "app.bsky.graph.block" => {
                self.ignore("block");
                Ok(())
            }
            other => {
                self.ignore(&format!("record of the {other} collection"));
                Ok(())
            }
        }
    }
}
