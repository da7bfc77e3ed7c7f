//! `cargo xtask bench-parquet`: `socialset export` of the Higgs interactions and the
//! Slashdot follows as Parquet, Arrow and JSON Lines (time, rows per second, bytes written
//! per second, peak memory), `socialset import` of the Parquet export against the JSON Lines
//! export of the same table, and DuckDB and pyarrow (from PyPI, in target/parquet-venv)
//! reading the Parquet files back: the row counts must match.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Pinned readers that check the files are Parquet as the rest of the world reads it.
const READERS: &[&str] = &["duckdb==1.1.3", "pyarrow==18.1.0"];

/// One run of the binary: seconds, and the peak resident memory seen (MiB).
struct Run {
    seconds: f64,
    peak_mb: f64,
    stdout: String,
}

/// Runs `cmd`, polling its /proc status for the high-water mark of its memory.
fn measured(cmd: &mut Command) -> Result<Run> {
    let started = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("starting socialset")?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kb) = text
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let seconds = started.elapsed().as_secs_f64();
    let out = child.wait_with_output()?;
    if !status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(Run {
        seconds,
        peak_mb: peak_kb as f64 / 1024.0,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    })
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

pub fn bench_parquet(root: &Path, args: &[String]) -> Result<()> {
    let runs: usize = crate::flag(args, "--runs", 5)?;
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let binary = crate::release_binary(root)?;
    let dir = root.join("target/bench-parquet");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let sets: [(&str, PathBuf, &str); 2] = [
        (
            "Higgs",
            data.join("higgs-twitter/higgs-activity_time.txt.gz"),
            "interactions",
        ),
        (
            "Slashdot",
            data.join("soc-slashdot0902/soc-Slashdot0902.txt.gz"),
            "follows",
        ),
    ];
    let python = crate::bench::venv_python(root, "parquet-venv", READERS)?;
    let mut rows_out = Vec::new();
    for (name, file, table) in &sets {
        let db = dir.join(format!("{name}.db"));
        crate::bench::status(
            Command::new(&binary)
                .args(["import", "--db"])
                .arg(&db)
                .arg(file),
            "socialset import",
        )?;
        let mut exported = Vec::new();
        for format in ["parquet", "arrow", "jsonl"] {
            let out = dir.join(format!("{name}-{table}.{format}"));
            let mut times = Vec::new();
            let mut peaks = Vec::new();
            let mut said = serde_json::Value::Null;
            for _ in 0..runs {
                let run = measured(
                    Command::new(&binary)
                        .args(["export", "--json", "--what", table, "--db"])
                        .arg(&db)
                        .arg("--out")
                        .arg(&out),
                )?;
                said = serde_json::from_str(&run.stdout).context("export --json")?;
                times.push(run.seconds);
                peaks.push(run.peak_mb);
            }
            let seconds = median(times);
            let rows = said["rows"].as_f64().unwrap_or(0.0);
            let bytes = said["bytes"].as_f64().unwrap_or(0.0);
            rows_out.push(format!(
                "| {name} {table} | export {format} | {rows:.0} | {:.1} | {seconds:.3} | {:.2} M | {:.1} | {:.0} |",
                bytes / 1e6,
                rows / seconds / 1e6,
                bytes / 1e6 / seconds,
                median(peaks),
            ));
            exported.push((format, out, rows));
        }
        for (format, out, rows) in &exported {
            if *format == "arrow" {
                continue;
            }
            let mut times = Vec::new();
            let mut peaks = Vec::new();
            for _ in 0..runs {
                let fresh = dir.join("fresh.db");
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", fresh.display()));
                }
                let run = measured(
                    Command::new(&binary)
                        .args(["import", "--db"])
                        .arg(&fresh)
                        .arg(out),
                )?;
                times.push(run.seconds);
                peaks.push(run.peak_mb);
            }
            let seconds = median(times);
            rows_out.push(format!(
                "| {name} {table} | import {format} | {rows:.0} | {:.1} | {seconds:.3} | {:.2} M | | {:.0} |",
                std::fs::metadata(out)?.len() as f64 / 1e6,
                rows / seconds / 1e6,
                median(peaks),
            ));
        }
        // The world's readers agree on what the Parquet file holds.
        let parquet = &exported[0].1;
        let check = Command::new(&python)
            .arg("-c")
            .arg(
                "import sys, duckdb, pyarrow.parquet as pq\n\
                 f = sys.argv[1]\n\
                 d = duckdb.sql(f\"SELECT count(*) FROM read_parquet('{f}')\").fetchone()[0]\n\
                 t = pq.read_table(f)\n\
                 print(d, t.num_rows, t.schema.metadata[b'socialset.table'].decode())",
            )
            .arg(parquet)
            .output()
            .context("running DuckDB and pyarrow")?;
        let said = String::from_utf8_lossy(&check.stdout);
        let expect = format!("{0:.0} {0:.0} {table}", exported[0].2);
        if !check.status.success() || said.trim() != expect {
            bail!(
                "DuckDB and pyarrow read {} as {said:?}, expected {expect:?}: {}",
                parquet.display(),
                String::from_utf8_lossy(&check.stderr)
            );
        }
        println!(
            "{name}: DuckDB and pyarrow read {} rows of {table}",
            exported[0].2
        );
    }
    let text = format!(
        "Measured {} on {} (2 cores), release build, median of {runs} runs; peak memory is the\n\
         process's high-water mark. DuckDB {} and pyarrow {} read each Parquet file back with\n\
         the same row count and table name (checked in the same run).\n\n\
         | data | step | rows | file MB | seconds | rows/s | file MB/s | peak MB |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n{}",
        crate::bench::today(),
        crate::bench::cpu_model(),
        READERS[0].trim_start_matches("duckdb=="),
        READERS[1].trim_start_matches("pyarrow=="),
        rows_out.join("\n")
    );
    println!("{text}");
    if write {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-parquet", &text)?;
    }
    Ok(())
}
