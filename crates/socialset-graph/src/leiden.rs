//! Community detection by the Leiden algorithm.
//!
//! Traag, Waltman, van Eck 2019, "From Louvain to Leiden: guaranteeing well-connected
//! communities", Scientific Reports 9, 5233. Fast local moving (a queue of nodes whose
//! neighbourhood changed), refinement (nodes merge, at random with θ = 0.01, only into
//! well-connected sub-communities, so every community is connected), and aggregation on the
//! refined partition starting from the unrefined one; repeated until an iteration changes
//! nothing. Two quality functions: modularity with a resolution (Newman–Girvan, Reichardt and
//! Bornholdt's γ) and the Constant Potts Model (Traag, Van Dooren, Nesterov 2011).
//!
//! Sequential and seeded: the same graph and seed give the same partition on any machine and
//! thread count. Deviation from the paper: none in the algorithm; community labels are
//! renumbered by decreasing size (ties: smallest member) so the output is canonical. For
//! speed (memory locality, not arithmetic, bounds an iteration), the refinement visits one
//! community after another as the paper's RefinePartition does, and after the first
//! iteration a run works on a copy of the graph whose nodes are numbered community by
//! community (docs/BENCHMARKS.md: one Higgs run 1.56 s → 1.27 s).
//!
//! Restarts: Leiden is a randomised heuristic and different seeds land on partitions whose
//! quality differs by more than the gaps between good methods (Slashdot: 0.353–0.362 over five
//! seeds). With `restarts` = R, R independent runs go in parallel (run 0 with `seed`, the others
//! with seeds drawn from it) and the partition of highest quality is kept, ties to the lowest
//! run; which one wins depends on the seed alone, not on the threads.

use rayon::prelude::*;

use crate::rng::SplitMix64;
use crate::{Cancel, Cancelled, Csr};

/// Node visits of local moving between two looks at the cancellation flag (a few
/// microseconds of work on graphs of millions of edges).
const CANCEL_CHECK_EVERY: u32 = 4096;

/// Restarts the product uses by default. One run's modularity varies with the seed by more
/// than the gap between good methods (Slashdot: 0.353–0.362 over five seeds); the best of 8
/// costs about 4× one run on 2 cores. See docs/EVALUATION.md.
pub const RECOMMENDED_RESTARTS: u32 = 8;

/// What the partition maximises.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quality {
    /// Σ_c [ e_c/m − γ (K_c / 2m)² ]; γ = 1 is classic modularity.
    Modularity { resolution: f64 },
    /// Constant Potts Model: Σ_c [ e_c − γ n_c (n_c − 1) / 2 ]; γ is a density threshold.
    Cpm { resolution: f64 },
}

/// How to run Leiden.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeidenConfig {
    pub quality: Quality,
    pub seed: u64,
    /// Randomness of the refinement (θ in the paper).
    pub randomness: f64,
    /// Whole Leiden iterations at most; it stops earlier when one changes nothing.
    pub max_iterations: u32,
    /// Independent seeded runs, run in parallel; the best partition is kept (at least 1).
    pub restarts: u32,
}

impl Default for LeidenConfig {
    fn default() -> Self {
        Self {
            quality: Quality::Modularity { resolution: 1.0 },
            seed: 42,
            randomness: 0.01,
            max_iterations: 10,
            restarts: 1,
        }
    }
}

/// A partition of the nodes: `membership[v]` is v's community, numbered 0.. by decreasing
/// size.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    pub membership: Vec<u32>,
    pub n_communities: usize,
    /// Leiden iterations run (the last one changed nothing, unless `max_iterations` stopped it).
    pub iterations: u32,
    /// Which of the restarts this partition came from (0 is the run with `seed` itself).
    pub restart: u32,
    /// Its quality in the units being maximised: modularity for `Modularity` (with the
    /// resolution), Σ_c [e_c − γ n_c (n_c − 1) / 2] for `Cpm` (self-loops left out of e_c).
    pub quality: f64,
}

/// One level of the hierarchy: an undirected weighted graph without self-loops (they do not
/// change any move's gain), and each node's weight: its degree for modularity (self-loops
/// included, as aggregation sums them), its size for CPM.
struct Level {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<f64>,
    node_weight: Vec<f64>,
}

