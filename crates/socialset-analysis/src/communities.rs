//! Communities: the qualified, stable clusters native influencers live in.
//!
//! Leiden (see `socialset_graph::leiden`) on the undirected view of the engagement graph
//! (weights by kind, as for influence), labels from the hashtags and words that are most
//! distinctive of each community's posts, k-core numbers and components, and stability:
//! communities found in consecutive time windows, matched by shared members, with the adjusted
//! Rand index and NMI of the two partitions on the accounts active in both.

use std::collections::HashMap;

use socialset_graph::{
    ari, core_numbers, leiden_until, modularity, nmi, weakly_connected_components, Cancel,
    Cancelled, Csr, Edge, LeidenConfig, Progress, Quality,
};
use socialset_model::{AccountIdx, Timestamp};

use crate::engagement::Engagement;
use crate::influence::{EngagementWeights, PostText};
use crate::layers::{FollowEdge, Layers};

/// How to find communities.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CommunityConfig {
    pub leiden: LeidenConfig,
    pub weights: EngagementWeights,
    /// Labels per community.
    pub n_labels: usize,
    /// Members listed per community.
    pub n_members: usize,
}

impl Default for CommunityConfig {
    fn default() -> Self {
        Self {
            leiden: LeidenConfig::default(),
            weights: EngagementWeights::default(),
            n_labels: 3,
            n_members: 5,
        }
    }
}

/// One community.
#[derive(Clone, Debug, PartialEq)]
pub struct Community {
    /// 0 is the largest.
    pub id: u32,
    pub size: u32,
    /// The members who receive the most engagement from inside it, best first.
    pub top_members: Vec<AccountIdx>,
    /// Its most distinctive hashtags (`#tag`) and words; empty when its members posted nothing.
    pub labels: Vec<String>,
    /// Share of its members' engagement weight that stays inside it.
    pub internal_share: f64,
}

/// The communities of the accounts that engage.
#[derive(Clone, Debug, PartialEq)]
pub struct Communities {
    /// Community of every account (`u32::MAX` for accounts with no engagement at all).
    pub membership: Vec<u32>,
    pub communities: Vec<Community>,
    pub modularity: f64,
    pub iterations: u32,
    /// k-core number of every account in the undirected engagement graph.
    pub core_numbers: Vec<u32>,
    /// Weakly connected components among the accounts that engage, and the largest one's size.
    pub components: usize,
    pub largest_component: u32,
}

/// Accounts in no community (they neither gave nor received engagement).
pub const NO_COMMUNITY: u32 = u32::MAX;

