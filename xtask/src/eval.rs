//! `cargo xtask eval-import`: imports each real data set in ../shared/data into a fresh store
//! and compares what the store holds with the counts the data set's publisher states.
//! Prints a table; `--write` records it in docs/EVALUATION.md.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Data set, file, import arguments, and the published counts: (stats field, count).
type Case = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, u64)],
);

const CASES: &[Case] = &[
    (
        "bitcoin-otc (SNAP)",
        "bitcoin-otc/soc-sign-bitcoinotc.csv.gz",
        &[],
        &[("accounts", 5_881), ("ratings", 35_592)],
    ),
    (
        "soc-Slashdot0902 (SNAP)",
        "soc-slashdot0902/soc-Slashdot0902.txt.gz",
        &["--kind", "follow"],
        &[("accounts", 82_168), ("follows", 948_464)],
    ),
    (
        "Higgs activity (SNAP)",
        "higgs-twitter/higgs-activity_time.txt.gz",
        &[],
        &[("accounts", 304_691), ("interactions", 563_069)],
    ),
];

pub fn import(root: &Path, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let bin = crate::release_binary(root)?;
    let dir = std::env::temp_dir().join(format!("socialset-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut table = String::from(
        "| data set | what | published | in the store after import | equal |\n|---|---|---:|---:|---|\n",
    );
    let mut all_equal = true;
    for (i, (name, file, extra, expected)) in CASES.iter().enumerate() {
        let db = dir.join(format!("eval{i}.db"));
        let out = Command::new(&bin)
            .arg("import")
            .arg("--db")
            .arg(&db)
            .args(*extra)
            .arg(data.join(file))
            .output()
            .context("running socialset import")?;
        if !out.status.success() {
            bail!(
                "import of {file} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let stats = Command::new(&bin)
            .args(["stats", "--json", "--db"])
            .arg(&db)
            .output()
            .context("running socialset stats")?;
        let stats: serde_json::Value =
            serde_json::from_slice(&stats.stdout).context("stats --json")?;
        for (field, want) in *expected {
            let got = stats[*field].as_u64().unwrap_or(0);
            all_equal &= got == *want;
            table += &format!(
                "| {name} | {field} | {want} | {got} | {} |\n",
                if got == *want { "yes" } else { "**no**" }
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("{table}");
    if write {
        crate::write_between_markers(&root.join("docs/EVALUATION.md"), "eval-import", &table)?;
    }
    if !all_equal {
        bail!("some imported counts differ from the published ones");
    }
    Ok(())
}
