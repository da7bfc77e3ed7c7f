//! `socialset trust`: who is trusted, by explicit ratings, with the evidence.

use anyhow::Result;
use serde_json::json;
use socialset_engine::TrustOptions;

use super::{OutputFormat, StoreArgs};
use crate::output::{csv, percent, table, thousands, who};

/// Rank accounts by trust: from explicit ratings, or without them from interactions.
///
/// goodness (−1…+1): how much an account is trusted, each rating weighted by how fair its
/// rater is (Kumar et al., ICDM 2016); fairness (0…1): how well an account's ratings agree
/// with what the rated deserve; EigenTrust: the share of trust that flows to it from the
/// pre-trusted accounts along positive ratings (Kamvar et al., WWW 2003). Accounts are listed
/// by trust = goodness · n/(n + 5), n the ratings received, so that one +10 is not worth
/// more than a hundred +9s. Ratings are scaled by the largest absolute rating in the store.
///
/// Without ratings (or with --from interactions), trust comes from interactions: reciprocity
/// (the share of the accounts that replied to, mentioned or quoted it that it answered) and
/// response rate (the share of questions put to it — messages with a "?" — that it answered),
/// listed by reciprocity · n/(n + 5), n the accounts that talked to it; beside them the tone of
/// the replies it received (their mean sentiment score, −1 to +1, Italian or English).
///
/// Examples:
///   socialset trust --top 20
///   socialset trust --from interactions
///   socialset trust --pretrusted bitcoin-otc:1,bitcoin-otc:35 --format csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// How many accounts to list (0: all).
    #[arg(long, default_value_t = 20, value_name = "K")]
    top: usize,
    /// EigenTrust's pre-trusted accounts, comma-separated ids or handles (default: everyone alike).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pretrusted: Vec<String>,
    /// Where trust comes from: explicit ratings, interactions, or ratings when the store has any.
    #[arg(long, value_enum, default_value = "auto")]
    from: Source,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Source {
    Auto,
    Ratings,
    Interactions,
}

pub fn run(args: Args) -> Result<()> {
    let options = TrustOptions {
        top: args.top,
        pretrusted: args.pretrusted,
        ..TrustOptions::default()
    };
    let ws = args.store.open_existing()?;
    let from_ratings = match args.from {
        Source::Ratings => true,
        Source::Interactions => false,
        Source::Auto => ws.has_ratings()?,
    };
    if !from_ratings {
        return interactions(&ws.interaction_trust(&options)?, args.format);
    }
    let r = ws.trust(&options)?;
    let rows = rows(&r.accounts);
    match args.format {
        OutputFormat::Json => {
            let v = json!({
                "ratings": r.ratings, "rated_accounts": r.rated_accounts, "scale": r.scale,
                "iterations": r.iterations, "converged": r.converged, "pretrusted": r.pretrusted,
                "accounts": r.accounts.iter().map(|a| json!({
                    "id": a.id, "handle": a.handle, "trust": a.trust, "goodness": a.goodness,
                    "fairness": a.fairness, "eigentrust": a.eigentrust,
                    "ratings_received": a.ratings_received, "ratings_given": a.ratings_given,
                    "positive_received": a.positive_received,
                })).collect::<Vec<_>>(),
            });
            crate::output::print_json(&v)?;
        }
        OutputFormat::Csv => csv(
            &[
                "account",
                "trust",
                "goodness",
                "fairness",
                "eigentrust",
                "ratings_received",
                "ratings_given",
                "positive_received",
            ],
            &rows,
        )?,
        OutputFormat::Table => {
            println!(
                "{} ratings between {} accounts (scaled by {}); fairness and goodness {} after {} iterations; EigenTrust pre-trusted: {}.",
                thousands(r.ratings as u64),
                thousands(r.rated_accounts as u64),
                r.scale,
                if r.converged { "converged" } else { "stopped" },
                r.iterations,
                if r.pretrusted.is_empty() { "none (uniform)".to_owned() } else { r.pretrusted.join(", ") }
            );
            println!("{}", table(&HEADER, &[1, 2, 3, 4, 5, 6, 7], rows));
        }
    }
    Ok(())
}

/// The trust table's header and rows, as `socialset trust` prints them (the demo too).
pub const HEADER: [&str; 8] = [
    "account",
    "trust",
    "goodness",
    "fairness",
    "EigenTrust",
    "rated by",
    "rated",
    "positive",
];

pub fn rows(accounts: &[socialset_engine::TrustLine]) -> Vec<Vec<String>> {
    accounts
        .iter()
        .map(|a| {
            vec![
                who(&a.id, a.handle.as_deref()),
                format!("{:+.3}", a.trust),
                format!("{:+.3}", a.goodness),
                format!("{:.3}", a.fairness),
                format!("{:.5}", a.eigentrust),
                a.ratings_received.to_string(),
                a.ratings_given.to_string(),
                a.positive_received.map_or("—".into(), percent),
            ]
        })
        .collect()
}

fn interactions(r: &socialset_engine::InteractionTrustReport, format: OutputFormat) -> Result<()> {
    let opt = |v: Option<f64>| v.map_or("—".to_owned(), percent);
    let rows: Vec<Vec<String>> = r
        .accounts
        .iter()
        .map(|a| {
            vec![
                who(&a.id, a.handle.as_deref()),
                format!("{:.3}", a.trust),
                a.talkers.to_string(),
                opt(a.reciprocity),
                a.questions.to_string(),
                opt(a.response_rate),
                a.reply_tone.map_or("—".to_owned(), |t| format!("{t:+.2}")),
            ]
        })
        .collect();
    match format {
        OutputFormat::Json => {
            let v = json!({
                "source": "interactions",
                "accounts_talked_to": r.accounts_talked_to,
                "accounts": r.accounts.iter().map(|a| json!({
                    "id": a.id, "handle": a.handle, "trust": a.trust, "talkers": a.talkers,
                    "answered": a.answered, "reciprocity": a.reciprocity, "questions": a.questions,
                    "questions_answered": a.questions_answered, "response_rate": a.response_rate,
                    "reply_tone": a.reply_tone, "replies_read": a.replies_read,
                })).collect::<Vec<_>>(),
            });
            crate::output::print_json(&v)?;
        }
        OutputFormat::Csv => csv(
            &[
                "account",
                "trust",
                "talkers",
                "reciprocity",
                "questions",
                "response_rate",
                "reply_tone",
            ],
            &rows,
        )?,
        OutputFormat::Table => {
            println!(
                "Trust from interactions ({} accounts that others talked to). Reply tone: the mean sentiment score (−1 to +1) of the replies with text each received.",
                thousands(r.accounts_talked_to as u64)
            );
            println!(
                "{}",
                table(
                    &[
                        "account",
                        "trust",
                        "talked to by",
                        "answered",
                        "questions",
                        "answered",
                        "reply tone"
                    ],
                    &[1, 2, 3, 4, 5, 6],
                    rows
                )
            );
        }
    }
    Ok(())
}