/// Finds the communities of `n_accounts` accounts from their engagements, follows and posts:
/// Leiden on the undirected view of the weighted layers.
pub fn detect_communities(
    n_accounts: usize,
    events: &[Engagement],
    follows: &[FollowEdge],
    posts: &[PostText],
    config: &CommunityConfig,
    cancel: &Cancel,
) -> Result<Communities, Cancelled> {
    let directed = Layers::build(n_accounts, events, follows).combined(&config.weights);
    let edges: Vec<Edge> = directed
        .edges()
        .map(|(src, dst, weight)| Edge { src, dst, weight })
        .collect();
    let g = Csr::undirected(n_accounts, &edges);
    let active: Vec<bool> = (0..n_accounts as u32)
        .map(|v| g.out_degree(v) > 0)
        .collect();
    let partition = leiden_until(&g, &config.leiden, cancel)?;
    let resolution = match config.leiden.quality {
        Quality::Modularity { resolution } => resolution,
        Quality::Cpm { .. } => 1.0,
    };
    let q = modularity(&g, &partition.membership, resolution);
    // Inactive accounts are singletons to Leiden; they belong to no community. The others are
    // numbered by decreasing size, ties by smallest member, so community 0 is the largest.
    let mut leiden_size = vec![0u32; partition.n_communities];
    let mut first = vec![u32::MAX; partition.n_communities];
    for (v, &c) in partition.membership.iter().enumerate() {
        if active[v] {
            leiden_size[c as usize] += 1;
            first[c as usize] = first[c as usize].min(v as u32);
        }
    }
    let mut order: Vec<usize> = (0..partition.n_communities)
        .filter(|&c| leiden_size[c] > 0)
        .collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(leiden_size[c]), first[c]));
    let mut relabel = vec![NO_COMMUNITY; partition.n_communities];
    for (new, &c) in order.iter().enumerate() {
        relabel[c] = new as u32;
    }
    let sizes: Vec<u32> = order.iter().map(|&c| leiden_size[c]).collect();
    let membership: Vec<u32> = partition
        .membership
        .iter()
        .enumerate()
        .map(|(v, &c)| {
            if active[v] {
                relabel[c as usize]
            } else {
                NO_COMMUNITY
            }
        })
        .collect();
    let k = sizes.len();
    // Engagement received from inside the community, and weight kept inside / total.
    let mut received_inside = vec![0.0f64; n_accounts];
    let mut inside = vec![0.0f64; k];
    let mut total = vec![0.0f64; k];
    for v in 0..n_accounts as u32 {
        let c = membership[v as usize];
        if c == NO_COMMUNITY {
            continue;
        }
        for (u, w) in g.out_edges(v) {
            total[c as usize] += f64::from(w);
            if membership[u as usize] == c {
                inside[c as usize] += f64::from(w);
                received_inside[u as usize] += f64::from(w);
            }
        }
    }
    let mut members: Vec<Vec<AccountIdx>> = vec![Vec::new(); k];
    for (v, &c) in membership.iter().enumerate() {
        if c != NO_COMMUNITY {
            members[c as usize].push(AccountIdx(v as u32));
        }
    }
    let labels = label_communities(&membership, k, posts, config.n_labels);
    let communities = (0..k)
        .map(|c| {
            let mut top = members[c].clone();
            top.sort_by(|a, b| {
                received_inside[b.0 as usize]
                    .total_cmp(&received_inside[a.0 as usize])
                    .then(a.cmp(b))
            });
            top.truncate(config.n_members);
            Community {
                id: c as u32,
                size: sizes[c],
                top_members: top,
                labels: labels[c].clone(),
                internal_share: if total[c] > 0.0 {
                    inside[c] / total[c]
                } else {
                    0.0
                },
            }
        })
        .collect();
    let active_ids: Vec<u32> = (0..n_accounts as u32)
        .filter(|&v| active[v as usize])
        .collect();
    let position: HashMap<u32, u32> = active_ids
        .iter()
        .enumerate()
        .map(|(i, &v)| (v, i as u32))
        .collect();
    let wcc = weakly_connected_components(
        active_ids.len(),
        edges
            .iter()
            .filter_map(|e| Some((*position.get(&e.src)?, *position.get(&e.dst)?))),
    );
    Ok(Communities {
        membership,
        communities,
        modularity: q,
        iterations: partition.iterations,
        core_numbers: core_numbers(&g),
        components: wcc.count(),
        largest_component: wcc.sizes.first().copied().unwrap_or(0),
    })
}

/// Words too common to label anything (English and Italian).
const STOPWORDS: &[&str] = &[
    "about", "after", "again", "also", "been", "before", "being", "could", "does", "from", "have",
    "here", "into", "just", "like", "more", "most", "much", "only", "other", "over", "said",
    "same", "should", "some", "such", "than", "that", "their", "them", "then", "there", "these",
    "they", "this", "those", "very", "want", "were", "what", "when", "where", "which", "while",
    "will", "with", "would", "your", "anche", "come", "della", "delle", "dello", "degli", "nella",
    "nelle", "sono", "questo", "questa", "quello", "quella", "perché", "molto", "tutto", "tutti",
    "ancora", "dopo", "prima", "essere", "fare", "hanno", "stato", "stata", "http", "https",
];

fn terms_of(post: &PostText) -> Vec<String> {
    let mut terms: Vec<String> = post.hashtags.iter().map(|h| format!("#{h}")).collect();
    if let Some(text) = &post.text {
        for word in
            text.split(|c: char| !(c.is_alphanumeric() || c == '#' || c == '@' || c == '\''))
        {
            let w = word.trim_matches('\'').to_lowercase();
            if w.starts_with('#') && w.len() > 1 {
                if !terms.contains(&w) {
                    terms.push(w);
                }
            } else if w.chars().count() >= 4
                && w.chars().all(char::is_alphabetic)
                && !STOPWORDS.contains(&w.as_str())
            {
                terms.push(w);
            }
        }
    }
    terms.sort();
    terms.dedup();
    terms
}

