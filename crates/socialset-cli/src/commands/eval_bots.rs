//! `socialset eval bots`: cross-validated quality of the bot classifier on Gilani et al.'s
//! labelled accounts, beside a scikit-learn random forest run on the same folds.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use socialset_engine::{eval_bots, BotScores, BotsEval, TrainParams};

use crate::output::table;

const BASELINE_SCRIPT: &str = include_str!("baseline/sklearn_bots.py");
/// Pinned so that the baseline's figures can be reproduced.
const BASELINE_PACKAGES: [&str; 2] = ["scikit-learn==1.5.2", "numpy==2.1.3"];

#[derive(Debug, clap::Args)]
pub struct BotsArgs {
    /// A directory in the Gilani et al. layout (e.g. ../shared/data/gilani-2017).
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// Cross-validation folds (stratified).
    #[arg(long, default_value_t = 10, value_name = "K")]
    folds: usize,
    /// Seed of the fold assignment and of the trees' sampling.
    #[arg(long, default_value_t = 42, value_name = "S")]
    seed: u64,
    /// Stop at the first row with a bad value. By default such rows are left out and each is
    /// reported (the published data holds one: a negative follower/friend ratio).
    #[arg(long)]
    strict: bool,
    /// Do not run the scikit-learn baseline.
    #[arg(long)]
    no_baseline: bool,
    /// The Python venv for the baseline, created (with pinned scikit-learn) if missing.
    #[arg(long, value_name = "DIR", default_value = "target/bots-baseline-venv")]
    venv: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: BotsArgs) -> Result<()> {
    let params = TrainParams {
        seed: args.seed,
        ..TrainParams::default()
    };
    let e = eval_bots(&args.data, args.folds, args.seed, &params, !args.strict)?;
    for s in &e.skipped {
        eprintln!("skipped: {s}");
    }
    let baseline = if args.no_baseline {
        None
    } else {
        match run_baseline(&args.data, &args.venv, &e) {
            Ok(v) => Some(v),
            Err(err) => {
                eprintln!(
                    "note: the scikit-learn baseline did not run: {err:#} (--no-baseline skips it)"
                );
                None
            }
        }
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&to_json(&e, baseline.as_ref()))?
        );
    } else {
        print(&e, baseline.as_ref());
    }
    Ok(())
}

fn run_baseline(data: &Path, venv: &Path, e: &BotsEval) -> Result<Value> {
    let python = super::venv::python_with(venv, &BASELINE_PACKAGES)?;
    let dir = tempfile::tempdir().context("creating a temporary directory")?;
    let script = dir.path().join("sklearn_bots.py");
    std::fs::write(&script, BASELINE_SCRIPT).context("writing the baseline script")?;
    let folds = dir.path().join("folds.csv");
    let mut w = csv::Writer::from_path(&folds).context("writing the folds")?;
    for (name, band, bot, fold, _) in &e.accounts {
        w.write_record([
            band.as_str(),
            if *bot { "1" } else { "0" },
            name.as_str(),
            &fold.to_string(),
        ])?;
    }
    w.flush()?;
    let out = Command::new(&python)
        .arg(&script)
        .arg(data)
        .arg(&folds)
        .output()
        .context("running the baseline")?;
    if !out.status.success() {
        bail!(
            "the baseline failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    serde_json::from_slice(&out.stdout).context("reading the baseline's output")
}

fn scores_json(s: &BotScores) -> Value {
    json!({
        "accounts": s.accounts, "bots": s.bots, "auc": s.auc, "f1": s.f1,
        "precision": s.precision, "recall": s.recall, "brier": s.brier,
    })
}

fn to_json(e: &BotsEval, baseline: Option<&Value>) -> Value {
    json!({
        "folds": e.folds,
        "seed": e.seed,
        "skipped": e.skipped,
        "socialset": {
            "method": "socialset gradient-boosted trees on engineered features",
            "overall": scores_json(&e.overall),
            "per_band": e.per_band.iter().map(|(b, s)| (b.clone(), scores_json(s))).collect::<serde_json::Map<_, _>>(),
            "cross_band": scores_json(&e.cross_band),
            "degraded": e.degraded.iter().map(|(b, s)| (b.clone(), scores_json(s))).collect::<serde_json::Map<_, _>>(),
        },
        "baseline": baseline,
    })
}

fn fmt(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.3}"))
}

fn print(e: &BotsEval, baseline: Option<&Value>) {
    println!(
        "{}-fold stratified cross-validation (seed {}), {} accounts ({} bots); scikit-learn baseline on the same folds{}.",
        e.folds,
        e.seed,
        e.overall.accounts,
        e.overall.bots,
        if baseline.is_some() { "" } else { " not run" }
    );
    let base = |path: &[&str], field: &str| -> Option<f64> {
        let mut v = baseline?;
        for p in path {
            v = v.get(*p)?;
        }
        v.get(field)?.as_f64()
    };
    let mut rows = Vec::new();
    let mut push = |label: String, s: &BotScores, path: &[&str]| {
        rows.push(vec![
            label,
            s.accounts.to_string(),
            s.bots.to_string(),
            fmt(s.auc),
            fmt(base(path, "auc")),
            fmt(Some(s.f1)),
            fmt(base(path, "f1")),
            fmt(Some(s.precision)),
            fmt(Some(s.recall)),
            fmt(Some(s.brier)),
            fmt(base(path, "brier")),
        ]);
    };
    push("all bands".into(), &e.overall, &["overall"]);
    for (band, s) in &e.per_band {
        push(format!("band {band}"), s, &["per_band", band]);
    }
    push(
        "train 100k–10M, test 1k".into(),
        &e.cross_band,
        &["cross_band"],
    );
    for (label, s) in &e.degraded {
        push(format!("all bands, {label}"), s, &["none"]);
    }
    println!(
        "{}",
        table(
            &[
                "accounts",
                "n",
                "bots",
                "AUC",
                "AUC (RF)",
                "F1",
                "F1 (RF)",
                "precision",
                "recall",
                "Brier",
                "Brier (RF)"
            ],
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            rows
        )
    );
    println!("(RF): scikit-learn RandomForestClassifier(500) on the raw columns. F1, precision and recall at probability 0.5.");
}
