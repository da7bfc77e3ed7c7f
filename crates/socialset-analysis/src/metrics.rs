//! Agreement between a ranking and what happened: Spearman's rank correlation and
//! precision@k, for the influence evaluation.

/// Ranks of `values` (1 = smallest), ties sharing their average rank.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's ρ: the Pearson correlation of the tie-averaged ranks. `None` when either side
/// is constant (the correlation is undefined).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    assert_eq!(x.len(), y.len(), "spearman needs paired values");
    let (rx, ry) = (average_ranks(x), average_ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let mut cov = 0.0;
    let mut vx = 0.0;
    let mut vy = 0.0;
    for (a, b) in rx.iter().zip(&ry) {
        cov += (a - mx) * (b - my);
        vx += (a - mx).powi(2);
        vy += (b - my).powi(2);
    }
    (vx > 0.0 && vy > 0.0).then(|| cov / (vx * vy).sqrt())
}

/// The indices of the `k` largest values, ties broken by lower index.
pub fn top_k(values: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order.truncate(k);
    order
}

/// Share of the `k` items predicted highest that are among the `k` truly highest.
pub fn precision_at_k(predicted: &[f64], truth: &[f64], k: usize) -> f64 {
    let k = k.min(predicted.len());
    if k == 0 {
        return 0.0;
    }
    let truth_top: std::collections::HashSet<usize> = top_k(truth, k).into_iter().collect();
    let hits = top_k(predicted, k)
        .into_iter()
        .filter(|i| truth_top.contains(i))
        .count();
    hits as f64 / k as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_matches_known_values() {
        // scipy.stats.spearmanr([1,2,3,4,5],[5,6,7,8,7]) = 0.8207826816681233
        let rho =
            spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]).expect("defined");
        assert!((rho - 0.820_782_681_668_123_3).abs() < 1e-12, "{rho}");
        assert_eq!(spearman(&[1.0, 2.0], &[3.0, 3.0]), None);
        let perfect = spearman(&[3.0, 1.0, 2.0], &[30.0, 10.0, 20.0]).expect("defined");
        assert!((perfect - 1.0).abs() < 1e-12);
    }

    #[test]
    fn precision_counts_shared_top_items() {
        let predicted = [0.9, 0.8, 0.1, 0.7];
        let truth = [10.0, 0.0, 5.0, 7.0];
        assert_eq!(top_k(&truth, 2), vec![0, 3]);
        assert!((precision_at_k(&predicted, &truth, 2) - 0.5).abs() < 1e-12);
        assert!((precision_at_k(&predicted, &truth, 4) - 1.0).abs() < 1e-12);
    }
}

/// The median (the mean of the middle two for an even count); `NaN` when empty. Sorts `v`.
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// A well-mixed hash of `x` (SplitMix64's finaliser): seeded orders and samples.
pub fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Area under the ROC curve of `scores` for `positive` labels (Mann–Whitney U with tied
/// scores counted half). `None` when one class is absent.
pub fn roc_auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    let pos = positive.iter().filter(|&&p| p).count() as f64;
    let neg = positive.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return None;
    }
    let ranks = average_ranks(scores);
    let rank_sum: f64 = ranks
        .iter()
        .zip(positive)
        .filter(|(_, &p)| p)
        .map(|(r, _)| r)
        .sum();
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// Precision, recall and F1 of calling `score >= threshold` positive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Classification {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Precision, recall and F1 at a threshold (0 where undefined).
pub fn classification(scores: &[f64], positive: &[bool], threshold: f64) -> Classification {
    let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
    for (&s, &p) in scores.iter().zip(positive) {
        match (s >= threshold, p) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fneg += 1.0,
            (false, false) => {}
        }
    }
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let precision = div(tp, tp + fp);
    let recall = div(tp, tp + fneg);
    Classification {
        precision,
        recall,
        f1: div(2.0 * precision * recall, precision + recall),
    }
}

/// Brier score: mean squared distance of probabilities from the outcomes (0 is perfect,
/// 0.25 is a coin).
pub fn brier(probabilities: &[f64], positive: &[bool]) -> f64 {
    let n = probabilities.len().max(1) as f64;
    probabilities
        .iter()
        .zip(positive)
        .map(|(&p, &y)| (p - f64::from(u8::from(y))).powi(2))
        .sum::<f64>()
        / n
}

/// A fold number in `0..k` for each item, stratified: each class is shuffled (seeded) and
/// dealt round the folds, so every fold holds the classes in the same proportion.
pub fn stratified_folds(positive: &[bool], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut rng = socialset_graph::SplitMix64::new(seed);
    let mut folds = vec![0; positive.len()];
    let mut next = 0;
    for class in [true, false] {
        let mut members: Vec<usize> = (0..positive.len())
            .filter(|&i| positive[i] == class)
            .collect();
        rng.shuffle(&mut members);
        for i in members {
            folds[i] = next % k;
            next += 1;
        }
    }
    folds
}

