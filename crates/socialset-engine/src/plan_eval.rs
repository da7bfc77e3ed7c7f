//! The planner against real cascades: plan on the first days of a timed interaction file
//! (Higgs), then count who actually engaged with each plan's members in the days after —
//! the Social Set against the professional plan and the natives with the most engagers, at
//! the same budget.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::Path;

use socialset_analysis::engagement_by_account;
use socialset_model::Timestamp;

use crate::eval::{bounds, day_windows, scratch_workspace};
use crate::{
    Error, ImportObserver, ImportOptions, PlanOptions, PlanSet, Result, TimeWindow, Workspace,
};

/// One plan, predicted and observed.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedPlan {
    pub name: &'static str,
    pub members: usize,
    pub cost: f64,
    /// Expected reach on the planning days' graph (Monte Carlo, 95% interval).
    pub predicted: socialset_graph::Spread,
    /// Distinct accounts (members excluded) that engaged with any member in the test days.
    pub observed_reach: usize,
    pub observed_per_euro: f64,
    /// Members that drew any engagement at all in the test days.
    pub members_engaged: usize,
}

/// The real-cascade evaluation's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanEval {
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

    let report = ws.plan(&PlanOptions {
        window: train,
        compare_professional: true,
        ..options.clone()
    })?;
    let test_data = ws.load_social(&test)?;
    let index: HashMap<&str, u32> = test_data
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i as u32))
        .collect();
    let observe = |name: &'static str, set: &PlanSet| -> ObservedPlan {
        let members: HashSet<u32> = set
            .members
            .iter()
            .filter_map(|m| index.get(m.id.as_str()).copied())
            .collect();
        let mut reached = HashSet::new();
        let mut engaged = HashSet::new();
        for e in &test_data.events {
            if members.contains(&e.dst.0) && !members.contains(&e.src.0) {
                reached.insert(e.src.0);
                engaged.insert(e.dst.0);
            }
        }
        ObservedPlan {
            name,
            members: set.members.len(),
            cost: set.cost,
            predicted: set.reach,
            observed_reach: reached.len(),
            observed_per_euro: if set.cost > 0.0 {
                reached.len() as f64 / set.cost
            } else {
                0.0
            },
            members_engaged: engaged.len(),
        }
    };
    let mut plans = vec![observe("Social Set (IMM on days 1–4)", &report.social_set)];
    let top = ws.top_natives_plan(&train, options)?;
    plans.push(observe(
        "natives with the most engagers (same budget)",
        &top,
    ));
    if let Some(p) = &report.professional {
        plans.push(observe("professional plan (largest accounts)", p));
    }
    Ok(PlanEval {
        train: bounds(&train)?,
        test: bounds(&test)?,
        budget: options.budget,
        followers_per_engager,
        max_followers: options.max_followers,
        plans,
    })
}

impl Workspace {
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
                    .is_none_or(|f| f <= options.max_followers)
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
