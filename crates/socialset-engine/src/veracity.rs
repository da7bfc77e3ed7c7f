//! Credibility of claims, measured: how well a claim's label (true, false, unverified; fake,
//! real) is told from its text, its author, its first hours of spread, the stance of its
//! replies and the history of the accounts that carried it
//! (`socialset_analysis::credibility`), against the majority label and a model of the claim's
//! words alone, in a cross-validation split by claim.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use socialset_analysis::credibility::{bin, Confusion, CredibilityConfig, CredibilityModel};
use socialset_analysis::spread::{spread, Children, SpreadPost};
use socialset_analysis::stance::{Stance, StanceConfig, StanceModel};
use socialset_model::PostKind;

use crate::social::SocialData;
use crate::{Error, Result};

/// Hours after the claim's post that count as its early spread.
pub const EARLY_HOURS: i64 = 3;

/// A labelled claim found in the data.
struct LabelledClaim {
    post: usize,
    label: usize,
    /// Its post's time in ms (or position), for the folds and the history.
    order: u64,
    /// The accounts of its cascade, its author first.
    accounts: Vec<u32>,
}

/// Earlier verdicts per account: claims it carried or answered that were labelled false (or
/// fake), and those labelled otherwise.
#[derive(Default)]
struct History {
    false_claims: HashMap<u32, usize>,
    other_claims: HashMap<u32, usize>,
    /// The claims before, labelled false and otherwise.
    claims_false: usize,
    claims_other: usize,
}

/// Whether a label says false.
fn is_false(label: &str) -> bool {
    matches!(label, "false" | "fake")
}

/// A claim's whole words as the credibility model reads them (`w:WORD`, in order): a few
/// hundred claims cannot support pairs and 4-grams.
pub(crate) fn word_features(text: &str) -> Vec<String> {
    socialset_analysis::sentiment::features(text)
        .into_iter()
        .filter(|f| !f.contains(' ') && !f.starts_with("c:") && !f.starts_with("cn:"))
        .map(|f| format!("w:{f}"))
        .collect()
}

/// The features of a claim's post: its words, cues and author (known when it was posted).
fn post_features(data: &SocialData, p: usize) -> Vec<String> {
    let text = data.posts[p].text.as_deref().unwrap_or("");
    let mut out = word_features(text);
    if text.contains('?') {
        out.push("text:question".into());
    }
    if !data.threads[p].urls.is_empty() {
        out.push("text:link".into());
    }
    let author = &data.accounts[data.posts[p].author.0 as usize];
    if author.verified == Some(true) {
        out.push("author:verified".into());
    }
    if let Some(f) = author.followers {
        out.push(bin("author:followers", f as f64, &[1e3, 1e4, 1e5, 1e6]));
    }
    if let (Some(c), Some(at)) = (author.created_at, data.activity[p].at) {
        let years = (at.epoch_ms() - c.epoch_ms()) as f64 / (365.25 * 86_400_000.0);
        out.push(bin("author:years", years, &[1.0, 3.0, 6.0]));
    }
    out
}

/// The features of a claim's first hours: replies, accounts, depth, and the stance of the
/// replies (by `stance`).
fn early_features(
    data: &SocialData,
    posts: &[SpreadPost],
    children: &Children,
    p: usize,
    stance: &dyn Fn(usize) -> Option<Stance>,
) -> Vec<String> {
    let s = spread(posts, children, &[p as u32]);
    let start = data.activity[p].at;
    let mut replies = 0usize;
    let mut accounts: Vec<u32> = Vec::new();
    let mut depth = 0u32;
    let mut stances = [0usize; 4];
    for &(q, d) in s.reached.iter().filter(|&&(_, d)| d > 0) {
        let q = q as usize;
        let early = match (start, data.activity[q].at) {
            (Some(s), Some(t)) => t.epoch_ms() - s.epoch_ms() <= EARLY_HOURS * 3_600_000,
            _ => true,
        };
        if !early {
            continue;
        }
        depth = depth.max(d);
        if !accounts.contains(&posts[q].author) {
            accounts.push(posts[q].author);
        }
        if data.activity[q].kind == PostKind::Reply {
            replies += 1;
            if let Some(st) = stance(q) {
                stances[st.index()] += 1;
            }
        }
    }
    let mut out = vec![
        bin("early:replies", replies as f64, &[1.0, 5.0, 15.0, 40.0]),
        bin(
            "early:accounts",
            accounts.len() as f64,
            &[1.0, 5.0, 15.0, 40.0],
        ),
        bin("early:depth", f64::from(depth), &[1.0, 2.0, 4.0]),
    ];
    let called: usize = stances.iter().sum();
    if called > 0 {
        for st in [Stance::Support, Stance::Deny, Stance::Query] {
            let share = stances[st.index()] as f64 / called as f64;
            out.push(bin(
                &format!("replies:{}", st.name()),
                share,
                &[0.01, 0.1, 0.25],
            ));
        }
    }
    out
}

