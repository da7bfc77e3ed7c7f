//! `socialset plan`: the Social Set for a budget, and the professional plan beside it.

use std::path::PathBuf;

use anyhow::Result;
use socialset_engine::{Model, PlanOptions, PlanReport, PlanSet, PriceList, Probabilities};

use super::{GraphArgs, OutputFormat, StoreArgs};
use crate::output::{csv, table, thousands, who};

/// Plan a Social Set: the native influencers that reach the most accounts for the budget.
///
/// Reach follows the independent cascade (or --model lt, linear threshold) on who engages
/// with whom (when A replies to, shares or mentions B, B's posts can reach A), with
/// weighted-cascade probabilities (each account is reached through any one of the k accounts
/// it engages with with chance 1/k), or with --probabilities engagement the observed share of
/// B's posts that A engaged with (posts as stored; without posts, the hours B drew
/// engagement in stand for them; one post added to smooth). Members are chosen by IMM
/// (Tang, Shi, Xiao 2015) with a cost-aware greedy under the budget, among accounts with at
/// most --max-followers (unknown counts allowed, priced as "unknown"). Each member's cost
/// comes from the price list per follower tier (defaults: nano €50, micro €250, mid €1,500,
/// macro €6,000, mega €15,000, unknown €50; --prices FILE with `tier,price` lines). Expected
/// reach is estimated by --simulations Monte Carlo runs with a 95% interval.
///
/// --communities and --topic set a target audience: reach is counted only among its members
/// (IMM's reverse-reachable sets start there), for both plans.
///
/// With --compare professional (the default) the same budget is spent on the accounts with
/// the most followers above the native threshold, and both plans are shown side by side.
///
/// Examples:
///   socialset plan --budget 500
///   socialset plan --budget 2000 --k 20 --format json
///   socialset plan --budget 1000 --prices prices.csv --exclude @competitor
///   socialset plan --budget 500 --communities 0,3 --max-per-community 2
///   socialset plan --budget 500 --topic "#higgs, cern"
///   socialset plan --budget 500 --model lt --probabilities engagement
///   socialset plan --budget 500 --min-independence 0.8
///   socialset plan --budget 3000 --professionals @bigname,@othername
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Euros to spend.
    #[arg(long, value_name = "EUR")]
    budget: f64,
    /// At most this many members.
    #[arg(long, value_name = "K")]
    k: Option<usize>,
    /// The most followers a member may have.
    #[arg(long, default_value_t = 5_000, value_name = "N")]
    max_followers: u64,
    /// Price per post by tier: `tier,price` lines (nano, micro, mid, macro, mega, unknown).
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// IMM's accuracy: the plan reaches (1 − 1/e − ε) of the best possible (for the budgeted
    /// greedy, its own factor) with probability 1 − 1/n.
    #[arg(long, default_value_t = 0.2, value_name = "E")]
    epsilon: f64,
    #[arg(long, default_value_t = 42, value_name = "S")]
    seed: u64,
    /// Monte Carlo simulations for the reach figures.
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    simulations: usize,
    /// Count reach only among these communities' members (ids as `socialset communities`
    /// numbers them, comma-separated).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    communities: Vec<u32>,
    /// Count reach only among accounts interested in this topic (they posted about it or
    /// engaged with a post about it): words and #hashtags, comma-separated.
    #[arg(long, value_name = "T")]
    topic: Option<String>,
    /// At most this many members from one community (Leiden, as `socialset communities`):
    /// a diverse set reaches more kinds of people.
    #[arg(long, value_name = "N")]
    max_per_community: Option<usize>,
    /// Leave out accounts the audit calls likely bots unless their chance of being real is at
    /// least this (0 turns the check off; accounts with too little data stay in).
    #[arg(long, default_value_t = 0.5, value_name = "P")]
    min_authenticity: f64,
    /// Leave out accounts whose independence from brands (as `socialset independence`) is
    /// below this (accounts without posts stay in).
    #[arg(long, value_name = "S")]
    min_independence: Option<f64>,
    /// Diffusion model: `ic` (independent cascade) or `lt` (linear threshold).
    #[arg(long, default_value = "ic", value_parser = ["ic", "lt"])]
    model: String,
    /// Edge probabilities: `weighted-cascade` (1 / number of accounts one engages with) or
    /// `engagement` (observed engagement rates).
    #[arg(long, default_value = "weighted-cascade", value_parser = ["weighted-cascade", "engagement"])]
    probabilities: String,
    /// At most this many steps from a member (independent cascade; 1: the members' own
    /// engagers only, as on Twitter, where a retweet of a retweet is recorded against the
    /// original author).
    #[arg(long, value_name = "N")]
    hops: Option<u32>,
    /// Accounts never chosen (comma-separated ids or handles).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    exclude: Vec<String>,
    /// The professional plan's accounts, in order of preference (comma-separated ids or
    /// handles; bought in this order while the budget allows), instead of the largest
    /// accounts above the native threshold.
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    professionals: Vec<String>,
    /// What to compare with: `professional` (the largest accounts above the threshold) or `none`.
    #[arg(long, default_value = "professional", value_parser = ["professional", "none"])]
    compare: String,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    graph: GraphArgs,
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    limit: super::SampleLimit,
}

