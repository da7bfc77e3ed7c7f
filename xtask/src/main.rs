//! Project automation in Rust: `cargo xtask tidy` (architecture invariants) and
//! `cargo xtask bench-import` (import speed against igraph, written to docs/BENCHMARKS.md),
//! `cargo xtask eval-import` (imported counts against published ones, docs/EVALUATION.md).

mod abuse_bench;
mod audit;
mod bench;
mod bench_claims;
mod bench_exports;
mod bench_follow;
mod bench_parquet;
mod campaign_bench;
mod eval;
mod forecast_eval;
mod kernels;
mod leiden_protocol;
mod man;
mod peers;
mod python;
mod serve_bench;
mod spread;
mod stability_protocol;
mod stance_protocol;
mod tidy;
mod vader;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

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
        Some("kernels") => kernels::run(&args[1..]),
        Some("diffusion") => kernels::diffusion(&args[1..]),
        Some("spread") => spread::spread(&args[1..]),
        Some("eval-spread") => spread::eval_spread(&repo_root(), &args[1..]),
        Some("bench-sentiment") => bench::sentiment(&repo_root(), &args[1..]),
        Some("eval-quality") => peers::eval_quality(&repo_root(), &args[1..]),
        Some("eval-leiden-iterations") => {
            leiden_protocol::eval_leiden_iterations(&repo_root(), &args[1..])
        }
        Some("eval-stability-restarts") => {
            stability_protocol::eval_stability_restarts(&repo_root(), &args[1..])
        }
        Some("bench-peers") => peers::bench_peers(&repo_root(), &args[1..]),
        Some("eval-audit") => audit::eval_audit(&repo_root(), &args[1..]),
        Some("man") => man::man(&repo_root(), &args[1..]),
        Some("python") => python::python(&repo_root(), &args[1..]),
        Some("bench-python") => python::bench_python(&repo_root(), &args[1..]),
        Some("eval-vader") => vader::eval_vader(&repo_root(), &args[1..]),
        Some("bench-audit") => audit::bench_audit(&repo_root(), &args[1..]),
        Some("eval-trust") => audit::eval_trust(&repo_root(), &args[1..]),
        Some("bench-serve") => serve_bench::bench_serve(&repo_root(), &args[1..]),
        Some("bench-abuse") => abuse_bench::bench_abuse(&repo_root(), &args[1..]),
        Some("bench-campaigns") => campaign_bench::bench_campaigns(&repo_root(), &args[1..]),
        Some("eval-campaigns") => campaign_bench::eval_campaigns(&repo_root(), &args[1..]),
        Some("eval-forecasts") => forecast_eval::eval_forecasts(&repo_root(), &args[1..]),
        Some("bench-exports") => bench_exports::bench_exports(&repo_root(), &args[1..]),
        Some("bench-exports-read") => bench_exports::read_one(&args[1..]),
        Some("bench-claims") => bench_claims::bench_claims(&repo_root(), &args[1..]),
        Some("bench-follow") => bench_follow::bench_follow(&repo_root(), &args[1..]),
        Some("bench-parquet") => bench_parquet::bench_parquet(&repo_root(), &args[1..]),
        Some("eval-stance") => stance_protocol::eval_stance(&repo_root(), &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n  tidy           check dependency directions and that every .rs file opens with //!\n  bench-import   import soc-Slashdot0902 and Higgs into the store, next to igraph loading\n                 the same file from Python (needs ../shared/data; creates a venv in target/)\n                 options: --runs N (default 3), --write (update docs/BENCHMARKS.md)\n  eval-import    import bitcoin-otc, soc-Slashdot0902 and Higgs and compare the stored counts\n                 with the published ones; --write updates docs/EVALUATION.md\n  eval-quality   influence on Higgs, communities on email-Eu-core and modularity on Slashdot,\n                 next to the peer libraries in the same run; --write updates docs/EVALUATION.md\n  bench-peers    graph build, PageRank, Leiden, k-core, WCC: socialset and igraph, NetworKit,\n                 networkx, rustworkx, leidenalg on Slashdot and Higgs; --runs N, --write\n  eval-audit     bot classifier on Gilani et al. 2017 beside a scikit-learn forest (same folds),
                 pods planted into Higgs; --write updates docs/EVALUATION.md
  bench-audit    time `socialset audit --all` on the Higgs store; --runs N, --write
  python         the Python package's methods and stubs (crates/socialset-py/python/socialset/
                 _commands.py, .pyi) from the command line's definitions; --check fails if stale
  bench-python   rank and audit of the Higgs store from Python (a release wheel, venv in
                 target/py-venv) against the same calls from the release binary; --runs N,
                 --top K (default 300000), --write (docs/BENCHMARKS.md)
  man            man pages of socialset and every command (clap_mangen), in --out DIR
                 (default target/man)
  eval-vader     the reference vaderSentiment 3.3.2 (venv in target/vader-venv) beside our VADER
                 on --data (default: the demo's PHEME tweets); --write-reference keeps its
                 scores in tests/data/demo/pheme-sample.vader-reference.txt; --check fails
                 if that file is stale or fewer than 99% of labels agree
  eval-trust     held-out rating prediction on bitcoin-otc, seeds 0-3, and the disclosure
                 detection on annotated posts; --write
  eval-spread    the planner's seeds (IMM) against highest out-degree, PageRank, greedy CELF
                 and netmax's TIM+ on Slashdot and Higgs retweets (k = 10, 50), all scored by
                 the same simulations; simulation speed against cynetdiff; netmax and
                 cynetdiff from PyPI in target/diffusion-peers-venv. --k 10,50, --sims N,
                 --eps E, --celf-sims R, --peer-timeout S, --no-netmax, --write
  bench-exports  the platform importers (X/Twitter v1.1 and v2, Reddit, YouTube, Instagram,
                 Bluesky, ActivityPub) on the real samples repeated to --gb G (default 1) GB,
                 one core; --write
  bench-claims   `socialset claims` on a made-up store of --posts N (default 1000000) posts,
                 a tenth originals and the rest shares: import and claims time, peak memory;
                 --write
  bench-parquet  `socialset export` of the Higgs interactions and Slashdot follows as Parquet,
                 Arrow and JSON Lines, and the import of the Parquet against the JSON Lines
                 export; DuckDB and pyarrow (venv in target/) read the Parquet back;
                 --runs N (default 5), --write (docs/BENCHMARKS.md)
  bench-follow   `import --follow` against a local Jetstream sending the fixture's events as
                 fast as they are read: events/s, peak memory; --events N (default 300000),
                 --write
  bench-serve    the leaderboard endpoint of `socialset serve` on the Higgs store under wrk
                 (installed from Debian if missing): requests/s, p50/p90/p99; --seconds S,
                 --connections C, --write
  bench-abuse    the attacks of issue 20 against a release server on the Higgs store, each
                 while R cached leaderboard requests/s run: answers, memory, p50/p99; then how
                 long a cancelled job keeps using CPU; --rate R (500), --seconds S (10), --write
  bench-campaigns  the report of a campaign with 1,000 members, 1,000,000 clicks and
                 100,000 conversions; then GET /r/{{code}} paced at R/s on a release server:
                 p50/p99, clicks stored against redirects; --rate R (2000), --seconds S, --write
  eval-forecasts the planner's forecasts against what happened: Higgs days 1–4 planned and
                 5–7 observed, PHEME's bursts planned on their first halves, every model of
                 reach in one run; then the rankings' prediction of later engagement on the
                 same splits; --write updates docs/EVALUATION.md
  eval-campaigns the report's 95% intervals over 1,000 simulated campaigns (coverage of the
                 conversion rate, cost per acquisition and native/professional ratio), and
                 engagement per follower by tier on PHEME and twarc v2; --write
  eval-stance    the protocol for the stance model's training settings (36 candidates ×
                 3 seeds, 5-fold cross-validation on RumourEval 2017's training posts), then
                 the chosen settings held out on the development posts beside the majority
                 class and a word n-gram logistic regression; fails if the default is not what
                 it chose; --write updates docs/EVALUATION.md
  eval-leiden-iterations  the protocol for Leiden's default iterations per run (five
                 seeds; email-Eu-core, Slashdot, Higgs); --write updates docs/EVALUATION.md
  eval-stability-restarts  the protocol for Leiden runs per window of the stability
                 (five seeds; Higgs, PHEME); fails if the default is not what it chose; --write
  bench-sentiment  sentiment scoring speed on one core: SENTIPOLC's Italian tweets and the
                 demo's English PHEME tweets, each repeated to 100,000; --write
  spread FILE    seeds by each method and their spread on a SNAP edge list, as JSON (used
                 by eval-spread); --reverse, --k, --eps, --sims, --celf-sims, --seeds N=a,b
  diffusion FILE IMM (k, ε) and Monte Carlo spread on a SNAP edge list, as JSON
  kernels FILE   socialset's graph kernels on a SNAP edge list, as JSON (used by the above)"
            );
            bail!("no task given")
        }
    }
}

