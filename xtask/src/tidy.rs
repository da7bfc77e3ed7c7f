//! Architecture invariants that a test can check (rust-analyzer's tidy tests do the same):
//! - dependencies between socialset crates point one way:
//!   `model, graph <- analysis <- engine <- server <- cli`; `ingest, store <- engine`;
//! - the pure core (model, graph, analysis) does no I/O: no file, network or print calls;
//! - no crate of the product (everything under crates/) starts another program: the shipped
//!   binary never runs pip, Python or a shell (peers and references run from xtask);
//! - every Rust file opens with a `//!` line saying what it owns.

use std::path::Path;

use anyhow::{Context, Result};

/// The socialset crates each crate may depend on. A crate missing here is a problem too.
const ALLOWED: &[(&str, &[&str])] = &[
    ("socialset-model", &[]),
    ("socialset-graph", &[]),
    (
        "socialset-analysis",
        &["socialset-model", "socialset-graph"],
    ),
    ("socialset-ingest", &["socialset-model"]),
    ("socialset-store", &["socialset-model"]),
    (
        "socialset-engine",
        &[
            "socialset-model",
            "socialset-graph",
            "socialset-analysis",
            "socialset-ingest",
            "socialset-store",
        ],
    ),
    (
        "socialset-cli",
        &["socialset-engine", "socialset-model", "socialset-server"],
    ),
    ("socialset-server", &["socialset-engine", "socialset-model"]),
    ("socialset-py", &["socialset-cli", "socialset-engine"]),
];

/// What starting another program looks like in Rust; forbidden in every crate's src/ outside
/// unit tests (integration tests under tests/ start the binary they test).
const SPAWN_CALLS: &[&str] = &["process::Command", "Command::new("];

const PURE: &[&str] = &["socialset-model", "socialset-graph", "socialset-analysis"];

/// Calls that mean I/O, forbidden in the pure core outside tests.
const IO_CALLS: &[&str] = &[
    "std::fs",
    "File::open",
    "File::create",
    "println!",
    "eprintln!",
    "print!(",
    "std::net",
    "tokio",
];

pub fn check(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let crates = root.join("crates");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&crates).context("reading crates/")? {
        let dir = entry?.path();
        let manifest = dir.join("Cargo.toml");
        if !manifest.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        let doc: toml::Table = text
            .parse()
            .with_context(|| format!("parsing {}", manifest.display()))?;
        let name = doc
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_owned();
        let folder = dir
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        if folder != name {
            problems.push(format!(
                "crates/{folder} holds crate {name}: folder and crate names must match"
            ));
        }
        let Some((_, allowed)) = ALLOWED.iter().find(|(n, _)| *n == name) else {
            problems.push(format!(
                "{name} is not in xtask's ALLOWED table: add it and its place in ARCHITECTURE.md"
            ));
            continue;
        };
        for section in ["dependencies", "build-dependencies"] {
            let deps = doc.get(section).and_then(|d| d.as_table());
            for dep in deps.into_iter().flat_map(|d| d.keys()) {
                if dep.starts_with("socialset-") && !allowed.contains(&dep.as_str()) {
                    problems.push(format!(
                        "{name} depends on {dep}: that arrow points the wrong way"
                    ));
                }
            }
        }
        if PURE.contains(&name.as_str()) {
            check_calls(
                &dir.join("src"),
                &name,
                IO_CALLS,
                "pure core",
                &mut problems,
            )?;
        }
        check_calls(
            &dir.join("src"),
            &name,
            SPAWN_CALLS,
            "the product starts no other program",
            &mut problems,
        )?;
        check_headers(&dir, &mut problems)?;
        names.push(name);
    }
    names.sort();
    if names.is_empty() {
        problems.push("no crates found under crates/".into());
    }
    Ok(problems)
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Problems for each of `calls` used in `src` outside unit tests; `rule` names the invariant.
fn check_calls(
    src: &Path,
    name: &str,
    calls: &[&str],
    rule: &str,
    problems: &mut Vec<String>,
) -> Result<()> {
    let mut files = Vec::new();
    rust_files(src, &mut files)?;
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        // Unit tests at the end of a file may do what they like.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for call in calls {
            if code.contains(call) {
                problems.push(format!("{} ({name}, {rule}) uses {call}", file.display()));
            }
        }
    }
    Ok(())
}

fn check_headers(dir: &Path, problems: &mut Vec<String>) -> Result<()> {
    let mut files = Vec::new();
    rust_files(&dir.join("src"), &mut files)?;
    rust_files(&dir.join("tests"), &mut files)?;
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        if !text.starts_with("//!") {
            problems.push(format!(
                "{} does not open with a //! line saying what it owns",
                file.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_repository_is_tidy() {
        let problems = super::check(&crate::repo_root()).expect("tidy runs");
        assert!(
            problems.is_empty(),
            "tidy problems:\n{}",
            problems.join("\n")
        );
    }
}
