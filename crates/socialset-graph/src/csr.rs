//! Compressed sparse row adjacency: the out-edges of node `v` are
//! `targets[offsets[v]..offsets[v + 1]]`, with parallel `weights`.

use rayon::prelude::*;

/// A weighted directed edge between dense node indices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub src: u32,
    pub dst: u32,
    pub weight: f32,
}

/// A directed weighted graph in CSR form. Parallel edges are merged (weights summed) and
/// each node's targets are sorted, so the same edges in any order give the same graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Csr {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<f32>,
}

impl Csr {
    /// Builds the graph on `n_nodes` nodes, sorting in parallel. Edges naming a node
    /// `>= n_nodes` are dropped (and panic in debug builds: that is a caller's bug).
    pub fn from_edges(n_nodes: usize, edges: &[Edge]) -> Self {
        let mut sorted: Vec<(u32, u32, f32)> = edges
            .par_iter()
            .filter(|e| {
                let ok = (e.src as usize) < n_nodes && (e.dst as usize) < n_nodes;
                debug_assert!(ok, "edge {e:?} outside 0..{n_nodes}");
                ok
            })
            .map(|e| (e.src, e.dst, e.weight))
            .collect();
        sorted.par_sort_unstable_by_key(|&(s, d, _)| (s, d));
        Self::from_sorted(n_nodes, &sorted)
    }

    /// The undirected view: each edge in both directions, parallel edges merged, self-loops
    /// dropped (they carry no information about who belongs with whom).
    pub fn undirected(n_nodes: usize, edges: &[Edge]) -> Self {
        let mut both: Vec<(u32, u32, f32)> = edges
            .par_iter()
            .filter(|e| e.src != e.dst && (e.src as usize) < n_nodes && (e.dst as usize) < n_nodes)
            .flat_map_iter(|e| [(e.src, e.dst, e.weight), (e.dst, e.src, e.weight)])
            .collect();
        both.par_sort_unstable_by_key(|&(s, d, _)| (s, d));
        Self::from_sorted(n_nodes, &both)
    }

    /// From edges sorted by (src, dst): merges runs of equal (src, dst).
    fn from_sorted(n_nodes: usize, sorted: &[(u32, u32, f32)]) -> Self {
        let mut offsets = vec![0usize; n_nodes + 1];
        let mut targets = Vec::with_capacity(sorted.len());
        let mut weights: Vec<f32> = Vec::with_capacity(sorted.len());
        let mut last: Option<(u32, u32)> = None;
        for &(s, d, w) in sorted {
            if last == Some((s, d)) {
                if let Some(x) = weights.last_mut() {
                    *x += w;
                }
                continue;
            }
            last = Some((s, d));
            targets.push(d);
            weights.push(w);
            offsets[s as usize + 1] += 1;
        }
        for v in 0..n_nodes {
            offsets[v + 1] += offsets[v];
        }
        Self {
            offsets,
            targets,
            weights,
        }
    }

    /// The reverse graph: an edge v -> u for every u -> v, same weight.
    pub fn transpose(&self) -> Self {
        let n = self.n_nodes();
        let mut reversed: Vec<(u32, u32, f32)> = (0..n as u32)
            .into_par_iter()
            .flat_map_iter(|u| self.out_edges(u).map(move |(v, w)| (v, u, w)))
            .collect();
        reversed.par_sort_unstable_by_key(|&(s, d, _)| (s, d));
        Self::from_sorted(n, &reversed)
    }

    pub fn n_nodes(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn n_edges(&self) -> usize {
        self.targets.len()
    }

    /// Out-neighbours of `v` with their weights, by increasing neighbour.
    pub fn out_edges(&self, v: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let range = self.range(v);
        self.targets[range.clone()]
            .iter()
            .copied()
            .zip(self.weights[range].iter().copied())
    }

    pub fn targets_of(&self, v: u32) -> &[u32] {
        &self.targets[self.range(v)]
    }

    pub fn weights_of(&self, v: u32) -> &[f32] {
        &self.weights[self.range(v)]
    }

    fn range(&self, v: u32) -> std::ops::Range<usize> {
        self.offsets[v as usize]..self.offsets[v as usize + 1]
    }

    pub fn out_degree(&self, v: u32) -> usize {
        self.offsets[v as usize + 1] - self.offsets[v as usize]
    }

    /// Sum of the weights of `v`'s out-edges.
    pub fn out_weight(&self, v: u32) -> f64 {
        self.weights_of(v).iter().map(|&w| f64::from(w)).sum()
    }

    /// Every edge as (src, dst, weight), in CSR order.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32, f32)> + '_ {
        (0..self.n_nodes() as u32).flat_map(move |u| self.out_edges(u).map(move |(v, w)| (u, v, w)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(src: u32, dst: u32, weight: f32) -> Edge {
        Edge { src, dst, weight }
    }

    #[test]
    fn parallel_edges_merge_and_rows_sort() {
        let g = Csr::from_edges(3, &[e(0, 2, 1.0), e(0, 1, 1.0), e(0, 2, 2.0), e(2, 0, 1.0)]);
        assert_eq!(g.n_nodes(), 3);
        assert_eq!(g.n_edges(), 3);
        assert_eq!(g.out_edges(0).collect::<Vec<_>>(), vec![(1, 1.0), (2, 3.0)]);
        assert_eq!(g.out_degree(1), 0);
        let shuffled =
            Csr::from_edges(3, &[e(2, 0, 1.0), e(0, 2, 2.0), e(0, 1, 1.0), e(0, 2, 1.0)]);
        assert_eq!(g, shuffled);
        let t = g.transpose();
        assert_eq!(t.out_edges(2).collect::<Vec<_>>(), vec![(0, 3.0)]);
        assert_eq!(t.transpose(), g);
    }

    #[test]
    fn undirected_view_is_symmetric_without_self_loops() {
        let g = Csr::undirected(3, &[e(0, 1, 1.0), e(1, 0, 2.0), e(2, 2, 5.0), e(1, 2, 1.0)]);
        assert_eq!(g.out_edges(0).collect::<Vec<_>>(), vec![(1, 3.0)]);
        assert_eq!(g.out_edges(1).collect::<Vec<_>>(), vec![(0, 3.0), (2, 1.0)]);
        assert_eq!(g.out_edges(2).collect::<Vec<_>>(), vec![(1, 1.0)]);
    }
}
