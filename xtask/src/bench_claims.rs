//! `cargo xtask bench-claims`: `socialset claims` on a made-up store of N posts, a tenth of
//! them originals (each with a link among 10,000 on 500 sites, a hashtag among 5,000 and a
//! story among 20,000 told in near-identical words) and the rest shares, half of a random
//! earlier post (shares of shares) and half of an original, by 200,000 accounts (seeded).
//! The release binary imports it and lists the claims of all three kinds; the time and the
//! peak memory of each go to docs/BENCHMARKS.md with --write.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use socialset_graph::SplitMix64;

/// Runs `socialset ARGS`, returning its wall time in seconds and its peak memory in MiB.
fn timed(bin: &Path, args: &[&str]) -> Result<(f64, f64)> {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("running socialset")?;
    let pid = child.id();
    let mut peak: f64 = 0.0;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        peak = peak.max(crate::abuse_bench::memory_mib(pid).1);
        std::thread::sleep(Duration::from_millis(20));
    };
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            std::io::Read::read_to_string(&mut e, &mut err)?;
        }
        bail!("socialset {args:?} failed: {err}");
    }
    Ok((started.elapsed().as_secs_f64(), peak))
}

/// `cargo xtask bench-claims [--posts N] [--write]`.
pub fn bench_claims(root: &Path, args: &[String]) -> Result<()> {
    let n: u64 = crate::flag(args, "--posts", 1_000_000u64)?;
    let write = args.iter().any(|a| a == "--write");
    let bin = crate::release_binary(root)?;
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("posts.jsonl");
    let originals = (n / 10).max(1);
    {
        let mut rng = SplitMix64::new(7);
        let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&data)?);
        for i in 0..n {
            let author = rng.below(200_000);
            let at = 1_600_000_000 + i;
            if i < originals {
                writeln!(
                    w,
                    r#"{{"type":"post","id":"p{i}","author":"u{author}","at":{at},"text":"story {} about thing {} and more words here","urls":["https://www.site{}.example/a/{}?utm_source=x"],"hashtags":["tag{}"]}}"#,
                    i % 20_000,
                    i % 20_000,
                    i % 500,
                    i % 10_000,
                    i % 5_000
                )?;
            } else {
                let parent = if rng.next_u64().is_multiple_of(2) {
                    rng.below(i as usize)
                } else {
                    rng.below(originals as usize)
                };
                writeln!(
                    w,
                    r#"{{"type":"post","id":"p{i}","author":"u{author}","at":{at},"share_of":"p{parent}"}}"#
                )?;
            }
        }
        w.flush()?;
    }
    let size = std::fs::metadata(&data)?.len();
    let db = dir.path().join("claims.db");
    let (db_s, data_s) = (db.display().to_string(), data.display().to_string());
    eprintln!(
        "importing {n} posts ({:.0} MB of JSON Lines)…",
        size as f64 / 1e6
    );
    let (import_s, import_mib) = timed(&bin, &["import", "--db", &db_s, &data_s])?;
    std::fs::remove_file(&data)?;
    eprintln!("listing the claims…");
    let (claims_s, claims_mib) = timed(&bin, &["claims", "--db", &db_s, "--format", "json"])?;
    let table = format!(
        "Measured {} on {} ({} cores), `cargo xtask bench-claims --posts {n}`: {} originals \
         (a link, a hashtag and a story each) and {} shares, imported by the release binary, \
         then `socialset claims` over all three kinds (reading the store included).\n\n\
         | posts | import | import peak memory | claims (links, hashtags, stories) | claims peak memory |\n\
         |---|---|---|---|---|\n\
         | {n} | {import_s:.1} s | {import_mib:.0} MB | {claims_s:.1} s | {claims_mib:.0} MB |\n",
        crate::bench::today(),
        crate::bench::cpu_model(),
        std::thread::available_parallelism().map_or(0, |p| p.get()),
        originals,
        n - originals,
    );
    println!("{table}");
    if write {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-claims", &table)?;
    }
    Ok(())
}
