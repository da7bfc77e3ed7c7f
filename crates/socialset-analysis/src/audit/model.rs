//! The bot / fake-account classifier: gradient-boosted trees (forust-ml, XGBoost-style) on the
//! audit features. Chosen over a random forest because boosted trees treat a missing feature
//! as its own branch, learned from the data, where the forest crates need every value filled;
//! and because forust gives exact Shapley contributions, which become each account's reasons.

use forust_ml::gradientbooster::{ContributionsMethod, ImportanceMethod};
use forust_ml::{GradientBooster, Matrix};
use serde::{Deserialize, Serialize};

use super::features::{FeatureRow, FEATURES, MISSING_BLOCKS, N_FEATURES};

/// What can go wrong reading or training a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a socialset audit model: {0}")]
    Format(String),
    #[error("the model was made for features {found:?}, this version computes {expected:?}")]
    Features {
        found: Vec<String>,
        expected: Vec<String>,
    },
    #[error("cannot train: {0}")]
    Training(String),
}

/// How to train. The defaults are conventional settings for a few thousand rows (slow
/// learning rate, shallow trees, row and column subsampling), not tuned on any data set.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainParams {
    pub trees: usize,
    pub learning_rate: f32,
    pub max_depth: usize,
    pub subsample: f32,
    pub colsample: f64,
    pub seed: u64,
    /// Copies of each training row with blocks of features masked (each block with
    /// probability 1/2), so that the model learns what to say when a source lacks them
    /// instead of guessing down an untrained branch.
    pub masked_copies: usize,
}

impl Default for TrainParams {
    fn default() -> Self {
        Self {
            trees: 400,
            learning_rate: 0.03,
            max_depth: 4,
            subsample: 0.8,
            colsample: 0.8,
            seed: 42,
            masked_copies: 3,
        }
    }
}

/// One reason behind a probability: a feature, its value, and how far it moved the
/// log-odds of "bot" (positive: toward bot).
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    pub feature: usize,
    pub value: f64,
    pub contribution: f64,
}

const FORMAT: &str = "socialset-audit-model";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    version: u32,
    features: Vec<String>,
    trained_on: String,
    bots: usize,
    humans: usize,
    booster: GradientBooster,
}

/// A trained classifier, with what it was trained on.
pub struct AuditModel {
    booster: GradientBooster,
    pub trained_on: String,
    pub bots: usize,
    pub humans: usize,
}

impl std::fmt::Debug for AuditModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditModel")
            .field("trained_on", &self.trained_on)
            .field("bots", &self.bots)
            .field("humans", &self.humans)
            .field("trees", &self.booster.trees.len())
            .finish()
    }
}

/// Column-major copy of the rows, as forust reads them.
fn columns(rows: &[FeatureRow]) -> Vec<f64> {
    let mut data = vec![0.0; rows.len() * N_FEATURES];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            data[c * rows.len() + r] = *v;
        }
    }
    data
}

