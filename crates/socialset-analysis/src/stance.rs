//! Stance of a post towards the claim its conversation is about, in RumourEval's four classes
//! (Zubiaga et al. 2016; Derczynski et al. 2017): it supports the claim, denies it, asks about
//! it (query), or comments without taking a side. Denials and questions are the crowd's own
//! counter-information.
//!
//! The model is a multinomial logistic regression over the sentiment tokenizer's features
//! (words with negation marked, adjacent pairs, 4-grams of words, optionally VADER's reading)
//! and the post's place in its conversation (the claim's own post, a direct reply, a reply to
//! a reply, the claimant answering in their own thread, how much it repeats the claim, a
//! question mark, a word of denial or doubt). Trained by AdaGrad with L2, the
//! classes weighed alike when asked (the task is scored by F1 averaged over the classes, and
//! "comment" is two thirds of the replies); deterministic for a seed; the weights travel as
//! JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use socialset_graph::SplitMix64;

use crate::credibility::Confusion;
use crate::sentiment::{features_with, Lexicon};

/// The four classes, in the order of a model's outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Support,
    Deny,
    Query,
    Comment,
}

/// The classes in output order.
pub const STANCES: [Stance; 4] = [
    Stance::Support,
    Stance::Deny,
    Stance::Query,
    Stance::Comment,
];

impl Stance {
    pub fn name(self) -> &'static str {
        match self {
            Self::Support => "support",
            Self::Deny => "deny",
            Self::Query => "query",
            Self::Comment => "comment",
        }
    }

    /// From its name (any case).
    pub fn parse(s: &str) -> Option<Self> {
        STANCES
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s.trim()))
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Where a post stands in the conversation about a claim.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    /// The post that makes the claim (the root of its conversation).
    Source,
    /// A reply to the claim's post.
    #[default]
    Reply,
    /// A reply to a reply.
    Nested,
}

impl Position {
    pub fn name(self) -> &'static str {
        match self {
            Self::Source => "source",
            Self::Reply => "reply",
            Self::Nested => "nested",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Source, Self::Reply, Self::Nested]
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// A post's context: its place, and whether its author made the claim.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Context {
    pub position: Position,
    /// Written by the author of the claim's post (a claimant adding to their own thread).
    pub by_claimant: bool,
    /// How much of the text repeats the claim's post, in quarters (0–4; see `overlap`): a
    /// reply that retells the claim mostly supports it.
    pub overlap: u8,
}

/// The share of `text`'s distinct words (of three letters or more; mentions and links left
/// out) that the claim's post `claim` also holds, in quarters: 0 for none, 4 for all.
pub fn overlap(text: &str, claim: &str) -> u8 {
    fn words(t: &str) -> std::collections::HashSet<String> {
        t.split_whitespace()
            .filter(|w| !w.starts_with('@') && !crate::sentiment::is_link(w))
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| w.chars().count() >= 3)
            .collect()
    }
    let mine = words(text);
    if mine.is_empty() {
        return 0;
    }
    let theirs = words(claim);
    let shared = mine.iter().filter(|w| theirs.contains(*w)).count();
    ((shared * 4 + mine.len() / 2) / mine.len()).min(4) as u8
}

/// The features of a post: its text's (words; word pairs and 4-grams of words as `config`
/// asks), then its context's when asked (`ctx:source`, `ctx:reply`, `ctx:nested`,
/// `ctx:claimant`, `ctx:overlapN`, `ctx:question` when the text holds a question mark, and
/// `ctx:denial-cue`, see `denies`).
fn features(text: &str, context: Context, config: &StanceConfig) -> Vec<String> {
    let mut out = features_with(text, config.lexicon, config.pairs || config.grams);
    if !config.grams {
        out.retain(|f| !f.starts_with("c:") && !f.starts_with("cn:"));
    }
    if !config.pairs {
        // A pair's name is its two units with a space between (no unit holds one).
        out.retain(|f| !f.contains(' '));
    }
    if !config.context {
        return out;
    }
    out.push(format!("ctx:{}", context.position.name()));
    if context.by_claimant && context.position != Position::Source {
        out.push("ctx:claimant".to_owned());
    }
    if context.position != Position::Source {
        out.push(format!("ctx:overlap{}", context.overlap));
    }
    if text.contains('?') {
        out.push("ctx:question".to_owned());
    }
    if denies(text) {
        out.push("ctx:denial-cue".to_owned());
    }
    out
}