impl Level {
    fn n(&self) -> usize {
        self.node_weight.len()
    }

    fn neighbours(&self, v: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.offsets[v]..self.offsets[v + 1];
        self.targets[r.clone()]
            .iter()
            .map(|&u| u as usize)
            .zip(self.weights[r].iter().copied())
    }
}

/// Leiden on an undirected graph (as built by `Csr::undirected`).
pub fn leiden(g: &Csr, config: &LeidenConfig) -> Partition {
    match leiden_until(g, config, &Cancel::default()) {
        Ok(p) => p,
        // Nobody else holds the flag, so it is never set.
        Err(Cancelled) => Partition {
            membership: Vec::new(),
            n_communities: 0,
            iterations: 0,
            restart: 0,
            quality: 0.0,
        },
    }
}

/// `leiden`, stopping with `Cancelled` soon after `cancel` is set: it is checked every few
/// thousand node moves, so a run on a graph of millions of edges stops within milliseconds.
pub fn leiden_until(
    g: &Csr,
    config: &LeidenConfig,
    cancel: &Cancel,
) -> Result<Partition, Cancelled> {
    let n = g.n_nodes();
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    let mut targets = Vec::with_capacity(g.n_edges());
    let mut weights = Vec::with_capacity(g.n_edges());
    for v in 0..n as u32 {
        for (u, w) in g.out_edges(v) {
            if u != v {
                targets.push(u);
                weights.push(f64::from(w));
            }
        }
        offsets.push(targets.len());
    }
    let degree: Vec<f64> = (0..n as u32).map(|v| g.out_weight(v)).collect();
    let (node_weight, scale) = match config.quality {
        Quality::Modularity { resolution } => {
            let two_m: f64 = degree.iter().sum();
            (degree, if two_m > 0.0 { resolution / two_m } else { 0.0 })
        }
        Quality::Cpm { resolution } => (vec![1.0; n], resolution),
    };
    let base = Level {
        offsets,
        targets,
        weights,
        node_weight,
    };
    let restarts = config.restarts.max(1);
    let mut seeds = vec![config.seed];
    let mut draw = SplitMix64::new(config.seed);
    seeds.extend((1..restarts).map(|_| draw.next_u64()));
    let runs: Vec<(Vec<u32>, u32)> = seeds
        .par_iter()
        .map(|&seed| one_run(&base, scale, seed, config, cancel))
        .collect::<Result<_, _>>()?;
    // Select by the objective the moves improve; report the quality in its usual units.
    let mut best: Option<(f64, u32, Vec<u32>, u32)> = None;
    for (restart, (membership, iterations)) in runs.into_iter().enumerate() {
        let score = objective(&base, &membership, scale);
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, restart as u32, membership, iterations));
        }
    }
    let (score, restart, membership, iterations) = best.unwrap_or((0.0, 0, Vec::new(), 0));
    let quality = match config.quality {
        Quality::Modularity { resolution } => crate::modularity(g, &membership, resolution),
        Quality::Cpm { resolution } => score + resolution * n as f64 / 2.0,
    };
    let n_communities = membership
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    Ok(Partition {
        membership,
        n_communities,
        iterations,
        restart,
        quality,
    })
}

/// One seeded Leiden run until stable: the canonical membership and the iterations run.
///
/// After the first iteration the nodes are renumbered community by community (`renumbered`):
/// the later iterations move few nodes, and a node's neighbours, mostly in its community, then
/// sit close in memory. The partition is mapped back to the graph's own numbers after each.
fn one_run(
    base: &Level,
    scale: f64,
    seed: u64,
    config: &LeidenConfig,
    cancel: &Cancel,
) -> Result<(Vec<u32>, u32), Cancelled> {
    let mut rng = SplitMix64::new(seed);
    let n = base.n();
    let mut membership: Vec<u32> = (0..n as u32).collect();
    let mut local: Option<(Level, Vec<u32>)> = None;
    let mut iterations = 0;
    while iterations < config.max_iterations {
        iterations += 1;
        let next = match &local {
            None => one_iteration(
                base,
                &membership,
                scale,
                config.randomness,
                &mut rng,
                cancel,
            ),
            Some((level, new_of)) => {
                let mut start = vec![0u32; n];
                for (v, &c) in membership.iter().enumerate() {
                    start[new_of[v] as usize] = c;
                }
                let found =
                    one_iteration(level, &start, scale, config.randomness, &mut rng, cancel);
                new_of.iter().map(|&x| found[x as usize]).collect()
            }
        };
        // A cancelled iteration returns early with a partition that is not kept.
        cancel.check()?;
        let next = canonical(&next);
        if next == membership {
            break;
        }
        membership = next;
        if local.is_none() && iterations < config.max_iterations {
            local = Some(renumbered(base, &membership));
        }
    }
    Ok((canonical(&membership), iterations))
}

