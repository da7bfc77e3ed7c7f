//! Measures of a partition: modularity, and agreement between two partitions (NMI, ARI).

use crate::Csr;

/// Newman–Girvan modularity with resolution γ of a partition of an undirected graph (as built
/// by `Csr::undirected`): Σ_c [ e_c/m − γ (K_c/2m)² ]. The same function scores every
/// partition, ours and the peers', so the figures compare.
pub fn modularity(g: &Csr, membership: &[u32], resolution: f64) -> f64 {
    let k = membership
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut inside = vec![0.0f64; k];
    let mut total = vec![0.0f64; k];
    let mut two_m = 0.0;
    for v in 0..g.n_nodes() as u32 {
        let c = membership[v as usize] as usize;
        for (u, w) in g.out_edges(v) {
            let w = f64::from(w);
            two_m += w;
            total[c] += w;
            if membership[u as usize] as usize == c {
                inside[c] += w;
            }
        }
    }
    if two_m == 0.0 {
        return 0.0;
    }
    (0..k)
        .map(|c| inside[c] / two_m - resolution * (total[c] / two_m).powi(2))
        .sum()
}

/// The contingency table of two labelings: the non-empty cells (a-label, b-label, count),
/// sorted so that sums over them are deterministic, and the count of each label (by label).
struct Contingency {
    cells: Vec<(u32, u32, u64)>,
    rows: Vec<u64>,
    cols: Vec<u64>,
}

fn contingency(a: &[u32], b: &[u32]) -> Contingency {
    let ka = a.iter().map(|&x| x as usize + 1).max().unwrap_or(0);
    let kb = b.iter().map(|&x| x as usize + 1).max().unwrap_or(0);
    let mut rows = vec![0u64; ka];
    let mut cols = vec![0u64; kb];
    for (&x, &y) in a.iter().zip(b) {
        rows[x as usize] += 1;
        cols[y as usize] += 1;
    }
    let mut pairs: Vec<(u32, u32)> = a.iter().copied().zip(b.iter().copied()).collect();
    pairs.sort_unstable();
    let mut cells: Vec<(u32, u32, u64)> = Vec::new();
    for p in pairs {
        match cells.last_mut() {
            Some((x, y, count)) if (*x, *y) == p => *count += 1,
            _ => cells.push((p.0, p.1, 1)),
        }
    }
    Contingency { cells, rows, cols }
}

/// Normalised mutual information, arithmetic-mean normalisation (scikit-learn's default):
/// 2·I(A;B) / (H(A) + H(B)); 1 for identical partitions. Both trivial: 1.
pub fn nmi(a: &[u32], b: &[u32]) -> f64 {
    assert_eq!(a.len(), b.len(), "partitions of different node sets");
    let n = a.len() as f64;
    if n == 0.0 {
        return 1.0;
    }
    let Contingency { cells, rows, cols } = contingency(a, b);
    let entropy = |counts: &[u64]| -> f64 {
        counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| c as f64 / n)
            .map(|p| -p * p.ln())
            .sum()
    };
    let (ha, hb) = (entropy(&rows), entropy(&cols));
    if ha + hb == 0.0 {
        return 1.0;
    }
    let mi: f64 = cells
        .iter()
        .map(|&(x, y, count)| {
            let nij = count as f64;
            (nij / n) * ((nij * n) / (rows[x as usize] as f64 * cols[y as usize] as f64)).ln()
        })
        .sum();
    (2.0 * mi / (ha + hb)).clamp(0.0, 1.0)
}

/// Adjusted Rand index (Hubert and Arabie 1985): 1 for identical partitions, about 0 for
/// independent ones.
pub fn ari(a: &[u32], b: &[u32]) -> f64 {
    assert_eq!(a.len(), b.len(), "partitions of different node sets");
    let pairs = |x: u64| (x * x.saturating_sub(1)) as f64 / 2.0;
    let Contingency { cells, rows, cols } = contingency(a, b);
    let index: f64 = cells.iter().map(|&(_, _, c)| pairs(c)).sum();
    let sum_rows: f64 = rows.iter().map(|&c| pairs(c)).sum();
    let sum_cols: f64 = cols.iter().map(|&c| pairs(c)).sum();
    let total = pairs(a.len() as u64);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sum_rows * sum_cols / total;
    let max = (sum_rows + sum_cols) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one_whatever_the_labels() {
        let a = [0, 0, 1, 1, 2, 2];
        let b = [5, 5, 3, 3, 0, 0];
        assert!((nmi(&a, &b) - 1.0).abs() < 1e-12);
        assert!((ari(&a, &b) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn known_values_from_scikit_learn() {
        // sklearn.metrics: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714,
        // normalized_mutual_info_score(...) = 0.8
        let a = [0, 0, 1, 1];
        let b = [0, 0, 1, 2];
        assert!(
            (ari(&a, &b) - 0.571_428_571_4).abs() < 1e-9,
            "{}",
            ari(&a, &b)
        );
        assert!((nmi(&a, &b) - 0.8).abs() < 1e-9, "{}", nmi(&a, &b));
    }
}
