//! Stance of replies towards a claim (support, deny, query, comment): the shipped English
//! model, its training from labelled conversations, and its evaluation against RumourEval's
//! labels with the baselines beside it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use socialset_analysis::credibility::Confusion;
use socialset_analysis::sentiment::detect_language;
use socialset_analysis::stance::{
    majority, scores as stance_scores, Context, Position, Stance, StanceConfig, StanceModel,
    StancePrediction,
};
use socialset_model::PostKind;

use crate::social::{SocialData, TimeWindow};
use crate::{Error, Result};

const ENGLISH_MODEL: &str = include_str!("../models/stance-en.json");

/// The shipped English stance model (RumourEval 2017's training and development posts).
pub fn stance_model() -> &'static StanceModel {
    static MODEL: OnceLock<StanceModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        serde_json::from_str(ENGLISH_MODEL).expect("the shipped stance model is valid JSON")
    })
}

/// The stance of `text` in `context` by the shipped model, or `None` for a text that reads
/// as Italian: no labelled Italian stance data exists to train on (docs/EVALUATION.md), and
/// an English model's call on Italian words would be a guess.
pub fn stance_of(text: &str, context: Context) -> Option<StancePrediction> {
    let (_, italian, english) = detect_language(text);
    (italian <= english).then(|| stance_model().predict(text, context))
}

/// A post's place in its conversation and the post at its root: the root is reached by
/// following replies up (a reply whose parent is not loaded counts as a direct reply).
pub(crate) fn context_of(data: &SocialData, post: usize) -> (Context, usize) {
    let mut root = post;
    let mut depth = 0usize;
    // Bounded: a cycle in bad data must not hang the walk.
    while let Some(parent) = data.threads[root].reply_to {
        root = parent as usize;
        depth += 1;
        if depth > 10_000 {
            break;
        }
    }
    let is_reply = data.activity[post].kind == PostKind::Reply;
    let position = match depth {
        0 if !is_reply => Position::Source,
        0 | 1 => Position::Reply,
        _ => Position::Nested,
    };
    let text = |i: usize| data.posts[i].text.as_deref().unwrap_or("");
    let context = Context {
        position,
        by_claimant: depth > 0 && data.posts[root].author == data.posts[post].author,
        overlap: if depth > 0 {
            socialset_analysis::stance::overlap(text(post), text(root))
        } else {
            0
        },
    };
    (context, root)
}

/// A post with a stance label, as the data holds it.
pub(crate) struct Labelled {
    pub text: String,
    pub context: Context,
    pub stance: Stance,
    /// The root of its conversation, and that root's time in ms (or its position).
    pub root: usize,
    pub order: u64,
}

/// The labelled posts of `labels` (RumourEval's subtask A files: a file or a folder of them)
/// found in `data`, in the labels' order.
pub(crate) fn labelled_posts(data: &SocialData, labels: &Path) -> Result<(usize, Vec<Labelled>)> {
    let wanted = socialset_ingest::read_stance_labels(labels).map_err(Error::BadInput)?;
    let mut by_local: HashMap<&str, usize> = HashMap::new();
    for (i, t) in data.threads.iter().enumerate() {
        by_local.insert(t.id.local(), i);
        by_local.insert(t.id.as_str(), i);
    }
    let mut out = Vec::new();
    for (id, label) in &wanted {
        let Some(&i) = by_local.get(id.as_str()) else {
            continue;
        };
        let Some(stance) = Stance::parse(label) else {
            continue;
        };
        let (context, root) = context_of(data, i);
        out.push(Labelled {
            text: data.posts[i].text.clone().unwrap_or_default(),
            context,
            stance,
            root,
            order: data.activity[root]
                .at
                .map_or(root as u64, |t| t.epoch_ms().max(0) as u64),
        });
    }
    Ok((wanted.len(), out))
}

fn examples(posts: &[&Labelled]) -> Vec<(String, Context, Stance)> {
    posts
        .iter()
        .map(|p| (p.text.clone(), p.context, p.stance))
        .collect()
}

