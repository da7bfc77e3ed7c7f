//! `cargo xtask bench-campaigns [--rate R] [--seconds S] [--write]`: what issue 21 asks of
//! campaigns' speed.
//!
//! - The report of a campaign with 1,000 members, 1,000,000 clicks and 100,000 conversions
//!   (made up, seeded, in `target/bench-campaigns/report.db`), by the release binary:
//!   `socialset campaign report --format json`, the median of three runs.
//! - Tracking links under load: a release `socialset serve` over the Higgs store (shared with
//!   bench-serve), a campaign with a member, then `GET /r/{code}` paced at R requests per
//!   second for S seconds on 8 keep-alive connections (open loop): p50/p99 of the redirects,
//!   and the clicks the store holds against the redirects answered.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use socialset_engine::{
    AccountId, CampaignSpec, Click, MemberStatus, NewMember, NotCounted, Objective, OrderLine,
    OrderSource, Rates, Role, Timestamp, Workspace,
};

use crate::abuse_bench::{paced_requests, percentile, HiggsServer};
use crate::bench::{cpu_model, status, today};

const MEMBERS: usize = 1_000;
const CLICKS: usize = 1_000_000;
const ORDERS: usize = 100_000;

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_epoch_ms(ms).expect("time in range")
}

/// Makes the big campaign's store (once).
fn big_store(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    eprintln!(
        "making {} (1,000 members, 1,000,000 clicks, 100,000 orders)",
        path.display()
    );
    let tmp = path.with_extension("tmp.db");
    let _ = std::fs::remove_file(&tmp);
    let mut ws = Workspace::open(&tmp)?;
    let start = 1_782_864_000_000_i64; // 2026-07-01
    let day = 86_400_000_i64;
    ws.create_campaign(&CampaignSpec {
        name: "big".into(),
        brand: "acme".into(),
        brief: None,
        objective: Objective::Conversions,
        start: ts(start),
        end: ts(start + 30 * day),
        budget: 150_000.0,
        currency: "EUR".into(),
        destination: "https://shop.example/big".into(),
        hashtags: vec!["acmebig".into()],
        disclosure: vec!["#adv".into()],
    })?;
    let new: Vec<NewMember> = (0..MEMBERS)
        .map(|i| NewMember {
            account: format!("bench:m{i}"),
            role: if i % 10 == 0 {
                Role::Professional
            } else {
                Role::Native
            },
            fee: if i % 10 == 0 { 1000.0 } else { 50.0 },
            status: MemberStatus::Posted,
            promo_code: Some(format!("CODE{i}")),
            predicted_reach: None,
        })
        .collect();
    let members = ws.add_members("big", &new)?;
    let mut rng = socialset_graph::SplitMix64::new(21);
    let mut ids = Vec::with_capacity(CLICKS);
    for chunk in 0..CLICKS / 50_000 {
        let clicks: Vec<Click> = (0..50_000)
            .map(|_| {
                let m = &members[rng.below(MEMBERS)];
                Click {
                    id: 0,
                    campaign: "big".into(),
                    member: m.account.clone(),
                    at: ts(start + (rng.next_f64() * 30.0 * day as f64) as i64),
                    visitor: rng.below(400_000) as u64,
                    not_counted: (rng.below(33) == 0).then_some(NotCounted::Crawler),
                }
            })
            .collect();
        ids.extend(ws.record_clicks(&clicks)?);
        eprintln!("  clicks {}", (chunk + 1) * 50_000);
    }
    let orders: Vec<OrderLine> = (0..ORDERS)
        .map(|i| {
            let kind = rng.below(10);
            OrderLine {
                line: i as u64 + 2,
                order_id: format!("O{i}"),
                at: ts(start + (rng.next_f64() * 35.0 * day as f64) as i64),
                value: 20.0 + rng.below(80) as f64,
                currency: "EUR".into(),
                code: (6..9)
                    .contains(&kind)
                    .then(|| format!("CODE{}", rng.below(MEMBERS))),
                click: (kind < 6).then(|| ids[rng.below(ids.len())]),
            }
        })
        .collect();
    ws.add_conversions("big", &orders, &Rates::new(), OrderSource::File, &|o| {
        format!("generated:{}", o.line)
    })?;
    drop(ws);
    std::fs::rename(&tmp, path)?;
    let _ = AccountId::new("unused");
    Ok(())
}

fn report_seconds(bin: &Path, db: &Path) -> Result<f64> {
    let start = Instant::now();
    let out = Command::new(bin)
        .args(["campaign", "report", "big", "--format", "json", "--db"])
        .arg(db)
        .output()?;
    let seconds = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "the report failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let r: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    if r["clicks"]["requests"].as_u64() != Some(CLICKS as u64) {
        bail!("the report counted {} clicks", r["clicks"]["requests"]);
    }
    Ok(seconds)
}

/// The clicks a campaign's report counts.
fn stored_clicks(cli: &dyn Fn(&[&str]) -> Result<std::process::Output>, name: &str) -> Result<u64> {
    let report = cli(&["campaign", "report", name, "--format", "json"])?;
    let r: serde_json::Value = serde_json::from_slice(&report.stdout)?;
    r["clicks"]["requests"]
        .as_u64()
        .context("no click count in the report")
}