/// The `n` terms most distinctive of each community: used by at least two of its posts and
/// most over-represented there against all posts (count × log lift). Hashtags rank before
/// words at equal score, and ties break alphabetically.
fn label_communities(
    membership: &[u32],
    k: usize,
    posts: &[PostText],
    n: usize,
) -> Vec<Vec<String>> {
    let mut overall: HashMap<String, u32> = HashMap::new();
    let mut per: Vec<HashMap<String, u32>> = vec![HashMap::new(); k];
    let mut posts_in = vec![0u32; k];
    let mut total_posts = 0u32;
    for post in posts {
        let terms = terms_of(post);
        total_posts += 1;
        for t in &terms {
            *overall.entry(t.clone()).or_default() += 1;
        }
        let c = membership
            .get(post.author.0 as usize)
            .copied()
            .unwrap_or(NO_COMMUNITY);
        if c != NO_COMMUNITY {
            posts_in[c as usize] += 1;
            for t in terms {
                *per[c as usize].entry(t).or_default() += 1;
            }
        }
    }
    (0..k)
        .map(|c| {
            let mut scored: Vec<(f64, String)> = per[c]
                .iter()
                .filter(|(_, &count)| count >= 2)
                .map(|(t, &count)| {
                    let lift = (f64::from(count) / f64::from(posts_in[c].max(1)))
                        / (f64::from(overall[t]) / f64::from(total_posts.max(1)));
                    let bonus = if t.starts_with('#') { 1.05 } else { 1.0 };
                    (f64::from(count) * lift.ln().max(0.0) * bonus, t.clone())
                })
                .filter(|(s, _)| *s > 0.0)
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().take(n).map(|(_, t)| t).collect()
        })
        .collect()
}

/// How a community of one window fared in the next.
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityMatch {
    pub before: u32,
    /// Its members active in both windows.
    pub members_in_both: u32,
    /// The community of the later window that holds most of them.
    pub after: u32,
    /// Share of `members_in_both` found together in `after`.
    pub kept_share: f64,
}

/// Two consecutive windows compared.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowComparison {
    pub window_before: (Timestamp, Timestamp),
    pub window_after: (Timestamp, Timestamp),
    pub communities_before: u32,
    pub communities_after: u32,
    pub accounts_in_both: u32,
    /// Adjusted Rand index of the two partitions on the accounts active in both windows.
    pub ari: f64,
    pub nmi: f64,
    /// The largest communities of the earlier window (up to 10), with where they went.
    pub matches: Vec<CommunityMatch>,
}

/// Stability of communities across consecutive windows of `window_ms` milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Stability {
    pub comparisons: Vec<WindowComparison>,
    /// Engagements without a time, which no window can hold.
    pub untimed_engagements: u64,
}

/// Engagement cut into consecutive windows of `window_ms` from the first timed engagement;
/// windows without engagement are skipped, so data with gaps (months without activity)
/// compares each active window with the next active one. Cut once: callers bound the work by
/// `len()` (each window is a Leiden run) before `community_stability` runs.
#[derive(Clone, Debug, Default)]
pub struct EngagementWindows {
    start: i64,
    window_ms: i64,
    windows: std::collections::BTreeMap<i64, Vec<Engagement>>,
    untimed: u64,
}

impl EngagementWindows {
    pub fn split(events: &[Engagement], window_ms: i64) -> Self {
        let window_ms = window_ms.max(1);
        let untimed = events.iter().filter(|e| e.at.is_none()).count() as u64;
        let Some(start) = events
            .iter()
            .filter_map(|e| e.at)
            .map(Timestamp::epoch_ms)
            .min()
        else {
            return Self {
                untimed,
                window_ms,
                ..Self::default()
            };
        };
        let mut windows: std::collections::BTreeMap<i64, Vec<Engagement>> = Default::default();
        for e in events {
            if let Some(at) = e.at {
                windows
                    .entry((at.epoch_ms() - start) / window_ms)
                    .or_default()
                    .push(*e);
            }
        }
        Self {
            start,
            window_ms,
            windows,
            untimed,
        }
    }

    /// Windows that hold engagement.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// Where window `w` begins and ends.
    fn bounds(&self, w: i64) -> Option<(Timestamp, Timestamp)> {
        let from = self.start + w * self.window_ms;
        let ts = |ms: i64| Timestamp::from_epoch_ms(ms.clamp(Timestamp::MIN_MS, Timestamp::MAX_MS));
        Some((ts(from)?, ts(from + self.window_ms)?))
    }
}

