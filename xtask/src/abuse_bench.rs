//! `cargo xtask bench-abuse [--rate R] [--seconds S] [--write]`: the attacks of issue 20
//! against a release `socialset serve` on loopback over the Higgs store, each while a paced
//! load of R cached leaderboard requests per second runs (open loop: each request's latency
//! counts from when it was due, so a stalled server is not hidden by a stalled client). For
//! each attack: what the server answered, its memory (resident and peak, from /proc) beyond
//! the warmed-up baseline, and the leaderboard's p50/p99 meanwhile. Then, without load, how
//! long a cancelled computation keeps using CPU. Bounded: each attack runs S seconds at most.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::bench::{cpu_model, status, today};

/// A release server on loopback over the Higgs store, with an admin and a viewer.
pub(crate) struct HiggsServer {
    child: Child,
    pub(crate) addr: String,
    pub(crate) admin: String,
    pub(crate) viewer: String,
    pub(crate) size: String,
    /// Ids of accounts on the leaderboard, once it has been asked for.
    pub(crate) accounts: Vec<String>,
}

impl Drop for HiggsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl HiggsServer {
    /// Builds the binary (release, or the debug one CI has built), imports Higgs once into
    /// `target/NAME/workspaces/higgs.db`, adds the users, and starts the server (its log in
    /// `target/NAME/server.log`).
    pub(crate) fn start(root: &Path, name: &str, release: bool) -> Result<Self> {
        let data = crate::shared_data(root)?;
        let higgs = data.join("higgs-twitter/higgs-activity_time.txt.gz");
        let mut build = Command::new("cargo");
        build.args(["build", "--quiet", "-p", "socialset-cli"]);
        if release {
            build.arg("--release");
        }
        status(&mut build, "building socialset")?;
        let bin = root.join(if release {
            "target/release/socialset"
        } else {
            "target/debug/socialset"
        });
        let dir = root.join("target").join(name);
        let store = dir.join("workspaces/higgs.db");
        if !store.exists() {
            std::fs::create_dir_all(dir.join("workspaces"))?;
            eprintln!("importing Higgs into {}", store.display());
            status(
                Command::new(&bin)
                    .arg("import")
                    .arg("--db")
                    .arg(&store)
                    .arg(&higgs),
                "importing Higgs",
            )?;
        }
        let stats = Command::new(&bin)
            .args(["stats", "--json", "--db"])
            .arg(&store)
            .output()?;
        let stats: serde_json::Value = serde_json::from_slice(&stats.stdout)?;
        let size = format!(
            "{} accounts, {} interactions",
            stats["accounts"], stats["interactions"]
        );
        // Users, their login attempts and jobs from an earlier run would change what the
        // attacks meet (an address already over its login limit): start them afresh.
        for file in [
            "auth.db",
            "auth.db-wal",
            "auth.db-shm",
            "jobs.db",
            "jobs.db-wal",
            "jobs.db-shm",
        ] {
            let _ = std::fs::remove_file(dir.join(file));
        }
        let mut tokens = Vec::new();
        for (user, role) in [("bench-admin", "admin"), ("bench-viewer", "viewer")] {
            let mut add = Command::new(&bin)
                .args(["user", "add", user, "--workspace", "higgs", "--role", role])
                .arg("--password-stdin")
                .arg("--data")
                .arg(&dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?;
            if let Some(mut stdin) = add.stdin.take() {
                writeln!(stdin, "{user} password")?;
            }
            // An existing user (a second run) is fine: a new token is made below.
            add.wait()?;
            let token = Command::new(&bin)
                .args(["token", "create", user, "--data"])
                .arg(&dir)
                .stderr(Stdio::null())
                .output()?;
            tokens.push(String::from_utf8(token.stdout)?.trim().to_owned());
        }
        let log = dir.join("server.log");
        let child = Command::new(&bin)
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(&dir)
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        let mut addr = None;
        for _ in 0..100 {
            std::thread::sleep(Duration::from_millis(50));
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            addr = text
                .split_whitespace()
                .find_map(|w| w.strip_prefix("http://"))
                .map(str::to_owned);
            if addr.is_some() {
                break;
            }
        }
        let addr =
            addr.with_context(|| format!("the server did not start: see {}", log.display()))?;
        let [admin, viewer] =
            <[String; 2]>::try_from(tokens).map_err(|_| anyhow::anyhow!("tokens"))?;
        Ok(Self {
            child,
            addr,
            admin,
            viewer,
            size,
            accounts: Vec::new(),
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// A keep-alive HTTP/1.1 connection: enough of a client for a benchmark.
struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    fn open(addr: &str) -> std::io::Result<Self> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Self {
            stream: BufReader::new(s),
        })
    }

    /// Sends one request; the status and body of the answer.
    fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<(u16, Vec<u8>)> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let s = self.stream.get_mut();
        s.write_all(head.as_bytes())?;
        s.write_all(body)?;
        let mut line = String::new();
        self.stream.read_line(&mut line)?;
        let code: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            self.stream.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        let mut out = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; n + 2];
                self.stream.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&chunk[..n]);
            }
        } else {
            out.resize(length, 0);
            self.stream.read_exact(&mut out)?;
        }
        Ok((code, out))
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Resident and peak resident memory of `pid`, in MiB.
pub(crate) fn memory_mib(pid: u32) -> (f64, f64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0)
}