fn load(
    data: &Path,
    observer: &mut dyn crate::ImportObserver,
) -> Result<(tempfile::TempDir, SocialData)> {
    let (dir, ws) =
        crate::eval::scratch_workspace(data, &crate::ImportOptions::default(), observer)?;
    let social = ws.load_social(&TimeWindow::default())?;
    Ok((dir, social))
}

/// Trains a stance model on the posts of `data` labelled in `labels`, with `config`.
pub fn train_stance(
    data: &Path,
    labels: &Path,
    config: &StanceConfig,
    observer: &mut dyn crate::ImportObserver,
) -> Result<StanceModel> {
    let (_dir, social) = load(data, observer)?;
    let (wanted, posts) = labelled_posts(&social, labels)?;
    if posts.is_empty() {
        return Err(no_meeting(data, labels, wanted));
    }
    let refs: Vec<&Labelled> = posts.iter().collect();
    let name = |p: &Path| {
        p.file_name()
            .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
    };
    Ok(StanceModel::train(
        &examples(&refs),
        config,
        "en",
        &format!(
            "{} labelled posts of {} ({})",
            socialset_model::thousands(posts.len() as u64),
            name(data),
            name(labels)
        ),
    ))
}

fn no_meeting(data: &Path, labels: &Path, wanted: usize) -> Error {
    Error::Usage(format!(
        "none of the {wanted} posts labelled in {} is a post of {}: the ids do not meet",
        labels.display(),
        data.display()
    ))
}

/// How `eval_stance` measures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StanceEvalOptions {
    /// Train on the labelled posts and test on these (another labels file or folder).
    pub test: Option<PathBuf>,
    /// Cross-validate with this many folds (whole conversations, in blocks of time).
    pub folds: Option<usize>,
    /// The settings of the models trained (the shipped model's when `None`).
    pub config: Option<StanceConfig>,
}

/// One method's scores.
#[derive(Clone, Debug, PartialEq)]
pub struct StanceMethod {
    pub name: String,
    /// Calls against the labels, in `STANCES` order.
    pub scores: Confusion,
}

/// Stance against labels: socialset's model beside the baselines, on the same posts.
#[derive(Clone, Debug, PartialEq)]
pub struct StanceModelEval {
    /// How it was measured, in words.
    pub protocol: String,
    /// Labelled posts, and those the data holds (training posts; then test posts when a test
    /// set was given).
    pub labelled: usize,
    pub found: usize,
    pub tested: usize,
    /// Test posts per class (support, deny, query, comment).
    pub classes: [usize; 4],
    pub methods: Vec<StanceMethod>,
}

/// The word n-gram baseline trained as `config` is (passes, rate, L2, seed): words and
/// adjacent word pairs seen at least once, no class weights, no context, no lexicon.
pub fn word_ngram_baseline(config: &StanceConfig) -> StanceConfig {
    StanceConfig {
        min_count: 1,
        balanced: false,
        pairs: true,
        grams: false,
        context: false,
        lexicon: socialset_analysis::sentiment::Lexicon::None,
        ..config.clone()
    }
}

/// Predicts `test` with a model trained on `train` by each method: the majority class, the
/// word n-gram baseline, and socialset's model with `config`.
fn run_methods(train: &[&Labelled], test: &[&Labelled], config: &StanceConfig) -> [Vec<Stance>; 3] {
    let ex = examples(train);
    let top = majority(&ex.iter().map(|e| e.2).collect::<Vec<_>>());
    let baseline = StanceModel::train(&ex, &word_ngram_baseline(config), "en", "fold");
    let ours = StanceModel::train(&ex, config, "en", "fold");
    [
        vec![top; test.len()],
        test.iter()
            .map(|p| baseline.predict(&p.text, p.context).stance)
            .collect(),
        test.iter()
            .map(|p| ours.predict(&p.text, p.context).stance)
            .collect(),
    ]
}

const METHOD_NAMES: [&str; 3] = [
    "majority class",
    "word n-grams, logistic regression (words and word pairs; no class weights, no context)",
    "socialset",
];

