//! `rank` and `explain`: native influencers by engagement-weighted PageRank, listed in the
//! order that predicts later engagement (the blend of `socialset_analysis::predictive`) when
//! the data have the times to choose it.

use socialset_analysis::audit::{publisher_signs, speaks_to_customers, PublisherSign};
use socialset_analysis::{
    explain_influence, rank_influence, AccountInfluence, Audience, EngagementWeights,
    InfluenceConfig, InfluenceRanking, Tier, Topic, TopicCoverage,
};
use socialset_graph::Convergence;

use crate::social::{SocialData, TimeWindow};
use crate::{Error, Result, Workspace};

/// Which accounts to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierFilter {
    /// Audience at most `max_followers` (known followers, unless unknown ones are assumed).
    Native,
    Tier(Tier),
    /// Follower count unknown.
    Unknown,
}

impl std::str::FromStr for TierFilter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "native" => return Ok(Self::Native),
            "unknown" => return Ok(Self::Unknown),
            _ => {}
        }
        s.parse::<Tier>().map(Self::Tier).map_err(|_| {
            format!(
                "{s:?} is not a tier: expected native, nano, micro, mid, macro, mega or unknown"
            )
        })
    }
}

/// The order of the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RankOrder {
    /// Predictive where the data allow it (timed engagement, no topic), authority otherwise.
    #[default]
    Auto,
    /// The blend that predicts later engagement, chosen on the ranked data's last quarter.
    Predictive,
    /// Engagement-weighted PageRank alone.
    Authority,
}

impl std::str::FromStr for RankOrder {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "auto" => Ok(Self::Auto),
            "predictive" => Ok(Self::Predictive),
            "authority" | "pagerank" => Ok(Self::Authority),
            other => Err(format!(
                "{other:?} is not an order: expected auto, predictive or authority"
            )),
        }
    }
}

/// The order a ranking was listed in, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderUsed {
    /// The blend, when the list is in the predictive order.
    pub blend: Option<socialset_analysis::predictive::BlendChoice>,
    /// Why the list is by authority although the default or `predictive` was asked for.
    pub authority_because: Option<String>,
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
    /// Only accounts that at least this many distinct accounts engage with or follow in the
    /// data are listed (every account is ranked; this only filters the list).
    pub min_engagers: u32,
    /// Accounts left out of the list (they are still ranked, and keep their place among all).
    pub hide: Hide,
    /// Only accounts whose profile gives this language (e.g. `it`, `en`).
    pub language: Option<String>,
    /// The order of the list (the score shown is PageRank's in every order).
    pub order: RankOrder,
    /// Count an account whose follower count is unknown as native when its in-graph
    /// audience is within `max_followers`.
    pub assume_native_if_unknown: bool,
}

/// Kinds of account a ranking can leave out of its list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hide {
    /// Accounts the audit calls likely fakes or bots.
    pub bots: bool,
    /// Accounts the audit calls organisations or publishers, and accounts whose profile
    /// marks a brand or names an organisation (a newsroom, company, agency…).
    pub organisations: bool,
}

impl Hide {
    /// Parses a comma-separated list of `bots`, `organisations` (or `orgs`, `brands`).
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut hide = Self::default();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match word.to_lowercase().as_str() {
                "bots" | "bot" | "fakes" => hide.bots = true,
                "organisations" | "organizations" | "orgs" | "brands" | "publishers" => {
                    hide.organisations = true
                }
                other => {
                    return Err(format!(
                    "cannot hide {other:?}: name bots, organisations, or both (bots,organisations)"
                ))
                }
            }
        }
        Ok(hide)
    }

    fn any(self) -> bool {
        self.bots || self.organisations
    }
}

/// The fewest distinct engagers (or followers in the data) an account needs to be listed by
/// default: below 3 its confidence (n / (n + 10)) is under 0.2, a score resting on one or two
/// relationships.
pub const DEFAULT_MIN_ENGAGERS: u32 = 3;

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
            min_engagers: DEFAULT_MIN_ENGAGERS,
            hide: Hide::default(),
            language: None,
            order: RankOrder::Auto,
            assume_native_if_unknown: false,
        }
    }
}

/// One ranked account, with its external identity.
#[derive(Clone, Debug, PartialEq)]
pub struct RankedAccount {
    pub id: String,
    pub handle: Option<String>,
    pub influence: AccountInfluence,
    /// Share of the ranked accounts scoring lower, ties counted half, 0–100: the score on a
    /// scale one can read (99.9: in the top thousandth).
    pub percentile: f64,
    /// Place among the accounts the filters list (1 for the first), beside the place among
    /// all (`influence.rank`, in the list's order); `None` where no list was asked for (an
    /// explanation).
    pub listed_rank: Option<usize>,
    /// Place by authority (PageRank) alone among all.
    pub authority_rank: u32,
    /// In the predictive order: the account's percentile (0–100) of each part of the blend
    /// (`socialset_analysis::predictive::PARTS`).
    pub blend_parts: Option<[f64; 4]>,
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
    /// The fewest distinct engagers an account needed to be listed.
    pub min_engagers: u32,
    /// Accounts that passed the other filters but had fewer distinct engagers.
    pub left_out_few_engagers: usize,
    /// Accounts left out as likely fakes or bots (`Hide::bots`).
    pub hidden_bots: usize,
    /// Accounts left out as organisations, publishers or brands (`Hide::organisations`).
    pub hidden_organisations: usize,
    /// Accounts a native list left out because their follower count is unknown (they would
    /// be native by their in-graph audience: `assume_native_if_unknown` lists them).
    pub left_out_unknown_audience: usize,
    pub order: OrderUsed,
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
    pub order: OrderUsed,
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
        assume_native_if_unknown: options.assume_native_if_unknown,
        topic: options
            .topic
            .as_deref()
            .map(Topic::parse)
            .transpose()
            .map_err(Error::Usage)?,
    })
}

