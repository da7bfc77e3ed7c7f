//! `socialset import`: read files into the store, all or nothing.

use std::collections::BTreeMap;
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
///   twitter-v1   X/Twitter API v1.1 JSON: tweets with their users (PHEME, old archives)
///   twitter-v2   X/Twitter API v2 JSON as twarc2 saves it: data, includes, errors
///   reddit       Reddit API JSON: listings, comment trees, accounts, subreddits
///   youtube      YouTube Data API v3 JSON: channels, videos, comment threads, comments
///   instagram    Instagram Graph API JSON: business_discovery, media, comments (a
///                hashtag's media carry no author: counted, not imported)
///   bluesky      Bluesky JSON: AppView feeds, threads, followers, profiles, and
///                Jetstream events saved one per line (a deleted post leaves the store)
///   parquet      Parquet table of accounts, follows, posts, interactions, ratings, claims
///                or verdicts: what `socialset export` writes, or any file with its columns
///   arrow        Arrow IPC file (Feather v2) of the same tables
/// Files may be gzip-compressed (detected from their first bytes). A directory is read
/// whole, every file under it (READMEs, licences and notes left out).
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
///   socialset import rumoureval-data/          # PHEME threads: one tweet per file
///   socialset import --skip-bad tweets.jsonl   # twarc2 output
///   socialset import jetstream-events.jsonl     # Bluesky's firehose, saved
///   socialset import accounts.parquet interactions.parquet   # socialset export's tables
///
/// Following Bluesky live (--follow): reads a Jetstream endpoint's events as they come and
/// commits them a batch at a time (--batch-events, --batch-seconds), each batch one
/// transaction together with the stream's cursor (the last committed event's time). Run it
/// again, after Ctrl-C, a crash or a reboot, and it resumes from the stored cursor: the batch
/// not yet committed is read again, nothing is lost and nothing doubles. A lost connection is
/// made again from the cursor (waiting 1, 2, 4 … 30 s; 5 failures in a row end it). A
/// deleted post or repost leaves the store; deletes of likes and follows are counted.
///   socialset import --follow \
///     'wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post'
///   socialset import --follow 'ws://localhost:6008/subscribe' --max-events 100000
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Files or directories to import (plain or .gz).
    #[arg(
        required_unless_present = "follow",
        conflicts_with = "follow",
        value_name = "FILE"
    )]
    files: Vec<PathBuf>,

    /// Follow a live Jetstream endpoint (ws:// or wss://, with its wantedCollections and
    /// wantedDids) instead of reading files; a cursor=MICROSECONDS in the URL starts there
    /// instead of at the stored cursor.
    #[arg(long, value_name = "URL")]
    follow: Option<String>,

    /// With --follow: the most events one transaction holds.
    #[arg(long, default_value_t = 1000, value_name = "N", requires = "follow")]
    batch_events: usize,

    /// With --follow: the longest an event read waits to be committed, in seconds.
    #[arg(long, default_value_t = 1.0, value_name = "S", requires = "follow")]
    batch_seconds: f64,

    /// With --follow: stop after this many events (default: until the server closes the
    /// stream or Ctrl-C).
    #[arg(long, value_name = "N", requires = "follow")]
    max_events: Option<u64>,

    /// Input format: auto, jsonl, snap, ratings-csv, higgs, activitypub, twitter-v1,
    /// twitter-v2, reddit, youtube, instagram, bluesky, parquet or arrow.
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

    /// With --skip-bad: write the rejects files here (default: beside each input).
    #[arg(long, value_name = "DIR", requires = "skip_bad")]
    rejects_dir: Option<PathBuf>,

    /// The longest line (or JSON document, or item of a collection) a file may hold, in MiB;
    /// a longer one stops the import with its file and line. No real export comes near the
    /// default.
    #[arg(long, env = "SOCIALSET_MAX_LINE_MB", default_value_t = socialset_engine::ReadLimits::default().max_line_bytes >> 20, value_name = "MIB")]
    max_line_mb: usize,

    /// The longest text field of a record (a post's text, a bio, a name, an id), in KiB; a
    /// longer one is a bad record naming its line and field (skipped with --skip-bad). The
    /// longest any platform allows is a Reddit self-post, at most 160 KiB.
    #[arg(long, env = "SOCIALSET_MAX_FIELD_KB", default_value_t = socialset_engine::ReadLimits::default().max_field_bytes >> 10, value_name = "KIB")]
    max_field_kb: usize,

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
        rejects_dir: args.rejects_dir,
        limits: socialset_engine::ReadLimits {
            max_line_bytes: args.max_line_mb.saturating_mul(1 << 20),
            max_field_bytes: args.max_field_kb.saturating_mul(1 << 10),
            ..Default::default()
        },
    };
    let mut workspace = args.store.open()?;
    if let Some(url) = &args.follow {
        if format.is_some_and(|f| f != Format::Bluesky) {
            anyhow::bail!(
                "--follow reads Jetstream's Bluesky events: leave out --format or say bluesky"
            );
        }
        if !(args.batch_seconds.is_finite()
            && args.batch_seconds > 0.0
            && args.batch_seconds <= 3600.0)
        {
            anyhow::bail!(
                "--batch-seconds takes a time from above 0 to 3600 seconds, not {}",
                args.batch_seconds
            );
        }
        let follow = socialset_engine::FollowOptions {
            platform: options.platform,
            skip_bad: options.skip_bad,
            rejects_dir: options.rejects_dir,
            limits: options.limits,
            batch_events: args.batch_events,
            batch_wait: std::time::Duration::from_secs_f64(args.batch_seconds),
            max_events: args.max_events,
            ..socialset_engine::FollowOptions::new(url)
        };
        let mut progress = crate::progress::FollowProgress::new(args.json);
        let report = workspace.follow(&follow, &mut progress)?;
        drop(progress);
        if args.json {
            let mut json = report_json(&report.import);
            json["stream"] =
                serde_json::to_value(socialset_server::api::StreamJson::from(&report))?;
            crate::output::print_json(&json)?;
        } else {
            print_report(&report.import, &workspace.path().display().to_string());
            println!(
                "{}: {} events in {} transactions ({}); cursor {} stored: the next --follow of this endpoint resumes there.",
                report.import.files.first().map(|f| f.file.as_str()).unwrap_or_default(),
                thousands(report.events),
                thousands(report.batches),
                report.stopped,
                report.cursor.map(|c| c.to_string()).unwrap_or_else(|| "none".into()),
            );
        }
        return Ok(());
    }
    let mut progress = ImportProgress::new(args.json);
    let report = workspace.import(&args.files, &options, &mut progress)?;
    if args.json {
        crate::output::print_json(&report_json(&report))?;
    } else {
        print_report(&report, &workspace.path().display().to_string());
    }
    Ok(())
}

