//! `cargo xtask bench-serve [--seconds S] [--connections C] [--write]`: the leaderboard
//! endpoint of `socialset serve` under load. A release server on loopback over the Higgs store
//! (imported once into target/bench-serve), an API token, then `wrk` (Debian's, installed when
//! missing) for S seconds with C connections: requests per second and latency percentiles.
//! The server and wrk share the 2 cores, so the latencies are at saturation, an upper bound
//! on those at any lower rate.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::bench::{cpu_model, status, today};

pub fn bench_serve(root: &Path, args: &[String]) -> Result<()> {
    let seconds: u64 = crate::flag(args, "--seconds", 20)?;
    let connections: u64 = crate::flag(args, "--connections", 16)?;
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("installing wrk (Debian)");
        status(
            Command::new("apt-get").args(["install", "-y", "-q", "wrk"]),
            "apt-get install wrk",
        )?;
    }
    let server = crate::abuse_bench::HiggsServer::start(root, "bench-serve", true)?;
    let (size, token) = (server.size.clone(), server.viewer.clone());
    let result = (|| -> Result<String> {
        let base = format!("http://{}", server.addr);
        let url = format!(
            "{base}/api/workspaces/higgs/rank?tier=native&assume_native_if_unknown=true&limit=50"
        );
        // The first request ranks the store; later ones are cut from the cached ranking.
        let start = std::time::Instant::now();
        let first = Command::new("curl")
            .args(["-sf", "-o", "/dev/null", "-H"])
            .arg(format!("Authorization: Bearer {token}"))
            .arg(&url)
            .status()?;
        if !first.success() {
            bail!("the first request failed");
        }
        let first_seconds = start.elapsed().as_secs_f64();
        let out = Command::new("wrk")
            .args([
                "-t2",
                &format!("-c{connections}"),
                &format!("-d{seconds}s"),
                "--latency",
                "-H",
            ])
            .arg(format!("Authorization: Bearer {token}"))
            .arg(&url)
            .output()
            .context("running wrk")?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        println!("{text}");
        let pick = |key: &str| -> String {
            text.lines()
                .map(str::trim)
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap_or("?")
                .to_owned()
        };
        let rps = text
            .lines()
            .find(|l| l.starts_with("Requests/sec:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_owned();
        let non2xx = text
            .lines()
            .find(|l| l.contains("Non-2xx"))
            .map_or("0".to_owned(), |l| {
                l.split(':').nth(1).unwrap_or("?").trim().to_owned()
            });
        Ok(format!(
            "Measured {} on a {}-core {} (server and wrk on the same cores).\n\n\
             | request | first (ranks the store) | requests/s | p50 | p90 | p99 | non-2xx |\n\
             |---|---:|---:|---:|---:|---:|---:|\n\
             | `GET /api/workspaces/higgs/rank?tier=native&assume_native_if_unknown=true&limit=50` (Higgs: {size}), wrk -t2 -c{connections} -d{seconds}s | {first_seconds:.1} s | {rps} | {} | {} | {} | {non2xx} |\n",
            today(),
            std::thread::available_parallelism().map_or(0, usize::from),
            cpu_model(),
            pick("50%"),
            pick("90%"),
            pick("99%"),
        ))
    })();
    drop(server);
    let table = result?;
    print!("{table}");
    if args.iter().any(|a| a == "--write") {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-serve", &table)?;
    }
    Ok(())
}
