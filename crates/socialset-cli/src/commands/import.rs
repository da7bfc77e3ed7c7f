//! `socialset import`: read files into the store, all or nothing.

use std::path::PathBuf;

use anyhow::Result;
use socialset_engine::{Counts, EdgeKind, Format, ImportOptions, ImportReport};

use super::StoreArgs;
use crate::output::{table, thousands};
use crate::progress::ImportProgress;

/// Import social data files into the store, in one transaction.
///
/// Formats (chosen per file with --format auto, which says what it chose and why):
///   jsonl        socialset JSON Lines: accounts, follows, posts, interactions, ratings,
///                conversions, one per line with a "type" (see docs/FORMAT.md)
///   snap         SNAP edge list: `src dst [weight] [time]`, # comments; --kind says what
///                an edge means (default follow)
///   ratings-csv  signed ratings: `src,dst,rating[,time]` (SNAP soc-sign-bitcoin*)
///   higgs        Higgs Twitter activity: `userA userB time RT|MT|RE`
///   activitypub  ActivityPub / Mastodon JSON: activities, actors, collections
/// Files may be gzip-compressed (detected from their first bytes).
///
/// The import is atomic: a bad record stops it with `FILE:LINE: field "F": problem (value)`
/// and the store keeps exactly what it held before. With --skip-bad the good records land
/// and each bad line is written, with its reason, to FILE.rejects.jsonl. Importing the same
/// file twice changes nothing.
///
/// Examples:
///   socialset import ../shared/data/bitcoin-otc/soc-sign-bitcoinotc.csv.gz
///   socialset import --kind share --platform higgs retweets.edgelist.gz
///   socialset import --skip-bad export.jsonl
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Files to import (plain or .gz).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Input format: auto, jsonl, snap, ratings-csv, higgs or activitypub.
    #[arg(long, default_value = "auto", value_name = "F")]
    format: String,

    /// What SNAP edge-list edges mean: follow, reply, mention, share, quote, like or rating.
    #[arg(long, value_name = "K")]
    kind: Option<EdgeKind>,

    /// Namespace for ids without a platform prefix (e.g. `7` becomes `PLATFORM:7`).
    /// Default: snap for edge lists and ratings, higgs, ap, local for JSON Lines.
    #[arg(long, value_name = "NAME")]
    platform: Option<String>,

    /// Import the good records; write the bad ones to FILE.rejects.jsonl.
    #[arg(long)]
    skip_bad: bool,

    /// Print the report as JSON.
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    store: StoreArgs,
}

pub fn run(args: Args) -> Result<()> {
    let format = match args.format.as_str() {
        "auto" => None,
        name => Some(name.parse::<Format>().map_err(anyhow::Error::msg)?),
    };
    let options = ImportOptions {
        format,
        edge_kind: args.kind,
        platform: args.platform,
        skip_bad: args.skip_bad,
    };
    let mut workspace = args.store.open()?;
    let mut progress = ImportProgress::new(args.json);
    let report = workspace.import(&args.files, &options, &mut progress)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report_json(&report))?);
    } else {
        print_report(&report, &workspace.path().display().to_string());
    }
    Ok(())
}

pub fn print_report(report: &ImportReport, store: &str) {
    let rows = report
        .files
        .iter()
        .map(|f| {
            let read: u64 = f.records.values().sum();
            let kinds = f
                .records
                .iter()
                .map(|(k, n)| format!("{} {}", thousands(*n), k.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                f.file.clone(),
                f.format.as_str().to_owned(),
                thousands(read),
                kinds,
                thousands(f.rejected),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &["file", "format", "records", "by type", "skipped"],
            &[2, 4],
            rows
        )
    );
    for f in &report.files {
        if let Some(path) = &f.rejects_path {
            println!(
                "{}: {} bad records skipped, written to {}",
                f.file,
                thousands(f.rejected),
                path.display()
            );
        }
        for (what, n) in &f.ignored {
            println!(
                "{}: {} {what} not imported (not a kind socialset stores)",
                f.file,
                thousands(*n)
            );
        }
    }
    let added = added(&report.before, &report.after);
    if added.is_empty() {
        println!("{store}: nothing new — the store already held every record.");
    } else {
        println!("{store}: added {}.", added.join(", "));
    }
}

fn added(before: &Counts, after: &Counts) -> Vec<String> {
    let (before, after) = (super::stats::rows(before), super::stats::rows(after));
    before
        .into_iter()
        .zip(after)
        .filter(|((_, b), (_, a))| a > b)
        .map(|((name, b), (_, a))| format!("{} {name}", thousands(a - b)))
        .collect()
}

fn report_json(report: &ImportReport) -> serde_json::Value {
    serde_json::json!({
        "files": report.files.iter().map(|f| serde_json::json!({
            "file": f.file,
            "format": f.format.as_str(),
            "detected_because": f.detection,
            "records": f.records.iter().map(|(k, n)| (k.as_str().to_owned(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
            "skipped": f.rejected,
            "rejects_file": f.rejects_path.as_ref().map(|p| p.display().to_string()),
            "not_imported": f.ignored,
        })).collect::<Vec<_>>(),
        "store_before": super::stats::counts_json(&report.before),
        "store_after": super::stats::counts_json(&report.after),
    })
}
