//! The planner against real cascades: plan on the first days of a timed interaction file
//! (Higgs), then count who actually engaged with each plan's members in the days after —
//! the Social Set against the professional plan and the natives with the most engagers, at
//! the same budget.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::Path;

use socialset_analysis::engagement_by_account;
use socialset_model::Timestamp;

use crate::eval::{adjacent, bounds, day_windows, scratch_workspace};
use crate::{
    Error, ImportObserver, ImportOptions, PlanOptions, PlanSet, Result, TimeWindow, Workspace,
};

/// One plan, predicted and observed.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedPlan {
    pub name: &'static str,
    pub members: usize,
    pub cost: f64,
    /// Predicted reach: under the learned model the forecast over the test days with its 95%
    /// predictive interval (members not counted); under the others the Monte Carlo
    /// expectation on the planning days' graph (members included, the simulation's interval).
    pub predicted: socialset_graph::Spread,
    /// The learned forecast's parts.
    pub forecast: Option<socialset_analysis::forecast::ReachForecast>,
    /// Distinct accounts (members excluded) that engaged with any member in the test days.
    pub observed_reach: usize,
    pub observed_per_euro: f64,
    /// Members that drew any engagement at all in the test days.
    pub members_engaged: usize,
}

/// The real-cascade evaluation's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanEval {
    pub probabilities: crate::Probabilities,
    pub hops: Option<u32>,
    /// The learned model's fit, under `Probabilities::Learned`.
    pub learned: Option<crate::LearnedFit>,
    pub train: (Timestamp, Timestamp),
    pub test: (Timestamp, Timestamp),
    pub budget: f64,
    pub followers_per_engager: u64,
    pub max_followers: u64,
    pub plans: Vec<ObservedPlan>,
}

/// Plans on the first `train_days` of `data` (from midnight UTC of its first event) and
/// measures on the next `test_days`. Interaction files like Higgs carry no follower counts,
/// which the tiers, prices and the native threshold need: each account is given
/// `followers_per_engager` followers per distinct account that engaged with it in the
/// planning days (an assumption, stated with the figures; 100 means 1% of followers engage).
pub fn eval_plan(
    data: &Path,
    train_days: f64,
    test_days: f64,
    followers_per_engager: u64,
    options: &PlanOptions,
    observer: &mut dyn ImportObserver,
) -> Result<PlanEval> {
    let (dir, mut ws) = scratch_workspace(data, &ImportOptions::default(), observer)?;
    let (train, test) = day_windows(&ws, data, train_days, test_days)?;
    // Follower counts from the planning days' engagers, imported like any profile file.
    let train_data = ws.load_social(&train)?;
    let engagers = engagement_by_account(train_data.accounts.len(), &train_data.events);
    let profiles = dir.path().join("followers.jsonl");
    {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(&profiles).map_err(Error::io("writing the follower file"))?,
        );
        for (a, e) in train_data.accounts.iter().zip(&engagers) {
            let line = serde_json::json!({
                "type": "account", "id": a.id.as_str(),
                "followers": u64::from(e.distinct_engagers) * followers_per_engager,
            });
            writeln!(out, "{line}").map_err(Error::io("writing the follower file"))?;
        }
        out.flush()
            .map_err(Error::io("writing the follower file"))?;
    }
    ws.import(&[profiles], &ImportOptions::default(), observer)?;
    drop(train_data);

    let options = &PlanOptions {
        horizon_days: test_days,
        ..options.clone()
    };
    let (report, plans) = ws.plan_and_observe(&train, &test, options)?;
    Ok(PlanEval {
        probabilities: options.probabilities,
        hops: options.hops,
        learned: report.learned.clone(),
        train: bounds(&train)?,
        test: bounds(&test)?,
        budget: options.budget,
        followers_per_engager,
        max_followers: options.max_followers,
        plans,
    })
}

/// What a set of accounts drew in a time window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObservedReach {
    /// Distinct accounts, members excluded, that engaged with any member.
    pub reach: usize,
    /// Members that drew any engagement at all.
    pub members_engaged: usize,
}

/// One burst of activity planned on its first half and observed on its second.
#[derive(Clone, Debug, PartialEq)]
pub struct HalfEval {
    pub train: (Timestamp, Timestamp),
    pub test: (Timestamp, Timestamp),
    /// Timed interactions in the burst.
    pub interactions: usize,
    /// The plans, or why none could be made (a budget that buys no one, say).
    pub plans: std::result::Result<Vec<ObservedPlan>, String>,
}

/// The check on bursts of activity: each planned on its first half.
#[derive(Clone, Debug, PartialEq)]
pub struct HalvesEval {
    pub probabilities: crate::Probabilities,
    pub hops: Option<u32>,
    pub budget: f64,
    pub max_followers: u64,
    pub gap_hours: f64,
    pub bursts: Vec<HalfEval>,
}

/// Plans on the first half of each burst of `data`'s timed interactions and observes the
/// second half (the forecast's horizon is the half's length). Bursts are cut where no
/// interaction happened for `gap_hours` (the events of PHEME are weeks apart); bursts of
/// fewer than `min_interactions` are left out. Follower counts are the data's own: accounts
/// without one are no natives unless `options` says so.
pub fn eval_plan_halves(
    data: &Path,
    gap_hours: f64,
    min_interactions: usize,
    options: &PlanOptions,
    observer: &mut dyn ImportObserver,
) -> Result<HalvesEval> {
    let (_dir, ws) = scratch_workspace(data, &ImportOptions::default(), observer)?;
    let mut out = Vec::new();
    for (train, test, interactions) in ws.burst_halves(gap_hours, min_interactions)? {
        let (t0, t1) = bounds(&train)?;
        let (_, t2) = bounds(&test)?;
        let horizon_days = (t2.epoch_ms() - t1.epoch_ms()) as f64 / 86_400_000.0;
        let plans = match ws.plan_and_observe(
            &train,
            &test,
            &PlanOptions {
                horizon_days,
                ..options.clone()
            },
        ) {
            Ok((_, plans)) => Ok(plans),
            Err(Error::Usage(m) | Error::Refused { message: m, .. }) => Err(m),
            Err(e) => return Err(e),
        };
        out.push(HalfEval {
            train: (t0, t1),
            test: (t1, t2),
            interactions,
            plans,
        });
    }
    Ok(HalvesEval {
        probabilities: options.probabilities,
        hops: options.hops,
        budget: options.budget,
        max_followers: options.max_followers,
        gap_hours,
        bursts: out,
    })
}

