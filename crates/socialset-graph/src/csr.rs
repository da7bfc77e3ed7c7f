//! Compressed sparse row adjacency: the out-edges of node `v` are
//! `targets[offsets[v]..offsets[v + 1]]`, with parallel `weights`.

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
    /// Builds the graph on `n_nodes` nodes. Edges naming a node `>= n_nodes` are a caller bug
    /// and panic in debug builds; they are dropped in release builds.
    pub fn from_edges(n_nodes: usize, edges: &[Edge]) -> Self {
        let mut degree = vec![0usize; n_nodes + 1];
        for e in edges {
            debug_assert!((e.src as usize) < n_nodes && (e.dst as usize) < n_nodes);
            if (e.src as usize) < n_nodes && (e.dst as usize) < n_nodes {
                degree[e.src as usize + 1] += 1;
            }
        }
        for v in 0..n_nodes {
            degree[v + 1] += degree[v];
        }
        let mut fill = degree.clone();
        let mut pairs = vec![(0u32, 0f32); degree[n_nodes]];
        for e in edges {
            if (e.src as usize) < n_nodes && (e.dst as usize) < n_nodes {
                let slot = &mut fill[e.src as usize];
                pairs[*slot] = (e.dst, e.weight);
                *slot += 1;
            }
        }
        // Sort each row and merge parallel edges.
        let mut offsets = Vec::with_capacity(n_nodes + 1);
        let mut targets = Vec::with_capacity(pairs.len());
        let mut weights = Vec::with_capacity(pairs.len());
        offsets.push(0);
        for v in 0..n_nodes {
            let row = &mut pairs[degree[v]..degree[v + 1]];
            row.sort_unstable_by_key(|&(t, _)| t);
            for &(t, w) in row.iter() {
                if targets.len() > offsets[v] && targets.last() == Some(&t) {
                    if let Some(last) = weights.last_mut() {
                        *last += w;
                    }
                } else {
                    targets.push(t);
                    weights.push(w);
                }
            }
            offsets.push(targets.len());
        }
        Self {
            offsets,
            targets,
            weights,
        }
    }

    pub fn n_nodes(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn n_edges(&self) -> usize {
        self.targets.len()
    }

    /// Out-neighbours of `v` with their weights.
    pub fn out_edges(&self, v: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let range = self.offsets[v as usize]..self.offsets[v as usize + 1];
        self.targets[range.clone()]
            .iter()
            .copied()
            .zip(self.weights[range].iter().copied())
    }

    pub fn out_degree(&self, v: u32) -> usize {
        self.offsets[v as usize + 1] - self.offsets[v as usize]
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
    }
}
