//! `cargo xtask python [--check]`: the Python package's methods, generated from the clap
//! definitions the `socialset` binary parses (`socialset_cli::command_for_width`), so that
//! every method takes the options of its command with the same names (snake_case) and the
//! same defaults, and its docstring is the command's help. Writes
//! `crates/socialset-py/python/socialset/_commands.py` (the methods) and `_commands.pyi` (their
//! typed stubs); `--check` fails when either is stale (a test runs it too).

use std::any::TypeId;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::ArgAction;

/// The commands the package offers: (Python method, CLI command, the rows returned as a
/// table: a JSON pointer into the command's document, "" for a document that is the list
/// itself, or `None` for a document returned as a dict).
pub const METHODS: &[(&str, &str, Option<&str>)] = &[
    ("import_files", "import", None),
    ("stats", "stats", None),
    ("rank", "rank", Some("/accounts")),
    ("explain", "explain", None),
    ("communities", "communities", Some("/communities")),
    ("audit", "audit", Some("/accounts")),
    ("pods", "pods", Some("")),
    ("trust", "trust", Some("/accounts")),
    ("independence", "independence", None),
    ("disclosure", "disclosure", Some("/accounts")),
    ("plan", "plan", Some("/social_set/members")),
    ("ugc", "ugc", Some("/items")),
    ("segments", "segments", Some("/accounts")),
    ("groups", "groups", Some("/groups")),
    ("sentiment", "sentiment", None),
    ("claims", "claims", Some("/claims")),
    ("spreaders", "spreaders", Some("/spreaders")),
];

/// Options the package sets itself: the store (the workspace's), the output format (JSON,
/// turned into tables), `--out` (the table is returned), import's `--json` report.
const SET_BY_PACKAGE: &[&str] = &["db", "format", "out", "json", "help", "version"];

pub fn python(root: &Path, args: &[String]) -> Result<()> {
    let check = args.iter().any(|a| a == "--check");
    let mut stale = Vec::new();
    for (path, text) in generate(root)? {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "{} stale: run `cargo xtask python` after changing the command line",
            stale.join(", ")
        );
    }
    Ok(())
}

/// The two generated files and their text.
pub fn generate(root: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut cmd = socialset_cli::command_for_width(100);
    cmd.build();
    let dir = root.join("crates/socialset-py/python/socialset");
    let mut py = String::from(HEADER);
    let mut pyi = String::from(HEADER);
    py.push_str(PY_PRELUDE);
    pyi.push_str(PYI_PRELUDE);
    let mut specs = String::from(
        "\n\n# (parameter, flag, kind, default) of every option, by command.\n_SPECS = {\n",
    );
    for &(method, name, rows) in METHODS {
        let sub = cmd
            .find_subcommand(name)
            .with_context(|| format!("socialset has no command {name}"))?;
        let params = params_of(sub)?;
        let (signature, doc) = signature(sub, &params, rows.is_some());
        let rows = rows.map_or_else(|| "None".to_owned(), |r| format!("{r:?}"));
        let _ = write!(py, "\n    def {method}(\n{signature}    ) -> Any:\n{doc}");
        let _ = writeln!(
            py,
            "        return self._run({name:?}, {rows}, _SPECS[{name:?}], locals())"
        );
        // The stub has the signature only: the docstring is the module's, for help().
        let _ = write!(pyi, "\n    def {method}(\n{signature}    ) -> Any: ...\n");
        let _ = writeln!(specs, "    {name:?}: (");
        for p in &params {
            let _ = writeln!(
                specs,
                "        ({:?}, {:?}, {:?}, {}),",
                p.name,
                p.flag,
                p.kind,
                if p.required {
                    "None"
                } else {
                    p.default.as_str()
                }
            );
        }
        specs.push_str("    ),\n");
    }
    specs.push_str("}\n");
    let stored: Vec<String> = METHODS
        .iter()
        .filter(|(_, name, _)| {
            cmd.find_subcommand(name)
                .is_some_and(|c| c.get_arguments().any(|a| a.get_id() == "db"))
        })
        .map(|(_, name, _)| format!("{name:?}"))
        .collect();
    let _ = writeln!(
        specs,
        "\n# The commands that read or write the store (--db).\n_STORED = {{{}}}",
        stored.join(", ")
    );
    py.push_str(&specs);
    Ok(vec![
        (dir.join("_commands.py"), py),
        (dir.join("_commands.pyi"), pyi),
    ])
}

