//! Compact graphs and the generic algorithms on them: CSR adjacency, PageRank (weighted,
//! personalised), k-core, weakly connected components, Leiden (modularity, CPM), partition
//! measures (modularity, NMI, ARI), and influence diffusion (independent cascade, linear
//! threshold, Monte Carlo spread, IMM). Nodes are dense `u32` indices; the crate knows nothing of
//! accounts, social media, storage or HTTP.

mod components;
mod csr;
mod diffusion;
mod kcore;
mod leiden;
mod pagerank;
mod partition;
mod rng;
mod stop;

pub use components::{weakly_connected_components, Components};
pub use csr::{Csr, Edge};
pub use diffusion::{
    celf, imm, imm_bounds, imm_bounds_for, imm_for, monte_carlo_overlap, monte_carlo_spread,
    monte_carlo_spread_until, select, Constraints, ImmBounds, ImmLimits, ImmResult, InfluenceGraph,
    Model, Pick, Spread,
};
pub use kcore::core_numbers;
pub use leiden::{leiden, leiden_until, LeidenConfig, Partition, Quality, RECOMMENDED_RESTARTS};
pub use pagerank::{pagerank, Convergence, PageRank, PageRankConfig, PageRankGraph};
pub use partition::{ari, modularity, nmi};
pub use rng::{SplitMix64, WyRand};
pub use stop::{Cancel, Cancelled, Progress, Status};