/// The features of a claim's accounts' history: claims labelled before it.
fn history_features(accounts: &[u32], history: &History) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(&src) = accounts.first() {
        if history.false_claims.contains_key(&src) {
            out.push("history:author-false-before".into());
        }
        if history.other_claims.contains_key(&src) {
            out.push("history:author-other-before".into());
        }
    }
    let with_false = accounts
        .iter()
        .filter(|a| history.false_claims.contains_key(a))
        .count();
    out.push(bin(
        "history:accounts-false-before",
        with_false as f64 / accounts.len().max(1) as f64,
        &[0.01, 0.1, 0.3],
    ));
    // The accounts' record, as `socialset spreaders` keeps it: each one's share of false
    // among its labelled claims before, drawn towards the base rate by one claim's weight,
    // averaged over those with a record.
    let labelled = history.claims_false + history.claims_other;
    let base = if labelled > 0 {
        history.claims_false as f64 / labelled as f64
    } else {
        0.5
    };
    let records = accounts.iter().map(|a| {
        let f = history.false_claims.get(a).copied().unwrap_or(0) as u32;
        let o = history.other_claims.get(a).copied().unwrap_or(0) as u32;
        (f, f + o)
    });
    let (score, n) = socialset_analysis::spreaders::mean_false_share(records, base);
    if n > 0 {
        out.push(bin(
            "history:record-false-share",
            score,
            &[0.2, 0.35, 0.5, 0.65, 0.8],
        ));
    } else {
        out.push("history:no-record".into());
    }
    out
}

/// How `eval_veracity` measures.
#[derive(Clone, Debug, PartialEq)]
pub struct VeracityOptions {
    /// Folds of the cross-validation, split by claim, in blocks of time.
    pub folds: usize,
    /// RumourEval stance labels of the replies: each fold's stance model is then trained on
    /// the replies to its training claims only. Without them the shipped stance model calls
    /// the replies (trained on RumourEval 2017: flattering on those threads, said so).
    pub stance_labels: Option<PathBuf>,
}

impl Default for VeracityOptions {
    fn default() -> Self {
        Self {
            folds: 5,
            stance_labels: None,
        }
    }
}

/// One method's calls against the labels.
#[derive(Clone, Debug, PartialEq)]
pub struct VeracityMethod {
    pub name: String,
    pub confusion: Confusion,
}

/// Credibility against labelled claims.
#[derive(Clone, Debug, PartialEq)]
pub struct VeracityEval {
    pub protocol: String,
    /// Where the stance of replies came from.
    pub stance: String,
    pub labelled: usize,
    pub found: usize,
    /// The labels, and claims per label.
    pub labels: Vec<String>,
    pub claims: Vec<usize>,
    pub methods: Vec<VeracityMethod>,
}

/// The methods compared, in order.
pub const VERACITY_METHODS: [&str; 4] = [
    "majority label",
    "the claim's words, logistic regression",
    "socialset without the stance of replies",
    "socialset (words, author, first hours, stance of replies, accounts' history)",
];

