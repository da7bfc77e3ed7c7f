//! A short report of what the store holds: who draws engagement from the most distinct
//! people, how connected the interaction graph is, and what the trust ratings say.

use socialset_analysis::summarize_engagement;
use socialset_graph::weakly_connected_components;
use socialset_store::Counts;

use crate::social::TimeWindow;
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
        let data = self.load_social(&TimeWindow::default())?;
        let n = data.accounts.len();
        let mut interacting = vec![false; n];
        for e in &data.events {
            interacting[e.src.0 as usize] = true;
            interacting[e.dst.0 as usize] = true;
        }
        // Components among the interacting accounts only.
        let members: Vec<u32> = (0..n as u32).filter(|&v| interacting[v as usize]).collect();
        let mut position = vec![u32::MAX; n];
        for (i, &v) in members.iter().enumerate() {
            position[v as usize] = i as u32;
        }
        let components = weakly_connected_components(
            members.len(),
            data.events
                .iter()
                .map(|e| (position[e.src.0 as usize], position[e.dst.0 as usize])),
        );
        let leaders = summarize_engagement(n, &data.events)
            .into_iter()
            .take(top)
            .map(|s| {
                let a = &data.accounts[s.account.0 as usize];
                AccountLine {
                    id: a.id.to_string(),
                    handle: a.handle.clone(),
                    followers: a.followers,
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
            interacting_accounts: members.len(),
            components: components.count(),
            largest_component: components.sizes.first().copied().unwrap_or(0),
            leaders,
            ratings,
        })
    }
}
