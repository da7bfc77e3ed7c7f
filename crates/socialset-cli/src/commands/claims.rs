//! `socialset claims` and `socialset claim`: what spreads, and how.

use anyhow::Result;
use socialset_engine::{ClaimKind, ClaimOptions, FactVerdict, SpreaderOptions};
use socialset_server::api::{ClaimDetailJson, ClaimJson, ClaimsJson, SpreadersJson};

use super::{OutputFormat, StoreArgs, TimeArgs};
use crate::output::{csv, table, thousands};

/// List the claims spreading most: links, hashtags and stories told in near-identical words.
///
/// A claim is a link (its address normalised: http and https, www., tracking parameters such
/// as utm_* and a trailing / do not split it; short links are not followed), a hashtag, or a
/// group of original posts telling the same thing in near-identical words (MinHash over word
/// 3-grams). Its cascades are the replies, quotes and shares below the posts that carry it;
/// for each: posts and distinct accounts, cascades, depth (the longest chain), breadth (the
/// most posts at one depth), structural virality (Goel et al. 2016: the mean distance between
/// two posts of the largest cascade: near 2 for a broadcast, higher for spread from person to
/// person) and speed (hours to 10, 100 and 1,000 accounts).
///
/// A claims file (JSON Lines `claim` and `verdict` records, docs/FORMAT.md; imported like
/// the rest) names claims by link, hashtag, words or post and gives fact-checkers' verdicts:
/// true, false, mixed or unverified. Each claim found in the posts then shows its verdict,
/// and `socialset spreaders` lists the accounts that spread claims judged false again and
/// again.
///
/// Examples:
///   socialset claims
///   socialset claims --kind link --top 50 --format csv > links.csv
///   socialset claims --verdict false
///   socialset claim 'link:cbc.ca/news/canada/ottawa-shooting'
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only claims of this kind: link, hashtag or text.
    #[arg(long, value_name = "KIND")]
    kind: Option<ClaimKind>,
    /// How many claims to list, the most accounts reached first (0: all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,
    /// Leave out claims that reached fewer accounts.
    #[arg(long, default_value_t = 2, value_name = "N")]
    min_accounts: usize,
    /// Only claims fact-checkers judged so: true, false, mixed or unverified.
    #[arg(long, value_name = "VERDICT")]
    verdict: Option<FactVerdict>,
    #[command(flatten)]
    time: TimeArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

/// List the accounts that spread claims fact-checkers judged false, again and again.
///
/// A claims file (JSON Lines `claim` and `verdict` records, docs/FORMAT.md) names claims —
/// by link, hashtag, words or a post that tells them — with a verdict: true, false, mixed or
/// unverified. socialset finds each in the posts (as `socialset claims` does) and follows
/// its cascades: an account spread it when a post of its carried it, quoted it or shared it
/// (a reply does not count: it may deny it). Its record is every judged claim it spread;
/// its false share is false / (true + false), drawn towards the store's share of false
/// claims by one claim's weight so that one false claim is not a record of 100%.
///
/// How well such records tell a fake item from a real one is measured on FakeNewsNet by
/// `socialset eval spreaders` (docs/EVALUATION.md, "Repeat spreaders").
///
/// Examples:
///   socialset import fact-checks.jsonl --db store.db
///   socialset spreaders --db store.db
///   socialset spreaders --min-false 1 --top 0 --format csv > spreaders.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SpreadersArgs {
    /// Leave out accounts that spread fewer claims judged false.
    #[arg(long, default_value_t = 2, value_name = "N")]
    min_false: u32,
    /// How many accounts to list, the most false claims first (0: all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,
    #[command(flatten)]
    time: TimeArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

