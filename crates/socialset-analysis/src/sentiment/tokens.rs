//! Social-media text to tokens for sentiment: lower case, links and @mentions folded to
//! placeholders, hashtags kept with and without their `#`, emoji and emoticons as tokens,
//! letters repeated three times or more shortened ("bellooo" → "belloo"), runs of `!` and `?`
//! kept, and the words after a negation marked with `neg_` until the next punctuation (at most
//! `NEGATION_SPAN` words), in Italian and English.

/// Words a negation reaches.
pub const NEGATION_SPAN: usize = 3;

/// Negations, Italian then English.
fn is_negation(w: &str) -> bool {
    matches!(
        w,
        "non"
            | "mai"
            | "né"
            | "ne'"
            | "nessuno"
            | "nessuna"
            | "niente"
            | "nulla"
            | "senza"
            | "neanche"
            | "nemmeno"
            | "neppure"
            | "not"
            | "no"
            | "never"
            | "nobody"
            | "nothing"
            | "none"
            | "neither"
            | "nor"
            | "without"
            | "cannot"
    )
}

/// One token of a text, with whether a negation reaches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub negated: bool,
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F000..=0x1F2FF | 0x2B00..=0x2BFF | 0x2300..=0x23FF)
}

/// Emoticons recognised as tokens (longest first where one is a prefix of another).
const EMOTICONS: &[&str] = &[
    ":-)", ":)", ";-)", ";)", ":-D", ":D", "xD", "XD", ":-(", ":(", ":'(", ":-/", ":/", ":-P",
    ":P", ":p", "<3", ":-*", ":*", ":-|", ":|",
];

/// Tokens of `text` (any length; invalid input never panics).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut raw: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let could_be_emoticon = word.len() <= 3 && word.starts_with([':', ';', 'x', 'X', '<']);
        if could_be_emoticon {
            if let Some(e) = EMOTICONS.iter().find(|e| word == **e) {
                raw.push((*e).to_owned());
                continue;
            }
        }
        let lower = word.to_lowercase();
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("www.")
        {
            raw.push("<url>".into());
            continue;
        }
        if lower.starts_with('@') && lower.len() > 1 {
            raw.push("<user>".into());
            continue;
        }
        // Split the word into letters/digits runs, emoji, and punctuation runs.
        let mut current = String::new();
        let mut punct = String::new();
        let flush = |current: &mut String, raw: &mut Vec<String>| {
            if !current.is_empty() {
                raw.push(shorten(current));
                current.clear();
            }
        };
        for c in lower.chars() {
            if c.is_alphanumeric() || c == '#' || c == '\'' && !current.is_empty() {
                if !punct.is_empty() {
                    raw.push(std::mem::take(&mut punct));
                }
                if c == '\'' {
                    // Italian elision ("l'italia", "dell'anno") and English clitics ("don't").
                    current.push(c);
                    flush(&mut current, &mut raw);
                    continue;
                }
                current.push(c);
            } else if is_emoji(c) {
                flush(&mut current, &mut raw);
                if !punct.is_empty() {
                    raw.push(std::mem::take(&mut punct));
                }
                raw.push(c.to_string());
            } else if matches!(c, '!' | '?' | '.' | ',' | ';' | ':') {
                flush(&mut current, &mut raw);
                if !punct.contains(c) || punct.len() < 3 {
                    punct.push(c);
                }
            } else {
                flush(&mut current, &mut raw);
            }
        }
        flush(&mut current, &mut raw);
        if !punct.is_empty() {
            raw.push(punct);
        }
    }
    // English "n't" clitics become "not".
    let mut words: Vec<String> = Vec::with_capacity(raw.len());
    let mut raw = raw.into_iter().peekable();
    while let Some(w) = raw.next() {
        if let Some(stem) = w
            .strip_suffix("n'")
            .filter(|_| raw.peek().is_some_and(|t| t == "t"))
        {
            raw.next();
            if !stem.is_empty() {
                words.push(stem.to_owned());
            }
            words.push("not".into());
        } else if let Some(tag) = w.strip_prefix('#') {
            words.push(w.clone());
            if !tag.is_empty() {
                words.push(tag.to_owned());
            }
        } else {
            words.push(w);
        }
    }
    let mut out = Vec::with_capacity(words.len());
    let mut reach = 0usize;
    for w in words {
        let punctuation = w
            .chars()
            .all(|c| matches!(c, '!' | '?' | '.' | ',' | ';' | ':'));
        if punctuation {
            reach = 0;
        }
        let negation = is_negation(&w);
        // Negation reaches words, not emoji or emoticons.
        let word = w.chars().any(char::is_alphabetic) && !w.starts_with('<');
        out.push(Token {
            negated: reach > 0 && !negation && word,
            text: w,
        });
        if negation {
            reach = NEGATION_SPAN;
        } else if reach > 0 && !punctuation {
            reach -= 1;
        }
    }
    out
}

/// Letters repeated three times or more become two ("bellooo" → "belloo"), so that every
/// elongation of a word is one token.
fn shorten(word: &str) -> String {
    let bytes = word.as_bytes();
    // ASCII words (most) are checked byte by byte; others go through the char loop below.
    if word.is_ascii() && !bytes.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return word.to_owned();
    }
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    let mut run = 0;
    for c in word.chars() {
        if Some(c) == last {
            run += 1;
        } else {
            run = 1;
            last = Some(c);
        }
        if run <= 2 {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s)
            .into_iter()
            .map(|t| {
                if t.negated {
                    format!("neg_{}", t.text)
                } else {
                    t.text
                }
            })
            .collect()
    }

    #[test]
    fn social_text_becomes_tokens() {
        assert_eq!(
            texts("Bellissimooo!!! @mario guarda http://t.co/x #Monti 😍"),
            [
                "bellissimoo",
                "!!!",
                "<user>",
                "guarda",
                "<url>",
                "#monti",
                "monti",
                "😍"
            ]
        );
        assert_eq!(texts("l'Italia va bene"), ["l'", "italia", "va", "bene"]);
        assert_eq!(
            texts("I don't like it :("),
            ["i", "do", "not", "neg_like", "neg_it", ":("]
        );
    }

    #[test]
    fn negation_reaches_a_few_words_until_punctuation() {
        assert_eq!(
            texts("non è affatto bello, anzi brutto"),
            [
                "non",
                "neg_è",
                "neg_affatto",
                "neg_bello",
                ",",
                "anzi",
                "brutto"
            ]
        );
        assert_eq!(
            texts("non mi piace per niente questo film"),
            [
                "non",
                "neg_mi",
                "neg_piace",
                "neg_per",
                "niente",
                "neg_questo",
                "neg_film"
            ]
        );
    }

    #[test]
    fn odd_input_never_panics() {
        assert!(tokenize("").is_empty());
        assert!(tokenize("   \n\t ").is_empty());
        let long = "ok ".repeat(100_000);
        assert_eq!(tokenize(&long).len(), 100_000);
        let _ = tokenize("\u{FFFD}\u{0000}#'''!!!???...");
    }
}
