//! `socialset stance`: one reply's stance towards the claim it answers, for a quick check;
//! and `--train`, which makes the shipped English model.

use std::path::PathBuf;

use anyhow::Result;

use super::OutputFormat;
use crate::output::{csv, table};
use crate::progress::ImportProgress;

/// Call a reply's stance towards the claim it answers: support, deny, query or comment
/// (RumourEval's classes), with each class's chance and the features that drove the call.
///
/// Denials and questions are the crowd's own counter-information: `socialset claim ID` counts
/// them among a claim's replies. The shipped model reads English (trained on RumourEval
/// 2017's hand-labelled replies to rumours, with VADER's lexicon among its features, and the
/// reply's place in the conversation: `ctx:reply`, `ctx:nested`, `ctx:claimant`,
/// `ctx:question`). Texts that read as Italian get no call: no labelled Italian stance data
/// exists to train one. `socialset eval stance` measures it against the baselines.
///
///   socialset stance "@bbc this is fake, the police already denied it"
///   socialset stance "shots fired at parliament hill" --claim "BREAKING: shots fired at Parliament Hill, Ottawa"
///   socialset stance "is this confirmed? any source?" --format json
///   socialset stance "Gunman seen at the War Memorial" --position source
///
/// To rebuild the shipped model (the threads unpacked from their archive):
///
///   mkdir -p /tmp/re && tar xzf ../shared/data/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz -C /tmp/re
///   socialset stance --train --data /tmp/re/rumoureval-data \
///       --labels ../shared/data/rumoureval2017-pheme/traindev \
///       --out crates/socialset-engine/models/stance-en.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The reply to call.
    #[arg(required_unless_present = "train")]
    text: Option<String>,
    /// Where the text stands: the claim's own post (source), a reply to it, or a reply to a
    /// reply (nested).
    #[arg(long, default_value = "reply", value_parser = parse_position)]
    position: socialset_engine::Position,
    /// Written by the author of the claim (a claimant answering in their own thread).
    #[arg(long)]
    by_claimant: bool,
    /// The text of the claim's post the reply answers: how much the reply repeats it counts.
    #[arg(long, value_name = "TEXT")]
    claim: Option<String>,
    /// Train a model instead (with --data, --labels and --out).
    #[arg(long, requires_all = ["data", "labels", "out"])]
    train: bool,
    /// With --train: conversations with their replies (any format socialset imports).
    #[arg(long, value_name = "PATH")]
    data: Option<PathBuf>,
    /// With --train: RumourEval subtask A labels (a JSON file of tweet id to stance, or a
    /// folder of them).
    #[arg(long, value_name = "PATH")]
    labels: Option<PathBuf>,
    /// Where --train writes the model (JSON).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub(crate) fn parse_position(s: &str) -> std::result::Result<socialset_engine::Position, String> {
    socialset_engine::Position::parse(s)
        .ok_or_else(|| format!("{s:?} is not source, reply or nested"))
}

pub fn run(args: Args) -> Result<()> {
    if let (true, Some(data), Some(labels), Some(out)) =
        (args.train, &args.data, &args.labels, &args.out)
    {
        let mut progress = ImportProgress::new(true);
        let model = socialset_engine::train_stance(
            data,
            labels,
            &socialset_engine::StanceConfig::default(),
            &mut progress,
        )?;
        let text = serde_json::to_string(&model)?;
        std::fs::write(out, &text)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
        println!(
            "Trained on {}: {} weights ({} KB) written to {}.",
            model.trained_on,
            model.weights.len(),
            text.len() / 1024,
            out.display()
        );
        return Ok(());
    }
    let text = args.text.unwrap_or_default();
    let context = socialset_engine::StanceContext {
        position: args.position,
        by_claimant: args.by_claimant,
        overlap: args
            .claim
            .as_deref()
            .map_or(0, |c| socialset_engine::stance_overlap(&text, c)),
    };
    let Some(p) = socialset_engine::stance_of(&text, context) else {
        anyhow::bail!(
            "the text reads as Italian: socialset's stance model reads English only (no labelled Italian stance data exists to train one)"
        );
    };
    let chances = |sep: &str| {
        socialset_engine::STANCES
            .iter()
            .zip(p.chances)
            .map(|(s, c)| format!("{} {:.0}%", s.name(), c * 100.0))
            .collect::<Vec<_>>()
            .join(sep)
    };
    match args.format {
        OutputFormat::Json => {
            crate::output::print_json(&socialset_server::api::StanceJson::from(&p))?
        }
        OutputFormat::Csv => csv(
            &["stance", "support", "deny", "query", "comment", "drivers"],
            &[vec![
                p.stance.name().to_owned(),
                format!("{:.3}", p.chances[0]),
                format!("{:.3}", p.chances[1]),
                format!("{:.3}", p.chances[2]),
                format!("{:.3}", p.chances[3]),
                p.drivers
                    .iter()
                    .map(|(w, x)| format!("{w}:{x:+.2}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]],
        )?,
        OutputFormat::Table => {
            println!("{} ({})", p.stance.name(), chances(", "));
            let rows = p
                .drivers
                .iter()
                .map(|(w, x)| vec![w.clone(), format!("{x:+.2}")])
                .collect();
            println!("{}", table(&["driven by", "pull"], &[1], rows));
        }
    }
    Ok(())
}
