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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub negated: bool,
}

/// The tokens of a text, kept in one buffer (a token is a span of it: no string per token).
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    buf: String,
    spans: Vec<(usize, usize, bool)>,
}

impl Tokens {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The `i`-th token (`i < len()`).
    pub fn get(&self, i: usize) -> Token<'_> {
        let (start, end, negated) = self.spans[i];
        Token {
            text: &self.buf[start..end],
            negated,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Token<'_>> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// A word of a post that is a link: it holds a scheme (`://`) or starts with `www.`.
pub fn is_link(word: &str) -> bool {
    // A byte scan: `str::contains` sets up a substring search per call, which costs more
    // than the scan on words this short.
    word.starts_with("www.") || word.as_bytes().windows(3).any(|w| w == b"://")
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

fn is_punctuation(c: char) -> bool {
    matches!(c, '!' | '?' | '.' | ',' | ';' | ':')
}

fn starts_with_ignore_case(word: &str, prefix: &str) -> bool {
    word.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// The first pass: raw tokens as spans of one lower-case buffer. The token being built is
/// always the buffer's tail from `start`; a run of punctuation waits in `punct` (it is only
/// ever pending while no token is being built).
#[derive(Default)]
struct Builder {
    buf: String,
    raw: Vec<(usize, usize)>,
    punct: String,
    start: usize,
    last: Option<char>,
    run: usize,
}

impl Builder {
    fn building(&self) -> bool {
        self.buf.len() > self.start
    }

    fn flush(&mut self) {
        if self.building() {
            self.raw.push((self.start, self.buf.len()));
        }
        self.start = self.buf.len();
        self.last = None;
        self.run = 0;
    }

    fn whole(&mut self, token: &str) {
        self.flush();
        self.buf.push_str(token);
        self.flush();
    }

    fn flush_punct(&mut self) {
        if !self.punct.is_empty() {
            let punct = std::mem::take(&mut self.punct);
            self.whole(&punct);
            self.punct = punct;
            self.punct.clear();
        }
    }

    /// Letters repeated three times or more become two ("bellooo" → "belloo"), so that every
    /// elongation of a word is one token.
    fn letter(&mut self, c: char) {
        if Some(c) == self.last {
            self.run += 1;
        } else {
            self.run = 1;
            self.last = Some(c);
        }
        if self.run <= 2 {
            self.buf.push(c);
        }
    }

    /// One lower-case char of a word: letters and digits runs, emoji, and punctuation runs.
    fn char(&mut self, c: char) {
        if c.is_alphanumeric() || c == '#' || c == '\'' && self.building() {
            self.flush_punct();
            self.letter(c);
            if c == '\'' {
                // Italian elision ("l'italia", "dell'anno") and English clitics ("don't").
                self.flush();
            }
        } else if is_emoji(c) {
            self.flush();
            self.flush_punct();
            let mut utf8 = [0u8; 4];
            self.whole(c.encode_utf8(&mut utf8));
        } else if is_punctuation(c) {
            self.flush();
            if !self.punct.contains(c) || self.punct.len() < 3 {
                self.punct.push(c);
            }
        } else {
            self.flush();
        }
    }
}

/// Tokens of `text` (any length; invalid input never panics).
pub fn tokenize(text: &str) -> Tokens {
    let mut b = Builder {
        buf: String::with_capacity(text.len() + 16),
        raw: Vec::with_capacity(text.len() / 4 + 1),
        ..Builder::default()
    };
    for word in text.split_whitespace() {
        let could_be_emoticon = word.len() <= 3 && word.starts_with([':', ';', 'x', 'X', '<']);
        if could_be_emoticon {
            if let Some(e) = EMOTICONS.iter().find(|e| word == **e) {
                b.whole(e);
                continue;
            }
        }
        if ["http://", "https://", "www."]
            .iter()
            .any(|p| starts_with_ignore_case(word, p))
        {
            b.whole("<url>");
            continue;
        }
        if word.starts_with('@') && word.len() > 1 {
            b.whole("<user>");
            continue;
        }
        for c in word.chars() {
            if c.is_ascii() {
                b.char(c.to_ascii_lowercase());
            } else {
                for c in c.to_lowercase() {
                    b.char(c);
                }
            }
        }
        b.flush();
        b.flush_punct();
    }
    let Builder { mut buf, raw, .. } = b;
    // English "n't" clitics become "not"; hashtags count with and without their `#`.
    let mut words: Vec<(usize, usize)> = Vec::with_capacity(raw.len() + 4);
    let mut i = 0;
    while i < raw.len() {
        let (start, end) = raw[i];
        let w = &buf[start..end];
        let next_is_t = raw.get(i + 1).is_some_and(|&(s, e)| &buf[s..e] == "t");
        if w.ends_with("n'") && next_is_t {
            i += 1;
            if end - 2 > start {
                words.push((start, end - 2));
            }
            let at = buf.len();
            buf.push_str("not");
            words.push((at, buf.len()));
        } else if w.starts_with('#') {
            words.push((start, end));
            if end > start + 1 {
                words.push((start + 1, end));
            }
        } else {
            words.push((start, end));
        }
        i += 1;
    }
    let mut spans = Vec::with_capacity(words.len());
    let mut reach = 0usize;
    for (start, end) in words {
        let w = &buf[start..end];
        let punctuation = w.chars().all(is_punctuation);
        if punctuation {
            reach = 0;
        }
        let negation = is_negation(w);
        // Negation reaches words, not emoji or emoticons.
        let word = w.chars().any(char::is_alphabetic) && !w.starts_with('<');
        spans.push((start, end, reach > 0 && !negation && word));
        if negation {
            reach = NEGATION_SPAN;
        } else if reach > 0 && !punctuation {
            reach -= 1;
        }
    }
    Tokens { buf, spans }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s)
            .iter()
            .map(|t| {
                if t.negated {
                    format!("neg_{}", t.text)
                } else {
                    t.text.to_owned()
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
