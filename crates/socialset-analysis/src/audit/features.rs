//! Account features for the authenticity audit, computed from whatever the store holds
//! (profile, posts, interactions) or mapped from a labelled data set's published aggregates.
//! A feature the data cannot give is `NaN` (missing), never zero: the classifier treats
//! missing as its own case.

use rayon::prelude::*;
use socialset_model::{
    Account, AccountIdx, AccountSummary, ClientType, InteractionKind, PostKind, Timestamp,
};

use crate::Engagement;

/// Which part of the data a feature comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureGroup {
    Profile,
    Behaviour,
    Network,
}

impl FeatureGroup {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Behaviour => "behaviour",
            Self::Network => "network",
        }
    }
}

/// One feature: its column name, group and what it measures.
#[derive(Clone, Copy, Debug)]
pub struct FeatureDef {
    pub name: &'static str,
    pub group: FeatureGroup,
    pub about: &'static str,
}

const fn def(name: &'static str, group: FeatureGroup, about: &'static str) -> FeatureDef {
    FeatureDef { name, group, about }
}

use FeatureGroup::{Behaviour, Network, Profile};

/// Every feature, in model-column order. Changing this list changes the model format.
pub const FEATURES: [FeatureDef; N_FEATURES] = [
    def("followers_log10", Profile, "log10(1 + followers)"),
    def("following_log10", Profile, "log10(1 + accounts followed)"),
    def("follower_friend_ratio", Profile, "followers per account followed"),
    def("age_days", Profile, "days since the account was created"),
    def("posts_per_day", Profile, "posts in the account's life per day of age"),
    def("likes_given_per_day", Profile, "posts liked in its life per day of age"),
    def("listed_per_follower", Profile, "lists it is on, per follower"),
    def("bio_length", Profile, "characters in its bio"),
    def("verified", Profile, "1 if the platform verified it"),
    def("share_of_reposts", Behaviour, "reposts among its posts (or its engagements given)"),
    def("share_of_replies", Behaviour, "replies among its posts (or its engagements given)"),
    def("links_per_post", Behaviour, "links per post"),
    def("likes_per_post", Behaviour, "likes received per post"),
    def("shares_per_post", Behaviour, "reposts received per post"),
    def(
        "likes_per_post_vs_tier",
        Behaviour,
        "likes received per post over the median of accounts of the same follower decade",
    ),
    def(
        "shares_per_post_vs_tier",
        Behaviour,
        "reposts received per post over the median of accounts of the same follower decade",
    ),
    def("sources_count", Behaviour, "distinct clients it posts with"),
    def("client_web", Behaviour, "1 if it posts from a web browser"),
    def("client_mobile", Behaviour, "1 if it posts from a phone app"),
    def("client_management", Behaviour, "1 if it posts from a management suite"),
    def("client_automation", Behaviour, "1 if it posts from an automation service"),
    def("client_marketing", Behaviour, "1 if it posts from a marketing suite"),
    def("client_content", Behaviour, "1 if a content system posts for it"),
    def("client_other", Behaviour, "1 if it posts from another (own) client"),
    def(
        "burstiness",
        Behaviour,
        "(sd - mean) / (sd + mean) of the gaps between its actions: -1 clockwork, 0 random, 1 bursts",
    ),
    def("reciprocity", Network, "share of those who engage with it that it engages back"),
    def("top3_engager_share", Network, "share of the engagement it receives from its top 3 engagers"),
    def(
        "profile_completeness",
        Profile,
        "share of name, bio, language, creation date and handle filled in",
    ),
];

/// How many features there are.
pub const N_FEATURES: usize = 28;

const FIRST_CLIENT: usize = 17;
const DAY_MS: f64 = 86_400_000.0;

/// Features that a source gives or lacks together (the model learns to do without each
/// block by training on copies of its rows with blocks masked): profile counts, the mix of
/// what the account posts, what its posts receive, the clients it posts with, and the
/// network and timing features.
pub const MISSING_BLOCKS: [&[usize]; 6] = [
    &[0, 1, 2, 6],
    &[3, 4, 5],
    &[7, 8, 27],
    &[9, 10, 11],
    &[12, 13, 14, 15],
    &[16, 17, 18, 19, 20, 21, 22, 23],
];

/// One account's features, `NaN` where missing.
pub type FeatureRow = [f64; N_FEATURES];

/// The index of a feature by name.
pub fn feature_index(name: &str) -> Option<usize> {
    FEATURES.iter().position(|f| f.name == name)
}

