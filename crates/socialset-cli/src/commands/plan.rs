//! `socialset plan`: the Social Set for a budget, and the professional plan beside it.

use std::path::PathBuf;

use anyhow::Result;
use socialset_engine::{Model, PlanOptions, PlanReport, PlanSet, PriceList, Probabilities};

use super::{OutputFormat, StoreArgs, TimeArgs};
use crate::output::{csv, table, thousands, who};

/// Plan a Social Set: the native influencers that reach the most accounts for the budget.
///
/// By default (--probabilities learned) reach is learned from what happened in the data: each
/// account's time-decayed share of the engagement, how often its past engagers come back and
/// how many new ones it draws, one hop (a share of a share is recorded against the original
/// author), scaled by the activity the data set is expected to see over the next --days (its
/// hourly activity after the last peak, fitted as a power-law decay). The half-life of the
/// decay, how much of the past's concentration on a few accounts carries on, and the share of
/// engagement that goes to accounts not seen yet are chosen by a held-out test on the history's
/// last stretch after its last peak of activity. The forecast reach comes
/// with a 95% predictive interval that joins three errors, each printed: the learned
/// parameters' (a bootstrap over the history), the outcome's own randomness, and how far past
/// forecasts made inside the history missed. This is the setting that forecast best on real
/// cascades (docs/EVALUATION.md: the protocol and the figures).
///
/// --probabilities weighted-cascade or engagement walk the independent cascade (or --model lt)
/// on who engages with whom, with 1/k or observed per-post engagement probabilities; members
/// are chosen by IMM (Tang, Shi, Xiao 2015) and the reach's interval is only the Monte Carlo
/// error of --simulations runs, not the uncertainty of a forecast.
///
/// Reach is counted inside the imported data, the only reach socialset observes. A member's
/// followers are its nominal audience, which the data cannot see: both are printed, and they
/// are not comparable (a professional with millions of followers may reach a few dozen
/// accounts of the data).
///
/// Members have at most --max-followers. An account whose follower count is unknown (known
/// only as the target of mentions, say) is in tier "unknown" and left out, unless
/// --assume-native-if-unknown counts it as a native. Verified accounts and brands are flagged.
/// Each member's cost comes from the price list per follower tier (defaults: nano €50, micro
/// €250, mid €1,500, macro €6,000, mega €15,000, unknown €50; --prices FILE with `tier,price`
/// lines).
///
/// --communities and --topic set a target audience: reach is counted only among its members,
/// for both plans. --claim ID (or `socialset counter`) plans the answer to a claim: reach is
/// counted among the accounts it reached and those who engage with them, and the accounts
/// that carried it are left out of the members.
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
///   socialset counter --claim text:tw:544329935943237632 --budget 500
///   socialset plan --budget 500 --days 30
///   socialset plan --budget 500 --assume-native-if-unknown
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
    /// Plan the answer to this claim (an id `socialset claims` lists): reach counted among
    /// the accounts it reached and those who engage with them; its carriers left out.
    #[arg(long, value_name = "ID")]
    claim: Option<String>,
    /// At most this many members from one community (Leiden, as `socialset communities`):
    /// a diverse set reaches more kinds of people.
    #[arg(long, value_name = "N")]
    max_per_community: Option<usize>,
    /// Leave out accounts the audit calls likely fakes or bots unless their chance of being real is at
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
    /// Where reach comes from: `learned` (from the timed history, a forecast over --days with a
    /// predictive interval), `weighted-cascade` (1 / number of accounts one engages with) or
    /// `engagement` (observed engagement rates); the last two simulate a cascade.
    #[arg(long, default_value = "learned", value_parser = ["learned", "weighted-cascade", "engagement"])]
    probabilities: String,
    /// Days the campaign runs: the horizon of the learned forecast (fractions allowed, at
    /// most 366).
    #[arg(long, default_value_t = 7.0, value_name = "D")]
    days: f64,
    /// Count accounts whose follower count is unknown as native candidates (their in-graph
    /// audience the only evidence); by default they are left out and counted.
    #[arg(long)]
    assume_native_if_unknown: bool,
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
    time: TimeArgs,
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    limit: super::SampleLimit,
}

/// `socialset counter`: `plan` with a claim to answer.
pub fn run_counter(args: Args) -> Result<()> {
    if args.claim.is_none() {
        anyhow::bail!("counter answers a claim: give --claim ID (socialset claims lists them)");
    }
    run(args)
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
        claim: args.claim,
        min_authenticity: (args.min_authenticity > 0.0).then_some(args.min_authenticity),
        min_independence: args.min_independence,
        hops: args.hops,
        model: if args.model == "lt" {
            Model::LinearThreshold
        } else {
            Model::IndependentCascade
        },
        probabilities: Probabilities::parse(&args.probabilities).unwrap_or_default(),
        horizon_days: args.days,
        assume_native_if_unknown: args.assume_native_if_unknown,
        window: args.time.window(),
    };
    let mut limits = socialset_engine::Limits::default();
    args.limit.apply(&mut limits);
    let (ws, progress) = args.store.open_watched(limits)?;
    let r = crate::progress::watch(&progress, || ws.plan(&options))?;
    match args.format {
        OutputFormat::Json => crate::output::print_json(&to_json(&r))?,
        OutputFormat::Csv => {
            let mut rows = rows_of("social set", &r.social_set);
            if let Some(p) = &r.professional {
                rows.extend(rows_of("professional", p));
            }
            csv(
                &[
                    "plan",
                    "account",
                    "handle",
                    "followers",
                    "cost_eur",
                    "marginal_reach",
                    "flags",
                ],
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
                m.handle.clone().unwrap_or_default(),
                m.followers.map(|f| f.to_string()).unwrap_or_default(),
                format!("{:.2}", m.cost),
                m.marginal_reach
                    .map_or(String::new(), |g| format!("{g:.1}")),
                m.flags.join(" "),
            ]
        })
        .collect()
}