/// Runs Leiden in each window (same seed) and compares consecutive windows. Interactions only:
/// follows rarely carry a time, so they cannot be placed in a window. Each window's graph holds
/// only the accounts active in it, so a short window costs what its engagement costs, not what
/// the whole store does; two windows are held at a time. Stops soon after `cancel` is set;
/// tells `progress` which window it is on.
pub fn community_stability(
    n_accounts: usize,
    windows: &EngagementWindows,
    config: &CommunityConfig,
    cancel: &Cancel,
    progress: &Progress,
) -> Result<Stability, Cancelled> {
    use rayon::prelude::*;
    let mut comparisons = Vec::new();
    let mut previous: Option<(i64, Communities)> = None;
    let all: Vec<(&i64, &Vec<Engagement>)> = windows.windows.iter().collect();
    // Windows are clustered independently, as many at once as there are threads (a window's
    // own runs may be fewer than the cores); only that many partitions are held at a time.
    let at_once = rayon::current_num_threads().max(1);
    for (c, chunk) in all.chunks(at_once).enumerate() {
        let first = c * at_once;
        progress.step(
            match chunk.len() {
                1 => format!("stability: window {} of {}", first + 1, windows.len()),
                k => format!(
                    "stability: windows {}–{} of {}",
                    first + 1,
                    first + k,
                    windows.len()
                ),
            },
            windows.len() as u64,
        );
        progress.set(first as u64);
        let found: Vec<Communities> = chunk
            .par_iter()
            .map(|(_, events)| window_communities(n_accounts, events, config, cancel))
            .collect::<Result<_, _>>()?;
        for ((&w, _), found) in chunk.iter().zip(found) {
            if let Some((wb, before)) = &previous {
                if let (Some(b), Some(a)) = (windows.bounds(*wb), windows.bounds(w)) {
                    comparisons.push(compare_windows(before, &found, b, a));
                }
            }
            previous = Some((w, found));
        }
    }
    Ok(Stability {
        comparisons,
        untimed_engagements: windows.untimed,
    })
}

/// The communities of one window's `events`, found on a graph of the accounts active in it
/// (numbered in the order of their indices, so the result does not depend on event order),
/// with the membership given back for all `n_accounts`.
fn window_communities(
    n_accounts: usize,
    events: &[Engagement],
    config: &CommunityConfig,
    cancel: &Cancel,
) -> Result<Communities, Cancelled> {
    let mut active: Vec<u32> = events.iter().flat_map(|e| [e.src.0, e.dst.0]).collect();
    active.sort_unstable();
    active.dedup();
    let local = |v: AccountIdx| AccountIdx(active.partition_point(|&a| a < v.0) as u32);
    let compact: Vec<Engagement> = events
        .iter()
        .map(|e| Engagement {
            src: local(e.src),
            dst: local(e.dst),
            ..*e
        })
        .collect();
    let quiet = CommunityConfig {
        n_members: 0,
        n_labels: 0,
        ..*config
    };
    let mut found = detect_communities(active.len(), &compact, &[], &[], &quiet, cancel)?;
    let mut membership = vec![NO_COMMUNITY; n_accounts];
    for (i, &v) in active.iter().enumerate() {
        membership[v as usize] = found.membership[i];
    }
    found.membership = membership;
    // Per-account figures of the compact graph would be misread as the store's.
    found.core_numbers = Vec::new();
    Ok(found)
}

