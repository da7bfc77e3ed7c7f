//! `socialset ugc` and `socialset segments`: the questions, answers, reviews, complaints and
//! praise customers write, and who creates value against who consumes it.

use anyhow::Result;
use socialset_engine::{Polarity, UgcKind, UgcOptions};

use super::{OutputFormat, StoreArgs, TimeArgs};
use crate::output::{csv, table, thousands, who};

fn parse_kind(s: &str) -> std::result::Result<UgcKind, String> {
    UgcKind::parse(s).ok_or_else(|| {
        format!("{s:?} is not one of question, answer, complaint, praise, review, mention")
    })
}

fn parse_language(s: &str) -> std::result::Result<socialset_engine::Language, String> {
    socialset_engine::Language::parse(s).ok_or_else(|| format!("{s:?} is not it or en"))
}

fn parse_polarity(s: &str) -> std::result::Result<Polarity, String> {
    Polarity::parse(s)
        .ok_or_else(|| format!("{s:?} is not one of positive, negative, neutral, mixed"))
}

/// What customers write: questions with their best answers, complaints, praise, reviews.
///
/// Every post classified as a question, answer, complaint, praise, review or plain mention
/// (Italian and English), with its sentiment and the cues behind the verdict; and the
/// questions with their best answer.
///
/// A question asks with "?" (links aside) or opens with why / how / anyone / perché /
/// qualcuno / sapete...; an answer replies, somewhere down a reply chain, to another
/// account's question; a complaint is negative with a complaint's words (non funziona,
/// rimborso, still waiting, refund...) or addressed to an account; praise is positive with
/// thanks or compliments, or addressed to an account; a review is any other opinion; the rest
/// are mentions. The best answer has the most engagement (ln(1 + likes, shares, replies and
/// interactions)) plus its author's influence percentile.
///
/// Examples:
///   socialset ugc --kind question
///   socialset ugc --kind complaint --brand @acme --format csv > complaints.csv
///   socialset ugc --sentiment negative --language it --query "batteria"
///   socialset ugc --query '"customer service" OR assistenza'
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only posts of this kind: question, answer, complaint, praise, review, mention.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<UgcKind>,
    /// Only posts in this language: it or en (as detected per post).
    #[arg(long, value_parser = parse_language)]
    language: Option<socialset_engine::Language>,
    /// Only posts about this brand: mentioning its account or naming it. Their sentiment is
    /// then towards the brand: a post that praises another brand and attacks this one is
    /// negative here (only the clauses about the brand are read; "better than B" counts
    /// against B).
    #[arg(long, value_name = "B")]
    brand: Option<String>,
    /// Only posts of this sentiment: positive, negative, neutral, mixed.
    #[arg(long, value_parser = parse_polarity)]
    sentiment: Option<Polarity>,
    /// Full-text search (all words by default; "a phrase", OR, -word), stemmed in Italian
    /// and English; results by relevance.
    #[arg(long, value_name = "TEXT")]
    query: Option<String>,
    /// How many posts to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,

    #[command(flatten)]
    out: super::OutArgs,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    store: StoreArgs,
}

fn excerpt(text: &str, n: usize) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    let mut e: String = one_line.chars().take(n).collect();
    if one_line.chars().count() > n {
        e.push('…');
    }
    e
}

pub fn run(args: Args) -> Result<()> {
    let r = args.store.open_existing()?.ugc(&UgcOptions {
        kind: args.kind,
        sentiment: args.sentiment,
        language: args.language,
        brand: args.brand.clone(),
        query: args.query,
        window: args.time.window(),
        top: args.top,
    })?;
    if args.out.write(
        "posts",
        &serde_json::to_value(socialset_server::api::UgcJson::from(&r))?["items"],
    )? {
        return Ok(());
    }
    match args.format {
        OutputFormat::Json => {
            // The API's UGC JSON (`socialset serve` answers with the same type).
            crate::output::print_json(&socialset_server::api::UgcJson::from(&r))?
        }
        OutputFormat::Csv => csv(
            &[
                "post",
                "link",
                "at",
                "author",
                "handle",
                "kind",
                "sentiment",
                "score",
                "language",
                "engagement",
                "near_duplicates",
                "reasons",
                "abusive",
                "towards_brand",
                "text",
            ],
            &r.items
                .iter()
                .map(|i| {
                    vec![
                        i.post.clone(),
                        socialset_engine::post_link(&i.post, i.handle.as_deref())
                            .unwrap_or_default(),
                        i.at.map(socialset_server::api::moment).unwrap_or_default(),
                        i.author.clone(),
                        i.handle.clone().unwrap_or_default(),
                        i.kind.name().to_owned(),
                        i.polarity.name().to_owned(),
                        format!("{:.3}", i.score),
                        i.language.code().to_owned(),
                        i.engagement.to_string(),
                        i.duplicates.to_string(),
                        i.reasons.join("; "),
                        i.abusive.join("; "),
                        i.towards.unwrap_or_default().to_owned(),
                        i.text.clone(),
                    ]
                })
                .collect::<Vec<_>>(),
        )?,
        OutputFormat::Table => {
            let kinds: Vec<String> = r
                .by_kind
                .iter()
                .map(|(k, n)| format!("{} {}", thousands(*n as u64), k.name()))
                .collect();
            println!(
                "{} posts: {}. {} match; the {} most engaged (near-duplicates listed once):",
                thousands(r.posts as u64),
                kinds.join(", "),
                thousands(r.matching as u64),
                r.items.len()
            );
            if let Some(b) = &args.brand {
                println!(
                    "Sentiment towards {b}: where a post also speaks of other brands or accounts in other clauses, only its clauses are read (\"its clauses\"), and \"better than {b}\" is read from the other side (\"compared\")."
                );
            }
            let rows = r
                .items
                .iter()
                .map(|i| {
                    vec![
                        who(&i.author, i.handle.as_deref()),
                        i.kind.name().to_owned(),
                        match i.towards {
                            // Read towards the brand: say when only part of the post was.
                            Some(t @ ("its clauses" | "compared")) => {
                                format!("{} {:+.2} ({t})", i.polarity.name(), i.score)
                            }
                            _ => format!("{} {:+.2}", i.polarity.name(), i.score),
                        },
                        i.engagement.to_string(),
                        if i.duplicates > 0 {
                            format!("{} (+{} alike)", excerpt(&i.text, 60), i.duplicates)
                        } else {
                            excerpt(&i.text, 70)
                        },
                        i.reasons.join("; "),
                    ]
                })
                .collect();
            println!(
                "{}",
                table(
                    &["author", "kind", "sentiment", "engagement", "text", "why"],
                    &[3],
                    rows
                )
            );
            if !r.threads.is_empty() {
                println!("Questions and their best answers:");
                for t in r.threads.iter().take(args.top) {
                    println!(
                        "  Q {}: {}",
                        who(&t.question.author, t.question.handle.as_deref()),
                        excerpt(&t.question.text, 90)
                    );
                    let left_out = match t.abusive_answers {
                        0 => String::new(),
                        1 => "; 1 abusive answer left out".into(),
                        k => format!("; {k} abusive answers left out"),
                    };
                    match &t.best {
                        Some(b) => println!(
                            "    A {} (best of {}{left_out}, engagement {}): {}",
                            who(&b.author, b.handle.as_deref()),
                            t.answers,
                            b.engagement,
                            excerpt(&b.text, 90)
                        ),
                        None => println!(
                            "    no answer fit to show ({} answers{left_out})",
                            t.answers
                        ),
                    }
                }
            }
        }
    }
    Ok(())
}