/// Whether `text` holds a word of denial or doubt ("fake", "hoax", "debunked"…) or
/// negates one of confirmation ("not true", "isn't confirmed"): few training replies deny,
/// so the words that do are shared across them.
fn denies(text: &str) -> bool {
    crate::sentiment::tokenize(text).iter().any(|t| {
        if t.negated {
            matches!(
                t.text,
                "true" | "confirmed" | "real" | "happening" | "happened" | "correct"
            )
        } else {
            matches!(
                t.text,
                "fake"
                    | "hoax"
                    | "false"
                    | "untrue"
                    | "lie"
                    | "lies"
                    | "lying"
                    | "liar"
                    | "debunked"
                    | "deny"
                    | "denied"
                    | "denies"
                    | "wrong"
                    | "misinformation"
                    | "disinformation"
                    | "bs"
                    | "bullshit"
                    | "nonsense"
                    | "unconfirmed"
                    | "rumour"
                    | "rumours"
                    | "rumor"
                    | "rumors"
                    | "unfounded"
                    | "fabricated"
                    | "photoshopped"
            )
        }
    })
}

/// How to train.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StanceConfig {
    /// Text features seen in fewer training posts are dropped (context features never are).
    pub min_count: usize,
    pub epochs: usize,
    pub learning_rate: f64,
    /// L2 penalty per example.
    pub l2: f64,
    pub seed: u64,
    /// Weigh each class as much as the others, whatever its share of the training posts.
    pub balanced: bool,
    /// Adjacent pairs of words as well as whole words.
    pub pairs: bool,
    /// 4-grams of characters inside words.
    pub grams: bool,
    /// The post's place in its conversation (see `features`).
    pub context: bool,
    /// The lexicon read beside the words.
    pub lexicon: Lexicon,
}

impl Default for StanceConfig {
    /// The shipped model's settings, chosen by the protocol in docs/EVALUATION.md ("Stance
    /// of replies"): cross-validation on RumourEval 2017's training posts, whole threads and
    /// periods kept together, by macro-averaged F1; the development set held out.
    fn default() -> Self {
        Self {
            min_count: 1,
            epochs: 20,
            learning_rate: 0.01,
            l2: 1e-4,
            seed: 7,
            balanced: true,
            pairs: true,
            grams: false,
            context: true,
            lexicon: Lexicon::Vader,
        }
    }
}

/// A trained stance model.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StanceModel {
    pub language: String,
    pub trained_on: String,
    pub config: StanceConfig,
    pub bias: [f32; 4],
    pub weights: BTreeMap<String, [f32; 4]>,
}

/// A post's stance: the likeliest class, each class's chance, and the features that pulled
/// hardest towards the class chosen (against the mean of the others), largest first.
#[derive(Clone, Debug, PartialEq)]
pub struct StancePrediction {
    pub stance: Stance,
    pub chances: [f64; 4],
    pub drivers: Vec<(String, f64)>,
}

/// Drivers a prediction names.
pub const DRIVERS: usize = 6;

fn softmax(z: &[f64; 4]) -> [f64; 4] {
    let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e = z.map(|x| (x - top).exp());
    let sum: f64 = e.iter().sum();
    e.map(|x| x / sum)
}

fn is_context(feature: &str) -> bool {
    feature.starts_with("ctx:")
}

