//! Quality evaluations on real data with ground truth (`socialset eval ...`). Each imports the
//! data into a throwaway store through the same path a user's import takes, runs the same
//! engine calls as the commands, and scores them against what really happened.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use socialset_analysis::{engagement_by_account, precision_at_k, spearman, NO_COMMUNITY};
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
    /// How the default order's blend was chosen (`None`: the data could not choose one, and
    /// the default order was PageRank's).
    pub blend: Option<socialset_analysis::predictive::BlendChoice>,
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
        // The default order of `socialset rank` on the training days, its blend chosen on
        // their last quarter alone.
        let ordered = self.ordered(&RankOptions {
            window: train,
            ..rank.clone()
        })?;
        let (train_data, ranking) = (&ordered.data, &ordered.ranking);
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
        // The learned forecast of each account's distinct engagers over the test days.
        let (start, end) = bounds(&train)?;
        let (start, end) = (start.epoch_ms(), end.epoch_ms());
        let (_, test_end) = bounds(&test)?;
        let hours = (test_end.epoch_ms() - end) as f64 / 3_600_000.0;
        let timed = socialset_analysis::forecast::TimedEngagement::from_events(&train_data.events);
        let forecast =
            socialset_analysis::forecast::forecast_engagers(n, &timed, start, end, hours);
        let methods: [(&'static str, Vec<f64>); 5] = [
            (
                "socialset rank, default order (blend of PageRank, forecast, engagers and recent engagement, chosen on the ranked days)",
                ids.iter().map(|&v| ordered.order_score[v]).collect(),
            ),
            (
                "learned forecast of distinct engagers",
                ids.iter().map(|&v| forecast[v]).collect(),
            ),
            (
                "socialset rank --order authority (engagement-weighted PageRank)",
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
            blend: ordered.order.blend.clone(),
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
