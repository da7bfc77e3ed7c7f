//! Weighted, personalised PageRank by power iteration, pulling along in-edges.
//!
//! Page, Brin, Motwani, Winograd 1999, "The PageRank citation ranking". With a personalisation
//! vector it is topic-sensitive PageRank (Haveliwala 2002). Dangling nodes (no out-weight)
//! give their rank back along the personalisation vector (uniform when there is none), as
//! networkx does; so the scores always sum to 1.
//!
//! Deterministic whatever the thread count: every node's sum is computed by one thread in
//! CSR order, and reductions run over fixed-size chunks added in order.

use rayon::prelude::*;

use crate::Csr;

/// How to run PageRank.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageRankConfig {
    /// Probability of following an edge rather than teleporting.
    pub damping: f64,
    /// Stop when the L1 norm of the change in one iteration falls below this.
    pub tolerance: f64,
    pub max_iterations: u32,
}

impl Default for PageRankConfig {
    fn default() -> Self {
        Self {
            damping: 0.85,
            tolerance: 1e-9,
            max_iterations: 200,
        }
    }
}

/// How the iteration ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Convergence {
    Converged {
        iterations: u32,
        l1_change: f64,
    },
    /// Hit `max_iterations` first; the scores are the last iterate.
    NotConverged {
        iterations: u32,
        l1_change: f64,
    },
}

/// Scores summing to 1, and how the iteration ended.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRank {
    pub scores: Vec<f64>,
    pub convergence: Convergence,
}

/// Nodes per chunk for ordered parallel reductions.
const CHUNK: usize = 4096;

/// The in-edge view PageRank iterates over: for each node, its in-neighbours and the share of
/// each in-neighbour's out-weight that the edge carries. Build once, run many times (a topic
/// ranking and the global one share it).
#[derive(Clone, Debug)]
pub struct PageRankGraph {
    n: usize,
    offsets: Vec<usize>,
    sources: Vec<u32>,
    shares: Vec<f32>,
    dangling: Vec<u32>,
}

