//! Brand ties in posts: disclosure labels, affiliate links, discount codes and brand
//! mentions; whether sponsored content is disclosed clearly at the start (Italian AGCOM /
//! IAP Digital Chart; US FTC endorsement guides: a label such as #adv or "pubblicità" visible at
//! the beginning, not buried in a string of hashtags); and an independence score per account.
//!
//! The rules are written to be precise on real text: "pubblicità" in a sentence ("dopo la
//! pubblicità c'è l'intervista") is not a label, `utm_` campaign parameters and Amazon search
//! `ref=sr_…` are not affiliate links.

/// How clearly a label says "this is paid".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LabelStrength {
    /// Accepted by AGCOM/IAP and the FTC: #adv, #ad, #sponsored, "paid partnership", …
    Clear,
    /// Named by the guidance as ambiguous: #sp, #spon, #collab, #partner, #ambassador, …
    Weak,
}

/// A disclosure label found in a post.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub text: String,
    pub strength: LabelStrength,
    /// Character offset in the post.
    pub at: usize,
    /// Inside a run of three or more hashtags.
    pub among_hashtags: bool,
}

/// What a post says about brand ties.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PostTies {
    pub labels: Vec<Label>,
    /// Affiliate links, each with the reason it counts.
    pub affiliate_links: Vec<(String, &'static str)>,
    pub discount_codes: Vec<String>,
}

impl PostTies {
    /// Any sign of a commercial tie: a label, an affiliate link or a discount code.
    pub fn sponsored(&self) -> bool {
        !self.labels.is_empty()
            || !self.affiliate_links.is_empty()
            || !self.discount_codes.is_empty()
    }
}

/// How a sponsored post discloses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disclosure {
    /// No sign of a commercial tie.
    NotSponsored,
    /// A clear label at the start.
    Compliant,
    /// A clear label, but late in the text or among other hashtags.
    Buried,
    /// Only ambiguous labels (#sp, #collab, #partner, …).
    Unclear,
    /// Affiliate links or discount codes and no label at all.
    Undisclosed,
}

impl Disclosure {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotSponsored => "not sponsored",
            Self::Compliant => "compliant",
            Self::Buried => "label buried",
            Self::Unclear => "label unclear",
            Self::Undisclosed => "undisclosed",
        }
    }
}

const CLEAR_TAGS: [&str; 14] = [
    "adv",
    "ad",
    "ads",
    "advertising",
    "advertisement",
    "sponsored",
    "sponsorizzato",
    "sponsorizzata",
    "pubblicità",
    "pubblicita",
    "paidpartnership",
    "gifted",
    "supplied",
    "prodottofornito",
];
const WEAK_TAGS: [&str; 10] = [
    "sp",
    "spon",
    "sponsor",
    "collab",
    "collaboration",
    "partner",
    "ambassador",
    "brandambassador",
    "thanks",
    "regalo",
];
const CLEAR_PHRASES: [&str; 10] = [
    "paid partnership",
    "partnership a pagamento",
    "sponsored by",
    "sponsorizzato da",
    "sponsorizzata da",
    "supplied by",
    "prodotto fornito da",
    "in collaborazione con",
    "advertising",
    "advertisement",
];
/// Words that deny a phrase that follows them.
const NEGATIONS: [&str; 8] = [
    "not", "non", "no", "never", "nessuna", "nessun", "senza", "mai",
];

/// Words that are a label only when they open the post as one ("Pubblicità – …").
const OPENING_WORDS: [&str; 4] = ["pubblicità", "pubblicita", "adv", "ad"];

