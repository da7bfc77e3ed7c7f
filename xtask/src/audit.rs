//! `cargo xtask eval-audit` and `cargo xtask bench-audit`: the authenticity audit's figures for
//! docs/EVALUATION.md (bot classifier on Gilani et al. 2017 beside scikit-learn; pods planted
//! into Higgs) and docs/BENCHMARKS.md (auditing every Higgs account).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::Value;

pub(crate) fn json_of(cmd: &mut Command, what: &str) -> Result<Value> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    serde_json::from_slice(&out.stdout).with_context(|| format!("reading the JSON of {what}"))
}

/// Pinned so that the reference's figures can be reproduced.
const BASELINE_PACKAGES: [&str; 2] = ["scikit-learn==1.5.2", "numpy==2.1.3"];

/// `socialset eval bots` quotes the reference's figures; they must be what it measures now.
fn check_quotes(quoted: &Value, measured: &Value) -> Result<()> {
    let mut differ = Vec::new();
    let rows = ["overall", "cross_band"].map(|r| (r, &quoted[r], &measured[r]));
    let bands =
        ["1k", "100k", "1M", "10M"].map(|b| (b, &quoted["per_band"][b], &measured["per_band"][b]));
    for (row, q, m) in rows.into_iter().chain(bands) {
        for field in ["auc", "f1", "brier"] {
            if num(&q[field]) != num(&m[field]) {
                differ.push(format!(
                    "{row} {field}: quoted {}, measured {}",
                    num(&q[field]),
                    num(&m[field])
                ));
            }
        }
    }
    if !differ.is_empty() {
        bail!(
            "socialset eval bots quotes figures of the reference that it no longer scores \
             (update REFERENCE_QUOTED in crates/socialset-cli/src/commands/eval_bots.rs): {}",
            differ.join("; ")
        );
    }
    println!("the reference's figures quoted by `socialset eval bots` are the measured ones");
    Ok(())
}

fn num(v: &Value) -> String {
    v.as_f64().map_or("—".into(), |x| format!("{x:.3}"))
}

