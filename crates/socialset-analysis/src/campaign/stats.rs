//! The campaign report's statistics: every rate and ratio with its 95% interval.
//!
//! - Proportions (conversion rate): Wilson's score interval on the pooled counts.
//! - One member's counts (conversions, engagements): Garwood's exact Poisson interval, and the
//!   ratios built on them (cost per acquisition, per engagement; return on spend scaled by it).
//! - A group of members (a role, the campaign): a seeded studentized bootstrap ("bootstrap-t")
//!   over members of the ratio's logarithm, never narrower than Student's t with n − 1
//!   degrees of freedom; fewer than 3 members get the pooled count's Poisson interval; where
//!   the bootstrap-t cannot be formed, the percentile bootstrap "expanded" for small groups
//!   (Hesterberg 2015, *What teachers should know about the bootstrap*, §3.4).
//! - Natives against professionals: the ratio of the two roles' costs, its interval from the
//!   two roles' own intervals by MOVER on the log scale (Zou & Donner 2008).
//!
//! Their coverage over simulated campaigns with known truths is in docs/EVALUATION.md
//! (`cargo xtask eval-campaigns`): 93–97% for each.

use socialset_graph::SplitMix64;
use socialset_model::Role;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

use crate::audit::wilson;

/// A value with its 95% interval. `high` is infinite when the data cannot bound it (no
/// conversions seen: the cost per acquisition has no upper bound).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    /// Whether `truth` is inside the interval.
    pub fn covers(&self, truth: f64) -> bool {
        self.low <= truth && truth <= self.high
    }
}

/// What one member did, as the report counts it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemberActivity {
    pub fee: f64,
    pub posts: u64,
    /// Distinct accounts that engaged with its campaign posts.
    pub reach: u64,
    pub engagements: u64,
    /// Visits through its link (crawlers, previews, prefetches and repeats within 30 minutes
    /// left out), and the distinct visitors among them.
    pub clicks: u64,
    pub unique_visitors: u64,
    /// Visits that led to an order (each counted once however many orders followed).
    pub converting_clicks: u64,
    pub conversions: u64,
    pub revenue: f64,
}

/// The figures of one member or one group, with their intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub members: usize,
    pub totals: MemberActivity,
    /// Converting visits over visits (Wilson).
    pub conversion_rate: Option<Estimate>,
    /// Cost over conversions; `None` without cost.
    pub cost_per_acquisition: Option<Estimate>,
    /// Revenue over cost.
    pub return_on_spend: Option<Estimate>,
    /// Cost over engagements.
    pub cost_per_engagement: Option<Estimate>,
}

/// Natives against professionals: ratios of their unit costs, and what they say.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Natives' cost per acquisition over professionals' (below 1: natives cheaper).
    pub cpa_ratio: Option<Estimate>,
    /// Natives' cost per engagement over professionals'.
    pub cpe_ratio: Option<Estimate>,
    pub verdict: CostVerdict,
}

/// What the data show of natives against professionals, on cost per acquisition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CostVerdict {
    /// The whole interval of the ratio is below 1.
    NativesCheaper,
    /// The whole interval is above 1.
    ProfessionalsCheaper,
    /// The interval holds 1: the data cannot tell them apart yet.
    CannotTell,
    /// One of the roles has no members, cost or conversions to compare.
    NotComparable,
}

impl CostVerdict {
    /// The plain sentence the report prints.
    pub fn sentence(self, ratio: Option<&Estimate>) -> String {
        let shown = |r: &Estimate| {
            let high = if r.high.is_finite() {
                format!("{:.2}", r.high)
            } else {
                "unbounded".to_owned()
            };
            format!("{:.2} (95% interval {:.2}–{high})", r.value, r.low)
        };
        match (self, ratio) {
            (CostVerdict::NativesCheaper, Some(r)) => format!(
                "The data show natives converting cheaper: their cost per acquisition is {} times the professionals'.",
                shown(r)
            ),
            (CostVerdict::ProfessionalsCheaper, Some(r)) => format!(
                "The data show the opposite: natives' cost per acquisition is {} times the professionals'.",
                shown(r)
            ),
            (CostVerdict::CannotTell, Some(r)) => format!(
                "The data cannot tell natives and professionals apart yet: natives' cost per acquisition is {} times the professionals', and the interval holds 1.",
                shown(r)
            ),
            _ => "Natives and professionals cannot be compared: one of them has no members, no cost or no conversions.".to_owned(),
        }
    }
}

/// How the intervals are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StatsConfig {
    /// Bootstrap resamples.
    pub resamples: usize,
    pub seed: u64,
}

