//! Trust from explicit ratings: fairness and goodness (Kumar, Spezzano, Subrahmanian,
//! Faloutsos, ICDM 2016), EigenTrust with pre-trusted accounts (Kamvar, Schlosser,
//! Garcia-Molina, WWW 2003), and a rating predictor that stacks them with the raters' and the
//! rated's history and the reciprocal rating in a gradient-boosted regression, learned on the
//! network's own ratings.

use forust_ml::{GradientBooster, Matrix};
use socialset_graph::SplitMix64;

/// A rating of `dst` by `src`, scaled to −1…+1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatingEdge {
    pub src: u32,
    pub dst: u32,
    pub value: f64,
}

/// Fairness (how well an account's ratings agree with what the rated deserve, 0…1) and
/// goodness (how much it is trusted, −1…+1) of every account.
#[derive(Clone, Debug, PartialEq)]
pub struct FairnessGoodness {
    pub fairness: Vec<f64>,
    pub goodness: Vec<f64>,
    pub iterations: u32,
    pub converged: bool,
}

impl FairnessGoodness {
    /// The rating `src` would give `dst`: fairness × goodness.
    pub fn predict(&self, src: u32, dst: u32) -> f64 {
        self.fairness[src as usize] * self.goodness[dst as usize]
    }
}

/// Kumar et al.'s mutually recursive fairness and goodness:
/// g(v) = mean over raters u of f(u)·w(u,v); f(u) = 1 − mean over rated v of |w(u,v) − g(v)| / 2;
/// from f = 1, until the largest change is under `tolerance` or `max_iterations`. An account
/// nobody rated has goodness 0; one that rated nobody has fairness 1.
pub fn fairness_goodness(
    n: usize,
    edges: &[RatingEdge],
    max_iterations: u32,
    tolerance: f64,
) -> FairnessGoodness {
    let mut indeg = vec![0u32; n];
    let mut outdeg = vec![0u32; n];
    for e in edges {
        indeg[e.dst as usize] += 1;
        outdeg[e.src as usize] += 1;
    }
    let mut fairness = vec![1.0; n];
    let mut goodness = vec![0.0; n];
    let mut sum = vec![0.0; n];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < max_iterations {
        iterations += 1;
        sum.iter_mut().for_each(|s| *s = 0.0);
        for e in edges {
            sum[e.dst as usize] += fairness[e.src as usize] * e.value;
        }
        let mut change: f64 = 0.0;
        for v in 0..n {
            let g = if indeg[v] > 0 {
                sum[v] / f64::from(indeg[v])
            } else {
                0.0
            };
            change = change.max((g - goodness[v]).abs());
            goodness[v] = g;
        }
        sum.iter_mut().for_each(|s| *s = 0.0);
        for e in edges {
            sum[e.src as usize] += (e.value - goodness[e.dst as usize]).abs();
        }
        for u in 0..n {
            let f = if outdeg[u] > 0 {
                1.0 - sum[u] / (2.0 * f64::from(outdeg[u]))
            } else {
                1.0
            };
            change = change.max((f - fairness[u]).abs());
            fairness[u] = f;
        }
        if change < tolerance {
            converged = true;
            break;
        }
    }
    FairnessGoodness {
        fairness,
        goodness,
        iterations,
        converged,
    }
}

/// Leave-one-out predictions of fairness × goodness (Kumar et al.'s protocol): each rating
/// predicted from all the others. Each rating's fairness and goodness start from the solution
/// on all ratings and iterate without it until the largest change is under `tolerance`
/// (at most `max_iterations`), which reaches the same fixed point as starting afresh.
pub fn loo_fairness_goodness(
    n: usize,
    edges: &[RatingEdge],
    max_iterations: u32,
    tolerance: f64,
) -> Vec<f64> {
    use rayon::prelude::*;
    let full = fairness_goodness(n, edges, 1000, tolerance);
    let mut indeg = vec![0u32; n];
    let mut outdeg = vec![0u32; n];
    for e in edges {
        indeg[e.dst as usize] += 1;
        outdeg[e.src as usize] += 1;
    }
    (0..edges.len())
        .into_par_iter()
        .map(|skip| {
            let left = edges[skip];
            let (mut f, mut g) = (full.fairness.clone(), full.goodness.clone());
            let (mut indeg, mut outdeg) = (indeg.clone(), outdeg.clone());
            indeg[left.dst as usize] -= 1;
            outdeg[left.src as usize] -= 1;
            let mut sum = vec![0.0; n];
            for _ in 0..max_iterations {
                sum.iter_mut().for_each(|s| *s = 0.0);
                for (i, e) in edges.iter().enumerate() {
                    if i != skip {
                        sum[e.dst as usize] += f[e.src as usize] * e.value;
                    }
                }
                let mut change: f64 = 0.0;
                for v in 0..n {
                    let x = if indeg[v] > 0 {
                        sum[v] / f64::from(indeg[v])
                    } else {
                        0.0
                    };
                    change = change.max((x - g[v]).abs());
                    g[v] = x;
                }
                sum.iter_mut().for_each(|s| *s = 0.0);
                for (i, e) in edges.iter().enumerate() {
                    if i != skip {
                        sum[e.src as usize] += (e.value - g[e.dst as usize]).abs();
                    }
                }
                for u in 0..n {
                    let x = if outdeg[u] > 0 {
                        1.0 - sum[u] / (2.0 * f64::from(outdeg[u]))
                    } else {
                        1.0
                    };
                    change = change.max((x - f[u]).abs());
                    f[u] = x;
                }
                if change < tolerance {
                    break;
                }
            }
            f[left.src as usize] * g[left.dst as usize]
        })
        .collect()
}