/// A ranking in the order it is listed.
pub(crate) struct Ordered {
    pub data: SocialData,
    pub config: InfluenceConfig,
    /// Accounts in the list's order, `rank` their place in it.
    pub ranking: InfluenceRanking,
    /// Place by PageRank alone, per account.
    pub authority_rank: Vec<u32>,
    /// The blend's parts (percentiles 0–1, `[part][account]`) in the predictive order.
    pub parts: Option<[Vec<f64>; 4]>,
    /// The score the list is ordered by, per account (PageRank or the blend).
    pub order_score: Vec<f64>,
    /// Share of the ranked accounts ordered below, ties counted half, 0–100, per account.
    pub percentile: Vec<f64>,
    pub order: OrderUsed,
}

impl Ordered {
    fn named(&self, influence: &AccountInfluence, listed_rank: Option<usize>) -> RankedAccount {
        let v = influence.account.0 as usize;
        let a = &self.data.accounts[v];
        RankedAccount {
            id: a.id.to_string(),
            handle: a.handle.clone(),
            influence: influence.clone(),
            percentile: self.percentile[v],
            listed_rank,
            authority_rank: self.authority_rank[v],
            blend_parts: self
                .parts
                .as_ref()
                .map(|p| [0, 1, 2, 3].map(|i| 100.0 * p[i][v])),
        }
    }
}

/// Whether an account took part in the ranking: someone engaged with or follows it, or it
/// posted about the topic.
fn takes_part(a: &AccountInfluence) -> bool {
    a.endorsers > 0 || a.topical_posts > 0
}

