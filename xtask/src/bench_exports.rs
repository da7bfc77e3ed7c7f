//! `cargo xtask bench-exports`: the platform importers' parsing speed on the real samples in
//! ../shared/data (PHEME tweets for API v1.1, twarc2 pages for v2, PRAW's Reddit answers,
//! python-youtube's YouTube answers, python-facebook's Instagram answers, Bluesky's AppView
//! answers and Jetstream events, ActivityPub payloads, and socialset's own JSON Lines), each
//! repeated into a file of at least `--gb` GB (default 1) and read on one core in a child
//! process, so its peak memory is the reader's own. Records/s, MB/s and peak memory go to
//! docs/BENCHMARKS.md with --write.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use socialset_ingest::{Format, ReadOptions, RecordReader};

/// Documents of one export format, as the sample gives them: one per line, or (`outbox`) all
/// of them the items of one ActivityPub collection, as a Mastodon account export holds them.
struct Sample {
    format: Format,
    what: &'static str,
    lines: Vec<String>,
    outbox: bool,
}

fn sample(format: Format, what: &'static str, lines: Vec<String>) -> Sample {
    Sample {
        format,
        what,
        lines,
        outbox: false,
    }
}

fn samples(data: &Path) -> Result<Vec<Sample>> {
    let mut out = Vec::new();

    // API v1.1: every PHEME tweet, one per line (as a streaming or search export holds them).
    let file = std::fs::File::open(
        data.join("rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz"),
    )?;
    let mut tweets = Vec::new();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.to_string_lossy().into_owned();
        let is_tweet = (path.contains("/source-tweet/") || path.contains("/replies/"))
            && path.ends_with(".json")
            && entry.header().entry_type().is_file();
        if is_tweet {
            let mut text = String::new();
            entry.read_to_string(&mut text)?;
            let v: serde_json::Value = serde_json::from_str(&text)?;
            tweets.push(v.to_string());
        }
    }
    out.push(sample(
        Format::TwitterV1,
        "PHEME tweets, one per line",
        tweets,
    ));

    // API v2: twarc2's pages (the file with the deliberately broken line left out).
    let mut pages = Vec::new();
    let dir = data.join("twarc-v2-samples");
    let names = sorted_files(&dir)?;
    for p in names {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with(".jsonl") && !name.contains("with_error") {
            pages.extend(
                std::fs::read_to_string(&p)?
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned),
            );
        }
    }
    out.push(sample(
        Format::TwitterV2,
        "twarc2 pages (twarc-csv test data)",
        pages,
    ));

    // Reddit: every answer recorded in PRAW's cassettes.
    let mut answers = Vec::new();
    let dir = data.join("praw-reddit-cassettes");
    let names = sorted_files(&dir)?;
    for p in names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let cassette: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p)?)?;
        for i in cassette["interactions"].as_array().into_iter().flatten() {
            let body = i["response"]["body"]["string"].as_str().unwrap_or_default();
            if i["request"]["uri"]
                .as_str()
                .is_some_and(|u| u.contains("access_token"))
            {
                continue;
            }
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
                answers.push(v.to_string());
            }
        }
    }
    out.push(sample(
        Format::Reddit,
        "PRAW's recorded Reddit answers",
        answers,
    ));

    // ActivityPub: the Mastodon / Friendica payloads.
    let mut activities = Vec::new();
    let dir = data.join("activitypub-mastodon-samples");
    let names = sorted_files(&dir)?;
    // Every payload but the deliberately invalid profile.
    let valid = |p: &&PathBuf| {
        p.extension().is_some_and(|e| e == "json") && !p.to_string_lossy().contains("INVALID")
    };
    for p in names.iter().filter(valid) {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(p)?) {
            activities.push(v.to_string());
        }
    }
    out.push(sample(
        Format::ActivityPub,
        "Mastodon / Friendica payloads, one per line",
        activities.clone(),
    ));
    // YouTube: python-youtube's recorded Data API answers, one per line.
    let mut answers = Vec::new();
    let dir = data.join("platform-samples-2/youtube");
    for p in sorted_files(&dir)?
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p)?)?;
        answers.push(v.to_string());
    }
    out.push(sample(
        Format::YouTube,
        "python-youtube's recorded Data API answers",
        answers,
    ));
    // Bluesky: the AppView answers and the Jetstream events, one per line.
    let mut answers = Vec::new();
    let dir = data.join("platform-samples-2/bluesky");
    for name in [
        "getAuthorFeed.json",
        "getPostThread.json",
        "getFollowers.json",
    ] {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join(name))?)?;
        answers.push(v.to_string());
    }
    answers.extend(
        std::fs::read_to_string(dir.join("jetstream_expected_v1.jsonl"))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned),
    );
    out.push(sample(
        Format::Bluesky,
        "atproto.dart's AppView answers and Jetstream's events",
        answers,
    ));
    // Instagram: python-facebook's recorded Graph API answers, one per line (the profile
    // before the media asked alone, as one file of answers would hold them).
    let mut answers = Vec::new();
    let dir = data.join("platform-samples-2/instagram");
    for name in [
        "discovery_user_fields.json",
        "discovery_medias_p1.json",
        "hashtag_top_medias_p1.json",
        "comments_fields.json",
    ] {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join(name))?)?;
        answers.push(v.to_string());
    }
    out.push(sample(
        Format::Instagram,
        "python-facebook's recorded Graph API answers",
        answers,
    ));
    out.push(Sample {
        format: Format::ActivityPub,
        what: "the same payloads as the items of one outbox document",
        lines: activities,
        outbox: true,
    });
    Ok(out)
}