pub fn eval_audit(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let socialset = crate::release_binary(root)?;

    // 1. Bots: 10-fold CV by socialset, then the scikit-learn forest on the folds it wrote.
    let dir = tempfile::tempdir().context("creating a temporary directory")?;
    let folds = dir.path().join("folds.csv");
    let e = json_of(
        Command::new(&socialset)
            .args(["eval", "bots", "--json", "--data"])
            .arg(data.join("gilani-2017"))
            .arg("--folds-out")
            .arg(&folds),
        "socialset eval bots",
    )?;
    let ours = &e["socialset"];
    let python = crate::bench::venv_python(root, "bots-baseline-venv", &BASELINE_PACKAGES)?;
    let base = json_of(
        Command::new(python)
            .arg(root.join("xtask/baseline/sklearn_bots.py"))
            .arg(data.join("gilani-2017"))
            .arg(&folds),
        "the scikit-learn baseline",
    )?;
    let base = &base;
    check_quotes(&e["reference_quoted"], base)?;
    let mut bots = format!(
        "{}-fold stratified cross-validation (seed {}), {} accounts ({} bots); {} bad row(s) left out: {}. Baseline: {}, on the same folds.\n\n| accounts | n | bots | AUC socialset | AUC RF | F1 socialset | F1 RF | precision | recall | Brier socialset | Brier RF |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        e["folds"],
        e["seed"],
        ours["overall"]["accounts"],
        ours["overall"]["bots"],
        e["skipped"].as_array().map_or(0, Vec::len),
        e["skipped"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|s| s.rsplit_once("gilani-2017/").map_or(s, |x| x.1))
            .collect::<Vec<_>>()
            .join("; "),
        base["method"].as_str().unwrap_or("?")
    );
    let mut row = |label: &str, o: &Value, b: &Value| {
        bots += &format!(
            "| {label} | {} | {} | **{}** | {} | {} | {} | {} | {} | {} | {} |\n",
            o["accounts"],
            o["bots"],
            num(&o["auc"]),
            num(&b["auc"]),
            num(&o["f1"]),
            num(&b["f1"]),
            num(&o["precision"]),
            num(&o["recall"]),
            num(&o["brier"]),
            num(&b["brier"])
        );
    };
    row("all bands", &ours["overall"], &base["overall"]);
    for band in ["1k", "100k", "1M", "10M"] {
        row(
            &format!("band {band}"),
            &ours["per_band"][band],
            &base["per_band"][band],
        );
    }
    row(
        "trained on 100k–10M, tested on 1k",
        &ours["cross_band"],
        &base["cross_band"],
    );
    for (label, o) in ours["degraded"].as_object().into_iter().flatten() {
        row(&format!("all bands, {label}"), o, &Value::Null);
    }

    // 2. Pods planted into Higgs: two planting strengths, two pair thresholds.
    let higgs = data.join("higgs-twitter/higgs-activity_time.txt.gz");
    let mut pods = String::from(
        "| planted: engage probability | search: min pair | pods found before planting (accounts) | planted pods (accounts) | found pods (accounts) | member precision | member recall | planted pods recovered (Jaccard ≥ 0.5) | search time |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut header = String::new();
    for p in ["0.6", "0.3"] {
        for min_pair in ["1", "2"] {
            let r = json_of(
                Command::new(&socialset)
                    .args(["eval", "pods", "--json", "--data"])
                    .arg(&higgs)
                    .args(["--engage-probability", p, "--min-pair", min_pair]),
                "socialset eval pods",
            )?;
            if header.is_empty() {
                header = format!(
                    "{} accounts, {} real interactions. Planted (seed {}): {} pods of {}–{} members drawn from the active accounts; each member posts {} times at random times in the week; every other member engages with each post with the given probability, after {} minutes on average (exponential), as a like or a share (what a pod trades; replies and mentions are conversation and do not count). Search defaults otherwise: groups of at least 4, density threshold 0.5, 10-minute window, score ≥ 0.5.\n\n",
                    r["accounts"], r["events"], r["plant"]["seed"], r["plant"]["pods"], r["plant"]["min_size"], r["plant"]["max_size"], r["plant"]["posts_per_member"], r["plant"]["mean_delay_minutes"]
                );
            }
            pods += &format!(
                "| {p} | {min_pair}{} | {} ({}) | {} ({}) | {} ({}) | {} | {} | {} of {} | {:.2} s |\n",
                if min_pair == "1" { " (default)" } else { "" },
                r["pods_before"],
                r["members_before"],
                r["planted_pods"],
                r["planted_members"],
                r["found_pods"],
                r["found_members"],
                num(&r["precision"]),
                num(&r["recall"]),
                r["pods_recovered"],
                r["planted_pods"],
                r["seconds"].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
    let pods = header + &pods;
    println!("{bots}\n{pods}");
    if write {
        let doc = root.join("docs/EVALUATION.md");
        crate::write_between_markers(&doc, "eval-bots", &bots)?;
        crate::write_between_markers(&doc, "eval-pods", &pods)?;
    }
    Ok(())
}

pub fn bench_audit(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let runs: usize = crate::flag(args, "--runs", 3)?;
    let data = crate::shared_data(root)?;
    let socialset = crate::release_binary(root)?;
    let dir = std::env::temp_dir().join(format!("socialset-bench-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("creating a temporary directory")?;
    let db = dir.join("higgs.db");
    let status = Command::new(&socialset)
        .arg("import")
        .arg(data.join("higgs-twitter/higgs-activity_time.txt.gz"))
        .arg("--db")
        .arg(&db)
        .output()
        .context("importing Higgs")?;
    if !status.status.success() {
        bail!("import failed: {}", String::from_utf8_lossy(&status.stderr));
    }
    let mut times = Vec::new();
    let mut last = Value::Null;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = json_of(
            Command::new(&socialset)
                .args(["audit", "--all", "--top", "20", "--format", "json", "--db"])
                .arg(&db),
            "socialset audit --all",
        )?;
        times.push(start.elapsed().as_secs_f64());
    }
    let _ = std::fs::remove_dir_all(&dir);
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let text = format!(
        "Measured {} on {} cores ({}), median of {} runs.\n\n| task | accounts | interactions | time (whole command) |\n|---|---:|---:|---:|\n| `socialset audit --all --top 20` on the Higgs store: load the store, features of every account, bot probabilities, audience quality, pods, reasons for the 20 listed | {} | 563069 | {:.2} s |\n",
        crate::bench::today(),
        std::thread::available_parallelism().map_or(0, usize::from),
        crate::bench::cpu_model(),
        times.len(),
        last["accounts_audited"],
        median
    );
    println!("{text}");
    if write {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-audit", &text)?;
    }
    Ok(())
}

pub fn eval_trust(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let socialset = crate::release_binary(root)?;
    let file = data.join("bitcoin-otc/soc-sign-bitcoinotc.csv.gz");
    let mut text = String::new();
    let mut table =
        String::from("| seed | method | RMSE | Pearson | sign AUC |\n|---:|---|---:|---:|---:|\n");
    for seed in ["0", "1", "2", "3"] {
        let e = json_of(
            Command::new(&socialset)
                .args(["eval", "trust", "--json", "--seed", seed, "--data"])
                .arg(&file),
            "socialset eval trust",
        )?;
        if text.is_empty() {
            text = format!(
                "{} ratings, scaled by {} to −1…+1; {} held out at random per seed and predicted from the rest.\n\n",
                e["ratings"], e["scale"], e["held_out"]
            );
        }
        for m in e["methods"].as_array().into_iter().flatten() {
            let method = m["method"].as_str().unwrap_or("?");
            let bold = if method.starts_with("socialset") {
                "**"
            } else {
                ""
            };
            table += &format!(
                "| {seed} | {method} | {bold}{}{bold} | {bold}{}{bold} | {bold}{}{bold} |\n",
                num(&m["rmse"]),
                num(&m["pearson"]),
                num(&m["sign_auc"])
            );
        }
    }
    let loo = json_of(
        Command::new(&socialset)
            .args(["eval", "trust", "--json", "--leave-one-out", "--data"])
            .arg(&file),
        "socialset eval trust --leave-one-out",
    )?;
    table += "\nLeave-one-out protocol (Kumar et al.): every rating predicted from all the others; ours by 10-fold cross-validation, the nearest practical protocol.\n\n| method | RMSE | Pearson | sign AUC |\n|---|---:|---:|---:|\n";
    for m in loo["methods"].as_array().into_iter().flatten() {
        table += &format!(
            "| {} | {} | {} | {} |\n",
            m["method"].as_str().unwrap_or("?"),
            num(&m["rmse"]),
            num(&m["pearson"]),
            num(&m["sign_auc"])
        );
    }
    let text = text + &table;
    let d = json_of(
        Command::new(&socialset)
            .args(["eval", "disclosure", "--json", "--data"])
            .arg(root.join("tests/data/disclosure/annotated.jsonl")),
        "socialset eval disclosure",
    )?;
    let disclosure = format!(
        "| posts | unsure (left out) | sponsored | found | false alarms | precision | recall |\n|---:|---:|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} | {} | {} |\n",
        d["posts"],
        d["unsure"],
        d["sponsored"],
        d["true_positives"],
        d["false_positives"].as_array().map_or(0, Vec::len),
        num(&d["precision"]),
        num(&d["recall"])
    );
    println!("{text}\n{disclosure}");
    if write {
        let doc = root.join("docs/EVALUATION.md");
        crate::write_between_markers(&doc, "eval-trust", &text)?;
        crate::write_between_markers(&doc, "eval-disclosure", &disclosure)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn quotes_must_be_what_the_reference_measured_to_three_places() {
        let scores = |auc: f64| json!({"auc": auc, "f1": 0.7, "brier": 0.15});
        let of = |auc: f64| {
            json!({"overall": scores(auc), "cross_band": scores(0.8),
                   "per_band": {"1k": scores(0.9), "100k": scores(0.8), "1M": scores(0.85), "10M": scores(0.98)}})
        };
        assert!(super::check_quotes(&of(0.856), &of(0.85647)).is_ok());
        let err = super::check_quotes(&of(0.856), &of(0.8571)).expect_err("stale quote");
        assert!(
            err.to_string()
                .contains("overall auc: quoted 0.856, measured 0.857"),
            "{err}"
        );
        // A quote missing altogether is stale too.
        assert!(super::check_quotes(&serde_json::Value::Null, &of(0.856)).is_err());
    }
}
