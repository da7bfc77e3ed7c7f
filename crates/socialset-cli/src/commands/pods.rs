//! `socialset pods`: groups that engage with each other reciprocally, densely and fast.

use anyhow::Result;
use serde_json::{json, Value};
use socialset_engine::{PodConfig, PodLine};

use super::{OutputFormat, StoreArgs, TimeArgs};
use crate::output::{csv, table, who};

/// Find engagement pods: accounts that like and share each other's posts to inflate reach.
///
/// A pod likes and shares its members' posts reciprocally, densely and fast; conversation
/// (replies, mentions) is not inflation and does not make a pod.
///
/// Only likes, shares and quotes count: replies and mentions are conversation, and a brand
/// answering its customers or friends talking is not a pod, however fast. Data with replies
/// only (e.g. PHEME's threads) has no pods to find.
///
/// Two accounts are a mutual pair when each liked or shared the other at least --min-pair times;
/// groups are cut from the graph of mutual pairs where they are denser than --min-density
/// (Leiden, Constant Potts Model). Each group is scored by the geometric mean of its density,
/// its reciprocity (the share of its inner engagement that is returned) and its speed (the
/// share of inner engagement landing within --window-minutes of another member's on the same
/// account). Groups scoring at least --min-score are listed, best first.
///
/// Examples:
///   socialset pods
///   socialset pods --window-minutes 5 --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Engagements each way before two accounts count as a mutual pair.
    #[arg(long, default_value_t = PodConfig::default().min_pair_events, value_name = "N")]
    min_pair: u32,
    /// Smallest group listed.
    #[arg(long, default_value_t = PodConfig::default().min_size, value_name = "N")]
    min_size: usize,
    /// Density a group must exceed (0–1).
    #[arg(long, default_value_t = PodConfig::default().min_density, value_name = "D")]
    min_density: f64,
    /// "Fast" means within this many minutes of another member.
    #[arg(long, default_value_t = PodConfig::default().window_minutes, value_name = "M")]
    window_minutes: f64,
    /// Smallest score listed (0–1).
    #[arg(long, default_value_t = PodConfig::default().min_score, value_name = "S")]
    min_score: f64,
    #[arg(long, default_value_t = 42, value_name = "S")]
    seed: u64,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn run(args: Args) -> Result<()> {
    for (name, v) in [
        ("--min-density", args.min_density),
        ("--min-score", args.min_score),
    ] {
        if !(0.0..=1.0).contains(&v) {
            anyhow::bail!("{name} must be between 0 and 1");
        }
    }
    if args.window_minutes.is_nan() || args.window_minutes <= 0.0 {
        anyhow::bail!("--window-minutes must be positive");
    }
    let config = PodConfig {
        min_pair_events: args.min_pair.max(1),
        min_size: args.min_size.max(2),
        min_density: args.min_density,
        window_minutes: args.window_minutes,
        min_score: args.min_score,
        seed: args.seed,
    };
    let pods = args
        .store
        .open_existing()?
        .pods(&config, &args.time.window())?;
    let rows: Vec<Vec<String>> = pods
        .iter()
        .map(|p| {
            vec![
                p.number.to_string(),
                p.members.len().to_string(),
                format!("{:.2}", p.evidence.score),
                format!("{:.2}", p.evidence.density),
                format!("{:.2}", p.evidence.reciprocity),
                format!("{:.0}%", p.evidence.fast_share * 100.0),
                format!("{:.1}", p.evidence.median_gap_minutes),
                p.evidence.events.to_string(),
                format!("{:.0}%", p.evidence.insularity * 100.0),
                members_text(p),
            ]
        })
        .collect();
    match args.format {
        OutputFormat::Json => crate::output::print_json(&pods_json(&pods))?,
        OutputFormat::Csv => csv(
            &[
                "pod",
                "members",
                "score",
                "density",
                "reciprocity",
                "fast_share",
                "median_gap_minutes",
                "events",
                "insularity",
                "accounts",
            ],
            &rows,
        )?,
        OutputFormat::Table => {
            if pods.is_empty() {
                println!("No engagement pods found (score ≥ {}).", config.min_score);
                return Ok(());
            }
            println!(
                "{}",
                table(
                    &[
                        "pod",
                        "size",
                        "score",
                        "density",
                        "reciprocity",
                        "fast",
                        "median gap (min)",
                        "events",
                        "insular",
                        "members"
                    ],
                    &[0, 1, 2, 3, 4, 5, 6, 7, 8],
                    rows
                )
            );
            println!("fast: share of inner engagement within {} min of another member's on the same account; insular: share of the members' engagement that stays inside.", config.window_minutes);
        }
    }
    Ok(())
}

fn members_text(p: &PodLine) -> String {
    let mut names: Vec<String> = p
        .members
        .iter()
        .take(8)
        .map(|m| who(&m.id, m.handle.as_deref()))
        .collect();
    if p.members.len() > 8 {
        names.push(format!("… {} more", p.members.len() - 8));
    }
    names.join(", ")
}

pub fn pods_json(pods: &[PodLine]) -> Value {
    json!(pods
        .iter()
        .map(socialset_server::api::PodJson::from)
        .collect::<Vec<_>>())
}
