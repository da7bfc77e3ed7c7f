//! k-core numbers by the O(m) bucket algorithm of Batagelj and Zaversnik 2003,
//! "An O(m) algorithm for cores decomposition of networks", on the undirected simple view.

use crate::Csr;

/// The core number of every node of an undirected graph (as built by `Csr::undirected`):
/// the largest k such that the node belongs to a subgraph where every node has degree >= k.
pub fn core_numbers(g: &Csr) -> Vec<u32> {
    let n = g.n_nodes();
    let mut degree: Vec<u32> = (0..n as u32).map(|v| g.out_degree(v) as u32).collect();
    let max_degree = degree.iter().copied().max().unwrap_or(0) as usize;
    // Bucket sort nodes by degree: `order` holds nodes by increasing degree, `position` is the
    // inverse, `start[d]` is where degree d begins in `order`.
    let mut start = vec![0usize; max_degree + 2];
    for &d in &degree {
        start[d as usize + 1] += 1;
    }
    for d in 0..=max_degree {
        start[d + 1] += start[d];
    }
    let mut order = vec![0u32; n];
    let mut position = vec![0usize; n];
    let mut fill = start.clone();
    for v in 0..n {
        let d = degree[v] as usize;
        position[v] = fill[d];
        order[fill[d]] = v as u32;
        fill[d] += 1;
    }
    for i in 0..n {
        let v = order[i];
        for &u in g.targets_of(v) {
            let du = degree[u as usize];
            if du > degree[v as usize] {
                // Move u to the front of its bucket, then shrink its degree by one.
                let first = start[du as usize];
                let w = order[first];
                if w != u {
                    let pu = position[u as usize];
                    order.swap(first, pu);
                    position[u as usize] = first;
                    position[w as usize] = pu;
                }
                start[du as usize] += 1;
                degree[u as usize] -= 1;
            }
        }
    }
    degree
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Edge;

    #[test]
    fn a_triangle_with_a_tail() {
        let edges: Vec<Edge> = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4)]
            .iter()
            .map(|&(src, dst)| Edge {
                src,
                dst,
                weight: 1.0,
            })
            .collect();
        let g = Csr::undirected(6, &edges);
        assert_eq!(core_numbers(&g), vec![2, 2, 2, 1, 1, 0]);
    }

    #[test]
    fn a_clique_of_five_is_a_four_core() {
        let mut edges = Vec::new();
        for a in 0..5u32 {
            for b in a + 1..5 {
                edges.push(Edge {
                    src: a,
                    dst: b,
                    weight: 1.0,
                });
            }
        }
        assert_eq!(core_numbers(&Csr::undirected(5, &edges)), vec![4; 5]);
    }
}
