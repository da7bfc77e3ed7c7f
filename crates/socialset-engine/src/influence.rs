//! `rank` and `explain`: native influencers by engagement-weighted PageRank.

use socialset_analysis::{
    explain_influence, rank_influence, AccountInfluence, Audience, EngagementWeights,
    InfluenceConfig, InfluenceRanking, Tier, Topic, TopicCoverage,
};
use socialset_graph::Convergence;
use socialset_model::Account;

use crate::social::{SocialData, TimeWindow};
use crate::{Error, Result, Workspace};

/// Which accounts to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierFilter {
    /// Audience at most `max_followers`.
    Native,
    Tier(Tier),
}

impl std::str::FromStr for TierFilter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "native" {
            return Ok(Self::Native);
        }
        s.parse::<Tier>().map(Self::Tier).map_err(|_| {
            format!("{s:?} is not a tier: expected native, nano, micro, mid, macro or mega")
        })
    }
}

/// How to rank.
#[derive(Clone, Debug, PartialEq)]
pub struct RankOptions {
    pub weights: EngagementWeights,
    pub window: TimeWindow,
    /// Words and #hashtags, comma-separated.
    pub topic: Option<String>,
    pub tier: Option<TierFilter>,
    /// "Native" means at most this audience (default 5,000).
    pub max_followers: u64,
    /// How many accounts to return (after filtering).
    pub top: usize,
    /// PageRank damping: the probability of following an engagement rather than jumping.
    pub damping: f64,
    /// Only members of this community, as `communities` numbers them (default options, the
    /// same window and weights).
    pub community: Option<u32>,
}

impl Default for RankOptions {
    fn default() -> Self {
        Self {
            weights: EngagementWeights::default(),
            window: TimeWindow::default(),
            topic: None,
            tier: None,
            max_followers: 5_000,
            top: 20,
            damping: 0.85,
            community: None,
        }
    }
}

/// One ranked account, with its external identity.
#[derive(Clone, Debug, PartialEq)]
pub struct RankedAccount {
    pub id: String,
    pub handle: Option<String>,
    pub influence: AccountInfluence,
}

/// The ranking and what it stood on.
#[derive(Clone, Debug, PartialEq)]
pub struct RankReport {
    pub accounts: Vec<RankedAccount>,
    /// Accounts that pass the filter (before `top`).
    pub matching: usize,
    /// Accounts ranked in all.
    pub ranked: usize,
    pub engagements: usize,
    pub convergence: Convergence,
    pub topic: Option<TopicCoverage>,
    /// Ranked accounts whose follower count is unknown (their audience is the in-graph one).
    pub followers_unknown: usize,
    pub untimed_excluded: u64,
}

/// One engager of an explained account.
#[derive(Clone, Debug, PartialEq)]
pub struct EngagerLine {
    pub id: String,
    pub handle: Option<String>,
    /// Its share of the explained account's score.
    pub share_of_score: f64,
    /// Engagements it gave the account, in `InteractionKind::ALL` order.
    pub given_by_kind: [f64; 5],
    /// Whether it follows the account.
    pub follows: bool,
}

/// Why one account ranks where it does.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainReport {
    pub account: RankedAccount,
    pub ranked: usize,
    /// Engagers, largest share first.
    pub engagers: Vec<EngagerLine>,
    pub n_engagers: usize,
    pub baseline_share: f64,
}

fn config(options: &RankOptions) -> Result<InfluenceConfig> {
    if !(options.damping > 0.0 && options.damping < 1.0) {
        return Err(Error::Usage(format!(
            "the damping must be between 0 and 1 (exclusive), not {}",
            options.damping
        )));
    }
    Ok(InfluenceConfig {
        pagerank: socialset_graph::PageRankConfig {
            damping: options.damping,
            ..socialset_graph::PageRankConfig::default()
        },
        weights: options.weights,
        max_followers: options.max_followers,
        topic: options
            .topic
            .as_deref()
            .map(Topic::parse)
            .transpose()
            .map_err(Error::Usage)?,
    })
}

