//! Project automation in Rust: `cargo xtask tidy` (architecture invariants) and
//! `cargo xtask bench-import` (import speed against igraph, written to docs/BENCHMARKS.md),
//! `cargo xtask eval-import` (imported counts against published ones, docs/EVALUATION.md).

mod bench;
mod eval;
mod tidy;

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("tidy") => {
            let problems = tidy::check(&repo_root())?;
            if problems.is_empty() {
                println!(
                    "tidy: dependency directions and file headers are as ARCHITECTURE.md says"
                );
                Ok(())
            } else {
                for p in &problems {
                    eprintln!("tidy: {p}");
                }
                bail!("{} tidy problem(s)", problems.len())
            }
        }
        Some("bench-import") => bench::import(&repo_root(), &args[1..]),
        Some("eval-import") => eval::import(&repo_root(), &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n  tidy           check dependency directions and that every .rs file opens with //!\n  bench-import   import soc-Slashdot0902 and Higgs into the store, next to igraph loading\n                 the same file from Python (needs ../shared/data; creates a venv in target/)\n                 options: --runs N (default 3), --write (update docs/BENCHMARKS.md)\n  eval-import    import bitcoin-otc, soc-Slashdot0902 and Higgs and compare the stored counts\n                 with the published ones; --write updates docs/EVALUATION.md"
            );
            bail!("no task given")
        }
    }
}

/// The repository root: the parent of this crate's folder.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
