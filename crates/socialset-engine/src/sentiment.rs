//! Sentiment as engine calls: one text scored (`sentiment`), the shipped models (Italian,
//! trained on SENTIPOLC 2016's training set only, `models/sentiment-it.json`; English, trained
//! on TweetEval's validation split and the Sanders brand corpus with VADER's lexicon as
//! features, `models/sentiment-en.json`), training them again (`train_sentiment`), and their
//! evaluation (`eval_sentiment`: SENTIPOLC's official metric; macro-averaged recall for the
//! three-class English sets), on a file as it is or by cross-validation.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use socialset_analysis::sentiment::{
    detect_language, sentipolc_f, vader, Language, Lexicon, LinearModel, Polarity, SentipolcScore,
    TrainConfig,
};
use socialset_analysis::stratified_folds;
use socialset_analysis::ugc::{classify_post, UgcKind};
use socialset_ingest::PolarityLabelled;

use crate::{Error, Result};

/// The Italian model, trained by `socialset sentiment --train` on
/// ../shared/data/sentipolc-2016/training_set_sentipolc16.csv only.
const ITALIAN_MODEL: &str = include_str!("../models/sentiment-it.json");
/// The English model, trained by `socialset sentiment --train` on
/// ../shared/data/english-sentiment/tweeteval-val_text.txt and sanders-full-corpus.csv.
const ENGLISH_MODEL: &str = include_str!("../models/sentiment-en.json");

fn shipped(language: Language) -> &'static LinearModel {
    static ITALIAN: OnceLock<LinearModel> = OnceLock::new();
    static ENGLISH: OnceLock<LinearModel> = OnceLock::new();
    let (cell, text) = match language {
        Language::Italian => (&ITALIAN, ITALIAN_MODEL),
        Language::English => (&ENGLISH, ENGLISH_MODEL),
    };
    cell.get_or_init(|| {
        // The files are part of the build; a parse failure is a packaging bug caught by tests.
        serde_json::from_str(text).unwrap_or_else(|_| {
            LinearModel::empty(
                language.code(),
                "nothing (the shipped model failed to load)",
            )
        })
    })
}

/// What reads English text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SentimentModel {
    /// The shipped trained model (VADER's lexicon among its features).
    #[default]
    Trained,
    /// VADER alone (Hutto and Gilbert 2014), as the reference vaderSentiment 3.3.2 scores.
    Vader,
}

impl SentimentModel {
    pub fn name(self) -> &'static str {
        match self {
            Self::Trained => "trained",
            Self::Vader => "vader",
        }
    }
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

/// Scores one text (any length; empty text is neutral) by the shipped model of its language.
pub fn sentiment(text: &str) -> SentimentReport {
    sentiment_with(text, SentimentModel::Trained)
}

/// Scores one text, English by `model`.
pub fn sentiment_with(text: &str, model: SentimentModel) -> SentimentReport {
    let (language, _, _) = detect_language(text);
    sentiment_in(text, language, model)
}

