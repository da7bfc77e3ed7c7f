//! `socialset export`: one of the store's tables as a Parquet, Arrow, CSV or JSON Lines file.

use std::path::PathBuf;

use anyhow::{bail, Result};
use socialset_engine::{ExportFormat, Table};

use super::StoreArgs;
use crate::output::thousands;

/// Write one of the store's tables, or an analysis's rows, to a file: Parquet for DuckDB,
/// pandas, polars and data lakes, Arrow IPC (Feather v2) for memory-mapped reading, CSV, or
/// socialset's JSON Lines.
///
/// The table streams from the store in batches, so memory stays flat however large it is;
/// the file appears under its name only once it is complete. Parquet, Arrow and JSON Lines
/// exports import back unchanged (`socialset import FILE`, the format found by the file's
/// first bytes): export every table of a store and import them, accounts first, into a new
/// one to copy it. The columns of each table are in docs/FORMAT.md.
///
/// rank, audit, communities, segments and ugc write every row of that command run with its
/// defaults (all ranked accounts, every account audited, …); to choose its options, give them
/// to the command itself with --out (`socialset rank --topic risotto --out rank.parquet`).
///
/// Examples:
///   socialset export --what interactions --out interactions.parquet
///   socialset export --what posts --format jsonl --out posts.jsonl
///   duckdb -c "SELECT kind, count(*) FROM 'interactions.parquet' GROUP BY kind"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The table to write: accounts, follows, posts, interactions, ratings, claims or
    /// verdicts; or the rows of an analysis: rank, audit, communities, segments or ugc.
    #[arg(long, value_parser = parse_what, value_name = "TABLE")]
    what: What,

    /// The file to write (replaced if it exists).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,

    /// parquet, arrow, csv or jsonl [default: from the --out extension (.parquet, .arrow or
    /// .feather, .csv, .jsonl), else parquet].
    #[arg(long, value_parser = parse_format, value_name = "FORMAT")]
    format: Option<ExportFormat>,

    /// Print what was written as one JSON object.
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    store: StoreArgs,
}

/// A store table, or the command whose rows are written.
#[derive(Clone, Copy, Debug)]
enum What {
    Table(Table),
    Analysis(&'static str),
}

/// The analyses whose rows `export` writes, each with the options that make it list them all.
const ANALYSES: [(&str, &[&str]); 5] = [
    ("rank", &["rank", "--top", "18446744073709551615"]),
    ("audit", &["audit", "--all", "--top", "0"]),
    ("communities", &["communities"]),
    ("segments", &["segments"]),
    ("ugc", &["ugc", "--top", "18446744073709551615"]),
];

fn parse_what(s: &str) -> Result<What, String> {
    if let Some((name, _)) = ANALYSES.iter().find(|(n, _)| *n == s) {
        return Ok(What::Analysis(name));
    }
    s.parse().map(What::Table).map_err(|_| {
        format!("{s:?} is not a table: expected accounts, follows, posts, interactions, ratings, claims or verdicts, or the rows of rank, audit, communities, segments or ugc")
    })
}

/// The command line of the analysis `name`, writing to `out`, for the store `db`.
fn analysis_line(
    name: &str,
    db: &std::path::Path,
    out: &std::path::Path,
) -> Vec<std::ffi::OsString> {
    let base = ANALYSES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, line)| *line)
        .unwrap_or_default();
    let mut line: Vec<std::ffi::OsString> = vec!["socialset".into()];
    line.extend(base.iter().map(Into::into));
    line.extend([
        "--db".into(),
        db.as_os_str().to_owned(),
        "--out".into(),
        out.as_os_str().to_owned(),
    ]);
    line
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    s.parse()
}

pub fn run(args: Args) -> Result<()> {
    let format = match (args.format, ExportFormat::of_path(&args.out)) {
        (Some(f), Some(ext)) if f != ext => bail!(
            "--format {} does not match the extension of {} ({}): change one of them",
            f.as_str(),
            args.out.display(),
            ext.as_str()
        ),
        (Some(f), _) | (None, Some(f)) => f,
        (None, None) => ExportFormat::Parquet,
    };
    let table = match args.what {
        What::Table(t) => t,
        What::Analysis(name) => {
            // The command itself, with its defaults, writes its rows: one code path for both.
            let out = if ExportFormat::of_path(&args.out).is_some() {
                args.out.clone()
            } else {
                bail!(
                    "--out {}: name the file .parquet, .arrow (or .feather), .csv or .jsonl for the rows of {name}",
                    args.out.display()
                )
            };
            let line = analysis_line(name, &args.store.db, &out);
            let matches = crate::command().try_get_matches_from(line)?;
            let cli = <crate::Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
            return crate::dispatch(cli.command);
        }
    };
    let (ws, progress) = args
        .store
        .open_watched(socialset_engine::Limits::default())?;
    let started = std::time::Instant::now();
    let report = crate::progress::watch(&progress, || ws.export_table(table, format, &args.out))?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        crate::output::print_json_line(&serde_json::json!({
            "table": report.what,
            "format": report.format.as_str(),
            "path": report.path,
            "rows": report.rows,
            "bytes": report.bytes,
            "columns": report.columns,
            "seconds": seconds,
        }))?;
    } else {
        println!(
            "wrote {} {} to {} ({}, {:.1} MB, {:.2} s)",
            thousands(report.rows),
            report.what,
            report.path.display(),
            report.format.as_str(),
            report.bytes as f64 / 1e6,
            seconds
        );
    }
    Ok(())
}
