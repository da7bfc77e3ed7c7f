//! `socialset campaign`: run a Social Set as a campaign — create it, add members (by hand or
//! from a plan), hand out their tracking links and promo codes, take in the shop's
//! conversions, and report what it earned, natives against professionals.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use socialset_engine::{
    CampaignSpec, MemberStatus, NewMember, Objective, Rates, ReportOptions, Role, Timestamp,
};
use socialset_server::api::{
    campaign_csv_rows, CampaignCreatedJson, CampaignJson, CampaignMemberJson, CampaignMembersJson,
    CampaignReportJson, CampaignsJson, ConversionsJson, MEMBER_CSV_HEADER,
};
use socialset_server::report_html::{campaign_html, shown};

use super::{OutputFormat, StoreArgs};
use crate::output::{csv, table};

/// Run a Social Set as a campaign and measure what it earned: plan → run → track → measure.
///
/// 1. `campaign create` names the campaign, its brand, dates, budget, currency and the page
///    its tracking links lead to.
/// 2. `campaign add` hires members by hand or from a plan (`socialset plan --format json`);
///    each gets a tracking link (`/r/CODE` on `socialset serve`) and a promo code.
/// 3. `campaign links` lists them to send out.
/// 4. Clicks are recorded by `socialset serve` as people follow the links; the shop's
///    orders come in by `campaign conversions FILE` or the signed webhook of the API.
/// 5. `campaign report` shows cost, reach, engagements, clicks, conversions, cost per
///    acquisition and return on spend per member, per role and in all, each with its 95%
///    interval, and says whether natives converted cheaper than professionals — or that the
///    data cannot tell yet.
///
/// Examples:
///   socialset campaign create summer --brand acme --start 2026-07-01 --end 2026-07-31 \
///       --budget 3000 --destination https://shop.example/summer --hashtag acmesummer --disclosure "#adv"
///   socialset plan --budget 3000 --format json > plan.json
///   socialset campaign add summer --from-plan plan.json
///   socialset campaign add summer --account @bigname --role professional --fee 1500
///   socialset campaign links summer --base https://go.example.com --format csv > links.csv
///   socialset campaign conversions summer orders_export.csv --rate USD=0.92
///   socialset campaign report summer --format html > summer.html
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Create a campaign. Prints its webhook secret once: keep it for signing conversions.
    Create(CreateArgs),
    /// List the campaigns, the newest first.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Add members (or change the role, fee or status of members already in).
    Add(AddArgs),
    /// The members' tracking links and promo codes, to send out.
    Links {
        name: String,
        /// The address `socialset serve` is reached at, to print whole links.
        #[arg(long, value_name = "URL")]
        base: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Add the shop's orders from a file: socialset's CSV (order_id, at, value, currency,
    /// code, click) or JSON Lines, or Shopify's order export (docs/FORMAT.md). All or none: a
    /// bad row, or an order in another currency without --rate, changes nothing.
    Conversions {
        name: String,
        file: PathBuf,
        /// What one unit of another currency is worth in the campaign's, e.g. USD=0.92
        /// (repeatable). socialset never converts on its own.
        #[arg(long = "rate", value_name = "CUR=RATE", value_parser = parse_rate)]
        rates: Vec<(String, f64)>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// What the campaign earned, natives against professionals, with intervals.
    Report(ReportArgs),
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    /// 1–64 letters, digits, - and _.
    name: String,
    #[arg(long)]
    brand: String,
    #[arg(long)]
    brief: Option<String>,
    #[arg(long, default_value = "conversions", value_parser = parse_named::<Objective>)]
    objective: Objective,
    /// RFC 3339 time or YYYY-MM-DD.
    #[arg(long, value_parser = parse_time)]
    start: Timestamp,
    /// RFC 3339 time or YYYY-MM-DD (a date means its midnight: the campaign ends as it begins).
    #[arg(long, value_parser = parse_time)]
    end: Timestamp,
    #[arg(long)]
    budget: f64,
    /// ISO 4217 code of the budget, fees and revenue.
    #[arg(long, default_value = "EUR")]
    currency: String,
    /// Where the tracking links lead: an http(s) URL, fixed for the campaign.
    #[arg(long, value_name = "URL")]
    destination: String,
    /// A campaign hashtag (repeatable; with or without #).
    #[arg(long = "hashtag", value_name = "TAG")]
    hashtags: Vec<String>,
    /// A disclosure label members' posts must carry, e.g. "#adv" (repeatable).
    #[arg(long = "disclosure", value_name = "LABEL")]
    disclosure: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    name: String,
    /// A plan's JSON (`socialset plan --format json`): its Social Set joins as natives, its
    /// professional plan as professionals, at the fees it priced.
    #[arg(long, value_name = "PLAN.json", conflicts_with = "account")]
    from_plan: Option<PathBuf>,
    /// An account id or @handle (repeatable, with --fee for each).
    #[arg(long, value_name = "ID", required_unless_present = "from_plan")]
    account: Vec<String>,
    #[arg(long, default_value = "native", value_parser = parse_named::<Role>)]
    role: Role,
    /// The member's fee (one for every --account, or one each).
    #[arg(long, value_name = "AMOUNT")]
    fee: Vec<f64>,
    #[arg(long, default_value = "invited", value_parser = parse_named::<MemberStatus>)]
    status: MemberStatus,
    /// Its promo code (with one --account); made from the handle when not given.
    #[arg(long)]
    promo_code: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    name: String,
    /// Days after a visit an order is still owed to it.
    #[arg(long, default_value_t = socialset_engine::DEFAULT_WINDOW_DAYS, value_name = "DAYS")]
    window_days: u32,
    /// Seed of the bootstrap (the same seed, the same intervals).
    #[arg(long, default_value_t = socialset_engine::StatsConfig::default().seed)]
    seed: u64,
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    #[command(flatten)]
    limit: super::ClickLimit,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ReportFormat {
    Table,
    Json,
    Csv,
    /// One self-contained page with its charts, for a brand's inbox.
    Html,
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    socialset_engine::parse_time(text).map_err(|p| format!("{text:?} {p}"))
}

fn parse_named<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T, String> {
    text.parse()
}

fn parse_rate(text: &str) -> Result<(String, f64), String> {
    let (cur, rate) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: write CUR=RATE, e.g. USD=0.92"))?;
    let cur = cur.trim().to_ascii_uppercase();
    if !socialset_engine::is_currency_code(&cur) {
        return Err(format!("{cur:?} is not an ISO 4217 code"));
    }
    let rate: f64 = rate
        .trim()
        .parse()
        .map_err(|_| format!("{rate:?} is not a number"))?;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(format!("the rate for {cur} must be a positive number"));
    }
    Ok((cur, rate))
}

pub fn run(args: Args) -> Result<()> {
    match args.action {
        Action::Create(a) => create(a),
        Action::List { format, store } => {
            let list = CampaignsJson {
                campaigns: store
                    .open_existing()?
                    .campaigns()?
                    .iter()
                    .map(CampaignJson::from)
                    .collect(),
            };
            print_campaigns(&list, format)
        }
        Action::Add(a) => add(a),
        Action::Links {
            name,
            base,
            format,
            store,
        } => {
            let members = store.open_existing()?.campaign_members(&name)?;
            print_links(&name, &members, base.as_deref(), format)
        }
        Action::Conversions {
            name,
            file,
            rates,
            store,
        } => {
            let rates: Rates = rates.into_iter().collect();
            let added = store
                .open_existing()?
                .import_conversions(&name, &file, &rates)?;
            let j = ConversionsJson::from(&added);
            println!(
                "{}: read {} orders as {}; {} added, {} already held (a repeated order id counts once){}.",
                file.display(),
                j.read,
                j.layout.as_deref().unwrap_or("orders"),
                j.added,
                j.already_held,
                if j.repeated_rows > 0 {
                    format!(", {} rows repeated an order of the file", j.repeated_rows)
                } else {
                    String::new()
                }
            );
            Ok(())
        }
        Action::Report(a) => report(a),
    }
}

fn create(a: CreateArgs) -> Result<()> {
    let mut ws = a.store.open()?;
    let c = ws.create_campaign(&CampaignSpec {
        name: a.name,
        brand: a.brand,
        brief: a.brief,
        objective: a.objective,
        start: a.start,
        end: a.end,
        budget: a.budget,
        currency: a.currency,
        destination: a.destination,
        hashtags: a.hashtags,
        disclosure: a.disclosure,
    })?;
    let created = CampaignCreatedJson {
        campaign: (&c).into(),
        webhook_secret: c.webhook_secret.clone(),
    };
    match a.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&created)?),
        _ => {
            println!(
                "Campaign {} created for {}: {} to {}, budget {:.2} {}, links lead to {}.",
                c.name,
                c.brand,
                created.campaign.start,
                created.campaign.end,
                c.budget,
                c.currency,
                c.destination
            );
            println!(
                "Webhook secret (sign conversions with it; it is not shown again): {}",
                c.webhook_secret
            );
            println!(
                "Next: socialset campaign add {} --from-plan plan.json (or --account ID --fee N)",
                c.name
            );
        }
    }
    Ok(())
}

