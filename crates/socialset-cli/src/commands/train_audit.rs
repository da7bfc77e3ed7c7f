//! `socialset train-audit`: retrain the bot classifier.

use std::path::PathBuf;

use anyhow::Result;
use socialset_engine::{TrainParams, TrainReport};

use super::StoreArgs;

/// Train the bot / fake-account classifier that `socialset audit` uses.
///
/// On your own labels: a file of `account,label` lines (label bot/human or 1/0) naming
/// accounts of the store; their features are computed from what the store holds, exactly as
/// `socialset audit` computes them. Or on a public data set in the layout of Gilani et al.
/// (2017): a directory with bots/bots.<band>.csv and humans/humans.<band>.csv, which is how
/// the built-in model is made:
///
///   socialset train-audit --data ../shared/data/gilani-2017 --skip-bad \
///       --out crates/socialset-engine/models/audit-default.json
///
/// The model is written to --out; use it with `socialset audit --model FILE`. The report gives
/// the 5-fold cross-validated AUC on the labels, so you know what the model is worth.
///
/// Examples:
///   socialset train-audit --labels my-labels.csv --out my-model.json
///   socialset audit --all --model my-model.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// `account,label` lines for accounts of the store.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "data",
        required_unless_present = "data"
    )]
    labels: Option<PathBuf>,

    /// A directory in the Gilani et al. layout (bots/ and humans/ CSV files per band).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,

    /// With --data: leave out rows with a bad value (each is reported) instead of stopping.
    #[arg(long, requires = "data")]
    skip_bad: bool,

    /// Where to write the model.
    #[arg(long, value_name = "FILE", default_value = "audit-model.json")]
    out: PathBuf,

    /// Boosting rounds (trees).
    #[arg(long, default_value_t = TrainParams::default().trees, value_name = "N")]
    trees: usize,

    /// Seed of the row and column sampling.
    #[arg(long, default_value_t = 42, value_name = "S")]
    seed: u64,

    #[command(flatten)]
    store: StoreArgs,
}

pub fn run(args: Args) -> Result<()> {
    let params = TrainParams {
        trees: args.trees,
        seed: args.seed,
        ..TrainParams::default()
    };
    let report = match (&args.labels, &args.data) {
        (Some(labels), _) => args
            .store
            .open_existing()?
            .train_audit(labels, &args.out, &params)?,
        (None, Some(dir)) => {
            socialset_engine::train_audit_public(dir, &args.out, &params, args.skip_bad)?
        }
        (None, None) => anyhow::bail!("give --labels FILE or --data DIR"),
    };
    print(&report);
    Ok(())
}

fn print(r: &TrainReport) {
    for s in &r.skipped {
        println!("skipped: {s}");
    }
    println!(
        "Trained on {} bots and {} humans; model written to {}.",
        r.bots,
        r.humans,
        r.out.display()
    );
    match r.cv_auc {
        Some(auc) => println!("5-fold cross-validated AUC on these labels: {auc:.3}."),
        None => println!("Too few labels of each class (under 5) for a cross-validated AUC."),
    }
}
