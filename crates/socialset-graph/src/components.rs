//! Weakly connected components by union–find (path halving, union by size).

/// A component label per node; labels are numbered by decreasing component size, ties broken
/// by smallest member, so the output does not depend on edge order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Components {
    pub label: Vec<u32>,
    /// Sizes, largest first: `sizes[c]` is the size of component `c`.
    pub sizes: Vec<u32>,
}

impl Components {
    pub fn count(&self) -> usize {
        self.sizes.len()
    }
}

fn find(parent: &mut [u32], mut v: u32) -> u32 {
    while parent[v as usize] != v {
        let grand = parent[parent[v as usize] as usize];
        parent[v as usize] = grand;
        v = grand;
    }
    v
}

/// Components of the undirected view of the edges `(src, dst)` on `n_nodes` nodes.
pub fn weakly_connected_components(
    n_nodes: usize,
    edges: impl IntoIterator<Item = (u32, u32)>,
) -> Components {
    let mut parent: Vec<u32> = (0..n_nodes as u32).collect();
    let mut size = vec![1u32; n_nodes];
    for (a, b) in edges {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            let (big, small) = if size[ra as usize] >= size[rb as usize] {
                (ra, rb)
            } else {
                (rb, ra)
            };
            parent[small as usize] = big;
            size[big as usize] += size[small as usize];
        }
    }
    // Roots in order of (size desc, first member asc) get labels 0, 1, 2, ...
    let mut roots: Vec<(u32, u32)> = Vec::new();
    let mut root_of = vec![0u32; n_nodes];
    let mut seen = vec![false; n_nodes];
    for v in 0..n_nodes as u32 {
        let r = find(&mut parent, v);
        root_of[v as usize] = r;
        if !seen[r as usize] {
            seen[r as usize] = true;
            roots.push((r, v));
        }
    }
    roots.sort_by_key(|&(r, first)| (std::cmp::Reverse(size[r as usize]), first));
    let mut label_of_root = vec![0u32; n_nodes];
    let sizes = roots
        .iter()
        .enumerate()
        .map(|(i, &(r, _))| {
            label_of_root[r as usize] = i as u32;
            size[r as usize]
        })
        .collect();
    let label = root_of.iter().map(|&r| label_of_root[r as usize]).collect();
    Components { label, sizes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn two_components_and_an_isolated_node() {
        let c = weakly_connected_components(6, [(0, 1), (2, 1), (3, 4)]);
        assert_eq!(c.sizes, vec![3, 2, 1]);
        assert_eq!(c.label, vec![0, 0, 0, 1, 1, 2]);
    }

    proptest! {
        #[test]
        fn edge_order_does_not_change_components(
            edges in proptest::collection::vec((0u32..30, 0u32..30), 0..60)
        ) {
            let forward = weakly_connected_components(30, edges.iter().copied());
            let backward = weakly_connected_components(30, edges.iter().rev().map(|&(a, b)| (b, a)));
            prop_assert_eq!(&forward, &backward);
            prop_assert_eq!(forward.sizes.iter().sum::<u32>(), 30);
            for &(a, b) in &edges {
                prop_assert_eq!(forward.label[a as usize], forward.label[b as usize]);
            }
        }
    }
}
