//! `cargo xtask bench-import`: builds socialset in release mode, creates a Python venv with
//! igraph and pandas from PyPI, runs `peers/bench_import.py`, and prints (or, with --write,
//! records in docs/BENCHMARKS.md) a table of times, records/s, peak memory and ratios.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Peer versions, pinned so that figures are comparable between runs (networkit 11.0's wheel
/// is built against numpy 1.x).
const PEERS: &[&str] = &[
    "igraph==0.11.8",
    "leidenalg==0.10.2",
    "networkit==11.0",
    "networkx==3.4.2",
    "rustworkx==0.15.1",
    "pandas==2.2.3",
    "numpy==1.26.4",
];

pub fn status(cmd: &mut Command, what: &str) -> Result<()> {
    let s = cmd.status().with_context(|| format!("running {what}"))?;
    if !s.success() {
        bail!("{what} failed ({s})");
    }
    Ok(())
}

/// The venv with the graph peer libraries, created on first use in target/peers-venv.
pub fn peers_python(root: &Path) -> Result<std::path::PathBuf> {
    venv_python(root, "peers-venv", PEERS)
}

/// A venv in target/`name` with `packages` (pinned) installed, created on first use.
pub fn venv_python(root: &Path, name: &str, packages: &[&str]) -> Result<std::path::PathBuf> {
    let venv = root.join("target").join(name);
    let python = venv.join("bin/python");
    if !python.exists() {
        status(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )?;
    }
    status(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(packages),
        "pip install of the peer libraries",
    )?;
    Ok(python)
}

pub fn import(root: &Path, args: &[String]) -> Result<()> {
    let runs: u32 = crate::flag(args, "--runs", 3)?;
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let binary = crate::release_binary(root)?;
    let python = peers_python(root)?;
    let out = Command::new(&python)
        .arg(root.join("xtask/peers/bench_import.py"))
        .arg("--socialset")
        .arg(&binary)
        .arg("--data")
        .arg(&data)
        .args(["--runs", &runs.to_string()])
        .output()
        .context("running bench_import.py")?;
    if !out.status.success() {
        bail!(
            "bench_import.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let result: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("reading bench_import.py's JSON")?;
    let table = render(&result)?;
    println!("{table}");
    if write {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-import", &table)?;
    }
    Ok(())
}

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

pub fn today() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// The markdown table for docs/BENCHMARKS.md.
fn render(r: &serde_json::Value) -> Result<String> {
    let num = |v: &serde_json::Value, k: &str| -> Result<f64> {
        v[k].as_f64()
            .with_context(|| format!("bench result lacks {k}"))
    };
    let mut out = format!(
        "Measured {} on {} cores ({}), median of {} runs; igraph {}, pandas {}, Python {}.\n\n\
         | data set | records | socialset import (durable store) | records/s | peak memory | igraph load (in memory) | peak memory | time ours / igraph |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
        today(),
        r["cores"],
        cpu_model(),
        r["runs"],
        r["igraph"].as_str().unwrap_or("?"),
        r["pandas"].as_str().unwrap_or("?"),
        r["python"].as_str().unwrap_or("?"),
    );
    for row in r["rows"].as_array().into_iter().flatten() {
        out += &format!(
            "| {} | {:.0} | {:.2} s | {:.0} | {:.0} MB | {:.2} s | {:.0} MB | {:.2} |\n",
            row["dataset"].as_str().unwrap_or("?"),
            num(row, "records")?,
            num(row, "ours_s")?,
            num(row, "ours_rec_per_s")?,
            num(row, "ours_rss_mb")?,
            num(row, "igraph_s")?,
            num(row, "igraph_rss_mb")?,
            num(row, "ours_s")? / num(row, "igraph_s")?,
        );
    }
    Ok(out)
}

/// `cargo xtask bench-sentiment [--write]`: texts classified and scored per second on one
/// thread (the engine's `classify`: language, score, polarity and the words behind it, and
/// the post's kind with its cues), Italian and English. Run from a release build (`cargo run --release -p xtask -- bench-sentiment`);
/// a debug build says so instead of timing.
pub fn sentiment(root: &Path, args: &[String]) -> Result<()> {
    if cfg!(debug_assertions) {
        anyhow::bail!("time a release build: cargo run --release -p xtask -- bench-sentiment");
    }
    let data = crate::shared_data(root)?;
    let italian: Vec<String> = socialset_ingest::read_sentipolc(
        &data.join("sentipolc-2016/training_set_sentipolc16.csv"),
    )?
    .into_iter()
    .map(|d| d.text)
    .collect();
    let english =
        socialset_ingest::read_texts(&root.join("tests/data/demo/pheme-sample.jsonl.gz"))?;
    let _ = socialset_engine::classify("warm up");
    let mut rows = String::new();
    for (name, texts) in [
        ("Italian (SENTIPOLC 2016 training tweets)", &italian),
        ("English (PHEME tweets of the demo)", &english),
    ] {
        let mut times = Vec::new();
        let mut n = 0usize;
        for _ in 0..3 {
            let start = std::time::Instant::now();
            n = 0;
            while n < 100_000 {
                for t in texts.iter() {
                    std::hint::black_box(socialset_engine::classify(t));
                    n += 1;
                }
            }
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[1];
        println!(
            "{name}: {n} texts in {median:.3} s, {:.0} per second",
            n as f64 / median
        );
        rows += &format!(
            "| {name} | {n} | {median:.2} s | {:.0} |\n",
            n as f64 / median
        );
    }
    // Indexing: the English and Italian texts repeated to a million, on every core.
    let mut docs: Vec<(&str, socialset_engine::Language)> = Vec::with_capacity(1_000_000);
    while docs.len() < 1_000_000 {
        for t in english.iter().chain(&italian) {
            if docs.len() == 1_000_000 {
                break;
            }
            docs.push((t.as_str(), socialset_engine::sentiment(t).language));
        }
    }
    let start = std::time::Instant::now();
    let index = socialset_engine::TextIndex::build(&docs)?;
    let index_seconds = start.elapsed().as_secs_f64();
    let hits = index.search("police", 10)?.len();
    println!(
        "indexed {} texts in {index_seconds:.1} s ({hits} hits for a test query)",
        docs.len()
    );
    if args.iter().any(|a| a == "--write") {
        let text = format!(
            "Measured {} on one core of a {}-core {} (median of 3 runs).\n\n| texts | scored | time | per second |\n|---|---:|---:|---:|\n{rows}\nFull-text index (tantivy, stemmed Italian and English fields, in memory, on all cores): {} texts in {index_seconds:.1} s.\n",
            today(),
            std::thread::available_parallelism().map_or(0, usize::from),
            cpu_model(),
            docs.len()
        );
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-sentiment", &text)?;
    }
    Ok(())
}