/// How far into a post a label still counts as "at the start".
pub const START_CHARS: usize = 50;

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Hashtags with their character offsets and whether each is in a run of three or more.
fn hashtags(text: &str) -> Vec<(usize, String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let mut tags: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i] == '#' && (i == 0 || !is_tag_char(chars[i - 1]));
        if starts {
            let mut j = i + 1;
            while j < chars.len() && is_tag_char(chars[j]) {
                j += 1;
            }
            if j > i + 1 {
                tags.push((
                    i,
                    j,
                    chars[i + 1..j].iter().collect::<String>().to_lowercase(),
                ));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    // A run: consecutive hashtags separated by white space only.
    let mut run_id = vec![0usize; tags.len()];
    for k in 1..tags.len() {
        let gap: String = chars[tags[k - 1].1..tags[k].0].iter().collect();
        run_id[k] = if gap.trim().is_empty() {
            run_id[k - 1]
        } else {
            k
        };
    }
    let run_len = |id: usize| run_id.iter().filter(|&&r| r == id).count();
    tags.iter()
        .enumerate()
        .map(|(k, (at, _, tag))| (*at, tag.clone(), run_len(run_id[k]) >= 3))
        .collect()
}

/// Character offset of `needle` in `haystack` (both lower-case), at word boundaries.
fn find_phrase(haystack: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = haystack[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before_ok = haystack[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_tag_char(c) && c != '#');
        let after_ok = haystack[end..]
            .chars()
            .next()
            .is_none_or(|c| !is_tag_char(c));
        if before_ok && after_ok {
            return Some(haystack[..start].chars().count());
        }
        from = end;
    }
    None
}

/// Disclosure labels in a post's text.
pub fn find_labels(text: &str) -> Vec<Label> {
    let mut labels = Vec::new();
    for (at, tag, among) in hashtags(text) {
        let strength = if CLEAR_TAGS.contains(&tag.as_str()) {
            LabelStrength::Clear
        } else if WEAK_TAGS.contains(&tag.as_str()) {
            LabelStrength::Weak
        } else {
            continue;
        };
        labels.push(Label {
            text: format!("#{tag}"),
            strength,
            at,
            among_hashtags: among,
        });
    }
    let lower = text.to_lowercase();
    for phrase in CLEAR_PHRASES {
        if let Some(at) = find_phrase(&lower, phrase) {
            // "not sponsored by", "non sponsorizzato da": a denial, not a label.
            let before: String = lower.chars().take(at).collect();
            let negated = before
                .split_whitespace()
                .rev()
                .take(2)
                .any(|w| NEGATIONS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())));
            if negated {
                continue;
            }
            // "advertising" inside a hashtag was counted above; as a word it labels only
            // when it opens the post.
            if (phrase == "advertising" || phrase == "advertisement") && at > 0 {
                continue;
            }
            labels.push(Label {
                text: phrase.to_owned(),
                strength: LabelStrength::Clear,
                at,
                among_hashtags: false,
            });
        }
    }
    // "Pubblicità – …", "[ADV] …", "AD: …": an opening word followed by a separator.
    let trimmed = lower.trim_start_matches(|c: char| c.is_whitespace() || c == '[' || c == '(');
    let lead = lower.chars().count() - trimmed.chars().count();
    for word in OPENING_WORDS {
        if let Some(rest) = trimmed.strip_prefix(word) {
            let next = rest.chars().next();
            if next.is_none_or(|c| {
                [':', '-', '–', '—', ']', ')', '|', '/'].contains(&c)
                    || (c == ' ' && rest.trim_start().starts_with(['-', '–', '—', ':', '|']))
            }) {
                labels.push(Label {
                    text: word.to_owned(),
                    strength: LabelStrength::Clear,
                    at: lead,
                    among_hashtags: false,
                });
                break;
            }
        }
    }
    labels.sort_by_key(|l| l.at);
    labels.dedup_by(|a, b| a.at == b.at);
    labels
}

/// Hosts of affiliate networks and their short links.
const AFFILIATE_HOSTS: [&str; 16] = [
    "amzn.to",
    "amzn.eu",
    "go.skimresources.com",
    "click.linksynergy.com",
    "shareasale.com",
    "awin1.com",
    "rstyle.me",
    "shopstyle.it",
    "howl.me",
    "tidd.ly",
    "clk.tradedoubler.com",
    "prf.hn",
    "anrdoezrs.net",
    "jdoqocy.com",
    "tkqlhce.com",
    "liketk.it",
];
/// Query parameters that name an affiliate on any site.
const AFFILIATE_PARAMS: [&str; 10] = [
    "aff",
    "affid",
    "aff_id",
    "affiliate",
    "affiliate_id",
    "affiliates",
    "partner_id",
    "referral",
    "refcode",
    "clickref",
];
/// Hosts where `ref=` is navigation, not a referral.
const REF_IS_NAVIGATION: [&str; 8] = [
    "facebook.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "youtube.com",
    "linkedin.com",
    "t.co",
    "google.",
];

