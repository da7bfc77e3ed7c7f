//! X / Twitter exports, API v1.1 and v2.
//!
//! **v1.1**: tweet objects with their embedded `user` (one per line, one per file as PHEME
//! keeps them, arrays of them, or search responses with `statuses`), and user objects.
//! **v2**: responses as the API and twarc2 save them — `data` (tweets, or users from a user
//! lookup), `includes.users`, `includes.tweets`, `errors`, `meta` — as well as twarc's
//! flattened tweets (author inline) and compliance records.
//!
//! Mapping, the same for both: a user → account (followers, following, posts, lists, likes
//! given, creation time, bio, verified); a tweet → post (text, full text of long tweets,
//! language, client, reply / retweet / quote links, mentions, hashtags, links, counts) and
//! interactions: reply (to the replied account), share (a retweet, to the retweeted author),
//! quote (to the quoted author), mention (to each other account named). Retweeted and quoted
//! tweets carried along are imported too. Ids are `tw:<numeric id>` for both versions, so a
//! v1.1 and a v2 export of the same accounts meet. A value the export does not give stays
//! missing, never zero; `und` (undetermined) language is missing.
//!
//! Not imported, and counted in the report: deletion and limit notices, compliance records,
//! the API's `errors` (deleted, protected or withheld tweets, by title), superseded versions of
//! edited tweets (the last version is kept), tweet counts and lists, PHEME's `structure.json`
//! reply trees (the replies come from the tweets' own `in_reply_to_status_id`). Lists (v2)
//! are groups `tw:list/ID`.
//!
//! A bad tweet or user is an error of its own (with its JSON path, e.g. `data[3].author_id`);
//! the other objects of the same page are still read.

use std::collections::HashMap;

use serde_json::{Map, Value};
use socialset_model::{Account, AccountId, Group, GroupId, InteractionKind, Post, Record};

use super::json_docs::{at, item, list, str_of, Documents, Page, PageReader};
use crate::error::RecordError;
use crate::source::Source;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    V1,
    V2,
}

/// Every key the mapping reads (sorted): the rest of a tweet (colours, images, geo…) is skipped
/// unparsed. A key the mapping starts reading must be added here.
const KEYS: &[&str] = &[
    "action",
    "author",
    "author_id",
    "created_at",
    "data",
    "delete",
    "description",
    "disconnect",
    "edit_history_tweet_ids",
    "entities",
    "errors",
    "expanded_url",
    "extended_tweet",
    "favorite_count",
    "favourites_count",
    "followers_count",
    "following_count",
    "friends_count",
    "full_text",
    "hashtags",
    "id",
    "id_str",
    "impression_count",
    "in_reply_to_status_id",
    "in_reply_to_status_id_str",
    "in_reply_to_user_id",
    "in_reply_to_user_id_str",
    "includes",
    "lang",
    "like_count",
    "limit",
    "listed_count",
    "member_count",
    "mentions",
    "name",
    "owner_id",
    "public_metrics",
    "quoted_status",
    "quoted_status_id",
    "quoted_status_id_str",
    "reason",
    "referenced_tweets",
    "reply_count",
    "retweet_count",
    "retweeted_status",
    "screen_name",
    "scrub_geo",
    "source",
    "status_withheld",
    "statuses",
    "statuses_count",
    "tag",
    "text",
    "title",
    "tweet_count",
    "tweets",
    "type",
    "url",
    "urls",
    "user",
    "user_mentions",
    "user_withheld",
    "username",
    "users",
    "verified",
    "warning",
];

/// Reads documents of one API version.
pub(crate) fn reader(source: Source, version: Version, platform: String) -> PageReader<Version> {
    PageReader::new(
        Documents::new(source, Some(KEYS)),
        platform,
        version,
        |page, version, doc| match version {
            Version::V1 => page.v1_document(doc),
            Version::V2 => page.v2_document(doc),
        },
    )
}

/// Tweet text with Twitter's HTML escapes undone (v1.1 and v2 escape `&`, `<` and `>`).
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The client's name from v1.1's `<a href="…">Twitter for iPhone</a>` (v2 gives the name).
fn client_name(source: &str) -> Option<String> {
    let name = match (source.find('>'), source.rfind("</")) {
        (Some(open), Some(close)) if open < close => &source[open + 1..close],
        _ => source,
    };
    let name = unescape(name.trim());
    (!name.is_empty()).then_some(name)
}

