//! `socialset completions SHELL`: the shell's completion script, generated from the clap
//! definitions (clap_complete), so it never drifts from the commands.

use anyhow::Result;
use clap_complete::Shell;

/// Print the completion script for a shell.
///
/// Install it where your shell looks, for example:
///   socialset completions bash > ~/.local/share/bash-completion/completions/socialset
///   socialset completions zsh > ~/.zfunc/_socialset   (with fpath+=~/.zfunc in ~/.zshrc)
///   socialset completions fish > ~/.config/fish/completions/socialset.fish
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: Args, mut command: clap::Command) -> Result<()> {
    use std::io::Write as _;
    // Into a buffer first: clap_complete panics on a failed write, and a closed stdout
    // (`socialset completions bash | head`) is the reader's choice, not an error.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "socialset", &mut script);
    std::io::stdout().write_all(&script)?;
    Ok(())
}