fn summary(name: &str, s: &PlanSet) -> String {
    let per_euro = |x: f64| x / s.cost.max(f64::MIN_POSITIVE);
    let nominal = match s.nominal_audience {
        Some(f) => format!(
            "{} followers (nominal, not observable in the data)",
            thousands(f)
        ),
        None => "followers unknown for some members".into(),
    };
    let (what, interval) = match &s.forecast {
        Some(_) => ("forecast reach inside the data", "95% predictive interval"),
        None => (
            "expected reach inside the data",
            "95% interval of the simulation only",
        ),
    };
    format!(
        "{name}: {} members, €{:.0}, {what} {:.0} accounts ({interval} {:.0}–{:.0}), {:.2} accounts per euro ({:.2}–{:.2}); {nominal}",
        s.members.len(),
        s.cost,
        s.reach.mean,
        s.reach.low,
        s.reach.high,
        s.reach_per_euro,
        per_euro(s.reach.low),
        per_euro(s.reach.high)
    )
}

/// Where a forecast's interval comes from, in words.
fn forecast_parts(s: &PlanSet) -> Option<String> {
    let f = s.forecast.as_ref()?;
    let calibrated = if f.backtests == 0 {
        "no past forecast could be made inside the history: the interval is not calibrated".into()
    } else {
        format!(
            "the misses of past forecasts beyond those {:.2} (from {} backtests)",
            f.sd_past_forecasts, f.backtests
        )
    };
    Some(format!(
        "  where the interval's width comes from (standard deviations of the log of reach): the learned model {:.2} (bootstrap over the history), chance in what happens {:.2}, {calibrated}",
        f.sd_parameters, f.sd_outcome
    ))
}

fn print(r: &PlanReport) {
    let how = match &r.learned {
        Some(l) => format!(
            "reach learned from the timed history ({}, concentration {}, {:.0}% of interactions to accounts not seen yet; chosen on a held-out stretch of the history), forecast over {} days ({} interactions expected in the data set)",
            l.half_life_hours
                .map_or("no decay".into(), |h| format!("half-life {h} h")),
            l.concentration,
            100.0 * l.new_targets,
            l.horizon_days,
            thousands(l.volume.round() as u64)
        ),
        None => format!(
            "{}, {} probabilities; IMM ε = {} on {} RR sets ({} MiB)",
            match r.model {
                Model::IndependentCascade => "independent cascade",
                Model::LinearThreshold => "linear threshold",
            },
            r.probabilities.name(),
            r.epsilon,
            thousands(r.rr_sets as u64),
            thousands(r.sample_bytes.div_ceil(1 << 20))
        ),
    };
    let unknown = if r.left_out_unknown_audience > 0 {
        format!(
            ", {} with unknown follower counts (--assume-native-if-unknown counts them)",
            thousands(r.left_out_unknown_audience as u64)
        )
    } else {
        String::new()
    };
    println!(
        "Budget €{:.0}; {} accounts ({} in the target audience), {} influence links; {} native candidates ({} likely fakes or bots and {} dependent on brands left out{unknown}); {how}.",
        r.budget,
        thousands(r.accounts as u64),
        thousands(r.audience as u64),
        thousands(r.influence_edges as u64),
        thousands(r.candidates as u64),
        thousands(r.left_out_as_bots as u64),
        thousands(r.left_out_as_dependent as u64),
    );
    if let (Some(exposed), Some(carriers)) = (r.claim_exposed, r.claim_carriers) {
        let s = &r.social_set;
        let reach = s.forecast.as_ref().map_or(s.reach.mean, |f| f.point);
        println!(
            "The answer to the claim: it reached {} accounts ({} carried it, left out of the members); with those who engage with them, {} accounts are its audience. The Social Set is expected to reach {:.0} of them ({:.1}%).",
            thousands(exposed as u64),
            thousands(carriers as u64),
            thousands(r.audience as u64),
            reach,
            100.0 * reach / (r.audience.max(1)) as f64,
        );
    }
    if let Some(l) = r.learned.as_ref().filter(|l| l.volume < 10.0) {
        println!(
            "The data set's activity has faded: its last peak was {:.0} days before its history ends, and the forecast expects {:.1} interactions over {} days, so any reach is near zero. Plan on a window when it was active (--since/--until) or simulate with --probabilities weighted-cascade.",
            l.hours_since_peak / 24.0,
            l.volume,
            l.horizon_days
        );
    }
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
                m.flags.join(", "),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &["member", "followers", "cost", "why: adds to reach", "flags"],
            &[1, 2, 3],
            rows
        )
    );
    println!("{}", summary("Social Set", &r.social_set));
    if let Some(p) = forecast_parts(&r.social_set) {
        println!("{p}");
    }
    match &r.professional {
        Some(p) => {
            println!("{}", summary("Professional plan", p));
            if let Some(parts) = forecast_parts(p) {
                println!("{parts}");
            }
            let names: Vec<String> = p.members.iter().map(|m| who(&m.id, m.handle.as_deref())).collect();
            println!("  ({})", names.join(", "));
            println!("Reach is what the imported data can observe; the professionals' followers mostly lie outside it, so the two plans' reach compares them only inside this data.");
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