/// Prosumer segments: who creates value (posts, answers) and who only consumes it.
///
/// For every account, the value it creates (posts, answers, shares its posts received)
/// against the value it consumes (shares, likes and replies it gave), and its segment:
///
///   lurker     no activity on record
///   creator    creates at least as much as it consumes
///   amplifier  consumes more than it creates, at least half of it by sharing
///   consumer   consumes more than it creates, mostly liking and replying
///
/// Examples:
///   socialset segments
///   socialset segments --segment amplifier --format csv > amplifiers.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SegmentsArgs {
    /// Only accounts of this segment: creator, amplifier, consumer, lurker.
    #[arg(long, value_parser = ["creator", "amplifier", "consumer", "lurker"])]
    segment: Option<String>,
    /// How many accounts to list (most active first).
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,

    #[command(flatten)]
    out: super::OutArgs,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn run_segments(args: SegmentsArgs) -> Result<()> {
    let r = args.store.open_existing()?.segments(&args.time.window())?;
    let segment = args
        .segment
        .as_deref()
        .and_then(socialset_engine::Segment::parse);
    let accounts = r.most_active(segment);
    if args.out.write(
        "accounts",
        &serde_json::to_value(socialset_server::api::SegmentsJson::page(
            &r,
            segment,
            0,
            usize::MAX,
        ))?["accounts"],
    )? {
        return Ok(());
    }
    let row = |a: &socialset_engine::AccountValue| {
        let c = &a.counts;
        vec![
            a.id.clone(),
            a.handle.clone().unwrap_or_default(),
            a.segment.name().to_owned(),
            c.created().to_string(),
            c.consumed().to_string(),
            c.posts.to_string(),
            c.answers.to_string(),
            c.shares_received.to_string(),
            c.shares_given.to_string(),
            c.likes_given.to_string(),
            c.replies_given.to_string(),
        ]
    };
    const HEADER: [&str; 11] = [
        "account",
        "handle",
        "segment",
        "created",
        "consumed",
        "posts",
        "answers",
        "shares_received",
        "shares_given",
        "likes_given",
        "replies_given",
    ];
    match args.format {
        OutputFormat::Csv => csv(
            &HEADER,
            &accounts.iter().map(|a| row(a)).collect::<Vec<_>>(),
        )?,
        OutputFormat::Json => crate::output::print_json(
            &socialset_server::api::SegmentsJson::page(&r, segment, 0, usize::MAX),
        )?,
        OutputFormat::Table => {
            let total = r.accounts.len().max(1) as f64;
            let parts: Vec<String> = r
                .by_segment
                .iter()
                .map(|(s, n)| {
                    format!(
                        "{} {} ({:.0}%)",
                        thousands(*n as u64),
                        s.name(),
                        100.0 * *n as f64 / total
                    )
                })
                .collect();
            println!(
                "{} accounts: {}.",
                thousands(r.accounts.len() as u64),
                parts.join(", ")
            );
            let rows = accounts
                .iter()
                .take(args.top)
                .map(|a| {
                    let c = &a.counts;
                    vec![
                        who(&a.id, a.handle.as_deref()),
                        a.segment.name().to_owned(),
                        c.created().to_string(),
                        c.consumed().to_string(),
                        format!(
                            "{} posts, {} answers, {} shares received",
                            c.posts, c.answers, c.shares_received
                        ),
                        format!(
                            "{} shares, {} likes, {} replies",
                            c.shares_given, c.likes_given, c.replies_given
                        ),
                    ]
                })
                .collect();
            println!(
                "{}",
                table(
                    &["account", "segment", "created", "consumed", "creates", "consumes"],
                    &[2, 3],
                    rows
                )
            );
        }
    }
    Ok(())
}
