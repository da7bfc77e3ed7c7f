//! The conventions of the command line, over every command clap knows: help that wraps at
//! the terminal's width and not where the source was broken, a version line with the store
//! schema, shell completions, and no command that would install or run Python.

use super::socialset;

/// Every command and subcommand, with its path ("socialset eval bots"), its help laid out
/// for `width` columns.
fn all_commands_for(width: usize) -> Vec<(String, clap::Command)> {
    fn walk(path: String, cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands() {
            walk(format!("{path} {}", sub.get_name()), sub, out);
        }
        out.push((path, cmd.clone()));
    }
    let mut root = socialset_cli::command_for_width(width);
    root.build();
    let mut out = Vec::new();
    walk("socialset".into(), &root, &mut out);
    out
}

fn long_help(cmd: &clap::Command, width: usize) -> String {
    cmd.clone()
        .term_width(width)
        .max_term_width(width)
        .render_long_help()
        .to_string()
}

/// Where two lines of prose follow each other and the first word of the second would have fit
/// on the first, the text was broken by hand, not wrapped.
fn hand_breaks(help: &str, width: usize) -> Vec<String> {
    let lines: Vec<&str> = help.lines().collect();
    lines
        .windows(2)
        .filter(|w| {
            let (a, b) = (w[0], w[1]);
            let prose = |l: &str| !l.trim().is_empty() && !l.starts_with(char::is_whitespace);
            prose(a)
                && prose(b)
                && !["- ", "* ", "• "].iter().any(|m| b.starts_with(m))
                && a.chars().count() + 1 + b.split(' ').next().unwrap_or("").chars().count()
                    <= width
        })
        .map(|w| format!("{:?} / {:?}", w[0], w[1]))
        .collect()
}

#[test]
fn help_wraps_at_the_terminal_width_not_where_the_source_broke() {
    let mut problems = Vec::new();
    for width in [60, 100, 200] {
        let commands = all_commands_for(width);
        assert!(commands.len() > 30, "{} commands", commands.len());
        for (path, cmd) in &commands {
            let help = long_help(cmd, width);
            for b in hand_breaks(&help, width) {
                problems.push(format!("{path} at {width} columns: {b}"));
            }
            // Prose is wrapped to the width (indented examples, and clap's usage line, may
            // run over).
            for line in help.lines() {
                if !line.starts_with(char::is_whitespace)
                    && !line.starts_with("Usage:")
                    && line.chars().count() > width
                {
                    problems.push(format!("{path} at {width} columns, too long: {line:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn examples_keep_one_command_a_line() {
    // Without `verbatim_doc_comment` clap joins the indented example lines into prose.
    let mut problems = Vec::new();
    for (path, cmd) in all_commands_for(100) {
        let help = long_help(&cmd, 100);
        let lines: Vec<&str> = help.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("Examples:")
                && (line.trim() != "Examples:"
                    || !lines.get(i + 1).is_some_and(|next| next.starts_with("  ")))
            {
                problems.push(format!("{path}: {line:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn definition_lists_hang_under_their_column_at_any_width() {
    for width in [60, 80, 100] {
        let commands = all_commands_for(width);
        let import = &commands
            .iter()
            .find(|(p, _)| p == "socialset import")
            .expect("import")
            .1;
        let help = long_help(import, width);
        let block: Vec<&str> = help
            .lines()
            .skip_while(|l| !l.starts_with("Formats"))
            .skip(1)
            .skip_while(|l| l.starts_with(char::is_alphabetic))
            .take_while(|l| !l.starts_with("Files may be"))
            .collect();
        assert!(block.len() >= 11, "{width}: {help}");
        for line in &block {
            assert!(
                line.starts_with("  "),
                "{width}: {line:?} in\n{}",
                block.join("\n")
            );
            assert!(line.chars().count() <= width, "{width}: {line:?}");
            // A line that does not name a format continues one, under its text's column.
            if !line.starts_with("  ") || line.as_bytes().get(2) == Some(&b' ') {
                assert!(line.starts_with(&" ".repeat(15)), "{width}: {line:?}");
            }
        }
    }
    let text = "Terms:\n  one   the first of several words\n        and more\n  two   short\n  socialset rank  # code";
    assert_eq!(
        socialset_cli::wrap_definitions(text, 40),
        "Terms:\n  one   the first of several words and\n        more\n  two   short\n  socialset rank  # code"
    );
    // Too narrow for the column: the text goes under the term.
    assert_eq!(
        socialset_cli::wrap_definitions("  one   the first words", 12),
        "  one\n      the\n      first\n      words"
    );
}

#[test]
fn the_reflow_keeps_lists_examples_and_paragraphs() {
    let text = "One sentence\nbroken by hand.\n\nExamples:\n  socialset rank\n  socialset plan\n- an item\n- another\nrunning on";
    assert_eq!(
        socialset_cli::reflow(text),
        "One sentence broken by hand.\n\nExamples:\n  socialset rank\n  socialset plan\n- an item\n- another running on"
    );
}

#[test]
fn the_version_line_names_the_store_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = socialset(&dir.path().join("x.db"), &["--version"]);
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "socialset {} (store schema {})",
        env!("CARGO_PKG_VERSION"),
        socialset_engine::SCHEMA_VERSION
    );
    assert_eq!(line.trim(), expected);
    // Subcommands tell the same (clap names them "socialset-rank").
    let out = socialset(&dir.path().join("x.db"), &["rank", "--version"]);
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        line.trim(),
        expected.replacen("socialset", "socialset-rank", 1)
    );
}

#[test]
fn completions_cover_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let names: Vec<String> = socialset_cli::command()
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = socialset(&dir.path().join("x.db"), &["completions", shell]);
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8_lossy(&out.stdout);
        for name in &names {
            assert!(script.contains(name.as_str()), "{shell} lacks {name}");
        }
        // Options of subcommands too.
        assert!(script.contains("assume-native-if-unknown"), "{shell}");
    }
    let out = socialset(&dir.path().join("x.db"), &["completions", "tcsh"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values"));
}

#[test]
fn no_command_installs_or_runs_python() {
    // The code side is `cargo xtask tidy` (no crate under crates/ starts a program); here the
    // interface: no option names a venv, no help offers to install anything.
    let mut problems = Vec::new();
    for (path, cmd) in all_commands_for(200) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id.contains("venv") || id.contains("python") {
                problems.push(format!("{path} --{id}"));
            }
        }
        let help = long_help(&cmd, 200);
        for word in ["pip install", "a venv it creates", "in a venv"] {
            if help.contains(word) {
                problems.push(format!("{path}: help says {word:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn eval_vader_checks_agreement_against_the_kept_reference_scores() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = super::fixture("demo/pheme-sample.jsonl.gz");
    let reference = super::fixture("demo/pheme-sample.vader-reference.txt");
    let out = socialset(
        &dir.path().join("x.db"),
        &[
            "eval",
            "vader",
            "--json",
            "--data",
            &data.to_string_lossy(),
            "--reference",
            &reference.to_string_lossy(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(e["texts"], 1520);
    assert!(e["same_label"].as_f64().expect("share") >= 0.99, "{e}");
    assert!(e["within_0_001"].as_f64().expect("share") >= 0.99, "{e}");
    // A reference of the wrong length is refused, naming both counts.
    let short = dir.path().join("short.txt");
    std::fs::write(&short, "0.5\n-0.2\n").expect("write");
    let out = socialset(
        &dir.path().join("x.db"),
        &[
            "eval",
            "vader",
            "--data",
            &data.to_string_lossy(),
            "--reference",
            &short.to_string_lossy(),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 scores for the 1520 texts"), "{err}");
}