/// EigenTrust: the stationary trust of t = (1 − a)·Cᵀt + a·p, where C row-normalises each
/// account's positive net ratings of others and p is uniform over the pre-trusted accounts
/// (over everyone when none is given). An account with no positive rating to give passes its
/// trust to p. Sums to 1.
pub fn eigentrust(
    n: usize,
    edges: &[RatingEdge],
    pretrusted: &[u32],
    alpha: f64,
    max_iterations: u32,
    tolerance: f64,
) -> Vec<f64> {
    if n == 0 {
        return Vec::new();
    }
    // Net rating per ordered pair, then positive parts, row-normalised.
    let mut pairs: Vec<(u32, u32, f64)> = edges.iter().map(|e| (e.src, e.dst, e.value)).collect();
    pairs.sort_by_key(|a| (a.0, a.1));
    let mut net: Vec<(u32, u32, f64)> = Vec::new();
    for (s, d, v) in pairs {
        match net.last_mut() {
            Some(last) if last.0 == s && last.1 == d => last.2 += v,
            _ => net.push((s, d, v)),
        }
    }
    net.retain(|x| x.2 > 0.0 && x.0 != x.1);
    let mut row_sum = vec![0.0; n];
    for &(s, _, v) in &net {
        row_sum[s as usize] += v;
    }
    let mut p = vec![0.0; n];
    let valid: Vec<u32> = pretrusted
        .iter()
        .copied()
        .filter(|&a| (a as usize) < n)
        .collect();
    if valid.is_empty() {
        p.iter_mut().for_each(|x| *x = 1.0 / n as f64);
    } else {
        for &a in &valid {
            p[a as usize] = 1.0 / valid.len() as f64;
        }
    }
    let mut t = p.clone();
    for _ in 0..max_iterations {
        let mut next = vec![0.0; n];
        let mut dangling = 0.0;
        for u in 0..n {
            if row_sum[u] == 0.0 {
                dangling += t[u];
            }
        }
        for &(s, d, v) in &net {
            next[d as usize] += t[s as usize] * v / row_sum[s as usize];
        }
        let mut change = 0.0;
        for v in 0..n {
            let x = (1.0 - alpha) * (next[v] + dangling * p[v]) + alpha * p[v];
            change += (x - t[v]).abs();
            t[v] = x;
        }
        if change < tolerance {
            break;
        }
    }
    t
}

/// Features of a rating `src → dst` from a graph of other ratings.
const N_EDGE_FEATURES: usize = 8;

struct EdgeModel {
    fg: FairnessGoodness,
    out_mean: Vec<f64>,
    out_count: Vec<u32>,
    in_mean: Vec<f64>,
    in_count: Vec<u32>,
    /// (src, dst) → value, sorted, for the reciprocal rating.
    pairs: Vec<((u32, u32), f64)>,
}