/// A fold number in `0..k` for each item that keeps together what would flatter a
/// cross-validation if split: every item of a `group` (near-duplicates, retweets of one text)
/// in one fold, and periods of time together, each fold a block of consecutive `order` keys
/// (times, or ids that grow with time). Groups go in the order of their earliest item; a group
/// starts fold ⌊(items before it)·k / n⌋, so the folds are as even as whole groups allow.
pub fn grouped_blocked_folds(groups: &[usize], order: &[u64], k: usize) -> Vec<usize> {
    let n = groups.len();
    let k = k.max(1);
    let mut earliest: std::collections::HashMap<usize, (u64, usize, usize)> = Default::default();
    for (i, (&g, &key)) in groups.iter().zip(order).enumerate() {
        let e = earliest.entry(g).or_insert((key, i, 0));
        if (key, i) < (e.0, e.1) {
            (e.0, e.1) = (key, i);
        }
        e.2 += 1;
    }
    let mut by_time: Vec<(u64, usize, usize, usize)> = earliest
        .into_iter()
        .map(|(g, (key, first, size))| (key, first, g, size))
        .collect();
    by_time.sort_unstable();
    let mut fold_of = std::collections::HashMap::new();
    let mut before = 0usize;
    for (_, _, g, size) in by_time {
        fold_of.insert(g, (before * k / n.max(1)).min(k - 1));
        before += size;
    }
    groups.iter().map(|g| fold_of[g]).collect()
}

#[cfg(test)]
mod classifier_tests {
    use super::*;

    #[test]
    fn no_near_duplicate_crosses_folds() {
        // Real shapes of SENTIPOLC's duplicates: a retweet, the same text with another link.
        let texts = [
            "Monti: la crisi non è finita, serve ancora rigore http://t.co/aaa",
            "Oggi pioggia su tutta Roma, traffico bloccato",
            "Il nuovo governo giura al Quirinale stamattina",
            "Sciopero dei treni domani, disagi previsti",
            "RT @tg: Monti: la crisi non è finita, serve ancora rigore",
            "Partita noiosa ieri sera, zero a zero",
            "Monti: la crisi non è finita, serve ancora rigore http://t.co/bbb via @corriere",
            "Nuove tasse sulla casa, proteste in piazza",
        ];
        let groups = crate::near_duplicate_groups(&texts, &Default::default());
        assert_eq!(groups[0], groups[4]);
        assert_eq!(groups[0], groups[6]);
        assert_eq!(
            groups
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len(),
            6
        );
        let order: Vec<u64> = (0..texts.len() as u64).collect();
        let folds = grouped_blocked_folds(&groups, &order, 4);
        for i in 0..texts.len() {
            for j in 0..texts.len() {
                if groups[i] == groups[j] {
                    assert_eq!(folds[i], folds[j], "{} and {} split", texts[i], texts[j]);
                }
            }
        }
        assert!(folds.contains(&3), "every fold is used: {folds:?}");
    }

    #[test]
    fn grouped_blocked_folds_keep_groups_whole_and_periods_together() {
        // Ten items in time order; items 1 and 8 are one group (a retweet much later).
        let groups = [0, 1, 2, 3, 4, 5, 6, 7, 1, 9];
        let order: Vec<u64> = (0..10).collect();
        let folds = grouped_blocked_folds(&groups, &order, 5);
        assert_eq!(folds[1], folds[8], "a group is never split");
        // Blocks in time: the folds never go back.
        let by_time: Vec<usize> = (0..10).filter(|&i| i != 8).map(|i| folds[i]).collect();
        assert!(by_time.windows(2).all(|w| w[0] <= w[1]), "{folds:?}");
        assert_eq!(folds, vec![0, 0, 1, 2, 2, 3, 3, 4, 0, 4]);
        // Order keys out of item order are followed.
        let folds = grouped_blocked_folds(&[0, 1, 2, 3], &[40, 30, 20, 10], 2);
        assert_eq!(folds, vec![1, 1, 0, 0]);
    }

    #[test]
    fn auc_counts_ties_half_and_orders_right() {
        assert_eq!(
            roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
            Some(0.75)
        );
        assert_eq!(roc_auc(&[0.5, 0.5], &[true, false]), Some(0.5));
        assert_eq!(roc_auc(&[0.5], &[true]), None);
    }

    #[test]
    fn precision_recall_brier_by_hand() {
        let c = classification(&[0.9, 0.6, 0.4, 0.2], &[true, false, true, false], 0.5);
        assert_eq!((c.precision, c.recall, c.f1), (0.5, 0.5, 0.5));
        assert!((brier(&[1.0, 0.0, 0.5], &[true, false, true]) - 0.25 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn folds_are_stratified_and_seeded() {
        let labels: Vec<bool> = (0..100).map(|i| i % 4 == 0).collect();
        let folds = stratified_folds(&labels, 5, 7);
        for f in 0..5 {
            let members: Vec<usize> = (0..100).filter(|&i| folds[i] == f).collect();
            assert_eq!(members.len(), 20);
            assert_eq!(members.iter().filter(|&&i| labels[i]).count(), 5);
        }
        assert_eq!(folds, stratified_folds(&labels, 5, 7));
        assert_ne!(folds, stratified_folds(&labels, 5, 8));
    }
}