/// One claim: how it spread, day by day, who carried it furthest, whom it reached, and
/// what its replies said of it.
///
/// ID is what `socialset claims` lists: link:HOST/PATH (or the link as written), tag:NAME,
/// or text:POST.
///
/// Whom it reached: the accounts of its cascades the authenticity audit calls likely bots
/// (its built-in model, as `socialset audit`) and the share of the posts they made; the
/// communities of `socialset communities` its accounts belong to. What the replies said:
/// each reply's stance — support, deny, query or comment, as `socialset stance` calls it
/// (English; Italian replies are counted "not read") — and the earliest denials and
/// questions (--top of each), the crowd's own counter-information.
///
/// Examples:
///   socialset claim tag:charliehebdo
///   socialset claim 'link:https://www.bbc.co.uk/news/world-europe-30710883' --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ClaimArgs {
    /// The claim's id.
    id: String,
    /// How many spreaders, communities, denials and questions to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,
    #[command(flatten)]
    time: TimeArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

const HEADER: [&str; 19] = [
    "claim",
    "kind",
    "label",
    "domain",
    "carriers",
    "posts",
    "accounts",
    "cascades",
    "largest_cascade",
    "depth",
    "max_breadth",
    "structural_virality",
    "first",
    "last",
    "hours_to_10_accounts",
    "hours_to_100_accounts",
    "hours_to_1000_accounts",
    "verdict",
    "fact_check",
];

fn hours(h: Option<f64>) -> String {
    h.map_or_else(String::new, |h| format!("{h:.2}"))
}

fn row(c: &ClaimJson) -> Vec<String> {
    vec![
        c.id.clone(),
        c.kind.clone(),
        c.label.clone(),
        c.domain.clone().unwrap_or_default(),
        c.carriers.to_string(),
        c.posts.to_string(),
        c.accounts.to_string(),
        c.cascades.to_string(),
        c.largest_cascade.to_string(),
        c.depth.to_string(),
        c.max_breadth.to_string(),
        format!("{:.4}", c.structural_virality),
        c.first.clone().unwrap_or_default(),
        c.last.clone().unwrap_or_default(),
        hours(c.hours_to_10_accounts),
        hours(c.hours_to_100_accounts),
        hours(c.hours_to_1000_accounts),
        verdict(c),
        c.fact_check
            .as_ref()
            .map_or_else(String::new, |f| f.id.clone()),
    ]
}

/// A claim's joint verdict ("" when no claims file judged it).
fn verdict(c: &ClaimJson) -> String {
    c.fact_check
        .as_ref()
        .and_then(|f| f.verdict.clone())
        .unwrap_or_default()
}

/// A label cut to fit a table's column, on one line.
pub(crate) fn short(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        format!("{}…", one_line.chars().take(max - 1).collect::<String>())
    }
}

fn speed(c: &ClaimJson) -> String {
    [
        (c.hours_to_10_accounts, 10),
        (c.hours_to_100_accounts, 100),
        (c.hours_to_1000_accounts, 1000),
    ]
    .iter()
    .filter_map(|(h, n)| h.map(|h| format!("{n}: {h:.1} h")))
    .collect::<Vec<_>>()
    .join(", ")
}

pub fn run(args: Args) -> Result<()> {
    let options = ClaimOptions {
        kind: args.kind,
        top: args.top,
        min_accounts: args.min_accounts,
        window: args.time.window(),
        verdict: args.verdict,
    };
    let (ws, progress) = args.store.open_watched(Default::default())?;
    let report = crate::progress::watch(&progress, || ws.claims(&options))?;
    let json = ClaimsJson::from(&report);
    match args.format {
        OutputFormat::Json => crate::output::print_json(&json)?,
        OutputFormat::Csv => csv(&HEADER, &json.claims.iter().map(row).collect::<Vec<_>>())?,
        OutputFormat::Table => {
            let rows = json
                .claims
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        short(&c.label, 40),
                        thousands(c.accounts as u64),
                        thousands(c.posts as u64),
                        format!(
                            "{} ({} largest)",
                            thousands(c.cascades as u64),
                            thousands(c.largest_cascade as u64)
                        ),
                        c.depth.to_string(),
                        thousands(c.max_breadth as u64),
                        format!("{:.2}", c.structural_virality),
                        speed(c),
                        verdict(c),
                    ]
                })
                .collect();
            println!(
                "{}",
                table(
                    &[
                        "claim",
                        "what",
                        "accounts",
                        "posts",
                        "cascades",
                        "depth",
                        "breadth",
                        "virality",
                        "hours to accounts",
                        "verdict"
                    ],
                    &[2, 3, 5, 6, 7],
                    rows
                )
            );
            println!(
                "{} of {} claims that reached {} accounts or more ({} found); {} of {} posts reply to, quote or share a post the store holds.",
                thousands(json.claims.len() as u64),
                thousands(json.spreading as u64),
                args.min_accounts,
                thousands(json.found as u64),
                thousands(json.linked_posts as u64),
                thousands(json.posts as u64),
            );
            if json.named > 0 {
                println!(
                    "Claims files name {} claims; {} of them are carried by no post in the store.",
                    thousands(json.named as u64),
                    thousands(json.named_not_found as u64)
                );
            }
            if json.linked_posts == 0 && json.posts > 0 {
                println!("No post answers or shares another the store holds: every claim is its own posts, with no cascade (an export of posts without their replies and shares).");
            }
        }
    }
    Ok(())
}

