//! A short report of what the store holds: who draws engagement from the most distinct
//! people, how connected the interaction graph is, and what the trust ratings say.

use socialset_analysis::{summarize_engagement, Engagement};
use socialset_graph::weakly_connected_components;
use socialset_model::AccountIdx;
use socialset_store::{Counts, Store, StoredAccount};

use crate::{Result, Workspace};

/// An account and the engagement it received.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountLine {
    pub id: String,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    pub distinct_engagers: u32,
    /// By kind, in `InteractionKind::ALL` order.
    pub received_by_kind: [f64; 5],
    pub given: f64,
}

/// Trust ratings at a glance.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingSummary {
    pub count: u64,
    pub positive_share: f64,
    pub mean: f64,
}

/// What the store holds, summarised.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub counts: Counts,
    /// Accounts that take part in at least one interaction.
    pub interacting_accounts: usize,
    /// Weakly connected components of the interaction graph, and the largest one's size.
    pub components: usize,
    pub largest_component: u32,
    /// Accounts with the most distinct engagers, best first.
    pub leaders: Vec<AccountLine>,
    pub ratings: Option<RatingSummary>,
}

impl Workspace {
    /// Summarises the store, listing the `top` accounts by distinct engagers.
    pub fn summarize(&self, top: usize) -> Result<Summary> {
        let accounts = self.store.accounts()?;
        let interactions = self.store.interactions()?;
        // Dense indices for the accounts that interact, in store order.
        let max_key = accounts.last().map_or(0, |(k, _)| k.0).max(0) as usize;
        let mut dense = vec![u32::MAX; max_key + 1];
        let mut members: Vec<usize> = Vec::new();
        let mut index = |k: StoredAccount, dense: &mut Vec<u32>| -> AccountIdx {
            let slot = k.0 as usize;
            if slot >= dense.len() {
                dense.resize(slot + 1, u32::MAX);
            }
            if dense[slot] == u32::MAX {
                dense[slot] = members.len() as u32;
                members.push(slot);
            }
            AccountIdx(dense[slot])
        };
        let events: Vec<Engagement> = interactions
            .iter()
            .map(|i| Engagement {
                src: index(i.src, &mut dense),
                dst: index(i.dst, &mut dense),
                kind: i.kind,
                weight: i.weight,
            })
            .collect();
        let n = members.len();
        let components = weakly_connected_components(n, events.iter().map(|e| (e.src.0, e.dst.0)));
        let by_key: std::collections::HashMap<i64, &socialset_model::Account> =
            accounts.iter().map(|(k, a)| (k.0, a)).collect();
        let leaders = summarize_engagement(n, &events)
            .into_iter()
            .take(top)
            .map(|s| {
                let account = by_key.get(&(members[s.account.0 as usize] as i64));
                AccountLine {
                    id: account.map(|a| a.id.to_string()).unwrap_or_default(),
                    handle: account.and_then(|a| a.handle.clone()),
                    followers: account.and_then(|a| a.followers),
                    distinct_engagers: s.distinct_engagers,
                    received_by_kind: s.received_by_kind,
                    given: s.given,
                }
            })
            .collect();
        let values = self.store.rating_values()?;
        let ratings = (!values.is_empty()).then(|| RatingSummary {
            count: values.len() as u64,
            positive_share: values.iter().filter(|&&v| v > 0.0).count() as f64
                / values.len() as f64,
            mean: values.iter().sum::<f64>() / values.len() as f64,
        });
        Ok(Summary {
            counts: self.store.counts()?,
            interacting_accounts: n,
            components: components.count(),
            largest_component: components.sizes.first().copied().unwrap_or(0),
            leaders,
            ratings,
        })
    }
}
