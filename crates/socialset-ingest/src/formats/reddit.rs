//! Reddit API JSON: listings (`{"kind": "Listing", "data": {"children": […]}}`), a
//! submission's comments (an array of two listings), things on their own (`t1` comment, `t2`
//! account, `t3` submission, `t5` subreddit), `morechildren` answers
//! (`{"json": {"data": {"things": […]}}}`) and `user_data_by_account_ids` maps.
//!
//! Mapping: a submission → post (title and self text, link, upvotes as likes, comment count);
//! a comment → post replying to its parent (`parent_id`) and, when the parent's author is
//! known (in the same tree, an earlier document, or a user listing's `link_author`), a reply
//! interaction to that author. Nested `replies` listings are walked. An account (`t2`) gives
//! its creation time and, from its profile subreddit, its followers; a user profile
//! subreddit (`t5` named `u_NAME`) gives NAME's followers. Ids: accounts `rd:NAME` (handle
//! `u/NAME`), posts `rd:t1_…` / `rd:t3_…` (Reddit's full names).
//!
//! Subreddits are groups (`rd:r/NAME`): a `t5` gives its name, description, subscribers and
//! creation time; each post and comment names the group it was made in.
//!
//! Not imported, and counted in the report: `more` stubs (comments the export does not
//! hold), things by deleted accounts (`[deleted]`: no author to give them), trophies, and
//! anything else.

use std::collections::HashMap;

use serde_json::Value;
use socialset_model::{Account, AccountId, Group, GroupId, InteractionKind, Post, Record};

use super::json_docs::{at, item, list, str_of, Documents, Page, PageReader};
use crate::error::RecordError;
use crate::source::Source;

/// Authors of the comments and submissions read so far, by full name, for the replies to
/// them; forgotten past this many (so memory stays bounded on a dump of any size).
const AUTHORS_REMEMBERED: usize = 1 << 20;

#[derive(Default)]
pub(crate) struct Authors(HashMap<String, AccountId>);

pub(crate) fn reader(source: Source, platform: String) -> PageReader<Authors> {
    // Reddit answers have keys that are ids (`user_data_by_account_ids`): everything kept.
    PageReader::new(
        Documents::new(source, None),
        platform,
        Authors::default(),
        |page, authors, doc| {
            page.reddit_document(doc, "", authors);
        },
    )
}

impl Page<'_> {
    /// A subreddit's group id: `rd:r/NAME`.
    fn group_id(&self, subreddit: &str) -> GroupId {
        GroupId::namespaced(self.platform, &format!("r/{subreddit}"))
    }
}

/// Reddit's placeholder for a deleted or removed account.
fn is_deleted(author: &str) -> bool {
    author.is_empty() || author == "[deleted]" || author == "[removed]"
}

