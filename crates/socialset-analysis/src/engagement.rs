//! Engagement events and who receives engagement from how many distinct people: the raw
//! evidence influence ranking builds on, and the demo's first table.

use socialset_graph::{Csr, Edge};
use socialset_model::{AccountIdx, InteractionKind, Timestamp};

/// One engagement event (or a count of them, `weight`) from `src` to `dst`: `src` endorses
/// `dst`. `post` indexes the posts handed to the analysis alongside, when the event is known
/// to be about one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Engagement {
    pub src: AccountIdx,
    pub dst: AccountIdx,
    pub kind: InteractionKind,
    pub weight: f64,
    pub at: Option<Timestamp>,
    pub post: Option<u32>,
}

/// The engagement an account received.
#[derive(Clone, Debug, PartialEq)]
pub struct EngagementSummary {
    pub account: AccountIdx,
    /// Distinct accounts that engaged with it (self-engagement excluded).
    pub distinct_engagers: u32,
    /// Engagements received, by kind, in `InteractionKind::ALL` order.
    pub received_by_kind: [f64; 5],
    /// Engagements given to others.
    pub given: f64,
}

impl EngagementSummary {
    pub fn received(&self) -> f64 {
        self.received_by_kind.iter().sum()
    }
}

/// Summaries for every account that received engagement from someone else, most distinct
/// engagers first (then most engagements, then lowest index: deterministic).
pub fn summarize_engagement(n_accounts: usize, events: &[Engagement]) -> Vec<EngagementSummary> {
    let all = engagement_by_account(n_accounts, events);
    let mut out: Vec<EngagementSummary> = all
        .into_iter()
        .filter(|s| s.distinct_engagers > 0)
        .collect();
    out.sort_by(|a, b| {
        b.distinct_engagers
            .cmp(&a.distinct_engagers)
            .then(b.received().total_cmp(&a.received()))
            .then(a.account.cmp(&b.account))
    });
    out
}

/// The engagement summary of every account, indexed by account.
pub fn engagement_by_account(n_accounts: usize, events: &[Engagement]) -> Vec<EngagementSummary> {
    let mut received = vec![[0f64; 5]; n_accounts];
    let mut given = vec![0f64; n_accounts];
    let mut reversed = Vec::with_capacity(events.len());
    for e in events {
        if e.src == e.dst {
            continue;
        }
        received[e.dst.0 as usize][usize::from(e.kind.code())] += e.weight;
        given[e.src.0 as usize] += e.weight;
        reversed.push(Edge {
            src: e.dst.0,
            dst: e.src.0,
            weight: e.weight as f32,
        });
    }
    // In the reversed graph, parallel edges are merged: out-degree = distinct engagers.
    let engagers = Csr::from_edges(n_accounts, &reversed);
    (0..n_accounts as u32)
        .map(|v| EngagementSummary {
            account: AccountIdx(v),
            distinct_engagers: engagers.out_degree(v) as u32,
            received_by_kind: received[v as usize],
            given: given[v as usize],
        })
        .collect()
}

