//! Quality evaluations on real data with ground truth (`socialset eval ...`). Each imports the
//! data into a throwaway store through the same path a user's import takes, runs the same
//! engine calls as the commands, and scores them against what really happened.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use socialset_analysis::{
    average_ranks, engagement_by_account, precision_at_k, spearman, NO_COMMUNITY,
};
use socialset_graph::{ari, nmi};
use socialset_ingest::EdgeKind;
use socialset_model::{InteractionKind, Timestamp};

use crate::communities::CommunityOptions;
use crate::influence::RankOptions;
use crate::social::TimeWindow;
use crate::{Error, ImportObserver, ImportOptions, Result, Workspace};

/// How one method did at predicting later engagement.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodScore {
    pub method: &'static str,
    /// Spearman's ρ between the method's score and the engagement received later.
    pub spearman: Option<f64>,
    /// Share of the method's top k that are among the k most engaged later.
    pub precision_at_k: f64,
}

/// Does influence on the first days predict the engagement of the next ones?
#[derive(Clone, Debug, PartialEq)]
pub struct InfluenceEval {
    pub train: (Timestamp, Timestamp),
    pub test: (Timestamp, Timestamp),
    /// Accounts active in the training window (the ones every method scores).
    pub accounts: usize,
    pub train_engagements: usize,
    pub test_engagements: usize,
    /// k of precision@k: as asked, or the number of accounts engaged with later when fewer
    /// (beyond them the k truly highest would be ties at zero, picked arbitrarily).
    pub k: usize,
    pub methods: Vec<MethodScore>,
    /// How the blend's weight was chosen.
    pub blend: BlendChoice,
}

/// The blend's weights of PageRank, the learned forecast, the distinct engagers and the
/// recent engagement (summing to 1) and the recent engagement's half-life, chosen by
/// Spearman's correlation with the engagement received in the last quarter of the training
/// days, the parts computed on the three quarters before.
#[derive(Clone, Debug, PartialEq)]
pub struct BlendChoice {
    pub weights: [f64; 4],
    /// Hours: the recent engagement counts each interaction received at half weight this long
    /// before the end of the training days.
    pub recency_half_life: f64,
    /// Each half-life and weighting tried, and its validation Spearman.
    pub tried: Vec<(f64, [f64; 4], Option<f64>)>,
}

/// The half-lives the blend's recent engagement tries, in hours.
pub const RECENCY_HALF_LIVES: [f64; 4] = [3.0, 6.0, 12.0, 24.0];

/// The weightings the blend tries: every point of the simplex in steps of 0.1.
fn simplex() -> Vec<[f64; 4]> {
    let mut out = Vec::new();
    for a in 0..=10u8 {
        for b in 0..=(10 - a) {
            for c in 0..=(10 - a - b) {
                let d = 10 - a - b - c;
                out.push([a, b, c, d].map(|x| f64::from(x) / 10.0));
            }
        }
    }
    out
}

/// Σ weights[i]·(percentile of parts[i]) among the `active` accounts (others score 0).
pub fn blend_scores(parts: &[&[f64]], weights: &[f64], active: &[bool]) -> Vec<f64> {
    let percentiles: Vec<Vec<f64>> = parts.iter().map(|p| percentiles(p, active)).collect();
    weighted(&percentiles, weights, active.len())
}

fn weighted(percentiles: &[Vec<f64>], weights: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n];
    for (part, &w) in percentiles.iter().zip(weights) {
        if w == 0.0 {
            continue;
        }
        for (o, p) in out.iter_mut().zip(part) {
            *o += w * p;
        }
    }
    out
}

/// Each active account's mid-rank percentile of `x` among the active accounts (ties share).
fn percentiles(x: &[f64], active: &[bool]) -> Vec<f64> {
    let ids: Vec<usize> = (0..x.len()).filter(|&v| active[v]).collect();
    let values: Vec<f64> = ids.iter().map(|&v| x[v]).collect();
    let n = ids.len().max(1) as f64;
    let mut out = vec![0.0; x.len()];
    for (&v, rank) in ids.iter().zip(average_ranks(&values)) {
        out[v] = rank / n;
    }
    out
}

