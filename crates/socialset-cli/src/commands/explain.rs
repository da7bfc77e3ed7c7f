//! `socialset explain`: why an account ranks where it does.

use anyhow::Result;
use socialset_engine::{Audience, ExplainReport};

use super::{InfluenceArgs, OutputFormat, StoreArgs};
use crate::output::{amount, csv, percent, table, thousands, top_share, who};

/// Explain an account's influence: the evidence behind its score.
///
/// Shows the engagement it received by kind, how many distinct accounts engaged, the
/// confidence that evidence gives, and the engagers whose authority flows to it with their
/// share of its score (shares plus the baseline that every account gets sum to 100%).
///
/// ACCOUNT is a full id (higgs:88), a handle (@ann@example.social), or an id without its
/// platform when unambiguous. Use the same --topic, --since, --until and --weights as the
/// ranking you want explained.
///
/// Examples:
///   socialset explain higgs:88
///   socialset explain @jaywink@diaspodon.fr --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The account to explain.
    account: String,

    /// How many engagers to list.
    #[arg(long, default_value_t = 10, value_name = "K")]
    top: usize,

    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,

    #[command(flatten)]
    influence: InfluenceArgs,

    #[command(flatten)]
    store: StoreArgs,
}

pub fn run(args: Args) -> Result<()> {
    let options = args.influence.options(None, args.top);
    let report = args
        .store
        .open_existing()?
        .explain(&args.account, &options)?;
    let rows: Vec<Vec<String>> = report
        .engagers
        .iter()
        .map(|e| {
            let k = &e.given_by_kind;
            vec![
                who(&e.id, e.handle.as_deref()),
                percent(e.share_of_score),
                amount(k[0]),
                amount(k[1]),
                amount(k[2]),
                amount(k[3]),
                amount(k[4]),
                if e.follows { "yes" } else { "" }.to_owned(),
            ]
        })
        .collect();
    match args.format {
        OutputFormat::Json => crate::output::print_json(&json(&report))?,
        OutputFormat::Csv => csv(
            &[
                "engager",
                "share_of_score",
                "replies",
                "mentions",
                "shares",
                "quotes",
                "likes",
                "follows",
            ],
            &rows,
        )?,
        OutputFormat::Table => {
            print_header(&report);
            println!(
                "{}",
                table(
                    &[
                        "engager",
                        "share of score",
                        "replies",
                        "mentions",
                        "shares",
                        "quotes",
                        "likes",
                        "follows"
                    ],
                    &[1, 2, 3, 4, 5, 6],
                    rows
                )
            );
            if report.n_engagers > report.engagers.len() {
                println!(
                    "… and {} more engagers (--top to list more).",
                    thousands((report.n_engagers - report.engagers.len()) as u64)
                );
            }
            println!(
                "Baseline (the random jump every account gets): {}",
                percent(report.baseline_share)
            );
        }
    }
    Ok(())
}

fn print_header(r: &ExplainReport) {
    let i = &r.account.influence;
    let audience = match i.audience {
        Audience::Followers(n) => format!("{} followers", thousands(n)),
        Audience::InGraph(n) => format!(
            "{} distinct engagers or followers in the data (in-graph audience: follower count unknown)",
            thousands(n)
        ),
    };
    let k = &i.received_by_kind;
    println!(
        "{} ({})",
        who(&r.account.id, r.account.handle.as_deref()),
        r.account.id
    );
    println!(
        "  rank {} of {} ({}), score {:.6}, {}, {} tier{}",
        i.rank,
        thousands(r.ranked as u64),
        top_share(r.account.percentile),
        i.score,
        audience,
        socialset_server::api::tier_name(i.tier),
        if i.native { ", native" } else { "" }
    );
    match (r.account.blend_parts, &r.order.blend) {
        (Some(p), Some(b)) => {
            let parts: Vec<String> = socialset_engine::BLEND_PARTS
                .iter()
                .zip(p)
                .zip(b.weights)
                .map(|((name, p), w)| format!("{name} {p:.1} (weight {w:.1})"))
                .collect();
            println!(
                "  placed by the predictive order: its percentiles {}; by authority (PageRank) alone it is {}",
                parts.join(", "),
                thousands(u64::from(r.account.authority_rank))
            );
        }
        _ => println!("  {}", super::rank::order_line(&r.order)),
    }
    println!(
        "  received: {} replies, {} mentions, {} shares, {} quotes, {} likes from {} distinct accounts; followed by {} in the data",
        amount(k[0]),
        amount(k[1]),
        amount(k[2]),
        amount(k[3]),
        amount(k[4]),
        thousands(u64::from(i.distinct_engagers)),
        thousands(u64::from(i.followers_in_graph))
    );
    println!(
        "  confidence {:.2} (grows with distinct engagers: n/(n+10))\n",
        i.confidence
    );
}

/// The API's explanation JSON (`socialset serve` answers with the same type).
fn json(r: &ExplainReport) -> socialset_server::api::ExplainJson {
    r.into()
}
