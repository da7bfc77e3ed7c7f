//! Telling an organisation or automated publisher from a fake account or bot. The classifier
//! learns "automated" from Gilani et al.'s labels, where a newsroom posting through a
//! marketing suite is as automated as a spam bot; a marketer asks something else: is there a
//! real person or a real organisation behind it? An automated account counts as an
//! organisation or publisher when its profile shows an identity that a fake cannot cheaply
//! get: the platform verified it, the store marks it a brand, a thousand people keep it on
//! their lists, or its name or bio names an organisation and a thousand accounts follow it.
//! The rules were written from what platforms and the fake-follower literature say, before
//! they were measured (docs/EVALUATION.md gives the protocol and the figures).

use socialset_model::{thousands, Account};

/// Lists others keep it on, from which an account is an established public account.
pub const LISTED_AT_LEAST: u64 = 1_000;

/// Followers from which a name or bio naming an organisation counts (a spam account called
/// "Breaking News" with 40 followers stays a suspect).
pub const ORGANISATION_FOLLOWERS_AT_LEAST: u64 = 1_000;

/// Whole words (case-folded) that name an organisation or a publisher, in English, Italian,
/// French, German and Spanish.
const ORGANISATION_WORDS: &[&str] = &[
    // English
    "news",
    "newsroom",
    "breaking",
    "daily",
    "times",
    "magazine",
    "journal",
    "newspaper",
    "radio",
    "tv",
    "television",
    "broadcaster",
    "channel",
    "network",
    "media",
    "press",
    "publisher",
    "agency",
    "official",
    "company",
    "inc",
    "ltd",
    "llc",
    "corp",
    "group",
    "foundation",
    "association",
    "society",
    "coalition",
    "university",
    "college",
    "police",
    "council",
    "ministry",
    "government",
    "department",
    // Italian
    "notizie",
    "giornale",
    "quotidiano",
    "redazione",
    "testata",
    "agenzia",
    "ufficiale",
    "comune",
    "polizia",
    "associazione",
    "fondazione",
    "università",
    // French
    "actualités",
    "officiel",
    "média",
    "société",
    // German
    "nachrichten",
    "zeitung",
    "offiziell",
    "verein",
    // Spanish
    "noticias",
    "periódico",
    "oficial",
    "diario",
    "agencia",
];

/// One sign that an automated account is an organisation or publisher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublisherSign {
    /// The platform verified its identity.
    Verified,
    /// The store marks it a brand.
    Brand,
    /// Others keep it on this many lists.
    ManyLists(u64),
    /// Its name or bio holds this organisation word, and it has at least
    /// `ORGANISATION_FOLLOWERS_AT_LEAST` followers.
    NamesAnOrganisation(&'static str),
}

impl PublisherSign {
    /// The sign in plain words.
    pub fn describe(&self) -> String {
        match self {
            Self::Verified => "verified by the platform".into(),
            Self::Brand => "marked as a brand".into(),
            Self::ManyLists(n) => format!("on {} lists kept by others", thousands(*n)),
            Self::NamesAnOrganisation(w) => format!("its name or bio says \"{w}\""),
        }
    }
}

/// The first organisation word in a text, matched as a whole word.
fn organisation_word(text: &str) -> Option<&'static str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .find_map(|w| {
            let w = w.to_lowercase();
            ORGANISATION_WORDS.iter().find(|o| **o == w).copied()
        })
}

/// Every sign that the account is an organisation or publisher (empty: none).
pub fn publisher_signs(account: &Account) -> Vec<PublisherSign> {
    let mut signs = Vec::new();
    if account.verified == Some(true) {
        signs.push(PublisherSign::Verified);
    }
    if account.is_brand == Some(true) {
        signs.push(PublisherSign::Brand);
    }
    if let Some(n) = account.listed.filter(|&n| n >= LISTED_AT_LEAST) {
        signs.push(PublisherSign::ManyLists(n));
    }
    if account
        .followers
        .is_some_and(|f| f >= ORGANISATION_FOLLOWERS_AT_LEAST)
    {
        let word = [account.name.as_deref(), account.bio.as_deref()]
            .into_iter()
            .flatten()
            .find_map(organisation_word);
        if let Some(w) = word {
            signs.push(PublisherSign::NamesAnOrganisation(w));
        }
    }
    signs
}

/// Phrases (case-folded, whole words) by which an organisation speaks to its customers as
/// "we" to "you": a call to order, buy, download or write to it. Written from the bios of
/// brand accounts, then checked on every PHEME bio (docs/EVALUATION.md); phrases a person
/// uses about themself ("official account of", "customer service" as a trade) are left out.
const CUSTOMER_CALLS: &[&str] = &[
    // English
    "get the app",
    "download the app",
    "download our app",
    "our app",
    "order now",
    "order online",
    "order your",
    "shop now",
    "shop online",
    "our store",
    "our shop",
    "our products",
    "our customer",
    "customer service team",
    "customer care team",
    "support team",
    "tweet us",
    "dm us",
    "message us",
    "contact us",
    "email us",
    "call us",
    "visit us",
    "book now",
    "book online",
    "free delivery",
    "we deliver",
    // Italian
    "scarica l'app",
    "scarica la nostra app",
    "ordina ora",
    "ordina online",
    "servizio clienti",
    "assistenza clienti",
    "i nostri prodotti",
    "i nostri clienti",
    "il nostro negozio",
    "scrivici",
    "contattaci",
    "acquista ora",
];

