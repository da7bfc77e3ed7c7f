//! Criterion benches of the hot kernels on seeded synthetic graphs (no data files needed):
//! one PageRank run, one Leiden run, k-core. `cargo bench -p socialset-graph`. Whole-task
//! comparisons with the peer libraries are `cargo xtask bench-peers`.

use criterion::{criterion_group, criterion_main, Criterion};
use socialset_graph::{
    core_numbers, leiden, pagerank, Csr, Edge, LeidenConfig, PageRankConfig, PageRankGraph,
    SplitMix64,
};

/// A graph with skewed degrees: each edge's target is drawn from a squared uniform, so low
/// indices are hubs, as in social graphs.
fn synthetic(n: usize, m: usize, seed: u64) -> Vec<Edge> {
    let mut rng = SplitMix64::new(seed);
    (0..m)
        .map(|_| {
            let src = rng.below(n) as u32;
            let r = rng.next_f64();
            let dst = ((r * r) * n as f64) as u32;
            Edge {
                src,
                dst,
                weight: 1.0,
            }
        })
        .filter(|e| e.src != e.dst)
        .collect()
}

fn kernels(c: &mut Criterion) {
    let edges = synthetic(100_000, 1_000_000, 7);
    let g = Csr::from_edges(100_000, &edges);
    let prg = PageRankGraph::new(&g);
    let config = PageRankConfig {
        tolerance: 0.0,
        max_iterations: 20,
        ..PageRankConfig::default()
    };
    c.bench_function("pagerank 20 iterations, 100k nodes, 1M edges", |b| {
        b.iter(|| pagerank(&prg, None, &config))
    });
    let small = synthetic(20_000, 200_000, 11);
    let u = Csr::undirected(20_000, &small);
    let leiden_config = LeidenConfig {
        max_iterations: 2,
        ..LeidenConfig::default()
    };
    c.bench_function("leiden 2 iterations, 20k nodes, 200k edges", |b| {
        b.iter(|| leiden(&u, &leiden_config))
    });
    let big_u = Csr::undirected(100_000, &edges);
    c.bench_function("k-core, 100k nodes, 1M edges", |b| {
        b.iter(|| core_numbers(&big_u))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = kernels
}
criterion_main!(benches);
