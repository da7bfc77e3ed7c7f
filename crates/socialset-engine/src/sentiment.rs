//! Sentiment as engine calls: one text scored (`sentiment`), the shipped Italian model
//! (trained on SENTIPOLC 2016's training set only, `models/sentiment-it.json`), training it
//! again (`train_sentiment`), and its evaluation with the official SENTIPOLC metric
//! (`eval_sentiment`, on a file as it is or by 10-fold cross-validation).

use std::path::Path;
use std::sync::OnceLock;

use socialset_analysis::sentiment::{
    detect_language, sentipolc_f, vader, Language, LinearModel, Polarity, SentipolcScore,
    TrainConfig,
};
use socialset_analysis::stratified_folds;
use socialset_analysis::ugc::{classify_post, UgcKind};

use crate::{Error, Result};

/// The Italian model, trained by `cargo xtask train-sentiment` on
/// ../shared/data/sentipolc-2016/training_set_sentipolc16.csv only.
const ITALIAN_MODEL: &str = include_str!("../models/sentiment-it.json");

fn italian() -> &'static LinearModel {
    static MODEL: OnceLock<LinearModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        // The file is part of the build; a parse failure is a packaging bug caught by tests.
        serde_json::from_str(ITALIAN_MODEL).unwrap_or_else(|_| {
            LinearModel::empty("it", "nothing (the shipped model failed to load)")
        })
    })
}

/// One text's sentiment.
#[derive(Clone, Debug, PartialEq)]
pub struct SentimentReport {
    pub polarity: Polarity,
    /// Chance that the text is positive, and that it is negative.
    pub positive: f64,
    pub negative: f64,
    /// positive − negative, in [−1, 1].
    pub score: f64,
    pub language: Language,
    /// The words (and word pairs; `n:` marks a negated word) that moved the score most, with
    /// their pull (positive: towards positive).
    pub drivers: Vec<(String, f64)>,
}

/// VADER calls a compound score this far from 0 positive or negative.
const VADER_THRESHOLD: f64 = 0.05;

/// Scores one text (any length; empty text is neutral): Italian by the shipped model,
/// English by VADER. English is mixed when its positive and negative weights are balanced
/// (the smaller at least half the larger) and the compound score is within ±0.5.
pub fn sentiment(text: &str) -> SentimentReport {
    let (language, _, _) = detect_language(text);
    if language == Language::English {
        let v = vader(text);
        let (lo, hi) = if v.positive < v.negative {
            (v.positive, v.negative)
        } else {
            (v.negative, v.positive)
        };
        let polarity = if lo > 0.0 && lo >= hi / 2.0 && v.compound.abs() < 0.5 {
            Polarity::Mixed
        } else if v.compound >= VADER_THRESHOLD {
            Polarity::Positive
        } else if v.compound <= -VADER_THRESHOLD {
            Polarity::Negative
        } else {
            Polarity::Neutral
        };
        let mut drivers = v.drivers;
        drivers.truncate(8);
        return SentimentReport {
            polarity,
            positive: v.positive,
            negative: v.negative,
            score: v.compound,
            language,
            drivers,
        };
    }
    let model = italian();
    let (p, mut drivers) = model.predict(text);
    drivers.truncate(8);
    SentimentReport {
        polarity: Polarity::of(p[0] >= 0.5, p[1] >= 0.5),
        positive: p[0],
        negative: p[1],
        score: p[0] - p[1],
        language,
        drivers,
    }
}

/// A lone post's kind and sentiment.
#[derive(Clone, Debug, PartialEq)]
pub struct Classified {
    pub sentiment: SentimentReport,
    pub kind: UgcKind,
    /// The cues behind the kind.
    pub reasons: Vec<String>,
}

/// Classifies and scores one post on its own, as `socialset sentiment` shows it: a new post
/// (no reply chain to answer), addressed to an account when it mentions one. `socialset ugc`
/// classifies stored posts with their threads instead.
pub fn classify(text: &str) -> Classified {
    let sentiment = sentiment(text);
    let addressed = text
        .split_whitespace()
        .any(|w| w.len() > 1 && w.starts_with('@'));
    let (kind, reasons) = classify_post(text, sentiment.polarity, false, addressed);
    Classified {
        sentiment,
        kind,
        reasons,
    }
}

/// Trains the Italian model on a SENTIPOLC-format file.
pub fn train_sentiment(path: &Path) -> Result<LinearModel> {
    let data = socialset_ingest::read_sentipolc(path).map_err(Error::BadInput)?;
    let examples: Vec<(String, [bool; 2])> = data
        .into_iter()
        .map(|d| (d.text, [d.positive, d.negative]))
        .collect();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(LinearModel::train(
        &examples,
        &TrainConfig::default(),
        "it",
        &format!("{name} ({} texts)", examples.len()),
    ))
}

/// How a cross-validation cuts its folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folds {
    /// The honest protocol: near-duplicates (retweets, the same text with another link; word
    /// 3-gram MinHash, estimated Jaccard ≥ 0.6) in one fold, and each fold a block of
    /// consecutive tweet ids (ids grow with time), so a fold tests a period the model did not
    /// train on.
    Honest,
    /// Shuffled, stratified by the positive label (seed 2016): what the figures before this
    /// protocol stood on; near-duplicates and periods shared across folds flatter it.
    Random,
}

