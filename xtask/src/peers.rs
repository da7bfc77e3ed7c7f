//! `cargo xtask eval-quality` and `cargo xtask bench-peers`: socialset and the peer libraries
//! (igraph, leidenalg, NetworKit, networkx, rustworkx, from PyPI in a venv made here) on the
//! same real graphs, with the same settings, in one run. `--write` records the tables in
//! docs/EVALUATION.md and docs/BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

pub(crate) fn json_of(cmd: &mut Command, what: &str) -> Result<Value> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    // Multi-line JSON (socialset's pretty output) or one line (the scripts').
    serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(last))
        .with_context(|| format!("reading {what}'s JSON"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

pub fn kernels_binary(root: &Path) -> Result<PathBuf> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "xtask"])
        .current_dir(root)
        .status()
        .context("building xtask")?;
    if !status.success() {
        bail!("cargo build -p xtask failed");
    }
    Ok(root.join("target/release/xtask"))
}

pub fn eval_quality(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let socialset = crate::release_binary(root)?;
    let kernels = kernels_binary(root)?;
    let python = crate::bench::peers_python(root)?;
    let script = root.join("xtask/peers/graph_peers.py");
    let tmp = tempfile_dir()?;

    // 1. Influence on Higgs: days 1–4 ranked, days 5–7 measured.
    let higgs = data.join("higgs-twitter/higgs-activity_time.txt.gz");
    let mut influence = String::from("| method | Spearman ρ | precision@100 |\n|---|---:|---:|\n");
    let mut header = String::new();
    for (label, extra) in [("", vec![]), (" (damping 0.5)", vec!["--damping", "0.5"])] {
        let e = json_of(
            Command::new(&socialset)
                .args(["eval", "influence", "--json", "--data"])
                .arg(&higgs)
                .args(&extra),
            "socialset eval influence",
        )?;
        if header.is_empty() {
            header = format!(
                "Ranked on {} interactions of days 1–4, measured on {} of days 5–7; {} accounts active in days 1–4 scored.\n\n",
                e["train_engagements"], e["test_engagements"], e["accounts"]
            );
        }
        for m in e["methods"].as_array().into_iter().flatten() {
            let method = m["method"].as_str().unwrap_or("?");
            if !label.is_empty() && !method.starts_with("socialset") {
                continue;
            }
            influence += &format!(
                "| {method}{label} | {:.4} | {:.2} |\n",
                f(&m["spearman"]),
                f(&m["precision_at_k"])
            );
        }
    }
    let influence = header + &influence;

    // 2. Communities on email-Eu-core against departments.
    let email = data.join("email-eu-core/email-Eu-core.txt");
    let labels = data.join("email-eu-core/email-Eu-core-department-labels.txt");
    let ours_email = tmp.join("email-ours.txt");
    json_of(
        Command::new(&socialset)
            .args(["eval", "communities", "--json", "--data"])
            .arg(&email)
            .arg("--labels")
            .arg(&labels)
            .arg("--membership-out")
            .arg(&ours_email),
        "socialset eval communities",
    )?;
    let c = json_of(
        Command::new(&python)
            .arg(&script)
            .args(["communities", "--edges"])
            .arg(&email)
            .arg("--labels")
            .arg(&labels)
            .arg("--ours")
            .arg(&ours_email),
        "graph_peers.py communities",
    )?;
    let mut communities = format!(
        "{} people, {} departments. All partitions scored by igraph's `compare_communities` and `modularity` on the simple undirected graph.\n\n| method | communities | NMI | ARI | modularity |\n|---|---:|---:|---:|---:|\n",
        c["nodes"], c["groups"]
    );
    for r in c["rows"].as_array().into_iter().flatten() {
        communities += &format!(
            "| {} | {} | {:.4} | {:.4} | {:.4} |\n",
            r["method"].as_str().unwrap_or("?"),
            r["communities"],
            f(&r["nmi"]),
            f(&r["ari"]),
            f(&r["modularity"])
        );
    }

    // 3. Modularity on soc-Slashdot0902, one function for every partition.
    let slashdot = data.join("soc-slashdot0902/soc-Slashdot0902.txt.gz");
    // One run and the product's default best-of-R, each at the default seed (42) for the
    // table and at four more seeds for the spread beside it.
    let restarts = socialset_graph::RECOMMENDED_RESTARTS;
    let mut spread = String::new();
    let mut ours_files = Vec::new();
    for r in [1, restarts] {
        let mut qualities = Vec::new();
        for seed in [42u32, 1, 2, 3, 4] {
            let out = tmp.join(format!("slashdot-r{r}-seed{seed}.txt"));
            let k = json_of(
                Command::new(&kernels)
                    .arg("kernels")
                    .arg(&slashdot)
                    .args(["--runs", "1", "--seed", &seed.to_string()])
                    .args(["--restarts", &r.to_string(), "--membership-out"])
                    .arg(&out),
                "xtask kernels",
            )?;
            qualities.push(f(&k["leiden_modularity"]));
            if seed == 42 {
                let label = if r == 1 {
                    "socialset Leiden (modularity, until stable), one run".to_owned()
                } else {
                    format!(
                        "socialset Leiden (modularity, until stable), best of {r} runs (default)"
                    )
                };
                ours_files.push(format!("{label}={}", out.display()));
            }
        }
        spread += &format!(
            "{} {} {:.4}–{:.4} (mean {:.4})",
            if r == 1 { ":" } else { ";" },
            if r == 1 {
                "one run".to_owned()
            } else {
                format!("best of {r}")
            },
            qualities.iter().copied().fold(f64::INFINITY, f64::min),
            qualities.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            qualities.iter().sum::<f64>() / qualities.len() as f64
        );
    }
    let mut cmd = Command::new(&python);
    cmd.arg(&script)
        .args(["modularity", "--edges"])
        .arg(&slashdot)
        .args(["--best-of", &restarts.to_string()]);
    for o in &ours_files {
        cmd.arg("--ours").arg(o);
    }
    let m = json_of(&mut cmd, "graph_peers.py modularity")?;
    let mut modularity = format!(
        "{} nodes, {} undirected edges (self-loops dropped, pairs merged). socialset at its default seed 42 in the table; over seeds 42, 1, 2, 3, 4 ours ranges{spread}. The peers' single runs use their own randomness (seeded 42); their best-of-{restarts} rows take igraph seeds 42–{}.\n\n| method | communities | modularity |\n|---|---:|---:|\n",
        m["nodes"],
        m["edges"],
        42 + restarts - 1,
    );
    for r in m["rows"].as_array().into_iter().flatten() {
        modularity += &format!(
            "| {} | {} | {:.4} |\n",
            r["method"].as_str().unwrap_or("?"),
            r["communities"],
            f(&r["modularity"])
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!("{influence}\n{communities}\n{modularity}");
    if write {
        let doc = root.join("docs/EVALUATION.md");
        crate::write_between_markers(&doc, "eval-influence", &influence)?;
        crate::write_between_markers(&doc, "eval-communities", &communities)?;
        crate::write_between_markers(&doc, "eval-modularity", &modularity)?;
    }
    Ok(())
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("socialset-xtask-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

const LIBS: [&str; 5] = ["igraph", "networkit", "rustworkx", "leidenalg", "networkx"];

pub fn bench_peers(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let runs: u32 = crate::flag(args, "--runs", 3)?;
    let data = crate::shared_data(root)?;
    let kernels = kernels_binary(root)?;
    let python = crate::bench::peers_python(root)?;
    let script = root.join("xtask/peers/graph_peers.py");
    let mut doc = String::new();
    for (name, rel) in [
        (
            "soc-Slashdot0902",
            "soc-slashdot0902/soc-Slashdot0902.txt.gz",
        ),
        (
            "Higgs activity (all layers)",
            "higgs-twitter/higgs-activity_time.txt.gz",
        ),
    ] {
        let file = data.join(rel);
        let membership = tempfile_dir()?.join("bench-membership.txt");
        let ours = json_of(
            Command::new(&python)
                .arg(&script)
                .args(["ours", "--edges"])
                .arg(&file)
                .arg("--membership")
                .arg(&membership)
                .arg("--")
                .arg(&kernels)
                .arg("kernels")
                .arg(&file)
                .args([
                    "--runs",
                    &runs.to_string(),
                    "--leiden-iterations",
                    "2",
                    "--membership-out",
                ])
                .arg(&membership),
            "xtask kernels",
        )?;
        let _ = std::fs::remove_file(&membership);
        let mut peers = Vec::new();
        for lib in LIBS {
            let r = json_of(
                Command::new(&python)
                    .arg(&script)
                    .args([
                        "bench",
                        "--lib",
                        lib,
                        "--runs",
                        &runs.to_string(),
                        "--edges",
                    ])
                    .arg(&file),
                &format!("graph_peers.py bench --lib {lib}"),
            )?;
            peers.push((lib, r));
        }
        doc += &render(name, &ours, &peers);
    }
    let header = format!(
        "Measured {} on {} cores ({}), median of {runs} runs; igraph 0.11.8, leidenalg 0.10.2, NetworKit 11.0, networkx 3.4.2, rustworkx 0.15.1.\n\n",
        crate::bench::today(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        crate::bench::cpu_model()
    );
    let doc = header + &doc;
    println!("{doc}");
    if write {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-peers", &doc)?;
    }
    Ok(())
}

fn render(name: &str, ours: &Value, peers: &[(&str, Value)]) -> String {
    let tasks: [(&str, &str, &[&str]); 5] = [
        ("graph build", "build_s", &["build_s"]),
        ("PageRank", "pagerank_s", &["pagerank_s"]),
        (
            "Leiden, 2 iterations (networkx: Louvain)",
            "leiden_s",
            &["leiden_s", "louvain_s"],
        ),
        ("k-core", "kcore_s", &["kcore_s"]),
        ("weakly connected components", "wcc_s", &["wcc_s"]),
    ];
    let mut out = format!(
        "### {name}: {} nodes, {} edges\n\n| task | socialset | {} | ours / best peer |\n|---|---:|{}---:|\n",
        ours["nodes"],
        ours["edges"],
        peers.iter().map(|(l, _)| *l).collect::<Vec<_>>().join(" | "),
        "---:|".repeat(peers.len())
    );
    let ms = |s: f64| {
        if s.is_nan() {
            "—".to_owned()
        } else {
            format!("{:.0} ms", s * 1000.0)
        }
    };
    // For Leiden, only peers whose partition is of comparable quality (modularity at least 95%
    // of ours, scored by the same function) count as "best": a fast, poor partition is not a win.
    let peer_quality: Vec<f64> = peers
        .iter()
        .map(|(_, r)| {
            let q = f(&r["leiden_modularity"]);
            if q.is_nan() {
                f(&r["louvain_modularity"])
            } else {
                q
            }
        })
        .collect();
    let ours_q = f(&ours["leiden_modularity"]);
    for (task, key, peer_keys) in tasks {
        let mut ours_s = f(&ours[key]);
        if key == "pagerank_s" {
            // Our PageRank time includes building its in-edge view, as the peers' calls do.
            ours_s += f(&ours["pagerank_prepare_s"]);
        }
        let cells: Vec<f64> = peers
            .iter()
            .map(|(_, r)| {
                peer_keys
                    .iter()
                    .map(|k| f(&r[*k]))
                    .find(|v| !v.is_nan())
                    .unwrap_or(f64::NAN)
            })
            .collect();
        let best = cells
            .iter()
            .zip(&peer_quality)
            .filter(|(v, q)| !v.is_nan() && (key != "leiden_s" || **q >= 0.95 * ours_q))
            .map(|(v, _)| *v)
            .fold(f64::INFINITY, f64::min);
        out += &format!(
            "| {task} | {} | {} | {} |\n",
            ms(ours_s),
            cells.iter().map(|&v| ms(v)).collect::<Vec<_>>().join(" | "),
            if best.is_finite() {
                format!("{:.2}", ours_s / best)
            } else {
                "—".into()
            }
        );
    }
    let peer_q: Vec<String> = peers
        .iter()
        .map(|(_, r)| {
            let q = f(&r["leiden_modularity"]);
            let q = if q.is_nan() {
                f(&r["louvain_modularity"])
            } else {
                q
            };
            if q.is_nan() {
                "—".into()
            } else {
                format!("{q:.4}")
            }
        })
        .collect();
    out += &format!(
        "| modularity of that partition (one function for all) | {:.4} | {} | |\n",
        f(&ours["leiden_modularity"]),
        peer_q.join(" | ")
    );
    let mem: Vec<f64> = peers.iter().map(|(_, r)| f(&r["peak_rss_mb"])).collect();
    let leanest = mem.iter().copied().fold(f64::INFINITY, f64::min);
    out += &format!(
        "| peak memory (whole process) | {:.0} MB | {} | {:.2} |\n\n",
        f(&ours["peak_rss_mb"]),
        mem.iter()
            .map(|m| format!("{m:.0} MB"))
            .collect::<Vec<_>>()
            .join(" | "),
        f(&ours["peak_rss_mb"]) / leanest
    );
    out
}