/// The files of `dir`, in name order.
fn sorted_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    names.sort();
    Ok(names)
}

/// `cargo xtask bench-exports [--gb G] [--write]`.
pub fn bench_exports(root: &Path, args: &[String]) -> Result<()> {
    let gb: f64 = crate::flag(args, "--gb", 1.0)?;
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let dir = root.join("target/bench-exports");
    std::fs::create_dir_all(&dir)?;
    let me = std::env::current_exe()?;
    let mut rows = Vec::new();
    for Sample {
        format,
        what,
        lines,
        outbox,
    } in samples(&data)?
    {
        let sample_bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        if sample_bytes == 0 {
            bail!("no {} sample found", format.as_str());
        }
        let name = if outbox { "-outbox" } else { "" };
        let path = dir.join(format!("{}{name}.jsonl", format.as_str()));
        let target = (gb * 1e9) as usize;
        let copies = target.div_ceil(sample_bytes);
        {
            let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
            if outbox {
                w.write_all(
                    br#"{"@context":"https://www.w3.org/ns/activitystreams","id":"https://example.social/users/bench/outbox","type":"OrderedCollection","orderedItems":["#,
                )?;
            }
            let mut first = true;
            for _ in 0..copies {
                for l in &lines {
                    if outbox && !first {
                        w.write_all(b",")?;
                    }
                    first = false;
                    w.write_all(l.as_bytes())?;
                    if !outbox {
                        w.write_all(b"\n")?;
                    }
                }
            }
            if outbox {
                w.write_all(b"]}\n")?;
            }
            w.flush()?;
        }
        let size = std::fs::metadata(&path)?.len();
        eprintln!(
            "{}{name}: {} documents × {copies} = {:.2} GB; reading…",
            format.as_str(),
            lines.len(),
            size as f64 / 1e9
        );
        let out = Command::new(&me)
            .args(["bench-exports-read", format.as_str()])
            .arg(&path)
            .output()
            .context("the reading child")?;
        std::fs::remove_file(&path)?;
        if !out.status.success() {
            bail!(
                "reading {}: {}",
                format.as_str(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let r: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let seconds = r["seconds"].as_f64().unwrap_or(f64::NAN);
        let records = r["records"].as_u64().unwrap_or(0);
        rows.push(format!(
            "| `{}` | {what} ({} documents, repeated) | {:.2} GB | {:.1} s | {:.0} | {:.0} MB/s | {:.0} MB |",
            format.as_str(),
            lines.len(),
            size as f64 / 1e9,
            seconds,
            records as f64 / seconds,
            size as f64 / 1e6 / seconds,
            r["peak_rss_kb"].as_f64().unwrap_or(f64::NAN) / 1024.0,
        ));
    }
    let table = format!(
        "Measured {} on {} ({} cores), one core reading (parse and map to records, no store), \
         `cargo xtask bench-exports --gb {gb}`.\n\n\
         | format | sample | file | time | records/s | speed | peak memory |\n|---|---|---|---|---|---|---|\n{}\n",
        crate::bench::today(),
        crate::bench::cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        rows.join("\n")
    );
    println!("{table}");
    if write {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-exports", &table)?;
    }
    Ok(())
}

/// The child: reads FILE as FORMAT and prints records, seconds and peak memory as JSON.
pub fn read_one(args: &[String]) -> Result<()> {
    let [format, file] = args else {
        bail!("usage: bench-exports-read FORMAT FILE");
    };
    let format: Format = format.parse().map_err(anyhow::Error::msg)?;
    let path = Path::new(file);
    let started = Instant::now();
    let (reader, _) = RecordReader::open(path, file, &ReadOptions::new(format))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut records = 0u64;
    for r in reader {
        r.map_err(|e| anyhow::anyhow!("{e}"))?;
        records += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_rss_kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    println!(
        "{}",
        serde_json::json!({"records": records, "seconds": seconds, "peak_rss_kb": peak_rss_kb})
    );
    Ok(())
}