/// Interactions each account received before `end_ms`, each weighing ½ per `half_life` hours
/// before it.
pub fn recent_engagement(
    n: usize,
    timed: &[socialset_analysis::forecast::TimedEngagement],
    end_ms: i64,
    half_life: f64,
) -> Vec<f64> {
    let mut out = vec![0.0; n];
    for e in timed.iter().filter(|e| e.at_ms < end_ms) {
        let hours = (end_ms - e.at_ms) as f64 / 3_600_000.0;
        out[e.dst as usize] += (-hours / half_life * std::f64::consts::LN_2).exp();
    }
    out
}

impl Workspace {
    /// The blend's weights for a ranking on `train`: its parts computed on the first three
    /// quarters, scored against the engagement received in the last quarter.
    fn blend_weights(
        &self,
        train: &TimeWindow,
        rank: &RankOptions,
        n: usize,
        timed: &[socialset_analysis::forecast::TimedEngagement],
    ) -> Result<BlendChoice> {
        use rayon::prelude::*;
        let (start, end) = bounds(train)?;
        let (start, end) = (start.epoch_ms(), end.epoch_ms());
        let cut = start + (end - start) * 3 / 4;
        let at = |ms: i64| Timestamp::from_epoch_ms(ms);
        let first = TimeWindow {
            since: at(start),
            until: at(cut),
        };
        let last = TimeWindow {
            since: at(cut),
            until: at(end),
        };
        let (first_data, _, ranking) = self.ranking(&RankOptions {
            window: first,
            ..rank.clone()
        })?;
        let before: Vec<_> = timed.iter().filter(|e| e.at_ms < cut).copied().collect();
        let forecast = socialset_analysis::forecast::forecast_engagers(
            n,
            &before,
            start,
            cut,
            (end - cut) as f64 / 3_600_000.0,
        );
        let engagers: Vec<f64> = engagement_by_account(n, &first_data.events)
            .iter()
            .map(|e| f64::from(e.distinct_engagers))
            .collect();
        let mut active = vec![false; n];
        for e in &first_data.events {
            active[e.src.0 as usize] = true;
            active[e.dst.0 as usize] = true;
        }
        let later = engagement_by_account(n, &self.load_social(&last)?.events);
        let ids: Vec<usize> = (0..n).filter(|&v| active[v]).collect();
        let truth: Vec<f64> = ids.iter().map(|&v| later[v].received()).collect();
        let fixed: Vec<Vec<f64>> = [&ranking.scores, &forecast, &engagers]
            .iter()
            .map(|p| percentiles(p, &active))
            .collect();
        let mut tried = Vec::new();
        for half_life in RECENCY_HALF_LIVES {
            let mut parts = fixed.clone();
            parts.push(percentiles(
                &recent_engagement(n, &before, cut, half_life),
                &active,
            ));
            tried.par_extend(simplex().into_par_iter().map(|w| {
                let s = weighted(&parts, &w, n);
                let scores: Vec<f64> = ids.iter().map(|&v| s[v]).collect();
                (half_life, w, spearman(&scores, &truth))
            }));
        }
        let (recency_half_life, weights) = tried
            .iter()
            .filter_map(|(h, w, r)| r.map(|r| (*h, *w, r)))
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map_or(
                (RECENCY_HALF_LIVES[0], [1.0, 0.0, 0.0, 0.0]),
                |(h, w, _)| (h, w),
            );
        Ok(BlendChoice {
            weights,
            recency_half_life,
            tried,
        })
    }
}