impl PageRankGraph {
    pub fn new(out: &Csr) -> Self {
        let n = out.n_nodes();
        let out_weight: Vec<f64> = (0..n as u32)
            .into_par_iter()
            .map(|v| out.out_weight(v))
            .collect();
        let dangling = (0..n as u32)
            .filter(|&v| out_weight[v as usize] <= 0.0)
            .collect();
        // Counting sort by target: O(n + m), no comparison sort. Sources are visited in
        // increasing order, so each node's in-edges come out sorted by source, as a transpose
        // would give them.
        let mut offsets = vec![0usize; n + 1];
        for u in 0..n as u32 {
            for &v in out.targets_of(u) {
                offsets[v as usize + 1] += 1;
            }
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let m = offsets[n];
        let mut fill = offsets.clone();
        let mut sources = vec![0u32; m];
        let mut shares = vec![0f32; m];
        for u in 0..n as u32 {
            let inverse = 1.0 / out_weight[u as usize];
            for (v, w) in out.out_edges(u) {
                let slot = &mut fill[v as usize];
                sources[*slot] = u;
                shares[*slot] = (f64::from(w) * inverse) as f32;
                *slot += 1;
            }
        }
        Self {
            n,
            offsets,
            sources,
            shares,
            dangling,
        }
    }

    pub fn n_nodes(&self) -> usize {
        self.n
    }
}

/// PageRank of the graph. `personalization`, if given, is a non-negative weight per node
/// (normalised here); teleports and dangling rank go there instead of everywhere.
pub fn pagerank(
    g: &PageRankGraph,
    personalization: Option<&[f64]>,
    config: &PageRankConfig,
) -> PageRank {
    let n = g.n;
    if n == 0 {
        return PageRank {
            scores: Vec::new(),
            convergence: Convergence::Converged {
                iterations: 0,
                l1_change: 0.0,
            },
        };
    }
    // `None`: uniform teleport, a constant rather than a vector streamed from memory each
    // iteration.
    let teleport: Option<Vec<f64>> = match personalization {
        Some(p) if p.len() == n && p.iter().sum::<f64>() > 0.0 => {
            let total: f64 = p.iter().map(|x| x.max(0.0)).sum();
            Some(p.iter().map(|x| x.max(0.0) / total).collect())
        }
        _ => None,
    };
    let uniform = 1.0 / n as f64;
    let d = config.damping;
    let mut x = teleport.clone().unwrap_or_else(|| vec![uniform; n]);
    let mut next = vec![0.0; n];
    let mut iterations = 0;
    let mut l1_change = f64::INFINITY;
    while iterations < config.max_iterations {
        iterations += 1;
        let dangling_mass: f64 = g.dangling.iter().map(|&v| x[v as usize]).sum();
        let x_ref = &x;
        let teleport_ref = teleport.as_deref();
        let changes: Vec<f64> = next
            .par_chunks_mut(CHUNK)
            .enumerate()
            .map(|(c, out)| {
                let mut change = 0.0;
                for (i, slot) in out.iter_mut().enumerate() {
                    let v = c * CHUNK + i;
                    let (lo, hi) = (g.offsets[v], g.offsets[v + 1]);
                    let mut pulled = 0.0;
                    for e in lo..hi {
                        pulled += x_ref[g.sources[e] as usize] * f64::from(g.shares[e]);
                    }
                    let t = teleport_ref.map_or(uniform, |t| t[v]);
                    let value = d * (pulled + dangling_mass * t) + (1.0 - d) * t;
                    change += (value - x_ref[v]).abs();
                    *slot = value;
                }
                change
            })
            .collect();
        l1_change = changes.iter().sum();
        std::mem::swap(&mut x, &mut next);
        if l1_change < config.tolerance {
            return PageRank {
                scores: normalized(x),
                convergence: Convergence::Converged {
                    iterations,
                    l1_change,
                },
            };
        }
    }
    PageRank {
        scores: normalized(x),
        convergence: Convergence::NotConverged {
            iterations,
            l1_change,
        },
    }
}

/// Edge shares are stored as f32, so each iteration may lose or gain ~1e-8 of rank: scale the
/// result back to a sum of exactly 1 (up to one rounding).
fn normalized(mut x: Vec<f64>) -> Vec<f64> {
    let sum: f64 = x.chunks(CHUNK).map(|c| c.iter().sum::<f64>()).sum();
    if sum > 0.0 {
        for v in &mut x {
            *v /= sum;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Edge;
    use proptest::prelude::*;

    fn graph(n: usize, edges: &[(u32, u32, f32)]) -> PageRankGraph {
        let edges: Vec<Edge> = edges
            .iter()
            .map(|&(src, dst, weight)| Edge { src, dst, weight })
            .collect();
        PageRankGraph::new(&Csr::from_edges(n, &edges))
    }

    #[test]
    fn a_star_ranks_its_centre_first_and_sums_to_one() {
        let g = graph(4, &[(1, 0, 1.0), (2, 0, 1.0), (3, 0, 1.0)]);
        let pr = pagerank(&g, None, &PageRankConfig::default());
        assert!(matches!(pr.convergence, Convergence::Converged { .. }));
        assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(pr.scores[0] > pr.scores[1]);
        // Closed form (the centre is dangling and gives its rank back uniformly):
        // leaf = (1-d)/4 + d·x0/4, x0 = (1-d)/4 + d(3·leaf + x0/4)  =>  x0 = 0.133125/0.245625.
        assert!(
            (pr.scores[0] - 0.133_125 / 0.245_625).abs() < 1e-8,
            "{}",
            pr.scores[0]
        );
    }

    #[test]
    fn personalisation_pulls_rank_toward_chosen_nodes() {
        let g = graph(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 1.0)]);
        let uniform = pagerank(&g, None, &PageRankConfig::default());
        let p = pagerank(&g, Some(&[0.0, 0.0, 1.0, 0.0]), &PageRankConfig::default());
        assert!((uniform.scores[2] - 0.25).abs() < 1e-9);
        assert!(p.scores[2] > 0.25 && p.scores[3] > p.scores[0]);
    }

    #[test]
    fn weights_matter() {
        let g = graph(3, &[(0, 1, 9.0), (0, 2, 1.0)]);
        let pr = pagerank(&g, None, &PageRankConfig::default());
        assert!(pr.scores[1] > pr.scores[2]);
    }

    proptest! {
        #[test]
        fn scores_are_non_negative_sum_to_one_and_ignore_labels(
            edges in proptest::collection::vec((0u32..12, 0u32..12, 1u32..5), 0..40),
            shift in 1u32..12,
        ) {
            let n = 12usize;
            let e: Vec<(u32, u32, f32)> = edges.iter().map(|&(a, b, w)| (a, b, w as f32)).collect();
            let pr = pagerank(&graph(n, &e), None, &PageRankConfig::default());
            prop_assert!(pr.scores.iter().all(|&s| s >= 0.0));
            prop_assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            // Relabel every node v as (v + shift) mod n: scores move with their nodes.
            let relabel = |v: u32| (v + shift) % n as u32;
            let moved: Vec<(u32, u32, f32)> = e.iter().map(|&(a, b, w)| (relabel(a), relabel(b), w)).collect();
            let pr2 = pagerank(&graph(n, &moved), None, &PageRankConfig::default());
            for v in 0..n as u32 {
                prop_assert!((pr.scores[v as usize] - pr2.scores[relabel(v) as usize]).abs() < 1e-6);
            }
        }
    }
}