/// `level` with its nodes renumbered community by community (in their order inside each),
/// and each node's new number.
fn renumbered(level: &Level, membership: &[u32]) -> (Level, Vec<u32>) {
    let n = level.n();
    let old_of = by_community(0..n as u32, membership);
    let mut new_of = vec![0u32; n];
    for (at, &v) in old_of.iter().enumerate() {
        new_of[v as usize] = at as u32;
    }
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    let mut targets = Vec::with_capacity(level.targets.len());
    let mut weights = Vec::with_capacity(level.weights.len());
    let mut node_weight = Vec::with_capacity(n);
    let mut row: Vec<(u32, f64)> = Vec::new();
    for &v in &old_of {
        let v = v as usize;
        node_weight.push(level.node_weight[v]);
        row.clear();
        row.extend(level.neighbours(v).map(|(u, w)| (new_of[u], w)));
        row.sort_unstable_by_key(|&(u, _)| u);
        for &(u, w) in &row {
            targets.push(u);
            weights.push(w);
        }
        offsets.push(targets.len());
    }
    (
        Level {
            offsets,
            targets,
            weights,
            node_weight,
        },
        new_of,
    )
}

/// What every move improves, up to a constant: Σ_c [e_c − scale · W_c² / 2], with e_c the
/// weight inside c (self-loops left out) and W_c its total node weight. For modularity
/// (scale = γ/2m) it is m·Q minus the self-loops' share; for CPM (node weight 1, scale = γ) it
/// is the CPM quality minus γ·n/2.
fn objective(level: &Level, membership: &[u32], scale: f64) -> f64 {
    let k = membership
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut total = vec![0.0; k];
    let mut inside = 0.0;
    for (v, &c) in membership.iter().enumerate() {
        total[c as usize] += level.node_weight[v];
        for (u, w) in level.neighbours(v) {
            if membership[u] == c {
                inside += w;
            }
        }
    }
    inside / 2.0 - scale * total.iter().map(|t| t * t).sum::<f64>() / 2.0
}

/// One Leiden iteration from the partition `start` of the base graph.
fn one_iteration(
    base: &Level,
    start: &[u32],
    scale: f64,
    theta: f64,
    rng: &mut SplitMix64,
    cancel: &Cancel,
) -> Vec<u32> {
    // `node_of[v]`: the aggregate node holding base node v at the current level.
    let mut node_of: Vec<u32> = (0..base.n() as u32).collect();
    let mut community: Vec<u32> = start.to_vec();
    let mut owned: Option<Level> = None;
    loop {
        let level = owned.as_ref().unwrap_or(base);
        move_nodes_fast(level, &mut community, scale, rng, cancel);
        let n_communities = count_distinct(&community);
        if n_communities == level.n() || cancel.is_cancelled() {
            return node_of.iter().map(|&a| community[a as usize]).collect();
        }
        let refined = refine(level, &community, scale, theta, rng, cancel);
        if cancel.is_cancelled() {
            return node_of.iter().map(|&a| community[a as usize]).collect();
        }
        let (aggregate, aggregate_of, aggregate_community) = aggregate(level, &refined, &community);
        for a in node_of.iter_mut() {
            *a = aggregate_of[*a as usize];
        }
        community = aggregate_community;
        owned = Some(aggregate);
    }
}

fn count_distinct(labels: &[u32]) -> usize {
    let mut seen = vec![
        false;
        labels.len().max(1)
            + labels.iter().map(|&c| c as usize + 1).max().unwrap_or(0)
    ];
    let mut count = 0;
    for &c in labels {
        if !seen[c as usize] {
            seen[c as usize] = true;
            count += 1;
        }
    }
    count
}