/// The rows, then `copies` seeded copies of each with every block of [`MISSING_BLOCKS`]
/// masked with probability 1/2.
fn with_masked_copies(
    rows: &[FeatureRow],
    bots: &[bool],
    copies: usize,
    seed: u64,
) -> (Vec<FeatureRow>, Vec<bool>) {
    let mut rng = socialset_graph::SplitMix64::new(seed ^ 0x6d61_736b);
    let mut out_rows = rows.to_vec();
    let mut out_bots = bots.to_vec();
    for _ in 0..copies {
        for (row, &bot) in rows.iter().zip(bots) {
            let mut copy = *row;
            for block in MISSING_BLOCKS {
                if rng.next_u64() & 1 == 1 {
                    for &f in block {
                        copy[f] = f64::NAN;
                    }
                }
            }
            out_rows.push(copy);
            out_bots.push(bot);
        }
    }
    (out_rows, out_bots)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl AuditModel {
    /// Trains on labelled rows (`true` = bot).
    pub fn train(
        rows: &[FeatureRow],
        bots: &[bool],
        params: &TrainParams,
        trained_on: &str,
    ) -> Result<Self, ModelError> {
        let n_bots = bots.iter().filter(|&&b| b).count();
        let n_humans = bots.len() - n_bots;
        if rows.len() != bots.len() {
            return Err(ModelError::Training(format!(
                "{} rows but {} labels",
                rows.len(),
                bots.len()
            )));
        }
        if n_bots < 2 || n_humans < 2 {
            return Err(ModelError::Training(format!(
                "need at least 2 bots and 2 humans, got {n_bots} bots and {n_humans} humans"
            )));
        }
        let (rows, bots) = with_masked_copies(rows, bots, params.masked_copies, params.seed);
        let data = columns(&rows);
        let matrix = Matrix::new(&data, rows.len(), N_FEATURES);
        let y: Vec<f64> = bots.iter().map(|&b| f64::from(u8::from(b))).collect();
        let weights = vec![1.0; rows.len()];
        let mut booster = GradientBooster::default()
            .set_iterations(params.trees)
            .set_learning_rate(params.learning_rate)
            .set_max_depth(params.max_depth)
            .set_subsample(params.subsample)
            .set_colsample_bytree(params.colsample)
            .set_seed(params.seed)
            .set_parallel(false);
        booster
            .fit(&matrix, &y, &weights, None)
            .map_err(|e| ModelError::Training(e.to_string()))?;
        Ok(Self {
            booster,
            trained_on: trained_on.to_owned(),
            bots: n_bots,
            humans: n_humans,
        })
    }

    /// Which features the trees split on: the evidence the model can use.
    pub fn used_features(&self) -> [bool; N_FEATURES] {
        let importance = self
            .booster
            .calculate_feature_importance(ImportanceMethod::Weight, false);
        let mut used = [false; N_FEATURES];
        for (f, u) in used.iter_mut().enumerate() {
            *u = importance.contains_key(&f);
        }
        used
    }

    /// The probability that each row is a bot.
    pub fn probabilities(&self, rows: &[FeatureRow]) -> Vec<f64> {
        if rows.is_empty() {
            return Vec::new();
        }
        let data = columns(rows);
        let matrix = Matrix::new(&data, rows.len(), N_FEATURES);
        self.booster
            .predict(&matrix, rows.len() > 4096)
            .into_iter()
            .map(sigmoid)
            .collect()
    }

    /// For each row, the `top` features that moved its score most (exact Shapley values of
    /// the trees), largest first; missing features can be reasons too ("no bio").
    pub fn reasons(&self, rows: &[FeatureRow], top: usize) -> Vec<Vec<Reason>> {
        // No reasons asked: no Shapley values computed (they cost about 0.4 ms a row).
        if rows.is_empty() || top == 0 {
            return vec![Vec::new(); rows.len()];
        }
        let data = columns(rows);
        let matrix = Matrix::new(&data, rows.len(), N_FEATURES);
        let contribs = self.booster.predict_contributions(
            &matrix,
            ContributionsMethod::Shapley,
            rows.len() > 4096,
        );
        rows.iter()
            .enumerate()
            .map(|(r, row)| {
                let c = &contribs[r * (N_FEATURES + 1)..r * (N_FEATURES + 1) + N_FEATURES];
                let mut reasons: Vec<Reason> = c
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.abs() > 1e-9)
                    .map(|(feature, &contribution)| Reason {
                        feature,
                        value: row[feature],
                        contribution,
                    })
                    .collect();
                reasons.sort_by(|a, b| {
                    b.contribution
                        .abs()
                        .total_cmp(&a.contribution.abs())
                        .then(a.feature.cmp(&b.feature))
                });
                reasons.truncate(top);
                reasons
            })
            .collect()
    }

    /// The model as JSON, the format of a model file.
    pub fn to_json(&self) -> Result<String, ModelError> {
        #[derive(Serialize)]
        struct Out<'a> {
            format: &'a str,
            version: u32,
            features: Vec<&'a str>,
            trained_on: &'a str,
            bots: usize,
            humans: usize,
            booster: &'a GradientBooster,
        }
        serde_json::to_string(&Out {
            format: FORMAT,
            version: VERSION,
            features: FEATURES.iter().map(|f| f.name).collect(),
            trained_on: &self.trained_on,
            bots: self.bots,
            humans: self.humans,
            booster: &self.booster,
        })
        .map_err(|e| ModelError::Format(e.to_string()))
    }

    /// Reads a model file's text; refuses a model made for other features.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        let file: ModelFile =
            serde_json::from_str(text).map_err(|e| ModelError::Format(e.to_string()))?;
        if file.format != FORMAT {
            return Err(ModelError::Format(format!(
                "format is {:?}, expected {FORMAT:?}",
                file.format
            )));
        }
        if file.version != VERSION {
            return Err(ModelError::Format(format!(
                "version {} (this build reads version {VERSION})",
                file.version
            )));
        }
        let expected: Vec<String> = FEATURES.iter().map(|f| f.name.to_owned()).collect();
        if file.features != expected {
            return Err(ModelError::Features {
                found: file.features,
                expected,
            });
        }
        Ok(Self {
            booster: file.booster,
            trained_on: file.trained_on,
            bots: file.bots,
            humans: file.humans,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> (Vec<FeatureRow>, Vec<bool>) {
        let mut rows = Vec::new();
        let mut bots = Vec::new();
        for i in 0..60 {
            let bot = i % 2 == 0;
            let mut r = [f64::NAN; N_FEATURES];
            r[4] = if bot { 200.0 } else { 5.0 } + f64::from(i);
            r[9] = if bot { 0.9 } else { 0.2 };
            rows.push(r);
            bots.push(bot);
        }
        (rows, bots)
    }

    #[test]
    fn a_model_survives_its_file_and_refuses_other_features() {
        let (rows, bots) = rows();
        let params = TrainParams {
            trees: 30,
            ..TrainParams::default()
        };
        let model = AuditModel::train(&rows, &bots, &params, "test").expect("train");
        let p = model.probabilities(&rows);
        assert!(p.iter().zip(&bots).all(|(p, b)| (*p >= 0.5) == *b), "{p:?}");
        let json = model.to_json().expect("json");
        let back = AuditModel::from_json(&json).expect("read back");
        assert_eq!(back.probabilities(&rows), p);
        assert_eq!(
            (back.bots, back.humans, back.trained_on.as_str()),
            (30, 30, "test")
        );
        let renamed = json.replacen("\"posts_per_day\"", "\"posts_per_week\"", 1);
        assert!(matches!(
            AuditModel::from_json(&renamed),
            Err(ModelError::Features { .. })
        ));
        assert!(matches!(
            AuditModel::from_json("[1,2]"),
            Err(ModelError::Format(_))
        ));
        let used = model.used_features();
        assert!(used[4] || used[9]);
        assert!(!used[0], "a feature always missing cannot be split on");
    }

    #[test]
    fn reasons_are_the_shapley_values_that_sum_to_the_log_odds() {
        let (rows, bots) = rows();
        let params = TrainParams {
            trees: 30,
            ..TrainParams::default()
        };
        let model = AuditModel::train(&rows, &bots, &params, "t").expect("train");
        let few = &rows[..4];
        let all = model.reasons(few, N_FEATURES);
        let data = columns(few);
        let matrix = Matrix::new(&data, few.len(), N_FEATURES);
        let contribs =
            model
                .booster
                .predict_contributions(&matrix, ContributionsMethod::Shapley, false);
        for (r, (reasons, p)) in all.iter().zip(model.probabilities(few)).enumerate() {
            let row = &contribs[r * (N_FEATURES + 1)..(r + 1) * (N_FEATURES + 1)];
            let bias = row[N_FEATURES];
            let sum: f64 = reasons.iter().map(|x| x.contribution).sum();
            let logit = (p / (1.0 - p)).ln();
            assert!(
                (bias + sum - logit).abs() < 1e-6,
                "{bias} + {sum} != {logit}"
            );
            assert!(reasons
                .windows(2)
                .all(|w| w[0].contribution.abs() >= w[1].contribution.abs()));
            for x in reasons {
                assert_eq!(x.contribution, row[x.feature]);
            }
        }
        assert!(
            all[0][0].contribution > 0.0,
            "a bot row's top reason points to bot"
        );
        assert!(
            all[1][0].contribution < 0.0,
            "a human row's top reason points to human"
        );
    }
}
