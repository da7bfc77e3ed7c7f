//! `cargo xtask eval-leiden-iterations`: the protocol that chooses how many whole Leiden
//! iterations `socialset communities` runs by default.
//!
//! Candidates: 1, 2, 3, 4, 5 and 10 iterations per run (10 was the cap before, which the
//! figures of docs/EVALUATION.md stood on), each with the product's best-of-R restarts, at
//! five base seeds (42, 1, 2, 3, 4). Graphs: email-Eu-core (modularity, and NMI and ARI
//! against its departments), soc-Slashdot0902 and Higgs (modularity of the simple graph,
//! kernel time), and the Higgs store as `socialset communities` clusters it (weighted
//! engagement graph, the whole command's wall time).
//!
//! Rule, fixed before the figures: seed noise is the yardstick. For every graph and every
//! measure, the standard deviation over the five base seeds at 10 iterations is that measure's
//! noise; the default is the fewest iterations whose mean over the five seeds is, on every graph
//! and measure, no lower than the mean at 10 iterations minus that noise. Nothing here is fitted
//! to one graph: the same number must hold on all of them.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::peers::{json_of, kernels_binary};

const CANDIDATES: [u32; 6] = [1, 2, 3, 4, 5, 10];
const REFERENCE: u32 = 10;
const SEEDS: [u64; 5] = [42, 1, 2, 3, 4];

/// One measure on one graph: its value per candidate, one per seed.
pub(crate) struct Measure {
    pub(crate) name: String,
    pub(crate) values: Vec<Vec<f64>>,
    /// Whether it is a quality (judged by the rule) or a cost (reported only).
    pub(crate) judged: bool,
}

/// A protocol's table: one column per candidate (`headers`), one row per measure (judged
/// ones as mean ± sd over the seeds, costs as the mean), then whether each candidate passes.
pub(crate) fn protocol_rows(
    headers: &[String],
    measures: &[Measure],
    passes: impl Fn(usize) -> bool,
) -> String {
    let mut table = String::from("| measure |");
    for h in headers {
        table += &format!(" {h} |");
    }
    table += "\n|---|";
    table += &"---:|".repeat(headers.len());
    table += "\n";
    for m in measures {
        table += &format!("| {} |", m.name);
        for v in &m.values {
            if m.judged {
                table += &format!(" {:.4} ± {:.4} |", mean(v), sd(v));
            } else {
                table += &format!(" {:.2} |", mean(v));
            }
        }
        table += "\n";
    }
    table += "| passes the rule |";
    for i in 0..headers.len() {
        table += if passes(i) { " yes |" } else { " no |" };
    }
    table
}

pub(crate) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

pub(crate) fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len().max(2) - 1) as f64).sqrt()
}

pub fn eval_leiden_iterations(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let socialset = crate::release_binary(root)?;
    let kernels = kernels_binary(root)?;
    let tmp = std::env::temp_dir().join(format!("socialset-leiden-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let email = data.join("email-eu-core/email-Eu-core.txt");
    let labels = data.join("email-eu-core/email-Eu-core-department-labels.txt");
    let slashdot = data.join("soc-slashdot0902/soc-Slashdot0902.txt.gz");
    let higgs = data.join("higgs-twitter/higgs-activity_time.txt.gz");
    let store = tmp.join("higgs.db");
    let status = Command::new(&socialset)
        .args(["import", "--db"])
        .arg(&store)
        .arg(&higgs)
        .stdout(std::process::Stdio::null())
        .status()
        .context("importing Higgs")?;
    anyhow::ensure!(status.success(), "importing Higgs failed");

    let n = CANDIDATES.len();
    let blank = |name: &str, judged| Measure {
        name: name.to_owned(),
        values: vec![Vec::new(); n],
        judged,
    };
    let mut measures = vec![
        blank("email-Eu-core modularity", true),
        blank("email-Eu-core NMI", true),
        blank("email-Eu-core ARI", true),
        blank("Slashdot modularity", true),
        blank("Slashdot Leiden time (s)", false),
        blank("Higgs modularity", true),
        blank("Higgs Leiden time (s)", false),
        blank("Higgs store modularity (`socialset communities`)", true),
        blank("Higgs `socialset communities` wall time (s)", false),
    ];
    let total = n * SEEDS.len();
    for (i, &k) in CANDIDATES.iter().enumerate() {
        for (j, &seed) in SEEDS.iter().enumerate() {
            eprintln!(
                "[{}/{total}] {k} iterations, seed {seed}",
                i * SEEDS.len() + j + 1
            );
            let (k_s, seed_s) = (k.to_string(), seed.to_string());
            let e = json_of(
                Command::new(&socialset)
                    .args(["eval", "communities", "--json", "--data"])
                    .arg(&email)
                    .arg("--labels")
                    .arg(&labels)
                    .args(["--seed", &seed_s, "--iterations", &k_s]),
                "socialset eval communities",
            )?;
            measures[0].values[i].push(f(&e["modularity"]));
            measures[1].values[i].push(f(&e["nmi"]));
            measures[2].values[i].push(f(&e["ari"]));
            for (file, at) in [(&slashdot, 3), (&higgs, 5)] {
                let r = json_of(
                    Command::new(&kernels)
                        .arg("kernels")
                        .arg(file)
                        .args(["--runs", "1", "--seed", &seed_s])
                        .args(["--leiden-iterations", &k_s])
                        .args([
                            "--restarts",
                            &socialset_graph::RECOMMENDED_RESTARTS.to_string(),
                        ]),
                    "xtask kernels",
                )?;
                measures[at].values[i].push(f(&r["leiden_modularity"]));
                measures[at + 1].values[i].push(f(&r["leiden_s"]));
            }
            let started = Instant::now();
            let c = json_of(
                Command::new(&socialset)
                    .args(["communities", "--format", "json", "--db"])
                    .arg(&store)
                    .args(["--seed", &seed_s, "--iterations", &k_s]),
                "socialset communities",
            )?;
            measures[8].values[i].push(started.elapsed().as_secs_f64());
            measures[7].values[i].push(f(&c["modularity"]));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);

    let reference = CANDIDATES
        .iter()
        .position(|&k| k == REFERENCE)
        .expect("the reference is a candidate");
    let passes = |i: usize| {
        measures.iter().filter(|m| m.judged).all(|m| {
            let r = &m.values[reference];
            mean(&m.values[i]) >= mean(r) - sd(r)
        })
    };
    let chosen = (0..n).find(|&i| passes(i)).unwrap_or(reference);

    let mut table = format!(
        "Best of {} runs per clustering; each cell is the mean over base seeds {} (± their standard deviation). A candidate passes when every quality is at least the 10-iteration mean minus the 10-iteration standard deviation.\n\n",
        socialset_graph::RECOMMENDED_RESTARTS,
        SEEDS.map(|s| s.to_string()).join(", ")
    );
    let headers: Vec<String> = CANDIDATES.iter().map(|k| k.to_string()).collect();
    table += &protocol_rows(&headers, &measures, passes);
    table += &format!(
        "\n\nChosen: **{} iterations** (the fewest that pass).\n",
        CANDIDATES[chosen]
    );
    println!("{table}");
    if write {
        crate::write_between_markers(
            &root.join("docs/EVALUATION.md"),
            "eval-leiden-iterations",
            &table,
        )?;
    }
    Ok(())
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}
