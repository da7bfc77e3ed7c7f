//! Agreement between a ranking and what happened: Spearman's rank correlation and
//! precision@k, for the influence evaluation.

/// Ranks of `values` (1 = smallest), ties sharing their average rank.
fn average_ranks(values: &[f64]) -> Vec<f64> {
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
