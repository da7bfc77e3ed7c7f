//! The social graph as layers: one CSR per interaction kind (reply, quote, share, mention,
//! like) plus one for follows, each edge A→B meaning A endorses B, weighted by how many times.
//!
//! Layers are built once, in parallel, and combined on demand with per-layer weights, so a
//! different weighting (`--weights`) or a single layer (the share layer for diffusion) costs a
//! merge, not a pass over the events. Self-engagement is left out of every layer.

use rayon::prelude::*;
use socialset_graph::{Csr, Edge};
use socialset_model::{AccountIdx, InteractionKind, Timestamp};

use crate::engagement::Engagement;
use crate::influence::EngagementWeights;

/// One layer of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    Interaction(InteractionKind),
    Follow,
}

impl Layer {
    /// Every layer, in storage order: the interaction kinds in `InteractionKind::ALL` order,
    /// then follows.
    pub const ALL: [Layer; 6] = [
        Layer::Interaction(InteractionKind::ALL[0]),
        Layer::Interaction(InteractionKind::ALL[1]),
        Layer::Interaction(InteractionKind::ALL[2]),
        Layer::Interaction(InteractionKind::ALL[3]),
        Layer::Interaction(InteractionKind::ALL[4]),
        Layer::Follow,
    ];

    fn slot(self) -> usize {
        match self {
            Layer::Interaction(kind) => usize::from(kind.code()),
            Layer::Follow => InteractionKind::ALL.len(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Interaction(kind) => kind.as_str(),
            Layer::Follow => "follow",
        }
    }
}

/// A follow: `src` follows `dst` (a standing endorsement), since `at` when known.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FollowEdge {
    pub src: AccountIdx,
    pub dst: AccountIdx,
    pub at: Option<Timestamp>,
}

/// The layered graph on accounts `0..n`.
#[derive(Clone, Debug)]
pub struct Layers {
    n: usize,
    layers: Vec<Csr>,
}

impl Layers {
    /// Builds every layer in parallel from the events and follows.
    pub fn build(n: usize, events: &[Engagement], follows: &[FollowEdge]) -> Self {
        let layers = Layer::ALL
            .par_iter()
            .map(|&layer| {
                let edges: Vec<Edge> = match layer {
                    Layer::Interaction(kind) => events
                        .iter()
                        .filter(|e| e.kind == kind && e.src != e.dst && e.weight > 0.0)
                        .map(|e| Edge {
                            src: e.src.0,
                            dst: e.dst.0,
                            weight: e.weight as f32,
                        })
                        .collect(),
                    Layer::Follow => follows
                        .iter()
                        .filter(|f| f.src != f.dst)
                        .map(|f| Edge {
                            src: f.src.0,
                            dst: f.dst.0,
                            weight: 1.0,
                        })
                        .collect(),
                };
                Csr::from_edges(n, &edges)
            })
            .collect();
        Self { n, layers }
    }

    pub fn n_nodes(&self) -> usize {
        self.n
    }

    pub fn layer(&self, layer: Layer) -> &Csr {
        &self.layers[layer.slot()]
    }

    /// The weighted sum of the layers: A→B carries Σ_layer weight(layer) · count(A→B).
    /// Layers of weight 0 drop out.
    pub fn combined(&self, weights: &EngagementWeights) -> Csr {
        let edges: Vec<Edge> = Layer::ALL
            .par_iter()
            .flat_map_iter(|&layer| {
                let w = weights.of_layer(layer);
                let csr = self.layer(layer);
                csr.edges()
                    .filter(move |_| w > 0.0)
                    .map(move |(src, dst, c)| Edge {
                        src,
                        dst,
                        weight: (f64::from(c) * w) as f32,
                    })
            })
            .collect();
        Csr::from_edges(self.n, &edges)
    }

    /// Edges (distinct A→B pairs) per layer, in `Layer::ALL` order.
    pub fn edge_counts(&self) -> [usize; 6] {
        std::array::from_fn(|i| self.layers[i].n_edges())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engagement::tests::parse;

    #[test]
    fn combining_weights_each_layer_and_drops_zero_layers() {
        let events = parse("a -reply-> b; a -reply-> b; a -like-> b; c -share-> a; b -reply-> b");
        let follows = [FollowEdge {
            src: AccountIdx(2),
            dst: AccountIdx(1),
            at: None,
        }];
        let layers = Layers::build(3, &events, &follows);
        assert_eq!(layers.edge_counts(), [1, 0, 1, 0, 1, 1]);
        let weights = EngagementWeights::default();
        let g = layers.combined(&weights);
        let ab: Vec<(u32, f32)> = g.out_edges(0).collect();
        let expected = 2.0 * weights.reply + weights.like;
        assert_eq!(ab.len(), 1);
        assert!((f64::from(ab[0].1) - expected).abs() < 1e-6);
        // The self-reply is in no layer; c's follow of b is in the follow layer.
        assert_eq!(g.out_edges(1).count(), 0);
        assert_eq!(g.out_edges(2).count(), 2);
        let no_follows = EngagementWeights {
            follow: 0.0,
            ..weights
        };
        assert_eq!(layers.combined(&no_follows).out_edges(2).count(), 1);
    }
}
