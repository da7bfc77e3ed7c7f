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
/// The language is detected from the text. Italian texts are scored by a linear model trained
/// on SENTIPOLC 2016's training set; English ones by a linear model trained on TweetEval's
/// validation split and the Sanders brand corpus, with VADER's lexicon among its features
/// (`v:c+2`: VADER's compound score about +0.5; `v:w-3`: a lexicon word of valence about -3
/// after VADER's rules), or by VADER alone with `--model vader`. Both models ship with
/// socialset (nothing is downloaded). `socialset eval sentiment` measures them.
///
///   socialset sentiment "Che bella giornata, grazie a tutti!"
///   socialset sentiment "not bad at all, I love it" --format json
///   socialset sentiment "not bad at all, I love it" --model vader
///   socialset sentiment "The @globex app is so much better than @acme" --towards @acme
///   socialset sentiment "Adoro Fastweb, Tim invece mi ha deluso" --towards tim --other fastweb
///
/// To rebuild the shipped models from their training sets:
///
///   socialset sentiment --train ../shared/data/sentipolc-2016/training_set_sentipolc16.csv \
///       --out crates/socialset-engine/models/sentiment-it.json
///   socialset sentiment --train ../shared/data/english-sentiment/tweeteval-val_text.txt \
///       --train ../shared/data/english-sentiment/sanders-full-corpus.csv \
///       --out crates/socialset-engine/models/sentiment-en.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The text to score.
    #[arg(required_unless_present = "train")]
    text: Option<String>,
    /// Train a model on this labelled file instead (with --out; repeat for more files, all
    /// in one language): SENTIPOLC 2016's CSV (Italian), TweetEval's NAME_text.txt with its
    /// NAME_labels.txt beside it, or the Sanders CSV (English).
    #[arg(long, value_name = "FILE", requires = "out")]
    train: Vec<PathBuf>,
    /// Score the sentiment towards this brand or account (@acme or acme): where the text also
    /// speaks of other accounts or brands in other clauses, only the brand's clauses are read,
    /// and "better than @acme" counts against it.
    #[arg(long, value_name = "B", conflicts_with = "train")]
    towards: Option<String>,
    /// With --towards: another brand the text may name without an @ (repeat for more); every
    /// @account other than the brand counts as another anyway.
    #[arg(long, value_name = "B", requires = "towards")]
    other: Vec<String>,
    /// What reads English: the shipped trained model, or VADER alone.
    #[arg(long, value_enum, default_value = "trained")]
    model: ModelArg,
    /// Where --train writes the model (JSON).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

/// What reads English text.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ModelArg {
    /// The shipped model, trained on hand-labelled tweets, VADER's lexicon among its features.
    Trained,
    /// VADER alone (Hutto and Gilbert 2014), as vaderSentiment 3.3.2 scores.
    Vader,
}

impl From<ModelArg> for socialset_engine::SentimentModel {
    fn from(m: ModelArg) -> Self {
        match m {
            ModelArg::Trained => Self::Trained,
            ModelArg::Vader => Self::Vader,
        }
    }
}

pub fn run(args: Args) -> Result<()> {
    if let (false, Some(out)) = (args.train.is_empty(), &args.out) {
        let model = socialset_engine::train_sentiment(&args.train)?;
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
    let c = socialset_engine::classify_towards(
        &text,
        args.model.into(),
        args.towards.as_deref(),
        &args.other,
    );
    let r = &c.sentiment;
    match args.format {
        OutputFormat::Json => {
            crate::output::print_json(&socialset_server::api::SentimentJson::from(&c))?
        }
        OutputFormat::Csv => csv(
            &[
                "kind", "reasons", "polarity", "language", "positive", "negative", "score",
                "drivers", "towards",
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
                c.towards.unwrap_or_default().to_owned(),
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
            if let (Some(b), Some(how)) = (&args.towards, c.towards) {
                let said = match how {
                    "its clauses" => "only the clauses about it were read",
                    "compared" => "it is the second term of a comparison, read from the other side",
                    "not named" => "the text does not name it: the whole text was read",
                    _ => "the whole text is about it",
                };
                println!("towards {b}: {said}");
            }
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
