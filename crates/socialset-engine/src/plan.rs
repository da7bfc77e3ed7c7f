//! The Social Set planner as an engine call: the set of native influencers that reaches the
//! most accounts for the money (IMM with a budgeted, cost-aware selection on the interaction
//! graph), its expected reach by Monte Carlo with an interval, and the same budget spent on
//! the largest professional accounts.

use std::path::Path;

use socialset_analysis::Tier;
use socialset_graph::{
    imm_for, monte_carlo_overlap, monte_carlo_spread, monte_carlo_spread_until, Constraints, Edge,
    ImmLimits, InfluenceGraph, Model, Spread,
};

use crate::social::SocialData;
use crate::{Error, Result, TimeWindow, Workspace};

/// Price per post by follower tier, in euros. The defaults are round figures in the range
/// that agencies publish for Italian and European influencer posts; replace them with
/// `--prices FILE` for a real campaign.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceList {
    pub nano: f64,
    pub micro: f64,
    pub mid: f64,
    pub macro_: f64,
    pub mega: f64,
    /// Accounts whose follower count is unknown are priced as this tier.
    pub unknown: f64,
}

impl Default for PriceList {
    fn default() -> Self {
        Self {
            nano: 50.0,
            micro: 250.0,
            mid: 1_500.0,
            macro_: 6_000.0,
            mega: 15_000.0,
            unknown: 50.0,
        }
    }
}

impl PriceList {
    pub(crate) fn price(&self, followers: Option<u64>) -> f64 {
        match followers.map(Tier::of) {
            None => self.unknown,
            Some(Tier::Nano) => self.nano,
            Some(Tier::Micro) => self.micro,
            Some(Tier::Mid) => self.mid,
            Some(Tier::Macro) => self.macro_,
            Some(Tier::Mega) => self.mega,
        }
    }

    /// Reads `tier,price` lines (nano, micro, mid, macro, mega, unknown; `#` comments); tiers
    /// not named keep the defaults.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(Error::io(format!(
            "cannot read the price list {}",
            path.display()
        )))?;
        let mut prices = Self::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = || format!("{}:{}", path.display(), i + 1);
            let (tier, price) = line
                .split_once([',', '\t', '='])
                .ok_or_else(|| Error::Usage(format!("{}: expected tier,price", at())))?;
            if tier.trim().eq_ignore_ascii_case("tier") {
                continue;
            }
            let price: f64 = price.trim().parse().map_err(|_| {
                Error::Usage(format!(
                    "{}: field \"price\": is not a number ({})",
                    at(),
                    price.trim()
                ))
            })?;
            if !(price.is_finite() && price > 0.0) {
                return Err(Error::Usage(format!(
                    "{}: field \"price\": must be a positive amount ({price})",
                    at()
                )));
            }
            let slot = match tier.trim().to_lowercase().as_str() {
                "nano" => &mut prices.nano,
                "micro" => &mut prices.micro,
                "mid" => &mut prices.mid,
                "macro" => &mut prices.macro_,
                "mega" => &mut prices.mega,
                "unknown" => &mut prices.unknown,
                other => {
                    return Err(Error::Usage(format!(
                        "{}: field \"tier\": {other:?} is not one of nano, micro, mid, macro, mega, unknown",
                        at()
                    )))
                }
            };
            *slot = price;
        }
        Ok(prices)
    }
}

/// Where the influence graph's probabilities come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Probabilities {
    /// Every edge into an account has probability 1 / (its number of distinct influencers)
    /// (Kempe et al. 2003): needs no history beyond who engages with whom.
    #[default]
    WeightedCascade,
    /// The share of the influencer's posts the account engaged with, as observed
    /// (`socialset_analysis::engagement_rates`).
    Engagement,
}