fn named(accounts: &[Account], influence: &AccountInfluence) -> RankedAccount {
    let a = &accounts[influence.account.0 as usize];
    RankedAccount {
        id: a.id.to_string(),
        handle: a.handle.clone(),
        influence: influence.clone(),
    }
}

impl Workspace {
    pub(crate) fn ranking(
        &self,
        options: &RankOptions,
    ) -> Result<(SocialData, InfluenceConfig, InfluenceRanking)> {
        let data = self.load_social(&options.window)?;
        data.require_events("rank on")?;
        let config = config(options)?;
        let input = data.influence_input();
        let ranking = rank_influence(&input, &config);
        if let Some(coverage) = ranking.topic {
            if coverage.posts_matched == 0 {
                return Err(Error::Usage(format!(
                    "no post matches the topic {:?} ({} posts searched): try other words or hashtags",
                    options.topic.as_deref().unwrap_or_default(),
                    data.posts.len()
                )));
            }
        }
        Ok((data, config, ranking))
    }

    /// Ranks accounts by influence earned from those who engage with them.
    pub fn rank(&self, options: &RankOptions) -> Result<RankReport> {
        let (data, _, ranking) = self.ranking(options)?;
        // Accounts that took no part in the ranked engagement are not ranked.
        let ranked: Vec<&AccountInfluence> = ranking
            .accounts
            .iter()
            .filter(|a| a.endorsers > 0 || a.topical_posts > 0)
            .collect();
        let membership = match options.community {
            None => None,
            Some(wanted) => {
                let community_options = crate::CommunityOptions {
                    weights: options.weights,
                    window: options.window,
                    ..crate::CommunityOptions::default()
                };
                let (found, _) =
                    crate::communities::communities_of(&data, &community_options, &self.cancel)?;
                if !found.communities.iter().any(|c| c.id == wanted) {
                    return Err(Error::Usage(format!(
                        "there is no community {wanted}: `socialset communities` lists them ({} found)",
                        found.communities.len()
                    )));
                }
                Some((found.membership, wanted))
            }
        };
        let keep = |a: &&AccountInfluence| {
            let tier = match options.tier {
                None => true,
                Some(TierFilter::Native) => a.native,
                Some(TierFilter::Tier(t)) => a.tier == t,
            };
            tier && membership
                .as_ref()
                .is_none_or(|(m, wanted)| m.get(a.account.0 as usize) == Some(wanted))
        };
        let matching: Vec<&AccountInfluence> = ranked.iter().copied().filter(keep).collect();
        Ok(RankReport {
            accounts: matching
                .iter()
                .take(options.top)
                .map(|a| named(&data.accounts, a))
                .collect(),
            matching: matching.len(),
            ranked: ranked.len(),
            engagements: data.events.len(),
            convergence: ranking.convergence,
            topic: ranking.topic,
            followers_unknown: ranked
                .iter()
                .filter(|a| matches!(a.audience, Audience::InGraph(_)))
                .count(),
            untimed_excluded: data.untimed_excluded,
        })
    }

    /// Explains one account's influence: who engaged, how, and what share of its score each
    /// engager brought. `top` limits the engagers listed.
    pub fn explain(&self, account: &str, options: &RankOptions) -> Result<ExplainReport> {
        let (data, config, ranking) = self.ranking(options)?;
        let who = data.find(account)?;
        let input = data.influence_input();
        let e = explain_influence(&input, &config, &ranking, who)
            .ok_or_else(|| Error::Usage(format!("{account} is not in the ranking")))?;
        let n_engagers = e.engagers.len();
        Ok(ExplainReport {
            account: named(&data.accounts, &e.influence),
            ranked: ranking
                .accounts
                .iter()
                .filter(|a| a.endorsers > 0 || a.topical_posts > 0)
                .count(),
            engagers: e
                .engagers
                .iter()
                .take(options.top)
                .map(|s| {
                    let a = &data.accounts[s.account.0 as usize];
                    EngagerLine {
                        id: a.id.to_string(),
                        handle: a.handle.clone(),
                        share_of_score: s.share_of_score,
                        given_by_kind: s.engagements_by_kind,
                        follows: s.follows,
                    }
                })
                .collect(),
            n_engagers,
            baseline_share: e.baseline_share,
        })
    }
}
