//! `cargo xtask bench-follow`: `socialset import --follow` against a local Jetstream that
//! sends as fast as loopback takes it: the 152 production events of tests/data/bluesky, each
//! copy with its own DIDs (so every record is new) and rising `time_us`, written by the
//! release binary into a fresh SQLite store with the default batches (1,000 events or 1 s per
//! transaction). Events/s, MB/s of event JSON, transactions and the follower's peak memory go
//! to docs/BENCHMARKS.md with --write.

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// An event split around its `time_us` value, so copies get their own times cheaply.
struct Template {
    before: String,
    after: String,
}

fn templates(root: &Path) -> Result<Vec<Template>> {
    let path = root.join("tests/data/bluesky/jetstream_expected_v1.jsonl.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).context("the Jetstream fixture")?)
        .read_to_string(&mut text)?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let key = "\"time_us\":";
        let Some(at) = line.find(key) else {
            bail!("an event without time_us: {line}")
        };
        let start = at + key.len();
        let end = start
            + line[start..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(line.len() - start);
        out.push(Template {
            before: line[..start].to_owned(),
            after: line[end..].to_owned(),
        });
    }
    Ok(out)
}

/// Event `i` of the stream: copy `i / n` of template `i % n`, its DIDs made its own.
fn event(templates: &[Template], i: u64, base_us: u64) -> String {
    let n = templates.len() as u64;
    let t = &templates[(i % n) as usize];
    let copy = format!("did:plc:c{}", i / n);
    format!("{}{}{}", t.before, base_us + i, t.after).replace("did:plc:", &copy)
}

/// `cargo xtask bench-follow [--events N] [--write]`.
pub fn bench_follow(root: &Path, args: &[String]) -> Result<()> {
    let events: u64 = crate::flag(args, "--events", 300_000u64)?;
    let write = args.iter().any(|a| a == "--write");
    let bin = crate::release_binary(root)?;
    let templates = Arc::new(templates(root)?);
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let bytes = Arc::new(AtomicU64::new(0));
    let sent_bytes = bytes.clone();
    let server = {
        let templates = templates.clone();
        std::thread::spawn(move || -> Result<()> {
            let (stream, _) = listener.accept()?;
            let mut ws = tungstenite::accept(stream).map_err(|e| anyhow::anyhow!("{e}"))?;
            let base = 1_783_175_888_000_000u64;
            for i in 0..events {
                let e = event(&templates, i, base);
                sent_bytes.fetch_add(e.len() as u64, Ordering::Relaxed);
                // Written to the socket's buffer; flushed every 256 events.
                if let Err(e) = ws.write(tungstenite::Message::text(e)) {
                    bail!("sending: {e}");
                }
                if i % 256 == 255 {
                    let _ = ws.flush();
                }
            }
            let _ = ws.flush();
            // The follower closes once it has read them all.
            while ws.read().is_ok() {}
            Ok(())
        })
    };
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("follow.db");
    let url = format!("ws://127.0.0.1:{port}/subscribe");
    eprintln!("following {events} events from {url} with the release binary…");
    let started = Instant::now();
    let mut child = Command::new(&bin)
        .args(["import", "--json", "--follow", &url, "--max-events"])
        .arg(events.to_string())
        .arg("--db")
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("running socialset")?;
    let pid = child.id();
    let mut peak_mib = 0.0f64;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        peak_mib = peak_mib.max(crate::abuse_bench::memory_mib(pid).1);
        std::thread::sleep(Duration::from_millis(50));
    };
    let seconds = started.elapsed().as_secs_f64();
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_string(&mut out)?;
    }
    if !status.success() {
        bail!("socialset import --follow failed ({status})");
    }
    server
        .join()
        .map_err(|_| anyhow::anyhow!("the server thread panicked"))??;
    let report: serde_json::Value = serde_json::from_str(&out)?;
    let stream = &report["stream"];
    let records: u64 = report["files"][0]["records"]
        .as_object()
        .map(|m| m.values().filter_map(serde_json::Value::as_u64).sum())
        .unwrap_or(0);
    if stream["events"].as_u64() != Some(events) {
        bail!("the follower read {} events of {events}", stream["events"]);
    }
    let mb = bytes.load(Ordering::Relaxed) as f64 / 1e6;
    let table = format!(
        "Measured {} on {} ({} cores), `cargo xtask bench-follow --events {events}`: the release \
         binary following a local Jetstream on loopback that sends as fast as it is read, into \
         a fresh SQLite store, default batches (1,000 events or 1 s per transaction, each with \
         its cursor).\n\n\
         | events | event JSON | records stored | transactions | time | events/s | speed | peak memory |\n\
         |---|---|---|---|---|---|---|---|\n\
         | {events} | {mb:.0} MB | {records} | {} | {seconds:.1} s | {:.0} | {:.1} MB/s | {peak_mib:.0} MB |\n",
        crate::bench::today(),
        crate::bench::cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        stream["transactions"],
        events as f64 / seconds,
        mb / seconds,
    );
    println!("{table}");
    if write {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-follow", &table)?;
    }
    Ok(())
}