/// Each account's percentile of `score` among the accounts that took part (0 for the others).
fn percentiles(ranking: &InfluenceRanking, score: &[f64]) -> Vec<f64> {
    let ranked: Vec<&AccountInfluence> =
        ranking.accounts.iter().filter(|a| takes_part(a)).collect();
    let scores: Vec<f64> = ranked.iter().map(|a| score[a.account.0 as usize]).collect();
    let n = ranked.len().max(1) as f64;
    let mut out = vec![0.0; ranking.scores.len()];
    for (a, r) in ranked
        .iter()
        .zip(socialset_analysis::average_ranks(&scores))
    {
        out[a.account.0 as usize] = 100.0 * (r - 0.5) / n;
    }
    out
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

    /// The ranking in the order asked for: the predictive blend where it can be chosen on
    /// the ranked data (see `socialset_analysis::predictive`), PageRank otherwise.
    pub(crate) fn ordered(&self, options: &RankOptions) -> Result<Ordered> {
        let (data, config, mut ranking) = self.ranking(options)?;
        let n = ranking.scores.len();
        let mut authority_rank = vec![0u32; n];
        for a in &ranking.accounts {
            authority_rank[a.account.0 as usize] = a.rank;
        }
        let predictive = match options.order {
            RankOrder::Authority => Err(None),
            RankOrder::Auto if options.topic.is_some() => Err(Some(
                "a topic ranks by authority on the topic (--order predictive blends it with engagement on every subject)".to_owned(),
            )),
            RankOrder::Auto | RankOrder::Predictive => {
                self.check_cancel()?;
                let bounds = (
                    options.window.since.map(socialset_model::Timestamp::epoch_ms),
                    options.window.until.map(socialset_model::Timestamp::epoch_ms),
                );
                match socialset_analysis::predictive::choose_blend(
                    &data.influence_input(),
                    &config,
                    &ranking.scores,
                    bounds,
                    &self.cancel,
                ) {
                    Err(socialset_analysis::predictive::NoBlend::Cancelled) => {
                        return Err(Error::Cancelled)
                    }
                    other => other.map_err(|why| Some(why.to_string())),
                }
            }
        };
        let (order_score, parts, order) = match predictive {
            Ok(blend) => {
                let score = blend.score;
                let scores = &ranking.scores;
                ranking.accounts.sort_by(|a, b| {
                    let (x, y) = (a.account.0 as usize, b.account.0 as usize);
                    score[y]
                        .total_cmp(&score[x])
                        .then(scores[y].total_cmp(&scores[x]))
                        .then(a.account.cmp(&b.account))
                });
                for (i, a) in ranking.accounts.iter_mut().enumerate() {
                    a.rank = i as u32 + 1;
                }
                (
                    score,
                    Some(blend.parts),
                    OrderUsed {
                        blend: Some(blend.choice),
                        authority_because: None,
                    },
                )
            }
            Err(because) => (
                ranking.scores.clone(),
                None,
                OrderUsed {
                    blend: None,
                    authority_because: because,
                },
            ),
        };
        Ok(Ordered {
            percentile: percentiles(&ranking, &order_score),
            data,
            config,
            ranking,
            authority_rank,
            parts,
            order_score,
            order,
        })
    }

    /// Ranks accounts by influence earned from those who engage with them.
    pub fn rank(&self, options: &RankOptions) -> Result<RankReport> {
        let ordered = self.ordered(options)?;
        let (data, ranking) = (&ordered.data, &ordered.ranking);
        // Accounts that took no part in the ranked engagement are not ranked.
        let ranked: Vec<&AccountInfluence> =
            ranking.accounts.iter().filter(|a| takes_part(a)).collect();
        let membership = match options.community {
            None => None,
            Some(wanted) => {
                let community_options = crate::CommunityOptions {
                    weights: options.weights,
                    window: options.window,
                    ..crate::CommunityOptions::default()
                };
                let (found, _) =
                    crate::communities::communities_of(data, &community_options, &self.cancel)?;
                if !found.communities.iter().any(|c| c.id == wanted) {
                    return Err(Error::Usage(format!(
                        "there is no community {wanted}: `socialset communities` lists them ({} found)",
                        found.communities.len()
                    )));
                }
                Some((found.membership, wanted))
            }
        };
        let language = options.language.as_deref().map(str::to_lowercase);
        // A native list leaves out the accounts of unknown audience; it counts those it
        // would have listed by their in-graph audience.
        let mut left_out_unknown_audience = 0;
        let keep = |a: &&AccountInfluence| {
            let account = &data.accounts[a.account.0 as usize];
            let spoken = language.as_deref().is_none_or(|wanted| {
                account
                    .lang
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case(wanted))
            });
            let member = membership
                .as_ref()
                .is_none_or(|(m, wanted)| m.get(a.account.0 as usize) == Some(wanted));
            if !(spoken && member) {
                return false;
            }
            match options.tier {
                None => true,
                Some(TierFilter::Native) => {
                    if !a.native
                        && matches!(a.audience, Audience::InGraph(n) if n <= options.max_followers)
                        && a.endorsers >= options.min_engagers
                    {
                        left_out_unknown_audience += 1;
                    }
                    a.native
                }
                Some(TierFilter::Tier(t)) => a.tier == Some(t),
                Some(TierFilter::Unknown) => a.tier.is_none(),
            }
        };
        let passing: Vec<&AccountInfluence> = ranked.iter().copied().filter(keep).collect();
        let enough: Vec<&AccountInfluence> = passing
            .iter()
            .copied()
            .filter(|a| a.endorsers >= options.min_engagers)
            .collect();
        // Bots and organisations are told by the audit, run only when asked for; they are
        // counted among the accounts that would have been listed.
        let (mut hidden_bots, mut hidden_organisations) = (0, 0);
        let matching: Vec<&AccountInfluence> = if options.hide.any() {
            let (_, verdict) = crate::audit::bot_verdicts(data, &self.cancel)?;
            enough
                .iter()
                .copied()
                .filter(|a| {
                    let i = a.account.0 as usize;
                    if options.hide.bots && verdict[i] == crate::Verdict::LikelyBot {
                        hidden_bots += 1;
                        return false;
                    }
                    // An automated publisher, or any account whose profile names an
                    // organisation, marks a brand or speaks to customers ("get the app");
                    // a person who is only verified stays.
                    let organisation = verdict[i] == crate::Verdict::Publisher
                        || speaks_to_customers(&data.accounts[i]).is_some()
                        || publisher_signs(&data.accounts[i]).iter().any(|s| {
                            matches!(
                                s,
                                PublisherSign::Brand | PublisherSign::NamesAnOrganisation(_)
                            )
                        });
                    if options.hide.organisations && organisation {
                        hidden_organisations += 1;
                        return false;
                    }
                    true
                })
                .collect()
        } else {
            enough.clone()
        };
        Ok(RankReport {
            accounts: matching
                .iter()
                .take(options.top)
                .enumerate()
                .map(|(i, a)| ordered.named(a, Some(i + 1)))
                .collect(),
            min_engagers: options.min_engagers,
            left_out_few_engagers: passing.len() - enough.len(),
            hidden_bots,
            hidden_organisations,
            left_out_unknown_audience,
            order: ordered.order.clone(),
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
        let ordered = self.ordered(options)?;
        let (data, ranking) = (&ordered.data, &ordered.ranking);
        let who = data.find(account)?;
        let input = data.influence_input();
        let e = explain_influence(&input, &ordered.config, ranking, who)
            .ok_or_else(|| Error::Usage(format!("{account} is not in the ranking")))?;
        let n_engagers = e.engagers.len();
        Ok(ExplainReport {
            account: ordered.named(&e.influence, None),
            order: ordered.order.clone(),
            ranked: ranking.accounts.iter().filter(|a| takes_part(a)).count(),
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