/// Activation probabilities from observed engagement rates (the Bernoulli estimate of Goyal,
/// Bonchi, Lakshmanan, WSDM 2010): `p(u → v)` is the share of u's posts that v engaged with.
/// A post is the event's post when known, else the hour it happened in (SNAP-style data has
/// no posts; engagement within one hour is counted as one post's), else one post in all. u's
/// posts are the most of: the posts it authored (`authored[u]`) and the distinct posts it drew
/// engagement on. One post is added to the denominator (add-one smoothing), so that a single
/// observed engagement means ½, not certainty. Returns `(u, v, p)` edges, u able to activate v.
pub fn engagement_rates(authored: &[u32], events: &[Engagement]) -> Vec<Edge> {
    use std::collections::{HashMap, HashSet};
    let key = |e: &Engagement| -> i64 {
        match (e.post, e.at) {
            (Some(p), _) => i64::from(p),
            (None, Some(t)) => -1 - t.epoch_ms().div_euclid(3_600_000),
            (None, None) => i64::MIN,
        }
    };
    let mut drawn: HashMap<u32, HashSet<i64>> = HashMap::new();
    let mut pair: HashMap<(u32, u32), HashSet<i64>> = HashMap::new();
    for e in events.iter().filter(|e| e.src != e.dst) {
        let k = key(e);
        drawn.entry(e.dst.0).or_default().insert(k);
        pair.entry((e.dst.0, e.src.0)).or_default().insert(k);
    }
    let mut edges: Vec<Edge> = pair
        .into_iter()
        .map(|((u, v), posts)| {
            let total = drawn.get(&u).map_or(0, HashSet::len);
            let own = authored.get(u as usize).copied().unwrap_or(0) as usize;
            Edge {
                src: u,
                dst: v,
                weight: (posts.len() as f64 / (total.max(own) + 1) as f64) as f32,
            }
        })
        .collect();
    edges.sort_by_key(|e| (e.src, e.dst));
    edges
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tiny graph DSL: "a -reply-> b; c -share-> b" with one-letter accounts a=0, b=1, ...
    pub(crate) fn parse(dsl: &str) -> Vec<Engagement> {
        dsl.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let (src, rest) = s.split_once(" -").unwrap_or_default();
                let (kind, dst) = rest.split_once("-> ").unwrap_or_default();
                let idx = |name: &str| AccountIdx(u32::from(name.as_bytes()[0] - b'a'));
                Engagement {
                    src: idx(src),
                    dst: idx(dst),
                    kind: kind.parse().unwrap_or(InteractionKind::Like),
                    weight: 1.0,
                    at: None,
                    post: None,
                }
            })
            .collect()
    }

    #[test]
    fn counts_distinct_engagers_and_kinds() {
        let s = summarize_engagement(
            4,
            &parse("a -reply-> b; a -share-> b; c -mention-> b; b -reply-> b; b -reply-> a"),
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].account, AccountIdx(1));
        assert_eq!(s[0].distinct_engagers, 2);
        assert_eq!(s[0].received_by_kind, [1.0, 1.0, 1.0, 0.0, 0.0]);
        assert_eq!(s[0].given, 1.0);
        assert_eq!(s[1].account, AccountIdx(0));
        assert_eq!(s[1].received(), 1.0);
    }

    #[test]
    fn engagement_rates_are_shares_of_posts_engaged_with() {
        let e = |src: u32, dst: u32, post: Option<u32>, hour: i64| Engagement {
            src: AccountIdx(src),
            dst: AccountIdx(dst),
            kind: InteractionKind::Share,
            weight: 1.0,
            at: Timestamp::from_epoch_ms(hour * 3_600_000 + 60_000),
            post,
        };
        // Account 0 wrote 3 posts; 1 engaged with two of them (one twice), 2 with one.
        // Account 3 has no posts on record: hours stand for posts (4 engaged in 2 of 2).
        let events = [
            e(1, 0, Some(10), 0),
            e(1, 0, Some(10), 5),
            e(1, 0, Some(11), 6),
            e(2, 0, Some(12), 7),
            e(4, 3, None, 1),
            e(4, 3, None, 2),
            e(3, 3, None, 2),
        ];
        let rates = engagement_rates(&[3, 0, 0, 0, 0], &events);
        let p = |u: u32, v: u32| {
            rates
                .iter()
                .find(|x| x.src == u && x.dst == v)
                .map(|x| f64::from(x.weight))
        };
        assert_eq!(p(0, 1), Some(2.0 / 4.0));
        assert_eq!(p(0, 2), Some(1.0 / 4.0));
        assert_eq!(p(3, 4), Some(f64::from(2.0f32 / 3.0)));
        assert_eq!(p(3, 3), None, "self-engagement is no influence");
        assert_eq!(rates.len(), 3);
    }
}