/// Scores stance of the posts of `data` labelled in `labels`: the shipped model; or, with
/// `test`, models trained on `labels` tested on `test`; or a cross-validation whose folds
/// keep each conversation whole and periods together. The majority class and a word n-gram
/// logistic regression are measured on the same posts.
pub fn eval_stance(
    data: &Path,
    labels: &Path,
    options: &StanceEvalOptions,
    observer: &mut dyn crate::ImportObserver,
) -> Result<StanceModelEval> {
    let config = options.config.clone().unwrap_or_default();
    let (_dir, social) = load(data, observer)?;
    let (wanted, posts) = labelled_posts(&social, labels)?;
    if posts.is_empty() {
        return Err(no_meeting(data, labels, wanted));
    }
    let all: Vec<&Labelled> = posts.iter().collect();
    let mut classes = [0usize; 4];
    let mut scores: Vec<Confusion> = vec![Confusion::new(4); 3];
    let (protocol, tested) = if let Some(test_path) = &options.test {
        let (test_wanted, test_posts) = labelled_posts(&social, test_path)?;
        if test_posts.is_empty() {
            return Err(no_meeting(data, test_path, test_wanted));
        }
        let test: Vec<&Labelled> = test_posts.iter().collect();
        let gold: Vec<Stance> = test.iter().map(|p| p.stance).collect();
        for (s, predicted) in scores.iter_mut().zip(run_methods(&all, &test, &config)) {
            *s = stance_scores(&gold, &predicted);
        }
        for p in &test {
            classes[p.stance.index()] += 1;
        }
        (
            format!(
                "trained on {} ({} posts), tested on {} ({} posts)",
                labels.display(),
                all.len(),
                test_path.display(),
                test.len()
            ),
            test.len(),
        )
    } else if let Some(k) = options.folds {
        if !(2..=50).contains(&k) {
            return Err(Error::Usage(format!(
                "--cross-validate {k}: give 2 to 50 folds"
            )));
        }
        let groups: Vec<usize> = all.iter().map(|p| p.root).collect();
        let order: Vec<u64> = all.iter().map(|p| p.order).collect();
        let fold = socialset_analysis::grouped_blocked_folds(&groups, &order, k);
        for f in 0..k {
            let train: Vec<&Labelled> = (0..all.len())
                .filter(|&i| fold[i] != f)
                .map(|i| all[i])
                .collect();
            let test: Vec<&Labelled> = (0..all.len())
                .filter(|&i| fold[i] == f)
                .map(|i| all[i])
                .collect();
            if test.is_empty() || train.is_empty() {
                continue;
            }
            let gold: Vec<Stance> = test.iter().map(|p| p.stance).collect();
            for (s, predicted) in scores.iter_mut().zip(run_methods(&train, &test, &config)) {
                s.add(&stance_scores(&gold, &predicted));
            }
        }
        for p in &all {
            classes[p.stance.index()] += 1;
        }
        (
            format!(
                "{k}-fold cross-validation on {} ({} posts): each conversation in one fold, folds in blocks of time",
                labels.display(),
                all.len()
            ),
            all.len(),
        )
    } else {
        let model = stance_model();
        let gold: Vec<Stance> = all.iter().map(|p| p.stance).collect();
        let ours: Vec<Stance> = all
            .iter()
            .map(|p| model.predict(&p.text, p.context).stance)
            .collect();
        for p in &all {
            classes[p.stance.index()] += 1;
        }
        return Ok(StanceModelEval {
            protocol: format!(
                "the shipped model ({}) on {}: not a held-out figure if these posts are among those it was trained on",
                model.trained_on,
                labels.display()
            ),
            labelled: wanted,
            found: all.len(),
            tested: all.len(),
            classes,
            methods: vec![StanceMethod {
                name: "socialset (shipped model)".into(),
                scores: stance_scores(&gold, &ours),
            }],
        });
    };
    Ok(StanceModelEval {
        protocol,
        labelled: wanted,
        found: all.len(),
        tested,
        classes,
        methods: METHOD_NAMES
            .iter()
            .zip(scores)
            .map(|(name, scores)| StanceMethod {
                name: (*name).into(),
                scores,
            })
            .collect(),
    })
}