/// The value after `--name` in `args`, parsed; `default` when the flag is absent.
fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T> {
    match flag_text(args, name) {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| anyhow::anyhow!("{name} takes a value of the right kind, not {text:?}")),
    }
}

/// The text after `--name` in `args`, if the flag is there.
fn flag_text<'a>(args: &'a [String], name: &str) -> Option<&'a String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
}

/// `../shared/data`, the real data sets the evaluations and benchmarks read.
fn shared_data(root: &Path) -> Result<PathBuf> {
    let data = root.join("../shared/data");
    if !data.exists() {
        bail!(
            "{} is missing: this task needs the shared data sets beside the repository",
            data.display()
        );
    }
    Ok(data)
}

/// Builds the `socialset` binary in release mode and returns its path.
fn release_binary(root: &Path) -> Result<PathBuf> {
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "socialset-cli"])
        .current_dir(root)
        .status()
        .context("running cargo build --release")?;
    if !status.success() {
        bail!("cargo build --release failed ({status})");
    }
    Ok(root.join("target/release/socialset"))
}

/// Replaces what stands between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in a doc.
fn write_between_markers(path: &Path, name: &str, content: &str) -> Result<()> {
    let (begin, end) = (
        format!("<!-- {name}:begin -->"),
        format!("<!-- {name}:end -->"),
    );
    let doc =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let (Some(b), Some(e)) = (doc.find(&begin), doc.find(&end)) else {
        bail!("{} lacks the {begin} … {end} markers", path.display());
    };
    std::fs::write(
        path,
        format!("{}{begin}\n{content}\n{}", &doc[..b], &doc[e..]),
    )
    .with_context(|| format!("writing {}", path.display()))?;
    println!("updated {}", path.display());
    Ok(())
}

/// The repository root: the parent of this crate's folder.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
