//! Loads the store into the analysis inputs: accounts in dense order, engagements (optionally
//! within a time window) and posts. Every analysis call starts here, so they all see the same
//! graph.

use std::collections::HashMap;

use socialset_analysis::audit::PostActivity;
use socialset_analysis::{Engagement, FollowEdge, InfluenceInput, PostText};
use socialset_model::{Account, AccountIdx, Timestamp};

use crate::{Error, Result, Workspace};

/// A half-open time window `[since, until)`; either end may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeWindow {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl TimeWindow {
    pub fn is_open(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    fn holds(&self, at: Option<Timestamp>) -> bool {
        match at {
            None => self.is_open(),
            Some(t) => self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u),
        }
    }
}

/// Where a post stands in a conversation.
pub(crate) struct PostThread {
    pub id: socialset_model::PostId,
    /// The post it replies to, when that post is loaded too.
    pub reply_to: Option<u32>,
    /// The post it shares or quotes, when that post is loaded too.
    pub shared: Option<u32>,
    /// The accounts it mentions (external ids).
    pub mentions: Vec<String>,
    /// The links it carries, as written.
    pub urls: Vec<String>,
}

/// The store, ready for analysis.
pub(crate) struct SocialData {
    /// Every account; `AccountIdx(i)` is `accounts[i]`.
    pub accounts: Vec<Account>,
    pub events: Vec<Engagement>,
    /// Follows (made within the window, when one is asked for).
    pub follows: Vec<FollowEdge>,
    pub posts: Vec<PostText>,
    /// The same posts as the authenticity audit reads them (`activity[i]` is `posts[i]`).
    pub activity: Vec<PostActivity>,
    /// The same posts' ids, replies and mentions (`threads[i]` is `posts[i]`).
    pub threads: Vec<PostThread>,
    /// Engagements and follows left out because they have no time and a window was asked for.
    pub untimed_excluded: u64,
    /// Follower count per account, when known.
    pub followers: Vec<Option<u64>>,
    /// The window asked for, and the first and last time of any timed interaction or follow
    /// in the store (inside the window or not), to say where the data is when a window is empty.
    pub window: TimeWindow,
    pub timed_span: Option<(Timestamp, Timestamp)>,
    /// The store's account key → dense index (`u32::MAX` for none).
    dense: Vec<u32>,
}

