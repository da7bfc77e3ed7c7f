//! Credibility of claims: a multinomial logistic regression over named binary features (a
//! claim's words, cues, author, early spread, the stance of its replies and its accounts'
//! history, numbers cut into bins by `bin`), trained with the labels weighed alike; with each
//! call, the features that pulled hardest towards it, like the audit's reasons.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use socialset_graph::SplitMix64;

use crate::sparse::{vocabulary, AdaGrad};

/// At most this many labels (true, false, unverified, non-rumour).
pub const MAX_LABELS: usize = 4;

/// The bin of `x` among ascending `edges`: `name<e` for the first edge above it, else
/// `name>=last`.
pub fn bin(name: &str, x: f64, edges: &[f64]) -> String {
    match edges.iter().find(|&&e| x < e) {
        Some(e) => format!("{name}<{e}"),
        None => format!("{name}>={}", edges.last().copied().unwrap_or(0.0)),
    }
}

/// How to train.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredibilityConfig {
    pub epochs: usize,
    pub learning_rate: f64,
    pub l2: f64,
    pub seed: u64,
    /// Features seen in fewer training claims are dropped.
    pub min_count: usize,
}

impl Default for CredibilityConfig {
    /// Fixed before any figure (the stance model's rate and passes, features seen in two
    /// claims or more): with a few hundred labelled claims there is nothing to tune on that
    /// would not be tuned on the test.
    fn default() -> Self {
        Self {
            epochs: 20,
            learning_rate: 0.01,
            l2: 1e-4,
            seed: 7,
            min_count: 2,
        }
    }
}

/// A trained model: its labels, and weights per feature for each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredibilityModel {
    pub labels: Vec<String>,
    pub bias: Vec<f64>,
    pub weights: BTreeMap<String, Vec<f64>>,
}

/// A claim's call: the likeliest label, each label's chance, and the features that pulled
/// hardest towards the call (against the mean of the other labels), largest first.
#[derive(Clone, Debug, PartialEq)]
pub struct CredibilityCall {
    pub label: usize,
    pub chances: Vec<f64>,
    pub reasons: Vec<(String, f64)>,
}

fn softmax(z: &[f64]) -> Vec<f64> {
    let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|x| (x - top).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|x| x / sum).collect()
}