impl Default for StatsConfig {
    fn default() -> Self {
        Self {
            resamples: 2000,
            seed: 20_261_203,
        }
    }
}

/// The report's statistics: each member's, each role's, the campaign's, and the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignStats {
    pub members: Vec<Figures>,
    pub natives: Figures,
    pub professionals: Figures,
    pub total: Figures,
    pub comparison: Comparison,
}

const Z95: f64 = 1.959_963_984_540_054;

/// Garwood's exact 95% interval for a Poisson count `k`.
pub fn poisson_interval(k: u64) -> (f64, f64) {
    let low = if k == 0 {
        0.0
    } else {
        ChiSquared::new(2.0 * k as f64).map_or(0.0, |c| c.inverse_cdf(0.025) / 2.0)
    };
    let high = ChiSquared::new(2.0 * (k as f64 + 1.0))
        .map_or(f64::INFINITY, |c| c.inverse_cdf(0.975) / 2.0);
    (low, high)
}

fn sum(members: &[&MemberActivity]) -> MemberActivity {
    let mut t = MemberActivity::default();
    for m in members {
        t.fee += m.fee;
        t.posts += m.posts;
        t.reach += m.reach;
        t.engagements += m.engagements;
        t.clicks += m.clicks;
        t.unique_visitors += m.unique_visitors;
        t.converting_clicks += m.converting_clicks;
        t.conversions += m.conversions;
        t.revenue += m.revenue;
    }
    t
}

/// `num / den` as a unit cost: infinite when nothing was bought.
fn per(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        f64::INFINITY
    }
}

fn conversion_rate(t: &MemberActivity) -> Option<Estimate> {
    wilson(t.converting_clicks, t.clicks).map(|s| Estimate {
        value: s.share,
        low: s.low,
        high: s.high,
    })
}

/// One member's figures: Wilson for its conversion rate, Garwood's interval on its counts for
/// the ratios (its fee is known; what varies is how many bought or engaged).
pub fn member_figures(m: &MemberActivity) -> Figures {
    let cost_per = |count: u64| {
        (m.fee > 0.0).then(|| {
            let (lo, hi) = poisson_interval(count);
            Estimate {
                value: per(m.fee, count as f64),
                low: per(m.fee, hi),
                high: per(m.fee, lo),
            }
        })
    };
    let return_on_spend = (m.fee > 0.0).then(|| {
        let (lo, hi) = poisson_interval(m.conversions);
        let value = m.revenue / m.fee;
        let mean_order = if m.conversions > 0 {
            m.revenue / m.conversions as f64
        } else {
            0.0
        };
        Estimate {
            value,
            low: lo * mean_order / m.fee,
            high: if m.conversions > 0 {
                hi * mean_order / m.fee
            } else {
                f64::INFINITY
            },
        }
    });
    Figures {
        members: 1,
        totals: m.clone(),
        conversion_rate: conversion_rate(m),
        cost_per_acquisition: cost_per(m.conversions),
        return_on_spend,
        cost_per_engagement: cost_per(m.engagements),
    }
}

/// The percentile levels of the expanded bootstrap interval for a group of `n` (Hesterberg
/// 2015): the normal quantile matching √(n/(n−1))·t(0.975, n−1).
fn expanded_levels(n: usize) -> (f64, f64) {
    if n < 2 {
        return (0.0, 1.0);
    }
    let df = (n - 1) as f64;
    let t = StudentsT::new(0.0, 1.0, df).map_or(Z95, |t| t.inverse_cdf(0.975));
    let z = (n as f64 / df).sqrt() * t;
    let tail = Normal::standard().cdf(-z);
    (tail, 1.0 - tail)
}

/// The `q` quantile of sorted values (infinities sort last).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    let (a, b) = (sorted[i], sorted[(i + 1).min(sorted.len() - 1)]);
    if frac == 0.0 || a == b {
        a
    } else if b.is_infinite() {
        b
    } else {
        a + frac * (b - a)
    }
}

fn interval(value: f64, mut draws: Vec<f64>, n: usize) -> Estimate {
    draws.retain(|d| !d.is_nan());
    draws.sort_by(f64::total_cmp);
    let (lo, hi) = expanded_levels(n);
    Estimate {
        value,
        low: quantile(&draws, lo),
        high: quantile(&draws, hi),
    }
}

