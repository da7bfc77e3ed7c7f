//! Python venvs for the reference implementations some evaluations run beside ours
//! (scikit-learn for the bot classifier, vaderSentiment for English sentiment): created on
//! first use with pinned packages from PyPI, never by hand.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The venv's python, the venv created with `packages` when it is missing.
pub fn python_with(venv: &Path, packages: &[&str]) -> Result<PathBuf> {
    let python = venv.join("bin").join("python");
    if python.exists() {
        return Ok(python);
    }
    eprintln!(
        "creating {} with {} (once)…",
        venv.display(),
        packages.join(", ")
    );
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv)
        .status()
        .context("running python3 -m venv (is python3 installed?)")?
        .success();
    if !ok {
        bail!("python3 -m venv {} failed", venv.display());
    }
    let ok = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(packages)
        .status()
        .context("running pip")?
        .success();
    if !ok {
        // Do not leave a half-made venv that looks ready next time.
        let _ = std::fs::remove_dir_all(venv);
        bail!("pip install {} failed", packages.join(" "));
    }
    Ok(python)
}