/// Relabels communities 0.. by decreasing size, ties by smallest member.
fn canonical(membership: &[u32]) -> Vec<u32> {
    let k = membership
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (v, &c) in membership.iter().enumerate() {
        size[c as usize] += 1;
        first[c as usize] = first[c as usize].min(v);
    }
    let mut used: Vec<usize> = (0..k).filter(|&c| size[c] > 0).collect();
    used.sort_by_key(|&c| (std::cmp::Reverse(size[c]), first[c]));
    let mut label = vec![0u32; k];
    for (new, &c) in used.iter().enumerate() {
        label[c] = new as u32;
    }
    membership.iter().map(|&c| label[c as usize]).collect()
}

/// Every node once, community by community (communities in label order), in random order
/// inside each: a shuffle, then a stable counting sort by community. A community's members
/// are then visited together, while their data is in cache.
fn grouped_random_order(community: &[u32], rng: &mut SplitMix64) -> Vec<u32> {
    let mut shuffled: Vec<u32> = (0..community.len() as u32).collect();
    rng.shuffle(&mut shuffled);
    by_community(shuffled.into_iter(), community)
}

/// `nodes` (each node once) stably sorted by community: a counting sort.
fn by_community(nodes: impl ExactSizeIterator<Item = u32>, community: &[u32]) -> Vec<u32> {
    let k = community.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut start = vec![0usize; k + 1];
    for &c in community {
        start[c as usize + 1] += 1;
    }
    for c in 0..k {
        start[c + 1] += start[c];
    }
    let mut sorted = vec![0u32; nodes.len()];
    for v in nodes {
        let c = community[v as usize] as usize;
        sorted[start[c]] = v;
        start[c] += 1;
    }
    sorted
}

