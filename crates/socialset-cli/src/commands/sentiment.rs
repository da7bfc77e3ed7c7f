//! `socialset sentiment`: one text's sentiment, for a quick check; and `--train`, which
//! makes the shipped Italian model.

use std::path::PathBuf;

use anyhow::Result;

use super::OutputFormat;
use crate::output::{csv, table};

/// Score the sentiment and kind of a text (question, complaint, praise, review, mention).
///
/// Sentiment: positive, negative, neutral or mixed, with the chances of each side and the
/// words that drove it (`n:` marks a word under a negation, `c:` a piece of a word). Kind: as
/// `socialset ugc` would call it, taking the text as a new post, with the cues behind it.
///
/// Italian texts are scored by a linear model trained on SENTIPOLC 2016's training set and
/// shipped with socialset (nothing is downloaded). `socialset eval sentiment` measures it.
///
///   socialset sentiment "Che bella giornata, grazie a tutti!"
///   socialset sentiment "non mi piace per niente" --format json
///
/// To rebuild the shipped model from the training set:
///
///   socialset sentiment --train ../shared/data/sentipolc-2016/training_set_sentipolc16.csv \
///       --out crates/socialset-engine/models/sentiment-it.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The text to score.
    #[arg(required_unless_present = "train")]
    text: Option<String>,
    /// Train the Italian model on this SENTIPOLC-format file instead (with --out).
    #[arg(long, value_name = "FILE", requires = "out")]
    train: Option<PathBuf>,
    /// Where --train writes the model (JSON).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn run(args: Args) -> Result<()> {
    if let (Some(data), Some(out)) = (&args.train, &args.out) {
        let model = socialset_engine::train_sentiment(data)?;
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
    let c = socialset_engine::classify(&text);
    let r = &c.sentiment;
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&socialset_server::api::SentimentJson::from(&c))?
        ),
        OutputFormat::Csv => csv(
            &[
                "kind", "reasons", "polarity", "language", "positive", "negative", "score",
                "drivers",
            ],
            &[vec![
                c.kind.name().to_owned(),
                c.reasons.join("; "),
                r.polarity.name().to_owned(),
                r.language.code().to_owned(),
                format!("{:.3}", r.positive),
                format!("{:.3}", r.negative),
                format!("{:.3}", r.score),
                r.drivers
                    .iter()
                    .map(|(w, p)| format!("{w}:{p:+.2}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]],
        )?,
        OutputFormat::Table => {
            println!(
                "{} (score {:+.2}; positive {:.0}%, negative {:.0}%; language: {})",
                r.polarity.name(),
                r.score,
                r.positive * 100.0,
                r.negative * 100.0,
                r.language.code()
            );
            println!("kind: {} ({})", c.kind.name(), c.reasons.join("; "));
            let rows = r
                .drivers
                .iter()
                .map(|(w, p)| vec![w.clone(), format!("{p:+.2}")])
                .collect();
            println!("{}", table(&["driven by", "pull"], &[1], rows));
        }
    }
    Ok(())
}
