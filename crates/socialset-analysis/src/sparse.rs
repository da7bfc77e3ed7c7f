//! Linear models over sparse binary features, as the sentiment and stance models train them:
//! the vocabulary (features kept, each example as the indexes of its features) and AdaGrad
//! with L2 on `K` outputs.

use std::collections::HashMap;

/// The features kept (`keep(name, examples holding it)`), sorted by name, and each example's
/// features as indexes into them.
pub(crate) fn vocabulary(
    feats: &[Vec<String>],
    keep: impl Fn(&str, usize) -> bool,
) -> (Vec<&str>, Vec<Vec<usize>>) {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for f in feats {
        for x in f {
            *count.entry(x.as_str()).or_default() += 1;
        }
    }
    let mut vocab: Vec<&str> = count
        .iter()
        .filter(|(k, &c)| keep(k, c))
        .map(|(k, _)| *k)
        .collect();
    vocab.sort_unstable();
    let index: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let rows = feats
        .iter()
        .map(|f| {
            f.iter()
                .filter_map(|x| index.get(x.as_str()).copied())
                .collect()
        })
        .collect();
    (vocab, rows)
}

/// Weights of `K` outputs over a vocabulary, learned by AdaGrad with an L2 penalty.
pub(crate) struct AdaGrad<const K: usize> {
    pub w: Vec<[f64; K]>,
    pub b: [f64; K],
    g2: Vec<[f64; K]>,
    b2: [f64; K],
    rate: f64,
    l2: f64,
}

impl<const K: usize> AdaGrad<K> {
    pub fn new(features: usize, rate: f64, l2: f64) -> Self {
        Self {
            w: vec![[0.0; K]; features],
            b: [0.0; K],
            g2: vec![[1e-8; K]; features],
            b2: [1e-8; K],
            rate,
            l2,
        }
    }

    /// Output `c`'s logit for an example with the features `row`.
    pub fn logit(&self, row: &[usize], c: usize) -> f64 {
        self.b[c] + row.iter().map(|&j| self.w[j][c]).sum::<f64>()
    }

    /// One step on output `c` for an example with the features `row`, whose (weighted) error
    /// on that output is `err`.
    pub fn step(&mut self, row: &[usize], c: usize, err: f64) {
        self.b2[c] += err * err;
        self.b[c] -= self.rate * err / self.b2[c].sqrt();
        for &j in row {
            let grad = err + self.l2 * self.w[j][c];
            self.g2[j][c] += grad * grad;
            self.w[j][c] -= self.rate * grad / self.g2[j][c].sqrt();
        }
    }
}