const HEADER: &str =
    "# Generated by `cargo xtask python` from the clap definitions of the socialset command\n\
# line (crates/socialset-cli): do not edit. Each method runs its command with the same options.\n";

const PY_PRELUDE: &str = r#"
from __future__ import annotations

from typing import Any, Literal, Optional, Sequence, Union

Output = Literal["pandas", "arrow", "polars", "dict"]


class _Commands:
    """The socialset commands, as methods of `socialset.Workspace`."""

    def _run(self, command: str, rows: Optional[str], spec: tuple, given: dict) -> Any:
        raise NotImplementedError
"#;

const PYI_PRELUDE: &str = r#"
from __future__ import annotations

from typing import Any, Literal, Optional, Sequence, Union

Output = Literal["pandas", "arrow", "polars", "dict"]

class _Commands:
"#;

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// One option of a command as a Python parameter.
struct Param {
    /// snake_case name.
    name: String,
    /// `--flag`, or "" for a positional argument.
    flag: String,
    /// "flag" (present or not), "value", "values" (the flag then each value), "repeat" (the
    /// flag before each value), "positional", "positionals".
    kind: &'static str,
    /// The Python literal of the default (`None` when there is none).
    default: String,
    /// The type annotation.
    annotation: String,
    /// The help text.
    help: String,
    required: bool,
}

fn params_of(cmd: &clap::Command) -> Result<Vec<Param>> {
    let mut out = Vec::new();
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if SET_BY_PACKAGE.contains(&id) || arg.is_hide_set() {
            continue;
        }
        let mut name = id.replace('-', "_");
        if PYTHON_KEYWORDS.contains(&name.as_str()) {
            // `--from` is `from_`, as PEP 8 names a parameter that would be a keyword.
            name.push('_');
        }
        let flag = arg.get_long().map(|l| format!("--{l}")).unwrap_or_default();
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let kind = match (arg.get_action(), flag.is_empty(), many) {
            (ArgAction::SetTrue, _, _) => "flag",
            (ArgAction::Append, true, _) | (ArgAction::Set, true, true) => "positionals",
            (_, true, _) => "positional",
            (ArgAction::Append, false, _) => "repeat",
            (ArgAction::Set, false, true) => "values",
            (ArgAction::Set, false, false) => "value",
            (other, _, _) => bail!("{} --{id}: no Python form for {other:?}", cmd.get_name()),
        };
        let scalar = scalar_type(arg);
        let choices: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| format!("{:?}", v.get_name()))
            .collect();
        let base = if kind == "flag" {
            "bool".to_owned()
        } else if !choices.is_empty() {
            format!("Literal[{}]", choices.join(", "))
        } else {
            scalar.to_owned()
        };
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let required = arg.is_required_set();
        let (annotation, default) = match kind {
            _ if required => match kind {
                "positionals" | "values" | "repeat" => (format!("Sequence[{base}]"), String::new()),
                _ => (base, String::new()),
            },
            "flag" => (base, "False".to_owned()),
            "positionals" | "values" | "repeat" => {
                (format!("Optional[Sequence[{base}]]"), "None".to_owned())
            }
            _ => match defaults.as_slice() {
                [d] => {
                    let literal = python_literal(d, &base);
                    (base, literal)
                }
                _ => (format!("Optional[{base}]"), "None".to_owned()),
            },
        };
        let help = arg
            .get_long_help()
            .or_else(|| arg.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        out.push(Param {
            name,
            flag,
            kind,
            default,
            annotation,
            help,
            required,
        });
    }
    Ok(out)
}

/// The Python type of one value of `arg`, from the type its value parser yields.
fn scalar_type(arg: &clap::Arg) -> &'static str {
    let t = arg.get_value_parser().type_id();
    let is = |id: TypeId| t == id;
    if [
        TypeId::of::<u8>(),
        TypeId::of::<u16>(),
        TypeId::of::<u32>(),
        TypeId::of::<u64>(),
        TypeId::of::<usize>(),
        TypeId::of::<i32>(),
        TypeId::of::<i64>(),
    ]
    .into_iter()
    .any(is)
    {
        "int"
    } else if is(TypeId::of::<f64>()) || is(TypeId::of::<f32>()) {
        "float"
    } else if is(TypeId::of::<bool>()) {
        "bool"
    } else {
        "str"
    }
}

