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
}