/// A ratio of sums over members, Σ num / Σ den, on the log scale: its value, and the
/// standard error of its logarithm by the delta method (`None` when it cannot be formed: a
/// zero sum, or a single member). The error is zero when every member has the same ratio.
fn log_ratio(num: &[f64], den: &[f64], pick: &[usize]) -> Option<(f64, f64)> {
    let n = pick.len();
    if n < 2 {
        return None;
    }
    let (sn, sd) = pick
        .iter()
        .fold((0.0, 0.0), |(a, b), &i| (a + num[i], b + den[i]));
    if sn <= 0.0 || sd <= 0.0 {
        return None;
    }
    let (mn, md) = (sn / n as f64, sd / n as f64);
    let u = |i: usize| num[i] / mn - den[i] / md;
    let mean_u = pick.iter().map(|&i| u(i)).sum::<f64>() / n as f64;
    let var = pick.iter().map(|&i| (u(i) - mean_u).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some(((sn / sd).ln(), (var / n as f64).sqrt()))
}

/// The studentized bootstrap ("bootstrap-t", Efron & Tibshirani 1993, ch. 12) interval of a
/// ratio of sums over one or two groups of members, on the log scale: each resample's log
/// ratio is standardised by its own delta-method error, so the skew of a ratio over few
/// members (a campaign's handful of professionals) shows in the interval. With two groups
/// the ratio is the first group's over the second's, members resampled within each group.
/// `None` when a group cannot give a log ratio; the caller falls back to percentiles.
fn bootstrap_t(
    groups: &[(&[f64], &[f64])],
    resamples: usize,
    rng: &mut SplitMix64,
) -> Option<Estimate> {
    let all: Vec<Vec<usize>> = groups.iter().map(|(n, _)| (0..n.len()).collect()).collect();
    let combine = |picks: &[Vec<usize>]| -> Option<(f64, f64)> {
        let mut value = 0.0;
        let mut var = 0.0;
        for (k, ((num, den), pick)) in groups.iter().zip(picks).enumerate() {
            let (l, se) = log_ratio(num, den, pick)?;
            value += if k == 0 { l } else { -l };
            var += se * se;
        }
        Some((value, var.sqrt()))
    };
    let (value, se) = combine(&all)?;
    if se <= 0.0 {
        return None;
    }
    let mut t = Vec::with_capacity(resamples);
    let mut picks: Vec<Vec<usize>> = all.iter().map(|a| vec![0; a.len()]).collect();
    for _ in 0..resamples {
        for p in &mut picks {
            let n = p.len();
            for slot in p.iter_mut() {
                *slot = rng.below(n);
            }
        }
        t.push(match combine(&picks) {
            // A resample of members all alike has no spread of its own to standardise by:
            // the whole sample's error stands in for it.
            Some((v, s)) => (v - value) / if s > 0.0 { s } else { se },
            // A resample with no conversions on the numerator's side (or none at all on
            // the denominator's) has an unbounded ratio.
            None => f64::INFINITY,
        });
    }
    t.sort_by(f64::total_cmp);
    // Never narrower than Student's t on the log scale: a handful of members have few
    // distinct resamples, whose t* understate the tails (measured: 90% coverage for groups of
    // 3–10 without this floor, docs/EVALUATION.md).
    let smallest = groups.iter().map(|(n, _)| n.len()).min().unwrap_or(2);
    let student = StudentsT::new(0.0, 1.0, (smallest.max(2) - 1) as f64)
        .map_or(Z95, |d| d.inverse_cdf(0.975));
    let (t_lo, t_hi) = (
        quantile(&t, 0.025).min(-student),
        quantile(&t, 0.975).max(student),
    );
    Some(Estimate {
        value: value.exp(),
        low: (value - t_hi * se).exp(),
        high: (value - t_lo * se).exp(),
    })
}

/// Sums of a bootstrap resample of `group` (drawn with replacement).
fn resample(group: &[&MemberActivity], rng: &mut SplitMix64) -> (f64, f64, f64, f64) {
    let (mut fee, mut conv, mut revenue, mut eng) = (0.0, 0.0, 0.0, 0.0);
    for _ in 0..group.len() {
        let m = group[rng.below(group.len())];
        fee += m.fee;
        conv += m.conversions as f64;
        revenue += m.revenue;
        eng += m.engagements as f64;
    }
    (fee, conv, revenue, eng)
}

/// Fewer members than this are not resampled (two members have three distinct resamples):
/// their ratios get the pooled count's Poisson interval instead.
pub const MIN_BOOTSTRAP_MEMBERS: usize = 3;

/// A group's columns: fees, conversions, revenue, engagements.
struct Columns {
    fee: Vec<f64>,
    conversions: Vec<f64>,
    revenue: Vec<f64>,
    engagements: Vec<f64>,
}

impl Columns {
    fn of(group: &[&MemberActivity]) -> Self {
        Self {
            fee: group.iter().map(|m| m.fee).collect(),
            conversions: group.iter().map(|m| m.conversions as f64).collect(),
            revenue: group.iter().map(|m| m.revenue).collect(),
            engagements: group.iter().map(|m| m.engagements as f64).collect(),
        }
    }
}

/// The interval of a ratio of sums: the bootstrap-t when it can be formed, else the
/// expanded percentile bootstrap of `draw` (a resample's ratio).
fn ratio_interval(
    value: f64,
    groups: &[(&[f64], &[f64])],
    n: usize,
    config: &StatsConfig,
    rng: &mut SplitMix64,
    draw: impl Fn(&mut SplitMix64) -> f64,
) -> Estimate {
    if let Some(mut e) = bootstrap_t(groups, config.resamples, rng) {
        e.value = value;
        return e;
    }
    let draws = (0..config.resamples).map(|_| draw(rng)).collect();
    interval(value, draws, n)
}

/// A group's figures: pooled Wilson for its conversion rate, the bootstrap over its members
/// for the ratios.
pub fn group_figures(group: &[&MemberActivity], config: &StatsConfig, stream: u64) -> Figures {
    let t = sum(group);
    let n = group.len();
    let c = Columns::of(group);
    let mut rng = SplitMix64::new(config.seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let costly = n > 0 && t.fee > 0.0;
    let mut cost_per = |count: &[f64], total: f64, pick: fn(&(f64, f64, f64, f64)) -> f64| {
        costly.then(|| {
            if total == 0.0 || n < MIN_BOOTSTRAP_MEMBERS {
                // Nothing bought by anyone (no resample can bound it), or too few members to
                // resample: the pooled count's Poisson interval, as for one member.
                let (lo, hi) = poisson_interval(total as u64);
                return Estimate {
                    value: per(t.fee, total),
                    low: per(t.fee, hi),
                    high: per(t.fee, lo),
                };
            }
            ratio_interval(
                per(t.fee, total),
                &[(&c.fee, count)],
                n,
                config,
                &mut rng,
                |r| {
                    let s = resample(group, r);
                    per(s.0, pick(&s))
                },
            )
        })
    };
    let cost_per_acquisition = cost_per(&c.conversions, t.conversions as f64, |s| s.1);
    let cost_per_engagement = cost_per(&c.engagements, t.engagements as f64, |s| s.3);
    let return_on_spend = costly.then(|| {
        if n < MIN_BOOTSTRAP_MEMBERS {
            let (lo, hi) = poisson_interval(t.conversions);
            let per_order = if t.conversions > 0 {
                t.revenue / t.conversions as f64
            } else {
                0.0
            };
            return Estimate {
                value: t.revenue / t.fee,
                low: lo * per_order / t.fee,
                high: if t.conversions > 0 {
                    hi * per_order / t.fee
                } else {
                    f64::INFINITY
                },
            };
        }
        ratio_interval(
            t.revenue / t.fee,
            &[(&c.revenue, &c.fee)],
            n,
            config,
            &mut rng,
            |r| {
                let s = resample(group, r);
                s.2 / s.0
            },
        )
    });
    Figures {
        members: n,
        conversion_rate: conversion_rate(&t),
        cost_per_acquisition,
        return_on_spend,
        cost_per_engagement,
        totals: t,
    }
}

/// The interval of the ratio of two independent estimates from their own intervals, on the
/// log scale: the method of variance estimates recovery (MOVER, Zou & Donner 2008,
/// *Statistics in Medicine* 27:1693), which keeps each side's asymmetry — the skew of a
/// handful of professionals' costs shows in the ratio as it does in their own interval.
pub fn ratio_of(a: &Estimate, b: &Estimate) -> Option<Estimate> {
    let logs = |e: &Estimate| (e.value.ln(), e.low.ln(), e.high.ln());
    let ((va, la, ua), (vb, lb, ub)) = (logs(a), logs(b));
    if !(va.is_finite() && vb.is_finite()) {
        return None;
    }
    let v = va - vb;
    // An unbounded side (a zero lower limit: −∞ in logs; an infinite upper one) leaves the
    // ratio unbounded on the matching side.
    let low = v - ((va - la).powi(2) + (ub - vb).powi(2)).sqrt();
    let high = v + ((ua - va).powi(2) + (vb - lb).powi(2)).sqrt();
    Some(Estimate {
        value: v.exp(),
        low: if low.is_nan() { 0.0 } else { low.exp() },
        high: if high.is_nan() {
            f64::INFINITY
        } else {
            high.exp()
        },
    })
}

/// Natives' unit costs over professionals', from each role's own intervals (`ratio_of`).
pub fn compare_roles(natives: &Figures, professionals: &Figures) -> Comparison {
    let both = |a: Option<&Estimate>, b: Option<&Estimate>| match (a, b) {
        (Some(a), Some(b)) => ratio_of(a, b),
        _ => None,
    };
    let cpa_ratio = both(
        natives.cost_per_acquisition.as_ref(),
        professionals.cost_per_acquisition.as_ref(),
    );
    let cpe_ratio = both(
        natives.cost_per_engagement.as_ref(),
        professionals.cost_per_engagement.as_ref(),
    );
    let verdict = match &cpa_ratio {
        None => CostVerdict::NotComparable,
        Some(r) if r.high < 1.0 => CostVerdict::NativesCheaper,
        Some(r) if r.low > 1.0 => CostVerdict::ProfessionalsCheaper,
        Some(_) => CostVerdict::CannotTell,
    };
    Comparison {
        cpa_ratio,
        cpe_ratio,
        verdict,
    }
}

/// Every member's figures, each role's, the whole campaign's, and the comparison.
pub fn campaign_statistics(
    members: &[(Role, MemberActivity)],
    config: &StatsConfig,
) -> CampaignStats {
    let of = |role: Option<Role>| -> Vec<&MemberActivity> {
        members
            .iter()
            .filter(|(r, _)| role.is_none_or(|x| x == *r))
            .map(|(_, m)| m)
            .collect()
    };
    let (natives, professionals, all) = (
        of(Some(Role::Native)),
        of(Some(Role::Professional)),
        of(None),
    );
    let (natives, professionals) = (
        group_figures(&natives, config, 1),
        group_figures(&professionals, config, 2),
    );
    CampaignStats {
        members: members.iter().map(|(_, m)| member_figures(m)).collect(),
        comparison: compare_roles(&natives, &professionals),
        natives,
        professionals,
        total: group_figures(&all, config, 3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn garwood_matches_the_published_table() {
        // Garwood (1936) / the standard table: k = 0 → [0, 3.689]; k = 5 → [1.623, 11.668].
        let (lo, hi) = poisson_interval(0);
        assert!(close(lo, 0.0) && close(hi, 3.689), "{lo} {hi}");
        let (lo, hi) = poisson_interval(5);
        assert!(close(lo, 1.623) && close(hi, 11.668), "{lo} {hi}");
    }

    #[test]
    fn a_member_without_conversions_has_an_unbounded_cost_per_acquisition() {
        let m = MemberActivity {
            fee: 100.0,
            clicks: 40,
            ..MemberActivity::default()
        };
        let f = member_figures(&m);
        let cpa = f.cost_per_acquisition.expect("a fee");
        assert!(cpa.value.is_infinite() && cpa.high.is_infinite());
        assert!(close(cpa.low, 100.0 / 3.689), "{cpa:?}");
        let rate = f.conversion_rate.expect("clicks");
        assert_eq!(rate.value, 0.0);
        assert!(rate.high > 0.05, "40 clicks cannot rule out a 5% rate");
    }

    #[test]
    fn small_groups_get_wider_intervals() {
        let (lo5, _) = expanded_levels(5);
        let (lo50, _) = expanded_levels(50);
        assert!(lo5 < lo50 && lo50 < 0.025, "{lo5} {lo50}");
        assert!(close(expanded_levels(100_000).0, 0.025));
    }

    #[test]
    fn a_clear_difference_is_called_and_equal_groups_are_not() {
        let member = |fee: f64, conversions: u64| MemberActivity {
            fee,
            conversions,
            clicks: 100,
            converting_clicks: conversions,
            engagements: 10,
            ..MemberActivity::default()
        };
        let cheap: Vec<_> = (0..30).map(|i| member(50.0, 8 + i % 3)).collect();
        let dear: Vec<_> = (0..6).map(|i| member(500.0, 9 + i % 2)).collect();
        let cfg = StatsConfig::default();
        let group = |g: &[MemberActivity]| group_figures(&g.iter().collect::<Vec<_>>(), &cfg, 1);
        let c = compare_roles(&group(&cheap), &group(&dear));
        assert_eq!(c.verdict, CostVerdict::NativesCheaper, "{c:?}");
        let same = compare_roles(&group(&cheap), &group(&cheap[..6]));
        assert_eq!(same.verdict, CostVerdict::CannotTell, "{same:?}");
        assert!(CostVerdict::CannotTell
            .sentence(same.cpa_ratio.as_ref())
            .contains("cannot tell"));
    }
}