impl EdgeModel {
    fn build(n: usize, edges: &[RatingEdge]) -> Self {
        let fg = fairness_goodness(n, edges, 100, 1e-9);
        let (mut out_sum, mut in_sum) = (vec![0.0; n], vec![0.0; n]);
        let (mut out_count, mut in_count) = (vec![0u32; n], vec![0u32; n]);
        for e in edges {
            out_sum[e.src as usize] += e.value;
            out_count[e.src as usize] += 1;
            in_sum[e.dst as usize] += e.value;
            in_count[e.dst as usize] += 1;
        }
        let mean = |s: &[f64], c: &[u32]| -> Vec<f64> {
            s.iter()
                .zip(c)
                .map(|(s, &c)| if c > 0 { s / f64::from(c) } else { f64::NAN })
                .collect()
        };
        let mut pairs: Vec<((u32, u32), f64)> =
            edges.iter().map(|e| ((e.src, e.dst), e.value)).collect();
        pairs.sort_by_key(|a| a.0);
        // A pair rated more than once keeps its latest value in input order.
        pairs.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                earlier.1 = later.1;
                true
            } else {
                false
            }
        });
        Self {
            fg,
            out_mean: mean(&out_sum, &out_count),
            in_mean: mean(&in_sum, &in_count),
            out_count,
            in_count,
            pairs,
        }
    }

    fn features(&self, src: u32, dst: u32) -> [f64; N_EDGE_FEATURES] {
        let (s, d) = (src as usize, dst as usize);
        let reciprocal = self
            .pairs
            .binary_search_by(|x| x.0.cmp(&(dst, src)))
            .map_or(f64::NAN, |i| self.pairs[i].1);
        [
            self.fg.predict(src, dst),
            self.fg.fairness[s],
            self.fg.goodness[d],
            self.out_mean[s],
            f64::from(self.out_count[s]).ln_1p(),
            self.in_mean[d],
            f64::from(self.in_count[d]).ln_1p(),
            reciprocal,
        ]
    }
}

/// Predicts ratings from a network's other ratings: gradient-boosted trees on fairness ×
/// goodness, fairness, goodness, the rater's mean rating given and count, the rated's mean
/// rating received and count, and the reciprocal rating when there is one. Trained by
/// stacking: the features of each training rating come from a graph without its fold, so the
/// model never sees a rating's own value in its features.
pub struct TrustPredictor {
    model: EdgeModel,
    booster: GradientBooster,
}

impl std::fmt::Debug for TrustPredictor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustPredictor")
            .field("trees", &self.booster.trees.len())
            .finish()
    }
}

impl TrustPredictor {
    /// Learns from `edges` (at least 10), with `folds` stacking folds (seeded).
    pub fn fit(n: usize, edges: &[RatingEdge], folds: usize, seed: u64) -> Result<Self, String> {
        if edges.len() < 10 {
            return Err(format!(
                "need at least 10 ratings to learn from, got {}",
                edges.len()
            ));
        }
        let folds = folds.clamp(2, edges.len());
        let mut rng = SplitMix64::new(seed);
        let fold: Vec<usize> = (0..edges.len()).map(|_| rng.below(folds)).collect();
        let mut rows = vec![[0.0; N_EDGE_FEATURES]; edges.len()];
        for k in 0..folds {
            let rest: Vec<RatingEdge> = edges
                .iter()
                .zip(&fold)
                .filter(|(_, &f)| f != k)
                .map(|(e, _)| *e)
                .collect();
            let model = EdgeModel::build(n, &rest);
            for (i, e) in edges.iter().enumerate() {
                if fold[i] == k {
                    rows[i] = model.features(e.src, e.dst);
                }
            }
        }
        let mut data = vec![0.0; rows.len() * N_EDGE_FEATURES];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                data[c * rows.len() + r] = *v;
            }
        }
        let matrix = Matrix::new(&data, rows.len(), N_EDGE_FEATURES);
        let y: Vec<f64> = edges.iter().map(|e| e.value).collect();
        let mut booster = GradientBooster::default()
            .set_objective_type(forust_ml::objective::ObjectiveType::SquaredLoss)
            .set_iterations(300)
            .set_learning_rate(0.05)
            .set_max_depth(5)
            .set_subsample(0.8)
            .set_seed(seed)
            .set_parallel(false);
        booster
            .fit(&matrix, &y, &vec![1.0; y.len()], None)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            model: EdgeModel::build(n, edges),
            booster,
        })
    }

    /// Predicted ratings (−1…+1) for `(src, dst)` pairs.
    pub fn predict(&self, pairs: &[(u32, u32)]) -> Vec<f64> {
        if pairs.is_empty() {
            return Vec::new();
        }
        let rows: Vec<[f64; N_EDGE_FEATURES]> = pairs
            .iter()
            .map(|&(s, d)| self.model.features(s, d))
            .collect();
        let mut data = vec![0.0; rows.len() * N_EDGE_FEATURES];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                data[c * rows.len() + r] = *v;
            }
        }
        let matrix = Matrix::new(&data, rows.len(), N_EDGE_FEATURES);
        self.booster
            .predict(&matrix, false)
            .into_iter()
            .map(|p| p.clamp(-1.0, 1.0))
            .collect()
    }
}

