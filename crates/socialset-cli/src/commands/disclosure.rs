//! `socialset disclosure` and `socialset independence`: brand ties and how they are disclosed.

use std::path::PathBuf;

use anyhow::Result;
use socialset_engine::{Disclosure, DisclosureCounts, PostDisclosure};

use super::{OutputFormat, StoreArgs};
use crate::output::{csv, percent, table, thousands, who};

/// Check that sponsored posts say so clearly, at the start.
///
/// A post is sponsored when it carries a disclosure label (#adv, #ad, #sponsored,
/// #sponsorizzato, #gifted, "pubblicità" opening the post, "paid partnership", "partnership a
/// pagamento", "supplied by", …), an affiliate link (Amazon tag=, affiliate networks and their
/// short links, aff=/affiliate=/referral parameters, ref= outside social sites) or a discount
/// code ("codice sconto ESTATE20"). Following the Italian AGCOM / IAP guidance and the FTC's,
/// it is compliant when a clear label stands in the first 50 characters and not inside a
/// string of three or more hashtags; "label buried" when the label is later or among
/// hashtags; "label unclear" with only ambiguous tags (#sp, #collab, #partner, #ambassador);
/// "undisclosed" with links or codes and no label. Where conversions name campaigns and their
/// members, the report is also given per campaign.
///
/// Examples:
///   socialset disclosure
///   socialset disclosure --account @ann --format csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct DisclosureArgs {
    /// Only this account's posts.
    #[arg(long, value_name = "ACCOUNT")]
    account: Option<String>,
    /// Brand accounts, one id or handle per line (beyond those marked is_brand and those in
    /// socialset.toml beside the store: `brands = ["@acme", "tw:42"]`).
    #[arg(long, value_name = "FILE")]
    brands: Option<PathBuf>,
    /// With table output: how many sponsored posts to list.
    #[arg(long, default_value_t = 20, value_name = "K")]
    top: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

/// An account's independence from brands, with the reasons.
///
/// independence = 1 − (share of its posts that are sponsored: labelled, affiliate links or
/// discount codes) − ½ × (share of its other posts that mention brand accounts); 0 for a brand
/// account itself. Brands are the accounts marked is_brand, those listed in socialset.toml
/// beside the store (`brands = ["@acme", "tw:42"]`) and those in --brands.
///
/// Examples:
///   socialset independence @ann
///   socialset independence tw:12345 --brands brands.txt --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct IndependenceArgs {
    /// The account (id or handle).
    account: String,
    /// Brand accounts, one id or handle per line (beyond those marked is_brand).
    #[arg(long, value_name = "FILE")]
    brands: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

/// The API's post disclosure JSON (`socialset serve` answers with the same type).
fn evidence(p: &PostDisclosure) -> String {
    let mut parts = p.labels.clone();
    parts.extend(p.affiliate_links.iter().map(|(_, why)| (*why).to_owned()));
    parts.extend(p.discount_codes.iter().map(|c| format!("code {c}")));
    parts.join(", ")
}

