//! The `socialset` command line: parses it, calls one engine method per command, and prints
//! the result. The only crate that prints. `src/main.rs` is the binary; this library gives
//! the clap definition to `cargo xtask man` (man pages) as well.

pub mod capture;
mod commands;
mod output;
mod progress;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// socialset: find, vet and measure native influencers in real social-interaction data.
///
/// Start with `socialset demo`: it imports bundled real data into a fresh store and shows what
/// socialset finds there. Then import your own files with `socialset import FILE...`, rank
/// native influencers with `socialset rank --tier native`, see why with `socialset explain`,
/// find their communities with `socialset communities`, and check they are real with
/// `socialset audit`.
#[derive(Debug, Parser)]
#[command(name = "socialset", propagate_version = true, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Demo(commands::demo::Args),
    Import(commands::import::Args),
    Stats(commands::stats::Args),
    Export(commands::export::Args),
    Rank(commands::rank::Args),
    Explain(commands::explain::Args),
    Profile(commands::profile::Args),
    Communities(commands::communities::Args),
    Audit(commands::audit::Args),
    Pods(commands::pods::Args),
    Trust(commands::trust::Args),
    Plan(Box<commands::plan::Args>),
    Campaign(commands::campaign::Args),
    Independence(commands::disclosure::IndependenceArgs),
    Disclosure(commands::disclosure::DisclosureArgs),
    Eval(commands::eval::Args),
    TrainAudit(commands::train_audit::Args),
    Sentiment(commands::sentiment::Args),
    Stance(commands::stance::Args),
    Ugc(commands::ugc::Args),
    Segments(commands::ugc::SegmentsArgs),
    Groups(commands::groups::Args),
    Claims(commands::claims::Args),
    Claim(commands::claims::ClaimArgs),
    Spreaders(commands::claims::SpreadersArgs),
    /// Plan the answer to a claim: native influencers, trusted and independent, who reach the
    /// accounts the claim reached (`plan --claim ID`; every option of `plan` applies).
    Counter(Box<commands::plan::Args>),
    Serve(commands::serve::Args),
    User(commands::serve::UserArgs),
    Token(commands::serve::TokenArgs),
    Completions(commands::completions::Args),
}

/// The version line: the crate's version and the store schema this build reads and writes.
pub fn version() -> String {
    format!(
        "{} (store schema {})",
        env!("CARGO_PKG_VERSION"),
        socialset_engine::SCHEMA_VERSION
    )
}

/// The widest help clap prints (`max_term_width` above).
const MAX_HELP_WIDTH: usize = 100;

/// The whole command line as clap builds it, with the version line and every help text
/// reflowed for the terminal's width (see [`reflow`] and [`wrap_definitions`]).
pub fn command() -> clap::Command {
    command_for_width(help_width())
}

/// [`command`] with its help laid out for `width` columns (clap wraps the prose itself; the
/// definition lists are wrapped here, with their hanging indent).
pub fn command_for_width(width: usize) -> clap::Command {
    reflow_all(Cli::command().version(version()), width)
}

/// The width clap will wrap help at: the terminal's, else `COLUMNS`, else 100; at most 100.
fn help_width() -> usize {
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .unwrap_or(MAX_HELP_WIDTH)
        .min(MAX_HELP_WIDTH)
}

fn reflow_all(cmd: clap::Command, width: usize) -> clap::Command {
    let lay_out = |a: &clap::builder::StyledStr| wrap_definitions(&reflow(&a.to_string()), width);
    let about = cmd.get_about().map(lay_out);
    let long_about = cmd.get_long_about().map(lay_out);
    let mut cmd = cmd;
    if let Some(a) = about {
        cmd = cmd.about(a);
    }
    if let Some(a) = long_about {
        cmd = cmd.long_about(a);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| reflow_all(sub, width));
    }
    cmd
}

/// Joins the hard-wrapped lines of each prose paragraph of a help text into one line, so that
/// clap wraps it at the terminal's width instead of breaking it where the source did.
/// Kept as written: blank lines, indented lines (examples, tables), list items (`- `, `* `,
/// `• `) as the start of their own line.
pub fn reflow(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        let joins = previous.is_some_and(|p| {
            !p.trim().is_empty()
                && !line.trim().is_empty()
                && !p.starts_with(char::is_whitespace)
                && !line.starts_with(char::is_whitespace)
                && !["- ", "* ", "• "].iter().any(|m| line.starts_with(m))
        });
        if previous.is_some() {
            out.push(if joins { ' ' } else { '\n' });
        }
        out.push_str(if joins { line.trim_start() } else { line });
        previous = Some(line);
    }
    out
}

