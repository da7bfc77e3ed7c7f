//! `cargo xtask eval-stability-restarts`: the protocol that chooses how many Leiden runs each
//! time window gets when `socialset communities --window-days` measures stability (the
//! dashboard's communities page runs it on every visit).
//!
//! Candidates: 1, 2, 4 and 8 runs per window (8 is the whole graph's default, the reference),
//! at five base seeds (42, 1, 2, 3, 4). Data: the Higgs store in windows of 1 and of 2 days,
//! and the PHEME threads' store in windows of 1 day. Measures: the mean NMI and the mean ARI
//! over the pairs of consecutive windows that share at least ten accounts (the pairs the
//! dashboard reads), and the command's wall time (reported, not judged).
//!
//! Rule, fixed before the figures: stability is a description, not a quality to maximise, so
//! a candidate passes when, on every data set and window length, each measure's mean over the
//! five seeds is within the reference's seed noise of the reference's mean: |mean − mean(8)| ≤
//! max(sd(8), 0.005), the floor being half a unit of the second decimal the dashboard prints.
//! The default is the fewest runs that pass.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::leiden_protocol::{mean, protocol_rows, sd, Measure};
use crate::peers::json_of;

const CANDIDATES: [u32; 4] = [1, 2, 4, 8];
const SEEDS: [u64; 5] = [42, 1, 2, 3, 4];
/// Pairs of windows sharing fewer accounts say next to nothing (the dashboard hides them).
const MIN_SHARED: u64 = 10;
const FLOOR: f64 = 0.005;

pub fn eval_stability_restarts(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let socialset = crate::release_binary(root)?;
    let tmp = tempfile::tempdir().context("creating a temporary directory")?;
    let higgs = tmp.path().join("higgs.db");
    import(
        &socialset,
        &higgs,
        &data.join("higgs-twitter/higgs-activity_time.txt.gz"),
    )?;
    let pheme = tmp.path().join("pheme.db");
    import(&socialset, &pheme, &unpack_pheme(&data, tmp.path())?)?;

    let cases = [
        ("Higgs, 1-day windows", &higgs, "1"),
        ("Higgs, 2-day windows", &higgs, "2"),
        ("PHEME, 1-day windows", &pheme, "1"),
    ];
    let n = CANDIDATES.len();
    let mut measures = Vec::new();
    for (name, _, _) in &cases {
        for (what, judged) in [("mean NMI", true), ("mean ARI", true), ("time (s)", false)] {
            measures.push(Measure {
                name: format!("{name}: {what}"),
                values: vec![Vec::new(); n],
                judged,
            });
        }
    }
    let total = cases.len() * n * SEEDS.len();
    let mut done = 0;
    for (c, (name, store, days)) in cases.iter().enumerate() {
        for (i, &r) in CANDIDATES.iter().enumerate() {
            for &seed in &SEEDS {
                done += 1;
                eprintln!("[{done}/{total}] {name}, {r} runs per window, seed {seed}");
                let started = Instant::now();
                // The whole graph's clustering is not what is measured: one run of it.
                let out = json_of(
                    Command::new(&socialset)
                        .args(["communities", "--format", "json", "--top", "1", "--db"])
                        .arg(store)
                        .args(["--window-days", days, "--restarts", "1"])
                        .args(["--window-restarts", &r.to_string()])
                        .args(["--seed", &seed.to_string()]),
                    "socialset communities --window-days",
                )?;
                let elapsed = started.elapsed().as_secs_f64();
                let pairs: Vec<&serde_json::Value> = out["stability"]["windows"]
                    .as_array()
                    .context("no stability windows in the answer")?
                    .iter()
                    .filter(|w| w["accounts_in_both"].as_u64().unwrap_or(0) >= MIN_SHARED)
                    .collect();
                anyhow::ensure!(!pairs.is_empty(), "{name}: no pair of windows to compare");
                let avg = |key: &str| {
                    mean(
                        &pairs
                            .iter()
                            .map(|w| w[key].as_f64().unwrap_or(f64::NAN))
                            .collect::<Vec<_>>(),
                    )
                };
                measures[c * 3].values[i].push(avg("nmi"));
                measures[c * 3 + 1].values[i].push(avg("ari"));
                measures[c * 3 + 2].values[i].push(elapsed);
            }
        }
    }

    let reference = n - 1;
    let passes = |i: usize| {
        measures.iter().filter(|m| m.judged).all(|m| {
            let r = &m.values[reference];
            (mean(&m.values[i]) - mean(r)).abs() <= sd(r).max(FLOOR)
        })
    };
    let chosen = (0..n).find(|&i| passes(i)).unwrap_or(reference);
    let mut table = format!(
        "Each cell is the mean over base seeds {} (± their standard deviation) of the mean over the pairs of consecutive windows sharing at least {MIN_SHARED} accounts; the whole graph clustered with one run (not measured here). A candidate passes when every measure is within max(sd, {FLOOR}) of the 8-run mean.\n\n",
        SEEDS.map(|s| s.to_string()).join(", ")
    );
    let headers: Vec<String> = CANDIDATES
        .iter()
        .map(|&r| format!("{r} {}", if r == 1 { "run" } else { "runs" }))
        .collect();
    table += &protocol_rows(&headers, &measures, passes);
    let r = CANDIDATES[chosen];
    table += &format!(
        "\n\nChosen: **{r} {} per window** (the fewest that pass); `socialset_engine::DEFAULT_WINDOW_RESTARTS` is {}.\n",
        if r == 1 { "run" } else { "runs" },
        socialset_engine::DEFAULT_WINDOW_RESTARTS
    );
    println!("{table}");
    anyhow::ensure!(
        r == socialset_engine::DEFAULT_WINDOW_RESTARTS,
        "the protocol chose {r} runs per window but the default is {}: change DEFAULT_WINDOW_RESTARTS",
        socialset_engine::DEFAULT_WINDOW_RESTARTS
    );
    if write {
        crate::write_between_markers(
            &root.join("docs/EVALUATION.md"),
            "eval-stability-restarts",
            &table,
        )?;
    }
    Ok(())
}

/// The PHEME threads unpacked into `dir`: the folder of the threads.
pub(crate) fn unpack_pheme(data: &Path, dir: &Path) -> Result<std::path::PathBuf> {
    let archive = data.join("rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz");
    let file =
        std::fs::File::open(&archive).with_context(|| format!("opening {}", archive.display()))?;
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(dir)
        .with_context(|| format!("unpacking {}", archive.display()))?;
    Ok(dir.join("rumoureval-data"))
}

fn import(socialset: &Path, store: &Path, data: &Path) -> Result<()> {
    let status = Command::new(socialset)
        .args(["import", "--db"])
        .arg(store)
        .arg(data)
        .stdout(std::process::Stdio::null())
        .status()
        .with_context(|| format!("importing {}", data.display()))?;
    anyhow::ensure!(status.success(), "importing {} failed", data.display());
    Ok(())
}