/// A default as written on the command line, as a Python literal of `annotation`.
fn python_literal(default: &str, annotation: &str) -> String {
    match annotation {
        "int" if default.parse::<i64>().is_ok() => default.to_owned(),
        "float" if default.parse::<f64>().is_ok() => {
            if default.contains(['.', 'e', 'E']) {
                default.to_owned()
            } else {
                format!("{default}.0")
            }
        }
        "bool" => if default == "true" { "True" } else { "False" }.to_owned(),
        _ => format!("{default:?}"),
    }
}

/// The method's parameters (positional ones first, required before optional) and its
/// docstring.
fn signature(cmd: &clap::Command, params: &[Param], table: bool) -> (String, String) {
    let mut sig = String::from("        self,\n");
    let positional = |p: &&Param| p.flag.is_empty();
    let mut ordered: Vec<&Param> = params.iter().filter(positional).collect();
    ordered.sort_by_key(|p| !p.required);
    for p in &ordered {
        if p.required {
            let _ = writeln!(sig, "        {}: {},", p.name, p.annotation);
        } else {
            let _ = writeln!(sig, "        {}: {} = {},", p.name, p.annotation, p.default);
        }
    }
    if table || params.iter().any(|p| !p.flag.is_empty()) {
        sig.push_str("        *,\n");
    }
    for p in params.iter().filter(|p| !p.flag.is_empty()) {
        if p.required {
            let _ = writeln!(sig, "        {}: {},", p.name, p.annotation);
        } else {
            let _ = writeln!(sig, "        {}: {} = {},", p.name, p.annotation, p.default);
        }
    }
    if table {
        sig.push_str("        output: Output = \"pandas\",\n");
    }
    let about = cmd
        .get_long_about()
        .or_else(|| cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    let mut doc = String::from("        \"\"\"");
    let about = wrap(&about.replace('\\', "\\\\").replace("\"\"\"", "'''"), 84);
    for (i, line) in about.lines().enumerate() {
        if i > 0 {
            doc.push('\n');
            if !line.is_empty() {
                doc.push_str("        ");
            }
        }
        doc.push_str(line);
    }
    let _ = write!(
        doc,
        "\n\n        The command line's `socialset {}`; `socialset {} --help` says the same.\n",
        cmd.get_name(),
        cmd.get_name()
    );
    doc.push_str("\n        Args:\n");
    for p in params {
        let help = wrap(
            &format!(
                "{}: {}",
                p.name,
                p.help.replace('\\', "\\\\").replace("\"\"\"", "'''")
            ),
            76,
        );
        let help = help.strip_prefix(&format!("{}: ", p.name)).unwrap_or(&help);
        let mut lines = help.lines();
        let first = lines.next().unwrap_or("");
        let _ = writeln!(doc, "            {}: {first}", p.name);
        for line in lines {
            if line.is_empty() {
                doc.push('\n');
            } else {
                let _ = writeln!(doc, "                {line}");
            }
        }
    }
    if table {
        doc.push_str(
            "            output: \"pandas\" (a DataFrame, the rest of the report in .attrs[\"socialset\"]),\n                \"arrow\" (a pyarrow.Table, the report in its schema's metadata), \"polars\", or\n                \"dict\" (the JSON document as the command prints it).\n",
        );
    }
    let _ = write!(
        doc,
        "\n        Returns:\n            {}\n        \"\"\"\n",
        if table {
            "The rows as `output` asks."
        } else {
            "The command's JSON document, as a dict."
        }
    );
    (sig, doc)
}
/// `text` with each prose line (not indented, as examples are) wrapped at `width` columns.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with(' ') || line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut column = 0;
        for word in line.split(' ') {
            let n = word.chars().count();
            if column > 0 && column + 1 + n > width {
                out.push('\n');
                column = 0;
            } else if column > 0 {
                out.push(' ');
                column += 1;
            }
            out.push_str(word);
            column += n;
        }
        out.push('\n');
    }
    out
}