/// How to plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanOptions {
    /// Euros to spend.
    pub budget: f64,
    /// At most this many members (with the budget).
    pub k: Option<usize>,
    /// The most followers a member may have.
    pub max_followers: u64,
    pub prices: PriceList,
    /// IMM's accuracy ε.
    pub epsilon: f64,
    pub seed: u64,
    /// Monte Carlo simulations for the reach figures.
    pub simulations: usize,
    /// Accounts never chosen (ids or handles).
    pub exclude: Vec<String>,
    /// Also spend the budget on the largest accounts above the native threshold.
    pub compare_professional: bool,
    /// The professional plan's candidates, in order of preference (ids or handles), instead
    /// of the largest accounts above the native threshold; bought in this order while the
    /// budget allows.
    pub professionals: Vec<String>,
    /// At most this many members from one community (Leiden, as `socialset communities`).
    pub max_per_community: Option<usize>,
    /// Count reach only among the members of these communities (ids as `socialset communities`
    /// numbers them; empty: everyone).
    pub audience_communities: Vec<u32>,
    /// Count reach only among accounts interested in this topic (they posted about it or
    /// engaged with a post about it): words and #hashtags, comma-separated.
    pub topic: Option<String>,
    /// Leave out accounts the audit judges likely bots with a probability of being real
    /// below this (accounts with too little data for a verdict stay in).
    pub min_authenticity: Option<f64>,
    /// Leave out accounts whose independence from brands (sponsored and brand-mentioning
    /// posts, as `socialset independence`) is below this; accounts without posts stay in.
    pub min_independence: Option<f64>,
    /// How influence spreads: independent cascade or linear threshold.
    pub model: Model,
    pub probabilities: Probabilities,
    /// At most this many steps from a member (independent cascade): 1 counts the members'
    /// own engagers only, as on platforms that record a share against the original author.
    pub hops: Option<u32>,
    pub window: TimeWindow,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            budget: 1_000.0,
            k: None,
            max_followers: 5_000,
            prices: PriceList::default(),
            epsilon: 0.2,
            seed: 42,
            simulations: 10_000,
            exclude: Vec::new(),
            compare_professional: true,
            professionals: Vec::new(),
            max_per_community: None,
            audience_communities: Vec::new(),
            topic: None,
            min_authenticity: Some(0.5),
            min_independence: None,
            model: Model::IndependentCascade,
            probabilities: Probabilities::WeightedCascade,
            hops: None,
            window: TimeWindow::default(),
        }
    }
}

/// A member of a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanMember {
    pub id: String,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    pub cost: f64,
    /// Accounts it adds to the plan's expected reach when chosen (its marginal gain, as IMM
    /// estimated it); `None` for a professional plan, which is not chosen by gain.
    pub marginal_reach: Option<f64>,
    /// Its community, when the plan caps members per community.
    pub community: Option<u32>,
}

/// A set of accounts, what it costs and whom it reaches.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSet {
    pub members: Vec<PlanMember>,
    pub cost: f64,
    /// Expected accounts reached (members included), with its 95% interval.
    pub reach: Spread,
    pub reach_per_euro: f64,
}

/// The Social Set and, when asked, the professional plan beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanReport {
    pub budget: f64,
    pub accounts: usize,
    pub influence_edges: usize,
    pub candidates: usize,
    pub social_set: PlanSet,
    pub professional: Option<PlanSet>,
    /// Share of the accounts the two plans reach that both reach (|A ∩ B| / |A ∪ B| of
    /// independently simulated cascades), with its 95% interval.
    pub audience_overlap: Option<Spread>,
    pub rr_sets: usize,
    pub epsilon: f64,
    /// The accuracy IMM reached: `epsilon`, or a larger one when `Limits::max_sample_bytes`
    /// cut its sample short (`sample_capped`).
    pub epsilon_achieved: f64,
    pub sample_capped: bool,
    /// Memory the final RR sets held (what `Limits::max_sample_bytes` bounds).
    pub sample_bytes: u64,
    /// Candidates left out as likely bots.
    pub left_out_as_bots: usize,
    /// Candidates left out for too little independence from brands.
    pub left_out_as_dependent: usize,
    pub model: Model,
    pub probabilities: Probabilities,
    /// How many accounts reach is counted among (all accounts without a target audience).
    pub audience: usize,
}