fn add(a: AddArgs) -> Result<()> {
    let mut ws = a.store.open_existing()?;
    let members = match &a.from_plan {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the plan {}", path.display()))?;
            ws.add_members_from_plan(&a.name, &text)?
        }
        None => {
            if a.fee.len() != 1 && a.fee.len() != a.account.len() {
                bail!(
                    "give one --fee for all {} accounts, or one each (got {})",
                    a.account.len(),
                    a.fee.len()
                );
            }
            if a.promo_code.is_some() && a.account.len() > 1 {
                bail!("--promo-code names one member's code: add the accounts one by one");
            }
            let new: Vec<NewMember> = a
                .account
                .iter()
                .enumerate()
                .map(|(i, account)| NewMember {
                    account: account.clone(),
                    role: a.role,
                    fee: a.fee[if a.fee.len() == 1 { 0 } else { i }],
                    status: a.status,
                    promo_code: a.promo_code.clone(),
                    predicted_reach: None,
                })
                .collect();
            ws.add_members(&a.name, &new)?
        }
    };
    print_links(&a.name, &members, None, a.format)
}

fn print_campaigns(list: &CampaignsJson, format: OutputFormat) -> Result<()> {
    let header = [
        "name",
        "brand",
        "objective",
        "start",
        "end",
        "budget",
        "currency",
        "destination",
    ];
    let rows: Vec<Vec<String>> = list
        .campaigns
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.brand.clone(),
                c.objective.clone(),
                c.start.clone(),
                c.end.clone(),
                format!("{:.2}", c.budget),
                c.currency.clone(),
                c.destination.clone(),
            ]
        })
        .collect();
    match format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(list)?),
        OutputFormat::Csv => csv(&header, &rows)?,
        OutputFormat::Table if rows.is_empty() => {
            println!("No campaigns yet: socialset campaign create NAME --brand B --start D --end D --budget N --destination URL");
        }
        OutputFormat::Table => println!("{}", table(&header, &[5], rows)),
    }
    Ok(())
}