/// `cargo xtask bench-python [--runs N] [--top K] [--write]`: `rank` and `audit` of the Higgs
/// store from Python (a release wheel) against the same engine calls from the release binary.
pub fn bench_python(root: &Path, args: &[String]) -> Result<()> {
    use std::process::Command;
    let runs: usize = crate::flag(args, "--runs", 5)?;
    let top: usize = crate::flag(args, "--top", 300_000)?;
    let write = args.iter().any(|a| a == "--write");
    let data = crate::shared_data(root)?;
    let binary = crate::release_binary(root)?;
    // The same pins as .ci/python-test installs.
    let pins =
        std::fs::read_to_string(root.join("crates/socialset-py/python/requirements-test.txt"))?;
    let pins: Vec<&str> = pins
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let python = crate::bench::venv_python(root, "py-venv", &pins)?;
    let maturin = python.with_file_name("maturin");
    let wheels = root.join("target/wheels-release");
    let _ = std::fs::remove_dir_all(&wheels);
    crate::bench::status(
        Command::new(&maturin)
            .args(["build", "--release", "--quiet", "-m"])
            .arg(root.join("crates/socialset-py/Cargo.toml"))
            .arg("--out")
            .arg(&wheels),
        "maturin build --release",
    )?;
    let wheel = std::fs::read_dir(&wheels)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .context("maturin built no wheel")?;
    crate::bench::status(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--force-reinstall",
                "--no-deps",
            ])
            .arg(&wheel),
        "pip install the wheel",
    )?;
    let dir = root.join("target/bench-python");
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("Higgs.db");
    if !db.exists() {
        crate::bench::status(
            Command::new(&binary)
                .args(["import", "--db"])
                .arg(&db)
                .arg(data.join("higgs-twitter/higgs-activity_time.txt.gz")),
            "socialset import",
        )?;
    }
    let out = Command::new(&python)
        .arg(root.join("xtask/peers/bench_python.py"))
        .arg(&db)
        .arg(&binary)
        .arg(runs.to_string())
        .arg(top.to_string())
        .current_dir(&dir)
        .output()
        .context("running bench_python.py")?;
    if !out.status.success() {
        bail!(
            "bench_python.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let r: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut text = format!(
        "Measured {} on {} ({} cores), release build and release wheel, median of {} runs; \
         Python {}, pyarrow {}, pandas {}. The Higgs activity store (304,691 accounts), every \
         account each command lists (`--top {top}`; `rank --min-engagers 1`: the accounts \
         someone engaged with).\n\n\
         | call | rows | columns | Rust: binary, rows to an Arrow file | Python: pyarrow.Table | Python: pandas DataFrame | Python / Rust (pandas) | of which: engine call and JSON | rows to Arrow batches | to pyarrow |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        crate::bench::today(),
        crate::bench::cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        r["runs"],
        r["python"].as_str().unwrap_or(""),
        r["pyarrow"].as_str().unwrap_or(""),
        r["pandas"].as_str().unwrap_or(""),
    );
    for name in ["rank", "audit"] {
        let c = &r["calls"][name];
        let f = |k: &str| c[k].as_f64().unwrap_or(f64::NAN);
        let _ = writeln!(
            text,
            "| {name} | {} | {} | {:.3} s | {:.3} s | {:.3} s | {:.2} | {:.3} s | {:.3} s | {:.4} s |",
            c["rows"],
            c["columns"],
            f("rust_s"),
            f("python_arrow_s"),
            f("python_pandas_s"),
            f("python_pandas_s") / f("rust_s"),
            f("command_s"),
            f("rows_to_batches_s"),
            f("to_pyarrow_s"),
        );
    }
    print!("{text}");
    if write {
        crate::write_between_markers(&root.join("docs/BENCHMARKS.md"), "bench-python", &text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The generated files are what the command line says today.
    #[test]
    fn the_python_methods_are_current() {
        let root = crate::repo_root();
        for (path, text) in super::generate(&root).expect("generate") {
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                current == text,
                "{} is stale: run `cargo xtask python`",
                path.display()
            );
        }
    }
}
