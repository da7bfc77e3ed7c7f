//! The ranking order that predicts later engagement: a blend of authority (PageRank), the
//! learned forecast of distinct engagers, the distinct engagers so far and the recent
//! engagement, with weights chosen on the ranked data itself.
//!
//! The protocol (docs/EVALUATION.md, "Influence"): the ranked time `[start, end)` is cut at
//! three quarters; each part is computed on the time before the cut; every weighting on the
//! simplex in steps of 0.1 (286) with every recency half-life of [`RECENCY_HALF_LIVES`] is
//! scored by Spearman's ρ between the blend and the interactions each account received after
//! the cut, over the accounts active before it; the best weighting is applied to the parts
//! computed on all the ranked time. Nothing after `end` is ever read.

use rayon::prelude::*;

use crate::engagement::{engagement_by_account, Engagement};
use crate::forecast::{distinct_engagers, forecast_engagers, TimedEngagement};
use crate::influence::{rank_influence, InfluenceConfig, InfluenceInput};
use crate::layers::FollowEdge;
use crate::metrics::splitmix;

/// The half-lives the recent engagement tries, in hours.
pub const RECENCY_HALF_LIVES: [f64; 4] = [3.0, 6.0, 12.0, 24.0];

/// At most this many accounts score each candidate weighting (a seeded sample when more are
/// active): Spearman's ρ over 25,000 accounts has a standard error near 0.006, and the 1,144
/// candidates then take well under a second on two cores.
pub const VALIDATION_SAMPLE: usize = 25_000;

/// The fewest accounts active before the cut for the blend to be chosen at all.
pub const MIN_VALIDATION_ACCOUNTS: usize = 20;

/// The parts' names, in the order of [`Blend::weights`].
pub const PARTS: [&str; 4] = [
    "authority (PageRank)",
    "forecast engagers",
    "distinct engagers",
    "recent engagement",
];

/// The chosen blend and each account's place in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Blend {
    pub choice: BlendChoice,
    /// Each account's percentile (0–1) of each part among the active accounts (0 for others),
    /// computed on all the ranked time, indexed `[part][account]`.
    pub parts: [Vec<f64>; 4],
    /// Σ weight · percentile, per account.
    pub score: Vec<f64>,
}

/// How the blend was chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct BlendChoice {
    /// Weights of [`PARTS`], summing to 1.
    pub weights: [f64; 4],
    /// Hours: an interaction counts half in the recent engagement this long before the end.
    pub recency_half_life: f64,
    /// Spearman's ρ of the chosen blend on the validation quarter.
    pub validation_spearman: f64,
    /// The ranked time and where it was cut for the choice (epoch ms).
    pub start_ms: i64,
    pub cut_ms: i64,
    pub end_ms: i64,
    /// Accounts active before the cut, and how many of them scored the candidates.
    pub validation_accounts: usize,
    pub validation_sample: usize,
    /// Candidates scored.
    pub candidates: usize,
}

/// Why the blend could not be chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoBlend {
    /// No engagement has a time.
    Untimed,
    /// Fewer than [`MIN_VALIDATION_ACCOUNTS`] accounts active before the cut.
    TooFew { active: usize },
    /// None of the accounts active before the cut was engaged with after it (or all alike).
    NothingLater { active: usize },
    /// The work was cancelled.
    Cancelled,
}

impl From<socialset_graph::Cancelled> for NoBlend {
    fn from(_: socialset_graph::Cancelled) -> Self {
        Self::Cancelled
    }
}

impl std::fmt::Display for NoBlend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Untimed => write!(f, "no interaction has a time, so no later part can test a blend"),
            Self::TooFew { active } => write!(
                f,
                "the first three quarters of the ranked time hold {} active accounts, too few to test a blend on the last quarter (at least {MIN_VALIDATION_ACCOUNTS})",
                socialset_model::thousands(*active as u64)
            ),
            Self::NothingLater { active } => write!(
                f,
                "none of the {} accounts active in the first three quarters of the ranked time was engaged with in the last quarter, so no blend can be tested (data sets of different years in one store do this: --since and --until choose one)",
                socialset_model::thousands(*active as u64)
            ),
            Self::Cancelled => write!(f, "the ranking was cancelled"),
        }
    }
}

