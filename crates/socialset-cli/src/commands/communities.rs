//! `socialset communities`: the qualified, stable clusters of the engagement graph.

use anyhow::Result;
use socialset_engine::{CommunityOptions, CommunityReport, Quality};

use super::{GraphArgs, OutputFormat, StoreArgs};
use crate::output::{count_of, csv, percent, table, thousands, who};

/// Find communities: groups of accounts that engage with each other more than with others.
///
/// Leiden clustering (Traag et al. 2019) of the engagement graph, undirected and weighted by
/// kind; every community is connected, and the same --seed gives the same communities on any
/// machine. Each community is labelled by its most distinctive hashtags and words, where its
/// members posted. Also reported: modularity, k-core depth and connected components.
///
/// --objective modularity (default) or cpm (Constant Potts Model); --resolution sets how
/// fine the communities are (higher: smaller communities; for cpm, a density threshold).
///
/// --window-days D splits the data into consecutive windows of D days, clusters each, and
/// tells how stable the communities are: for accounts active in two consecutive windows, the
/// adjusted Rand index and NMI of their communities, and for each large community the share
/// of its members found together again.
///
/// Examples:
///   socialset communities --top 10
///   socialset communities --window-days 1 --format json
///   socialset communities --objective cpm --resolution 0.05
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// modularity or cpm.
    #[arg(long, value_enum, default_value = "modularity")]
    objective: Objective,

    /// Resolution of the objective (modularity: 1 is classic; cpm: density threshold).
    #[arg(long, default_value_t = 1.0, value_name = "R")]
    resolution: f64,

    /// Random seed: the same seed gives the same communities.
    #[arg(long, default_value_t = 42, value_name = "S")]
    seed: u64,

    /// Independent Leiden runs, in parallel; the partition of highest quality is kept (more
    /// runs: steadier, better communities, proportionally more time; 1 for a single run).
    #[arg(long, default_value_t = socialset_engine::DEFAULT_RESTARTS, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    restarts: u32,

    /// Whole Leiden iterations per run at most; a run stops earlier when an iteration
    /// changes nothing.
    #[arg(long, default_value_t = socialset_engine::CommunityOptions::default().max_iterations, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=100))]
    iterations: u32,

    /// Compare communities across consecutive windows of this many days.
    #[arg(long, value_name = "D")]
    window_days: Option<f64>,

    /// Leiden runs per window with --window-days (the best is kept). The default is what held
    /// up on real data: the stability's figures do not move beyond seed noise with more
    /// (docs/EVALUATION.md, cargo xtask eval-stability-restarts).
    #[arg(long, default_value_t = socialset_engine::DEFAULT_WINDOW_RESTARTS, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    window_restarts: u32,

    /// How many communities to list.
    #[arg(long, default_value_t = 10, value_name = "K")]
    top: usize,

    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,

    #[command(flatten)]
    out: super::OutArgs,

    #[command(flatten)]
    graph: GraphArgs,

    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    limit: super::WindowLimit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Objective {
    Modularity,
    Cpm,
}

pub fn run(args: Args) -> Result<()> {
    if !(args.resolution.is_finite() && args.resolution > 0.0) {
        anyhow::bail!(
            "--resolution must be a positive number, not {}",
            args.resolution
        );
    }
    let options = CommunityOptions {
        weights: args.graph.weights,
        window: args.graph.window(),
        quality: match args.objective {
            Objective::Modularity => Quality::Modularity {
                resolution: args.resolution,
            },
            Objective::Cpm => Quality::Cpm {
                resolution: args.resolution,
            },
        },
        seed: args.seed,
        restarts: args.restarts,
        window_restarts: args.window_restarts,
        max_iterations: args.iterations,
        window_days: args.window_days,
        top: args.top,
    };
    let mut limits = socialset_engine::Limits::default();
    args.limit.apply(&mut limits);
    let (ws, progress) = args.store.open_watched(limits)?;
    let report = crate::progress::watch(&progress, || ws.communities(&options))?;
    if args.out.write(
        "communities",
        &serde_json::to_value(json(&report))?["communities"],
    )? {
        return Ok(());
    }
    // For people: thousands separated, shares as percentages; a CSV keeps the numbers.
    let for_people = args.format == OutputFormat::Table;
    let rows: Vec<Vec<String>> = report
        .communities
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                if for_people {
                    thousands(u64::from(c.size))
                } else {
                    c.size.to_string()
                },
                c.labels.join(" "),
                c.top_members
                    .iter()
                    .map(|(id, h)| who(id, h.as_deref()))
                    .collect::<Vec<_>>()
                    .join(", "),
                if for_people {
                    percent(c.internal_share)
                } else {
                    c.internal_share.to_string()
                },
            ]
        })
        .collect();
    match args.format {
        OutputFormat::Json => crate::output::print_json(&json(&report))?,
        OutputFormat::Csv => csv(
            &[
                "community",
                "size",
                "labels",
                "top_members",
                "engagement_inside",
            ],
            &rows,
        )?,
        OutputFormat::Table => {
            println!(
                "{}",
                table(
                    &["#", "size", "labels", "top members", "engagement inside"],
                    &[0, 1, 4],
                    rows
                )
            );
            println!(
                "{} hold {} accounts; modularity {:.4} (best of {}, {}). {} (largest {}); deepest k-core {}.",
                count_of(report.n_communities, "community", "communities"),
                thousands(report.accounts_in_communities as u64),
                report.modularity,
                count_of(report.restarts as usize, "Leiden run", "Leiden runs"),
                count_of(report.iterations as usize, "iteration", "iterations"),
                count_of(report.components, "connected component", "connected components"),
                thousands(u64::from(report.largest_component)),
                report.max_core
            );
            if let Some(s) = &report.stability {
                print_stability(s);
            }
        }
    }
    Ok(())
}

use socialset_server::api::day;

fn print_stability(s: &socialset_engine::Stability) {
    println!("\nStability across windows:");
    let rows = s
        .comparisons
        .iter()
        .map(|c| {
            let kept: Vec<String> = c
                .matches
                .iter()
                .take(5)
                .map(|m| format!("{}→{} {}", m.before, m.after, percent(m.kept_share)))
                .collect();
            vec![
                format!("{} → {}", day(c.window_before.0), day(c.window_after.0)),
                format!(
                    "{} → {}",
                    thousands(u64::from(c.communities_before)),
                    thousands(u64::from(c.communities_after))
                ),
                thousands(u64::from(c.accounts_in_both)),
                format!("{:.3}", c.ari),
                format!("{:.3}", c.nmi),
                kept.join(", "),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "windows",
                "communities",
                "accounts in both",
                "ARI",
                "NMI",
                "largest communities kept"
            ],
            &[2, 3, 4],
            rows
        )
    );
    if s.untimed_engagements > 0 {
        println!(
            "{} engagements without a time are in no window.",
            thousands(s.untimed_engagements)
        );
    }
}

/// The API's communities JSON (`socialset serve` answers with the same type).
fn json(r: &CommunityReport) -> socialset_server::api::CommunitiesJson {
    r.into()
}
