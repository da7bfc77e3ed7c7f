//! `socialset export`: one of the store's tables as a Parquet, Arrow, CSV or JSON Lines file.

use std::path::PathBuf;

use anyhow::{bail, Result};
use socialset_engine::{ExportFormat, Table};

use super::StoreArgs;
use crate::output::thousands;

/// Write one of the store's tables to a file: Parquet for DuckDB, pandas, polars and data
/// lakes, Arrow IPC (Feather v2) for memory-mapped reading, CSV, or socialset's JSON Lines.
///
/// The table streams from the store in batches, so memory stays flat however large it is;
/// the file appears under its name only once it is complete. Parquet, Arrow and JSON Lines
/// exports import back unchanged (`socialset import FILE`, the format found by the file's
/// first bytes): export every table of a store and import them, accounts first, into a new
/// one to copy it. The columns of each table are in docs/FORMAT.md.
///
/// Examples:
///   socialset export --what interactions --out interactions.parquet
///   socialset export --what posts --format jsonl --out posts.jsonl
///   duckdb -c "SELECT kind, count(*) FROM 'interactions.parquet' GROUP BY kind"
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The table to write.
    #[arg(long, value_parser = parse_table, value_name = "TABLE")]
    what: Table,

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

fn parse_table(s: &str) -> Result<Table, String> {
    s.parse()
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
    let (ws, progress) = args
        .store
        .open_watched(socialset_engine::Limits::default())?;
    let started = std::time::Instant::now();
    let report =
        crate::progress::watch(&progress, || ws.export_table(args.what, format, &args.out))?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "table": report.what,
                "format": report.format.as_str(),
                "path": report.path,
                "rows": report.rows,
                "bytes": report.bytes,
                "columns": report.columns,
                "seconds": seconds,
            })
        );
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
