//! Sentiment as engine calls: one text scored (`sentiment`), the shipped models (Italian,
//! trained on SENTIPOLC 2016's training set only, `models/sentiment-it.json`; English, trained
//! on TweetEval's validation split and the Sanders brand corpus with VADER's lexicon as
//! features, `models/sentiment-en.json`), training them again (`train_sentiment`), and their
//! evaluation (`eval_sentiment`: SENTIPOLC's official metric; macro-averaged recall for the
//! three-class English sets), on a file as it is or by cross-validation.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use socialset_analysis::sentiment::{
    detect_language, scope, sentipolc_f, vader, Language, Lexicon, LinearModel, Polarity, Scope,
    SentipolcScore, TrainConfig,
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

/// A text's sentiment towards a target (a brand or an account), and how the text speaks of
/// it (see `socialset_analysis::sentiment::scope`).
#[derive(Clone, Debug, PartialEq)]
pub struct TowardsReport {
    pub sentiment: SentimentReport,
    pub scope: Scope,
}

impl TowardsReport {
    /// Whether the reading differs in kind from the whole text's (only part of it, or a
    /// comparison, was read).
    pub fn scoped(&self) -> bool {
        matches!(self.scope, Scope::Part(_) | Scope::Compared { .. })
    }
}

/// The same reading from the other side: chances swapped, score and drivers negated.
fn flipped(r: SentimentReport) -> SentimentReport {
    let polarity = match r.polarity {
        Polarity::Positive => Polarity::Negative,
        Polarity::Negative => Polarity::Positive,
        p => p,
    };
    SentimentReport {
        polarity,
        positive: r.negative,
        negative: r.positive,
        score: -r.score,
        language: r.language,
        drivers: r
            .drivers
            .into_iter()
            .map(|(w, v)| (format!("vs:{w}"), -v))
            .collect(),
    }
}

/// Scores a text's sentiment towards the target called by any of `names` (lower case, no
/// `@`), read as `language`; `others` names the other targets known (other @accounts count
/// anyway). Where the text names other targets in other clauses, only the target's clauses
/// are read; where the target is the second term of a comparison ("better than @x"), the
/// clause it is compared with is read flipped, unless its own clause has a sentiment.
pub fn sentiment_towards(
    text: &str,
    language: Language,
    model: SentimentModel,
    names: &[String],
    others: &[String],
) -> TowardsReport {
    towards_by(text, names, others, |t| sentiment_in(t, language, model))
}

/// `sentiment_towards` with the text's parts read by `read`.
fn towards_by(
    text: &str,
    names: &[String],
    others: &[String],
    read: impl Fn(&str) -> SentimentReport,
) -> TowardsReport {
    let scope = scope(text, names, others);
    let sentiment = read_scope(text, &scope, &read).unwrap_or_else(|| read(text));
    TowardsReport { sentiment, scope }
}

/// The reading towards a target where `scope` says only part of `text` speaks of it (its
/// clauses, or the other side of a comparison); `None` where the whole text's reading holds,
/// so a caller that has it already reads nothing twice.
pub fn read_scope(
    text: &str,
    scope: &Scope,
    read: impl Fn(&str) -> SentimentReport,
) -> Option<SentimentReport> {
    match scope {
        Scope::NotNamed | Scope::Whole => None,
        Scope::Part(ranges) => Some(read(&Scope::part_text(text, ranges))),
        Scope::Compared { own, versus } => {
            let mine = read(&text[own.clone()]);
            Some(if mine.polarity == Polarity::Neutral {
                flipped(read(&text[versus.clone()]))
            } else {
                mine
            })
        }
    }
}

/// A lone post's kind and sentiment.
#[derive(Clone, Debug, PartialEq)]
pub struct Classified {
    pub sentiment: SentimentReport,
    pub kind: UgcKind,
    /// The cues behind the kind.
    pub reasons: Vec<String>,
    /// With a brand: how the text speaks of it (`Scope::name`); the sentiment is towards it.
    pub towards: Option<&'static str>,
}

/// Classifies and scores one post on its own, as `socialset sentiment` shows it: a new post
/// (no reply chain to answer), addressed to an account when it mentions one. `socialset ugc`
/// classifies stored posts with their threads instead.
pub fn classify(text: &str) -> Classified {
    classify_with(text, SentimentModel::Trained)
}

/// `classify`, English scored by `model`.
pub fn classify_with(text: &str, model: SentimentModel) -> Classified {
    classify_towards(text, model, None, &[])
}

