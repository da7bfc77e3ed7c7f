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
    /// Learned from the timed history (`socialset_analysis::forecast`): each account's
    /// time-decayed share of engagement, its past engagers' return rates and its rate of new
    /// engagers, one hop, scaled by the activity the data set is expected to see over the
    /// horizon; the half-life and the shares' concentration chosen by a held-out test on the
    /// history's last stretch after its last peak. Reach
    /// is a forecast with a predictive interval. The default: it forecast best on real
    /// cascades (docs/EVALUATION.md says how it was chosen).
    #[default]
    Learned,
    /// Every edge into an account has probability 1 / (its number of distinct influencers)
    /// (Kempe et al. 2003): needs no history beyond who engages with whom.
    WeightedCascade,
    /// The share of the influencer's posts the account engaged with, as observed
    /// (`socialset_analysis::engagement_rates`).
    Engagement,
}

impl Probabilities {
    pub const ALL: [Self; 3] = [Self::Learned, Self::WeightedCascade, Self::Engagement];

    /// The name the CLI and the API use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Learned => "learned",
            Self::WeightedCascade => "weighted-cascade",
            Self::Engagement => "engagement",
        }
    }

    /// The probabilities named `name` (as [`Probabilities::name`] gives).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
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
    /// Plan the answer to this claim (`socialset claims` ids): count reach only among the
    /// accounts it reached (who posted in its cascades) and those who engage with them, and
    /// leave out the accounts that carried it.
    pub claim: Option<String>,
    /// Leave out accounts the audit judges likely fakes or bots with a probability of being real
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
    /// Days the campaign runs: the horizon of the learned model's forecast.
    pub horizon_days: f64,
    /// Count an account whose follower count is unknown as a native candidate (its in-graph
    /// audience the only evidence); by default it is in tier "unknown" and left out.
    pub assume_native_if_unknown: bool,
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
            claim: None,
            topic: None,
            min_authenticity: Some(0.5),
            min_independence: None,
            model: Model::IndependentCascade,
            probabilities: Probabilities::Learned,
            hops: None,
            window: TimeWindow::default(),
            horizon_days: 7.0,
            assume_native_if_unknown: false,
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
    /// Verified, institutional or brand, as the platform's profile says (a flag for the
    /// reader: such accounts are rarely "ordinary people").
    pub flags: Vec<&'static str>,
}

/// A set of accounts, what it costs and whom it reaches.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSet {
    pub members: Vec<PlanMember>,
    pub cost: f64,
    /// Expected accounts reached inside the imported data, with its 95% interval: under the
    /// learned model a forecast over the horizon (members not counted) whose interval is
    /// predictive (`forecast` says of what); under the others the Monte Carlo expectation
    /// (members included) whose interval is the simulation's error only.
    pub reach: Spread,
    pub reach_per_euro: f64,
    /// The forecast's parts, under the learned model.
    pub forecast: Option<socialset_analysis::forecast::ReachForecast>,
    /// The members' followers summed: the nominal audience the platform reports, which the
    /// data cannot observe (`None` when any member's count is unknown).
    pub nominal_audience: Option<u64>,
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
    /// Candidates left out as likely fakes or bots.
    pub left_out_as_bots: usize,
    /// Candidates left out for too little independence from brands.
    pub left_out_as_dependent: usize,
    pub model: Model,
    pub probabilities: Probabilities,
    /// How many accounts reach is counted among (all accounts without a target audience).
    pub audience: usize,
    /// With a claim: the accounts it reached (posted in its cascades), and the accounts that
    /// carried it, left out of the members.
    pub claim_exposed: Option<usize>,
    pub claim_carriers: Option<usize>,
    /// Accounts left out of the candidates because their follower count is unknown.
    pub left_out_unknown_audience: usize,
    /// The learned model's fit, under `Probabilities::Learned`.
    pub learned: Option<LearnedFit>,
}

