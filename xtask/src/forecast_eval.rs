//! `cargo xtask eval-forecasts`: the planner's forecasts against what happened, on Higgs (days
//! 1–4 planned, 5–7 observed) and on PHEME's bursts (each planned on its first half), every
//! model of reach in one run, in one table for docs/EVALUATION.md; then, on the same splits,
//! how well each ranking predicts the engagement received later, in a second table.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::audit::json_of;
use crate::bench::today;

/// Per model and plan: forecasts summed, observed summed, forecasts within ±30%, intervals
/// holding, plans counted.
fn rows(data_set: &str, models: &Value, plans_of: impl Fn(&Value) -> Vec<Value>) -> String {
    let mut out = String::new();
    for m in models.as_array().into_iter().flatten() {
        let model = m["model"].as_str().unwrap_or("?");
        let plans = plans_of(m);
        let mut names: Vec<String> = Vec::new();
        for p in &plans {
            let name = p["plan"].as_str().unwrap_or("?").to_owned();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        for name in names {
            let of: Vec<&Value> = plans
                .iter()
                .filter(|p| p["plan"] == name.as_str())
                .collect();
            let sum = |f: &dyn Fn(&Value) -> f64| of.iter().map(|p| f(p)).sum::<f64>();
            let predicted = sum(&|p| p["predicted_reach"]["mean"].as_f64().unwrap_or(0.0));
            let observed = sum(&|p| p["observed_reach"].as_f64().unwrap_or(0.0));
            let within = of.iter().filter(|p| p["within_30_percent"] == true).count();
            let holds = of
                .iter()
                .filter(|p| p["interval_contains_observed"] == true)
                .count();
            let interval = of
                .first()
                .and_then(|p| p["interval"].as_str())
                .unwrap_or("?");
            out += &format!(
                "| {data_set} | {model} | {name} | {predicted:.0} | {observed:.0} | {within} of {n} | {holds} of {n} ({interval}) |\n",
                n = of.len()
            );
        }
    }
    out
}

pub fn eval_forecasts(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let socialset = crate::release_binary(root)?;
    let higgs = json_of(
        Command::new(&socialset)
            .args(["eval", "plan", "--json", "--data"])
            .arg(data.join("higgs-twitter/higgs-activity_time.txt.gz")),
        "socialset eval plan (Higgs)",
    )?;
    let threads = tempfile::tempdir().context("creating a temporary directory")?;
    let unpacked = crate::stability_protocol::unpack_pheme(&data, threads.path())?;
    let pheme = json_of(
        Command::new(&socialset)
            .args([
                "eval", "plan", "--json", "--halves", "--budget", "500", "--data",
            ])
            .arg(&unpacked),
        "socialset eval plan --halves (PHEME)",
    )?;
    let mut table = format!(
        "Measured {} with `cargo xtask eval-forecasts` (release build, seed 42). Higgs: one plan per model, €5,000; PHEME: each burst planned on its first half, €500, plans summed over the bursts.\n\n| data | model | plan | forecast reach (sum) | observed reach (sum) | within ±30% | interval holds it |\n|---|---|---|---:|---:|---:|---|\n",
        today()
    );
    table += &rows("Higgs days 1–4 → 5–7", &higgs, |m| {
        m["plans"].as_array().cloned().unwrap_or_default()
    });
    table += &rows("PHEME bursts, halves", &pheme, |m| {
        m["bursts"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|b| b["plans"].as_array().cloned().unwrap_or_default())
            .collect()
    });
    println!("{table}");
    let higgs_rank = json_of(
        Command::new(&socialset)
            .args(["eval", "influence", "--json", "--data"])
            .arg(data.join("higgs-twitter/higgs-activity_time.txt.gz")),
        "socialset eval influence (Higgs)",
    )?;
    let pheme_rank = json_of(
        Command::new(&socialset)
            .args(["eval", "influence", "--json", "--halves", "--data"])
            .arg(&unpacked),
        "socialset eval influence --halves (PHEME)",
    )?;
    let ks: Vec<String> = pheme_rank["bursts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| b["k"].to_string())
        .collect();
    let mut ranking = format!(
        "Measured {} with `cargo xtask eval-forecasts`: Spearman's ρ between each score on the first part and the interactions received in the second, over the accounts active in the first; precision@k (Higgs: k = 100; PHEME: per burst, 100 or the accounts engaged with later if fewer — {} — and the mean over the 5 bursts).

| method | Higgs ρ | Higgs precision@100 | PHEME ρ (mean of bursts) | PHEME precision@k (mean) |
|---|---:|---:|---:|---:|
",
        today(),
        ks.join(", ")
    );
    let means = pheme_rank["mean"].as_array().cloned().unwrap_or_default();
    for m in higgs_rank["methods"].as_array().into_iter().flatten() {
        let method = m["method"].as_str().unwrap_or("?");
        let p = means.iter().find(|p| p["method"] == method);
        let num = |v: Option<&Value>, d: usize| {
            v.and_then(Value::as_f64)
                .map_or("undefined".into(), |x| format!("{x:.d$}"))
        };
        ranking += &format!(
            "| {method} | {} | {} | {} | {} |\n",
            num(Some(&m["spearman"]), 4),
            num(Some(&m["precision_at_k"]), 2),
            num(p.map(|p| &p["spearman"]), 4),
            num(p.map(|p| &p["precision_at_k"]), 2),
        );
    }
    println!("{ranking}");
    if write {
        let doc = root.join("docs/EVALUATION.md");
        crate::write_between_markers(&doc, "eval-forecasts", &table)?;
        crate::write_between_markers(&doc, "eval-ranking", &ranking)?;
    }
    Ok(())
}
