//! ActivityPub / Mastodon JSON: one activity, actor or collection per document; documents
//! may follow each other (JSON Lines of activities). Mapping:
//! `Create{Note}` → post (+ reply and mention interactions), `Announce` → share,
//! `Like` → like, `Follow` → follow, `Person`/`Service`/… → account, followers/following
//! collections → follower counts and follows. Anything else (`Undo`, `Delete`, …) is counted
//! as ignored and reported, never silently dropped.
//!
//! A reply or share names the *post* it answers, not its author; the author is read from the
//! embedded object when present, else from Mastodon's `/users/NAME/statuses/ID` URL shape.
//! When neither gives it, the post keeps its `reply_to`/`share_of` link and no interaction is
//! invented.

use std::collections::BTreeMap;

use serde_json::Value;
use socialset_model::{
    Account, AccountId, Follow, Interaction, InteractionKind, Post, PostId, Record, Timestamp,
};

use super::json_docs::{Documents, PageReader};
use super::parse_time_text;
use crate::error::RecordError;
use crate::source::Source;

const ACTOR_TYPES: [&str; 5] = ["Person", "Service", "Organization", "Group", "Application"];
const POST_TYPES: [&str; 6] = ["Note", "Article", "Page", "Question", "Event", "Video"];

/// Reads activities, actors and collections (an outbox's items one at a time). A bad
/// document is an error of its own and gives no records.
pub(crate) fn reader(source: Source, platform: String) -> PageReader<()> {
    PageReader::new(
        Documents::split_collections(source),
        platform,
        (),
        |page, (), doc| {
            let ctx = Ctx {
                file: page.file,
                line: page.line,
                platform: page.platform,
            };
            let mut records = Vec::new();
            match ctx.document(doc, &mut records, page.ignored) {
                Ok(()) => page.records.extend(records),
                Err(e) => page.errors.push(e),
            }
        },
    )
}

struct Ctx<'a> {
    file: &'a str,
    line: u64,
    platform: &'a str,
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// The id of a field that may be a URL string or an embedded object with an `id`.
fn ref_id<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    match v.get(key)? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// The author of a post URL in Mastodon's shape `https://host/users/NAME/statuses/ID`.
fn author_of_url(url: &str) -> Option<&str> {
    let at = url.find("/users/")?;
    let rest = &url[at + "/users/".len()..];
    let name_end = rest.find('/')?;
    rest[name_end..]
        .starts_with("/statuses/")
        .then(|| &url[..at + "/users/".len() + name_end])
}

/// `@name@host` from an actor's `preferredUsername` and id URL.
fn handle_of(actor: &Value, id: &str) -> Option<String> {
    let user = text(actor, "preferredUsername")?;
    let host = id.split("://").nth(1)?.split('/').next()?;
    Some(format!("@{user}@{host}"))
}

/// Text of HTML content: tags dropped, paragraphs and line breaks kept as spaces, the common
/// entities decoded. Enough for Mastodon's sanitised HTML; not a general HTML parser.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                if matches!(name, "p" | "br" | "br/" | "div" | "li")
                    && !out.ends_with(' ')
                    && !out.is_empty()
                {
                    out.push(' ');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.trim().to_owned()
}

/// Link targets in HTML content (`<a href="...">`), for a post's `urls`.
fn links_in(html: &str) -> Vec<String> {
    html.match_indices("href=\"")
        .filter_map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest.find('"').map(|end| rest[..end].replace("&amp;", "&"))
        })
        .collect()
}

