//! English sentiment by VADER (Hutto and Gilbert, ICWSM 2014), reimplemented from the rules
//! of the reference `vaderSentiment` 3.3.2: the valence of each lexicon word, boosted or
//! dampened by degree adverbs in the three words before it, turned by negations there,
//! emphasised by capitals, exclamation and question marks, scaled around "but", emoji read
//! as their descriptions; the sum normalised to a compound score in [−1, 1]. The lexicons
//! (MIT licence, `data/vader/`) are compiled in. One deliberate deviation: the reference's
//! "but" rule finds each score by value, so equal scores before "but" are scaled more than
//! once; here each word is scaled once, by its position.

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::sync::OnceLock;

const LEXICON: &str = include_str!("../../data/vader/vader_lexicon.txt");
const EMOJI: &str = include_str!("../../data/vader/emoji_utf8_lexicon.txt");

const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;

const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

const BOOST_UP: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
];
const BOOST_DOWN: &[&str] = &[
    "almost",
    "barely",
    "hardly",
    "just enough",
    "kind of",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sort of",
    "sorta",
    "sortof",
    "sort-of",
];

const SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0),
    ("the bomb", 3.0),
    ("bad ass", 1.5),
    ("badass", 1.5),
    ("bus stop", 0.0),
    ("yeah right", -2.0),
    ("kiss of death", -1.5),
    ("to die for", 3.0),
    ("beating heart", 3.5),
];

struct Lexicons {
    words: FxHashMap<String, f64>,
    /// Emoji (never ASCII) to their descriptions.
    emoji: FxHashMap<char, String>,
    boosters: FxHashMap<&'static str, f64>,
    negations: FxHashSet<&'static str>,
}

fn lexicons() -> &'static Lexicons {
    static L: OnceLock<Lexicons> = OnceLock::new();
    L.get_or_init(|| Lexicons {
        words: LEXICON
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (w, v) = (f.next()?, f.next()?);
                Some((w.to_owned(), v.trim().parse().ok()?))
            })
            .collect(),
        emoji: EMOJI
            .lines()
            .filter_map(|l| {
                let (e, d) = l.split_once('\t')?;
                let mut chars = e.chars();
                let c = chars.next()?;
                (chars.next().is_none() && !c.is_ascii()).then(|| (c, d.trim().to_owned()))
            })
            .collect(),
        boosters: BOOST_UP
            .iter()
            .map(|w| (*w, B_INCR))
            .chain(BOOST_DOWN.iter().map(|w| (*w, B_DECR)))
            .collect(),
        negations: NEGATE.iter().copied().collect(),
    })
}

fn booster(word: &str) -> Option<f64> {
    // Most words are no booster: rule them out by length before comparing.
    if !(2..=13).contains(&word.len()) {
        return None;
    }
    lexicons().boosters.get(word).copied()
}

/// Python's `str.isupper`: some cased letter, and no lower-case one.
fn is_upper(w: &str) -> bool {
    w.chars().any(char::is_uppercase) && !w.chars().any(char::is_lowercase)
}

fn negated(word: &str) -> bool {
    lexicons().negations.contains(word) || word.contains("n't")
}

/// A text's VADER scores.
#[derive(Clone, Debug, PartialEq)]
pub struct VaderScore {
    /// The normalised sum, in [−1, 1]; VADER calls ≥ 0.05 positive and ≤ −0.05 negative.
    pub compound: f64,
    /// Shares of positive, negative and neutral weight (summing to 1 when there are words).
    pub positive: f64,
    pub negative: f64,
    pub neutral: f64,
    /// Words with a valence, after the rules, largest first.
    pub drivers: Vec<(String, f64)>,
}

/// VADER's scores for `text` (any length; empty text scores 0).
pub fn vader(text: &str) -> VaderScore {
    score(text, true)
}

/// VADER's scores with the drivers' words left empty (in no order): what a model reading
/// VADER's valences needs, without a string per word.
pub(super) fn vader_unnamed(text: &str) -> VaderScore {
    score(text, false)
}