impl StanceModel {
    /// Trains on `(text, context, stance)` examples.
    pub fn train(
        examples: &[(String, Context, Stance)],
        config: &StanceConfig,
        language: &str,
        trained_on: &str,
    ) -> Self {
        let feats: Vec<Vec<String>> = examples
            .iter()
            .map(|(t, c, _)| features(t, *c, config))
            .collect();
        let mut per_class = [0usize; 4];
        for (_, _, s) in examples {
            per_class[s.index()] += 1;
        }
        let present = per_class.iter().filter(|&&c| c > 0).count().max(1);
        let weight_of = |s: Stance| -> f64 {
            if config.balanced {
                examples.len() as f64 / (present * per_class[s.index()]) as f64
            } else {
                1.0
            }
        };
        let (vocab, rows) = crate::sparse::vocabulary(&feats, |k, c| {
            c >= config.min_count || is_context(k) || k.starts_with("v:")
        });
        let mut model =
            crate::sparse::AdaGrad::<4>::new(vocab.len(), config.learning_rate, config.l2);
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = SplitMix64::new(config.seed);
        for _ in 0..config.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let row = &rows[i];
                let (_, _, y) = examples[i];
                let z: [f64; 4] = std::array::from_fn(|c| model.logit(row, c));
                let p = softmax(&z);
                let weight = weight_of(y);
                for (c, pc) in p.iter().enumerate() {
                    let err = weight * (pc - f64::from(u8::from(c == y.index())));
                    model.step(row, c, err);
                }
            }
        }
        Self {
            language: language.to_owned(),
            trained_on: trained_on.to_owned(),
            config: config.clone(),
            bias: model.b.map(|x| x as f32),
            weights: vocab
                .iter()
                .zip(&model.w)
                .filter(|(_, x)| x.iter().any(|v| v.abs() > 1e-4))
                .map(|(k, x)| ((*k).to_owned(), x.map(|v| v as f32)))
                .collect(),
        }
    }

    /// The stance of `text` in `context`.
    pub fn predict(&self, text: &str, context: Context) -> StancePrediction {
        let feats = features(text, context, &self.config);
        let mut z = self.bias.map(f64::from);
        let mut hits: Vec<(&str, [f32; 4])> = Vec::with_capacity(feats.len());
        for f in &feats {
            if let Some(w) = self.weights.get(f) {
                for (zc, wc) in z.iter_mut().zip(w) {
                    *zc += f64::from(*wc);
                }
                hits.push((f.as_str(), *w));
            }
        }
        let chances = softmax(&z);
        let best = (0..4)
            .max_by(|&a, &b| chances[a].total_cmp(&chances[b]).then(b.cmp(&a)))
            .unwrap_or(3);
        let mut drivers: Vec<(String, f64)> = hits
            .into_iter()
            .map(|(name, w)| {
                let others = (0..4)
                    .filter(|&c| c != best)
                    .map(|c| f64::from(w[c]))
                    .sum::<f64>()
                    / 3.0;
                (name.to_owned(), f64::from(w[best]) - others)
            })
            .filter(|(_, pull)| *pull > 0.0)
            .collect();
        drivers.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        drivers.truncate(DRIVERS);
        StancePrediction {
            stance: STANCES[best],
            chances,
            drivers,
        }
    }
}

/// Stance calls against gold labels, as a confusion matrix in `STANCES` order.
pub fn scores(gold: &[Stance], called: &[Stance]) -> Confusion {
    let index = |v: &[Stance]| v.iter().map(|s| s.index()).collect::<Vec<_>>();
    Confusion::of(&index(gold), &index(called), STANCES.len())
}