impl Ctx<'_> {
    fn error(&self, field: &str, problem: &str, value: &Value) -> RecordError {
        RecordError::new(self.file, self.line, problem)
            .field(field)
            .value(&value.to_string())
    }

    fn account_id(&self, url: &str) -> AccountId {
        AccountId::namespaced(self.platform, url)
    }

    fn post_id(&self, url: &str) -> PostId {
        PostId::namespaced(self.platform, url)
    }

    fn time(&self, v: &Value, key: &str) -> Result<Option<Timestamp>, RecordError> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => parse_time_text(s)
                .map(Some)
                .map_err(|p| self.error(key, p, &Value::String(s.clone()))),
            Some(other) => Err(self.error(key, "is not a time string", other)),
        }
    }

    fn required<'v>(&self, v: &'v Value, key: &str, what: &str) -> Result<&'v str, RecordError> {
        ref_id(v, key).filter(|s| !s.is_empty()).ok_or_else(|| {
            self.error(
                key,
                &format!("is missing or not a string: {what}"),
                v.get(key).unwrap_or(&Value::Null),
            )
        })
    }

    fn document(
        &self,
        doc: &Value,
        out: &mut Vec<Record>,
        ignored: &mut BTreeMap<String, u64>,
    ) -> Result<(), RecordError> {
        let kind = text(doc, "type").unwrap_or("");
        match kind {
            "Create" | "Update" => match doc.get("object") {
                Some(object @ Value::Object(_)) => {
                    let inner = text(object, "type").unwrap_or("");
                    if POST_TYPES.contains(&inner) {
                        let author =
                            ref_id(object, "attributedTo").or_else(|| ref_id(doc, "actor"));
                        self.post(object, author, out)
                    } else if ACTOR_TYPES.contains(&inner) {
                        self.account(object, out)
                    } else {
                        *ignored.entry(format!("{kind}{{{inner}}}")).or_default() += 1;
                        Ok(())
                    }
                }
                _ => {
                    *ignored
                        .entry(format!("{kind} of a linked object"))
                        .or_default() += 1;
                    Ok(())
                }
            },
            t if POST_TYPES.contains(&t) => self.post(doc, ref_id(doc, "attributedTo"), out),
            t if ACTOR_TYPES.contains(&t) => self.account(doc, out),
            "Announce" => self.announce(doc, out),
            "Like" => self.like(doc, out),
            "Follow" => {
                let src = self.required(doc, "actor", "a Follow needs an actor")?;
                let dst = self.required(doc, "object", "a Follow needs an object")?;
                out.push(Record::Follow(Follow {
                    src: self.account_id(src),
                    dst: self.account_id(dst),
                    at: self.time(doc, "published")?,
                }));
                Ok(())
            }
            "OrderedCollection" | "Collection" | "OrderedCollectionPage" | "CollectionPage" => {
                self.collection(doc, out, ignored)
            }
            other => {
                let label = if other.is_empty() {
                    "document without a type"
                } else {
                    other
                };
                *ignored.entry(label.to_owned()).or_default() += 1;
                Ok(())
            }
        }
    }

    fn account(&self, actor: &Value, out: &mut Vec<Record>) -> Result<(), RecordError> {
        let id = self.required(actor, "id", "an actor needs an id")?;
        let account_id = self.account_id(id);
        let mut account = Account::bare(account_id);
        account.handle = handle_of(actor, id);
        account.name = text(actor, "name").map(str::to_owned);
        account.bio = text(actor, "summary").map(html_to_text);
        account.created_at = self.time(actor, "published")?;
        account.is_brand = match text(actor, "type") {
            Some("Organization") => Some(true),
            _ => None,
        };
        out.push(Record::Account(account));
        Ok(())
    }

    fn post(
        &self,
        note: &Value,
        author: Option<&str>,
        out: &mut Vec<Record>,
    ) -> Result<(), RecordError> {
        let id = self.required(note, "id", "a post needs an id")?;
        let author = author.filter(|a| !a.is_empty()).ok_or_else(|| {
            self.error(
                "attributedTo",
                "is missing: a post needs an author",
                note.get("attributedTo").unwrap_or(&Value::Null),
            )
        })?;
        let author_id = self.account_id(author);
        let at = self.time(note, "published")?;
        let (lang, content) = match note.get("contentMap").and_then(Value::as_object) {
            Some(map) if !map.is_empty() => {
                let (lang, html) = map
                    .iter()
                    .next()
                    .map(|(k, v)| (Some(k.clone()), v.as_str()))
                    .unwrap_or((None, None));
                (lang, html.or_else(|| text(note, "content")))
            }
            _ => (None, text(note, "content")),
        };
        let mut mentions = Vec::new();
        let mut hashtags = Vec::new();
        let mut tag_hrefs = Vec::new();
        if let Some(tags) = note.get("tag").and_then(Value::as_array) {
            for tag in tags {
                match (text(tag, "type"), text(tag, "href"), text(tag, "name")) {
                    (Some("Mention"), Some(href), _) => {
                        mentions.push(self.account_id(href));
                        tag_hrefs.push(href.to_owned());
                    }
                    (Some("Hashtag"), href, Some(name)) => {
                        hashtags.push(name.trim_start_matches('#').to_lowercase());
                        if let Some(h) = href {
                            tag_hrefs.push(h.to_owned());
                        }
                    }
                    _ => {}
                }
            }
        }
        let urls = content
            .map(links_in)
            .unwrap_or_default()
            .into_iter()
            .filter(|u| !tag_hrefs.contains(u) && !u.contains("/tags/"))
            .collect();
        let reply_to = ref_id(note, "inReplyTo");
        let post_id = self.post_id(id);
        if let Some(parent) = reply_to {
            let parent_author = note
                .get("inReplyTo")
                .and_then(|o| ref_id(o, "attributedTo"))
                .or_else(|| author_of_url(parent));
            if let Some(dst) = parent_author {
                out.push(self.interaction(&author_id, dst, InteractionKind::Reply, at, &post_id));
            }
        }
        for m in &mentions {
            out.push(Record::Interaction(Interaction {
                src: author_id.clone(),
                dst: m.clone(),
                kind: InteractionKind::Mention,
                at,
                post: Some(post_id.clone()),
                weight: 1.0,
            }));
        }
        out.push(Record::Post(Post {
            at,
            text: content.map(html_to_text),
            lang,
            reply_to: reply_to.map(|p| self.post_id(p)),
            mentions,
            hashtags,
            urls,
            ..Post::bare(post_id, author_id)
        }));
        Ok(())
    }

    fn interaction(
        &self,
        src: &AccountId,
        dst_url: &str,
        kind: InteractionKind,
        at: Option<Timestamp>,
        post: &PostId,
    ) -> Record {
        Record::Interaction(Interaction {
            src: src.clone(),
            dst: self.account_id(dst_url),
            kind,
            at,
            post: Some(post.clone()),
            weight: 1.0,
        })
    }

    /// The author of the object an `Announce` or `Like` points at, if it can be known.
    fn object_author<'v>(&self, doc: &'v Value, object_url: &'v str) -> Option<&'v str> {
        doc.get("object")
            .and_then(|o| ref_id(o, "attributedTo"))
            .or_else(|| author_of_url(object_url))
    }

    fn announce(&self, doc: &Value, out: &mut Vec<Record>) -> Result<(), RecordError> {
        let id = self.required(doc, "id", "an Announce needs an id")?;
        let actor = self.required(doc, "actor", "an Announce needs an actor")?;
        let object = self.required(doc, "object", "an Announce needs an object")?;
        let actor_id = self.account_id(actor);
        let at = self.time(doc, "published")?;
        let post_id = self.post_id(id);
        if let Some(author) = self.object_author(doc, object) {
            out.push(self.interaction(&actor_id, author, InteractionKind::Share, at, &post_id));
        }
        out.push(Record::Post(Post {
            at,
            share_of: Some(self.post_id(object)),
            ..Post::bare(post_id, actor_id)
        }));
        Ok(())
    }

    fn like(&self, doc: &Value, out: &mut Vec<Record>) -> Result<(), RecordError> {
        let actor = self.required(doc, "actor", "a Like needs an actor")?;
        let object = self.required(doc, "object", "a Like needs an object")?;
        if let Some(author) = self.object_author(doc, object) {
            let at = self.time(doc, "published")?;
            out.push(self.interaction(
                &self.account_id(actor),
                author,
                InteractionKind::Like,
                at,
                &self.post_id(object),
            ));
        }
        Ok(())
    }

    /// A followers/following collection gives its owner's counts, and follows when its items
    /// are listed; any other collection is walked for the activities it holds.
    fn collection(
        &self,
        doc: &Value,
        out: &mut Vec<Record>,
        ignored: &mut BTreeMap<String, u64>,
    ) -> Result<(), RecordError> {
        let id = text(doc, "id")
            .or_else(|| text(doc, "partOf"))
            .unwrap_or("");
        let owner_followers = id.strip_suffix("/followers");
        let owner_following = id.strip_suffix("/following");
        if let Some(total) = doc.get("totalItems") {
            let count = total.as_u64().ok_or_else(|| {
                self.error("totalItems", "is not a whole number, zero or more", total)
            })?;
            if count > super::MAX_COUNT {
                return Err(self.error("totalItems", super::COUNT_TOO_LARGE, total));
            }
            if let Some(owner) = owner_followers.or(owner_following) {
                let mut account = Account::bare(self.account_id(owner));
                if owner_followers.is_some() {
                    account.followers = Some(count);
                } else {
                    account.following = Some(count);
                }
                out.push(Record::Account(account));
            }
        }
        let items = doc
            .get("orderedItems")
            .or_else(|| doc.get("items"))
            .and_then(Value::as_array);
        for item in items.into_iter().flatten() {
            match (item, owner_followers, owner_following) {
                (Value::String(follower), Some(owner), _) => out.push(Record::Follow(Follow {
                    src: self.account_id(follower),
                    dst: self.account_id(owner),
                    at: None,
                })),
                (Value::String(followed), None, Some(owner)) => out.push(Record::Follow(Follow {
                    src: self.account_id(owner),
                    dst: self.account_id(followed),
                    at: None,
                })),
                (Value::Object(_), _, _) => self.document(item, out, ignored)?,
                _ => {
                    *ignored
                        .entry("collection item of unknown shape".to_owned())
                        .or_default() += 1
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_status_urls_give_their_author() {
        assert_eq!(
            author_of_url("https://mastodon.social/users/Gargron/statuses/1025"),
            Some("https://mastodon.social/users/Gargron")
        );
        assert_eq!(author_of_url("https://dev.example/content/653bad70/"), None);
    }

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(
            html_to_text("<p><span>@<span>jaywink</span></span> boom &amp; bang</p><p>two</p>"),
            "@jaywink boom & bang two"
        );
    }
}