impl Workspace {
    /// Plans a Social Set: native influencers chosen by budgeted IMM on the weighted-cascade
    /// independent cascade over who engages with whom (B's posts reach A when A engages with
    /// B), and the professional plan at the same budget.
    pub fn plan(&self, options: &PlanOptions) -> Result<PlanReport> {
        if !(options.budget.is_finite() && options.budget > 0.0) {
            return Err(Error::Usage(
                "the budget must be a positive amount of euros".into(),
            ));
        }
        if !(options.epsilon > 0.0 && options.epsilon < 1.0) {
            return Err(Error::Usage("epsilon must be between 0 and 1".into()));
        }
        self.step("reading the store", 0)?;
        let data = self.load_social(&options.window)?;
        data.require_events("plan on")?;
        let n = data.accounts.len();
        let mut g = influence_graph(&data, options);
        let costs: Vec<f64> = data
            .accounts
            .iter()
            .map(|a| options.prices.price(a.followers))
            .collect();
        let mut excluded = vec![false; n];
        for q in &options.exclude {
            excluded[data.find(q)?.0 as usize] = true;
        }
        let mut left_out_as_bots = 0;
        if let Some(min) = options.min_authenticity {
            let (probability, verdict) = crate::audit::bot_verdicts(&data, &self.cancel)?;
            for v in 0..n {
                if verdict[v] == crate::Verdict::LikelyBot
                    && 1.0 - probability[v] < min
                    && !excluded[v]
                {
                    excluded[v] = true;
                    left_out_as_bots += 1;
                }
            }
        }
        let mut left_out_as_dependent = 0;
        if let Some(min) = options.min_independence {
            let scores = self.independence_scores(&data)?;
            for v in 0..n {
                if scores[v].is_some_and(|s| s < min) && !excluded[v] {
                    excluded[v] = true;
                    left_out_as_dependent += 1;
                }
            }
        }
        let native = |v: u32| {
            let a = &data.accounts[v as usize];
            !excluded[v as usize]
                && a.followers.is_none_or(|f| f <= options.max_followers)
                && a.is_brand != Some(true)
        };
        // A budget that buys no candidate is the user's to fix, not a search to run: IMM
        // would find no seed to establish a lower bound with and sample without end.
        let (candidates, cheapest) = (0..n as u32)
            .filter(|&v| native(v))
            .fold((0, f64::INFINITY), |(count, min), v| {
                (count + 1, min.min(costs[v as usize]))
            });
        if candidates == 0 {
            return Err(Error::Usage(format!(
                "no account can be a member: none of the {n} has at most {} followers and is \
                 neither excluded, a brand nor a likely bot (raise --max-followers)",
                options.max_followers
            )));
        }
        if options.budget + 1e-9 < cheapest {
            return Err(Error::Refused {
                parameter: "budget_eur",
                message: format!(
                    "a budget of €{} buys no member: the cheapest candidate costs €{}; raise \
                     the budget, or lower the price list",
                    options.budget, cheapest
                ),
            });
        }
        let k = options.k.unwrap_or(usize::MAX);
        let need_communities =
            options.max_per_community.is_some() || !options.audience_communities.is_empty();
        let community: Option<Vec<u32>> = match need_communities {
            false => None,
            true => {
                self.step("finding communities (Leiden)", 0)?;
                let (found, _) = crate::communities::communities_of(
                    &data,
                    &crate::CommunityOptions {
                        window: options.window,
                        ..crate::CommunityOptions::default()
                    },
                    &self.cancel,
                )?;
                Some(found.membership)
            }
        };
        // The target audience: chosen communities and/or those interested in the topic.
        let mut target: Option<Vec<bool>> = None;
        if !options.audience_communities.is_empty() {
            let membership = community.as_deref().unwrap_or_default();
            target = Some(
                membership
                    .iter()
                    .map(|c| options.audience_communities.contains(c))
                    .collect(),
            );
        }
        if let Some(text) = &options.topic {
            let topic = socialset_analysis::Topic::parse(text).map_err(Error::Usage)?;
            let mut interested = vec![false; n];
            for p in data.posts.iter().filter(|p| topic.matches(p)) {
                interested[p.author.0 as usize] = true;
            }
            for e in &data.events {
                if e.post
                    .and_then(|p| data.posts.get(p as usize))
                    .is_some_and(|p| topic.matches(p))
                {
                    interested[e.src.0 as usize] = true;
                }
            }
            target = Some(match target {
                None => interested,
                Some(t) => t.iter().zip(&interested).map(|(a, b)| *a && *b).collect(),
            });
        }
        if let Some(t) = target {
            let members: Vec<u32> = (0..n as u32).filter(|&v| t[v as usize]).collect();
            g = g.with_audience(members).ok_or_else(|| {
                Error::Usage(
                    "no account is in the target audience (check --communities and --topic)".into(),
                )
            })?;
        }
        let per_group = if options.max_per_community.is_some() {
            community.as_deref()
        } else {
            None
        };
        let constraints = Constraints {
            k,
            costs: Some((&costs, options.budget)),
            allowed: &native,
            per_group: per_group.zip(options.max_per_community),
        };
        let limits = ImmLimits {
            max_sample_bytes: self.limits().max_sample_bytes,
            cancel: self.cancel.clone(),
            progress: self.progress.clone(),
        };
        let result = imm_for(
            &g,
            options.model,
            options.epsilon,
            1.0,
            options.seed,
            &constraints,
            &limits,
        )?;
        self.check_cancel()?;
        let scale = n as f64 / result.rr_sets.max(1) as f64;
        let picks = result.picks.clone();
        let member = |v: u32, gain: Option<f64>| {
            let a = &data.accounts[v as usize];
            PlanMember {
                id: a.id.as_str().to_owned(),
                handle: a.handle.clone(),
                followers: a.followers,
                cost: costs[v as usize],
                marginal_reach: gain,
                community: per_group.map(|c| c[v as usize]),
            }
        };
        let set = |nodes: &[u32], members: Vec<PlanMember>| -> Result<PlanSet> {
            self.progress.step(
                format!(
                    "simulating the reach of {} members ({} runs)",
                    nodes.len(),
                    options.simulations
                ),
                0,
            );
            let reach = monte_carlo_spread_until(
                &g,
                options.model,
                nodes,
                options.simulations,
                options.seed,
                &self.cancel,
            )?;
            let cost: f64 = members.iter().map(|m| m.cost).sum();
            Ok(PlanSet {
                reach_per_euro: if cost > 0.0 { reach.mean / cost } else { 0.0 },
                members,
                cost,
                reach,
            })
        };
        let social_nodes: Vec<u32> = picks.iter().map(|p| p.node).collect();
        let social_set = set(
            &social_nodes,
            picks
                .iter()
                .map(|p| member(p.node, Some(p.covered as f64 * scale)))
                .collect(),
        )?;
        let mut professional = None;
        let mut audience_overlap = None;
        if options.compare_professional {
            let big: Vec<u32> = if options.professionals.is_empty() {
                let mut big: Vec<u32> = (0..n as u32)
                    .filter(|&v| {
                        !excluded[v as usize]
                            && data.accounts[v as usize]
                                .followers
                                .is_some_and(|f| f > options.max_followers)
                    })
                    .collect();
                big.sort_by_key(|&v| (std::cmp::Reverse(data.accounts[v as usize].followers), v));
                big
            } else {
                let mut given = Vec::new();
                for q in &options.professionals {
                    let v = data.find(q)?.0;
                    if !given.contains(&v) {
                        given.push(v);
                    }
                }
                given
            };
            let mut chosen = Vec::new();
            let mut spent = 0.0;
            for v in big {
                if chosen.len() >= k {
                    break;
                }
                if spent + costs[v as usize] <= options.budget + 1e-9 {
                    spent += costs[v as usize];
                    chosen.push(v);
                }
            }
            if !chosen.is_empty() {
                let members = chosen.iter().map(|&v| member(v, None)).collect();
                professional = Some(set(&chosen, members)?);
                self.check_cancel()?;
                audience_overlap = Some(monte_carlo_overlap(
                    &g,
                    options.model,
                    &social_nodes,
                    &chosen,
                    options.simulations,
                    options.seed,
                ));
            }
        }
        Ok(PlanReport {
            budget: options.budget,
            accounts: n,
            influence_edges: g.n_edges(),
            candidates,
            social_set,
            professional,
            audience_overlap,
            rr_sets: result.rr_sets,
            epsilon: options.epsilon,
            epsilon_achieved: result.epsilon_achieved,
            sample_capped: result.sample_capped,
            sample_bytes: result.sample_bytes,
            left_out_as_bots,
            left_out_as_dependent,
            model: options.model,
            probabilities: options.probabilities,
            audience: g.audience_size(),
        })
    }
}