/// Fast local moving: visit nodes from a queue (random initial order), move each to the
/// neighbouring community (or an empty one) with the best gain, and requeue the neighbours
/// that are not in the node's new community. Gain of v joining C:
/// w(v, C) − scale · a_v · A_C, with A_C the total node weight of C without v.
fn move_nodes_fast(
    level: &Level,
    community: &mut [u32],
    scale: f64,
    rng: &mut SplitMix64,
    cancel: &Cancel,
) {
    let n = level.n();
    let mut total = vec![0.0; n];
    let mut members = vec![0usize; n];
    for v in 0..n {
        total[community[v] as usize] += level.node_weight[v];
        members[community[v] as usize] += 1;
    }
    let mut empty: Vec<u32> = (0..n as u32)
        .filter(|&c| members[c as usize] == 0)
        .collect();
    let mut queue: std::collections::VecDeque<u32> = {
        let mut order: Vec<u32> = (0..n as u32).collect();
        rng.shuffle(&mut order);
        order.into()
    };
    let mut queued = vec![true; n];
    let mut to_community = vec![0.0; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut visits = 0u32;
    while let Some(v) = queue.pop_front() {
        visits = visits.wrapping_add(1);
        if visits.is_multiple_of(CANCEL_CHECK_EVERY) && cancel.is_cancelled() {
            return;
        }
        let v = v as usize;
        queued[v] = false;
        let own = community[v] as usize;
        let a_v = level.node_weight[v];
        for (u, w) in level.neighbours(v) {
            let c = community[u] as usize;
            if to_community[c] == 0.0 {
                touched.push(c as u32);
            }
            to_community[c] += w;
        }
        total[own] -= a_v;
        members[own] -= 1;
        let mut best = own;
        let mut best_gain = to_community[own] - scale * a_v * total[own];
        for &c in &touched {
            let c = c as usize;
            let gain = to_community[c] - scale * a_v * total[c];
            if gain > best_gain || (gain == best_gain && c < best && c != own && best != own) {
                best = c;
                best_gain = gain;
            }
        }
        // An empty community has gain 0: worth it only when every option is worse. The stack
        // of empty communities is lazy: entries that filled up again are skipped here.
        if best_gain < 0.0 && members[own] > 0 {
            while let Some(c) = empty.pop() {
                if members[c as usize] == 0 {
                    best = c as usize;
                    break;
                }
            }
        }
        if members[own] == 0 && best != own {
            empty.push(own as u32);
        }
        total[best] += a_v;
        members[best] += 1;
        if best != own {
            community[v] = best as u32;
            for (u, _) in level.neighbours(v) {
                if !queued[u] && community[u] as usize != best {
                    queued[u] = true;
                    queue.push_back(u as u32);
                }
            }
        }
        for &c in &touched {
            to_community[c as usize] = 0.0;
        }
        touched.clear();
    }
}

/// Refinement: inside each community, start from singletons and merge each well-connected
/// singleton into a well-connected sub-community chosen at random with probability
/// ∝ exp(gain / θ) among those with gain ≥ 0. Returns the refined label of every node.
fn refine(
    level: &Level,
    community: &[u32],
    scale: f64,
    theta: f64,
    rng: &mut SplitMix64,
    cancel: &Cancel,
) -> Vec<u32> {
    let n = level.n();
    let mut refined: Vec<u32> = (0..n as u32).collect();
    let mut sub_weight: Vec<f64> = level.node_weight.clone();
    let mut sub_members = vec![1usize; n];
    // Weight from each node (and, as they grow, each sub-community) to the rest of its community.
    let mut external = vec![0.0; n];
    let mut community_total = vec![0.0; n];
    for v in 0..n {
        community_total[community[v] as usize] += level.node_weight[v];
        for (u, w) in level.neighbours(v) {
            if community[u] == community[v] {
                external[v] += w;
            }
        }
    }
    // Community by community, as the paper's RefinePartition merges within each community in
    // turn, in random order inside each.
    let order = grouped_random_order(community, rng);
    let mut to_sub = vec![0.0; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut candidates: Vec<(u32, f64)> = Vec::new();
    for (visit, &v) in order.iter().enumerate() {
        // Cancelled: the refinement stops part-way; the caller discards it.
        if (visit as u32).is_multiple_of(CANCEL_CHECK_EVERY) && cancel.is_cancelled() {
            break;
        }
        let v = v as usize;
        let c = community[v] as usize;
        let a_v = level.node_weight[v];
        let big_a = community_total[c];
        // Only singletons that are well connected to their community move.
        if sub_members[refined[v] as usize] != 1 || external[v] < scale * a_v * (big_a - a_v) {
            continue;
        }
        for (u, w) in level.neighbours(v) {
            if community[u] as usize == c {
                let s = refined[u] as usize;
                if to_sub[s] == 0.0 {
                    touched.push(s as u32);
                }
                to_sub[s] += w;
            }
        }
        let own = refined[v] as usize;
        candidates.clear();
        let mut best_gain = 0.0f64;
        for &s in &touched {
            let s = s as usize;
            if s == own {
                continue;
            }
            let well_connected = external[s] >= scale * sub_weight[s] * (big_a - sub_weight[s]);
            let gain = to_sub[s] - scale * a_v * sub_weight[s];
            if well_connected && gain >= 0.0 {
                candidates.push((s as u32, gain));
                best_gain = best_gain.max(gain);
            }
        }
        if !candidates.is_empty() {
            // Staying alone has gain 0 and is a candidate too. Each candidate's gain becomes
            // its weight in place (no allocation per node).
            let stay = (-best_gain / theta).exp();
            let mut sum = stay;
            for (_, g) in candidates.iter_mut() {
                *g = ((*g - best_gain) / theta).exp();
                sum += *g;
            }
            let mut pick = rng.next_f64() * sum;
            let mut chosen = None;
            if pick >= stay {
                pick -= stay;
                let last = candidates.len() - 1;
                for (i, &(s, w)) in candidates.iter().enumerate() {
                    if pick < w || i == last {
                        chosen = Some(s as usize);
                        break;
                    }
                    pick -= w;
                }
            }
            if let Some(s) = chosen {
                let link = to_sub[s];
                external[s] = external[s] + external[v] - 2.0 * link;
                sub_weight[s] += a_v;
                sub_weight[own] -= a_v;
                sub_members[s] += 1;
                sub_members[own] -= 1;
                refined[v] = s as u32;
            }
        }
        for &s in &touched {
            to_sub[s as usize] = 0.0;
        }
        touched.clear();
    }
    refined
}

/// The aggregate graph whose nodes are the refined communities. Returns it, the aggregate node
/// of each current node, and each aggregate node's (unrefined) community.
fn aggregate(level: &Level, refined: &[u32], community: &[u32]) -> (Level, Vec<u32>, Vec<u32>) {
    let n = level.n();
    let mut id = vec![u32::MAX; n];
    let mut next = 0u32;
    for &r in refined {
        if id[r as usize] == u32::MAX {
            id[r as usize] = next;
            next += 1;
        }
    }
    let k = next as usize;
    let aggregate_of: Vec<u32> = refined.iter().map(|&r| id[r as usize]).collect();
    let mut node_weight = vec![0.0; k];
    let mut aggregate_community = vec![0u32; k];
    for v in 0..n {
        let a = aggregate_of[v] as usize;
        node_weight[a] += level.node_weight[v];
        aggregate_community[a] = community[v];
    }
    // Community labels must index arrays of the aggregate's size: renumber them densely.
    let mut dense = vec![u32::MAX; n];
    let mut next_label = 0u32;
    for c in aggregate_community.iter_mut() {
        if dense[*c as usize] == u32::MAX {
            dense[*c as usize] = next_label;
            next_label += 1;
        }
        *c = dense[*c as usize];
    }
    // Row by row: the members of each aggregate node together (a counting sort), their edges'
    // weights summed per aggregate neighbour in a dense accumulator, each row's neighbours
    // in order. No sort of the whole edge list.
    let members = by_community(0..n as u32, &aggregate_of);
    let mut offsets = Vec::with_capacity(k + 1);
    offsets.push(0);
    let mut targets = Vec::with_capacity(level.targets.len());
    let mut weights: Vec<f64> = Vec::with_capacity(level.targets.len());
    let mut sum = vec![0.0f64; k];
    let mut seen = vec![false; k];
    let mut touched: Vec<u32> = Vec::new();
    let mut at = 0;
    for a in 0..k as u32 {
        while let Some(&v) = members.get(at).filter(|&&v| aggregate_of[v as usize] == a) {
            at += 1;
            for (u, w) in level.neighbours(v as usize) {
                let b = aggregate_of[u];
                if b != a {
                    if !seen[b as usize] {
                        seen[b as usize] = true;
                        touched.push(b);
                    }
                    sum[b as usize] += w;
                }
            }
        }
        touched.sort_unstable();
        for &b in &touched {
            targets.push(b);
            weights.push(sum[b as usize]);
            sum[b as usize] = 0.0;
            seen[b as usize] = false;
        }
        touched.clear();
        offsets.push(targets.len());
    }
    (
        Level {
            offsets,
            targets,
            weights,
            node_weight,
        },
        aggregate_of,
        aggregate_community,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{modularity, weakly_connected_components, Edge};
    use proptest::prelude::*;

    fn undirected(n: usize, pairs: &[(u32, u32)]) -> Csr {
        let edges: Vec<Edge> = pairs
            .iter()
            .map(|&(src, dst)| Edge {
                src,
                dst,
                weight: 1.0,
            })
            .collect();
        Csr::undirected(n, &edges)
    }

    /// Two 5-cliques joined by one edge.
    fn two_cliques() -> Csr {
        let mut pairs = Vec::new();
        for base in [0u32, 5] {
            for a in 0..5 {
                for b in a + 1..5 {
                    pairs.push((base + a, base + b));
                }
            }
        }
        pairs.push((4, 5));
        undirected(10, &pairs)
    }

    #[test]
    fn finds_two_cliques() {
        let p = leiden(&two_cliques(), &LeidenConfig::default());
        assert_eq!(p.n_communities, 2);
        assert_eq!(p.membership, vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
        let q = modularity(&two_cliques(), &p.membership, 1.0);
        assert!((q - 0.452_380_952).abs() < 1e-6, "{q}");
    }

    #[test]
    fn a_cancelled_run_gives_nothing_and_an_uncancelled_one_the_same_as_leiden() {
        let cancel = Cancel::new();
        let config = LeidenConfig::default();
        assert_eq!(
            leiden_until(&two_cliques(), &config, &cancel),
            Ok(leiden(&two_cliques(), &config))
        );
        cancel.cancel();
        assert_eq!(
            leiden_until(&two_cliques(), &config, &cancel),
            Err(Cancelled)
        );
    }

    #[test]
    fn cpm_resolution_splits_or_joins() {
        let g = two_cliques();
        let coarse = leiden(
            &g,
            &LeidenConfig {
                quality: Quality::Cpm { resolution: 0.02 },
                ..LeidenConfig::default()
            },
        );
        let fine = leiden(
            &g,
            &LeidenConfig {
                quality: Quality::Cpm { resolution: 0.5 },
                ..LeidenConfig::default()
            },
        );
        assert_eq!(coarse.n_communities, 1);
        assert_eq!(fine.n_communities, 2);
    }

    fn check_connected(g: &Csr, membership: &[u32]) -> bool {
        let k = membership
            .iter()
            .map(|&c| c as usize + 1)
            .max()
            .unwrap_or(0);
        (0..k as u32).all(|c| {
            let nodes: Vec<u32> = (0..g.n_nodes() as u32)
                .filter(|&v| membership[v as usize] == c)
                .collect();
            let index = |v: u32| nodes.binary_search(&v).ok();
            let edges = nodes.iter().flat_map(|&v| {
                g.targets_of(v)
                    .iter()
                    .filter_map(move |&u| Some((index(v)? as u32, index(u)? as u32)))
            });
            weakly_connected_components(nodes.len(), edges).count() == 1
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn every_node_gets_a_connected_community_and_seeds_repeat(
            pairs in proptest::collection::vec((0u32..40, 0u32..40), 0..120),
            seed in 0u64..1000,
        ) {
            let g = undirected(40, &pairs);
            let config = LeidenConfig { seed, ..LeidenConfig::default() };
            let p = leiden(&g, &config);
            prop_assert_eq!(p.membership.len(), 40);
            prop_assert!(check_connected(&g, &p.membership));
            prop_assert_eq!(&leiden(&g, &config), &p);
            let singletons: Vec<u32> = (0..40).collect();
            prop_assert!(modularity(&g, &p.membership, 1.0) >= modularity(&g, &singletons, 1.0) - 1e-12);
            prop_assert!((p.quality - modularity(&g, &p.membership, 1.0)).abs() < 1e-12);
        }

        #[test]
        fn restarts_keep_the_best_run_whatever_the_threads(
            pairs in proptest::collection::vec((0u32..60, 0u32..60), 30..200),
            seed in 0u64..1000,
            cpm: bool,
        ) {
            let g = undirected(60, &pairs);
            let quality = if cpm { Quality::Cpm { resolution: 0.1 } } else { Quality::Modularity { resolution: 1.0 } };
            let single = LeidenConfig { seed, quality, ..LeidenConfig::default() };
            let several = LeidenConfig { restarts: 6, ..single };
            let pool = |threads| rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
            let best = pool(1).install(|| leiden(&g, &several));
            prop_assert_eq!(&pool(3).install(|| leiden(&g, &several)), &best);
            // Run 0 is the single run with the same seed; the best is at least as good.
            let first = leiden(&g, &single);
            prop_assert_eq!(first.restart, 0);
            prop_assert!(best.quality >= first.quality);
            prop_assert!(best.restart < 6);
            prop_assert!(check_connected(&g, &best.membership));
            if cpm {
                let sizes = (0..best.n_communities as u32)
                    .map(|c| best.membership.iter().filter(|&&x| x == c).count() as f64);
                let inside: f64 = (0..60u32)
                    .flat_map(|v| g.out_edges(v).map(move |(u, w)| (v, u, w)))
                    .filter(|&(v, u, _)| u != v && best.membership[u as usize] == best.membership[v as usize])
                    .map(|(_, _, w)| f64::from(w))
                    .sum::<f64>() / 2.0;
                let expected = inside - sizes.map(|s| 0.1 * s * (s - 1.0) / 2.0).sum::<f64>();
                prop_assert!((best.quality - expected).abs() < 1e-9, "{} vs {}", best.quality, expected);
            }
        }
    }
}
