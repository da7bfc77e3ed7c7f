//! Sentiment of user-generated text, Italian and English: positive, negative, neutral or
//! mixed, with a score and the words that drove it. The language is detected per text; each
//! language has a linear model (`linear.rs`) trained on labelled posts and shipped as a small
//! JSON file, which the engine loads. Also the official SENTIPOLC 2016 polarity metric.

mod linear;
mod target;
mod tokens;
mod vader;

pub(crate) use linear::features_with;
pub use linear::{features, Lexicon, LinearModel, TrainConfig};
pub use target::{scope, Scope};
pub use tokens::{is_link, tokenize, Token, Tokens, NEGATION_SPAN};
pub use vader::{vader, VaderScore};

/// The four SENTIPOLC polarity classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Polarity {
    Positive,
    Negative,
    Neutral,
    /// Positive and negative at once.
    Mixed,
}

impl Polarity {
    /// From its name (any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "positive" => Some(Self::Positive),
            "negative" => Some(Self::Negative),
            "neutral" => Some(Self::Neutral),
            "mixed" => Some(Self::Mixed),
            _ => None,
        }
    }

    pub fn of(positive: bool, negative: bool) -> Self {
        match (positive, negative) {
            (true, true) => Self::Mixed,
            (true, false) => Self::Positive,
            (false, true) => Self::Negative,
            (false, false) => Self::Neutral,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Positive => "positive",
            Self::Negative => "negative",
            Self::Neutral => "neutral",
            Self::Mixed => "mixed",
        }
    }

    /// (positive, negative) flags, as SENTIPOLC's `opos` and `oneg`.
    pub fn flags(self) -> (bool, bool) {
        match self {
            Self::Mixed => (true, true),
            Self::Positive => (true, false),
            Self::Negative => (false, true),
            Self::Neutral => (false, false),
        }
    }
}

/// A text's language, as far as sentiment needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    Italian,
    English,
}

impl Language {
    /// From its code or English name (any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "it" | "italian" => Some(Self::Italian),
            "en" | "english" => Some(Self::English),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Italian => "it",
            Self::English => "en",
        }
    }
}

fn italian_word(w: &str) -> bool {
    matches!(
        w,
        "il" | "lo"
            | "la"
            | "i"
            | "gli"
            | "le"
            | "di"
            | "che"
            | "non"
            | "è"
            | "e"
            | "per"
            | "un"
            | "una"
            | "del"
            | "della"
            | "con"
            | "sono"
            | "si"
            | "da"
            | "ma"
            | "mi"
            | "ci"
            | "come"
            | "questo"
            | "anche"
            | "più"
            | "alla"
            | "nel"
            | "dei"
            | "delle"
            | "ho"
            | "ha"
            | "hanno"
            | "cosa"
            | "perché"
            | "tutto"
            | "molto"
            | "sempre"
            | "oggi"
            | "grazie"
            | "bello"
            | "bene"
    )
}

fn english_word(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "of"
            | "and"
            | "to"
            | "is"
            | "in"
            | "that"
            | "it"
            | "for"
            | "you"
            | "was"
            | "with"
            | "on"
            | "this"
            | "are"
            | "be"
            | "have"
            | "not"
            | "but"
            | "what"
            | "all"
            | "my"
            | "so"
            | "i"
            | "me"
            | "do"
            | "just"
            | "can"
            | "if"
            | "they"
            | "we"
            | "your"
            | "at"
            | "or"
            | "will"
            | "about"
            | "love"
            | "good"
            | "great"
            | "thanks"
    )
}

/// The language of `text` by its function words (Italian or English); on a tie, English when
/// most of its words end in a consonant, else Italian (so Italian when nothing shows), with
/// the function-word counts. Mentions, hashtags and links are left out.
pub fn detect_language(text: &str) -> (Language, usize, usize) {
    let (mut it, mut en) = (0, 0);
    // Italian words end in a vowel far more often than English ones: a tie-breaker.
    let (mut vowel_end, mut words) = (0usize, 0usize);
    let mut lower = String::new();
    for raw in text.split_whitespace() {
        if raw.starts_with('@') || raw.starts_with('#') || tokens::is_link(raw) {
            continue;
        }
        let raw = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        lower.clear();
        if raw.is_ascii() {
            lower.push_str(raw);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(raw.chars().flat_map(char::to_lowercase));
        }
        let w = lower.as_str();
        it += usize::from(italian_word(w));
        en += usize::from(english_word(w));
        if w.ends_with("zione") || w.ends_with("mente") || w.contains("l'") {
            it += 1;
        }
        if w.ends_with("ing") || w.ends_with("'s") {
            en += 1;
        }
        if w.chars().count() >= 3 && w.chars().all(char::is_alphabetic) {
            words += 1;
            vowel_end +=
                usize::from(w.ends_with(['a', 'e', 'i', 'o', 'u', 'à', 'è', 'é', 'ì', 'ò', 'ù']));
        }
    }
    let language = if en > it || (en == it && words > 0 && vowel_end * 2 < words) {
        Language::English
    } else {
        Language::Italian
    };
    (language, it, en)
}

/// SENTIPOLC 2016's polarity score, as its evaluation script computes it: for the positive
/// and the negative label each, the mean of the F1 of its two values (present and absent);
/// then the mean of the two. `gold` and `predicted` are (positive, negative) flags.
pub fn sentipolc_f(gold: &[(bool, bool)], predicted: &[(bool, bool)]) -> SentipolcScore {
    let f_of = |pick: fn(&(bool, bool)) -> bool| -> f64 {
        let mut f = 0.0;
        for value in [false, true] {
            let mut tp = 0usize;
            let mut fp = 0usize;
            let mut fneg = 0usize;
            for (g, p) in gold.iter().zip(predicted) {
                match (pick(p) == value, pick(g) == value) {
                    (true, true) => tp += 1,
                    (true, false) => fp += 1,
                    (false, true) => fneg += 1,
                    (false, false) => {}
                }
            }
            let precision = if tp + fp > 0 {
                tp as f64 / (tp + fp) as f64
            } else {
                0.0
            };
            let recall = if tp + fneg > 0 {
                tp as f64 / (tp + fneg) as f64
            } else {
                0.0
            };
            f += if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
        }
        f / 2.0
    };
    let positive = f_of(|x| x.0);
    let negative = f_of(|x| x.1);
    SentipolcScore {
        positive,
        negative,
        combined: (positive + negative) / 2.0,
    }
}

/// The SENTIPOLC polarity F-scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SentipolcScore {
    /// Mean F1 over the two values of the positive label.
    pub positive: f64,
    pub negative: f64,
    /// The task's official figure: the mean of the two.
    pub combined: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_told_apart() {
        assert_eq!(
            detect_language("Non mi piace per niente questa cosa").0,
            Language::Italian
        );
        assert_eq!(
            detect_language("I really love this, thanks for the help").0,
            Language::English
        );
        assert_eq!(detect_language("").0, Language::Italian);
    }

    #[test]
    fn the_official_metric() {
        // Perfect predictions score 1; one mistake lowers both values' F1 of its label.
        let gold = [(true, false), (false, true), (false, false), (true, true)];
        assert_eq!(sentipolc_f(&gold, &gold).combined, 1.0);
        let mut pred = gold;
        pred[2] = (true, false);
        let s = sentipolc_f(&gold, &pred);
        assert_eq!(s.negative, 1.0);
        // Positive: value 1 has P 2/3, R 1 → 0.8; value 0 has P 1, R 1/2 → 2/3.
        assert!((s.positive - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        assert!((s.combined - (s.positive + 1.0) / 2.0).abs() < 1e-12);
    }
}