/// Communities against a ground-truth partition.
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityEval {
    pub nodes: usize,
    pub labelled_groups: usize,
    pub communities: usize,
    pub modularity: f64,
    pub nmi: f64,
    pub ari: f64,
    /// Every labelled node's community (nodes without engagement are singletons), by the id
    /// used in the files, so that peers can be scored by the same function.
    pub membership: Vec<(String, u32)>,
}

const DAY_MS: i64 = 86_400_000;

pub(crate) fn scratch_workspace(
    data: &Path,
    options: &ImportOptions,
    observer: &mut dyn ImportObserver,
) -> Result<(tempfile::TempDir, Workspace)> {
    let dir = tempfile::tempdir().map_err(Error::io("creating a temporary directory"))?;
    let mut ws = Workspace::open(&dir.path().join("eval.db"))?;
    ws.import(&[PathBuf::from(data)], options, observer)?;
    Ok((dir, ws))
}

/// The training and test windows of a timed interaction file: `train_days` from midnight UTC
/// of its first timed interaction, then `test_days`.
pub(crate) fn day_windows(
    ws: &Workspace,
    data: &Path,
    train_days: f64,
    test_days: f64,
) -> Result<(TimeWindow, TimeWindow)> {
    let all = ws.load_social(&TimeWindow::default())?;
    let first = all
        .events
        .iter()
        .filter_map(|e| e.at)
        .min()
        .ok_or_else(|| {
            Error::Usage(format!(
                "{}: no timed interactions to evaluate on",
                data.display()
            ))
        })?;
    let day0 = first.epoch_ms().div_euclid(DAY_MS) * DAY_MS;
    let at = |days: f64| {
        Timestamp::from_epoch_ms(day0 + (days * DAY_MS as f64) as i64)
            .ok_or_else(|| Error::Usage("the window falls outside 1900–2200".into()))
    };
    Ok(adjacent(
        at(0.0)?,
        at(train_days)?,
        at(train_days + test_days)?,
    ))
}

/// The windows `[t0, t1)` and `[t1, t2)`.
pub(crate) fn adjacent(t0: Timestamp, t1: Timestamp, t2: Timestamp) -> (TimeWindow, TimeWindow) {
    let window = |since, until| TimeWindow {
        since: Some(since),
        until: Some(until),
    };
    (window(t0, t1), window(t1, t2))
}

/// A window's two ends (both set by `day_windows`).
pub(crate) fn bounds(w: &TimeWindow) -> Result<(Timestamp, Timestamp)> {
    w.since
        .zip(w.until)
        .ok_or_else(|| Error::Usage("an evaluation window lacks an end".into()))
}

/// Ranks on the first `train_days` (from midnight UTC of the first event), then measures
/// what each account receives in the following `test_days`: our score against in-degree
/// (distinct engagers) and raw interaction count, in the same run.
pub fn eval_influence(
    data: &Path,
    train_days: f64,
    test_days: f64,
    k: usize,
    rank: &RankOptions,
    observer: &mut dyn ImportObserver,
) -> Result<InfluenceEval> {
    let (_dir, ws) = scratch_workspace(data, &ImportOptions::default(), observer)?;
    let (train, test) = day_windows(&ws, data, train_days, test_days)?;
    ws.influence_on(train, test, k, rank)
}

/// The same check on each burst of the timed interactions (cut where none happened for
/// `gap_hours`, those of at least `min_interactions`): ranked on its first half, measured on
/// its second.
pub fn eval_influence_halves(
    data: &Path,
    gap_hours: f64,
    min_interactions: usize,
    k: usize,
    rank: &RankOptions,
    observer: &mut dyn ImportObserver,
) -> Result<Vec<InfluenceEval>> {
    let (_dir, ws) = scratch_workspace(data, &ImportOptions::default(), observer)?;
    ws.burst_halves(gap_hours, min_interactions)?
        .into_iter()
        .map(|(train, test, _)| ws.influence_on(train, test, k, rank))
        .collect()
}