/// Chooses the blend on `input` (PageRank `authority` already computed on all of it with
/// `config`) over the ranked time `[start_ms, end_ms)`; `None` bounds mean the first and
/// last timed engagement. `cancel` is checked between the steps.
pub fn choose_blend(
    input: &InfluenceInput<'_>,
    config: &InfluenceConfig,
    authority: &[f64],
    bounds: (Option<i64>, Option<i64>),
    cancel: &socialset_graph::Cancel,
) -> Result<Blend, NoBlend> {
    let n = input.n_accounts;
    let timed = TimedEngagement::from_events(input.events);
    let first = timed
        .iter()
        .map(|e| e.at_ms)
        .min()
        .ok_or(NoBlend::Untimed)?;
    let last = timed
        .iter()
        .map(|e| e.at_ms)
        .max()
        .ok_or(NoBlend::Untimed)?;
    let start = bounds.0.unwrap_or(first);
    let end = bounds.1.unwrap_or(last + 1).max(start + 1);
    let cut = start + (end - start) * 3 / 4;
    let horizon = (end - cut) as f64 / 3_600_000.0;
    let before_cut = |at: Option<socialset_model::Timestamp>| {
        at.is_some_and(|t| (start..cut).contains(&t.epoch_ms()))
    };

    // The parts on the first three quarters.
    let first_events: Vec<Engagement> = input
        .events
        .iter()
        .filter(|e| before_cut(e.at))
        .cloned()
        .collect();
    let first_follows: Vec<FollowEdge> = input
        .follows
        .iter()
        .filter(|f| before_cut(f.at))
        .copied()
        .collect();
    let active = active_accounts(n, &first_events);
    let ids: Vec<usize> = (0..n).filter(|&v| active[v]).collect();
    if ids.len() < MIN_VALIDATION_ACCOUNTS {
        return Err(NoBlend::TooFew { active: ids.len() });
    }
    let before: Vec<TimedEngagement> = timed
        .iter()
        .filter(|e| (start..cut).contains(&e.at_ms))
        .copied()
        .collect();
    // What happened after the cut, on a seeded sample of the active accounts.
    let later_events: Vec<Engagement> = input
        .events
        .iter()
        .filter(|e| e.at.is_some_and(|t| (cut..end).contains(&t.epoch_ms())))
        .cloned()
        .collect();
    let later = engagement_by_account(n, &later_events);
    let sample = sample_of(&ids, VALIDATION_SAMPLE);
    let truth: Vec<f64> = sample.iter().map(|&v| later[v].received()).collect();
    let Some(truth) = Centred::of(&truth) else {
        return Err(NoBlend::NothingLater { active: ids.len() });
    };
    cancel.check()?;
    let first_authority = rank_influence(
        &InfluenceInput {
            n_accounts: n,
            events: &first_events,
            follows: &first_follows,
            posts: input.posts,
            followers: input.followers,
        },
        config,
    )
    .scores;
    cancel.check()?;
    let fixed = [
        first_authority,
        forecast_engagers(n, &before, start, cut, horizon),
        distinct_engagers(n, &before)
            .into_iter()
            .map(f64::from)
            .collect(),
    ];

    // Doubled mid-ranks among the active accounts, read at the sample: integer blend keys
    // order the sample exactly as the weighted percentiles do.
    let ranks_at = |x: &[f64]| -> Vec<u64> {
        let r = doubled_ranks(x, &ids);
        let mut at = vec![0u64; n];
        for (&v, r) in ids.iter().zip(r) {
            at[v] = r;
        }
        sample.iter().map(|&v| at[v]).collect()
    };
    let fixed_ranks: Vec<Vec<u64>> = fixed.iter().map(|p| ranks_at(p)).collect();
    let mut tried: Vec<(f64, [u8; 4], f64)> = Vec::new();
    for half_life in RECENCY_HALF_LIVES {
        cancel.check()?;
        let mut parts = fixed_ranks.clone();
        parts.push(ranks_at(&recent_engagement(n, &before, cut, half_life)));
        tried.par_extend(simplex().into_par_iter().filter_map(|w| {
            let keys: Vec<u64> = (0..sample.len())
                .map(|i| (0..4).map(|p| u64::from(w[p]) * parts[p][i]).sum())
                .collect();
            truth.spearman(&keys).map(|rho| (half_life, w, rho))
        }));
    }
    // The best; among equals the earlier candidate (shorter half-life, then simplex order).
    let candidates = RECENCY_HALF_LIVES.len() * simplex().len();
    let (recency_half_life, w, validation_spearman) = tried
        .iter()
        .copied()
        .reduce(|best, c| if c.2 > best.2 { c } else { best })
        .ok_or(NoBlend::NothingLater { active: ids.len() })?;
    let weights = w.map(|x| f64::from(x) / 10.0);

    cancel.check()?;
    // The parts on all the ranked time, blended with the chosen weights.
    let ranked: Vec<TimedEngagement> = timed
        .iter()
        .filter(|e| (start..end).contains(&e.at_ms))
        .copied()
        .collect();
    let everyone = active_accounts(n, input.events);
    let engagers: Vec<f64> = engagement_by_account(n, input.events)
        .iter()
        .map(|e| f64::from(e.distinct_engagers))
        .collect();
    let parts = [
        percentiles(authority, &everyone),
        percentiles(
            &forecast_engagers(n, &ranked, start, end, horizon),
            &everyone,
        ),
        percentiles(&engagers, &everyone),
        percentiles(
            &recent_engagement(n, &ranked, end, recency_half_life),
            &everyone,
        ),
    ];
    let mut score = vec![0.0; n];
    for (part, &w) in parts.iter().zip(&weights) {
        for (s, p) in score.iter_mut().zip(part) {
            *s += w * p;
        }
    }
    Ok(Blend {
        choice: BlendChoice {
            weights,
            recency_half_life,
            validation_spearman,
            start_ms: start,
            cut_ms: cut,
            end_ms: end,
            validation_accounts: ids.len(),
            validation_sample: sample.len(),
            candidates,
        },
        parts,
        score,
    })
}