impl SocialData {
    /// Maps a store account key to its dense index.
    pub fn stored_index(&self) -> impl Fn(i64) -> Option<u32> + '_ {
        |k| {
            usize::try_from(k)
                .ok()
                .and_then(|k| self.dense.get(k))
                .copied()
                .filter(|&i| i != u32::MAX)
        }
    }

    /// The latest time anything in the data happened: "now" for account ages, so that a
    /// report does not drift with the clock.
    pub fn latest_time(&self) -> Option<Timestamp> {
        let events = self.events.iter().filter_map(|e| e.at);
        let posts = self.activity.iter().filter_map(|p| p.at);
        let follows = self.follows.iter().filter_map(|f| f.at);
        events.chain(posts).chain(follows).max()
    }

    /// The input of the influence analysis.
    pub fn influence_input(&self) -> InfluenceInput<'_> {
        InfluenceInput {
            n_accounts: self.accounts.len(),
            events: &self.events,
            follows: &self.follows,
            posts: &self.posts,
            followers: &self.followers,
        }
    }

    /// Finds an account by its full id (`higgs:88`), its handle (`@ann@example.social`,
    /// with or without the `@`), or its id without the platform when that is unambiguous.
    pub fn find(&self, query: &str) -> Result<AccountIdx> {
        let q = query.trim();
        if let Some(i) = self.accounts.iter().position(|a| a.id.as_str() == q) {
            return Ok(AccountIdx(i as u32));
        }
        let bare = q.trim_start_matches('@').to_lowercase();
        let by_handle: Vec<usize> = (0..self.accounts.len())
            .filter(|&i| {
                self.accounts[i]
                    .handle
                    .as_deref()
                    .is_some_and(|h| h.trim_start_matches('@').to_lowercase() == bare)
            })
            .collect();
        let by_local: Vec<usize> = (0..self.accounts.len())
            .filter(|&i| self.accounts[i].id.local() == q)
            .collect();
        // A unique handle wins; then a unique local id; otherwise say what matched.
        let candidates = if by_handle.is_empty() {
            by_local
        } else {
            by_handle
        };
        match candidates.as_slice() {
            [i] => Ok(AccountIdx(*i as u32)),
            [] => Err(Error::Usage(format!(
                "no account matches {q:?}: give a full id such as higgs:88, or a handle (see `socialset rank`)"
            ))),
            many => Err(Error::Usage(format!(
                "{q:?} matches {} accounts ({}): give the full id",
                many.len(),
                many.iter().take(5).map(|&i| self.accounts[i].id.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// Fails with a clear message when there is no engagement to analyse; `what` names the
    /// analysis ("rank on", "cluster").
    pub fn require_events(&self, what: &str) -> Result<()> {
        if !(self.events.is_empty() && self.follows.is_empty()) {
            return Ok(());
        }
        if self.window.is_open() {
            return Err(Error::Usage(format!(
                "there are no interactions or follows to {what}: import some first"
            )));
        }
        let asked = format!(
            "from {} until {}",
            self.window.since.map_or("the start".into(), Timestamp::day),
            self.window.until.map_or("the end".into(), Timestamp::day)
        );
        Err(Error::Usage(match self.timed_span {
            Some((first, last)) => format!(
                "there are no interactions or follows to {what} {asked}: the data run from {} to {} (UTC); choose a window (--since, --until) inside that range",
                first.day(),
                last.day()
            ),
            None => format!(
                "there are no interactions or follows to {what} {asked}: none in the store has a time ({} left out for that); leave out --since and --until",
                self.untimed_excluded
            ),
        }))
    }
}

impl Workspace {
    pub(crate) fn load_social(&self, window: &TimeWindow) -> Result<SocialData> {
        let stored = self.store.accounts()?;
        let max_key = stored.iter().map(|(k, _)| k.0).max().unwrap_or(0).max(0) as usize;
        let mut dense = vec![u32::MAX; max_key + 1];
        let mut accounts = Vec::with_capacity(stored.len());
        for (i, (k, a)) in stored.into_iter().enumerate() {
            dense[k.0 as usize] = i as u32;
            accounts.push(a);
        }
        let index = |k: i64| -> Result<AccountIdx> {
            dense
                .get(k as usize)
                .copied()
                .filter(|&i| i != u32::MAX)
                .map(AccountIdx)
                .ok_or(Error::Store(socialset_store::Error::Corrupt {
                    what: "edge endpoint",
                    detail: format!("account {k} is referenced but not stored"),
                }))
        };
        let mut post_index: HashMap<String, u32> = HashMap::new();
        let mut posts = Vec::new();
        let mut activity = Vec::new();
        let mut threads = Vec::new();
        let mut parents = Vec::new();
        // One post at a time: what the analyses keep of each, never every post twice.
        let store_index = |k: i64| -> std::result::Result<AccountIdx, socialset_store::Error> {
            dense
                .get(k as usize)
                .copied()
                .filter(|&i| i != u32::MAX)
                .map(AccountIdx)
                .ok_or(socialset_store::Error::Corrupt {
                    what: "post author",
                    detail: format!("account {k} is referenced but not stored"),
                })
        };
        self.store.each_post(&mut |p| {
            if !window.holds(p.at) {
                return Ok(());
            }
            let author = store_index(p.author.0)?;
            post_index.insert(p.id.as_str().to_owned(), posts.len() as u32);
            parents.push((p.reply_to, p.share_of.or(p.quote_of)));
            threads.push(PostThread {
                id: p.id,
                reply_to: None,
                shared: None,
                mentions: p.mentions,
                urls: p.urls,
            });
            activity.push(PostActivity {
                author,
                at: p.at,
                kind: p.kind,
                links: p.links,
                likes: p.likes,
                shares: p.shares,
                source: p.source,
            });
            posts.push(PostText {
                author,
                text: p.text,
                hashtags: p.hashtags,
            });
            Ok(())
        })?;
        for (t, (reply_to, shared)) in threads.iter_mut().zip(parents) {
            t.reply_to = reply_to.and_then(|q| post_index.get(q.as_str()).copied());
            t.shared = shared.and_then(|q| post_index.get(q.as_str()).copied());
        }
        let mut untimed_excluded = 0;
        let mut span: Option<(Timestamp, Timestamp)> = None;
        let mut see = |at: Option<Timestamp>| {
            if let Some(t) = at {
                span = Some(span.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
            }
        };
        let mut events = Vec::new();
        for i in self.store.interactions()? {
            see(i.at);
            if !window.holds(i.at) {
                if i.at.is_none() {
                    untimed_excluded += 1;
                }
                continue;
            }
            events.push(Engagement {
                src: index(i.src.0)?,
                dst: index(i.dst.0)?,
                kind: i.kind,
                weight: i.weight,
                at: i.at,
                post: i.post.and_then(|p| post_index.get(p.as_str()).copied()),
            });
        }
        let mut follows = Vec::new();
        for f in self.store.follows()? {
            see(f.at);
            if !window.holds(f.at) {
                if f.at.is_none() {
                    untimed_excluded += 1;
                }
                continue;
            }
            follows.push(FollowEdge {
                src: index(f.src.0)?,
                dst: index(f.dst.0)?,
                at: f.at,
            });
        }
        Ok(SocialData {
            followers: accounts.iter().map(|a| a.followers).collect(),
            accounts,
            events,
            follows,
            posts,
            activity,
            threads,
            untimed_excluded,
            window: *window,
            timed_span: span,
            dense,
        })
    }
}
