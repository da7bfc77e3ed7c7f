//! `cargo xtask eval-spread`: the planner's seed selection against the baselines and peers the
//! issue names, on real graphs, in one run — socialset's IMM, highest out-degree, PageRank,
//! greedy CELF (on the smaller graph) and netmax's TIM+ (from PyPI), every seed set scored by
//! the same Monte Carlo simulations; and the speed of those simulations against cynetdiff's
//! on the same seeds. `--write` records the tables in docs/EVALUATION.md and
//! docs/BENCHMARKS.md. `cargo xtask spread FILE` is the release-built part it runs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use socialset_graph::{
    celf, imm, monte_carlo_spread, pagerank, Constraints, Csr, Edge, InfluenceGraph, Model,
    PageRankConfig, PageRankGraph,
};

/// The diffusion peers, pinned, in their own venv (netmax pins an older networkx than the
/// graph peers').
const PEERS: &[&str] = &[
    "cynetdiff==0.1.18",
    "netmax==1.0.0",
    "networkx==3.3",
    "numpy==2.4.6",
    "scipy==1.17.1",
    "tqdm==4.70.1",
    "HeapDict==1.0.1",
];

/// Reads a SNAP edge list as influence pairs `(u, v)`: u can activate v (`reverse`: the file's
/// `a b` means b can activate a, as for Higgs retweets).
/// Node names, and influence pairs between their indices.
type Pairs = (Vec<String>, Vec<(u32, u32)>);

fn influence_pairs(path: &Path, reverse: bool) -> Result<Pairs> {
    let (names, edges) = crate::kernels::read_edges(path)?;
    let pairs = edges
        .iter()
        .map(|e| {
            if reverse {
                (e.dst, e.src)
            } else {
                (e.src, e.dst)
            }
        })
        .collect();
    Ok((names, pairs))
}

fn top_k(scores: &[f64], k: usize) -> Vec<u32> {
    let mut order: Vec<u32> = (0..scores.len() as u32).collect();
    order.sort_by(|&a, &b| {
        scores[b as usize]
            .total_cmp(&scores[a as usize])
            .then(a.cmp(&b))
    });
    order.truncate(k);
    order
}

