//! `socialset stats`: how many records of each type the store holds.

use anyhow::Result;
use socialset_engine::Counts;

use super::StoreArgs;
use crate::output::{table, thousands};

/// Show how many accounts, follows, posts, interactions, ratings and conversions the store
/// holds.
///
/// `--json` prints one object with integer fields accounts, follows, posts, interactions,
/// ratings and conversions, for scripts.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    store: StoreArgs,
}

pub fn run(args: Args) -> Result<()> {
    let counts = args.store.open_existing()?.stats()?;
    if args.json {
        crate::output::print_json(&counts_json(&counts))?;
    } else {
        let rows = rows(&counts)
            .into_iter()
            .map(|(name, n)| vec![name.to_owned(), thousands(n)])
            .collect();
        println!("{}", table(&["records", "count"], &[1], rows));
    }
    Ok(())
}

pub fn rows(c: &Counts) -> [(&'static str, u64); 8] {
    [
        ("accounts", c.accounts),
        ("follows", c.follows),
        ("posts", c.posts),
        ("interactions", c.interactions),
        ("ratings", c.ratings),
        ("conversions", c.conversions),
        ("claims", c.claims),
        ("verdicts", c.verdicts),
    ]
}

/// The API's stats JSON (`socialset serve` answers with the same type).
pub fn counts_json(c: &Counts) -> serde_json::Value {
    serde_json::to_value(socialset_server::api::Stats::from(c)).unwrap_or_default()
}