/// Files listed one per row up to this many; beyond, one row per format.
const FILES_LISTED: usize = 20;

pub fn print_report(report: &ImportReport, store: &str) {
    // (name, format, records by kind, rejected) per row.
    type Row = (String, String, BTreeMap<String, u64>, u64);
    let mut rows: Vec<Row> = Vec::new();
    if report.files.len() <= FILES_LISTED {
        for f in &report.files {
            let kinds = f
                .records
                .iter()
                .map(|(k, n)| (k.as_str().to_owned(), *n))
                .collect();
            rows.push((
                f.file.clone(),
                f.format.as_str().to_owned(),
                kinds,
                f.rejected,
            ));
        }
    } else {
        let mut by_format: BTreeMap<&str, (u64, BTreeMap<String, u64>, u64)> = BTreeMap::new();
        for f in &report.files {
            let entry = by_format.entry(f.format.as_str()).or_default();
            entry.0 += 1;
            for (k, n) in &f.records {
                *entry.1.entry(k.as_str().to_owned()).or_default() += n;
            }
            entry.2 += f.rejected;
        }
        for (format, (n, kinds, rejected)) in by_format {
            rows.push((
                format!("{} files", thousands(n)),
                format.to_owned(),
                kinds,
                rejected,
            ));
        }
    }
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(name, format, kinds, rejected)| {
            vec![
                name,
                format,
                thousands(kinds.values().sum()),
                kinds
                    .iter()
                    .map(|(k, n)| format!("{} {k}", thousands(*n)))
                    .collect::<Vec<_>>()
                    .join(", "),
                thousands(rejected),
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
    let mut ignored: BTreeMap<&str, (u64, usize)> = BTreeMap::new();
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
            let entry = ignored.entry(what.as_str()).or_default();
            entry.0 += n;
            entry.1 += 1;
        }
    }
    for (what, (n, files)) in ignored {
        let place = match report.files.iter().find(|f| f.ignored.contains_key(what)) {
            Some(f) if files == 1 => f.file.clone(),
            _ => format!("{} files", thousands(files as u64)),
        };
        println!("{place}: {} {what}: not imported", thousands(n));
    }
    if !report.skipped_files.is_empty() {
        const SHOWN: usize = 10;
        println!(
            "left out {} of what the directories and archives given hold:",
            thousands(report.skipped_files.len() as u64)
        );
        for (file, why) in report.skipped_files.iter().take(SHOWN) {
            println!("  {file}: {why}");
        }
        if report.skipped_files.len() > SHOWN {
            println!(
                "  … and {} more (--json lists them all)",
                thousands((report.skipped_files.len() - SHOWN) as u64)
            );
        }
    }
    let (added, removed) = changed(&report.before, &report.after);
    let removed = if removed.is_empty() {
        String::new()
    } else {
        format!(
            "; removed {} (deleted on the platform, with the interactions they made)",
            removed.join(", ")
        )
    };
    if added.is_empty() && removed.is_empty() {
        println!("{store}: nothing new — the store already held every record.");
    } else if added.is_empty() {
        println!("{store}: nothing added{removed}.");
    } else {
        println!("{store}: added {}{removed}.", added.join(", "));
    }
}

/// What the store gained and lost, by table.
fn changed(before: &Counts, after: &Counts) -> (Vec<String>, Vec<String>) {
    let (before, after) = (super::stats::rows(before), super::stats::rows(after));
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for ((name, b), (_, a)) in before.into_iter().zip(after) {
        if a > b {
            added.push(format!("{} {name}", thousands(a - b)));
        } else if b > a {
            removed.push(format!("{} {name}", thousands(b - a)));
        }
    }
    (added, removed)
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
        "skipped_files": report.skipped_files.iter().map(|(f, why)| serde_json::json!({"file": f, "why": why})).collect::<Vec<_>>(),
        "store_before": super::stats::counts_json(&report.before),
        "store_after": super::stats::counts_json(&report.after),
    })
}
