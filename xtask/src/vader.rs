//! `cargo xtask eval-vader`: the reference vaderSentiment 3.3.2 (PyPI, in target/vader-venv)
//! on the same texts as our VADER, and their agreement (`socialset_engine::vader_agreement`,
//! which `socialset eval vader --reference` prints too). The reference's scores of the demo's
//! texts are kept in tests/data/demo/pheme-sample.vader-reference.txt, so that the CLI test
//! checks the agreement without Python; `--check` fails when that file is not what the
//! reference says or the agreement falls under 99% of labels.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

const PACKAGES: [&str; 2] = ["vaderSentiment==3.3.2", "requests==2.32.3"];
const DEMO_TEXTS: &str = "tests/data/demo/pheme-sample.jsonl.gz";
const DEMO_REFERENCE: &str = "tests/data/demo/pheme-sample.vader-reference.txt";

pub fn eval_vader(root: &Path, args: &[String]) -> Result<()> {
    let data: PathBuf = crate::flag_text(args, "--data")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(DEMO_TEXTS));
    let check = args.iter().any(|a| a == "--check");
    let write = args.iter().any(|a| a == "--write-reference");
    let is_demo =
        std::fs::canonicalize(&data).ok() == std::fs::canonicalize(root.join(DEMO_TEXTS)).ok();
    if write && !is_demo {
        bail!("--write-reference keeps the reference's scores of {DEMO_TEXTS} only");
    }
    // The texts as our VADER reads them (vader_agreement scores them with ours).
    let texts = socialset_ingest::read_texts(&data)?;
    let scores = reference_scores(root, texts.iter().map(String::as_str))?;
    let e = socialset_engine::vader_agreement(&data, &scores)?;
    println!(
        "{} texts of {}: the same label on {:.2}%, the same compound score (±0.001) on {:.2}%, mean absolute difference {:.5}",
        e.texts,
        data.display(),
        100.0 * e.same_label,
        100.0 * e.within_0_001,
        e.mean_abs_difference
    );
    for (t, ours, reference) in &e.largest_differences {
        println!("  ours {ours:+.4}, reference {reference:+.4}: {t}");
    }
    let lines: String = scores.iter().map(|s| format!("{s}\n")).collect();
    if write {
        std::fs::write(root.join(DEMO_REFERENCE), &lines)
            .with_context(|| format!("writing {DEMO_REFERENCE}"))?;
        println!("wrote {DEMO_REFERENCE}");
    }
    if check {
        if e.same_label < 0.99 {
            bail!(
                "our VADER gives the reference's label to {:.2}% of the texts (at least 99% expected)",
                100.0 * e.same_label
            );
        }
        if is_demo {
            let kept = std::fs::read_to_string(root.join(DEMO_REFERENCE))
                .with_context(|| format!("reading {DEMO_REFERENCE}"))?;
            if kept != lines {
                bail!("{DEMO_REFERENCE} is not what the reference scores now (--write-reference rewrites it)");
            }
            println!("{DEMO_REFERENCE} holds the reference's scores");
        }
    }
    Ok(())
}

/// The reference's compound score of each text, in order.
fn reference_scores<'a>(root: &Path, texts: impl Iterator<Item = &'a str>) -> Result<Vec<f64>> {
    let python = crate::bench::venv_python(root, "vader-venv", &PACKAGES)?;
    let mut child = Command::new(python)
        .arg(root.join("xtask/baseline/vader_reference.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running the reference VADER")?;
    let mut input = String::new();
    let mut n = 0;
    for t in texts {
        input += &serde_json::to_string(t)?;
        input.push('\n');
        n += 1;
    }
    child
        .stdin
        .take()
        .context("no stdin for the reference")?
        .write_all(input.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("the reference VADER failed");
    }
    let scores: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .context("reading the reference's scores")?;
    if scores.len() != n {
        bail!("the reference scored {} of {n} texts", scores.len());
    }
    Ok(scores)
}