/// Why a link is an affiliate link, or `None`.
pub fn affiliate_reason(url: &str) -> Option<&'static str> {
    let lower = url.to_lowercase();
    let without_scheme = lower.split("://").nth(1).unwrap_or(&lower);
    let host = without_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.trim_start_matches("www.");
    if AFFILIATE_HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    {
        return Some("affiliate network or short link");
    }
    let query = without_scheme.split_once('?').map_or("", |(_, q)| q);
    let params: Vec<(&str, &str)> = query
        .split(['&', '#'])
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let is_amazon = host.split('.').any(|p| p == "amazon");
    if is_amazon && params.iter().any(|(k, v)| *k == "tag" && !v.is_empty()) {
        return Some("Amazon Associates tag=");
    }
    if params
        .iter()
        .any(|(k, v)| AFFILIATE_PARAMS.contains(k) && !v.is_empty())
    {
        return Some("affiliate parameter");
    }
    let navigation = is_amazon || REF_IS_NAVIGATION.iter().any(|h| host.contains(h));
    if !navigation && params.iter().any(|(k, v)| *k == "ref" && !v.is_empty()) {
        return Some("referral parameter ref=");
    }
    None
}

/// Discount codes: "code ANNA10", "codice sconto: ESTATE20", "use promo code X15".
pub fn find_discount_codes(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let cue = |w: &str| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        ["code", "codice", "coupon", "promocode", "codicesconto"].contains(&w.as_str())
    };
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if !cue(w) {
            continue;
        }
        // The code follows within three words ("codice sconto: X", "code is X").
        for next in words.iter().skip(i + 1).take(3) {
            let c = next.trim_matches(|c: char| !c.is_alphanumeric());
            let has_digit = c.chars().any(|c| c.is_ascii_digit());
            let upper = c
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if (4..=20).contains(&c.len()) && upper && has_digit {
                out.push(c.to_owned());
                break;
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Everything a post says about brand ties.
pub fn post_ties(text: &str, urls: &[String]) -> PostTies {
    let mut links: Vec<&str> = urls.iter().map(String::as_str).collect();
    let in_text: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .collect();
    links.extend(in_text);
    let mut affiliate_links: Vec<(String, &'static str)> = links
        .into_iter()
        .filter_map(|l| affiliate_reason(l).map(|r| (l.to_owned(), r)))
        .collect();
    affiliate_links.sort();
    affiliate_links.dedup();
    PostTies {
        labels: find_labels(text),
        affiliate_links,
        discount_codes: find_discount_codes(text),
    }
}

/// Whether a post discloses its ties clearly, at the start.
pub fn disclosure(ties: &PostTies) -> Disclosure {
    if !ties.sponsored() {
        return Disclosure::NotSponsored;
    }
    let clear: Vec<&Label> = ties
        .labels
        .iter()
        .filter(|l| l.strength == LabelStrength::Clear)
        .collect();
    if clear
        .iter()
        .any(|l| l.at <= START_CHARS && !l.among_hashtags)
    {
        Disclosure::Compliant
    } else if !clear.is_empty() {
        Disclosure::Buried
    } else if !ties.labels.is_empty() {
        Disclosure::Unclear
    } else {
        Disclosure::Undisclosed
    }
}

/// An account's independence from brands, 0…1, with its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Independence {
    pub score: f64,
    pub posts: usize,
    pub sponsored_posts: usize,
    /// Posts that mention a brand account without any sponsorship sign.
    pub brand_mention_posts: usize,
    pub is_brand: bool,
}

/// Independence = 1 − sponsored share − ½ × share of other posts mentioning brands; 0 for an
/// account that is itself a brand; `None` without posts.
pub fn independence(
    posts: usize,
    sponsored: usize,
    brand_mentions: usize,
    is_brand: bool,
) -> Option<Independence> {
    if posts == 0 && !is_brand {
        return None;
    }
    let n = posts.max(1) as f64;
    let score = if is_brand {
        0.0
    } else {
        (1.0 - sponsored as f64 / n - 0.5 * brand_mentions as f64 / n).clamp(0.0, 1.0)
    };
    Some(Independence {
        score,
        posts,
        sponsored_posts: sponsored,
        brand_mention_posts: brand_mentions,
        is_brand,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(text: &str, urls: &[&str]) -> Disclosure {
        let urls: Vec<String> = urls.iter().map(|s| (*s).to_owned()).collect();
        disclosure(&post_ties(text, &urls))
    }

    #[test]
    fn italian_and_english_labels_at_the_start_comply() {
        assert_eq!(
            verdict(
                "#adv Il mio nuovo siero preferito di @brand, lo uso ogni sera",
                &[]
            ),
            Disclosure::Compliant
        );
        assert_eq!(
            verdict(
                "Pubblicità – Ho provato la nuova friggitrice di @marca: ecco com'è andata",
                &[]
            ),
            Disclosure::Compliant
        );
        assert_eq!(
            verdict("[ADV] Weekend a Roma con @hotel", &[]),
            Disclosure::Compliant
        );
        assert_eq!(
            verdict("Paid partnership with @brand. Loving these trainers!", &[]),
            Disclosure::Compliant
        );
        assert_eq!(
            verdict(
                "In collaborazione con @cantina: degustazione di sabato",
                &[]
            ),
            Disclosure::Compliant
        );
        assert_eq!(
            verdict("#ad My morning routine with @coffeebrand ☕", &[]),
            Disclosure::Compliant
        );
    }

    #[test]
    fn labels_buried_among_hashtags_or_late_do_not() {
        assert_eq!(
            verdict("Che bella giornata al mare con i nuovi occhiali, li adoro davvero tantissimo! #summer #mare #adv #occhiali", &[]),
            Disclosure::Buried
        );
        assert_eq!(
            verdict("#fashion #ootd #ad #style new in from @brand", &[]),
            Disclosure::Buried
        );
        assert_eq!(
            verdict(
                "Loving my new skincare routine, my skin has never felt better #collab",
                &[]
            ),
            Disclosure::Unclear
        );
        assert_eq!(
            verdict("Get 20% off with code ANNA20 at checkout!", &[]),
            Disclosure::Undisclosed
        );
        assert_eq!(
            verdict("Lo trovate qui", &["https://amzn.to/3xYz"]),
            Disclosure::Undisclosed
        );
    }

    #[test]
    fn ordinary_words_and_tracking_are_not_ties() {
        // Real sentences from Italian tweets (SENTIPOLC 2016): "pubblicità" as a word.
        assert_eq!(
            verdict(
                "#serviziopubblico Dopo la pubblicita' c'e' l'intervista a Beppe",
                &[]
            ),
            Disclosure::NotSponsored
        );
        assert_eq!(
            verdict(
                "Ma nella pubblicità della gaviscon la donna e' a letto con un abito da sera?",
                &[]
            ),
            Disclosure::NotSponsored
        );
        // Marketing news that talks about advertising is not an ad.
        assert_eq!(
            verdict("#MARKETING NEWS: 7 of This Week's Most Telling Marketing Stats #socialmedia #advertising #influencermarketing", &[]),
            Disclosure::Buried,
            "#advertising among hashtags is still a label, just a buried one"
        );
        assert_eq!(affiliate_reason("https://www.amazon.co.uk/Girls-Guns/dp/0954988418/ref=sr_1_1?ie=UTF8&qid=1380701540"), None);
        assert_eq!(
            affiliate_reason("https://www.facebook.com/Sapienist?ref=hl"),
            None
        );
        assert_eq!(
            affiliate_reason(
                "https://www.cbc.ca/news/x?cmp=rss&utm_source=twitterfeed&utm_medium=twitter"
            ),
            None
        );
        assert_eq!(
            affiliate_reason("https://pacificlegal.org/staff/elizabeth-slattery/"),
            None
        );
        assert_eq!(
            affiliate_reason(
                "https://www.amazon.co.jp/dp/B09G2NSXZ1?&_encoding=UTF8&tag=issy4504-22"
            ),
            Some("Amazon Associates tag=")
        );
        assert_eq!(
            affiliate_reason("http://fundrazr.com/d1h707?ref=fb_"),
            Some("referral parameter ref=")
        );
        // A real reply (PHEME): a denial is not a label.
        assert_eq!(
            verdict(
                "@EnglishEmma This is a ubers drivers forum, not sponsored by uber.",
                &[]
            ),
            Disclosure::NotSponsored
        );
        assert!(find_discount_codes("the code is great, use it").is_empty());
        assert_eq!(
            find_discount_codes("Codice sconto: ESTATE20 valido fino a domenica"),
            ["ESTATE20"]
        );
    }

    #[test]
    fn independence_by_hand() {
        let i = independence(10, 2, 2, false).expect("posts");
        assert!((i.score - 0.7).abs() < 1e-12);
        assert_eq!(independence(3, 0, 0, true).map(|i| i.score), Some(0.0));
        assert!(independence(0, 0, 0, false).is_none());
    }
}