/// Scores one text read as `language`. VADER calls English mixed when its positive and
/// negative weights are balanced (the smaller at least half the larger) and the compound
/// score is within ±0.5; a trained model, when both its chances pass one half.
pub fn sentiment_in(text: &str, language: Language, model: SentimentModel) -> SentimentReport {
    if language == Language::English && model == SentimentModel::Vader {
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
    let model = shipped(language);
    let (p, mut drivers) = model.predict(text);
    drivers.truncate(8);
    SentimentReport {
        polarity: model.polarity(p),
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
    classify_with(text, SentimentModel::Trained)
}

/// `classify`, English scored by `model`.
pub fn classify_with(text: &str, model: SentimentModel) -> Classified {
    let sentiment = sentiment_with(text, model);
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

/// The training settings of a language's shipped model.
pub fn training_config(language: Language) -> TrainConfig {
    match language {
        Language::Italian => TrainConfig::default(),
        // VADER's lexicon beside the words (2,000 + 3,424 training texts leave most words
        // unseen), whole tokens seen in at least 100 training texts (no pairs, no 4-grams),
        // and the classes weighed alike: the English sets are scored by recall averaged over
        // the classes, and their class shares differ from set to set. Chosen on the honest
        // folds of each set with the other set in training, and checked across sets
        // (docs/EVALUATION.md, "English").
        Language::English => TrainConfig {
            min_count: 100,
            lexicon: Lexicon::Vader,
            balanced: true,
            pairs_and_grams: false,
            ..TrainConfig::default()
        },
    }
}

/// Settings of a training that differ from the shipped model's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainOverrides {
    pub epochs: Option<usize>,
    pub learning_rate: Option<f64>,
    pub l2: Option<f64>,
    pub min_count: Option<usize>,
    pub seed: Option<u64>,
}

impl TrainOverrides {
    fn apply(&self, base: TrainConfig) -> TrainConfig {
        TrainConfig {
            epochs: self.epochs.unwrap_or(base.epochs),
            learning_rate: self.learning_rate.unwrap_or(base.learning_rate),
            l2: self.l2.unwrap_or(base.l2),
            min_count: self.min_count.unwrap_or(base.min_count),
            seed: self.seed.unwrap_or(base.seed),
            ..base
        }
    }
}

fn language_of(code: &str) -> Language {
    Language::parse(code).unwrap_or(Language::Italian)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Trains a model on labelled files (SENTIPOLC, TweetEval or Sanders: see
/// `socialset_ingest::read_labelled`), all in one language, with that language's settings.
pub fn train_sentiment(paths: &[PathBuf]) -> Result<LinearModel> {
    let mut examples: Vec<(String, [bool; 2])> = Vec::new();
    let mut language: Option<&'static str> = None;
    let mut names = Vec::new();
    for path in paths {
        let set = socialset_ingest::read_labelled(path).map_err(Error::BadInput)?;
        if language.is_some_and(|l| l != set.language) {
            return Err(Error::Usage(format!(
                "{}: its texts are in {:?}, the other files' in {:?}: a model reads one language",
                path.display(),
                set.language,
                language.unwrap_or_default()
            )));
        }
        language = Some(set.language);
        names.push(format!(
            "{} ({} texts)",
            file_name(path),
            socialset_model::thousands(set.texts.len() as u64)
        ));
        examples.extend(
            set.texts
                .into_iter()
                .map(|d| (d.text, [d.positive, d.negative])),
        );
    }
    let Some(code) = language else {
        return Err(Error::Usage(
            "name at least one labelled file to train on".into(),
        ));
    };
    Ok(LinearModel::train(
        &examples,
        &training_config(language_of(code)),
        code,
        &names.join(" + "),
    ))
}

/// How a cross-validation cuts its folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folds {
    /// The honest protocol: near-duplicates (retweets, the same text with another link; word
    /// 3-gram MinHash, estimated Jaccard ≥ 0.6) in one fold, and each fold a block of
    /// consecutive tweet ids (ids grow with time; a file without ids keeps its order), so a
    /// fold tests a period the model did not train on.
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

/// How `eval_sentiment` measures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SentimentEvalOptions {
    /// Cross-validate (10 folds cut this way) instead of scoring with the shipped model.
    pub cross_validate: Option<Folds>,
    /// Settings of the folds' models that differ from the shipped model's.
    pub train: TrainOverrides,
    /// More labelled files every fold's model also trains on (never tested on).
    pub also: Vec<PathBuf>,
    /// What reads English (VADER has nothing to train).
    pub model: SentimentModel,
    /// Score with this model (written by `socialset sentiment --train`) instead of the
    /// shipped one: how a model trained on one set is tested on another.
    pub model_file: Option<PathBuf>,
}

/// A model written by `socialset sentiment --train`.
pub fn read_sentiment_model(path: &Path) -> Result<LinearModel> {
    let text = std::fs::read_to_string(path).map_err(Error::io(format!(
        "cannot read the model {}",
        path.display()
    )))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{}:{}: not a sentiment model written by `socialset sentiment --train` ({e})",
            path.display(),
            e.line()
        ))
    })
}