/// Accounts that gave or received an engagement in `events`.
fn active_accounts(n: usize, events: &[Engagement]) -> Vec<bool> {
    let mut active = vec![false; n];
    for e in events {
        active[e.src.0 as usize] = true;
        active[e.dst.0 as usize] = true;
    }
    active
}

/// The weightings tried, in tenths: every point of the simplex in steps of 0.1.
fn simplex() -> Vec<[u8; 4]> {
    let mut out = Vec::new();
    for a in 0..=10u8 {
        for b in 0..=(10 - a) {
            for c in 0..=(10 - a - b) {
                out.push([a, b, c, 10 - a - b - c]);
            }
        }
    }
    out
}

/// At most `size` of `ids`, chosen by a fixed hash of each id (the same accounts every run).
fn sample_of(ids: &[usize], size: usize) -> Vec<usize> {
    if ids.len() <= size {
        return ids.to_vec();
    }
    let mut keyed: Vec<(u64, usize)> = ids.iter().map(|&v| (splitmix(v as u64), v)).collect();
    keyed.select_nth_unstable(size - 1);
    let mut out: Vec<usize> = keyed[..size].iter().map(|&(_, v)| v).collect();
    out.sort_unstable();
    out
}

/// Twice the 1-based mid-rank of `x[v]` among `ids` (ties share), in the order of `ids`.
fn doubled_ranks(x: &[f64], ids: &[usize]) -> Vec<u64> {
    let values: Vec<f64> = ids.iter().map(|&v| x[v]).collect();
    // A mid-rank is a whole number or a half: doubled, it is exact.
    crate::metrics::average_ranks(&values)
        .into_iter()
        .map(|r| (2.0 * r) as u64)
        .collect()
}

/// Each account's mid-rank percentile (0–1) of `x` among the `active` accounts (ties share;
/// 0 for the others).
pub fn percentiles(x: &[f64], active: &[bool]) -> Vec<f64> {
    let ids: Vec<usize> = (0..x.len()).filter(|&v| active[v]).collect();
    let n = ids.len().max(1) as f64;
    let mut out = vec![0.0; x.len()];
    for (&v, r) in ids.iter().zip(doubled_ranks(x, &ids)) {
        out[v] = r as f64 / 2.0 / n;
    }
    out
}