/// `classify_with`, the sentiment towards `brand` (an account or a brand name, `@` or not)
/// when one is given, `others` naming other brands the text may speak of (other @accounts
/// count anyway): see `sentiment_towards`; the kind follows that sentiment (a post that
/// attacks the brand is a complaint about it).
pub fn classify_towards(
    text: &str,
    model: SentimentModel,
    brand: Option<&str>,
    others: &[String],
) -> Classified {
    let name = |b: &str| b.trim().trim_start_matches('@').to_lowercase();
    let (sentiment, towards) = match brand {
        Some(b) => {
            let (language, _, _) = detect_language(text);
            let others: Vec<String> = others.iter().map(|o| name(o)).collect();
            let t = sentiment_towards(text, language, model, &[name(b)], &others);
            (t.sentiment, Some(t.scope.name()))
        }
        None => (sentiment_with(text, model), None),
    };
    let addressed = text
        .split_whitespace()
        .any(|w| w.len() > 1 && w.starts_with('@'));
    let (kind, reasons) = classify_post(text, sentiment.polarity, false, addressed);
    Classified {
        sentiment,
        kind,
        reasons,
        towards,
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
    /// For texts labelled towards a target (Sanders' topic): sentiment towards the target
    /// against the whole text's, on the same folds.
    pub towards: Option<TowardsEval>,
}

/// Sentiment towards a target against document-level sentiment, macro-F1 over negative,
/// neutral and positive (the labels are towards the target).
#[derive(Clone, Debug, PartialEq)]
pub struct TowardsEval {
    /// Texts with a target.
    pub texts: usize,
    /// Of them, texts that do not name their target (read whole).
    pub not_named: usize,
    /// Of them, texts read in part (other targets named in other clauses) or as comparisons.
    pub scoped: usize,
    pub compared: usize,
    pub document_f1: f64,
    pub target_f1: f64,
    /// The same on the scoped texts only (where the two readings can differ).
    pub scoped_document_f1: f64,
    pub scoped_target_f1: f64,
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
    // A text's reading: VADER's polarity by its compound score alone (chances 0 or 1), or a
    // trained model's (a fold's, else the reference).
    let read = |model: Option<&LinearModel>, text: &str| -> SentimentReport {
        let (polarity, p) = match (options.model, model) {
            (SentimentModel::Vader, _) => {
                let c = vader(text).compound;
                let (pos, neg) = (c >= VADER_THRESHOLD, c <= -VADER_THRESHOLD);
                (
                    Polarity::of(pos, neg),
                    [f64::from(u8::from(pos)), f64::from(u8::from(neg))],
                )
            }
            (SentimentModel::Trained, m) => {
                let m = m.unwrap_or(reference);
                let p = m.predict(text).0;
                (m.polarity(p), p)
            }
        };
        SentimentReport {
            polarity,
            positive: p[0],
            negative: p[1],
            score: p[0] - p[1],
            language,
            drivers: Vec::new(),
        }
    };
    let call = |r: &SentimentReport| (r.polarity.flags(), [r.positive, r.negative]);
    // Sentiment towards each text's target (Sanders' topic), the other targets being the
    // file's other topics; read by the same models on the same folds as the whole texts.
    let mut topics: Vec<String> = data
        .iter()
        .filter_map(|d| d.target.as_ref().map(|t| t.to_lowercase()))
        .collect();
    topics.sort();
    topics.dedup();
    let mut towards: Vec<Option<TowardsReport>> = vec![None; data.len()];
    let mut toward = |i: usize, model: Option<&LinearModel>| {
        if let Some(t) = &data[i].target {
            let t = t.to_lowercase();
            let others: Vec<String> = topics.iter().filter(|o| **o != t).cloned().collect();
            towards[i] = Some(towards_by(&data[i].text, &[t], &others, |x| read(model, x)));
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
                    (predicted[i], chances[i]) = call(&read(Some(&model), &d.text));
                    toward(i, Some(&model));
                }
            }
        }
    } else {
        for (i, d) in data.iter().enumerate() {
            (predicted[i], chances[i]) = call(&read(None, &d.text));
            toward(i, None);
        }
    }
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
    let with_target: Vec<usize> = (0..data.len()).filter(|&i| towards[i].is_some()).collect();
    let towards_eval = (!set.mixed && !with_target.is_empty()).then(|| {
        let gold_of = |i: usize| class(gold[i], [0.0; 2]);
        let document = |i: usize| class(predicted[i], chances[i]);
        let target = |i: usize| {
            towards[i].as_ref().map_or(document(i), |t| {
                class(call(&t.sentiment).0, call(&t.sentiment).1)
            })
        };
        let f1 = |idx: &[usize], by: &dyn Fn(usize) -> usize| {
            macro_f1(&idx.iter().map(|&i| (gold_of(i), by(i))).collect::<Vec<_>>())
        };
        let scoped: Vec<usize> = with_target
            .iter()
            .copied()
            .filter(|&i| towards[i].as_ref().is_some_and(TowardsReport::scoped))
            .collect();
        let compared = scoped
            .iter()
            .filter(|&&i| {
                matches!(
                    towards[i].as_ref().map(|t| &t.scope),
                    Some(Scope::Compared { .. })
                )
            })
            .count();
        TowardsEval {
            texts: with_target.len(),
            not_named: with_target
                .iter()
                .filter(|&&i| {
                    matches!(towards[i].as_ref().map(|t| &t.scope), Some(Scope::NotNamed))
                })
                .count(),
            scoped: scoped.len(),
            compared,
            document_f1: f1(&with_target, &document),
            target_f1: f1(&with_target, &target),
            scoped_document_f1: f1(&scoped, &document),
            scoped_target_f1: f1(&scoped, &target),
        }
    });
    let recall = (!set.mixed).then(|| {
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
        towards: towards_eval,
    })
}