impl Workspace {
    /// Ranks on `train`, measures on `test` (see [`eval_influence`]).
    fn influence_on(
        &self,
        train: TimeWindow,
        test: TimeWindow,
        k: usize,
        rank: &RankOptions,
    ) -> Result<InfluenceEval> {
        let (train_data, _, ranking) = self.ranking(&RankOptions {
            window: train,
            ..rank.clone()
        })?;
        let test_data = self.load_social(&test)?;
        let n = train_data.accounts.len();
        let mut active = vec![false; n];
        for e in &train_data.events {
            active[e.src.0 as usize] = true;
            active[e.dst.0 as usize] = true;
        }
        let later = engagement_by_account(n, &test_data.events);
        let before = engagement_by_account(n, &train_data.events);
        let ids: Vec<usize> = (0..n).filter(|&v| active[v]).collect();
        let truth: Vec<f64> = ids.iter().map(|&v| later[v].received()).collect();
        let k = k.min(truth.iter().filter(|&&t| t > 0.0).count());
        // The learned forecast of each account's distinct engagers over the test days, and its
        // blend with the ranking, the blend's weight chosen on the training days alone.
        let (start, end) = bounds(&train)?;
        let (start, end) = (start.epoch_ms(), end.epoch_ms());
        let (_, test_end) = bounds(&test)?;
        let hours = (test_end.epoch_ms() - end) as f64 / 3_600_000.0;
        let timed = socialset_analysis::forecast::TimedEngagement::from_events(&train_data.events);
        let forecast =
            socialset_analysis::forecast::forecast_engagers(n, &timed, start, end, hours);
        let weight = self.blend_weights(&train, rank, n, &timed)?;
        let engagers: Vec<f64> = before
            .iter()
            .map(|e| f64::from(e.distinct_engagers))
            .collect();
        let recent = recent_engagement(n, &timed, end, weight.recency_half_life);
        let blend = blend_scores(
            &[&ranking.scores, &forecast, &engagers, &recent],
            &weight.weights,
            &active,
        );
        let methods: [(&'static str, Vec<f64>); 5] = [
            (
                "learned forecast of distinct engagers",
                ids.iter().map(|&v| forecast[v]).collect(),
            ),
            (
                "blend of PageRank, forecast, engagers and recent engagement (weights chosen on the training days)",
                ids.iter().map(|&v| blend[v]).collect(),
            ),
            (
                "socialset: engagement-weighted PageRank",
                ids.iter().map(|&v| ranking.scores[v]).collect(),
            ),
            (
                "in-degree (distinct engagers)",
                ids.iter()
                    .map(|&v| f64::from(before[v].distinct_engagers))
                    .collect(),
            ),
            (
                "interaction count received",
                ids.iter().map(|&v| before[v].received()).collect(),
            ),
        ];
        Ok(InfluenceEval {
            blend: weight,
            train: bounds(&train)?,
            test: bounds(&test)?,
            accounts: ids.len(),
            train_engagements: train_data.events.len(),
            test_engagements: test_data.events.len(),
            k,
            methods: methods
                .into_iter()
                .map(|(method, scores)| MethodScore {
                    method,
                    spearman: spearman(&scores, &truth),
                    precision_at_k: precision_at_k(&scores, &truth, k),
                })
                .collect(),
        })
    }
}

/// Reads `node label` lines (SNAP's department file).
fn read_labels(path: &Path) -> Result<Vec<(String, u32)>> {
    let text =
        std::fs::read_to_string(path).map_err(Error::io(format!("reading {}", path.display())))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(node), Some(label)) = (parts.next(), parts.next()) else {
            return Err(Error::Usage(format!(
                "{}:{}: expected `node label`",
                path.display(),
                i + 1
            )));
        };
        let label: u32 = label.parse().map_err(|_| {
            Error::Usage(format!(
                "{}:{}: field \"label\": is not a whole number ({label})",
                path.display(),
                i + 1
            ))
        })?;
        out.push((node.to_owned(), label));
    }
    Ok(out)
}

