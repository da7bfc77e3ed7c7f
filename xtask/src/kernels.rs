//! `cargo xtask kernels FILE`: runs socialset's graph kernels straight on a SNAP edge list
//! (no store) and prints one JSON object of median timings and results. The peer benchmark
//! runs this and the Python peers on the same file with the same settings.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use socialset_graph::{
    core_numbers, leiden, modularity, pagerank, weakly_connected_components, Csr, Edge,
    LeidenConfig, PageRankConfig, PageRankGraph,
};

/// Reads `src dst` pairs (comments `#`, self-loops dropped, ids relabelled densely in order of
/// first appearance), as the peer script does.
pub fn read_edges(path: &Path) -> Result<(Vec<String>, Vec<Edge>)> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut ids = std::collections::HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut edges = Vec::new();
    for line in BufReader::new(reader).lines() {
        let line = line?;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut it = line.split_whitespace();
        let (Some(a), Some(b)) = (it.next(), it.next()) else {
            continue;
        };
        if a == b {
            continue;
        }
        let mut id = |s: &str| {
            let n = ids.len() as u32;
            *ids.entry(s.to_owned()).or_insert_with(|| {
                names.push(s.to_owned());
                n
            })
        };
        let (src, dst) = (id(a), id(b));
        edges.push(Edge {
            src,
            dst,
            weight: 1.0,
        });
    }
    Ok((names, edges))
}

fn median_seconds<T>(runs: u32, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed().as_secs_f64());
        last = Some(out);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.expect("at least one run"))
}

pub fn run(args: &[String]) -> Result<()> {
    let path = args
        .first()
        .context("usage: cargo xtask kernels FILE [--runs N]")?;
    let runs: u32 = crate::flag(args, "--runs", 5)?;
    let seed: u64 = crate::flag(args, "--seed", 42)?;
    let leiden_iterations: u32 = crate::flag(
        args,
        "--leiden-iterations",
        LeidenConfig::default().max_iterations,
    )?;
    // One run by default, as the peers make; `--restarts 8` is what `socialset communities` does.
    let restarts: u32 = crate::flag(args, "--restarts", 1)?;
    let membership_out = crate::flag_text(args, "--membership-out");
    let (names, edges) = read_edges(Path::new(path))?;
    let n = names.len();
    let (build_s, directed) = median_seconds(runs, || Csr::from_edges(n, &edges));
    let config = PageRankConfig {
        damping: 0.85,
        tolerance: 1e-6,
        max_iterations: 100,
    };
    let (pr_prep_s, prg) = median_seconds(runs, || PageRankGraph::new(&directed));
    let (pr_s, pr) = median_seconds(runs, || pagerank(&prg, None, &config));
    // The peers cluster the simple undirected graph (igraph's simplify, networkit's
    // removeMultiEdges): each unordered pair once, weight 1. Same objective here.
    let (undirected_s, undirected) = median_seconds(runs, || {
        let mut pairs: Vec<(u32, u32)> = edges
            .iter()
            .map(|e| (e.src.min(e.dst), e.src.max(e.dst)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let simple: Vec<Edge> = pairs
            .into_iter()
            .map(|(src, dst)| Edge {
                src,
                dst,
                weight: 1.0,
            })
            .collect();
        Csr::undirected(n, &simple)
    });
    let (leiden_s, partition) = median_seconds(runs, || {
        leiden(
            &undirected,
            &LeidenConfig {
                seed,
                max_iterations: leiden_iterations,
                restarts,
                ..LeidenConfig::default()
            },
        )
    });
    let (kcore_s, cores) = median_seconds(runs, || core_numbers(&undirected));
    let (wcc_s, wcc) = median_seconds(runs, || {
        weakly_connected_components(n, edges.iter().map(|e| (e.src, e.dst)))
    });
    if let Some(out) = membership_out {
        let lines: String = names
            .iter()
            .zip(&partition.membership)
            .map(|(name, c)| format!("{name} {c}\n"))
            .collect();
        std::fs::write(out, lines).with_context(|| format!("writing {out}"))?;
    }
    let top = pr
        .scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(v, _)| v);
    let out = serde_json::json!({
        "nodes": n,
        "edges": directed.n_edges(),
        "build_s": build_s,
        "pagerank_prepare_s": pr_prep_s,
        "pagerank_s": pr_s,
        "pagerank_convergence": format!("{:?}", pr.convergence),
        "pagerank_top_node": top,
        "undirected_build_s": undirected_s,
        "leiden_s": leiden_s,
        "leiden_communities": partition.n_communities,
        "leiden_iterations": partition.iterations,
        "leiden_restarts": restarts,
        "leiden_best_restart": partition.restart,
        "leiden_modularity": modularity(&undirected, &partition.membership, 1.0),
        "kcore_s": kcore_s,
        "max_core": cores.iter().max().copied().unwrap_or(0),
        "wcc_s": wcc_s,
        "components": wcc.count(),
        "threads": rayon_threads(),
    });
    println!("{out}");
    Ok(())
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `cargo xtask diffusion FILE`: IMM and Monte Carlo spread under the weighted-cascade
/// independent cascade on a SNAP edge list (edge `a b`: a can activate b), as JSON.
pub fn diffusion(args: &[String]) -> Result<()> {
    let path = args
        .first()
        .context("usage: cargo xtask diffusion FILE [--k K] [--eps E] [--sims N] [--seed S]")?;
    let k: usize = crate::flag(args, "--k", 50)?;
    let eps: f64 = crate::flag(args, "--eps", 0.1)?;
    let sims: usize = crate::flag(args, "--sims", 10_000)?;
    let seed: u64 = crate::flag(args, "--seed", 42)?;
    let (names, edges) = read_edges(Path::new(path))?;
    let pairs: Vec<(u32, u32)> = edges.iter().map(|e| (e.src, e.dst)).collect();
    let start = Instant::now();
    let g = socialset_graph::InfluenceGraph::weighted_cascade(names.len(), &pairs);
    let build = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let r = socialset_graph::imm(&g, eps, 1.0, seed, &socialset_graph::Constraints::top(k));
    let imm_seconds = start.elapsed().as_secs_f64();
    let seeds: Vec<u32> = r.picks.iter().take(10).map(|p| p.node).collect();
    let start = Instant::now();
    let spread = socialset_graph::monte_carlo_spread(
        &g,
        socialset_graph::Model::IndependentCascade,
        &seeds,
        sims,
        seed,
    );
    let mc_seconds = start.elapsed().as_secs_f64();
    let out = serde_json::json!({
        "nodes": names.len(), "edges": g.n_edges(), "build_seconds": build,
        "imm": {"k": k, "epsilon": eps, "seconds": imm_seconds, "rr_sets": r.rr_sets,
                "estimated_spread": r.estimated_spread, "lower_bound": r.lower_bound,
                "seeds": r.picks.iter().map(|p| names[p.node as usize].clone()).collect::<Vec<_>>()},
        "monte_carlo": {"seeds": seeds.len(), "simulations": sims, "seconds": mc_seconds,
                        "mean": spread.mean, "low": spread.low, "high": spread.high},
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
