//! Compact graphs and the generic algorithms on them. Nodes are dense `u32` indices; the crate
//! knows nothing of accounts, social media or storage.

mod components;
mod csr;

pub use components::{weakly_connected_components, Components};
pub use csr::{Csr, Edge};