/// The first phrase of `CUSTOMER_CALLS` in an account's bio, as whole words, when at least
/// `ORGANISATION_FOLLOWERS_AT_LEAST` accounts follow it: a brand speaking to its customers
/// ("Get the app, then order a ride"). Cheap to write, so it never clears an automated
/// account in the audit; rankings use it to hide brands (`hide=organisations`).
pub fn speaks_to_customers(account: &Account) -> Option<&'static str> {
    if account
        .followers
        .is_none_or(|f| f < ORGANISATION_FOLLOWERS_AT_LEAST)
    {
        return None;
    }
    let bio = account.bio.as_deref()?.to_lowercase();
    let bio = bio.replace('\u{2019}', "'");
    CUSTOMER_CALLS.iter().copied().find(|phrase| {
        bio.match_indices(phrase).any(|(at, _)| {
            let before = bio[..at].chars().next_back();
            let after = bio[at + phrase.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// A probability learned where bots made up `trained_share` of the examples, re-based to a
/// population where they make up `population_share` (Saerens, Latinne and Decaestecker 2002:
/// the odds scale by the ratio of the prior odds). Shares outside (0, 1) leave it unchanged.
pub fn rebase_probability(p: f64, trained_share: f64, population_share: f64) -> f64 {
    let valid = |s: f64| s > 0.0 && s < 1.0;
    if !valid(trained_share) || !valid(population_share) || !(0.0..=1.0).contains(&p) {
        return p;
    }
    if p == 0.0 || p == 1.0 {
        return p;
    }
    let odds = |s: f64| s / (1.0 - s);
    let o = odds(p) * odds(population_share) / odds(trained_share);
    o / (1.0 + o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use socialset_model::AccountId;

    fn account(name: &str, bio: &str, followers: u64) -> Account {
        let mut a = Account::bare(AccountId::new("tw:1"));
        a.name = Some(name.into());
        a.bio = Some(bio.into());
        a.followers = Some(followers);
        a
    }

    #[test]
    fn a_brand_speaking_to_its_customers_is_told_and_a_person_is_not() {
        // Real PHEME profiles (sydneysiege, 2014).
        let uber = account(
            "Uber Sydney",
            "Your own on-demand private driver. Get the app, then order a stylish ride to take you where you want.",
            5125,
        );
        assert_eq!(speaks_to_customers(&uber), Some("get the app"));
        let time = account(
            "TIME",
            "Breaking news and current events from around the globe. Hosted by TIME staff. Tweet questions to our Customer Service team @TIMEmag_Service.",
            6_716_455,
        );
        assert_eq!(speaks_to_customers(&time), Some("our customer"));
        // A lawyer whose trade is customer-service law; a promoter's "official account of".
        let lawyer = account(
            "X",
            "Lawyer, civil area, customer service law, cinofilia (terriers, herding and retrievers dogs), music",
            2501,
        );
        assert_eq!(speaks_to_customers(&lawyer), None);
        let promoter = account(
            "Tim",
            "The official account of King Sullivan. Music festival & EDM concert promoter",
            74_034,
        );
        assert_eq!(speaks_to_customers(&promoter), None);
        // Whole words only, and a small account is not judged by its bio.
        assert_eq!(
            speaks_to_customers(&account("a", "admin, dm used to be open", 5000)),
            None
        );
        assert_eq!(
            speaks_to_customers(&account("b", "Shop now at our store!", 300)),
            None
        );
        assert_eq!(
            speaks_to_customers(&account("b", "Shop now at our store!", 3000)),
            Some("shop now")
        );
    }

    #[test]
    fn a_newsroom_is_a_publisher_and_a_small_namesake_is_not() {
        // Profiles as PHEME holds them (Reuters U.S. News; a 398-follower "Breaking News").
        let reuters = account(
            "Reuters U.S. News",
            "Top news from the United States.",
            53_516,
        );
        assert_eq!(
            publisher_signs(&reuters),
            vec![PublisherSign::NamesAnOrganisation("news")]
        );
        let small = account(
            "Breaking News",
            "Breaking News Corrospondant - Worldwide",
            398,
        );
        assert!(publisher_signs(&small).is_empty());
        // Whole words only: "newsy" and "Timeshare" are not organisation words.
        let person = account("Jo", "newsy person, Timeshare owner", 5_000);
        assert!(publisher_signs(&person).is_empty());
    }

    #[test]
    fn verified_brand_and_lists_are_signs() {
        let mut a = account("Jo", "", 10);
        a.verified = Some(true);
        a.is_brand = Some(true);
        a.listed = Some(64_820);
        assert_eq!(
            publisher_signs(&a),
            vec![
                PublisherSign::Verified,
                PublisherSign::Brand,
                PublisherSign::ManyLists(64_820)
            ]
        );
        a.listed = Some(999);
        assert_eq!(publisher_signs(&a).len(), 2);
    }

    #[test]
    fn rebasing_moves_the_odds_by_the_prior_odds() {
        // Trained on half bots, used where 15% are: odds × 0.15/0.85.
        let p = rebase_probability(0.5, 0.5, 0.15);
        assert!((p - 0.15).abs() < 1e-12, "{p}");
        let q = rebase_probability(0.9, 0.5, 0.15);
        assert!((q - (9.0 * 0.15 / 0.85) / (1.0 + 9.0 * 0.15 / 0.85)).abs() < 1e-12);
        // Same shares: unchanged; monotone; bad shares leave it alone.
        assert!((rebase_probability(0.7, 0.3, 0.3) - 0.7).abs() < 1e-12);
        assert!(rebase_probability(0.6, 0.43, 0.15) < rebase_probability(0.7, 0.43, 0.15));
        assert_eq!(rebase_probability(0.7, 0.0, 0.15), 0.7);
        assert_eq!(rebase_probability(1.0, 0.43, 0.15), 1.0);
    }
}