fn score(text: &str, named: bool) -> VaderScore {
    let lex = lexicons();
    // Emoji become their descriptions, as words.
    let mut plain = String::with_capacity(text.len());
    let mut prev_space = true;
    for c in text.chars() {
        if let Some(d) = (!c.is_ascii()).then(|| lex.emoji.get(&c)).flatten() {
            if !prev_space {
                plain.push(' ');
            }
            plain.push_str(d);
            prev_space = false;
        } else {
            plain.push(c);
            prev_space = c == ' ';
        }
    }
    let plain = plain.trim();
    let words: Vec<&str> = plain
        .split_whitespace()
        .map(|w| {
            let stripped = w.trim_matches(|c: char| c.is_ascii_punctuation());
            if stripped.chars().count() <= 2 {
                w
            } else {
                stripped
            }
        })
        .collect();
    // Lower case, borrowed where the word has no capital (most words: no copy).
    let lower: Vec<Cow<str>> = words
        .iter()
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(*w)
            }
        })
        .collect();
    let caps = words.iter().filter(|w| is_upper(w)).count();
    let cap_diff = caps > 0 && caps < words.len();
    let in_lex = |i: usize| lex.words.contains_key(lower[i].as_ref());
    let mut sentiments = vec![0.0f64; words.len()];
    for i in 0..words.len() {
        let item = lower[i].as_ref();
        if booster(item).is_some()
            || (item == "kind" && lower.get(i + 1).is_some_and(|n| n == "of"))
        {
            continue;
        }
        let Some(&base) = lex.words.get(item) else {
            continue;
        };
        let mut valence = base;
        if item == "no" && i + 1 < words.len() && in_lex(i + 1) {
            valence = 0.0;
        }
        if (i > 0 && lower[i - 1] == "no")
            || (i > 1 && lower[i - 2] == "no")
            || (i > 2 && lower[i - 3] == "no" && (lower[i - 1] == "or" || lower[i - 1] == "nor"))
        {
            valence = base * N_SCALAR;
        }
        if is_upper(words[i]) && cap_diff {
            valence += if valence > 0.0 { C_INCR } else { -C_INCR };
        }
        for start in 0..3 {
            if i <= start || in_lex(i - (start + 1)) {
                continue;
            }
            let before = i - (start + 1);
            let mut s = booster(&lower[before]).map_or(0.0, |b| {
                let mut b = if valence < 0.0 { -b } else { b };
                if is_upper(words[before]) && cap_diff {
                    b += if valence > 0.0 { C_INCR } else { -C_INCR };
                }
                b
            });
            if start == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = negation_check(valence, &lower, start, i);
            if start == 2 {
                valence = special_idioms(valence, &lower, i);
            }
        }
        // "least": "least good" turns it; "at least" and "very least" do not.
        if i > 1 && !in_lex(i - 1) && lower[i - 1] == "least" {
            if lower[i - 2] != "at" && lower[i - 2] != "very" {
                valence *= N_SCALAR;
            }
        } else if i > 0 && !in_lex(i - 1) && lower[i - 1] == "least" {
            valence *= N_SCALAR;
        }
        sentiments[i] = valence;
    }
    if let Some(b) = lower.iter().position(|w| w == "but") {
        for (i, s) in sentiments.iter_mut().enumerate() {
            if i < b {
                *s *= 0.5;
            } else if i > b {
                *s *= 1.5;
            }
        }
    }
    let mut drivers: Vec<(String, f64)> = lower
        .iter()
        .zip(&sentiments)
        .filter(|(_, s)| **s != 0.0)
        .map(|(w, s)| (if named { w.to_string() } else { String::new() }, *s))
        .collect();
    if named {
        drivers.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    }
    if sentiments.is_empty() {
        return VaderScore {
            compound: 0.0,
            positive: 0.0,
            negative: 0.0,
            neutral: 0.0,
            drivers,
        };
    }
    let emphasis = {
        let ep = plain.matches('!').count().min(4) as f64 * 0.292;
        let qm = plain.matches('?').count();
        ep + match qm {
            0 | 1 => 0.0,
            2 | 3 => qm as f64 * 0.18,
            _ => 0.96,
        }
    };
    let mut sum: f64 = sentiments.iter().sum();
    if sum > 0.0 {
        sum += emphasis;
    } else if sum < 0.0 {
        sum -= emphasis;
    }
    let compound = (sum / (sum * sum + 15.0).sqrt()).clamp(-1.0, 1.0);
    let (mut pos, mut neg, mut neu) = (0.0f64, 0.0f64, 0.0f64);
    for &s in &sentiments {
        if s > 0.0 {
            pos += s + 1.0;
        } else if s < 0.0 {
            neg += s - 1.0;
        } else {
            neu += 1.0;
        }
    }
    if pos > neg.abs() {
        pos += emphasis;
    } else if pos < neg.abs() {
        neg -= emphasis;
    }
    let total = pos + neg.abs() + neu;
    VaderScore {
        compound,
        positive: (pos / total).abs(),
        negative: (neg / total).abs(),
        neutral: (neu / total).abs(),
        drivers,
    }
}

