//! `cargo xtask man [--out DIR]`: man pages for `socialset` and each of its commands, generated
//! by clap_mangen from the same clap definition the binary parses (`socialset_cli::command_for_width`),
//! into target/man by default (`man -l target/man/socialset.1` reads one).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub fn man(root: &Path, args: &[String]) -> Result<()> {
    let out: PathBuf = crate::flag_text(args, "--out")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/man"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let pages = write_pages(&out)?;
    println!("{pages} man pages in {}", out.display());
    Ok(())
}

/// Writes `socialset.1` and `socialset-COMMAND[-SUB].1` for every command; returns how many.
fn write_pages(out: &Path) -> Result<usize> {
    // Laid out for 100 columns whatever terminal runs this: the pages do not depend on it.
    let mut cmd = socialset_cli::command_for_width(100);
    cmd.build();
    let mut written = 0;
    page(&cmd, "socialset", out, &mut written)?;
    Ok(written)
}

fn page(cmd: &clap::Command, name: &str, out: &Path, written: &mut usize) -> Result<()> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(cmd.clone().name(name.to_owned()))
        .render(&mut buffer)
        .with_context(|| format!("rendering the man page of {name}"))?;
    let path = out.join(format!("{name}.1"));
    std::fs::write(&path, buffer).with_context(|| format!("writing {}", path.display()))?;
    *written += 1;
    for sub in cmd.get_subcommands() {
        if sub.get_name() != "help" {
            page(sub, &format!("{name}-{}", sub.get_name()), out, written)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_command_has_a_page_that_names_its_options() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = super::write_pages(dir.path()).expect("pages");
        assert!(n > 30, "{n} pages");
        let rank = std::fs::read_to_string(dir.path().join("socialset-rank.1")).expect("rank page");
        assert!(rank.contains(".TH socialset-rank"), "{}", &rank[..200]);
        assert!(rank.contains("assume\\-native\\-if\\-unknown"));
        let bots = std::fs::read_to_string(dir.path().join("socialset-eval-bots.1")).expect("page");
        assert!(bots.contains("folds\\-out"));
        let top = std::fs::read_to_string(dir.path().join("socialset.1")).expect("top page");
        assert!(top.contains("store schema"), "the version line");
    }
}