/// F1 averaged over the classes present (negative, neutral, positive: 0, 1, 2) among
/// (gold, predicted) pairs; 0 for no pairs.
fn macro_f1(pairs: &[(usize, usize)]) -> f64 {
    let mut tp = [0usize; 3];
    let mut gold = [0usize; 3];
    let mut said = [0usize; 3];
    for &(g, p) in pairs {
        gold[g] += 1;
        said[p] += 1;
        tp[g] += usize::from(g == p);
    }
    let present: Vec<usize> = (0..3).filter(|&k| gold[k] > 0).collect();
    if present.is_empty() {
        return 0.0;
    }
    present
        .iter()
        .map(|&k| 2.0 * tp[k] as f64 / (gold[k] + said[k]) as f64)
        .sum::<f64>()
        / present.len() as f64
}

/// How our VADER agrees with the reference vaderSentiment on the same texts.
#[derive(Debug, Clone)]
pub struct VaderAgreement {
    pub texts: usize,
    /// Share of texts given the same label (positive / neutral / negative at ±0.05).
    pub same_label: f64,
    /// Share of texts whose compound scores are within 0.001.
    pub within_0_001: f64,
    pub mean_abs_difference: f64,
    /// Up to five texts that differ most (over 0.001): text, ours, the reference's.
    pub largest_differences: Vec<(String, f64, f64)>,
}

/// Our VADER's agreement with the reference's compound scores for the texts of `path` (as
/// [`english_scores`] reads them), `reference` holding one score per text, in order: what
/// `cargo xtask eval-vader` gets from vaderSentiment 3.3.2.
pub fn vader_agreement(path: &Path, reference: &[f64]) -> Result<VaderAgreement> {
    let ours = english_scores(path)?;
    if ours.len() != reference.len() {
        return Err(Error::Usage(format!(
            "the reference holds {} scores for the {} texts of {}",
            reference.len(),
            ours.len(),
            path.display()
        )));
    }
    if ours.is_empty() {
        return Err(Error::Usage(format!("{} holds no texts", path.display())));
    }
    let label = |c: f64| (c >= 0.05) as i8 - (c <= -0.05) as i8;
    let n = ours.len() as f64;
    let pairs = || ours.iter().zip(reference).map(|((t, a), b)| (t, *a, *b));
    let same_label = pairs().filter(|(_, a, b)| label(*a) == label(*b)).count() as f64 / n;
    let within = pairs().filter(|(_, a, b)| (a - b).abs() <= 1e-3).count() as f64 / n;
    let mean_abs = pairs().map(|(_, a, b)| (a - b).abs()).sum::<f64>() / n;
    let mut worst: Vec<(String, f64, f64)> = pairs()
        .filter(|(_, a, b)| (a - b).abs() > 1e-3)
        .map(|(t, a, b)| (t.clone(), a, b))
        .collect();
    worst.sort_by(|x, y| (y.1 - y.2).abs().total_cmp(&(x.1 - x.2).abs()));
    worst.truncate(5);
    Ok(VaderAgreement {
        texts: ours.len(),
        same_label,
        within_0_001: within,
        mean_abs_difference: mean_abs,
        largest_differences: worst,
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