fn print_links(
    name: &str,
    members: &[socialset_engine::Member],
    base: Option<&str>,
    format: OutputFormat,
) -> Result<()> {
    let json = CampaignMembersJson {
        members: members.iter().map(CampaignMemberJson::from).collect(),
    };
    let base = base.map(|b| b.trim_end_matches('/').to_owned());
    let link = |m: &CampaignMemberJson| match &base {
        Some(b) => format!("{b}/r/{}", m.link),
        None => format!("/r/{}", m.link),
    };
    let header = ["account", "role", "fee", "status", "link", "promo_code"];
    let rows: Vec<Vec<String>> = json
        .members
        .iter()
        .map(|m| {
            vec![
                m.account.clone(),
                m.role.clone(),
                format!("{:.2}", m.fee),
                m.status.clone(),
                link(m),
                m.promo_code.clone(),
            ]
        })
        .collect();
    match format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&json)?),
        OutputFormat::Csv => csv(&header, &rows)?,
        OutputFormat::Table => {
            println!("{}", table(&header, &[2], rows));
            if base.is_none() {
                println!("Links are served by `socialset serve` at /r/CODE: `socialset campaign links {name} --base https://your-server` prints them whole.");
            }
        }
    }
    Ok(())
}

fn report(a: ReportArgs) -> Result<()> {
    let mut limits = socialset_engine::Limits::default();
    a.limit.apply(&mut limits);
    let (ws, progress) = a.store.open_watched(limits)?;
    let options = ReportOptions {
        window_days: a.window_days,
        stats: socialset_engine::StatsConfig {
            seed: a.seed,
            ..socialset_engine::StatsConfig::default()
        },
    };
    let r = crate::progress::watch(&progress, || ws.campaign_report(&a.name, &options))?;
    let j = CampaignReportJson::from(&r);
    match a.format {
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&j)?),
        ReportFormat::Csv => csv(&MEMBER_CSV_HEADER, &campaign_csv_rows(&j))?,
        ReportFormat::Html => print!("{}", campaign_html(&j)),
        ReportFormat::Table => print_report(&j),
    }
    Ok(())
}