/// Cross-validates credibility on the claims of `labels` (a source post's id and its label,
/// as `eval spread` reads them) found in `data`; without `labels`, on the claims the data's
/// own `claim` and `verdict` records judge (a FakeNewsNet 2017 folder is read as such).
pub fn eval_veracity(
    data: &Path,
    labels: Option<&Path>,
    options: &VeracityOptions,
    observer: &mut dyn crate::ImportObserver,
) -> Result<VeracityEval> {
    let k = options.folds;
    if !(2..=20).contains(&k) {
        return Err(Error::Usage(format!(
            "--cross-validate {k}: give 2 to 20 folds"
        )));
    }
    // A FakeNewsNet folder becomes canonical records (posts, shares, claims, verdicts); a
    // Twitter15/16 folder posts and shares, with its labels.
    let mut _converted = None;
    let mut layout_labels = None;
    let data_path = if crate::spreaders::is_fakenewsnet(data) {
        let dir = tempfile::tempdir().map_err(Error::io("creating a temporary directory"))?;
        let out = dir.path().join("fakenewsnet.jsonl");
        crate::spreaders::fakenewsnet_jsonl(data, &out)?;
        _converted = Some(dir);
        out
    } else if socialset_ingest::is_twitter1516(data) {
        let dir = tempfile::tempdir().map_err(Error::io("creating a temporary directory"))?;
        let out = dir.path().join("twitter1516.jsonl");
        layout_labels = Some(crate::twitter1516::twitter1516_jsonl(data, &out)?);
        _converted = Some(dir);
        out
    } else {
        data.to_path_buf()
    };
    let (_dir, ws) =
        crate::eval::scratch_workspace(&data_path, &crate::ImportOptions::default(), observer)?;
    let social = ws.load_social(&crate::TimeWindow::default())?;
    let labels_shown = match (labels, &layout_labels) {
        (Some(l), _) => l.display().to_string(),
        (None, Some(_)) => data.join("label.txt").display().to_string(),
        (None, None) => format!("{} (its verdict records)", data.display()),
    };
    let labelled = match (labels, layout_labels) {
        (Some(l), _) => socialset_ingest::read_claim_labels(l).map_err(Error::BadInput)?,
        (None, Some(l)) => l,
        (None, None) => crate::spreaders::verdict_labels(&ws, &social)?,
    };
    if labelled.is_empty() {
        return Err(Error::Usage(format!(
            "{labels_shown}: no labelled claim (give --labels, or claim and verdict records in the data)"
        )));
    }
    let posts = crate::claims::spread_posts(&social);
    let children = Children::new(&posts);
    let mut by_local: HashMap<&str, usize> = HashMap::new();
    for (i, t) in social.threads.iter().enumerate() {
        by_local.insert(t.id.local(), i);
        by_local.insert(t.id.as_str(), i);
    }
    let mut names: Vec<String> = labelled.iter().map(|(_, l)| l.clone()).collect();
    names.sort();
    names.dedup();
    if names.len() > socialset_analysis::credibility::MAX_LABELS {
        return Err(Error::Usage(format!(
            "{}: {} labels ({}); credibility tells at most {} apart",
            labels_shown,
            names.len(),
            names.join(", "),
            socialset_analysis::credibility::MAX_LABELS
        )));
    }
    let mut claims: Vec<LabelledClaim> = Vec::new();
    for (id, label) in &labelled {
        let Some(&p) = by_local.get(id.as_str()) else {
            continue;
        };
        let s = spread(&posts, &children, &[p as u32]);
        let mut accounts = vec![posts[p].author];
        for &(q, _) in &s.reached {
            let a = posts[q as usize].author;
            if !accounts.contains(&a) {
                accounts.push(a);
            }
        }
        claims.push(LabelledClaim {
            post: p,
            label: names.iter().position(|n| n == label).unwrap_or(0),
            order: social.activity[p]
                .at
                .map_or(p as u64, |t| t.epoch_ms().max(0) as u64),
            accounts,
        });
    }
    if claims.len() < k {
        return Err(Error::Usage(format!(
            "{} of the claims labelled in {} are posts of {}: too few for {k} folds",
            claims.len(),
            labels_shown,
            data.display()
        )));
    }
    // The root claim of every post, for the stance labels' folds.
    let stance_posts = match &options.stance_labels {
        Some(path) => Some(crate::stance::labelled_posts(&social, path)?.1),
        None => None,
    };
    let claim_of_post: HashMap<usize, usize> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| (c.post, i))
        .collect();
    let groups: Vec<usize> = (0..claims.len()).collect();
    let order: Vec<u64> = claims.iter().map(|c| c.order).collect();
    let fold = socialset_analysis::grouped_blocked_folds(&groups, &order, k);
    let gold: Vec<usize> = claims.iter().map(|c| c.label).collect();
    let config = CredibilityConfig::default();
    let mut confusion = vec![Confusion::new(names.len()); VERACITY_METHODS.len()];
    for f in 0..k {
        let train: Vec<usize> = (0..claims.len()).filter(|&i| fold[i] != f).collect();
        let test: Vec<usize> = (0..claims.len()).filter(|&i| fold[i] == f).collect();
        if train.is_empty() || test.is_empty() {
            continue;
        }
        // The stance of replies: a model trained on the replies to training claims only.
        let fold_model = stance_posts.as_ref().map(|labelled| {
            let ex: Vec<_> = labelled
                .iter()
                .filter(|p| claim_of_post.get(&p.root).is_none_or(|&c| fold[c] != f))
                .map(|p| (p.text.clone(), p.context, p.stance))
                .collect();
            StanceModel::train(&ex, &StanceConfig::default(), "en", "fold")
        });
        let stance = |q: usize| -> Option<Stance> {
            let text = social.posts[q].text.as_deref().unwrap_or("");
            let (context, _) = crate::stance::context_of(&social, q);
            match &fold_model {
                Some(m) => Some(m.predict(text, context).stance),
                None => crate::stance::stance_of(text, context).map(|p| p.stance),
            }
        };
        // Features of every claim in this fold's light: history from training claims
        // labelled before it.
        let mut earlier: Vec<usize> = train.clone();
        earlier.sort_by_key(|&i| claims[i].order);
        let rows: Vec<[Vec<String>; 3]> = claims
            .iter()
            .map(|c| {
                let mut history = History::default();
                for &j in earlier.iter().take_while(|&&j| claims[j].order < c.order) {
                    let map = if is_false(&names[claims[j].label]) {
                        history.claims_false += 1;
                        &mut history.false_claims
                    } else {
                        history.claims_other += 1;
                        &mut history.other_claims
                    };
                    for &a in &claims[j].accounts {
                        *map.entry(a).or_default() += 1;
                    }
                }
                let words = post_features(&social, c.post);
                let early = early_features(&social, &posts, &children, c.post, &stance);
                let hist = history_features(&c.accounts, &history);
                let text_only: Vec<String> = words
                    .iter()
                    .filter(|w| w.starts_with("w:"))
                    .cloned()
                    .collect();
                let mut without_stance: Vec<String> = words
                    .iter()
                    .chain(&early)
                    .chain(&hist)
                    .filter(|x| !x.starts_with("replies:"))
                    .cloned()
                    .collect();
                let mut all: Vec<String> = words.into_iter().chain(early).chain(hist).collect();
                without_stance.sort_unstable();
                without_stance.dedup();
                all.sort_unstable();
                all.dedup();
                [text_only, without_stance, all]
            })
            .collect();
        let train_y: Vec<usize> = train.iter().map(|&i| gold[i]).collect();
        let mut per = vec![0usize; names.len()];
        for &y in &train_y {
            per[y] += 1;
        }
        let top = (0..names.len())
            .max_by_key(|&c| (per[c], std::cmp::Reverse(c)))
            .unwrap_or(0);
        let test_gold: Vec<usize> = test.iter().map(|&i| gold[i]).collect();
        confusion[0].add(&Confusion::of(
            &test_gold,
            &vec![top; test.len()],
            names.len(),
        ));
        for m in 0..3 {
            let train_rows: Vec<Vec<String>> = train.iter().map(|&i| rows[i][m].clone()).collect();
            let model = CredibilityModel::train(&train_rows, &train_y, &names, &config);
            let called: Vec<usize> = test
                .iter()
                .map(|&i| model.predict(&rows[i][m], 0).label)
                .collect();
            confusion[m + 1].add(&Confusion::of(&test_gold, &called, names.len()));
        }
    }
    let mut per_label = vec![0usize; names.len()];
    for &y in &gold {
        per_label[y] += 1;
    }
    Ok(VeracityEval {
        protocol: format!(
            "{k}-fold cross-validation split by claim, folds in blocks of time; each claim's accounts' history from the training claims labelled before it; first {EARLY_HOURS} hours of spread"
        ),
        stance: match &options.stance_labels {
            Some(p) => format!(
                "each fold's own stance model, trained on the labelled replies ({}) to its training claims",
                p.display()
            ),
            None => "the shipped stance model (trained on RumourEval 2017: flattering on its threads)".into(),
        },
        labelled: labelled.len(),
        found: claims.len(),
        labels: names,
        claims: per_label,
        methods: VERACITY_METHODS
            .iter()
            .zip(confusion)
            .map(|(name, confusion)| VeracityMethod {
                name: (*name).into(),
                confusion,
            })
            .collect(),
    })
}