pub fn run(args: Args) -> Result<()> {
    if args.simulations == 0 {
        anyhow::bail!("--simulations must be at least 1");
    }
    if !(0.0..=1.0).contains(&args.min_authenticity) {
        anyhow::bail!("--min-authenticity must be between 0 and 1");
    }
    if args
        .min_independence
        .is_some_and(|m| !(0.0..=1.0).contains(&m))
    {
        anyhow::bail!("--min-independence must be between 0 and 1");
    }
    if args.max_per_community == Some(0) {
        anyhow::bail!("--max-per-community must be at least 1");
    }
    let options = PlanOptions {
        budget: args.budget,
        k: args.k,
        max_followers: args.max_followers,
        prices: match &args.prices {
            Some(p) => PriceList::read(p)?,
            None => PriceList::default(),
        },
        epsilon: args.epsilon,
        seed: args.seed,
        simulations: args.simulations,
        exclude: args.exclude,
        compare_professional: args.compare == "professional",
        professionals: args.professionals,
        max_per_community: args.max_per_community,
        audience_communities: args.communities,
        topic: args.topic,
        min_authenticity: (args.min_authenticity > 0.0).then_some(args.min_authenticity),
        min_independence: args.min_independence,
        hops: args.hops,
        model: if args.model == "lt" {
            Model::LinearThreshold
        } else {
            Model::IndependentCascade
        },
        probabilities: if args.probabilities == "engagement" {
            Probabilities::Engagement
        } else {
            Probabilities::WeightedCascade
        },
        window: args.graph.window(),
    };
    let mut limits = socialset_engine::Limits::default();
    args.limit.apply(&mut limits);
    let (ws, progress) = args.store.open_watched(limits)?;
    let r = crate::progress::watch(&progress, || ws.plan(&options))?;
    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&to_json(&r))?),
        OutputFormat::Csv => {
            let mut rows = rows_of("social set", &r.social_set);
            if let Some(p) = &r.professional {
                rows.extend(rows_of("professional", p));
            }
            csv(
                &["plan", "account", "followers", "cost_eur", "marginal_reach"],
                &rows,
            )?;
        }
        OutputFormat::Table => print(&r),
    }
    Ok(())
}

fn rows_of(plan: &str, s: &PlanSet) -> Vec<Vec<String>> {
    s.members
        .iter()
        .map(|m| {
            vec![
                plan.to_owned(),
                m.id.clone(),
                m.followers.map(|f| f.to_string()).unwrap_or_default(),
                format!("{:.2}", m.cost),
                m.marginal_reach
                    .map_or(String::new(), |g| format!("{g:.1}")),
            ]
        })
        .collect()
}

fn summary(name: &str, s: &PlanSet) -> String {
    format!(
        "{name}: {} members, €{:.0}, expected reach {:.0} accounts (95% interval {:.0}–{:.0}), {:.2} accounts per euro ({:.2}–{:.2})",
        s.members.len(),
        s.cost,
        s.reach.mean,
        s.reach.low,
        s.reach.high,
        s.reach_per_euro,
        s.reach.low / s.cost.max(f64::MIN_POSITIVE),
        s.reach.high / s.cost.max(f64::MIN_POSITIVE)
    )
}

fn print(r: &PlanReport) {
    println!(
        "Budget €{:.0}; {} accounts ({} in the target audience), {} influence links ({}, {} probabilities); {} native candidates ({} likely bots and {} dependent on brands left out); IMM ε = {} on {} RR sets ({} MiB).",
        r.budget,
        thousands(r.accounts as u64),
        thousands(r.audience as u64),
        thousands(r.influence_edges as u64),
        match r.model {
            Model::IndependentCascade => "independent cascade",
            Model::LinearThreshold => "linear threshold",
        },
        match r.probabilities {
            Probabilities::WeightedCascade => "weighted-cascade",
            Probabilities::Engagement => "engagement-rate",
        },
        thousands(r.candidates as u64),
        thousands(r.left_out_as_bots as u64),
        thousands(r.left_out_as_dependent as u64),
        r.epsilon,
        thousands(r.rr_sets as u64),
        thousands(r.sample_bytes.div_ceil(1 << 20))
    );
    if r.sample_capped {
        println!(
            "The RR sets reached the memory limit (--max-sample-mb): the plan holds to ε = {:.3} instead of {}.",
            r.epsilon_achieved, r.epsilon
        );
    }
    let rows = r
        .social_set
        .members
        .iter()
        .map(|m| {
            vec![
                who(&m.id, m.handle.as_deref()),
                m.followers.map_or("unknown".into(), thousands),
                format!("€{:.0}", m.cost),
                m.marginal_reach
                    .map_or(String::new(), |g| format!("+{g:.1}")),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &["member", "followers", "cost", "why: adds to reach"],
            &[1, 2, 3],
            rows
        )
    );
    println!("{}", summary("Social Set", &r.social_set));
    match &r.professional {
        Some(p) => {
            println!("{}", summary("Professional plan", p));
            let names: Vec<String> = p.members.iter().map(|m| who(&m.id, m.handle.as_deref())).collect();
            println!("  ({})", names.join(", "));
            if let Some(o) = r.audience_overlap {
                println!(
                    "Of the accounts either plan reaches, {:.1}% (95% interval {:.1}–{:.1}%) are reached by both.",
                    o.mean * 100.0,
                    o.low * 100.0,
                    o.high * 100.0
                );
            }
        }
        None => println!("No professional plan: no account above the native threshold with a known follower count fits the budget."),
    }
}

/// The API's plan JSON (`socialset serve` answers with the same type).
fn to_json(r: &PlanReport) -> socialset_server::api::PlanJson {
    r.into()
}
