//! One module per command; each calls one engine method.

pub mod demo;
pub mod import;
pub mod stats;

use std::path::PathBuf;

/// Where the store is.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// The embedded store (an SQLite file, created if missing).
    #[arg(long, env = "SOCIALSET_DB", default_value = socialset_engine::DEFAULT_DB, value_name = "PATH")]
    pub db: PathBuf,
}

impl StoreArgs {
    pub fn open(&self) -> anyhow::Result<socialset_engine::Workspace> {
        use anyhow::Context;
        socialset_engine::Workspace::open(&self.db)
            .with_context(|| format!("opening the store {}", self.db.display()))
    }
}