pub fn run_claim(args: ClaimArgs) -> Result<()> {
    let (ws, progress) = args.store.open_watched(Default::default())?;
    let window = args.time.window();
    let detail = crate::progress::watch(&progress, || ws.claim(&args.id, &window, args.top))?;
    let json = ClaimDetailJson::from(&detail);
    match args.format {
        OutputFormat::Json => crate::output::print_json(&json)?,
        OutputFormat::Csv => {
            let rows: Vec<Vec<String>> = json
                .spreaders
                .iter()
                .map(|s| {
                    vec![
                        s.account.clone(),
                        s.handle.clone().unwrap_or_default(),
                        s.posts.to_string(),
                        s.below.to_string(),
                        s.carrier.to_string(),
                    ]
                })
                .collect();
            csv(&["account", "handle", "posts", "below", "carrier"], &rows)?;
        }
        OutputFormat::Table => {
            let c = &json.claim;
            println!("{} ({}): {}", c.id, c.kind, short(&c.label, 200));
            println!(
                "{} posts carry it; its {} cascades hold {} posts by {} accounts (the largest {}), {} deep, at most {} at one depth; structural virality {:.2}.",
                thousands(c.carriers as u64),
                thousands(c.cascades as u64),
                thousands(c.posts as u64),
                thousands(c.accounts as u64),
                thousands(c.largest_cascade as u64),
                c.depth,
                thousands(c.max_breadth as u64),
                c.structural_virality,
            );
            if let Some(f) = &c.fact_check {
                println!("{}", fact_check_line(f));
            }
            if let Some(r) = &json.spreaders_record {
                println!("{}", record_line(r));
            }
            if let (Some(a), Some(b)) = (&c.first, &c.last) {
                let s = speed(c);
                println!(
                    "From {a} to {b}{}.",
                    if s.is_empty() {
                        String::new()
                    } else {
                        format!("; hours to reach accounts: {s}")
                    }
                );
            }
            if !json.timeline.is_empty() {
                let rows = json
                    .timeline
                    .iter()
                    .map(|d| {
                        vec![
                            d.day.clone(),
                            thousands(d.posts as u64),
                            thousands(d.new_accounts as u64),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(&["day", "posts", "new accounts"], &[1, 2], rows)
                );
            }
            let rows = json
                .spreaders
                .iter()
                .map(|s| {
                    vec![
                        s.handle.clone().unwrap_or_else(|| s.account.clone()),
                        thousands(s.posts as u64),
                        thousands(s.below as u64),
                        if s.carrier {
                            "carried it"
                        } else {
                            "answered or shared"
                        }
                        .to_owned(),
                    ]
                })
                .collect();
            println!("Who carried it furthest (posts below theirs):");
            println!(
                "{}",
                table(&["account", "posts", "below", "role"], &[1, 2], rows)
            );
            let reach = json.reach.as_ref();
            if let Some(r) = reach {
                println!("{}", reach_line(r));
            }
            if let Some(r) = reach.filter(|r| !r.communities.is_empty()) {
                let rows = r
                    .communities
                    .iter()
                    .map(|c| {
                        vec![
                            c.id.to_string(),
                            c.labels.join(" "),
                            thousands(u64::from(c.size)),
                            thousands(c.accounts as u64),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(
                        &["community", "known for", "accounts in it", "reached"],
                        &[0, 2, 3],
                        rows
                    )
                );
            }
            println!("{}", stance_line(&json.replies));
            if !json.replies.examples.is_empty() {
                let rows = json
                    .replies
                    .examples
                    .iter()
                    .map(|e| {
                        vec![
                            e.stance.clone(),
                            e.handle.clone().unwrap_or_else(|| e.account.clone()),
                            e.at.clone().unwrap_or_default(),
                            short(&e.text, 100),
                        ]
                    })
                    .collect();
                println!(
                    "The earliest denials and questions by others than its author (the crowd's own counter-information):"
                );
                println!(
                    "{}",
                    table(&["stance", "account", "when (UTC)", "reply"], &[], rows)
                );
            }
        }
    }
    Ok(())
}

/// What the records of a claim's spreaders say, in one sentence.
pub(crate) fn record_line(r: &socialset_server::api::SpreadersRecordJson) -> String {
    if r.with_record == 0 {
        let who = match r.spreaders {
            1 => "its one spreader spread none".to_owned(),
            n => format!("none of its {} spreaders spread any", thousands(n as u64)),
        };
        return format!(
            "Its spreaders' record: {who} of the {} other judged claims.",
            thousands(r.judged_claims as u64)
        );
    }
    format!(
        "Its spreaders' record: {} of its {} spreaders spread other judged claims; their mean false share is {:.0}% against {:.0}% of the {} other judged claims (a score, not a probability: on FakeNewsNet it tells fake from real with an AUC of 0.90–0.95, docs/EVALUATION.md).",
        thousands(r.with_record as u64),
        thousands(r.spreaders as u64),
        100.0 * r.score,
        100.0 * r.base_rate,
        thousands(r.judged_claims as u64)
    )
}

/// A claim's fact-checks in one sentence.
pub(crate) fn fact_check_line(f: &socialset_server::api::FactCheckJson) -> String {
    let checks: Vec<String> = f
        .verdicts
        .iter()
        .map(|v| {
            let mut s = format!(
                "{} by {}",
                v.verdict,
                v.source.as_deref().unwrap_or("an unnamed source")
            );
            if let Some(at) = &v.at {
                s += &format!(" ({})", &at[..at.len().min(10)]);
            }
            s
        })
        .collect();
    format!(
        "Fact-checked as {} ({}{}): {}.",
        f.verdict.as_deref().unwrap_or("not judged"),
        f.id,
        f.title
            .as_deref()
            .map_or_else(String::new, |t| format!(", {}", short(t, 80))),
        if checks.is_empty() {
            "no verdict yet".to_owned()
        } else {
            checks.join("; ")
        }
    )
}

pub fn run_spreaders(args: SpreadersArgs) -> Result<()> {
    let options = SpreaderOptions {
        min_false: args.min_false,
        top: args.top,
        window: args.time.window(),
    };
    let (ws, progress) = args.store.open_watched(Default::default())?;
    let report = crate::progress::watch(&progress, || ws.repeat_spreaders(&options))?;
    let json = SpreadersJson::from(&report);
    let header = [
        "account",
        "handle",
        "followers",
        "spread_false",
        "spread_true",
        "spread_mixed",
        "spread_unverified",
        "false_share",
        "first_false",
        "false_claims",
    ];
    let row = |s: &socialset_server::api::RepeatSpreaderJson| {
        vec![
            s.account.clone(),
            s.handle.clone().unwrap_or_default(),
            s.followers.map_or_else(String::new, |f| f.to_string()),
            s.spread_false.to_string(),
            s.spread_true.to_string(),
            s.spread_mixed.to_string(),
            s.spread_unverified.to_string(),
            format!("{:.4}", s.false_share),
            s.first_false.clone().unwrap_or_default(),
            s.false_claims.join(" "),
        ]
    };
    match args.format {
        OutputFormat::Json => crate::output::print_json(&json)?,
        OutputFormat::Csv => csv(&header, &json.spreaders.iter().map(row).collect::<Vec<_>>())?,
        OutputFormat::Table => {
            if json.named == 0 {
                println!("No claim is named in this store, so no spread is judged: import a claims file of `claim` and `verdict` records (docs/FORMAT.md, \"claim\").");
                return Ok(());
            }
            println!(
                "{} named claims; {} found in the posts with a verdict ({} false, {} true, {} mixed, {} unverified); {} carried by no post.",
                thousands(json.named as u64),
                thousands(json.judged_found as u64),
                thousands(json.found_false as u64),
                thousands(json.found_true as u64),
                thousands(json.found_mixed as u64),
                thousands(json.found_unverified as u64),
                thousands(json.named_not_found as u64),
            );
            if json.orphan_verdicts > 0 {
                println!(
                    "{} verdicts name a claim no claim record names: they are kept, and count once the claim is named.",
                    thousands(json.orphan_verdicts as u64)
                );
            }
            let rows = json
                .spreaders
                .iter()
                .map(|s| {
                    vec![
                        s.handle.clone().unwrap_or_else(|| s.account.clone()),
                        s.followers.map_or_else(|| "unknown".into(), thousands),
                        s.spread_false.to_string(),
                        s.spread_true.to_string(),
                        (s.spread_mixed + s.spread_unverified).to_string(),
                        format!("{:.0}%", 100.0 * s.false_share),
                        s.first_false
                            .as_deref()
                            .map_or_else(String::new, |t| t[..t.len().min(16)].replace('T', " ")),
                        short(&s.false_claims.join(" "), 60),
                    ]
                })
                .collect();
            println!(
                "{}",
                table(
                    &[
                        "account",
                        "followers",
                        "false",
                        "true",
                        "mixed/unverified",
                        "false share",
                        "first false (UTC)",
                        "false claims"
                    ],
                    &[1, 2, 3, 4, 5],
                    rows
                )
            );
            println!(
                "{} of {} accounts with a record spread {} or more claims judged false (share of false among judged claims found: {:.0}%).",
                thousands(json.repeat_spreaders as u64),
                thousands(json.accounts_with_record as u64),
                args.min_false.max(1),
                100.0 * json.base_rate
            );
        }
    }
    Ok(())
}

/// The stance of a claim's replies in one sentence.
pub(crate) fn stance_line(r: &socialset_server::api::ReplyStancesJson) -> String {
    let called = r.support + r.deny + r.query + r.comment;
    if called + r.unread == 0 {
        return "No replies to read the stance of.".into();
    }
    let share = |n: usize| format!("{:.0}%", 100.0 * n as f64 / called.max(1) as f64);
    let mut line = format!(
        "Stance of its {} replies: {} support ({}), {} deny ({}), {} query ({}), {} comment ({})",
        thousands((called + r.unread) as u64),
        thousands(r.support as u64),
        share(r.support),
        thousands(r.deny as u64),
        share(r.deny),
        thousands(r.query as u64),
        share(r.query),
        thousands(r.comment as u64),
        share(r.comment),
    );
    if r.unread > 0 {
        line += &format!(
            "; {} not read (Italian or empty: the stance model reads English)",
            thousands(r.unread as u64)
        );
    }
    line + "."
}

/// Bots and communities a claim reached, in one sentence.
pub(crate) fn reach_line(r: &socialset_server::api::ClaimReachJson) -> String {
    let pct = |a: usize, b: usize| format!("{:.0}%", 100.0 * a as f64 / b.max(1) as f64);
    let mut line = format!(
        "Likely bots (the audit's built-in model): {} of the {} accounts in its cascades ({} had data enough to judge), making {} of the cascades' posts.",
        thousands(r.likely_bots as u64),
        thousands(r.accounts as u64),
        thousands(r.judged as u64),
        pct(r.posts_by_bots, r.posts)
    );
    if r.communities_known {
        line += &format!(
            " It reached {} of the store's communities (see `socialset communities`).",
            thousands(r.communities_reached as u64)
        );
    }
    line
}