/// Leiden on an edge list, scored against ground-truth labels with NMI and ARI. `leiden`
/// gives the seed, restarts and iterations (the rest of `CommunityOptions` is its default).
pub fn eval_communities(
    edges: &Path,
    labels: &Path,
    leiden: &CommunityOptions,
    observer: &mut dyn ImportObserver,
) -> Result<CommunityEval> {
    let options = ImportOptions {
        format: Some(crate::Format::Snap),
        edge_kind: Some(EdgeKind::Interaction(InteractionKind::Mention)),
        platform: Some("eval".into()),
        skip_bad: false,
        ..ImportOptions::default()
    };
    let (_dir, ws) = scratch_workspace(edges, &options, observer)?;
    let (data, found, _) = ws.find_communities(&CommunityOptions {
        seed: leiden.seed,
        restarts: leiden.restarts,
        max_iterations: leiden.max_iterations,
        ..CommunityOptions::default()
    })?;
    let by_id: HashMap<&str, u32> = data
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.local(), found.membership[i]))
        .collect();
    let truth = read_labels(labels)?;
    let mut next = found.communities.len() as u32;
    let membership: Vec<(String, u32)> = truth
        .iter()
        .map(|(node, _)| {
            let c = match by_id.get(node.as_str()) {
                Some(&c) if c != NO_COMMUNITY => c,
                _ => {
                    next += 1;
                    next - 1
                }
            };
            (node.clone(), c)
        })
        .collect();
    let ours: Vec<u32> = membership.iter().map(|(_, c)| *c).collect();
    let theirs: Vec<u32> = truth.iter().map(|(_, l)| *l).collect();
    let mut groups = theirs.clone();
    groups.sort_unstable();
    groups.dedup();
    Ok(CommunityEval {
        nodes: truth.len(),
        labelled_groups: groups.len(),
        communities: next as usize,
        modularity: found.modularity,
        nmi: nmi(&ours, &theirs),
        ari: ari(&ours, &theirs),
        membership,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blends_add_mid_rank_percentiles_of_active_accounts() {
        let active = [true, true, true, false];
        // Ties share their mid-rank: 1 and 2 tie for ranks 1–2 (1.5 of 3).
        assert_eq!(
            percentiles(&[5.0, 1.0, 1.0, 9.0], &active),
            [1.0, 0.5, 0.5, 0.0]
        );
        let a = [3.0, 2.0, 1.0, 0.0];
        let b = [1.0, 2.0, 3.0, 0.0];
        let s = blend_scores(&[&a, &b, &a], &[0.5, 0.5, 0.0], &active);
        assert!(
            s[..3].iter().all(|x| (x - 2.0 / 3.0).abs() < 1e-12),
            "{s:?}"
        );
        assert_eq!(s[3], 0.0);
        assert_eq!(simplex().len(), 286);
        assert!(simplex()
            .iter()
            .all(|w| (w.iter().sum::<f64>() - 1.0).abs() < 1e-9));
    }

    /// With a half-life of 6 hours, interactions 6 and 12 hours before the end weigh ½ and
    /// ¼; one at the end or after it does not count.
    #[test]
    fn recent_engagement_halves_every_half_life() {
        use socialset_analysis::forecast::TimedEngagement;
        let hour = 3_600_000;
        let at = |src, dst, h: i64| TimedEngagement {
            src,
            dst,
            at_ms: h * hour,
        };
        let timed = [at(1, 0, 18), at(2, 0, 12), at(0, 2, 24), at(0, 2, 30)];
        let r = recent_engagement(3, &timed, 24 * hour, 6.0);
        assert!((r[0] - 0.75).abs() < 1e-12, "{r:?}");
        assert_eq!(r[1], 0.0);
        assert_eq!(r[2], 0.0);
    }
}