/// Wraps each item of a definition list (an indented term, two or more spaces, its text; the
/// text's further lines indented to its column) to `width` columns, the text's lines hanging
/// under its column — clap would start them at the margin. Where the text's column leaves under
/// 24 columns, the text goes under the term, indented four more than it. Other lines are kept.
pub fn wrap_definitions(text: &str, width: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let Some((indent, column)) = definition(lines[i]) else {
            out.push(lines[i].to_owned());
            i += 1;
            continue;
        };
        let prefix = &lines[i][..column];
        let mut words: Vec<&str> = lines[i][column..].split_whitespace().collect();
        i += 1;
        while i < lines.len()
            && lines[i].len() > column
            && lines[i].bytes().take(column).all(|b| b == b' ')
            && lines[i].as_bytes()[column] != b' '
        {
            words.extend(lines[i].split_whitespace());
            i += 1;
        }
        let (first, hang) = if width.saturating_sub(column) >= 24 {
            (prefix.to_owned(), column)
        } else {
            out.push(prefix.trim_end().to_owned());
            (" ".repeat(indent + 4), indent + 4)
        };
        let mut line = first;
        let mut empty = true;
        for w in words {
            if !empty && line.chars().count() + 1 + w.chars().count() > width {
                out.push(std::mem::replace(&mut line, " ".repeat(hang)));
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(w);
            empty = false;
        }
        out.push(line);
    }
    out.join("\n")
}

/// Where a definition item's text starts: (the term's indent, the text's column).
fn definition(line: &str) -> Option<(usize, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent == 0 {
        return None;
    }
    let term_end = indent + line[indent..].find(' ')?;
    let gap = line[term_end..].len() - line[term_end..].trim_start_matches(' ').len();
    (gap >= 2 && term_end + gap < line.len()).then_some((indent, term_end + gap))
}

/// `socialset rank | head` closes our stdout early (see also `is_closed_stdout`). Rust ignores SIGPIPE, so `println!` then
/// panics; restoring SIGPIPE would need `unsafe`, which this workspace forbids. Instead, a
/// panic whose message is a failed write to stdout ends the process quietly with success, as
/// a reader that stopped reading is not an error; every other panic reports as usual.
fn quiet_on_closed_stdout() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
}

fn is_closed_stdout(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}

/// Parses the command line and runs the command; the binary's `main`.
pub fn run() -> ExitCode {
    quiet_on_closed_stdout();
    let mut definition = command();
    let cli = match Cli::from_arg_matches(&definition.get_matches_mut()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Completions(args) => commands::completions::run(args, definition),
        command => dispatch(command),
    };
    finish(result)
}

/// Runs one command (every one but `completions`, which needs the definition).
fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Import(args) => commands::import::run(args),
        Command::Stats(args) => commands::stats::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Rank(args) => commands::rank::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Profile(args) => commands::profile::run(args),
        Command::Audit(args) => commands::audit::run(args),
        Command::Pods(args) => commands::pods::run(args),
        Command::Trust(args) => commands::trust::run(args),
        Command::Plan(args) => commands::plan::run(*args),
        Command::Campaign(args) => commands::campaign::run(args),
        Command::Independence(args) => commands::disclosure::run_independence(args),
        Command::Disclosure(args) => commands::disclosure::run_disclosure(args),
        Command::TrainAudit(args) => commands::train_audit::run(args),
        Command::Sentiment(args) => commands::sentiment::run(args),
        Command::Stance(args) => commands::stance::run(args),
        Command::Ugc(args) => commands::ugc::run(args),
        Command::Segments(args) => commands::ugc::run_segments(args),
        Command::Groups(args) => commands::groups::run(args),
        Command::Claims(args) => commands::claims::run(args),
        Command::Claim(args) => commands::claims::run_claim(args),
        Command::Spreaders(args) => commands::claims::run_spreaders(args),
        Command::Counter(args) => commands::plan::run_counter(*args),
        Command::Communities(args) => commands::communities::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::User(args) => commands::serve::run_user(args),
        Command::Token(args) => commands::serve::run_token(args),
        Command::Completions(_) => {
            anyhow::bail!("completions are written by `socialset completions SHELL`")
        }
    }
}

/// The exit of a command: success, or its error on stderr.
fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Writers that return errors (the CSV writer) meet the closed stdout here.
        Err(e) if is_closed_stdout(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