/// Trust from interactions, where there are no ratings: does the account answer those who
/// talk to it, and the questions they ask?
#[derive(Clone, Debug, PartialEq)]
pub struct InteractionTrust {
    /// Distinct accounts that replied to, mentioned or quoted it.
    pub talkers: u32,
    /// Of those, how many it replied to or mentioned at or after their first message.
    pub answered: u32,
    /// Messages to it that ask a question (carry a "?").
    pub questions: u32,
    /// Of those, how many it answered (replied to or mentioned the asker at or after).
    pub questions_answered: u32,
}

impl InteractionTrust {
    pub fn reciprocity(&self) -> Option<f64> {
        (self.talkers > 0).then(|| f64::from(self.answered) / f64::from(self.talkers))
    }

    pub fn response_rate(&self) -> Option<f64> {
        (self.questions > 0).then(|| f64::from(self.questions_answered) / f64::from(self.questions))
    }
}

/// Interaction trust of every account. `is_question(post)` says whether the post carrying an
/// engagement asks a question. Untimed messages count as answered by any answer.
pub fn interaction_trust(
    n: usize,
    events: &[crate::Engagement],
    is_question: impl Fn(Option<u32>) -> bool,
) -> Vec<InteractionTrust> {
    use socialset_model::InteractionKind::{Mention, Quote, Reply};
    let talk = |e: &crate::Engagement| matches!(e.kind, Reply | Mention | Quote) && e.src != e.dst;
    // Earliest and latest time each ordered pair talked (None: untimed).
    let mut pairs: Vec<(u32, u32, i64)> = events
        .iter()
        .filter(|e| talk(e))
        .map(|e| (e.src.0, e.dst.0, e.at.map_or(i64::MIN, |t| t.epoch_ms())))
        .collect();
    pairs.sort_unstable();
    // Latest time a talked to b.
    let latest = |a: u32, b: u32| -> Option<i64> {
        let lo = pairs.partition_point(|p| (p.0, p.1) < (a, b));
        let hi = pairs.partition_point(|p| (p.0, p.1) <= (a, b));
        (lo < hi).then(|| pairs[hi - 1].2)
    };
    let mut out = vec![
        InteractionTrust {
            talkers: 0,
            answered: 0,
            questions: 0,
            questions_answered: 0,
        };
        n
    ];
    // Distinct talkers: the first message of each (src, dst) pair.
    let mut k = 0;
    while k < pairs.len() {
        let (src, dst, first) = pairs[k];
        let t = &mut out[dst as usize];
        t.talkers += 1;
        if latest(dst, src)
            .is_some_and(|back| first == i64::MIN || back == i64::MIN || back >= first)
        {
            t.answered += 1;
        }
        while k < pairs.len() && (pairs[k].0, pairs[k].1) == (src, dst) {
            k += 1;
        }
    }
    for e in events.iter().filter(|e| talk(e) && is_question(e.post)) {
        let t = &mut out[e.dst.0 as usize];
        t.questions += 1;
        let asked = e.at.map_or(i64::MIN, |t| t.epoch_ms());
        if latest(e.dst.0, e.src.0)
            .is_some_and(|back| asked == i64::MIN || back == i64::MIN || back >= asked)
        {
            t.questions_answered += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(src: u32, dst: u32, value: f64) -> RatingEdge {
        RatingEdge { src, dst, value }
    }

    #[test]
    fn interaction_trust_by_hand() {
        use socialset_model::{AccountIdx, InteractionKind, Timestamp};
        let ev = |src: u32, dst: u32, kind: InteractionKind, minute: i64, post: Option<u32>| {
            crate::Engagement {
                src: AccountIdx(src),
                dst: AccountIdx(dst),
                kind,
                weight: 1.0,
                at: Timestamp::from_epoch_ms(minute * 60_000),
                post,
            }
        };
        // 1 asks 0 a question (post 7) and 0 answers; 2 replies to 0 and is ignored;
        // 3 shares 0's post (not talk); 0 mentioned 4 before 4 wrote (not an answer).
        let events = [
            ev(1, 0, InteractionKind::Reply, 10, Some(7)),
            ev(0, 1, InteractionKind::Reply, 12, None),
            ev(2, 0, InteractionKind::Reply, 20, Some(8)),
            ev(3, 0, InteractionKind::Share, 30, None),
            ev(0, 4, InteractionKind::Mention, 1, None),
            ev(4, 0, InteractionKind::Mention, 40, Some(7)),
        ];
        let t = interaction_trust(5, &events, |p| p == Some(7));
        assert_eq!((t[0].talkers, t[0].answered), (3, 1));
        assert_eq!((t[0].questions, t[0].questions_answered), (2, 1));
        assert_eq!(t[0].reciprocity(), Some(1.0 / 3.0));
        assert_eq!(t[0].response_rate(), Some(0.5));
        assert_eq!(t[3].reciprocity(), None, "nobody talked to 3");
    }

    #[test]
    fn fairness_and_goodness_by_hand() {
        // 0 and 1 both rate 2 at +1; 3 rates 2 at −1. Account 4 is isolated.
        let edges = [e(0, 2, 1.0), e(1, 2, 1.0), e(3, 2, -1.0)];
        let fg = fairness_goodness(5, &edges, 1000, 1e-12);
        assert!(fg.converged);
        let (f, g) = (&fg.fairness, &fg.goodness);
        // At the fixed point: g2 = (f0 + f1 − f3)/3 with f0 = f1 = 1 − |1 − g2|/2 and
        // f3 = 1 − |−1 − g2|/2; solving gives g2 = 1/3, f0 = f1 = 2/3, f3 = 1/3.
        assert!((g[2] - 1.0 / 3.0).abs() < 1e-9, "{g:?}");
        assert!(
            (f[0] - 2.0 / 3.0).abs() < 1e-9 && (f[1] - f[0]).abs() < 1e-12,
            "{f:?}"
        );
        assert!((f[3] - 1.0 / 3.0).abs() < 1e-9, "{f:?}");
        // Unrated accounts have goodness 0; accounts that rated nobody are fair.
        assert_eq!((g[0], g[4], f[2], f[4]), (0.0, 0.0, 1.0, 1.0));
        assert!((fg.predict(3, 2) - 1.0 / 9.0).abs() < 1e-9);
    }

    #[test]
    fn leave_one_out_matches_recomputing_without_the_rating() {
        let edges = [
            e(0, 2, 1.0),
            e(1, 2, 0.5),
            e(3, 2, -1.0),
            e(2, 0, 0.8),
            e(1, 0, 0.2),
            e(3, 1, -0.4),
        ];
        let loo = loo_fairness_goodness(4, &edges, 10_000, 1e-13);
        for (i, left) in edges.iter().enumerate() {
            let rest: Vec<RatingEdge> = edges
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, e)| *e)
                .collect();
            let fresh = fairness_goodness(4, &rest, 10_000, 1e-13);
            assert!(
                (loo[i] - fresh.predict(left.src, left.dst)).abs() < 1e-9,
                "rating {i}"
            );
        }
    }

    #[test]
    fn eigentrust_follows_positive_ratings_from_the_pretrusted() {
        // 0 (pre-trusted) trusts 1; 1 trusts 2; 2 distrusts 1; 3 rates nobody.
        let edges = [e(0, 1, 1.0), e(1, 2, 0.5), e(2, 1, -1.0)];
        let t = eigentrust(4, &edges, &[0], 0.15, 1000, 1e-14);
        assert!((t.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(t[1] > t[3] && t[2] > t[3], "{t:?}");
        assert_eq!(t[3], 0.0, "nobody vouches for 3 and it is not pre-trusted");
        // A negative rating never transfers trust: 2's only rating is negative, so its trust
        // goes back to the pre-trusted account.
        let without = eigentrust(4, &edges[..2], &[0], 0.15, 1000, 1e-14);
        assert!((t[1] - without[1]).abs() < 1e-12);
        // No pre-trusted accounts: the teleport is uniform.
        let uniform = eigentrust(4, &edges, &[], 0.15, 1000, 1e-14);
        assert!(uniform[3] > 0.0);
    }

    #[test]
    fn the_predictor_learns_a_planted_pattern_and_stays_in_range() {
        // Accounts 0..10 are liked (+0.8 by everyone), 10..20 disliked (−0.6).
        let mut edges = Vec::new();
        let mut rng = SplitMix64::new(3);
        for _ in 0..600 {
            let src = 20 + rng.below(30) as u32;
            let dst = rng.below(20) as u32;
            edges.push(e(src, dst, if dst < 10 { 0.8 } else { -0.6 }));
        }
        let p = TrustPredictor::fit(50, &edges, 5, 1).expect("fit");
        let out = p.predict(&[(21, 3), (22, 15), (49, 0)]);
        assert!(out[0] > 0.5 && out[1] < -0.3 && out[2] > 0.5, "{out:?}");
        assert!(out.iter().all(|v| (-1.0..=1.0).contains(v)));
        assert!(TrustPredictor::fit(50, &edges[..5], 5, 1).is_err());
    }
}