fn compare_windows(
    before: &Communities,
    after: &Communities,
    wb: (Timestamp, Timestamp),
    wa: (Timestamp, Timestamp),
) -> WindowComparison {
    let both: Vec<usize> = (0..before.membership.len())
        .filter(|&v| before.membership[v] != NO_COMMUNITY && after.membership[v] != NO_COMMUNITY)
        .collect();
    let a: Vec<u32> = both.iter().map(|&v| before.membership[v]).collect();
    let b: Vec<u32> = both.iter().map(|&v| after.membership[v]).collect();
    let mut overlap: HashMap<(u32, u32), u32> = HashMap::new();
    let mut in_both = vec![0u32; before.communities.len()];
    for (&x, &y) in a.iter().zip(&b) {
        *overlap.entry((x, y)).or_default() += 1;
        in_both[x as usize] += 1;
    }
    let matches = before
        .communities
        .iter()
        .take(10)
        .filter(|c| in_both[c.id as usize] > 0)
        .map(|c| {
            let (after_id, kept) = (0..after.communities.len() as u32)
                .map(|y| (y, overlap.get(&(c.id, y)).copied().unwrap_or(0)))
                .max_by(|p, q| p.1.cmp(&q.1).then(q.0.cmp(&p.0)))
                .unwrap_or((0, 0));
            CommunityMatch {
                before: c.id,
                members_in_both: in_both[c.id as usize],
                after: after_id,
                kept_share: f64::from(kept) / f64::from(in_both[c.id as usize]),
            }
        })
        .collect();
    WindowComparison {
        window_before: wb,
        window_after: wa,
        communities_before: before.communities.len() as u32,
        communities_after: after.communities.len() as u32,
        accounts_in_both: both.len() as u32,
        ari: if both.is_empty() { 0.0 } else { ari(&a, &b) },
        nmi: if both.is_empty() { 0.0 } else { nmi(&a, &b) },
        matches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engagement::tests::parse;

    fn two_groups() -> Vec<Engagement> {
        parse(
            "a -reply-> b; b -reply-> c; c -reply-> a; a -share-> c; b -share-> a; \
             d -reply-> e; e -reply-> f; f -reply-> d; d -share-> f; e -share-> d; c -mention-> d",
        )
    }

    #[test]
    fn two_groups_get_two_labelled_communities() {
        let posts = [
            PostText {
                author: AccountIdx(0),
                text: Some("Risotto tonight #cucina".into()),
                hashtags: vec![],
            },
            PostText {
                author: AccountIdx(1),
                text: Some("best risotto ever #cucina".into()),
                hashtags: vec![],
            },
            PostText {
                author: AccountIdx(3),
                text: Some("derby #calcio".into()),
                hashtags: vec![],
            },
            PostText {
                author: AccountIdx(4),
                text: Some("what a derby #calcio".into()),
                hashtags: vec![],
            },
        ];
        let c = detect_communities(
            7,
            &two_groups(),
            &[],
            &posts,
            &CommunityConfig::default(),
            &Cancel::default(),
        )
        .expect("not cancelled");
        assert_eq!(c.communities.len(), 2);
        assert_eq!(c.membership[0], c.membership[2]);
        assert_ne!(c.membership[0], c.membership[3]);
        assert_eq!(c.membership[6], NO_COMMUNITY);
        let food = &c.communities[c.membership[0] as usize];
        assert_eq!(food.labels, vec!["#cucina", "risotto"]);
        assert!(food.internal_share > 0.8);
        assert!(c.modularity > 0.3);
        assert_eq!((c.components, c.largest_component), (1, 6));
        assert_eq!(c.core_numbers[0], 2);
    }

    #[test]
    fn the_same_communities_in_two_windows_are_fully_stable() {
        let day = 86_400_000;
        let mut events = two_groups();
        let mut later = two_groups();
        for e in &mut events {
            e.at = Timestamp::from_epoch_ms(0);
        }
        for e in &mut later {
            e.at = Timestamp::from_epoch_ms(day + 5);
        }
        events.extend(later);
        let windows = EngagementWindows::split(&events, day);
        assert_eq!(windows.len(), 2);
        let progress = Progress::new();
        let s = community_stability(
            7,
            &windows,
            &CommunityConfig::default(),
            &Cancel::new(),
            &progress,
        )
        .expect("not cancelled");
        // The last window reported (alone, or with the first where two run at once).
        let step = progress.status().step;
        assert!(
            step == "stability: window 2 of 2" || step == "stability: windows 1–2 of 2",
            "{step}"
        );
        let cancel = Cancel::new();
        cancel.cancel();
        assert_eq!(
            community_stability(7, &windows, &CommunityConfig::default(), &cancel, &progress),
            Err(Cancelled)
        );
        assert_eq!(s.comparisons.len(), 1);
        let c = &s.comparisons[0];
        assert_eq!(c.accounts_in_both, 6);
        assert!((c.ari - 1.0).abs() < 1e-12 && (c.nmi - 1.0).abs() < 1e-12);
        assert!(c.matches.iter().all(|m| (m.kept_share - 1.0).abs() < 1e-12));
    }
}
