//! The `socialset` binary: parses the command line, calls one engine method per command, and
//! prints the result. The only crate that prints.

mod commands;
mod output;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// socialset: find, vet and measure native influencers in real social-interaction data.
///
/// Start with `socialset demo`: it imports bundled real data into a fresh store and shows what
/// socialset finds there. Then import your own files with `socialset import FILE...`, rank
/// native influencers with `socialset rank --tier native`, see why with `socialset explain`,
/// and find their communities with `socialset communities`.
#[derive(Debug, Parser)]
#[command(
    name = "socialset",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Demo(commands::demo::Args),
    Import(commands::import::Args),
    Stats(commands::stats::Args),
    Rank(commands::rank::Args),
    Explain(commands::explain::Args),
    Communities(commands::communities::Args),
    Eval(commands::eval::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(args) => commands::import::run(args),
        Command::Stats(args) => commands::stats::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Rank(args) => commands::rank::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Communities(args) => commands::communities::run(args),
        Command::Eval(args) => commands::eval::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