/// The class most frequent among `labels` (comment on a tie with it; else the first).
pub fn majority(labels: &[Stance]) -> Stance {
    let mut count = [0usize; 4];
    for s in labels {
        count[s.index()] += 1;
    }
    let top = count.iter().copied().max().unwrap_or(0);
    if count[Stance::Comment.index()] == top {
        return Stance::Comment;
    }
    STANCES
        .into_iter()
        .find(|s| count[s.index()] == top)
        .unwrap_or(Stance::Comment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str, position: Position, s: Stance) -> (String, Context, Stance) {
        (
            text.to_owned(),
            Context {
                position,
                ..Context::default()
            },
            s,
        )
    }

    #[test]
    fn learns_the_four_classes_from_their_cues() {
        let mut examples = Vec::new();
        for i in 0..20 {
            examples.push(ex(
                &format!("BREAKING: gunman seen at parliament {i}"),
                Position::Source,
                Stance::Support,
            ));
            examples.push(ex(
                &format!("this is fake, a hoax, not true {i}"),
                Position::Reply,
                Stance::Deny,
            ));
            examples.push(ex(
                &format!("is this confirmed? source? {i}"),
                Position::Reply,
                Stance::Query,
            ));
            examples.push(ex(
                &format!("thoughts with everyone there {i}"),
                Position::Nested,
                Stance::Comment,
            ));
        }
        let model = StanceModel::train(&examples, &StanceConfig::default(), "en", "test");
        let reply = Context::default();
        assert_eq!(
            model.predict("total hoax, fake news", reply).stance,
            Stance::Deny
        );
        assert_eq!(
            model.predict("confirmed? any source?", reply).stance,
            Stance::Query
        );
        let p = model.predict(
            "gunman seen near parliament",
            Context {
                position: Position::Source,
                ..Context::default()
            },
        );
        assert_eq!(p.stance, Stance::Support);
        assert!((p.chances.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(!p.drivers.is_empty() && p.drivers.iter().all(|d| d.1 > 0.0));
        // Deterministic for a seed, and it travels as JSON.
        let again = StanceModel::train(&examples, &StanceConfig::default(), "en", "test");
        assert_eq!(again.weights, model.weights);
        let back: StanceModel =
            serde_json::from_str(&serde_json::to_string(&model).expect("to JSON"))
                .expect("from JSON");
        assert_eq!(back.predict("fake", reply), model.predict("fake", reply));
    }

    #[test]
    fn scores_by_hand() {
        use Stance::*;
        let gold = [Support, Support, Deny, Query, Comment, Comment];
        let pred = [Support, Comment, Deny, Comment, Comment, Comment];
        let s = scores(&gold, &pred);
        assert_eq!(s.total(), 6);
        assert!((s.accuracy() - 4.0 / 6.0).abs() < 1e-12);
        // Support: tp 1, predicted 1, gold 2 → 2/3. Deny: 1. Query: 0. Comment: tp 2,
        // predicted 4, gold 2 → 2/3.
        assert!((s.f1(Support.index()) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.f1(Deny.index()), 1.0);
        assert_eq!(s.f1(Query.index()), 0.0);
        assert!((s.macro_f1() - (2.0 / 3.0 + 1.0 + 0.0 + 2.0 / 3.0) / 4.0).abs() < 1e-12);
        assert_eq!(majority(&gold), Comment);
        assert_eq!(majority(&[Deny, Deny, Query]), Deny);
        assert_eq!(Stance::parse(" Query "), Some(Query));
        assert_eq!(Position::parse("nested"), Some(Position::Nested));
        // Three of the reply's four words are in the claim; "@bbc" and the link do not count.
        assert_eq!(
            overlap(
                "@bbc gunman at parliament? http://t.co/x wow",
                "Gunman at PARLIAMENT now"
            ),
            3
        );
        assert_eq!(overlap("", "anything"), 0);
        // Denial cues: a word of denial, or confirmation negated.
        assert!(denies("this is FAKE"));
        assert!(denies("that's not true"));
        assert!(denies("@bbc it isn't confirmed"));
        assert!(!denies("it is true, confirmed by police"));
        assert!(!denies("thoughts with everyone"));
    }
}