/// Scales each account's incoming weights down to sum to 1 where they sum to more, as linear
/// threshold requires.
fn normalize_in_weights(n: usize, edges: &mut [Edge]) {
    let mut total = vec![0f64; n];
    for e in edges.iter() {
        total[e.dst as usize] += f64::from(e.weight);
    }
    for e in edges.iter_mut() {
        let t = total[e.dst as usize];
        if t > 1.0 {
            e.weight = (f64::from(e.weight) / t) as f32;
        }
    }
}

/// Who can reach whom, with the probabilities `options` asks for: B's posts reach A when A
/// engaged with B.
fn influence_graph(data: &SocialData, options: &PlanOptions) -> InfluenceGraph {
    let n = data.accounts.len();
    let g = match options.probabilities {
        Probabilities::WeightedCascade => {
            let pairs: Vec<(u32, u32)> = data.events.iter().map(|e| (e.dst.0, e.src.0)).collect();
            InfluenceGraph::weighted_cascade(n, &pairs)
        }
        Probabilities::Engagement => {
            let mut authored = vec![0u32; n];
            for p in &data.posts {
                authored[p.author.0 as usize] += 1;
            }
            let mut edges = socialset_analysis::engagement_rates(&authored, &data.events);
            if options.model == Model::LinearThreshold {
                normalize_in_weights(n, &mut edges);
            }
            InfluenceGraph::new(n, &edges)
        }
    };
    match options.hops {
        Some(h) => g.with_max_hops(h),
        None => g,
    }
}

impl Workspace {
    /// A set of `data`'s accounts chosen some other way, priced and its reach simulated as a
    /// plan's would be.
    pub(crate) fn priced_set(
        &self,
        data: &SocialData,
        nodes: &[u32],
        options: &PlanOptions,
    ) -> Result<PlanSet> {
        let g = influence_graph(data, options);
        let members: Vec<PlanMember> = nodes
            .iter()
            .map(|&v| {
                let a = &data.accounts[v as usize];
                PlanMember {
                    id: a.id.as_str().to_owned(),
                    handle: a.handle.clone(),
                    followers: a.followers,
                    cost: options.prices.price(a.followers),
                    marginal_reach: None,
                    community: None,
                }
            })
            .collect();
        let reach = monte_carlo_spread(&g, options.model, nodes, options.simulations, options.seed);
        let cost: f64 = members.iter().map(|m| m.cost).sum();
        Ok(PlanSet {
            reach_per_euro: if cost > 0.0 { reach.mean / cost } else { 0.0 },
            members,
            cost,
            reach,
        })
    }
}