/// Interactions each account received before `end_ms`, each weighing ½ per `half_life` hours
/// before it.
pub fn recent_engagement(
    n: usize,
    timed: &[TimedEngagement],
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

/// The truth's mid-ranks, centred, for Spearman's ρ against many candidate orders.
struct Centred {
    ranks: Vec<f64>,
    sum_sq: f64,
}

impl Centred {
    /// `None` when every value is the same (no order to predict).
    fn of(truth: &[f64]) -> Option<Self> {
        let ranks = crate::metrics::average_ranks(truth);
        let mean = (truth.len() as f64 + 1.0) / 2.0;
        let ranks: Vec<f64> = ranks.iter().map(|r| r - mean).collect();
        let sum_sq: f64 = ranks.iter().map(|r| r * r).sum();
        (sum_sq > 0.0).then_some(Self { ranks, sum_sq })
    }

    /// Spearman's ρ (ties at mid-rank) between `keys` and the truth.
    fn spearman(&self, keys: &[u64]) -> Option<f64> {
        let mut order: Vec<(u64, u32)> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        order.sort_unstable();
        let mean = (keys.len() as f64 + 1.0) / 2.0;
        let (mut cov, mut var) = (0.0, 0.0);
        let mut i = 0;
        while i < order.len() {
            let mut j = i;
            while j + 1 < order.len() && order[j + 1].0 == order[i].0 {
                j += 1;
            }
            let r = (i + j) as f64 / 2.0 + 1.0 - mean;
            let group: f64 = order[i..=j]
                .iter()
                .map(|&(_, k)| self.ranks[k as usize])
                .sum();
            cov += r * group;
            var += r * r * (j - i + 1) as f64;
            i = j + 1;
        }
        (var > 0.0).then(|| cov / (var * self.sum_sq).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socialset_model::{AccountIdx, InteractionKind, Timestamp};

    #[test]
    fn the_fast_spearman_is_spearman() {
        let truth = [0.0, 0.0, 3.0, 1.0, 7.0, 0.0, 2.0, 2.0];
        let keys = [4u64, 4, 9, 1, 12, 0, 5, 3];
        let fast = Centred::of(&truth)
            .expect("varied")
            .spearman(&keys)
            .expect("varied");
        let floats: Vec<f64> = keys.iter().map(|&k| k as f64).collect();
        let slow = crate::metrics::spearman(&floats, &truth).expect("varied");
        assert!((fast - slow).abs() < 1e-12, "{fast} against {slow}");
        assert!(Centred::of(&[1.0, 1.0]).is_none());
    }

    #[test]
    fn percentiles_share_ties_and_skip_inactive_accounts() {
        let p = percentiles(&[5.0, 1.0, 1.0, 9.0], &[true, true, true, false]);
        assert_eq!(p, vec![1.0, 0.5, 0.5, 0.0]);
        // Doubled mid-ranks: 1 and 2 tied (1.5 → 3), then 3 (→ 6).
        assert_eq!(doubled_ranks(&[1.0, 1.0, 2.0], &[0, 1, 2]), vec![3, 3, 6]);
    }

    /// With a half-life of 6 hours, interactions 6 and 12 hours before the end weigh ½ and
    /// ¼; one at the end or after it does not count.
    #[test]
    fn recent_engagement_halves_every_half_life() {
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
        assert_eq!(simplex().len(), 286);
        assert!(simplex()
            .iter()
            .all(|w| w.iter().map(|&x| u32::from(x)).sum::<u32>() == 10));
    }

    #[test]
    fn a_sample_is_fixed_and_of_the_size_asked() {
        let ids: Vec<usize> = (0..1000).collect();
        let a = sample_of(&ids, 100);
        assert_eq!(a.len(), 100);
        assert_eq!(a, sample_of(&ids, 100));
        assert_eq!(sample_of(&ids[..10], 100), ids[..10].to_vec());
    }

    fn input_of<'a>(events: &'a [Engagement], followers: &'a [Option<u64>]) -> InfluenceInput<'a> {
        InfluenceInput {
            n_accounts: followers.len(),
            events,
            follows: &[],
            posts: &[],
            followers,
        }
    }

    fn engagement(src: u32, dst: u32, hour: i64) -> Engagement {
        Engagement {
            src: AccountIdx(src),
            dst: AccountIdx(dst),
            kind: InteractionKind::Share,
            weight: 1.0,
            at: Timestamp::from_epoch_ms(1_600_000_000_000 + hour * 3_600_000),
            post: None,
        }
    }

    /// Accounts 0–9 are each engaged with by their own steady engagers, every hour, at rates
    /// growing with their number; 10–59 are the engagers. The account engaged with most keeps
    /// being engaged with most, so every sensible blend orders 9 first and 0 last of the ten.
    #[test]
    fn the_blend_is_chosen_without_reading_past_the_end_and_orders_steady_accounts() {
        let mut events = Vec::new();
        for hour in 0..48 {
            for target in 0..10u32 {
                for k in 0..=target {
                    events.push(engagement(10 + (target * 5 + k) % 50, target, hour));
                }
            }
        }
        let n = 60;
        let followers = vec![None; n];
        let input = input_of(&events, &followers);
        let config = InfluenceConfig::default();
        let authority = rank_influence(&input, &config).scores;
        let blend = choose_blend(
            &input,
            &config,
            &authority,
            (None, None),
            &Default::default(),
        )
        .expect("a blend");
        let c = &blend.choice;
        assert!((c.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(c.candidates, 4 * 286);
        assert_eq!(c.cut_ms - c.start_ms, (c.end_ms - c.start_ms) * 3 / 4);
        assert!(c.validation_spearman > 0.5, "{c:?}");
        let order: Vec<usize> = {
            let mut v: Vec<usize> = (0..10).collect();
            v.sort_by(|&a, &b| blend.score[b].total_cmp(&blend.score[a]));
            v
        };
        assert_eq!(order[0], 9);
        assert!(blend.score[9] > blend.score[0]);
        // Adding engagement after the end changes nothing the blend chose.
        let mut more = events.clone();
        more.extend((0..500).map(|i| engagement(10 + i % 50, 0, 100)));
        let end = Some(c.end_ms);
        let input_more = input_of(&more, &followers);
        let authority_more = rank_influence(&input_more, &config).scores;
        let again = choose_blend(
            &input_more,
            &config,
            &authority_more,
            (None, end),
            &Default::default(),
        )
        .expect("a blend");
        assert_eq!(again.choice, blend.choice);
    }

    #[test]
    fn counts_in_messages_have_separators() {
        assert!(NoBlend::NothingLater { active: 3786 }
            .to_string()
            .contains("3,786 accounts"));
    }

    #[test]
    fn a_cancelled_choice_stops() {
        let events: Vec<Engagement> = (0..48)
            .flat_map(|h| (0..30u32).map(move |k| engagement(30 + k, k % 10, h)))
            .collect();
        let followers = vec![None; 60];
        let input = input_of(&events, &followers);
        let cancel = socialset_graph::Cancel::new();
        cancel.cancel();
        let config = InfluenceConfig::default();
        let authority = rank_influence(&input, &config).scores;
        assert_eq!(
            choose_blend(&input, &config, &authority, (None, None), &cancel),
            Err(NoBlend::Cancelled)
        );
    }

    #[test]
    fn untimed_or_tiny_data_says_why_there_is_no_blend() {
        let mut e = engagement(1, 0, 0);
        e.at = None;
        let followers = vec![None; 2];
        let events = [e];
        let input = input_of(&events, &followers);
        let config = InfluenceConfig::default();
        assert_eq!(
            choose_blend(
                &input,
                &config,
                &[0.5, 0.5],
                (None, None),
                &Default::default()
            ),
            Err(NoBlend::Untimed)
        );
        let events = [engagement(1, 0, 0), engagement(1, 0, 5)];
        let input = input_of(&events, &followers);
        assert!(matches!(
            choose_blend(
                &input,
                &config,
                &[0.5, 0.5],
                (None, None),
                &Default::default()
            ),
            Err(NoBlend::TooFew { active: 2 })
        ));
    }
}
