//! `socialset rank`: native influencers by the authority earned from those who engage.

use anyhow::Result;
use socialset_engine::{Audience, Convergence, RankReport, TierFilter};

use super::{InfluenceArgs, OutputFormat, StoreArgs};
use crate::output::{amount, audience_text, csv, table, thousands, top_share, who};
use socialset_server::api::tier_name;

/// Rank accounts by influence earned from the people who really engage with them.
///
/// The score is engagement-weighted PageRank on the interaction graph: an edge A -> B when A
/// replied to, quoted, shared, mentioned or liked B, weighted by kind (--weights). Authority
/// flows from engagers to the engaged, and an engager's own authority counts, so ten replies
/// from respected accounts outweigh a thousand from nobodies. Scores sum to 1.
///
/// The list's order predicts who will be engaged with next (--order, predictive by default
/// where the data have times): authority is blended with the forecast engagers, the distinct
/// engagers and the recent engagement, weights chosen on the ranked data itself (scored on
/// its last quarter, the parts computed on the three before; nothing is tuned elsewhere).
/// On real data this predicts later engagement better than PageRank alone and at least as
/// well as counting engagers (docs/EVALUATION.md). "by authority" is the PageRank place.
///
/// --topic "word, #hashtag" ranks on the engagement about the topic only (posts that match, or
/// engagement with accounts that post about it) and favours the accounts that post about it
/// (TwitterRank-style; see docs/EVALUATION.md).
///
/// Tiers by followers: nano <10k, micro 10k–100k, mid 100k–500k, macro 500k–1M, mega >=1M;
/// native = at most --max-followers (5,000). Where the follower count is unknown the audience
/// is the number of distinct engagers in the data, marked "(in-graph)", the tier is
/// "unknown" and the account is not native (--assume-native-if-unknown counts it).
///
/// Confidence grows with evidence: n/(n+10) for n distinct engagers (3 -> 0.23, 300 -> 0.97).
/// Accounts fewer than --min-engagers (3) accounts engage with or follow are ranked but not
/// listed.
/// "standing" is the share of ranked accounts scoring as high or higher ("top 0.5%"; the
/// percentile, the share scoring lower, is in CSV and JSON); "#" is the place in this
/// list, "of all" the place among every ranked account.
///
/// Examples:
///   socialset rank --tier native --top 20
///   socialset rank --order authority
///   socialset rank --community 3 --tier native
///   socialset rank --topic "risotto, #milano" --format csv > leaders.csv
///   socialset rank --since 2012-07-01 --until 2012-07-05 --weights reply=1,share=1
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only this tier: native, nano, micro, mid, macro, mega, or unknown (no follower count).
    #[arg(long, value_name = "TIER")]
    tier: Option<TierFilter>,

    /// Only members of this community (the numbers `socialset communities` gives).
    #[arg(long, value_name = "ID")]
    community: Option<u32>,

    /// How many accounts to list.
    #[arg(long, default_value_t = 20, value_name = "K")]
    top: usize,

    /// List only accounts that at least this many distinct accounts engage with or follow in
    /// the data (1 lists every account someone engaged with or follows).
    #[arg(long, default_value_t = socialset_engine::DEFAULT_MIN_ENGAGERS, value_name = "N")]
    min_engagers: u32,

    /// Leave out of the list accounts the audit calls likely fakes or bots (`bots`), or
    /// organisations, publishers and brands (`organisations`); both: bots,organisations.
    /// They stay ranked: the global rank of the others does not change.
    #[arg(long, value_name = "KINDS", value_parser = socialset_engine::Hide::parse)]
    hide: Option<socialset_engine::Hide>,

    /// List only accounts whose profile gives this language (e.g. it, en).
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,

    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,

    #[command(flatten)]
    out: super::OutArgs,

    #[command(flatten)]
    influence: InfluenceArgs,

    #[command(flatten)]
    store: StoreArgs,
}

pub fn run(args: Args) -> Result<()> {
    let mut options = args.influence.options(args.tier, args.top);
    options.community = args.community;
    options.min_engagers = args.min_engagers;
    options.hide = args.hide.unwrap_or_default();
    options.language = args.lang;
    let report = args.store.open_existing()?.rank(&options)?;
    if args.out.write(
        "ranked accounts",
        &serde_json::to_value(json(&report))?["accounts"],
    )? {
        return Ok(());
    }
    match args.format {
        OutputFormat::Json => crate::output::print_json(&json(&report))?,
        OutputFormat::Csv => csv(&HEADER, &csv_rows(&report))?,
        OutputFormat::Table => print_table(&report),
    }
    Ok(())
}

const HEADER: [&str; 19] = [
    "rank",
    "listed_rank",
    "account",
    "id",
    "percentile",
    "score",
    "audience",
    "audience_source",
    "tier",
    "native",
    "engagers",
    "replies",
    "shares",
    "confidence",
    "authority_rank",
    "authority_percentile",
    "forecast_percentile",
    "engagers_percentile",
    "recent_percentile",
];

fn audience(a: Audience) -> (u64, &'static str) {
    match a {
        Audience::Followers(n) => (n, "followers"),
        Audience::InGraph(n) => (n, "in-graph"),
    }
}