fn print_report(j: &CampaignReportJson) {
    let c = &j.campaign;
    let cur = &c.currency;
    println!(
        "{} for {}: {} to {}, budget {:.2} {cur}, attribution window {} days.",
        c.name, c.brand, c.start, c.end, c.budget, j.window_days
    );
    if let Some(what) = &j.simulated {
        println!("SIMULATED: the {what} of this campaign were made up for a demonstration; they are not real results.");
    }
    println!("\n{}\n", j.comparison.sentence);
    let header = [
        "",
        "members",
        "cost",
        "visits",
        "conv.",
        "conversion rate",
        "cost per acquisition",
        "return on spend",
        "cost per engagement",
    ];
    let row = |label: &str, f: &socialset_server::api::FiguresJson| {
        vec![
            label.to_owned(),
            f.members.to_string(),
            format!("{:.2}", f.cost),
            f.clicks.to_string(),
            f.conversions.to_string(),
            shown(f.conversion_rate.as_ref(), true),
            shown(f.cost_per_acquisition.as_ref(), false),
            shown(f.return_on_spend.as_ref(), false),
            shown(f.cost_per_engagement.as_ref(), false),
        ]
    };
    let mut rows = vec![
        row("natives", &j.natives),
        row("professionals", &j.professionals),
        row("campaign", &j.total),
    ];
    rows.push(vec![String::new(); header.len()]);
    for m in &j.members {
        let who = m.handle.as_deref().map_or_else(
            || m.member.account.clone(),
            |h| format!("@{}", h.trim_start_matches('@')),
        );
        rows.push(row(&format!("{who} ({})", m.member.role), &m.figures));
    }
    println!("{}", table(&header, &[1, 2, 3, 4], rows));
    println!(
        "Ratios natives/professionals: cost per acquisition {}, cost per engagement {}.",
        shown(j.comparison.cpa_ratio.as_ref(), false),
        shown(j.comparison.cpe_ratio.as_ref(), false)
    );
    let k = &j.clicks;
    println!(
        "Clicks: {} requests, {} visits from {} visitors; not counted: {} repeats within 30 minutes, {} crawlers, {} link previews, {} prefetches.",
        k.requests, k.visits, k.unique_visitors, k.repeats, k.crawlers, k.previews, k.prefetches
    );
    let u = &j.unclaimed;
    if u.orders > 0 {
        let why: Vec<String> = u
            .by_reason
            .iter()
            .map(|r| format!("{} {}", r.orders, r.reason))
            .collect();
        println!(
            "Orders nobody can claim, counted apart: {} ({:.2} {cur}): {}.",
            u.orders,
            u.revenue,
            why.join("; ")
        );
    }
    for x in &j.reach {
        println!(
            "Reach of the {}s: the plan predicted {}; their campaign posts reached {} accounts that engaged.",
            x.role,
            shown(x.predicted.as_ref(), false),
            x.observed
        );
    }
    println!(
        "{} campaign posts found in the imported data ({} without the required label).",
        j.posts.len(),
        j.posts.iter().filter(|p| !p.required_label).count()
    );
    let voice: Vec<String> = j
        .voice
        .iter()
        .map(|v| {
            format!(
                "{} {} mentions ({}/day), {} questions, positive {}",
                v.period,
                v.mentions,
                shown(Some(&v.mentions_per_day), false),
                v.questions,
                shown(v.positive_share.as_ref(), true)
            )
        })
        .collect();
    println!(
        "What non-members said of {}: {}.",
        c.brand,
        voice.join("; ")
    );
    println!("Intervals are 95%. `--format html` writes the report as one page with its charts.");
}