pub fn bench_campaigns(root: &Path, args: &[String]) -> Result<()> {
    let rate: f64 = crate::flag(args, "--rate", 2000.0)?;
    let seconds: u64 = crate::flag(args, "--seconds", 20)?;
    status(
        Command::new("cargo").args(["build", "--quiet", "--release", "-p", "socialset-cli"]),
        "building socialset",
    )?;
    let bin = root.join("target/release/socialset");
    let dir = root.join("target/bench-campaigns");
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("report.db");
    big_store(&db)?;
    let mut times: Vec<f64> = (0..3)
        .map(|_| report_seconds(&bin, &db))
        .collect::<Result<_>>()?;
    times.sort_by(f64::total_cmp);
    let report_median = times[1];
    eprintln!("report: {times:?} s");

    // Tracking links under load.
    let server = HiggsServer::start(root, "bench-serve", true)?;
    let store = root.join("target/bench-serve/workspaces/higgs.db");
    let name = format!("bench{}", std::process::id());
    let cli = |args: &[&str]| -> Result<std::process::Output> {
        let out = Command::new(&bin)
            .args(args)
            .arg("--db")
            .arg(&store)
            .output()?;
        if !out.status.success() {
            bail!(
                "socialset {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(out)
    };
    cli(&[
        "campaign",
        "create",
        &name,
        "--brand",
        "bench",
        "--start",
        "2026-01-01",
        "--end",
        "2099-01-01",
        "--budget",
        "100",
        "--destination",
        "https://shop.example/bench",
    ])?;
    let added = cli(&[
        "campaign",
        "add",
        &name,
        "--account",
        "higgs:88",
        "--fee",
        "50",
        "--format",
        "json",
    ])?;
    let members: serde_json::Value = serde_json::from_slice(&added.stdout)?;
    let link = members["members"][0]["link"]
        .as_str()
        .context("no link")?
        .to_owned();
    let path = format!("/r/{link}");
    let ua = vec![(
        "User-Agent".to_owned(),
        "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36".to_owned(),
    )];
    // The first request reads the workspaces' links.
    let stop = Arc::new(AtomicBool::new(false));
    let warm = {
        let stop = Arc::clone(&stop);
        let (addr, path, ua) = (server.addr.clone(), path.clone(), ua.clone());
        std::thread::spawn(move || paced_requests(&addr, &path, &ua, 302, 50.0, &stop))
    };
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    let (_, _, warm_ok) = warm.join().map_err(|_| anyhow::anyhow!("warm-up"))?;
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let stop = Arc::clone(&stop);
        let (addr, path, ua) = (server.addr.clone(), path.clone(), ua.clone());
        std::thread::spawn(move || paced_requests(&addr, &path, &ua, 302, rate, &stop))
    };
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let (latencies, failed, answered) = load.join().map_err(|_| anyhow::anyhow!("load"))?;
    // Then wrk, closed loop, at saturation: the most the two cores redirect, and whether every
    // redirect answered was stored even then (wrk counts each answer; the store each click).
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("installing wrk (Debian)");
        status(
            Command::new("apt-get").args(["install", "-y", "-q", "wrk"]),
            "apt-get install wrk",
        )?;
    }
    let before_wrk = stored_clicks(&cli, &name)?;
    let out = Command::new("wrk")
        .args(["-t2", "-c16", "-d10s", "--latency", "-H"])
        .arg(format!("User-Agent: {}", ua[0].1))
        .arg(format!("http://{}{path}", server.addr))
        .output()
        .context("running wrk")?;
    let wrk = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("{wrk}");
    let after_wrk = stored_clicks(&cli, &name)?;
    let field = |key: &str| -> String {
        wrk.lines()
            .map(str::trim)
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_owned()
    };
    let wrk_requests: u64 = wrk
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let wrk_errors = wrk
        .lines()
        .find(|l| l.contains("Socket errors"))
        .map_or("none".to_owned(), |l| l.trim().to_owned());
    drop(server);
    let stored = before_wrk;
    let sent = answered + warm_ok;
    let achieved = answered as f64 / seconds as f64;
    let table = format!(
        "Measured {} on a {}-core {} (server and load generator on the same cores).\n\n\
         | measurement | result |\n|---|---:|\n\
         | report of a campaign with 1,000 members, 1,000,000 clicks, 100,000 conversions (`socialset campaign report --format json`, release, median of 3) | {report_median:.2} s |\n\
         | `GET /r/{{code}}` paced at {rate:.0}/s for {seconds} s on 8 keep-alive connections (Higgs workspace): redirects answered | {answered} ({achieved:.0}/s), {failed} failed |\n\
         | redirect latency p50 / p90 / p99 / max | {:.2} / {:.2} / {:.2} / {:.2} ms |\n\
         | clicks stored / redirects answered (with the warm-up's {warm_ok}) | {stored} / {sent} |\n\
         | wrk -t2 -c16 -d10s at saturation (closed loop): requests/s, p50 / p90 / p99 | {} /s, {} / {} / {} ({wrk_errors}) |\n\
         | clicks stored / redirects wrk received | {} / {wrk_requests} |\n",
        today(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
        field("Requests/sec:"),
        field("50%"),
        field("90%"),
        field("99%"),
        after_wrk - before_wrk,
    );
    println!("{table}");
    if stored != sent {
        bail!("{stored} clicks stored for {sent} redirects answered");
    }
    if after_wrk - before_wrk < wrk_requests {
        bail!(
            "{} clicks stored for {wrk_requests} redirects wrk received",
            after_wrk - before_wrk
        );
    }
    if args.iter().any(|a| a == "--write") {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-campaigns", &table)?;
    }
    Ok(())
}

/// `cargo xtask eval-campaigns [--campaigns N] [--write]`: the coverage of the report's 95%
/// intervals over simulated campaigns with known truths (the seeds' populations, and
/// heavier-tailed ones the method was not shaped on), then engagement per follower by
/// follower band on the real exports that carry follower counts.
pub fn eval_campaigns(root: &Path, args: &[String]) -> Result<()> {
    use socialset_engine::Population;
    let campaigns: usize = crate::flag(args, "--campaigns", 1000)?;
    let heavy_natives = Population {
        members: (5, 120),
        visits_shape: 1.0,
        conversion_concentration: 20.0,
        conversion_mean: 0.03,
        ..Population::NATIVES
    };
    let heavy_pros = Population {
        members: (3, 6),
        visits_shape: 1.0,
        conversion_concentration: 30.0,
        ..Population::PROFESSIONALS
    };
    let mut text = format!(
        "Measured {} with `cargo xtask eval-campaigns` ({campaigns} simulated campaigns each, seeded; 2,000 bootstrap resamples).\n\n\
         | populations | conversion rate (natives / pros / all) | CPA natives | CPA professionals | CPA ratio natives/pros | CPE ratio | verdict \"natives cheaper\" | median width of the CPA ratio's interval (× truth) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
        today()
    );
    for (label, n, p) in [
        ("the seeds' (natives 15–60 members, gamma shape 2 visits, beta(2,48) conversion; professionals 3–10)", Population::NATIVES, Population::PROFESSIONALS),
        ("heavier tails, held out (natives 5–120, gamma shape 1, beta concentration 20; professionals 3–6, shape 1)", heavy_natives, heavy_pros),
    ] {
        let c = socialset_engine::eval_campaign_intervals_with(&n, &p, campaigns, 20_261_203);
        let pct = |v: f64| format!("{:.1}%", v * 100.0);
        text.push_str(&format!(
            "| {label} | {} / {} / {} | {} | {} | {} | {} | {} | {:.2} |\n",
            pct(c.conversion_rate_natives),
            pct(c.conversion_rate_professionals),
            pct(c.conversion_rate_total),
            pct(c.cpa_natives),
            pct(c.cpa_professionals),
            pct(c.cpa_ratio),
            pct(c.cpe_ratio),
            pct(c.called_natives_cheaper),
            c.cpa_ratio_relative_width,
        ));
        eprintln!("{label}: {c:?}");
    }
    // Engagement per follower on the real exports with follower counts.
    let data = crate::shared_data(root)?;
    let dir = root.join("target/eval-campaigns");
    let pheme = dir.join("pheme");
    if !pheme.exists() {
        std::fs::create_dir_all(&pheme)?;
        let file = std::fs::File::open(
            data.join("rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz"),
        )?;
        tar::Archive::new(flate2::read::GzDecoder::new(file)).unpack(&pheme)?;
    }
    let rejects = dir.join("rejects");
    std::fs::create_dir_all(&rejects)?;
    text.push_str("\nEngagement per follower ((likes + shares on record per post) / followers, averaged per account, then over the accounts of a band; 95% bootstrap interval over accounts, seeded):\n\n");
    for (label, files) in [
        (
            "PHEME (RumourEval 2017, v1.1 tweets with user objects)",
            vec![pheme.clone()],
        ),
        ("twarc v2 samples", vec![data.join("twarc-v2-samples")]),
    ] {
        let by = socialset_engine::eval_engagement_by_band(&files, &rejects)?;
        for b in by {
            text.push_str(&format!(
                "\n{label}, {}:\n\n| followers | accounts | posts | median | mean (95% interval) |\n|---|---:|---:|---:|---:|\n",
                b.posts_of
            ));
            for x in b.bands {
                if x.accounts == 0 {
                    text.push_str(&format!("| {} | 0 | 0 | — | — |\n", x.band));
                    continue;
                }
                text.push_str(&format!(
                    "| {} | {} | {} | {:.5} | {:.5} ({:.5}–{:.5}) |\n",
                    x.band, x.accounts, x.posts, x.median, x.mean.value, x.mean.low, x.mean.high
                ));
            }
        }
    }
    println!("{text}");
    if args.iter().any(|a| a == "--write") {
        crate::write_between_markers(&root.join("docs/EVALUATION.md"), "eval-campaigns", &text)?;
    }
    Ok(())
}