/// Full-precision values, one column per field, for spreadsheets.
fn csv_rows(report: &RankReport) -> Vec<Vec<String>> {
    report
        .accounts
        .iter()
        .map(|r| {
            let i = &r.influence;
            let (size, source) = audience(i.audience);
            let part = |k: usize| r.blend_parts.map_or(String::new(), |p| p[k].to_string());
            vec![
                i.rank.to_string(),
                r.listed_rank.map_or(String::new(), |k| k.to_string()),
                who(&r.id, r.handle.as_deref()),
                r.id.clone(),
                r.percentile.to_string(),
                i.score.to_string(),
                size.to_string(),
                source.to_owned(),
                tier_name(i.tier).to_owned(),
                i.native.to_string(),
                i.distinct_engagers.to_string(),
                i.received_by_kind[0].to_string(),
                i.received_by_kind[2].to_string(),
                i.confidence.to_string(),
                r.authority_rank.to_string(),
                part(0),
                part(1),
                part(2),
                part(3),
            ]
        })
        .collect()
}

fn print_table(report: &RankReport) {
    if report.accounts.is_empty() {
        println!("No account to list.");
        println!("{}", footer(report));
        return;
    }
    let rows: Vec<Vec<String>> = report
        .accounts
        .iter()
        .map(|r| {
            let i = &r.influence;
            vec![
                r.listed_rank.map_or(String::new(), |k| k.to_string()),
                thousands(u64::from(i.rank)),
                thousands(u64::from(r.authority_rank)),
                who(&r.id, r.handle.as_deref()),
                top_share(r.percentile),
                audience_text(i.audience),
                tier_name(i.tier).to_owned(),
                match (i.native, i.audience) {
                    (true, _) => "yes",
                    (false, Audience::InGraph(_)) => "unknown",
                    (false, Audience::Followers(_)) => "no",
                }
                .to_owned(),
                thousands(u64::from(i.distinct_engagers)),
                amount(i.received_by_kind[0]),
                amount(i.received_by_kind[2]),
                format!("{:.2}", i.confidence),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "#",
                "of all",
                "by authority",
                "account",
                "standing",
                "audience",
                "tier",
                "native",
                "engagers",
                "replies",
                "shares",
                "confidence"
            ],
            &[0, 1, 2, 4, 5, 8, 9, 10, 11],
            rows
        )
    );
    println!("{}", footer(report));
}

fn footer(r: &RankReport) -> String {
    let mut lines = vec![format!(
        "{} of {} ranked accounts match; ranked on {} engagements.",
        thousands(r.matching as u64),
        thousands(r.ranked as u64),
        thousands(r.engagements as u64)
    )];
    lines.push(order_line(&r.order));
    if r.left_out_unknown_audience > 0 {
        lines.push(format!(
            "{} more would be native by their in-graph audience but have no follower count and are not listed (--assume-native-if-unknown lists them).",
            thousands(r.left_out_unknown_audience as u64)
        ));
    }
    if r.left_out_few_engagers > 0 {
        lines.push(format!(
            "{} more {} fewer than {} distinct engagers or followers in the data and {} not listed (--min-engagers 1 lists them).",
            thousands(r.left_out_few_engagers as u64),
            if r.left_out_few_engagers == 1 { "has" } else { "have" },
            r.min_engagers,
            if r.left_out_few_engagers == 1 { "is" } else { "are" },
        ));
    }
    if r.hidden_bots + r.hidden_organisations > 0 {
        lines.push(format!(
            "Hidden: {} likely fakes or bots and {} organisations, publishers or brands.",
            thousands(r.hidden_bots as u64),
            thousands(r.hidden_organisations as u64)
        ));
    }
    if let Some(t) = r.topic {
        lines.push(format!(
            "Topic: {} matching posts by {} accounts; {} engagements about it.",
            thousands(u64::from(t.posts_matched)),
            thousands(u64::from(t.accounts_posting)),
            thousands(t.engagements_kept)
        ));
    }
    if r.followers_unknown > 0 {
        lines.push(format!(
            "{} ranked accounts have no follower count: their audience is in-graph (distinct engagers), a lower bound.",
            thousands(r.followers_unknown as u64)
        ));
    }
    if r.untimed_excluded > 0 {
        lines.push(format!(
            "{} engagements without a time were left out of the window.",
            thousands(r.untimed_excluded)
        ));
    }
    if let Convergence::NotConverged {
        iterations,
        l1_change,
    } = r.convergence
    {
        lines.push(format!(
            "PageRank did not converge in {iterations} iterations (last change {l1_change:.2e})."
        ));
    }
    lines.push("Why an account ranks where it does: socialset explain ACCOUNT".into());
    lines.join("\n")
}

/// What the list's order is, and how the blend was chosen.
pub fn order_line(o: &socialset_engine::OrderUsed) -> String {
    match (&o.blend, &o.authority_because) {
        (Some(b), _) => {
            let at = |ms| {
                socialset_engine::Timestamp::from_epoch_ms(ms)
                    .map_or_else(String::new, socialset_engine::Timestamp::utc)
            };
            let parts: Vec<String> = socialset_engine::BLEND_PARTS
                .iter()
                .zip(b.weights)
                .filter(|(_, w)| *w > 0.0)
                .map(|(name, w)| format!("{name} {w:.1}"))
                .collect();
            format!(
                "Order: predictive, a blend of {} (recent engagement's half-life {} h), chosen among {} by how well it predicted the engagement of {} to {} from the time before (Spearman {:.3} over {} accounts); --order authority lists by PageRank.",
                parts.join(", "),
                b.recency_half_life,
                thousands(b.candidates as u64),
                at(b.cut_ms),
                at(b.end_ms),
                b.validation_spearman,
                thousands(b.validation_sample as u64)
            )
        }
        (None, Some(why)) => format!("Order: authority (PageRank), because {why}."),
        (None, None) => "Order: authority (PageRank), as asked.".to_owned(),
    }
}

/// The API's leaderboard JSON (`socialset serve` answers with the same type).
fn json(report: &RankReport) -> socialset_server::api::RankJson {
    report.into()
}