impl Workspace {
    /// The bursts of the timed interactions, cut where none happened for `gap_hours`, those of
    /// at least `min_interactions`, each as its first half, its second half and its size.
    pub(crate) fn burst_halves(
        &self,
        gap_hours: f64,
        min_interactions: usize,
    ) -> Result<Vec<(TimeWindow, TimeWindow, usize)>> {
        let all = self.load_social(&TimeWindow::default())?;
        let mut times: Vec<i64> = all
            .events
            .iter()
            .filter_map(|e| e.at.map(|t| t.epoch_ms()))
            .collect();
        drop(all);
        times.sort_unstable();
        let gap = (gap_hours * 3_600_000.0) as i64;
        let at = |ms: i64| {
            Timestamp::from_epoch_ms(ms)
                .ok_or_else(|| Error::Usage("a burst falls outside 1900–2200".into()))
        };
        let mut out = Vec::new();
        let mut start = 0;
        for k in 1..=times.len() {
            if k == times.len() || times[k] - times[k - 1] >= gap {
                if k - start >= min_interactions {
                    let (first, last) = (times[start], times[k - 1]);
                    let mid = first + (last + 1 - first) / 2;
                    let (train, test) = adjacent(at(first)?, at(mid)?, at(last + 1)?);
                    out.push((train, test, k - start));
                }
                start = k;
            }
        }
        Ok(out)
    }

    /// Plans on `train` (and the professional plan beside it, and the natives with the most
    /// engagers at the same budget), then observes each plan's reach in `test`.
    fn plan_and_observe(
        &self,
        train: &TimeWindow,
        test: &TimeWindow,
        options: &PlanOptions,
    ) -> Result<(crate::PlanReport, Vec<ObservedPlan>)> {
        let report = self.plan(&PlanOptions {
            window: *train,
            compare_professional: true,
            ..options.clone()
        })?;
        let observe = |name: &'static str, set: &PlanSet| -> Result<ObservedPlan> {
            let ids: Vec<&str> = set.members.iter().map(|m| m.id.as_str()).collect();
            let seen = self.observed_reach(&ids, test)?;
            Ok(ObservedPlan {
                name,
                members: set.members.len(),
                cost: set.cost,
                predicted: set.reach,
                forecast: set.forecast.clone(),
                observed_reach: seen.reach,
                observed_per_euro: if set.cost > 0.0 {
                    seen.reach as f64 / set.cost
                } else {
                    0.0
                },
                members_engaged: seen.members_engaged,
            })
        };
        let mut plans = vec![observe("Social Set", &report.social_set)?];
        let top = self.top_natives_plan(train, options)?;
        plans.push(observe(
            "natives with the most engagers (same budget)",
            &top,
        )?);
        if let Some(p) = &report.professional {
            plans.push(observe("professional plan (largest accounts)", p)?);
        }
        Ok((report, plans))
    }

    /// Who engaged with the accounts `ids` (ids or handles not in the store are skipped) in
    /// `window`: what a plan's forecast is checked against.
    pub fn observed_reach(&self, ids: &[&str], window: &TimeWindow) -> Result<ObservedReach> {
        let data = self.load_social(window)?;
        let index: HashMap<&str, u32> = data
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i as u32))
            .collect();
        let members: HashSet<u32> = ids.iter().filter_map(|id| index.get(id).copied()).collect();
        let mut reached = HashSet::new();
        let mut engaged = HashSet::new();
        for e in &data.events {
            if members.contains(&e.dst.0) && !members.contains(&e.src.0) {
                reached.insert(e.src.0);
                engaged.insert(e.dst.0);
            }
        }
        Ok(ObservedReach {
            reach: reached.len(),
            members_engaged: engaged.len(),
        })
    }

    /// The baseline a planner without a diffusion model would pick: native accounts in order
    /// of distinct engagers in `window`, each bought while the budget (and k) allow.
    fn top_natives_plan(&self, window: &TimeWindow, options: &PlanOptions) -> Result<PlanSet> {
        let data = self.load_social(window)?;
        let n = data.accounts.len();
        let engagers = engagement_by_account(n, &data.events);
        let mut order: Vec<usize> = (0..n)
            .filter(|&v| {
                data.accounts[v]
                    .followers
                    .map_or(options.assume_native_if_unknown, |f| {
                        f <= options.max_followers
                    })
            })
            .collect();
        order.sort_by_key(|&v| (std::cmp::Reverse(engagers[v].distinct_engagers), v));
        let k = options.k.unwrap_or(usize::MAX);
        let mut chosen = Vec::new();
        let mut spent = 0.0;
        for v in order {
            if chosen.len() >= k {
                break;
            }
            let cost = options.prices.price(data.accounts[v].followers);
            if spent + cost <= options.budget + 1e-9 {
                spent += cost;
                chosen.push(v as u32);
            }
        }
        self.priced_set(&data, &chosen, options)
    }
}