impl Folds {
    pub fn name(self) -> &'static str {
        match self {
            Self::Honest => "honest (near-duplicates and periods kept together)",
            Self::Random => "random (stratified)",
        }
    }
}

/// SENTIPOLC polarity figures on a file.
#[derive(Clone, Debug, PartialEq)]
pub struct SentimentEval {
    pub texts: usize,
    /// `None`: the shipped model scored the file; `Some(k)`: k-fold cross-validation on it.
    pub folds: Option<usize>,
    /// How the folds were cut, under cross-validation.
    pub scheme: Option<Folds>,
    /// Texts with a near-duplicate elsewhere in the file.
    pub near_duplicates: usize,
    pub score: SentipolcScore,
    /// The same on the texts labelled ironic (a known failure), when there are any.
    pub ironic: Option<(usize, SentipolcScore)>,
    /// Texts per (gold, predicted) class.
    pub confusion: Vec<(Polarity, Polarity, usize)>,
}

/// Scores a SENTIPOLC-format file with the shipped model, or (`cross_validate`) trains with
/// `train` and tests by 10-fold cross-validation on it, its folds cut as `scheme` says.
pub fn eval_sentiment(
    path: &Path,
    cross_validate: Option<Folds>,
    train: &TrainConfig,
) -> Result<SentimentEval> {
    let data = socialset_ingest::read_sentipolc(path).map_err(Error::BadInput)?;
    let gold: Vec<(bool, bool)> = data.iter().map(|d| (d.positive, d.negative)).collect();
    let mut predicted = vec![(false, false); data.len()];
    let folds = 10;
    let texts: Vec<&str> = data.iter().map(|d| d.text.as_str()).collect();
    let groups = socialset_analysis::near_duplicate_groups(&texts, &Default::default());
    let mut group_sizes = std::collections::HashMap::new();
    for &g in &groups {
        *group_sizes.entry(g).or_insert(0usize) += 1;
    }
    let near_duplicates = groups.iter().filter(|g| group_sizes[*g] > 1).count();
    if let Some(scheme) = cross_validate {
        if data.len() < folds {
            return Err(Error::Usage(format!(
                "{}: {} texts are too few for {folds}-fold cross-validation",
                path.display(),
                data.len()
            )));
        }
        let assignment = match scheme {
            Folds::Random => {
                let key: Vec<bool> = gold.iter().map(|g| g.0).collect();
                stratified_folds(&key, folds, 2016)
            }
            Folds::Honest => {
                // Tweet ids grow with time; an id that is not a number keeps the file's order.
                let mut last = 0u64;
                let order: Vec<u64> = data
                    .iter()
                    .map(|d| {
                        last = d.id.parse().unwrap_or(last);
                        last
                    })
                    .collect();
                socialset_analysis::grouped_blocked_folds(&groups, &order, folds)
            }
        };
        for f in 0..folds {
            let examples: Vec<(String, [bool; 2])> = data
                .iter()
                .zip(&assignment)
                .filter(|(_, &a)| a != f)
                .map(|(d, _)| (d.text.clone(), [d.positive, d.negative]))
                .collect();
            let model = LinearModel::train(&examples, train, "it", "fold");
            for (i, d) in data.iter().enumerate() {
                if assignment[i] == f {
                    let (p, _) = model.predict(&d.text);
                    predicted[i] = (p[0] >= 0.5, p[1] >= 0.5);
                }
            }
        }
    } else {
        for (i, d) in data.iter().enumerate() {
            let (p, _) = italian().predict(&d.text);
            predicted[i] = (p[0] >= 0.5, p[1] >= 0.5);
        }
    }
    let ironic: Vec<usize> = (0..data.len()).filter(|&i| data[i].ironic).collect();
    let pick = |idx: &[usize], v: &[(bool, bool)]| idx.iter().map(|&i| v[i]).collect::<Vec<_>>();
    let mut confusion = std::collections::BTreeMap::new();
    for (g, p) in gold.iter().zip(&predicted) {
        *confusion
            .entry((Polarity::of(g.0, g.1), Polarity::of(p.0, p.1)))
            .or_insert(0usize) += 1;
    }
    Ok(SentimentEval {
        texts: data.len(),
        folds: cross_validate.map(|_| folds),
        scheme: cross_validate,
        near_duplicates,
        score: sentipolc_f(&gold, &predicted),
        ironic: (!ironic.is_empty()).then(|| {
            (
                ironic.len(),
                sentipolc_f(&pick(&ironic, &gold), &pick(&ironic, &predicted)),
            )
        }),
        confusion: confusion.into_iter().map(|((g, p), n)| (g, p, n)).collect(),
    })
}

/// Our VADER compound score for every text of a file (posts' `"text"` fields in JSON Lines,
/// or plain lines), to set beside the reference implementation's.
pub fn english_scores(path: &Path) -> Result<Vec<(String, f64)>> {
    let texts = socialset_ingest::read_texts(path).map_err(Error::BadInput)?;
    Ok(texts
        .into_iter()
        .map(|t| {
            let c = vader(&t).compound;
            (t, c)
        })
        .collect())
}