fn negation_check(valence: f64, lower: &[Cow<str>], start: usize, i: usize) -> f64 {
    let w = |k: usize| lower[i - k].as_ref();
    match start {
        0 => {
            if negated(w(1)) {
                return valence * N_SCALAR;
            }
        }
        1 => {
            if w(2) == "never" && (w(1) == "so" || w(1) == "this") {
                return valence * 1.25;
            } else if w(2) == "without" && w(1) == "doubt" {
                return valence;
            } else if negated(w(2)) {
                return valence * N_SCALAR;
            }
        }
        _ => {
            if (w(3) == "never" && (w(2) == "so" || w(2) == "this"))
                || (w(1) == "so" || w(1) == "this")
            {
                return valence * 1.25;
            } else if w(3) == "without" && (w(2) == "doubt" || w(1) == "doubt") {
                return valence;
            } else if negated(w(3)) {
                return valence * N_SCALAR;
            }
        }
    }
    valence
}

fn special_idioms(mut valence: f64, lower: &[Cow<str>], i: usize) -> f64 {
    let joined = |ks: &[usize]| {
        ks.iter()
            .map(|&k| lower[k].as_ref())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let special = |s: &str| SPECIAL_CASES.iter().find(|(k, _)| *k == s).map(|(_, v)| *v);
    // i ≥ 3 here (the rule runs for the third word back).
    let sequences = [
        joined(&[i - 1, i]),
        joined(&[i - 2, i - 1, i]),
        joined(&[i - 2, i - 1]),
        joined(&[i - 3, i - 2, i - 1]),
        joined(&[i - 3, i - 2]),
    ];
    if let Some(v) = sequences.iter().find_map(|s| special(s)) {
        valence = v;
    }
    if i + 1 < lower.len() {
        if let Some(v) = special(&joined(&[i, i + 1])) {
            valence = v;
        }
    }
    if i + 2 < lower.len() {
        if let Some(v) = special(&joined(&[i, i + 1, i + 2])) {
            valence = v;
        }
    }
    for n in [&sequences[3], &sequences[4], &sequences[2]] {
        if let Some(b) = booster(n) {
            valence += b;
        }
    }
    valence
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compound scores printed by vaderSentiment 3.3.2 for the same sentences.
    #[test]
    fn agrees_with_the_reference_on_its_examples() {
        let cases = [
            ("VADER is smart, handsome, and funny.", 0.8316),
            ("VADER is smart, handsome, and funny!", 0.8439),
            ("VADER is very smart, handsome, and funny.", 0.8545),
            ("VADER is VERY SMART, handsome, and FUNNY.", 0.9227),
            ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
            ("The book was good.", 0.4404),
            ("The book was kind of good.", 0.3832),
            ("A really bad, horrible book.", -0.8211),
            ("At least it isn't a horrible book.", 0.431),
            ("Today SUX!", -0.5461),
            ("Not bad at all", 0.431),
            ("", 0.0),
            ("The food was great but the service was awful", -0.3506),
            ("😍", 0.4588),
            ("I don't love this at all", -0.5216),
            ("never so happy", 0.6948),
            ("no problem at all, kind of nice", 0.581),
        ];
        for (text, want) in cases {
            let got = vader(text).compound;
            assert!((got - want).abs() < 1e-3, "{text}: {got} vs {want}");
        }
    }

    #[test]
    fn emoji_and_but() {
        let plain = vader("The food was great").compound;
        let but = vader("The food was great but the service was awful").compound;
        assert!(but < plain && but < 0.0, "{plain} {but}");
    }
}