impl Page<'_> {
    fn reddit_document(&mut self, doc: &Value, path: &str, authors: &mut Authors) {
        match doc {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.reddit_document(v, &format!("{path}[{i}]"), authors);
                }
            }
            Value::Object(o) => {
                if let Some(kind) = str_of(doc, "kind") {
                    self.thing(kind, doc, path, authors);
                } else if let Some(json) = o.get("json") {
                    // morechildren: {"json": {"errors": [], "data": {"things": [...]}}}
                    let things_path = at(&at(path, "json"), "data");
                    let things = json
                        .get("data")
                        .map(|d| list(d, "things"))
                        .unwrap_or_default();
                    for (i, t) in things.iter().enumerate() {
                        self.reddit_document(t, &item(&things_path, "things", i), authors);
                    }
                } else if !o.is_empty()
                    && o.iter().all(|(k, v)| k.starts_with("t2_") && v.is_object())
                {
                    // user_data_by_account_ids: {"t2_…": {"name": …, "created_utc": …}}
                    for (k, v) in o {
                        self.each(|p| p.reddit_account(v, &at(path, k), None));
                    }
                } else {
                    self.ignore("JSON object that is not a Reddit thing or listing");
                }
            }
            _ => self.ignore("JSON value that is not an object"),
        }
    }

    fn thing(&mut self, kind: &str, doc: &Value, path: &str, authors: &mut Authors) {
        let data = doc.get("data").unwrap_or(&Value::Null);
        let data_path = at(path, "data");
        match kind {
            "Listing" => {
                for (i, child) in list(data, "children").iter().enumerate() {
                    self.reddit_document(child, &item(&data_path, "children", i), authors);
                }
            }
            "t1" | "t3" => {
                self.each(|p| p.reddit_post(kind, data, &data_path, authors));
                // A comment's replies: a nested listing, or "" when there are none.
                if let Some(replies @ Value::Object(_)) = data.get("replies") {
                    self.reddit_document(replies, &at(&data_path, "replies"), authors);
                }
            }
            "t2" => self.each(|p| {
                let followers = data
                    .get("subreddit")
                    .filter(|s| s.is_object())
                    .map(|s| p.count(s, "subscribers", &at(&data_path, "subreddit")))
                    .transpose()?
                    .flatten();
                p.reddit_account(data, &data_path, followers)
            }),
            "t5" => {
                let name = str_of(data, "display_name").unwrap_or_default();
                match name.strip_prefix("u_") {
                    Some(user) if str_of(data, "subreddit_type") == Some("user") => {
                        self.each(|p| {
                            let mut a = Account::bare(p.account_id(user));
                            a.handle = Some(format!("u/{user}"));
                            a.followers = p.count(data, "subscribers", &data_path)?;
                            p.records.push(Record::Account(a));
                            Ok(())
                        });
                    }
                    _ => self.each(|p| {
                        if name.is_empty() {
                            return Err(p.error(
                                &at(&data_path, "display_name"),
                                "is missing: a subreddit needs its name",
                                data.get("display_name").unwrap_or(&Value::Null),
                            ));
                        }
                        let mut g = Group::bare(p.group_id(name));
                        g.name = Some(format!("r/{name}"));
                        g.description = p
                            .text(data, "public_description", &data_path)?
                            .filter(|d| !d.is_empty());
                        g.members = p.count(data, "subscribers", &data_path)?;
                        g.created_at = p.time(data, "created_utc", &data_path)?;
                        p.records.push(Record::Group(g));
                        Ok(())
                    }),
                }
            }
            "more" => self.ignore("\"more\" stub (comments the export does not hold)"),
            "TrophyList" | "t6" => self.ignore("trophies"),
            other => self.ignore(&format!("Reddit thing of kind {other}")),
        }
    }

    fn reddit_account(
        &mut self,
        v: &Value,
        path: &str,
        followers: Option<u64>,
    ) -> Result<(), RecordError> {
        let name = self.text(v, "name", path)?.filter(|n| !is_deleted(n));
        let Some(name) = name else {
            return Err(self.error(
                &at(path, "name"),
                "is missing: an account needs its name",
                v.get("name").unwrap_or(&Value::Null),
            ));
        };
        let mut a = Account::bare(self.account_id(&name));
        a.handle = Some(format!("u/{name}"));
        a.created_at = self.time(v, "created_utc", path)?;
        a.followers = followers;
        if let Some(s) = v.get("subreddit").filter(|s| s.is_object()) {
            a.bio = self
                .text(s, "public_description", &at(path, "subreddit"))?
                .filter(|d| !d.is_empty());
        }
        self.records.push(Record::Account(a));
        Ok(())
    }

    fn reddit_post(
        &mut self,
        kind: &str,
        data: &Value,
        path: &str,
        authors: &mut Authors,
    ) -> Result<(), RecordError> {
        let id = self.text(data, "name", path)?.or(self
            .text(data, "id", path)?
            .map(|id| format!("{kind}_{id}")));
        let Some(id) = id.filter(|i| !i.is_empty()) else {
            return Err(self.error(
                &at(path, "name"),
                "is missing: a post needs its id",
                &Value::Null,
            ));
        };
        let Some(author) = self.text(data, "author", path)? else {
            return Err(self.error(
                &at(path, "author"),
                "is missing: a post needs its author",
                &Value::Null,
            ));
        };
        if is_deleted(&author) {
            self.ignore("post or comment of a deleted account");
            return Ok(());
        }
        let author_id = self.account_id(&author);
        let mut account = Account::bare(author_id.clone());
        account.handle = Some(format!("u/{author}"));
        self.records.push(Record::Account(account));
        let post_id = self.post_id(&id);
        let when = self.time(data, "created_utc", path)?;
        let (text, urls, reply_to) = if kind == "t3" {
            let title = self.text(data, "title", path)?.unwrap_or_default();
            let body = self.text(data, "selftext", path)?.unwrap_or_default();
            let text = match (title.is_empty(), body.is_empty()) {
                (true, true) => None,
                (false, true) => Some(title),
                (true, false) => Some(body),
                (false, false) => Some(format!("{title}\n\n{body}")),
            };
            let is_self = self.flag(data, "is_self", path)?.unwrap_or(false);
            let urls = match self.text(data, "url", path)? {
                Some(u) if !is_self && !u.is_empty() => vec![u],
                _ => Vec::new(),
            };
            (text, urls, None)
        } else {
            let body = self.text(data, "body", path)?;
            let parent = self.text(data, "parent_id", path)?;
            (body, Vec::new(), parent)
        };
        // The parent's author: read earlier, or a user listing's `link_author` for a top-level
        // comment.
        let parent_author = reply_to.as_deref().and_then(|p| {
            authors.0.get(p).cloned().or_else(|| {
                let link_author = str_of(data, "link_author").filter(|a| !is_deleted(a))?;
                (p.starts_with("t3_") && str_of(data, "link_id") == Some(p))
                    .then(|| self.account_id(link_author))
            })
        });
        if let Some(dst) = parent_author {
            self.interaction(&author_id, dst, InteractionKind::Reply, when, &post_id);
        }
        if authors.0.len() >= AUTHORS_REMEMBERED {
            authors.0.clear();
        }
        authors.0.insert(id, author_id.clone());
        self.records.push(Record::Post(Post {
            at: when,
            text,
            reply_to: reply_to.map(|p| self.post_id(&p)),
            urls,
            // Upvotes; old answers give a net score there, negative when downvoted: unknown.
            likes: data.get("ups").and_then(Value::as_u64),
            replies: self.count(data, "num_comments", path)?,
            group: self
                .text(data, "subreddit", path)?
                .filter(|r| !r.is_empty() && !r.starts_with("u_"))
                .map(|r| self.group_id(&r)),
            ..Post::bare(post_id, author_id)
        }));
        Ok(())
    }
}