impl CredibilityModel {
    /// Trains on claims' features `rows` with labels `y` (indexes into `labels`, at most
    /// `MAX_LABELS`).
    pub fn train(
        rows: &[Vec<String>],
        y: &[usize],
        labels: &[String],
        config: &CredibilityConfig,
    ) -> Self {
        let k = labels.len().min(MAX_LABELS);
        let (vocab, idx) = vocabulary(rows, |_, c| c >= config.min_count);
        let mut model = AdaGrad::<MAX_LABELS>::new(vocab.len(), config.learning_rate, config.l2);
        let mut per = [0usize; MAX_LABELS];
        for &c in y {
            per[c.min(k - 1)] += 1;
        }
        let present = per.iter().filter(|&&c| c > 0).count().max(1);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut rng = SplitMix64::new(config.seed);
        for _ in 0..config.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let row = &idx[i];
                let z: Vec<f64> = (0..k).map(|c| model.logit(row, c)).collect();
                let p = softmax(&z);
                let yi = y[i].min(k - 1);
                let weight = rows.len() as f64 / (present * per[yi]) as f64;
                for (c, pc) in p.iter().enumerate() {
                    let err = weight * (pc - f64::from(u8::from(c == yi)));
                    model.step(row, c, err);
                }
            }
        }
        Self {
            labels: labels[..k].to_vec(),
            bias: model.b[..k].to_vec(),
            weights: vocab
                .iter()
                .zip(&model.w)
                .filter(|(_, w)| w[..k].iter().any(|v| v.abs() > 1e-6))
                .map(|(name, w)| ((*name).to_owned(), w[..k].to_vec()))
                .collect(),
        }
    }

    /// The call on a claim with features `row`, with up to `reasons` reasons.
    pub fn predict(&self, row: &[String], reasons: usize) -> CredibilityCall {
        let k = self.labels.len();
        let mut z = self.bias.clone();
        let mut hits: Vec<(&str, &Vec<f64>)> = Vec::new();
        for f in row {
            if let Some(w) = self.weights.get(f) {
                for (zc, wc) in z.iter_mut().zip(w) {
                    *zc += wc;
                }
                hits.push((f, w));
            }
        }
        let chances = softmax(&z);
        let label = (0..k)
            .max_by(|&a, &b| chances[a].total_cmp(&chances[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        let mut why: Vec<(String, f64)> = hits
            .into_iter()
            .map(|(name, w)| {
                let others = (0..k).filter(|&c| c != label).map(|c| w[c]).sum::<f64>()
                    / (k.max(2) - 1) as f64;
                (name.to_owned(), w[label] - others)
            })
            .filter(|(_, pull)| *pull > 0.0)
            .collect();
        why.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        why.truncate(reasons);
        CredibilityCall {
            label,
            chances,
            reasons: why,
        }
    }
}

/// Calls against labels: `cells[gold][called]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confusion {
    pub cells: Vec<Vec<usize>>,
}

impl Confusion {
    pub fn new(k: usize) -> Self {
        Self {
            cells: vec![vec![0; k]; k],
        }
    }

    pub fn of(gold: &[usize], called: &[usize], k: usize) -> Self {
        let mut c = Self::new(k);
        for (&g, &p) in gold.iter().zip(called) {
            c.cells[g][p] += 1;
        }
        c
    }

    pub fn add(&mut self, other: &Self) {
        for (row, o) in self.cells.iter_mut().zip(&other.cells) {
            for (x, y) in row.iter_mut().zip(o) {
                *x += y;
            }
        }
    }

    pub fn total(&self) -> usize {
        self.cells.iter().flatten().sum()
    }

    pub fn accuracy(&self) -> f64 {
        let right: usize = (0..self.cells.len()).map(|c| self.cells[c][c]).sum();
        right as f64 / self.total().max(1) as f64
    }

    /// F1 of label `c` (0 when it is neither present nor called).
    pub fn f1(&self, c: usize) -> f64 {
        let called: usize = self.cells.iter().map(|row| row[c]).sum();
        let gold: usize = self.cells[c].iter().sum();
        if called + gold == 0 {
            return 0.0;
        }
        2.0 * self.cells[c][c] as f64 / (called + gold) as f64
    }

    /// F1 averaged over the labels.
    pub fn macro_f1(&self) -> f64 {
        let k = self.cells.len();
        (0..k).map(|c| self.f1(c)).sum::<f64>() / k.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_labels_from_their_features_and_gives_reasons() {
        let labels: Vec<String> = ["true", "false", "unverified"].map(String::from).to_vec();
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..30 {
            rows.push(vec!["author:verified".to_owned(), format!("w:{i}")]);
            y.push(0);
            rows.push(vec!["replies:deny>=0.25".to_owned(), format!("w:{i}")]);
            y.push(1);
            rows.push(vec!["text:question".to_owned(), format!("w:{i}")]);
            y.push(2);
        }
        let m = CredibilityModel::train(&rows, &y, &labels, &CredibilityConfig::default());
        let call = m.predict(&["replies:deny>=0.25".to_owned()], 3);
        assert_eq!(m.labels[call.label], "false");
        assert_eq!(call.reasons[0].0, "replies:deny>=0.25");
        assert!((call.chances.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(m.predict(&["author:verified".to_owned()], 3).label, 0);
        // A feature seen in one training claim only is dropped (min count 2).
        let mut once = rows.clone();
        once[0].push("only-here".to_owned());
        let m2 = CredibilityModel::train(&once, &y, &labels, &CredibilityConfig::default());
        assert!(!m2.weights.contains_key("only-here"));
        assert!(m2.weights.contains_key("author:verified"));
        let c = Confusion::of(&[0, 0, 1, 2], &[0, 1, 1, 1], 3);
        assert!((c.accuracy() - 0.5).abs() < 1e-12);
        // F1: label 0 has 2/3, label 1 has 2/4 = 0.5, label 2 has 0.
        assert!((c.macro_f1() - (2.0 / 3.0 + 0.5) / 3.0).abs() < 1e-12);
        assert_eq!(bin("x", 0.5, &[1.0, 5.0]), "x<1");
        assert_eq!(bin("x", 7.0, &[1.0, 5.0]), "x>=5");
    }
}