pub fn run_disclosure(args: DisclosureArgs) -> Result<()> {
    let r = args
        .store
        .open_existing()?
        .disclosure(args.account.as_deref(), args.brands.as_deref())?;
    match args.format {
        OutputFormat::Json => {
            // The API's disclosure JSON (`socialset serve` answers with the same type).
            let v = socialset_server::api::DisclosureJson::page(&r, 0, usize::MAX);
            crate::output::print_json(&v)?;
        }
        OutputFormat::Csv => csv(
            &["post", "author", "verdict", "evidence", "brands", "excerpt"],
            &r.posts
                .iter()
                .map(|p| {
                    vec![
                        p.post.clone(),
                        p.author.clone(),
                        p.verdict.as_str().to_owned(),
                        evidence(p),
                        p.brands.join(" "),
                        p.excerpt.clone(),
                    ]
                })
                .collect::<Vec<_>>(),
        )?,
        OutputFormat::Table => {
            let compliant = r
                .posts
                .iter()
                .filter(|p| p.verdict == Disclosure::Compliant)
                .count();
            println!(
                "{} posts checked: {} sponsored, {} of them disclosed clearly at the start.",
                thousands(r.posts_checked as u64),
                thousands(r.posts.len() as u64),
                thousands(compliant as u64)
            );
            if r.posts.is_empty() {
                return Ok(());
            }
            let rows = r
                .accounts
                .iter()
                .take(args.top)
                .map(|a| counts_row(who(&a.id, a.handle.as_deref()), &a.counts))
                .collect();
            println!("{}", table(&COUNTS_HEADER, &[1, 2, 3, 4, 5, 6], rows));
            let rows = r
                .posts
                .iter()
                .take(args.top)
                .map(|p| {
                    vec![
                        who(&p.author, p.handle.as_deref()),
                        p.verdict.as_str().to_owned(),
                        evidence(p),
                        p.excerpt.clone(),
                    ]
                })
                .collect();
            println!(
                "{}",
                table(&["author", "verdict", "evidence", "post"], &[], rows)
            );
            if !r.campaigns.is_empty() {
                println!("Per campaign (members from conversions):");
                let rows = r
                    .campaigns
                    .iter()
                    .map(|c| {
                        counts_row(format!("{} ({} members)", c.campaign, c.members), &c.counts)
                    })
                    .collect();
                let mut header = COUNTS_HEADER;
                header[0] = "campaign";
                println!("{}", table(&header, &[1, 2, 3, 4, 5, 6], rows));
            }
        }
    }
    Ok(())
}

const COUNTS_HEADER: [&str; 7] = [
    "account",
    "posts",
    "sponsored",
    "compliant",
    "buried",
    "unclear",
    "undisclosed",
];

fn counts_row(name: String, c: &DisclosureCounts) -> Vec<String> {
    let mut row = vec![name];
    row.extend(
        [
            c.posts,
            c.sponsored,
            c.compliant,
            c.buried,
            c.unclear,
            c.undisclosed,
        ]
        .map(|n| n.to_string()),
    );
    row
}

pub fn run_independence(args: IndependenceArgs) -> Result<()> {
    let r = args
        .store
        .open_existing()?
        .independence(&args.account, args.brands.as_deref())?;
    match args.format {
        OutputFormat::Json => {
            // The API's independence JSON (`socialset serve` answers with the same type).
            let v = socialset_server::api::IndependenceJson::from(&r);
            crate::output::print_json(&v)?;
        }
        OutputFormat::Csv => csv(
            &[
                "account",
                "independence",
                "posts",
                "sponsored_posts",
                "brand_mention_posts",
                "reasons",
            ],
            &[vec![
                r.id.clone(),
                r.independence
                    .as_ref()
                    .map_or(String::new(), |i| format!("{:.3}", i.score)),
                r.independence
                    .as_ref()
                    .map_or(String::new(), |i| i.posts.to_string()),
                r.independence
                    .as_ref()
                    .map_or(String::new(), |i| i.sponsored_posts.to_string()),
                r.independence
                    .as_ref()
                    .map_or(String::new(), |i| i.brand_mention_posts.to_string()),
                r.reasons.join("; "),
            ]],
        )?,
        OutputFormat::Table => {
            println!("{} ({})", who(&r.id, r.handle.as_deref()), r.id);
            match &r.independence {
                Some(i) => println!(
                    "  independence {} (1 = no tie to any brand in its {} posts)",
                    percent(i.score),
                    i.posts
                ),
                None => println!("  independence: unknown"),
            }
            for reason in &r.reasons {
                println!("  - {reason}");
            }
            if !r.brands_mentioned.is_empty() {
                let list: Vec<String> = r
                    .brands_mentioned
                    .iter()
                    .map(|(b, n)| format!("{b} ({n})"))
                    .collect();
                println!("  brands mentioned: {}", list.join(", "));
            }
            for p in r.sponsored_posts.iter().take(10) {
                println!("  [{}] {} — {}", p.verdict.as_str(), evidence(p), p.excerpt);
            }
        }
    }
    Ok(())
}
