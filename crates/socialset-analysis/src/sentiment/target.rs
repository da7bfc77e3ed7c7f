//! Which part of a text speaks of a target (a brand or an account): a post that praises one
//! brand and attacks another is positive for one and negative for the other.
//!
//! The text is cut into clauses at sentence ends (`.`, `!`, `?`, `;`, a line break), at commas
//! after a clause that says more than names, and before
//! contrast and comparison words ("but", "while", "than", "vs", "ma", "invece", "mentre",
//! "rispetto"...). A clause that names the target belongs to it; one that names only other
//! targets (other @accounts, other brands the caller knows) belongs to them; a clause naming
//! nobody belongs to whoever the clause before it belonged to (the first ones, to the first
//! named). When every clause belongs to the target, the whole text is about it. When the
//! target's part opens a comparison ("better than @x", "meglio di x") right after another
//! target's clause, the target stands on the other side of that clause: read it flipped.
//!
//! Pure and language-independent apart from the word lists (Italian and English); the reading
//! of each part is the sentiment model's.

use std::ops::Range;

/// How a text speaks of a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The text does not name the target: its overall sentiment is all there is.
    NotNamed,
    /// Every clause belongs to the target: read the whole text.
    Whole,
    /// Only these byte ranges of the text (in order) belong to the target.
    Part(Vec<Range<usize>>),
    /// The target is the second term of a comparison: `own` is its clause, `versus` the
    /// clause before (another target's), whose reading it takes flipped unless its own
    /// clause has a sentiment of its own.
    Compared {
        own: Range<usize>,
        versus: Range<usize>,
    },
}

impl Scope {
    /// A short name for reports: "not named", "whole text", "its clauses", "compared".
    pub fn name(&self) -> &'static str {
        match self {
            Self::NotNamed => "not named",
            Self::Whole => "whole text",
            Self::Part(_) => "its clauses",
            Self::Compared { .. } => "compared",
        }
    }

    /// The text of a part, its ranges joined by a space.
    pub fn part_text(text: &str, ranges: &[Range<usize>]) -> String {
        let mut s = String::new();
        for r in ranges {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(text[r.clone()].trim());
        }
        s
    }
}

/// Words that open a new clause (lower case).
fn is_contrast(w: &str) -> bool {
    matches!(
        w,
        "but"
            | "however"
            | "although"
            | "though"
            | "whereas"
            | "while"
            | "instead"
            | "meanwhile"
            | "ma"
            | "però"
            | "pero"
            | "tuttavia"
            | "invece"
            | "mentre"
            | "eppure"
    ) || is_comparison(w)
}

/// Words that open the second term of a comparison.
fn is_comparison(w: &str) -> bool {
    matches!(
        w,
        "than" | "unlike" | "vs" | "versus" | "rispetto" | "anziché" | "anziche" | "contro"
    )
}

/// Italian comparatives after which "di" opens the second term ("meglio di x").
fn is_italian_comparative(w: &str) -> bool {
    matches!(
        w,
        "meglio" | "peggio" | "migliore" | "peggiore" | "migliori" | "peggiori" | "superiore"
    )
}

/// A word as a name: lower case, without a leading `@` or `#`, trailing punctuation or a
/// possessive `'s`.
fn as_name(word: &str) -> String {
    let w = word
        .trim_start_matches(['@', '#', '"', '(', '\'', '“'])
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w);
    w.to_lowercase()
}

/// Who a clause names.
#[derive(Clone, Copy, Debug, Default)]
struct Named {
    target: bool,
    other: bool,
    /// It holds a word that is not a name.
    words: bool,
}