/// CPU time `pid` has used, in seconds (user + system).
fn cpu_seconds(pid: u32) -> f64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at state, field 3.
    let after = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15: 12 and 13 after the state.
    (ticks(11) + ticks(12)) / clock_ticks()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Paced leaderboard requests at `rate` per second on `threads` keep-alive connections until
/// `stop`: each request's latency counted from when it was due; failures counted apart.
fn paced_load(addr: &str, token: &str, rate: f64, stop: &Arc<AtomicBool>) -> (Vec<f64>, u64) {
    let auth = vec![("Authorization".to_owned(), bearer(token))];
    let (latencies, failed, _) = paced_requests(
        addr,
        "/api/workspaces/higgs/rank?tier=native&assume_native_if_unknown=true&limit=50",
        &auth,
        200,
        rate,
        stop,
    );
    (latencies, failed)
}

/// Paced GETs of `path` with `headers` at `rate` per second on 8 keep-alive connections until
/// `stop` (open loop: each latency counted from when the request was due): the sorted
/// latencies of the answers with status `expect` (ms), the failures, and how many answers
/// had that status.
pub(crate) fn paced_requests(
    addr: &str,
    path: &str,
    headers: &[(String, String)],
    expect: u16,
    rate: f64,
    stop: &Arc<AtomicBool>,
) -> (Vec<f64>, u64, u64) {
    const THREADS: usize = 8;
    let every = Duration::from_secs_f64(THREADS as f64 / rate);
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (addr, path, headers, stop) = (
                addr.to_owned(),
                path.to_owned(),
                headers.to_vec(),
                Arc::clone(stop),
            );
            std::thread::spawn(move || {
                let headers: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let mut latencies = Vec::new();
                let mut failed = 0u64;
                let mut conn = Conn::open(&addr).ok();
                let start = Instant::now() + every.mul_f64(t as f64 / THREADS as f64);
                let mut due = start;
                while !stop.load(Ordering::Relaxed) {
                    let now = Instant::now();
                    if due > now {
                        std::thread::sleep(due - now);
                    }
                    let c = match conn.as_mut() {
                        Some(c) => c,
                        None => {
                            conn = Conn::open(&addr).ok();
                            failed += 1;
                            due += every;
                            continue;
                        }
                    };
                    match c.send("GET", &path, &headers, b"") {
                        Ok((code, _)) if code == expect => {
                            latencies.push(due.elapsed().as_secs_f64() * 1000.0);
                        }
                        Ok(_) => failed += 1,
                        Err(_) => {
                            failed += 1;
                            conn = None;
                        }
                    }
                    due += every;
                }
                (latencies, failed)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut failed = 0;
    for h in handles {
        if let Ok((l, f)) = h.join() {
            all.extend(l);
            failed += f;
        }
    }
    all.sort_by(f64::total_cmp);
    let ok = all.len() as u64;
    (all, failed, ok)
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// One attack: its name, and what it does (returning what the server answered, in words).
type Attack = (
    &'static str,
    Box<dyn FnOnce(&HiggsServer) -> Result<String>>,
);

/// One request of an attack.
struct Ask {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Ask {
    fn send(&self, conn: &mut Conn) -> std::io::Result<u16> {
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        conn.send(self.method, &self.path, &headers, &self.body)
            .map(|(code, _)| code)
    }
}

/// The statuses answered, counted (0: no answer).
fn tally(codes: impl IntoIterator<Item = u16>) -> String {
    let mut counted = std::collections::BTreeMap::new();
    for c in codes {
        *counted.entry(c).or_insert(0) += 1;
    }
    format!("{counted:?}")
}

/// Sends `asks` all at once, each on a connection of its own.
fn all_at_once(addr: &str, asks: Vec<Ask>) -> String {
    let handles: Vec<_> = asks
        .into_iter()
        .map(|ask| {
            let addr = addr.to_owned();
            std::thread::spawn(move || {
                Conn::open(&addr)
                    .and_then(|mut c| ask.send(&mut c))
                    .unwrap_or(0)
            })
        })
        .collect();
    tally(handles.into_iter().map(|h| h.join().unwrap_or(0)))
}

/// Sends `asks` one after another on one connection.
fn one_after_another(addr: &str, asks: Vec<Ask>) -> Result<String> {
    let mut conn = Conn::open(addr)?;
    let codes = asks
        .iter()
        .map(|a| a.send(&mut conn))
        .collect::<std::io::Result<Vec<u16>>>()?;
    Ok(tally(codes))
}

fn login(user: &str, password: &str) -> Ask {
    Ask {
        method: "POST",
        path: "/api/login".into(),
        headers: vec![("Content-Type", "application/json".into())],
        body: serde_json::json!({"user": user, "password": password})
            .to_string()
            .into_bytes(),
    }
}

/// How many times the costly attacks repeat: fewer in `--check`, on the debug build.
#[derive(Clone, Copy)]
struct Scale {
    plans: usize,
    explanations: usize,
}

fn attacks(seconds: u64, scale: Scale) -> Vec<Attack> {
    vec![
        (
            "plans with a budget below the cheapest member (€30)",
            Box::new(move |s: &HiggsServer| {
                let plan = || Ask {
                    method: "POST",
                    path: "/api/workspaces/higgs/plans".into(),
                    headers: vec![
                        ("Authorization", bearer(&s.viewer)),
                        ("Content-Type", "application/json".into()),
                    ],
                    // Higgs has no follower counts: its accounts count as natives by request.
                    body: br#"{"budget_eur": 30, "assume_native_if_unknown": true}"#.to_vec(),
                };
                one_after_another(&s.addr, (0..scale.plans).map(|_| plan()).collect())
            }),
        ),
        (
            "200 concurrent logins with wrong passwords",
            Box::new(|s: &HiggsServer| {
                let guesses = (0..200).map(|i| login("bench-admin", &format!("guess {i}")));
                Ok(all_at_once(&s.addr, guesses.collect()))
            }),
        ),
        (
            "400 failed logins at 400 different names",
            Box::new(|s: &HiggsServer| {
                let names = (0..400).map(|i| login(&format!("nobody{i}"), "x"));
                one_after_another(&s.addr, names.collect())
            }),
        ),
        (
            "explanations of accounts, all at once (each reads the whole workspace)",
            Box::new(move |s: &HiggsServer| {
                let explain = |i: usize| Ask {
                    method: "GET",
                    path: format!(
                        "/api/workspaces/higgs/accounts/{}/explain",
                        s.accounts[i % s.accounts.len().max(1)]
                    ),
                    headers: vec![("Authorization", bearer(&s.viewer))],
                    body: Vec::new(),
                };
                Ok(all_at_once(
                    &s.addr,
                    (0..scale.explanations).map(explain).collect(),
                ))
            }),
        ),
        (
            "communities with 0.1-day stability windows, the client leaving after 2 s",
            Box::new(|s: &HiggsServer| {
                let mut stream = TcpStream::connect(&s.addr)?;
                write!(
                    stream,
                    "GET /api/workspaces/higgs/communities?window_days=0.1 HTTP/1.1\r\nHost: bench\r\nAuthorization: {}\r\n\r\n",
                    bearer(&s.viewer)
                )?;
                std::thread::sleep(Duration::from_secs(2));
                drop(stream);
                Ok("the client left; the work stops at its next check".into())
            }),
        ),
        (
            "a 1 MB gzip upload that expands to 1 GiB (one line)",
            Box::new(move |s: &HiggsServer| {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                gz.write_all(b"{\"type\":\"account\",\"id\":\"tw:x\",\"bio\":\"")?;
                let block = vec![b'a'; 1 << 20];
                for _ in 0..1024 {
                    gz.write_all(&block)?;
                }
                let bytes = gz.finish()?;
                let mut conn = Conn::open(&s.addr)?;
                let (code, body) = conn.send(
                    "POST",
                    "/api/workspaces/higgs/imports?name=bomb.jsonl.gz",
                    &[("Authorization", &bearer(&s.admin))],
                    &bytes,
                )?;
                if code != 202 {
                    return Ok(format!("{code} {}", String::from_utf8_lossy(&body)));
                }
                let job: serde_json::Value = serde_json::from_slice(&body)?;
                let id = job["id"].as_str().unwrap_or_default().to_owned();
                let deadline = Instant::now() + Duration::from_secs(seconds * 4);
                while Instant::now() < deadline {
                    let (_, body) = conn.send(
                        "GET",
                        &format!("/api/workspaces/higgs/jobs/{id}"),
                        &[("Authorization", &bearer(&s.admin))],
                        b"",
                    )?;
                    let job: serde_json::Value = serde_json::from_slice(&body)?;
                    if !["queued", "running"].contains(&job["state"].as_str().unwrap_or_default()) {
                        return Ok(format!(
                            "{} KB upload: job {}: {}",
                            bytes.len() / 1000,
                            job["state"].as_str().unwrap_or_default(),
                            job["error"].as_str().unwrap_or_default()
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                Ok("the job did not end in time".into())
            }),
        ),
        (
            "200 connections sending their headers a byte at a time (slowloris)",
            Box::new(move |s: &HiggsServer| {
                let mut open: Vec<TcpStream> = (0..200)
                    .filter_map(|_| TcpStream::connect(&s.addr).ok())
                    .collect();
                let started = Instant::now();
                let mut closed_after = None;
                while started.elapsed() < Duration::from_secs(seconds.max(15)) {
                    open.retain_mut(|c| c.write_all(b"X").is_ok());
                    if open.is_empty() {
                        closed_after = Some(started.elapsed());
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
                Ok(match closed_after {
                    Some(t) => format!(
                        "all 200 closed by the server after {:.1} s",
                        t.as_secs_f64()
                    ),
                    None => format!("{} still open after {} s", open.len(), seconds.max(15)),
                })
            }),
        ),
        (
            "an import posted as text/plain from another site (CSRF)",
            Box::new(|s: &HiggsServer| {
                let mut conn = Conn::open(&s.addr)?;
                let (code, _) = conn.send(
                    "POST",
                    "/api/workspaces/higgs/imports?name=x.jsonl",
                    &[
                        ("Authorization", &bearer(&s.admin)),
                        ("Origin", "https://evil.example"),
                        ("Content-Type", "text/plain"),
                    ],
                    b"{\"type\":\"account\",\"id\":\"tw:evil\"}\n",
                )?;
                Ok(format!("{code}"))
            }),
        ),
    ]
}

/// Asks for `path` (a heavy synchronous route), leaves after `after`, and measures how long
/// the server keeps using CPU, as `cancel_delay` does.
fn client_leaves(s: &HiggsServer, path: &str, after: Duration) -> Result<(String, f64)> {
    let mut stream = TcpStream::connect(&s.addr)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: {}\r\n\r\n",
        bearer(&s.viewer)
    )?;
    std::thread::sleep(after);
    drop(stream);
    let left = Instant::now();
    let quiet = until_quiet(s.pid(), left);
    Ok((
        format!(
            "| `GET {path}`, its client leaving after {} s | — | {quiet:.2} s | stopped |",
            after.as_secs()
        ),
        quiet,
    ))
}

/// Seconds from `since` until `pid` uses under 10 ms of CPU in 100 ms.
fn until_quiet(pid: u32, since: Instant) -> f64 {
    let mut last = cpu_seconds(pid);
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let now = cpu_seconds(pid);
        if now - last < 0.01 {
            return (since.elapsed().as_secs_f64() - 0.1).max(0.0);
        }
        last = now;
        if since.elapsed() > Duration::from_secs(60) {
            return f64::INFINITY;
        }
    }
}

/// A cancellation measured: the table's row, the seconds the CPU kept going, the job's state.
type Cancelled = (String, f64, String);

/// Starts a computation job, waits until it reports a step starting with `step` and then
/// `after` more, cancels it, and measures how long the server keeps using CPU.
fn cancel_delay(s: &HiggsServer, request: &str, step: &str, after: Duration) -> Result<Cancelled> {
    let mut conn = Conn::open(&s.addr)?;
    let auth = bearer(&s.admin);
    let (code, body) = conn.send(
        "POST",
        "/api/workspaces/higgs/jobs",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        request.as_bytes(),
    )?;
    if code != 202 {
        bail!("{request}: {code} {}", String::from_utf8_lossy(&body));
    }
    let job: serde_json::Value = serde_json::from_slice(&body)?;
    let path = format!(
        "/api/workspaces/higgs/jobs/{}",
        job["id"].as_str().unwrap_or_default()
    );
    let deadline = Instant::now() + Duration::from_secs(600);
    let on = loop {
        let (_, body) = conn.send("GET", &path, &[("Authorization", &auth)], b"")?;
        let job: serde_json::Value = serde_json::from_slice(&body)?;
        let now = job["step"].as_str().unwrap_or_default().to_owned();
        if now.starts_with(step) {
            break now;
        }
        if !["queued", "running"].contains(&job["state"].as_str().unwrap_or_default())
            || Instant::now() > deadline
        {
            bail!("{request} ended or stalled before its step {step:?}: {job}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(after);
    let cancelled = Instant::now();
    conn.send("DELETE", &path, &[("Authorization", &auth)], b"")?;
    let quiet_after = until_quiet(s.pid(), cancelled);
    let (_, body) = conn.send("GET", &path, &[("Authorization", &auth)], b"")?;
    let ended: serde_json::Value = serde_json::from_slice(&body)?;
    let state = ended["state"].as_str().unwrap_or_default().to_owned();
    Ok((
        format!("| `{request}` | {on} | {quiet_after:.2} s | {state} |"),
        quiet_after,
        state,
    ))
}

pub fn bench_abuse(root: &Path, args: &[String]) -> Result<()> {
    // --check: CI's guard, on the debug build CI has made: fewer repeats, no figures written,
    // and a failure when the server goes down, a leaderboard request fails, or a cancelled
    // job keeps the CPU past a second.
    let check = args.iter().any(|a| a == "--check");
    let rate: f64 = crate::flag(args, "--rate", if check { 100.0 } else { 500.0 })?;
    let seconds: u64 = crate::flag(args, "--seconds", if check { 3 } else { 10 })?;
    let scale = if check {
        Scale {
            plans: 2,
            explanations: 6,
        }
    } else {
        Scale {
            plans: 20,
            explanations: 200,
        }
    };
    let name = if check { "check-abuse" } else { "bench-abuse" };
    let mut server = HiggsServer::start(root, name, !check)?;
    let mut problems: Vec<String> = Vec::new();
    // Warm up: the ranking the leaderboard is cut from, then a few seconds of load.
    let mut conn = Conn::open(&server.addr)?;
    let warm = Instant::now();
    let (code, body) = conn.send(
        "GET",
        "/api/workspaces/higgs/rank?tier=native&assume_native_if_unknown=true&limit=50",
        &[("Authorization", &bearer(&server.viewer))],
        b"",
    )?;
    if code != 200 {
        bail!("the leaderboard answered {code}");
    }
    let board: serde_json::Value = serde_json::from_slice(&body)?;
    server.accounts = board["accounts"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    eprintln!("ranked Higgs in {:.1} s", warm.elapsed().as_secs_f64());
    // The baseline holds the workspace's data and its usual computations: a plan and the
    // communities, as an analyst would ask for them, before any attack (not in a check: the
    // debug build would take minutes).
    let warm_up: &[(&str, &str, &str)] = if check {
        &[]
    } else {
        &[
            (
                "POST",
                "/api/workspaces/higgs/plans",
                r#"{"budget_eur": 1000, "assume_native_if_unknown": true}"#,
            ),
            ("GET", "/api/workspaces/higgs/communities?top=12", ""),
        ]
    };
    for &(method, path, body) in warm_up {
        let (code, text) = conn.send(
            method,
            path,
            &[
                ("Authorization", &bearer(&server.viewer)),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )?;
        if code != 200 {
            bail!("{path}: {code} {}", String::from_utf8_lossy(&text));
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let timer = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(seconds));
            stop.store(true, Ordering::Relaxed);
        })
    };
    let (quiet, quiet_failed) = paced_load(&server.addr, &server.viewer, rate, &stop);
    let _ = timer.join();
    let (rss, baseline) = memory_mib(server.pid());
    let mut rows = vec![format!(
        "| none (the load alone) | — | {rss:.0} | — | {:.1} | {:.1} | {} | {quiet_failed} |",
        percentile(&quiet, 0.5),
        percentile(&quiet, 0.99),
        quiet.len()
    )];
    for (name, attack) in attacks(seconds, scale) {
        eprintln!("attack: {name}");
        let stop = Arc::new(AtomicBool::new(false));
        let load = {
            let (addr, token, stop) = (
                server.addr.clone(),
                server.viewer.clone(),
                Arc::clone(&stop),
            );
            std::thread::spawn(move || paced_load(&addr, &token, rate, &stop))
        };
        let started = Instant::now();
        let outcome = attack(&server).unwrap_or_else(|e| format!("error: {e:#}"));
        // The load runs at least `seconds`, and past the attack by a second.
        let least = Duration::from_secs(seconds).max(started.elapsed() + Duration::from_secs(1));
        std::thread::sleep(least.saturating_sub(started.elapsed()));
        stop.store(true, Ordering::Relaxed);
        let (latencies, failed) = load.join().map_err(|_| anyhow::anyhow!("load thread"))?;
        let (rss, peak) = memory_mib(server.pid());
        let alive = Conn::open(&server.addr)
            .and_then(|mut c| c.send("GET", "/health", &[], b""))
            .is_ok_and(|(code, _)| code == 200);
        rows.push(format!(
            "| {name} | {outcome}{} | {rss:.0} | {:+.0} | {:.1} | {:.1} | {} | {failed} |",
            if alive {
                ""
            } else {
                " — **the server is down**"
            },
            peak - baseline,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            latencies.len(),
        ));
        if failed > 0 {
            problems.push(format!("{name}: {failed} leaderboard requests failed"));
        }
        if !alive {
            problems.push(format!("{name}: the server went down"));
            break;
        }
    }
    // Every attack's client has its answer or has left: the server must fall quiet (work a
    // client left stops at its next check) before cancellations are measured, else the
    // leftover CPU would be counted against them.
    let settled = Instant::now();
    std::thread::sleep(Duration::from_secs(1));
    let leftover = until_quiet(server.pid(), settled);
    eprintln!("the server fell quiet {leftover:.1} s after the attacks");
    if leftover.is_infinite() {
        problems
            .push("the server kept working a minute after the attacks' clients had gone".into());
    }
    let mut cancels = Vec::new();
    // The issue's bound is a second, which the release build meets with room (0.01-0.11 s in
    // docs/BENCHMARKS.md); the unoptimised build frees and unwinds several times slower, so
    // its guard allows two: it catches a cancellation not wired at all (tens of seconds).
    let stop_within = if check { 2.0 } else { 1.0 };
    let jobs: &[(&str, &str, f64)] = if check {
        // Leiden: its checks are as frequent on the debug build; the audit's and the planner's
        // steps are coarser, and are measured on the release build only.
        &[(
            r#"{"kind": "communities", "top": 12}"#,
            "finding communities",
            0.5,
        )]
    } else {
        &[
            (
                r#"{"kind": "communities", "top": 12}"#,
                "finding communities",
                1.0,
            ),
            (
                r#"{"kind": "communities", "top": 5, "window_days": 0.1}"#,
                "stability: window",
                1.0,
            ),
            (
                r#"{"kind": "plan", "plan": {"budget_eur": 10000, "hops": 1, "probabilities": "engagement", "assume_native_if_unknown": true}}"#,
                "estimating the reach",
                1.0,
            ),
            (r#"{"kind": "audit"}"#, "scoring", 0.2),
        ]
    };
    for &(request, step, after) in jobs {
        eprintln!("cancelling {request}");
        match cancel_delay(&server, request, step, Duration::from_secs_f64(after)) {
            Ok((row, seconds, state)) => {
                if seconds >= stop_within || state != "cancelled" {
                    problems.push(format!(
                        "{request}: {state}, CPU for {seconds:.2} s after the cancel"
                    ));
                }
                cancels.push(row);
            }
            Err(e) => {
                problems.push(format!("{request}: {e:#}"));
                cancels.push(format!("| `{request}` | error: {e:#} | | |"));
            }
        }
    }
    eprintln!("a client leaving GET communities?window_days=0.1");
    match client_leaves(
        &server,
        "/api/workspaces/higgs/communities?top=7&window_days=0.1",
        // Past reading the store (its load is not interrupted): into Leiden.
        Duration::from_secs(if check { 30 } else { 5 }),
    ) {
        Ok((row, seconds)) => {
            if seconds >= stop_within {
                problems.push(format!("a client leaving: CPU for {seconds:.2} s after"));
            }
            cancels.push(row);
        }
        Err(e) => problems.push(format!("a client leaving: {e:#}")),
    }
    if check {
        if problems.is_empty() {
            eprintln!("bench-abuse --check: the server held every attack, and cancelled work stopped within {stop_within} s (debug build)");
            eprintln!("{}", cancels.join("\n"));
            return Ok(());
        }
        bail!("bench-abuse --check:\n  {}", problems.join("\n  "));
    }
    let (_, peak) = memory_mib(server.pid());
    let table = format!(
        "Measured {} on a {}-core {} with `cargo xtask bench-abuse --rate {rate} --seconds {seconds}`: a release \
         server on loopback over Higgs ({}), the load and the attacks on the same cores. Memory is \
         the server's resident set after each attack, and its peak beyond the baseline (the \
         warmed-up server under the load alone); latencies are of `GET /api/workspaces/higgs/rank?tier=native&assume_native_if_unknown=true&limit=50` \
         (cached) at {rate} requests/s, counted from when each was due.\n\n\
         | attack | what the server answered | RSS after (MiB) | peak beyond baseline (MiB) | p50 (ms) | p99 (ms) | answered | failed |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n{}\n\n\
         Peak resident memory over the whole run: {peak:.0} MiB; the baseline, {baseline:.0} MiB, is the \
         peak of the warmed-up server: the workspace's data, a plan for €1,000 and its communities.\n\n\
         A job cancelled by its client (`DELETE …/jobs/ID`) — time from the cancel until the server's CPU use \
         falls under 10 ms per 100 ms, without load:\n\n\
         | job | step it was on | CPU stopped after | state |\n|---|---|---:|---|\n{}\n",
        today(),
        std::thread::available_parallelism().map_or(0, usize::from),
        cpu_model(),
        server.size,
        rows.join("\n"),
        cancels.join("\n"),
    );
    print!("{table}");
    if args.iter().any(|a| a == "--write") {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-abuse", &table)?;
    }
    Ok(())
}