/// Sentiment figures on a labelled file.
#[derive(Clone, Debug, PartialEq)]
pub struct SentimentEval {
    /// "SENTIPOLC 2016", "TweetEval" or "Sanders".
    pub layout: &'static str,
    pub language: Language,
    pub texts: usize,
    /// Records the file holds that were left out, and why.
    pub left_out: Option<(usize, &'static str)>,
    /// `None`: the shipped model scored the file; `Some(k)`: k-fold cross-validation on it.
    pub folds: Option<usize>,
    /// How the folds were cut, under cross-validation.
    pub scheme: Option<Folds>,
    pub model: SentimentModel,
    /// Texts the folds' models also trained on, from other files.
    pub also: usize,
    /// The shipped model was trained on this very file: the figure is not a test.
    pub in_sample: bool,
    /// Texts with a near-duplicate elsewhere in the file.
    pub near_duplicates: usize,
    pub score: SentipolcScore,
    /// For sets without a mixed class (negative, neutral, positive): the recall of each class
    /// in that order, and their mean (the SemEval-2017 task 4A metric). A text called mixed
    /// counts as its likelier side.
    pub recall: Option<([f64; 3], f64)>,
    /// The same on the texts labelled ironic (a known failure), when there are any.
    pub ironic: Option<(usize, SentipolcScore)>,
    /// Texts per (gold, predicted) class.
    pub confusion: Vec<(Polarity, Polarity, usize)>,
}

/// Scores a labelled file (SENTIPOLC, TweetEval or Sanders) with the shipped model of its
/// language, or trains and tests by 10-fold cross-validation on it (see
/// `SentimentEvalOptions`). The file's language is its layout's, not detected text by text.
pub fn eval_sentiment(path: &Path, options: &SentimentEvalOptions) -> Result<SentimentEval> {
    let set = socialset_ingest::read_labelled(path).map_err(Error::BadInput)?;
    let language = language_of(set.language);
    let data = set.texts;
    if options.model == SentimentModel::Vader && language != Language::English {
        return Err(Error::Usage(format!(
            "{}: VADER reads English, and this {} file is in {:?}",
            path.display(),
            set.layout,
            set.language
        )));
    }
    let own = match &options.model_file {
        Some(file) if options.model == SentimentModel::Vader => {
            return Err(Error::Usage(format!(
                "{}: a model file is a trained model, and VADER was asked for",
                file.display()
            )))
        }
        Some(file) => {
            let m = read_sentiment_model(file)?;
            if m.language != set.language {
                return Err(Error::Usage(format!(
                    "{}: the model reads {:?} and {} is in {:?}",
                    file.display(),
                    m.language,
                    path.display(),
                    set.language
                )));
            }
            Some(m)
        }
        None => None,
    };
    let reference = own.as_ref().unwrap_or_else(|| shipped(language));
    let gold: Vec<(bool, bool)> = data.iter().map(|d| (d.positive, d.negative)).collect();
    let mut chances = vec![[0.0f64; 2]; data.len()];
    let mut predicted = vec![(false, false); data.len()];
    let folds = 10;
    let texts: Vec<&str> = data.iter().map(|d| d.text.as_str()).collect();
    let groups = socialset_analysis::near_duplicate_groups(&texts, &Default::default());
    let mut group_sizes = std::collections::HashMap::new();
    for &g in &groups {
        *group_sizes.entry(g).or_insert(0usize) += 1;
    }
    let near_duplicates = groups.iter().filter(|g| group_sizes[*g] > 1).count();
    let mut also: Vec<PolarityLabelled> = Vec::new();
    for other in &options.also {
        if std::fs::canonicalize(other).ok() == std::fs::canonicalize(path).ok() {
            return Err(Error::Usage(format!(
                "{}: the file tested on cannot also be trained on",
                other.display()
            )));
        }
        let more = socialset_ingest::read_labelled(other).map_err(Error::BadInput)?;
        if more.language != set.language {
            return Err(Error::Usage(format!(
                "{}: its texts are in {:?}, the tested file's in {:?}",
                other.display(),
                more.language,
                set.language
            )));
        }
        also.extend(more.texts);
    }
    // Each text's (positive, negative) call, and its chances of each.
    let score_with = |model: Option<&LinearModel>, text: &str| -> ((bool, bool), [f64; 2]) {
        match (options.model, model) {
            (SentimentModel::Vader, _) => {
                let c = vader(text).compound;
                let p = [
                    f64::from(u8::from(c >= VADER_THRESHOLD)),
                    f64::from(u8::from(c <= -VADER_THRESHOLD)),
                ];
                ((p[0] > 0.5, p[1] > 0.5), p)
            }
            (SentimentModel::Trained, m) => {
                let m = m.unwrap_or(reference);
                let p = m.predict(text).0;
                (m.polarity(p).flags(), p)
            }
        }
    };
    let cross_validate = options
        .cross_validate
        .filter(|_| options.model == SentimentModel::Trained);
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
        let config = options.train.apply(training_config(language));
        for f in 0..folds {
            let examples: Vec<(String, [bool; 2])> = data
                .iter()
                .zip(&assignment)
                .filter(|(_, &a)| a != f)
                .map(|(d, _)| d)
                .chain(&also)
                .map(|d| (d.text.clone(), [d.positive, d.negative]))
                .collect();
            let model = LinearModel::train(&examples, &config, language.code(), "fold");
            for (i, d) in data.iter().enumerate() {
                if assignment[i] == f {
                    (predicted[i], chances[i]) = score_with(Some(&model), &d.text);
                }
            }
        }
    } else {
        for (i, d) in data.iter().enumerate() {
            (predicted[i], chances[i]) = score_with(None, &d.text);
        }
    }
    let recall = (!set.mixed).then(|| {
        // negative, neutral, positive; mixed counts as its likelier side.
        let class = |g: (bool, bool), p: [f64; 2]| match g {
            (true, true) => {
                if p[0] >= p[1] {
                    2
                } else {
                    0
                }
            }
            (true, false) => 2,
            (false, true) => 0,
            (false, false) => 1,
        };
        let mut hit = [0usize; 3];
        let mut all = [0usize; 3];
        for (i, g) in gold.iter().enumerate() {
            let want = class(*g, [0.0; 2]);
            all[want] += 1;
            hit[want] += usize::from(class(predicted[i], chances[i]) == want);
        }
        let r: [f64; 3] = std::array::from_fn(|k| hit[k] as f64 / all[k].max(1) as f64);
        let present = all.iter().filter(|&&n| n > 0).count().max(1);
        (r, r.iter().sum::<f64>() / present as f64)
    });
    let ironic: Vec<usize> = (0..data.len()).filter(|&i| data[i].ironic).collect();
    let pick = |idx: &[usize], v: &[(bool, bool)]| idx.iter().map(|&i| v[i]).collect::<Vec<_>>();
    let mut confusion = std::collections::BTreeMap::new();
    for (g, p) in gold.iter().zip(&predicted) {
        *confusion
            .entry((Polarity::of(g.0, g.1), Polarity::of(p.0, p.1)))
            .or_insert(0usize) += 1;
    }
    let name = file_name(path);
    let in_sample = cross_validate.is_none()
        && options.model == SentimentModel::Trained
        && reference
            .trained_on
            .split(" + ")
            .any(|t| t.starts_with(&format!("{name} (")));
    Ok(SentimentEval {
        layout: set.layout,
        language,
        texts: data.len(),
        left_out: set.left_out,
        folds: cross_validate.map(|_| folds),
        scheme: cross_validate,
        model: options.model,
        also: if cross_validate.is_some() {
            also.len()
        } else {
            0
        },
        in_sample,
        near_duplicates,
        score: sentipolc_f(&gold, &predicted),
        recall,
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