/// Where `text` speaks of the target called by any of `names` (lower case, without `@`);
/// `others` names the other targets the caller knows of (every @account not among `names`
/// counts as one too).
pub fn scope(text: &str, names: &[String], others: &[String]) -> Scope {
    // Clauses as byte ranges, each with who it names and whether it opens a comparison.
    let mut clauses: Vec<(Range<usize>, Named, bool)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut named = Named::default();
    let mut comparison = false;
    let mut prev_end = 0usize;
    let mut prev_word = String::new();
    let words = text.split_whitespace().map(|w| {
        let at = w.as_ptr() as usize - text.as_ptr() as usize;
        (at, w)
    });
    for (at, word) in words {
        let lower = as_name(word);
        let line_break = text[prev_end..at].contains('\n');
        let italian_term = matches!(
            lower.as_str(),
            "di" | "del" | "della" | "dello" | "dei" | "delle"
        ) && is_italian_comparative(&prev_word);
        let opens = is_contrast(&lower) || italian_term;
        if let Some(s) = start {
            if opens || line_break {
                clauses.push((s..prev_end, named, comparison));
                start = None;
            }
        }
        if start.is_none() {
            start = Some(at);
            named = Named::default();
            comparison = is_comparison(&lower) || italian_term;
        }
        let is_link = crate::sentiment::is_link(word);
        let mut a_name = false;
        if !is_link && !lower.is_empty() {
            if names.contains(&lower) {
                named.target = true;
                a_name = true;
            } else if (word.starts_with('@') && lower.len() > 1) || others.contains(&lower) {
                named.other = true;
                a_name = true;
            }
        }
        if !a_name && !is_link {
            named.words = true;
        }
        prev_end = at + word.len();
        prev_word = lower;
        // "vs." opens a clause rather than ending one; a comma ends one that says something
        // beside names ("@acme, @globex and @initech are great" is one clause).
        let ends = !is_link
            && !opens
            && (word.ends_with(['.', '!', '?', ';']) || word.ends_with(',') && named.words);
        if ends {
            if let Some(s) = start.take() {
                clauses.push((s..prev_end, named, comparison));
            }
        }
    }
    if let Some(s) = start {
        clauses.push((s..prev_end, named, comparison));
    }
    if !clauses.iter().any(|c| c.1.target) {
        return Scope::NotNamed;
    }
    // Owner of each clause: Some(true) the target, Some(false) another; unnamed clauses
    // inherit from the clause before, the leading ones from the first named.
    let mut owner: Vec<Option<bool>> = clauses
        .iter()
        .map(|(_, n, _)| {
            if n.target {
                Some(true)
            } else if n.other {
                Some(false)
            } else {
                None
            }
        })
        .collect();
    let first = owner.iter().flatten().next().copied();
    let mut current = first;
    for o in owner.iter_mut() {
        match o {
            Some(v) => current = Some(*v),
            None => *o = current,
        }
    }
    let mine: Vec<usize> = (0..clauses.len())
        .filter(|&i| owner[i] == Some(true))
        .collect();
    if mine.len() == clauses.len() {
        return Scope::Whole;
    }
    // The target's only clause opens a comparison with another's clause just before it.
    if let [only] = mine[..] {
        if clauses[only].2 && only > 0 && owner[only - 1] == Some(false) {
            return Scope::Compared {
                own: clauses[only].0.clone(),
                versus: clauses[only - 1].0.clone(),
            };
        }
    }
    Scope::Part(mine.into_iter().map(|i| clauses[i].0.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn part(text: &str, s: &Scope) -> String {
        match s {
            Scope::Part(r) => Scope::part_text(text, r),
            Scope::Compared { own, versus } => {
                format!("{} <> {}", &text[versus.clone()], &text[own.clone()])
            }
            other => other.name().to_owned(),
        }
    }

    #[test]
    fn one_brand_named_is_the_whole_text() {
        let t = "Been off twitter for days as I smashed my iPhone but @apple were very nice :)";
        assert_eq!(scope(t, &names(&["apple"]), &[]), Scope::Whole);
        assert_eq!(
            scope("I love my phone", &names(&["apple"]), &[]),
            Scope::NotNamed
        );
    }

    #[test]
    fn two_brands_in_contrast_each_get_their_clause() {
        let t = "I love @acme's new phone, but @globex support is a joke. Never again.";
        let acme = scope(t, &names(&["acme"]), &[]);
        assert_eq!(part(t, &acme), "I love @acme's new phone,");
        let globex = scope(t, &names(&["globex"]), &[]);
        // The unnamed sentence after it belongs to the brand named last.
        assert_eq!(
            part(t, &globex),
            "but @globex support is a joke. Never again."
        );
    }

    #[test]
    fn italian_contrast_and_brands_known_by_name() {
        let t = "Adoro Fastweb, Tim invece mi ha deluso";
        let others = names(&["fastweb", "tim"]);
        assert_eq!(
            part(t, &scope(t, &names(&["fastweb"]), &others)),
            "Adoro Fastweb,"
        );
        assert_eq!(
            part(t, &scope(t, &names(&["tim"]), &others)),
            "Tim invece mi ha deluso"
        );
    }

    #[test]
    fn the_second_term_of_a_comparison_is_compared() {
        let t = "#Android is by far better than @Apple";
        let s = scope(t, &names(&["apple"]), &names(&["android"]));
        assert_eq!(part(t, &s), "#Android is by far better <> than @Apple");
        let s = scope(t, &names(&["android"]), &names(&["apple"]));
        assert_eq!(part(t, &s), "#Android is by far better");
        let it = "Iliad è molto meglio di Vodafone";
        let s = scope(it, &names(&["vodafone"]), &names(&["iliad"]));
        assert_eq!(part(it, &s), "Iliad è molto meglio <> di Vodafone");
    }

    #[test]
    fn a_list_of_names_stays_one_clause() {
        let t = "@acme, @globex and @initech are all great, really";
        assert_eq!(scope(t, &names(&["acme"]), &[]), Scope::Whole);
    }

    #[test]
    fn links_and_odd_text_never_split_or_panic() {
        let t = "@acme http://x.co/a.b? vs. ";
        assert_eq!(scope(t, &names(&["acme"]), &[]), Scope::Whole);
        for t in ["", "   ", "@", "??", "ü@ü. ma @", "\n\n@acme\n"] {
            let _ = scope(t, &names(&["acme"]), &names(&["x"]));
        }
    }
}