/// How the learned model was fitted and chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnedFit {
    pub horizon_days: f64,
    /// The half-life the held-out test chose (`None`: no decay).
    pub half_life_hours: Option<f64>,
    /// The concentration it chose (1: the past's shares carry on; below 1: flattened).
    pub concentration: f64,
    /// The share of the interactions to come expected to go to accounts that drew none yet.
    pub new_targets: f64,
    /// Each candidate's held-out score.
    pub candidates: Vec<socialset_analysis::forecast::CandidateScore>,
    /// Interactions the whole data set is expected to see over the horizon.
    pub volume: f64,
    /// The activity trend: power-law decay exponent and hours since the last peak.
    pub trend_alpha: f64,
    pub hours_since_peak: f64,
    /// Past forecasts made inside the history to calibrate the interval.
    pub backtests: Vec<socialset_analysis::forecast::Backtest>,
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
        // The answer to a claim: its carriers are no messengers of the answer; its audience is
        // whom it reached and those who engage with them.
        let claim = match &options.claim {
            None => None,
            Some(id) => {
                self.step("following the claim's cascades", 0)?;
                let found = crate::claims::claim_audience(&data, id)?;
                for &a in &found.carriers {
                    excluded[a as usize] = true;
                }
                let mut audience = vec![false; n];
                for &a in &found.exposed {
                    audience[a as usize] = true;
                }
                for e in &data.events {
                    if found.exposed.binary_search(&e.dst.0).is_ok() {
                        audience[e.src.0 as usize] = true;
                    }
                }
                Some((audience, found.exposed.len(), found.carriers.len()))
            }
        };
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
                && a.followers.map_or(options.assume_native_if_unknown, |f| {
                    f <= options.max_followers
                })
                && a.is_brand != Some(true)
        };
        let left_out_unknown_audience = if options.assume_native_if_unknown {
            0
        } else {
            data.accounts
                .iter()
                .enumerate()
                .filter(|(v, a)| !excluded[*v] && a.followers.is_none() && a.is_brand != Some(true))
                .count()
        };
        // A budget that buys no candidate is the user's to fix, not a search to run: IMM
        // would find no seed to establish a lower bound with and sample without end.
        let (candidates, cheapest) = (0..n as u32)
            .filter(|&v| native(v))
            .fold((0, f64::INFINITY), |(count, min), v| {
                (count + 1, min.min(costs[v as usize]))
            });
        if candidates == 0 {
            let unknown = if left_out_unknown_audience > 0 {
                format!(
                    "; {left_out_unknown_audience} accounts have no known follower count \
                     (--assume-native-if-unknown counts them as natives)"
                )
            } else {
                String::new()
            };
            return Err(Error::Usage(format!(
                "no account can be a member: none of the {n} has at most {} known followers and \
                 is neither excluded, a brand nor a likely fake or bot (raise --max-followers){unknown}",
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
        if let Some((audience, _, _)) = &claim {
            target = Some(match target {
                None => audience.clone(),
                Some(t) => t.iter().zip(audience).map(|(a, b)| *a && *b).collect(),
            });
        }
        if let Some(t) = &target {
            let members: Vec<u32> = (0..n as u32).filter(|&v| t[v as usize]).collect();
            g = g.with_audience(members).ok_or_else(|| {
                Error::Usage(
                    "no account is in the target audience (check --communities, --topic and --claim)".into(),
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
        let timed;
        let learned = match options.probabilities {
            Probabilities::Learned => {
                timed = socialset_analysis::forecast::TimedEngagement::from_events(&data.events);
                Some(self.learn(&data, &timed, options)?)
            }
            _ => None,
        };
        let hours = options.horizon_days * 24.0;
        let (picks, rr_sets, epsilon_achieved, sample_capped, sample_bytes): (
            Vec<(u32, f64)>,
            _,
            _,
            _,
            _,
        ) = match &learned {
            Some((forecaster, _)) => {
                self.step("choosing members by forecast reach", 0)?;
                let picks = forecaster.model.select(
                    forecaster.volume(hours),
                    target.as_deref(),
                    &constraints,
                    &self.cancel,
                )?;
                (picks, 0, options.epsilon, false, 0)
            }
            None => {
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
                // RR sets are rooted in the audience: each covered one stands for
                // audience / sets accounts (all accounts when there is no target audience).
                let scale = g.audience_size() as f64 / result.rr_sets.max(1) as f64;
                let picks = result
                    .picks
                    .iter()
                    .map(|p| (p.node, p.covered as f64 * scale))
                    .collect();
                (
                    picks,
                    result.rr_sets,
                    result.epsilon_achieved,
                    result.sample_capped,
                    result.sample_bytes,
                )
            }
        };
        self.check_cancel()?;
        let member = |v: u32, gain: Option<f64>| {
            let a = &data.accounts[v as usize];
            PlanMember {
                id: a.id.as_str().to_owned(),
                handle: a.handle.clone(),
                followers: a.followers,
                cost: costs[v as usize],
                marginal_reach: gain,
                community: per_group.map(|c| c[v as usize]),
                flags: profile_flags(a),
            }
        };
        let set = |nodes: &[u32], members: Vec<PlanMember>| -> Result<PlanSet> {
            let (reach, forecast) = match &learned {
                Some((forecaster, _)) => {
                    let f = forecaster.forecast(nodes, hours, target.as_deref());
                    let reach = Spread {
                        mean: f.point,
                        low: f.low,
                        high: f.high,
                        simulations: 0,
                    };
                    (reach, Some(f))
                }
                None => {
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
                    (reach, None)
                }
            };
            Ok(finish_set(members, reach, forecast))
        };
        let social_nodes: Vec<u32> = picks.iter().map(|p| p.0).collect();
        let social_set = set(
            &social_nodes,
            picks.iter().map(|p| member(p.0, Some(p.1))).collect(),
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
                if learned.is_none() {
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
        }
        Ok(PlanReport {
            budget: options.budget,
            accounts: n,
            influence_edges: g.n_edges(),
            candidates,
            social_set,
            professional,
            audience_overlap,
            rr_sets,
            epsilon: options.epsilon,
            epsilon_achieved,
            sample_capped,
            sample_bytes,
            left_out_as_bots,
            left_out_as_dependent,
            model: options.model,
            probabilities: options.probabilities,
            audience: g.audience_size(),
            claim_exposed: claim.as_ref().map(|c| c.1),
            claim_carriers: claim.as_ref().map(|c| c.2),
            left_out_unknown_audience,
            learned: learned.map(|(_, fit)| fit),
        })
    }

    /// The learned model for `data`'s timed history: the half-life chosen by the held-out
    /// test, then fitted on the whole history and calibrated on past forecasts inside it.
    fn learn<'t>(
        &self,
        data: &SocialData,
        timed: &'t [socialset_analysis::forecast::TimedEngagement],
        options: &PlanOptions,
    ) -> Result<(socialset_analysis::forecast::Forecaster<'t>, LearnedFit)> {
        use socialset_analysis::forecast::{choose_shape, Forecaster};
        if !(options.horizon_days.is_finite()
            && options.horizon_days > 0.0
            && options.horizon_days <= 366.0)
        {
            return Err(Error::Refused {
                parameter: "horizon_days",
                message: format!(
                    "a campaign of {} days cannot be forecast: give more than 0 and at most 366 days",
                    options.horizon_days
                ),
            });
        }
        let (Some(start), Some(last)) = (
            timed.iter().map(|e| e.at_ms).min(),
            timed.iter().map(|e| e.at_ms).max(),
        ) else {
            return Err(Error::Usage(
                "the learned model needs interactions with times, and these have none: plan \
                 with --probabilities weighted-cascade"
                    .into(),
            ));
        };
        let end = options
            .window
            .until
            .map_or(last + 1, |u| u.epoch_ms().min(last + 1).max(start + 1));
        self.step(
            "choosing the shares' half-life and concentration on a held-out stretch",
            0,
        )?;
        let (shape, candidates) = choose_shape(data.accounts.len(), timed, start, end);
        self.step(
            "learning return and discovery rates (bootstrap and past forecasts)",
            0,
        )?;
        let forecaster =
            Forecaster::new(data.accounts.len(), timed, start, end, shape, options.seed);
        self.check_cancel()?;
        let fit = LearnedFit {
            horizon_days: options.horizon_days,
            half_life_hours: shape.half_life,
            concentration: shape.concentration,
            new_targets: shape.new_targets,
            candidates,
            volume: forecaster.volume(options.horizon_days * 24.0),
            trend_alpha: forecaster.trend.alpha,
            hours_since_peak: forecaster.trend.hours_since_peak,
            backtests: forecaster.backtests.clone(),
        };
        Ok((forecaster, fit))
    }
}

/// What a profile says that a reader of a plan should see: verified, a brand.
pub(crate) fn profile_flags(a: &socialset_model::Account) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if a.verified == Some(true) {
        flags.push("verified");
    }
    if a.is_brand == Some(true) {
        flags.push("brand");
    }
    flags
}

/// A set's members, reach and costs together.
fn finish_set(
    members: Vec<PlanMember>,
    reach: Spread,
    forecast: Option<socialset_analysis::forecast::ReachForecast>,
) -> PlanSet {
    // Starting from +0: an empty plan costs 0, not the -0 an empty sum of floats gives.
    let cost: f64 = members.iter().fold(0.0, |sum, m| sum + m.cost);
    let nominal_audience = members.iter().map(|m| m.followers).sum::<Option<u64>>();
    PlanSet {
        reach_per_euro: if cost > 0.0 { reach.mean / cost } else { 0.0 },
        members,
        cost,
        reach,
        forecast,
        nominal_audience,
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
        // The learned model does not walk this graph; one hop of observed engagement stands in
        // where a graph is still asked for (the professional plan's overlap).
        Probabilities::Engagement | Probabilities::Learned => {
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
                    flags: profile_flags(a),
                }
            })
            .collect();
        if options.probabilities == Probabilities::Learned {
            let timed = socialset_analysis::forecast::TimedEngagement::from_events(&data.events);
            let (forecaster, _) = self.learn(data, &timed, options)?;
            let f = forecaster.forecast(nodes, options.horizon_days * 24.0, None);
            let reach = Spread {
                mean: f.point,
                low: f.low,
                high: f.high,
                simulations: 0,
            };
            return Ok(finish_set(members, reach, Some(f)));
        }
        let g = influence_graph(data, options);
        let reach = monte_carlo_spread(&g, options.model, nodes, options.simulations, options.seed);
        Ok(finish_set(members, reach, None))
    }
}