/// `cargo xtask spread FILE [--reverse] --k K [--eps E] [--sims N] [--seed S] [--celf-sims R]
/// [--seeds NAME=a,b,...]... [--given-only] [--check]`: seeds by each method and their Monte
/// Carlo spread, as JSON; `--check` fails when a baseline's mean is above our interval.
pub fn spread(args: &[String]) -> Result<()> {
    let path = args.first().context(
        "usage: cargo xtask spread FILE [--reverse] [--k K] [--eps E] [--sims N] [--seed S] [--celf-sims R] [--seeds NAME=a,b,...]",
    )?;
    let reverse = args.iter().any(|a| a == "--reverse");
    let k: usize = crate::flag(args, "--k", 10)?;
    let eps: f64 = crate::flag(args, "--eps", 0.1)?;
    let sims: usize = crate::flag(args, "--sims", 10_000)?;
    let seed: u64 = crate::flag(args, "--seed", 42)?;
    let celf_sims: usize = crate::flag(args, "--celf-sims", 0)?;
    let (names, pairs) = influence_pairs(Path::new(path), reverse)?;
    let n = names.len();
    let g = InfluenceGraph::weighted_cascade(n, &pairs);
    let index: std::collections::HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i as u32))
        .collect();

    let mut sets: Vec<(String, f64, Vec<u32>)> = Vec::new();
    let given_only = args.iter().any(|a| a == "--given-only");
    let mut rr_sets = 0;
    if !given_only {
        let start = Instant::now();
        let r = imm(&g, eps, 1.0, seed, &Constraints::top(k));
        rr_sets = r.rr_sets;
        sets.push((
            format!("socialset IMM (ε = {eps})"),
            start.elapsed().as_secs_f64(),
            r.picks.iter().map(|p| p.node).collect(),
        ));
        baselines(&g, &pairs, k, celf_sims, seed, &mut sets);
    }

    for (i, a) in args.iter().enumerate() {
        if a != "--seeds" {
            continue;
        }
        let text = args.get(i + 1).context("--seeds takes NAME=a,b,...")?;
        let (name, list) = text.split_once('=').context("--seeds takes NAME=a,b,...")?;
        let seeds = list
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                index
                    .get(s)
                    .copied()
                    .with_context(|| format!("{name}: node {s} is not in the graph"))
            })
            .collect::<Result<Vec<u32>>>()?;
        let seconds = crate::flag(args, &format!("--seconds-{name}"), f64::NAN)?;
        sets.push((name.to_owned(), seconds, seeds));
    }

    let mut methods = Vec::new();
    for (name, seconds, seeds) in &sets {
        let start = Instant::now();
        let s = monte_carlo_spread(&g, Model::IndependentCascade, seeds, sims, seed);
        let mc_seconds = start.elapsed().as_secs_f64();
        methods.push(json!({
            "method": name, "seconds": seconds, "k": seeds.len(),
            "seeds": seeds.iter().map(|&v| names[v as usize].clone()).collect::<Vec<_>>(),
            "spread": {"mean": s.mean, "low": s.low, "high": s.high, "simulations": sims,
                       "seconds": mc_seconds},
        }));
    }
    let out = json!({
        "nodes": n, "edges": g.n_edges(), "k": k, "epsilon": eps, "rr_sets": rr_sets,
        "threads": std::thread::available_parallelism().map_or(1, usize::from),
        "methods": methods,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    if args.iter().any(|a| a == "--check") && !given_only {
        // CI's guard: no baseline's mean above the top of our interval.
        let ours = &methods[0]["spread"];
        for m in &methods[1..] {
            if f(&m["spread"]["mean"]) > f(&ours["high"]) {
                bail!(
                    "{} spreads {:.1}, above socialset's interval ({:.1}–{:.1})",
                    m["method"],
                    f(&m["spread"]["mean"]),
                    f(&ours["low"]),
                    f(&ours["high"])
                );
            }
        }
        eprintln!("spread check: socialset's seeds at least as good as every baseline");
    }
    Ok(())
}

/// Seeds by highest out-degree, by PageRank and (when `celf_sims` > 0) by greedy CELF, each
/// with the seconds it took.
fn baselines(
    g: &InfluenceGraph,
    pairs: &[(u32, u32)],
    k: usize,
    celf_sims: usize,
    seed: u64,
    sets: &mut Vec<(String, f64, Vec<u32>)>,
) {
    let n = g.n_nodes();
    let start = Instant::now();
    let distinct = Csr::from_edges(
        n,
        &pairs
            .iter()
            .map(|&(src, dst)| Edge {
                src,
                dst,
                weight: 1.0,
            })
            .collect::<Vec<_>>(),
    );
    let degree: Vec<f64> = (0..n as u32)
        .map(|v| distinct.out_degree(v) as f64)
        .collect();
    sets.push((
        "highest out-degree".into(),
        start.elapsed().as_secs_f64(),
        top_k(&degree, k),
    ));

    // PageRank on the reverse graph: an account ranks high when the accounts it can
    // activate rank high.
    let start = Instant::now();
    let pr = pagerank(
        &PageRankGraph::new(&distinct.transpose()),
        None,
        &PageRankConfig::default(),
    );
    sets.push((
        "PageRank".into(),
        start.elapsed().as_secs_f64(),
        top_k(&pr.scores, k),
    ));

    if celf_sims > 0 {
        let start = Instant::now();
        let picks = celf(g, k, celf_sims, seed);
        sets.push((
            format!("greedy CELF ({celf_sims} simulations per gain)"),
            start.elapsed().as_secs_f64(),
            picks.iter().map(|p| p.0).collect(),
        ));
    }
}

/// The venv with cynetdiff and netmax, created on first use in target/diffusion-peers-venv.
fn peers_python(root: &Path) -> Result<PathBuf> {
    crate::bench::venv_python(root, "diffusion-peers-venv", PEERS)
}

/// Runs `cmd` for at most `limit`; its last stdout line parsed as JSON, or `None` on timeout.
fn json_within(cmd: &mut Command, limit: Duration, what: &str) -> Result<Option<Value>> {
    let out_path = std::env::temp_dir().join(format!(
        "socialset-spread-{}-{}.json",
        std::process::id(),
        what.replace(' ', "-")
    ));
    let mut child = cmd
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("running {what}"))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("{what} failed ({status})");
            }
            break;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            eprintln!("{what}: no answer within {} s", limit.as_secs());
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let text = std::fs::read_to_string(&out_path)?;
    std::fs::remove_file(&out_path).ok();
    let last = text.lines().last().unwrap_or_default();
    Ok(Some(serde_json::from_str(&text).or_else(|_| {
        serde_json::from_str(last).with_context(|| format!("reading {what}'s JSON"))
    })?))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// `cargo xtask eval-spread [--k 10,50] [--sims N] [--eps E] [--celf-sims R]