/// Ids and authors the page names, to give retweets, quotes and mentions their accounts.
#[derive(Default)]
struct Lookup<'v> {
    author_of_tweet: HashMap<&'v str, &'v str>,
    id_of_username: HashMap<String, &'v str>,
}

impl<'v> Lookup<'v> {
    fn add_user(&mut self, u: &'v Value) {
        if let (Some(id), Some(name)) = (str_of(u, "id"), str_of(u, "username")) {
            self.id_of_username.insert(name.to_lowercase(), id);
        }
    }

    fn add_tweet(&mut self, t: &'v Value) {
        if let (Some(id), Some(author)) = (str_of(t, "id"), str_of(t, "author_id")) {
            self.author_of_tweet.insert(id, author);
        }
        if let Some(author) = t.get("author") {
            self.add_user(author);
        }
        for r in t
            .get("referenced_tweets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if r.get("author_id").is_some() {
                self.add_tweet(r);
            }
        }
    }
}

impl Page<'_> {
    /// An id given as a string (`id_str`, or v2's `id`) or, in v1.1, as a number.
    fn id(&self, v: &Value, keys: &[&str], path: &str) -> Result<Option<String>, RecordError> {
        for key in keys {
            match v.get(*key) {
                None | Some(Value::Null) => continue,
                Some(Value::String(s)) if !s.trim().is_empty() => {
                    let s = s.trim();
                    return if s.bytes().all(|b| b.is_ascii_digit()) {
                        Ok(Some(s.to_owned()))
                    } else {
                        Err(self.error(&at(path, key), "is not a numeric id", &v[*key]))
                    };
                }
                Some(Value::Number(n)) if n.as_u64().is_some() => {
                    return Ok(n.as_u64().map(|n| n.to_string()))
                }
                Some(other) => {
                    return Err(self.error(&at(path, key), "is not an id (digits)", other))
                }
            }
        }
        Ok(None)
    }

    fn required_id(
        &self,
        v: &Value,
        keys: &[&str],
        path: &str,
        what: &str,
    ) -> Result<String, RecordError> {
        self.id(v, keys, path)?.ok_or_else(|| {
            self.error(
                &at(path, keys[0]),
                &format!("is missing: {what}"),
                &Value::Null,
            )
        })
    }

    fn lang(&self, v: &Value, path: &str) -> Result<Option<String>, RecordError> {
        Ok(self
            .text(v, "lang", path)?
            .filter(|l| !l.is_empty() && l != "und"))
    }

    // ---- API v1.1 ----

    fn v1_document(&mut self, doc: &Value) {
        match doc {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.v1_object(v, &format!("[{i}]"));
                }
            }
            Value::Object(o) => {
                if let Some(statuses) = o.get("statuses").and_then(Value::as_array) {
                    for (i, t) in statuses.iter().enumerate() {
                        self.v1_object(t, &item("", "statuses", i));
                    }
                } else if let Some(users) = o.get("users").and_then(Value::as_array) {
                    for (i, u) in users.iter().enumerate() {
                        self.v1_object(u, &item("", "users", i));
                    }
                } else {
                    self.v1_object(doc, "");
                }
            }
            _ => self.ignore("JSON value that is not an object"),
        }
    }

    fn v1_object(&mut self, v: &Value, path: &str) {
        let Some(o) = v.as_object() else {
            self.ignore("JSON value that is not an object");
            return;
        };
        for notice in [
            "delete",
            "limit",
            "scrub_geo",
            "status_withheld",
            "user_withheld",
            "disconnect",
            "warning",
        ] {
            if o.contains_key(notice) && !o.contains_key("user") {
                self.ignore(&format!("{notice} notice"));
                return;
            }
        }
        if o.contains_key("user") || o.contains_key("full_text") || o.contains_key("text") {
            self.each(|p| p.v1_tweet(v, path, 0).map(|_| ()));
        } else if o.contains_key("screen_name") {
            self.each(|p| p.v1_user(v, path).map(|_| ()));
        } else if is_reply_tree(o) {
            self.ignore("reply trees (PHEME structure.json: the replies are read from the tweets)");
        } else {
            self.ignore("JSON object that is neither a tweet nor a user");
        }
    }

    fn v1_user(&mut self, u: &Value, path: &str) -> Result<AccountId, RecordError> {
        if !u.is_object() {
            return Err(self.error(path, "is not a user object", u));
        }
        let id = self.required_id(u, &["id_str", "id"], path, "a user needs its id")?;
        let mut a = Account::bare(self.account_id(&id));
        a.handle = self.text(u, "screen_name", path)?;
        a.name = self.text(u, "name", path)?;
        a.followers = self.count(u, "followers_count", path)?;
        a.following = self.count(u, "friends_count", path)?;
        a.posts_count = self.count(u, "statuses_count", path)?;
        a.listed = self.count(u, "listed_count", path)?;
        a.likes_given = self.count(u, "favourites_count", path)?;
        a.created_at = self.time(u, "created_at", path)?;
        a.bio = self
            .text(u, "description", path)?
            .map(|d| unescape(&d))
            .filter(|d| !d.is_empty());
        a.verified = self.flag(u, "verified", path)?;
        a.lang = self.lang(u, path)?;
        let account = a.id.clone();
        self.records.push(Record::Account(a));
        Ok(account)
    }

    /// A v1.1 tweet; `depth` counts the retweeted / quoted tweets it is carried in.
    fn v1_tweet(&mut self, t: &Value, path: &str, depth: u8) -> Result<AccountId, RecordError> {
        if !t.is_object() {
            return Err(self.error(path, "is not a tweet object", t));
        }
        let id = self.required_id(t, &["id_str", "id"], path, "a tweet needs its id")?;
        let author = match t.get("user") {
            Some(u @ Value::Object(_)) => self.v1_user(u, &at(path, "user"))?,
            _ => {
                return Err(self.error(
                    &at(path, "user"),
                    "is missing: a tweet needs its user object",
                    t.get("user").unwrap_or(&Value::Null),
                ))
            }
        };
        let post_id = self.post_id(&id);
        let when = self.time(t, "created_at", path)?;
        // Long tweets: `full_text` (tweet_mode=extended), or the streaming API's
        // `extended_tweet`, whose entities are then the complete ones.
        let extended = t.get("extended_tweet").filter(|e| e.is_object());
        let (body, body_path) = match extended {
            Some(e) => (e, at(path, "extended_tweet")),
            None => (t, path.to_owned()),
        };
        let text = match self.text(body, "full_text", &body_path)? {
            Some(full) => Some(full),
            None => self
                .text(t, "full_text", path)?
                .map_or_else(|| self.text(t, "text", path), |full| Ok(Some(full)))?,
        }
        .map(|s| unescape(&s));

        let mut shared_author = None;
        let share_of = match t.get("retweeted_status") {
            Some(rt @ Value::Object(_)) if depth < 2 => {
                let rt_path = at(path, "retweeted_status");
                let rt_id =
                    self.required_id(rt, &["id_str", "id"], &rt_path, "a tweet needs its id")?;
                shared_author = Some(self.v1_tweet(rt, &rt_path, depth + 1)?);
                Some(self.post_id(&rt_id))
            }
            _ => None,
        };
        let mut quoted_author = None;
        let quote_of = match t.get("quoted_status") {
            Some(q @ Value::Object(_)) if depth < 2 => {
                let q_path = at(path, "quoted_status");
                let q_id =
                    self.required_id(q, &["id_str", "id"], &q_path, "a tweet needs its id")?;
                quoted_author = Some(self.v1_tweet(q, &q_path, depth + 1)?);
                Some(self.post_id(&q_id))
            }
            _ => self
                .id(t, &["quoted_status_id_str", "quoted_status_id"], path)?
                .map(|q| self.post_id(&q)),
        };
        let reply_to = self
            .id(
                t,
                &["in_reply_to_status_id_str", "in_reply_to_status_id"],
                path,
            )?
            .map(|r| self.post_id(&r));
        let replied = self
            .id(t, &["in_reply_to_user_id_str", "in_reply_to_user_id"], path)?
            .map(|u| self.account_id(&u));

        let (entities, entities_path) = match body.get("entities") {
            Some(e) => (Some(e), at(&body_path, "entities")),
            None => (t.get("entities"), at(path, "entities")),
        };
        let (hashtags, urls) = match entities {
            Some(e) => self.tags_and_links(e, &entities_path, "text")?,
            None => Default::default(),
        };
        let mut mentions = Vec::new();
        if let Some(e) = entities {
            for (i, m) in list(e, "user_mentions").iter().enumerate() {
                let m_path = item(&entities_path, "user_mentions", i);
                let Some(mid) = self.id(m, &["id_str", "id"], &m_path)? else {
                    continue;
                };
                let mut a = Account::bare(self.account_id(&mid));
                a.handle = self.text(m, "screen_name", &m_path)?;
                a.name = self.text(m, "name", &m_path)?;
                mentions.push(a.id.clone());
                self.records.push(Record::Account(a));
            }
        }
        let post = Post {
            id: post_id.clone(),
            author: author.clone(),
            at: when,
            text,
            lang: self.lang(t, path)?,
            reply_to,
            share_of,
            quote_of,
            mentions,
            hashtags,
            urls,
            likes: self.count(t, "favorite_count", path)?,
            shares: self.count(t, "retweet_count", path)?,
            replies: self.count(t, "reply_count", path)?,
            views: None,
            source: self.text(t, "source", path)?.and_then(|s| client_name(&s)),
            group: None,
        };
        self.tweet_interactions(&post, replied, shared_author, quoted_author);
        self.records.push(Record::Post(post));
        Ok(author)
    }

    /// A tweet's hashtags (lower-case, without `#`, as the store keeps them; `tag_key` is
    /// v1.1's `text` or v2's `tag`) and its links (expanded where the export expands them).
    fn tags_and_links(
        &self,
        entities: &Value,
        path: &str,
        tag_key: &str,
    ) -> Result<(Vec<String>, Vec<String>), RecordError> {
        let mut tags = Vec::new();
        for (i, h) in list(entities, "hashtags").iter().enumerate() {
            if let Some(tag) = self.text(h, tag_key, &item(path, "hashtags", i))? {
                tags.push(tag.trim_start_matches('#').to_lowercase());
            }
        }
        let mut links = Vec::new();
        for (i, u) in list(entities, "urls").iter().enumerate() {
            let u_path = item(path, "urls", i);
            if let Some(url) = self
                .text(u, "expanded_url", &u_path)?
                .or(self.text(u, "url", &u_path)?)
            {
                links.push(url);
            }
        }
        Ok((tags, links))
    }

    /// The interactions a tweet makes: reply, share, quote and mentions (an account named
    /// only as the replied, shared or quoted one, or the author, is not also "mentioned").
    fn tweet_interactions(
        &mut self,
        post: &Post,
        replied: Option<AccountId>,
        shared: Option<AccountId>,
        quoted: Option<AccountId>,
    ) {
        let (src, when, id) = (&post.author, post.at, &post.id);
        if let Some(r) = &replied {
            self.interaction(src, r.clone(), InteractionKind::Reply, when, id);
        }
        if let Some(s) = &shared {
            self.interaction(src, s.clone(), InteractionKind::Share, when, id);
        }
        if let Some(q) = &quoted {
            self.interaction(src, q.clone(), InteractionKind::Quote, when, id);
        }
        if shared.is_some() {
            // A retweet's mentions are the original's: the retweeter named nobody.
            return;
        }
        let mut seen: Vec<&AccountId> = Vec::new();
        for m in &post.mentions {
            if Some(m) == replied.as_ref() || Some(m) == quoted.as_ref() || seen.contains(&m) {
                continue;
            }
            seen.push(m);
            self.interaction(src, m.clone(), InteractionKind::Mention, when, id);
        }
    }

    // ---- API v2 ----

    fn v2_document(&mut self, doc: &Value) {
        let Some(o) = doc.as_object() else {
            match doc {
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        self.v2_document_at(v, &format!("[{i}]"));
                    }
                }
                _ => self.ignore("JSON value that is not an object"),
            }
            return;
        };
        if o.contains_key("data") || o.contains_key("includes") || o.contains_key("errors") {
            self.v2_page(o);
        } else {
            self.v2_document_at(doc, "");
        }
    }

    /// A document that is not a response page: a flattened tweet, a user, or a compliance
    /// record.
    fn v2_document_at(&mut self, v: &Value, path: &str) {
        let Some(o) = v.as_object() else {
            self.ignore("JSON value that is not an object");
            return;
        };
        if let Some(action) = str_of(v, "action") {
            let reason = str_of(v, "reason").unwrap_or("no reason given");
            self.ignore(&format!("compliance record: {action} ({reason})"));
        } else if o.contains_key("author_id") || o.contains_key("text") {
            let mut lookup = Lookup::default();
            lookup.add_tweet(v);
            self.each(|p| p.v2_tweet(v, path, &lookup));
        } else if o.contains_key("username") {
            self.each(|p| p.v2_user(v, path).map(|_| ()));
        } else {
            self.ignore("JSON object that is neither a tweet nor a user");
        }
    }

    fn v2_page(&mut self, o: &Map<String, Value>) {
        let includes = o.get("includes");
        let users = includes.map(|i| list(i, "users")).unwrap_or_default();
        let tweets = includes.map(|i| list(i, "tweets")).unwrap_or_default();
        let data: Vec<&Value> = match o.get("data") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v @ Value::Object(_)) => vec![v],
            _ => Vec::new(),
        };
        let data_path = |i: usize| {
            if matches!(o.get("data"), Some(Value::Array(_))) {
                format!("data[{i}]")
            } else {
                "data".to_owned()
            }
        };
        let mut lookup = Lookup::default();
        for u in users {
            lookup.add_user(u);
        }
        for t in tweets.iter().chain(data.iter().copied()) {
            lookup.add_tweet(t);
        }
        for (i, u) in users.iter().enumerate() {
            self.each(|p| p.v2_user(u, &item("includes", "users", i)).map(|_| ()));
        }
        for (i, d) in data.iter().enumerate() {
            let path = data_path(i);
            if d.get("author_id").is_some() || d.get("text").is_some() {
                self.each(|p| p.v2_tweet(d, &path, &lookup));
            } else if d.get("username").is_some() {
                self.each(|p| p.v2_user(d, &path).map(|_| ()));
            } else if d.get("tweet_count").is_some() {
                self.ignore("tweet counts");
            } else if d.get("member_count").is_some() || d.get("owner_id").is_some() {
                self.each(|p| p.v2_list(d, &path));
            } else {
                self.ignore("data item that is neither a tweet, a user nor a list");
            }
        }
        for (i, t) in tweets.iter().enumerate() {
            self.each(|p| p.v2_tweet(t, &item("includes", "tweets", i), &lookup));
        }
        for e in o
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let title = str_of(e, "title").unwrap_or("untitled");
            self.ignore(&format!("API error: {title}"));
        }
    }

    /// A list: a group `tw:list/ID` (its members, when the export has them, are separate
    /// lookups).
    fn v2_list(&mut self, l: &Value, path: &str) -> Result<(), RecordError> {
        let id = self.required_id(l, &["id"], path, "a list needs its id")?;
        let mut g = Group::bare(GroupId::namespaced(self.platform, &format!("list/{id}")));
        g.name = self.text(l, "name", path)?;
        g.description = self.text(l, "description", path)?.filter(|d| !d.is_empty());
        g.members = self.count(l, "member_count", path)?;
        g.created_at = self.time(l, "created_at", path)?;
        self.records.push(Record::Group(g));
        Ok(())
    }

    fn v2_user(&mut self, u: &Value, path: &str) -> Result<AccountId, RecordError> {
        if !u.is_object() {
            return Err(self.error(path, "is not a user object", u));
        }
        let id = self.required_id(u, &["id"], path, "a user needs its id")?;
        let mut a = Account::bare(self.account_id(&id));
        a.handle = self.text(u, "username", path)?;
        a.name = self.text(u, "name", path)?;
        if let Some(m) = u.get("public_metrics").filter(|m| !m.is_null()) {
            let m_path = at(path, "public_metrics");
            a.followers = self.count(m, "followers_count", &m_path)?;
            a.following = self.count(m, "following_count", &m_path)?;
            a.posts_count = self.count(m, "tweet_count", &m_path)?;
            a.listed = self.count(m, "listed_count", &m_path)?;
            a.likes_given = self.count(m, "like_count", &m_path)?;
        }
        a.created_at = self.time(u, "created_at", path)?;
        a.bio = self
            .text(u, "description", path)?
            .map(|d| unescape(&d))
            .filter(|d| !d.is_empty());
        a.verified = self.flag(u, "verified", path)?;
        let account = a.id.clone();
        self.records.push(Record::Account(a));
        Ok(account)
    }

    fn v2_tweet(&mut self, t: &Value, path: &str, lookup: &Lookup) -> Result<(), RecordError> {
        if !t.is_object() {
            return Err(self.error(path, "is not a tweet object", t));
        }
        let id = self.required_id(t, &["id"], path, "a tweet needs its id")?;
        if let Some(versions) = t.get("edit_history_tweet_ids").and_then(Value::as_array) {
            if versions.len() > 1 && versions.last().and_then(Value::as_str) != Some(&id) {
                self.ignore("earlier version of an edited tweet");
                return Ok(());
            }
        }
        let author_id = self.required_id(t, &["author_id"], path, "a tweet needs its author_id")?;
        if let Some(author) = t.get("author").filter(|a| a.is_object()) {
            self.v2_user(author, &at(path, "author"))?;
        }
        let author = self.account_id(&author_id);
        let post_id = self.post_id(&id);
        let when = self.time(t, "created_at", path)?;
        let text = self.text(t, "text", path)?.map(|s| unescape(&s));

        let author_of = |tweet: &str, page: &Self| {
            lookup
                .author_of_tweet
                .get(tweet)
                .map(|a| page.account_id(a))
        };
        let (mut reply_to, mut share_of, mut quote_of) = (None, None, None);
        let (mut shared, mut quoted) = (None, None);
        for (i, r) in list(t, "referenced_tweets").iter().enumerate() {
            let r_path = item(path, "referenced_tweets", i);
            let rid = self.required_id(r, &["id"], &r_path, "a referenced tweet needs its id")?;
            if r.get("author_id").is_some() {
                // twarc's flattened form carries the referenced tweet whole.
                self.v2_tweet(r, &r_path, lookup)?;
            }
            match str_of(r, "type") {
                Some("replied_to") => reply_to = Some(self.post_id(&rid)),
                Some("retweeted") => {
                    shared = author_of(&rid, self).or_else(|| {
                        // "RT @name: …" names the retweeted author when the page does not.
                        let name = text.as_deref()?.strip_prefix("RT @")?.split(':').next()?;
                        let id = lookup.id_of_username.get(&name.to_lowercase())?;
                        Some(self.account_id(id))
                    });
                    share_of = Some(self.post_id(&rid));
                }
                Some("quoted") => {
                    quoted = author_of(&rid, self);
                    quote_of = Some(self.post_id(&rid));
                }
                _ => {}
            }
        }
        let replied = self
            .id(t, &["in_reply_to_user_id"], path)?
            .map(|u| self.account_id(&u));

        let e_path = at(path, "entities");
        let (hashtags, urls) = match t.get("entities") {
            Some(e) => self.tags_and_links(e, &e_path, "tag")?,
            None => Default::default(),
        };
        let mut mentions = Vec::new();
        if let Some(e) = t.get("entities") {
            for (i, m) in list(e, "mentions").iter().enumerate() {
                let m_path = item(&e_path, "mentions", i);
                let username = self.text(m, "username", &m_path)?;
                let mid = match self.id(m, &["id"], &m_path)? {
                    Some(mid) => Some(mid),
                    None => username
                        .as_deref()
                        .and_then(|n| lookup.id_of_username.get(&n.to_lowercase()))
                        .map(|s| (*s).to_owned()),
                };
                let Some(mid) = mid else {
                    self.ignore("mention of an account the page does not identify");
                    continue;
                };
                let mut a = Account::bare(self.account_id(&mid));
                a.handle = username;
                mentions.push(a.id.clone());
                self.records.push(Record::Account(a));
            }
        }
        let metrics = t.get("public_metrics").filter(|m| !m.is_null());
        let m_path = at(path, "public_metrics");
        let metric = |key: &str, page: &Self| match metrics {
            Some(m) => page.count(m, key, &m_path),
            None => Ok(None),
        };
        let post = Post {
            id: post_id,
            author,
            at: when,
            text,
            lang: self.lang(t, path)?,
            reply_to,
            share_of,
            quote_of,
            mentions,
            hashtags,
            urls,
            likes: metric("like_count", self)?,
            shares: metric("retweet_count", self)?,
            replies: metric("reply_count", self)?,
            views: metric("impression_count", self)?,
            source: self.text(t, "source", path)?.and_then(|s| client_name(&s)),
            group: None,
        };
        self.tweet_interactions(&post, replied, shared, quoted);
        self.records.push(Record::Post(post));
        Ok(())
    }
}

/// PHEME's `structure.json`: `{tweet id: {reply id: {…} or []}}`.
fn is_reply_tree(o: &Map<String, Value>) -> bool {
    !o.is_empty()
        && o.iter()
            .all(|(k, v)| k.bytes().all(|b| b.is_ascii_digit()) && (v.is_object() || v.is_array()))
}