/// A post as the audit reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct PostActivity {
    pub author: AccountIdx,
    pub at: Option<Timestamp>,
    pub kind: PostKind,
    pub links: u32,
    pub likes: Option<u64>,
    pub shares: Option<u64>,
    pub source: Option<String>,
}

/// What the features are computed from.
#[derive(Clone, Copy, Debug)]
pub struct FeatureInput<'a> {
    /// `AccountIdx(i)` is `accounts[i]`.
    pub accounts: &'a [Account],
    pub posts: &'a [PostActivity],
    pub events: &'a [Engagement],
    /// "Now" for the age of an account not seen acting in the data: the latest time in the
    /// data, so results do not drift with the clock. An account seen acting is aged at its
    /// latest action, when its profile counts were current. `None` and no action leaves the
    /// age missing.
    pub reference_time: Option<Timestamp>,
}

/// The kind of client behind a client name, from a list of well-known clients; anything not
/// on the list is `Other`.
pub fn client_type(source: &str) -> ClientType {
    let s = source.to_lowercase();
    let any = |keys: &[&str]| keys.iter().any(|k| s.contains(k));
    if any(&[
        "ifttt",
        "dlvr.it",
        "twitterfeed",
        "zapier",
        "integromat",
        "make.com",
        "botlibre",
        "cheap bots",
        "roundteam",
        "power automate",
        "autotweet",
    ]) {
        ClientType::Automation
    } else if any(&[
        "tweetdeck",
        "hootsuite",
        "buffer",
        "sprout social",
        "sprinklr",
        "sendible",
        "agorapulse",
        "later.com",
        "socialpilot",
        "falcon",
    ]) {
        ClientType::Management
    } else if any(&[
        "socialflow",
        "hubspot",
        "marketo",
        "salesforce",
        "oktopost",
        "meltwater",
        "brandwatch",
        "eclincher",
        "everypost",
    ]) {
        ClientType::Marketing
    } else if any(&[
        "wordpress",
        "tumblr",
        "blogger",
        "feedburner",
        "rss",
        "youtube",
        "linkedin",
        "facebook",
        "instagram",
        "medium",
    ]) {
        ClientType::Content
    } else if any(&[
        "iphone",
        "android",
        "ipad",
        "ios",
        "mobile",
        "tweetbot",
        "twitterrific",
        "echofon",
        "talon",
        "fenix",
        "tusky",
        "ivory",
        "ice cubes",
        "mastodon for",
    ]) {
        ClientType::Mobile
    } else if any(&["web app", "web client", "twitter.com", "x.com", "web"]) {
        ClientType::Web
    } else {
        ClientType::Other
    }
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

/// Groups item indices by account: `items[start[a]..start[a + 1]]` are account `a`'s.
struct ByAccount {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl ByAccount {
    fn build(n: usize, keys: impl Iterator<Item = usize> + Clone) -> Self {
        let mut start = vec![0u32; n + 1];
        for k in keys.clone() {
            start[k + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[n] as usize];
        for (i, k) in keys.enumerate() {
            items[fill[k] as usize] = i as u32;
            fill[k] += 1;
        }
        Self { start, items }
    }

    fn of(&self, a: usize) -> &[u32] {
        &self.items[self.start[a] as usize..self.start[a + 1] as usize]
    }
}

/// `(sd - mean) / (sd + mean)` of the gaps between sorted times (Goh & Barabási 2008); needs
/// at least 5 times.
fn burstiness(times: &mut [i64]) -> f64 {
    if times.len() < 5 {
        return f64::NAN;
    }
    times.sort_unstable();
    let gaps: Vec<f64> = times.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
    let sd = var.sqrt();
    ratio(sd - mean, sd + mean)
}

/// The order of magnitude of a follower count (0 for fewer than 10).
fn decade(followers: u64) -> u8 {
    (followers.max(1) as f64).log10().floor() as u8
}

/// Fills `*_vs_tier` from `*_per_post`: each over the median of its follower decade (accounts
/// whose decade is unknown form a group of their own).
fn relative_to_tier(rows: &mut [FeatureRow], decades: &[Option<u8>]) {
    for (value, out) in [(12, 14), (13, 15)] {
        let mut groups: std::collections::BTreeMap<Option<u8>, Vec<f64>> = Default::default();
        for (row, d) in rows.iter().zip(decades) {
            if row[value].is_finite() {
                groups.entry(*d).or_default().push(row[value]);
            }
        }
        let medians: std::collections::BTreeMap<Option<u8>, f64> = groups
            .into_iter()
            .map(|(d, mut v)| (d, crate::metrics::median(&mut v)))
            .collect();
        for (row, d) in rows.iter_mut().zip(decades) {
            let median = medians.get(d).copied().unwrap_or(f64::NAN);
            // A median of zero (most posts get nothing) makes any like "infinitely" many:
            // compare against one instead.
            row[out] = ratio(row[value], median.max(1.0));
        }
    }
}

/// Features of every account in the input.
pub fn compute_features(input: &FeatureInput<'_>) -> Vec<FeatureRow> {
    let n = input.accounts.len();
    let posts_by = ByAccount::build(n, input.posts.iter().map(|p| p.author.0 as usize));
    let given_by = ByAccount::build(n, input.events.iter().map(|e| e.src.0 as usize));
    let received_by = ByAccount::build(n, input.events.iter().map(|e| e.dst.0 as usize));
    let mut rows: Vec<FeatureRow> = (0..n)
        .into_par_iter()
        .map(|a| account_row(input, a, posts_by.of(a), given_by.of(a), received_by.of(a)))
        .collect();
    let decades: Vec<Option<u8>> = input
        .accounts
        .iter()
        .map(|a| a.followers.map(decade))
        .collect();
    relative_to_tier(&mut rows, &decades);
    rows
}

fn account_row(
    input: &FeatureInput<'_>,
    a: usize,
    posts: &[u32],
    given: &[u32],
    received: &[u32],
) -> FeatureRow {
    let acc = &input.accounts[a];
    let mut f = [f64::NAN; N_FEATURES];
    let followers = acc.followers.map(|v| v as f64);
    let following = acc.following.map(|v| v as f64);
    f[0] = opt(followers.map(|v| (1.0 + v).log10()));
    f[1] = opt(following.map(|v| (1.0 + v).log10()));
    if let (Some(fo), Some(fi)) = (followers, following) {
        f[2] = fo / fi.max(1.0);
    }
    let last_action = posts
        .iter()
        .filter_map(|&p| input.posts[p as usize].at)
        .chain(given.iter().filter_map(|&e| input.events[e as usize].at))
        .max();
    let age = match (acc.created_at, last_action.or(input.reference_time)) {
        (Some(c), Some(now)) => Some(((now.epoch_ms() - c.epoch_ms()) as f64 / DAY_MS).max(0.0)),
        _ => None,
    };
    f[3] = opt(age);
    if let Some(age) = age {
        f[4] = opt(acc.posts_count.map(|p| p as f64 / age.max(1.0)));
        f[5] = opt(acc.likes_given.map(|p| p as f64 / age.max(1.0)));
    }
    if let (Some(l), Some(fo)) = (acc.listed, followers) {
        f[6] = l as f64 / fo.max(1.0);
    }
    f[7] = opt(acc.bio.as_ref().map(|b| b.chars().count() as f64));
    f[8] = opt(acc.verified.map(|v| if v { 1.0 } else { 0.0 }));
    // A bare account (known only as the end of an edge) has no profile to be complete or not.
    let has_profile = acc.name.is_some()
        || acc.bio.is_some()
        || acc.followers.is_some()
        || acc.following.is_some()
        || acc.posts_count.is_some()
        || acc.created_at.is_some();
    if has_profile {
        let filled = [
            acc.name.as_deref().is_some_and(|s| !s.trim().is_empty()),
            acc.bio.as_deref().is_some_and(|s| !s.trim().is_empty()),
            acc.lang.is_some(),
            acc.created_at.is_some(),
            acc.handle.is_some(),
        ];
        f[27] = filled.iter().filter(|&&x| x).count() as f64 / filled.len() as f64;
    }

    let mut times: Vec<i64> = Vec::with_capacity(posts.len() + given.len());
    if posts.is_empty() {
        // No posts in the store: what it did shows in the engagements it gave.
        let (mut shares, mut replies, mut acts) = (0.0, 0.0, 0.0);
        for &e in given {
            let e = &input.events[e as usize];
            match e.kind {
                InteractionKind::Share => shares += 1.0,
                InteractionKind::Reply => replies += 1.0,
                InteractionKind::Like => continue,
                InteractionKind::Mention | InteractionKind::Quote => {}
            }
            acts += 1.0;
        }
        f[9] = ratio(shares, acts);
        f[10] = ratio(replies, acts);
    } else {
        let total = posts.len() as f64;
        let count = |k: PostKind| {
            posts
                .iter()
                .filter(|&&p| input.posts[p as usize].kind == k)
                .count() as f64
        };
        f[9] = count(PostKind::Share) / total;
        f[10] = count(PostKind::Reply) / total;
        f[11] = posts
            .iter()
            .map(|&p| f64::from(input.posts[p as usize].links))
            .sum::<f64>()
            / total;
        let mean_of = |get: fn(&PostActivity) -> Option<u64>| {
            let known: Vec<f64> = posts
                .iter()
                .map(|&p| &input.posts[p as usize])
                .filter(|p| p.kind != PostKind::Share)
                .filter_map(|p| get(p).map(|v| v as f64))
                .collect();
            ratio(known.iter().sum(), known.len() as f64)
        };
        f[12] = mean_of(|p| p.likes);
        f[13] = mean_of(|p| p.shares);
        let mut clients: Vec<&str> = posts
            .iter()
            .filter_map(|&p| input.posts[p as usize].source.as_deref())
            .collect();
        if !clients.is_empty() {
            clients.sort_unstable();
            clients.dedup();
            f[16] = clients.len() as f64;
            for (i, t) in ClientType::ALL.iter().enumerate() {
                f[FIRST_CLIENT + i] = 0.0;
                if clients.iter().any(|c| client_type(c) == *t) {
                    f[FIRST_CLIENT + i] = 1.0;
                }
            }
        }
        times.extend(
            posts
                .iter()
                .filter_map(|&p| input.posts[p as usize].at.map(Timestamp::epoch_ms)),
        );
    }
    times.extend(
        given
            .iter()
            .filter_map(|&e| input.events[e as usize].at.map(Timestamp::epoch_ms)),
    );
    f[24] = burstiness(&mut times);

    if !received.is_empty() {
        let mut engagers: Vec<(u32, f64)> = received
            .iter()
            .map(|&e| {
                let e = &input.events[e as usize];
                (e.src.0, e.weight)
            })
            .collect();
        engagers.sort_unstable_by_key(|x| x.0);
        let mut per: Vec<(u32, f64)> = Vec::new();
        for (src, w) in engagers {
            match per.last_mut() {
                Some(last) if last.0 == src => last.1 += w,
                _ => per.push((src, w)),
            }
        }
        let mut targets: Vec<u32> = given
            .iter()
            .map(|&e| input.events[e as usize].dst.0)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        let back = per
            .iter()
            .filter(|(s, _)| targets.binary_search(s).is_ok())
            .count();
        f[25] = back as f64 / per.len() as f64;
        if per.len() >= 3 {
            let total: f64 = per.iter().map(|x| x.1).sum();
            let mut w: Vec<f64> = per.iter().map(|x| x.1).collect();
            w.sort_by(|a, b| b.total_cmp(a));
            f[26] = ratio(w.iter().take(3).sum(), total);
        }
    }
    f
}

/// Features of accounts described by a data set's published aggregates (e.g. Gilani et al.
/// 2017). The `*_vs_tier` features compare with the other rows of the same follower decade.
pub fn summary_features(rows: &[AccountSummary]) -> Vec<FeatureRow> {
    let mut out: Vec<FeatureRow> = rows
        .iter()
        .map(|s| {
            let mut f = [f64::NAN; N_FEATURES];
            f[2] = opt(s.follower_friend_ratio);
            f[3] = opt(s.age_days);
            f[4] = opt(s.posts_per_day);
            if let (Some(l), Some(age)) = (s.likes_given, s.age_days) {
                f[5] = l / age.max(1.0);
            }
            f[6] = opt(s.listed_per_follower);
            if let (Some(o), Some(r), Some(p)) = (s.originals, s.reposts, s.replies) {
                let total = o + r + p;
                f[9] = ratio(r, total);
                f[10] = ratio(p, total);
                if let Some(links) = s.links {
                    f[11] = ratio(links, total);
                }
            }
            f[12] = opt(s.likes_per_post);
            f[13] = opt(s.shares_per_post);
            f[16] = opt(s.sources);
            if let Some(clients) = &s.clients {
                for (i, t) in ClientType::ALL.iter().enumerate() {
                    f[FIRST_CLIENT + i] = if clients.contains(t) { 1.0 } else { 0.0 };
                }
            }
            f
        })
        .collect();
    let decades: Vec<Option<u8>> = rows.iter().map(|s| s.follower_decade).collect();
    relative_to_tier(&mut out, &decades);
    out
}