/// [--peer-timeout S] [--no-netmax] [--write]`
pub fn eval_spread(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let ks: Vec<usize> = crate::flag_text(args, "--k")
        .map_or("10,50", String::as_str)
        .split(',')
        .map(|k| k.trim().parse().context("--k takes a list like 10,50"))
        .collect::<Result<_>>()?;
    let sims: usize = crate::flag(args, "--sims", 10_000)?;
    let eps: f64 = crate::flag(args, "--eps", 0.1)?;
    let celf_sims: usize = crate::flag(args, "--celf-sims", 200)?;
    let limit = Duration::from_secs(crate::flag(args, "--peer-timeout", 1800)?);
    let netmax = !args.iter().any(|a| a == "--no-netmax");
    let data = crate::shared_data(root)?;
    let kernels = crate::peers::kernels_binary(root)?;
    let python = peers_python(root)?;
    let script = root.join("xtask/peers/diffusion_peers.py");
    let graphs = [
        (
            "soc-Slashdot0902",
            data.join("soc-slashdot0902/soc-Slashdot0902.txt.gz"),
            false,
            false,
        ),
        (
            "Higgs retweets (b → a when a retweeted b)",
            data.join("higgs-twitter/higgs-retweet_network.edgelist.gz"),
            true,
            true,
        ),
    ];
    let mut quality = String::new();
    let mut speed = String::new();
    for (label, path, reverse, with_celf) in &graphs {
        for &k in &ks {
            let mut extra: Vec<String> = Vec::new();
            let mut tim_seconds = None;
            if netmax {
                let mut cmd = Command::new(&python);
                cmd.arg(&script)
                    .args(["tim", "--edges"])
                    .arg(path)
                    .args(["--k", &k.to_string()]);
                if *reverse {
                    cmd.arg("--reverse");
                }
                eprintln!("netmax TIM+ on {label}, k = {k} …");
                match json_within(&mut cmd, limit, "netmax TIM+")? {
                    Some(t) => {
                        let seeds: Vec<String> = t["seeds"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect();
                        extra.push("--seeds".into());
                        extra.push(format!("netmax TIM+={}", seeds.join(",")));
                        extra.push("--seconds-netmax TIM+".into());
                        extra.push(f(&t["seconds"]).to_string());
                        tim_seconds = Some(f(&t["seconds"]));
                    }
                    None => {
                        quality += &format!(
                            "| {label} | {k} | netmax TIM+ | no answer within {} s | |\n",
                            limit.as_secs()
                        );
                    }
                }
            }
            eprintln!("socialset and the baselines on {label}, k = {k} …");
            let mut cmd = Command::new(&kernels);
            cmd.arg("spread")
                .arg(path)
                .args(["--k", &k.to_string(), "--eps", &eps.to_string()])
                .args(["--sims", &sims.to_string()])
                .args(&extra);
            if *reverse {
                cmd.arg("--reverse");
            }
            if *with_celf {
                cmd.args(["--celf-sims", &celf_sims.to_string()]);
            }
            let Some(out) = json_within(&mut cmd, Duration::from_secs(7200), "xtask spread")?
            else {
                bail!("xtask spread took over two hours");
            };
            let methods = out["methods"].as_array().cloned().unwrap_or_default();
            let ours = methods.first().cloned().unwrap_or_default();
            let ours_high = f(&ours["spread"]["high"]);
            for m in &methods {
                let s = &m["spread"];
                let verdict = if m == &ours {
                    String::new()
                } else if f(&s["mean"]) <= ours_high {
                    "ours at least as good".into()
                } else {
                    "**better than ours**".into()
                };
                quality += &format!(
                    "| {label} | {k} | {} | {:.0} ({:.0}–{:.0}) | {verdict} |\n",
                    m["method"].as_str().unwrap_or("?"),
                    f(&s["mean"]),
                    f(&s["low"]),
                    f(&s["high"]),
                );
            }
            if !*with_celf {
                speed += &format!(
                    "| seeds, k = {k}, on {label} ({} nodes, {} edges) | socialset IMM, ε = {eps}: {:.2} s ({} RR sets) | netmax TIM+ (its ε = 0.2): {} |\n",
                    out["nodes"], out["edges"], f(&ours["seconds"]), out["rr_sets"],
                    tim_seconds.map_or("no answer".into(), |s| format!("{s:.1} s")),
                );
            }
            if !*with_celf && k == ks[0] {
                // The simulations, ours and cynetdiff's, from our first 10 seeds.
                let seeds: Vec<String> = ours["seeds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .take(10)
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect();
                let mut cmd = Command::new(&kernels);
                cmd.arg("spread")
                    .arg(path)
                    .args(["--given-only", "--sims", &sims.to_string()])
                    .args(["--seeds", &format!("first 10={}", seeds.join(","))]);
                let ours_mc = json_within(&mut cmd, Duration::from_secs(3600), "xtask spread")?
                    .context("our simulations did not finish")?;
                let ours_mc = ours_mc["methods"]
                    .as_array()
                    .and_then(|m| m.last())
                    .cloned()
                    .unwrap_or_default();
                let mut cmd = Command::new(&python);
                cmd.arg(&script).args(["mc", "--edges"]).arg(path).args([
                    "--sims",
                    &sims.to_string(),
                    "--seeds",
                    &seeds.join(","),
                ]);
                if *reverse {
                    cmd.arg("--reverse");
                }
                eprintln!("cynetdiff simulations on {label} …");
                let theirs = json_within(&mut cmd, limit, "cynetdiff")?;
                let (ours_s, ours_mean) = (
                    f(&ours_mc["spread"]["seconds"]),
                    f(&ours_mc["spread"]["mean"]),
                );
                speed += &match theirs {
                    Some(t) => format!(
                        "| {sims} Monte Carlo simulations of 10 seeds on {label} | socialset: {ours_s:.2} s (mean {ours_mean:.0}) | cynetdiff: {:.2} s (mean {:.0}); socialset **{:.1}×** faster |\n",
                        f(&t["seconds"]), f(&t["mean"]), f(&t["seconds"]) / ours_s
                    ),
                    None => format!(
                        "| {sims} Monte Carlo simulations of 10 seeds on {label} | socialset: {ours_s:.2} s (mean {ours_mean:.0}) | cynetdiff: no answer |\n"
                    ),
                };
            }
        }
    }
    let quality = format!(
        "Measured {} on {} cores; every seed set scored by the same {sims} seeded independent-cascade simulations (weighted cascade, p = 1 / in-degree), 95% intervals.\n\n| graph | k | method | expected spread (95% interval) | |\n|---|---:|---|---:|---|\n{quality}",
        crate::bench::today(),
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let speed = format!(
        "Measured {} on {} cores ({}), one run.\n\n| task | socialset | peer |\n|---|---|---|\n{speed}",
        crate::bench::today(),
        std::thread::available_parallelism().map_or(0, usize::from),
        crate::bench::cpu_model()
    );
    println!("{quality}\n{speed}");
    if write {
        crate::write_between_markers(&root.join("docs/EVALUATION.md"), "eval-spread", &quality)?;
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-diffusion", &speed)?;
    }
    Ok(())
}
