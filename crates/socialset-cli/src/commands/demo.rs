//! `socialset demo`: the main job on bundled real data, start to finish.

use std::path::PathBuf;

use anyhow::Result;
use socialset_engine::{CommunityOptions, Polarity, RankOptions, Summary, TierFilter, Workspace};

use crate::output::{amount, audience_text, percent, reason_arrow, table, thousands, who};
use crate::progress::ImportProgress;

/// Import the bundled real data into a fresh store and show what socialset finds in it.
///
/// The bundled data are real public data sets (credited in tests/data/demo/README.md): Twitter
/// interactions around the Higgs boson announcement, Bitcoin OTC trust ratings, and Mastodon
/// ActivityPub payloads. The demo store is kept afterwards, so you can explore it:
///   socialset stats --db socialset-demo.db
/// Running the demo again replaces the demo store (and only a store the demo made).
///
/// With --serve, the demo store is built as the workspace "demo" of a server in
/// socialset-demo-server/ (--db is then not used), a user "demo" (admin) is made with a new
/// password, printed, and the dashboard is served at --addr until Ctrl-C:
///   socialset demo --serve
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Where to build the demo store.
    #[arg(long, default_value = "socialset-demo.db", value_name = "PATH")]
    db: PathBuf,

    /// Then serve the dashboard on the demo data.
    #[arg(long)]
    serve: bool,

    /// Where --serve listens.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    addr: std::net::SocketAddr,

    /// How many accounts to list.
    #[arg(long, default_value_t = 10, value_name = "K")]
    top: usize,
}

/// Where `--serve` keeps the server's data.
const SERVE_DIR: &str = "socialset-demo-server";

pub fn run(mut args: Args) -> Result<()> {
    if args.serve {
        args.db = socialset_server::ServerConfig::new(std::path::Path::new(SERVE_DIR))
            .workspace_store("demo");
        if let Some(dir) = args.db.parent() {
            std::fs::create_dir_all(dir)?;
        }
    }
    show(&args)?;
    if args.serve {
        let password = socialset_server::auth::new_password()?;
        let state = socialset_server::AppState::open(socialset_server::ServerConfig::new(
            std::path::Path::new(SERVE_DIR),
        ))
        .map_err(|e| anyhow::anyhow!("opening {SERVE_DIR}: {e:?}"))?;
        state.auth().add_user(
            "demo",
            Some(&password),
            "demo",
            socialset_server::Role::Admin,
        )?;
        println!(
            "\nThe dashboard: http://{} — log in as demo, password {password} (Ctrl-C stops it).",
            args.addr
        );
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(socialset_server::serve(
            socialset_server::ServerConfig::new(std::path::Path::new(SERVE_DIR)),
            args.addr,
        ))?;
    }
    Ok(())
}

fn show(args: &Args) -> Result<()> {
    println!(
        "socialset demo — building a fresh store at {}\n",
        args.db.display()
    );
    let mut progress = ImportProgress::new(true);
    let (mut workspace, imports) = Workspace::create_demo(&args.db, &mut progress)?;
    println!(
        "1. Import: real public data, streamed into the embedded store in one transaction per file"
    );
    let rows = imports
        .iter()
        .map(|(file, report)| {
            vec![
                file.name.to_owned(),
                file.format.as_str().to_owned(),
                thousands(report.records_read()),
                file.what.to_owned(),
            ]
        })
        .collect();
    println!(
        "{}",
        table(&["file", "format", "records", "what"], &[2], rows)
    );
    let summary = workspace.summarize(args.top)?;
    print_summary(&summary);
    print_native_influencers(&workspace, args.top)?;
    print_communities(&workspace)?;
    print_audit(&workspace)?;
    if let Some(r) = &summary.ratings {
        println!(
            "\n7. Trust from ratings: {} ratings, {:.0}% positive, mean {:+.2}. The most trusted (goodness weighted by raters' fairness, shrunk by evidence):",
            thousands(r.count),
            r.positive_share * 100.0,
            r.mean
        );
        print_trust(&workspace)?;
    }
    print_interaction_trust(&workspace)?;
    print_independence(&workspace)?;
    let plan = print_plan(&workspace)?;
    print_ugc(&workspace)?;
    print_groups(&workspace)?;
    print_campaign(&mut workspace, &plan)?;
    print_claims(&workspace)?;
    println!(
        "\nExplore it: socialset rank --db {0} --tier native | socialset explain --db {0} ACCOUNT | socialset communities --db {0} --window-days 2 | socialset audit --db {0} --all | socialset trust --db {0} | socialset disclosure --db {0} | socialset plan --db {0} --budget 500 --until 2012-07-05 --days 3 --assume-native-if-unknown | socialset ugc --db {0} --kind question | socialset segments --db {0} | socialset groups --db {0} | socialset campaign report demo-campaign --db {0} | socialset sentiment \"TEXT\" | socialset claims --db {0} --verdict false | socialset spreaders --db {0}\nYour own data: socialset import --help; Bluesky live: socialset import --db {0} --follow 'wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post' (resumes where it stopped)",
        args.db.display()
    );
    Ok(())
}

fn print_summary(s: &Summary) {
    let c = &s.counts;
    println!(
        "\n2. The store holds {} accounts, {} follows, {} posts, {} interactions, {} ratings.",
        thousands(c.accounts),
        thousands(c.follows),
        thousands(c.posts),
        thousands(c.interactions),
        thousands(c.ratings)
    );
    println!(
        "   The interaction graph links {} accounts in {} connected groups; the largest holds {}.",
        thousands(s.interacting_accounts as u64),
        thousands(s.components as u64),
        thousands(u64::from(s.largest_component))
    );
    println!("\n3. Who draws engagement from the most distinct people (received):");
    let rows = s
        .leaders
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let k = &a.received_by_kind;
            vec![
                (i + 1).to_string(),
                a.handle.clone().unwrap_or_else(|| a.id.clone()),
                a.followers.map_or("unknown".into(), thousands),
                thousands(u64::from(a.distinct_engagers)),
                amount(k[0]),
                amount(k[1]),
                amount(k[2]),
                amount(a.given),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "#",
                "account",
                "followers",
                "engagers",
                "replies",
                "mentions",
                "shares",
                "given"
            ],
            &[0, 2, 3, 4, 5, 6, 7],
            rows
        )
    );
}

fn print_native_influencers(workspace: &Workspace, top: usize) -> Result<()> {
    let report = workspace.rank(&RankOptions {
        tier: Some(TierFilter::Native),
        top,
        ..RankOptions::default()
    })?;
    println!("\n4. Native influencers: authority earned from those who engage (engagement-weighted PageRank), at most 5,000 followers known:");
    let rows = report
        .accounts
        .iter()
        .map(|r| {
            let i = &r.influence;
            vec![
                i.rank.to_string(),
                who(&r.id, r.handle.as_deref()),
                format!("{:.4}", i.score),
                audience_text(i.audience),
                thousands(u64::from(i.distinct_engagers)),
                format!("{:.2}", i.confidence),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "rank",
                "account",
                "score",
                "audience",
                "engagers",
                "confidence"
            ],
            &[0, 2, 3, 4, 5],
            rows
        )
    );
    println!(
        "   {} accounts with no follower count (the Higgs part's) would be native by their in-graph audience; they are in tier \"unknown\" and listed only with --assume-native-if-unknown.",
        thousands(report.left_out_unknown_audience as u64)
    );
    println!("   {}", super::rank::order_line(&report.order));
    if let Some(first) = report.accounts.first() {
        let e = workspace.explain(
            &first.id,
            &RankOptions {
                top: 3,
                ..RankOptions::default()
            },
        )?;
        let parts: Vec<String> = e
            .engagers
            .iter()
            .map(|g| {
                format!(
                    "{} {}",
                    who(&g.id, g.handle.as_deref()),
                    percent(g.share_of_score)
                )
            })
            .collect();
        println!(
            "   Why {} leads: {} distinct engagers; the largest shares of its score come from {}.",
            who(&first.id, first.handle.as_deref()),
            thousands(e.n_engagers as u64),
            parts.join(", ")
        );
    }
    // One history with times: the Higgs part's week, in the order that predicts who is
    // engaged with next.
    let day = 86_400_000;
    let start = 1_341_100_800_000; // 2012-07-01T00:00:00Z, Higgs's first day
    let at = |ms: i64| socialset_engine::Timestamp::from_epoch_ms(ms);
    let week = workspace.rank(&RankOptions {
        top: 5,
        window: socialset_engine::TimeWindow {
            since: at(start),
            until: at(start + 7 * day),
        },
        ..RankOptions::default()
    })?;
    let firsts: Vec<String> = week
        .accounts
        .iter()
        .map(|r| {
            format!(
                "{} (#{} by authority)",
                who(&r.id, r.handle.as_deref()),
                r.authority_rank
            )
        })
        .collect();
    println!(
        "   On the Higgs part's week, every tier: {}.\n   {}",
        firsts.join(", "),
        super::rank::order_line(&week.order)
    );
    let all = workspace.rank(&RankOptions {
        tier: Some(TierFilter::Native),
        top: usize::MAX,
        ..RankOptions::default()
    })?;
    // The profile card of the first of them with an engagement rate.
    let card = all
        .accounts
        .iter()
        .filter(|r| {
            matches!(
                r.influence.audience,
                socialset_engine::Audience::Followers(_)
            )
        })
        .take(20)
        .find_map(|r| {
            workspace
                .profile(&r.id, 1)
                .ok()
                .filter(|p| p.engagement_rate.is_some())
        });
    if let (Some(p), Some(rate)) = (&card, card.as_ref().and_then(|p| p.engagement_rate)) {
        println!(
            "   Profile of {}: {} followers; engagement rate {:.2}% against a median of {} for its tier here; {}. `socialset profile ACCOUNT` shows the card.",
            who(&p.id, p.handle.as_deref()),
            p.followers.map_or("unknown".into(), thousands),
            rate * 100.0,
            p.tier_median_rate
                .map_or("—".to_owned(), |m| format!("{:.2}%", m * 100.0)),
            p.link.as_deref().unwrap_or("no link")
        );
    }
    Ok(())
}

fn print_groups(workspace: &Workspace) -> Result<()> {
    let report = workspace.groups(3)?;
    let parts: Vec<String> = report
        .groups
        .iter()
        .map(|g| {
            format!(
                "{} ({} posts by {} accounts{})",
                g.name.clone().unwrap_or_else(|| g.id.clone()),
                thousands(g.posts),
                thousands(g.posters),
                g.members
                    .map(|m| format!(", {} members", thousands(m)))
                    .unwrap_or_default()
            )
        })
        .collect();
    println!(
        "\n11. Groups people gather in ({} in the store, {} posts made in one): {}. `socialset groups` lists them.",
        thousands(report.total as u64),
        thousands(report.posts_in_groups),
        parts.join("; ")
    );
    Ok(())
}

fn print_claims(workspace: &Workspace) -> Result<()> {
    // Every kind at once (one reading of the store): the count, and the stories among them.
    let all = workspace.claims(&socialset_engine::ClaimOptions {
        top: 0,
        ..Default::default()
    })?;
    println!(
        "\n13. Claims and how they spread: {} stories, links and hashtags reached two accounts or more; the stories that spread furthest (an original post with its near-identical retellings, and their cascades of replies and shares):",
        thousands(all.spreading as u64)
    );
    let stories: Vec<&socialset_engine::Claim> = all
        .claims
        .iter()
        .filter(|c| c.kind == socialset_engine::ClaimKind::Text)
        .take(3)
        .collect();
    let rows = stories
        .iter()
        .map(|c| {
            let s = &c.spread;
            vec![
                c.id.clone(),
                super::claims::short(&c.label, 60),
                thousands(s.accounts as u64),
                s.depth.to_string(),
                format!("{:.2}", s.structural_virality),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &["claim", "what", "accounts", "depth", "virality"],
            &[2, 3, 4],
            rows
        )
    );
    if let Some(c) = stories.first() {
        let d = workspace.claim(&c.id, &Default::default(), 3)?;
        let who: Vec<String> = d
            .spreaders
            .iter()
            .map(|s| {
                format!(
                    "{} ({} posts below)",
                    s.handle.clone().unwrap_or_else(|| s.account.clone()),
                    thousands(s.below as u64)
                )
            })
            .collect();
        let reach = socialset_server::api::ClaimDetailJson::from(&d)
            .reach
            .map(|r| super::claims::reach_line(&r))
            .unwrap_or_default();
        println!(
            "Who carried the first furthest: {}. {reach} `socialset claim {}` tells it day by day.",
            who.join(", "),
            c.id
        );
    }
    // A rumour from the PHEME threads: what its replies said, and the answer to it.
    if let Some(c) = stories.iter().find(|c| c.id.starts_with("text:tw:")) {
        let d = workspace.claim_with(&c.id, &Default::default(), 2, false)?;
        let json = socialset_server::api::ClaimDetailJson::from(&d);
        println!(
            "\"{}\": {}",
            super::claims::short(&c.label, 70),
            super::claims::stance_line(&json.replies)
        );
        if let Some(f) = &json.claim.fact_check {
            println!("{}", super::claims::fact_check_line(f));
        }
        if let Some(r) = &json.spreaders_record {
            println!("{}", super::claims::record_line(r));
        }
        for e in &json.replies.examples {
            println!(
                "  {} by {}: {}",
                e.stance,
                e.handle.as_deref().unwrap_or(&e.account),
                super::claims::short(&e.text, 90)
            );
        }
        // The answer, planned on the day before the story (the demo's data sets are of
        // different years; a forecast needs the story's own time).
        if let Some(first) = c.spread.first {
            let day = 86_400_000;
            let at = |ms: i64| socialset_engine::Timestamp::from_epoch_ms(ms);
            let plan = workspace.plan(&socialset_engine::PlanOptions {
                budget: 500.0,
                horizon_days: 1.0,
                claim: Some(c.id.clone()),
                window: socialset_engine::TimeWindow {
                    since: at(first.epoch_ms() - day),
                    until: at(first.epoch_ms() + day),
                },
                ..Default::default()
            })?;
            let exposed = plan.claim_exposed.unwrap_or(0);
            let s = &plan.social_set;
            println!(
                "The answer (`socialset counter --claim {} --budget 500`, planned on the day around the story): {} native influencers for €{:.0}, expected to reach {:.0} of the {} accounts the story reached ({:.0}%; 95% predictive interval {:.0}–{:.0} accounts).",
                c.id,
                s.members.len(),
                s.cost,
                s.reach.mean,
                thousands(exposed as u64),
                100.0 * s.reach.mean / exposed.max(1) as f64,
                s.reach.low,
                s.reach.high
            );
        }
    }
    // Fact-checks: the accounts that spread claims judged false, again and again.
    let r = workspace.repeat_spreaders(&socialset_engine::SpreaderOptions {
        top: 3,
        ..Default::default()
    })?;
    let j = socialset_server::api::SpreadersJson::from(&r);
    let who: Vec<String> = j
        .spreaders
        .iter()
        .map(|s| {
            format!(
                "{} ({} false, {} true)",
                s.handle.clone().unwrap_or_else(|| s.account.clone()),
                s.spread_false,
                s.spread_true
            )
        })
        .collect();
    println!(
        "Fact-checks (a claims file of `claim` and `verdict` records): {} of {} named rumours found in the posts ({} false, {} true, {} unverified); {} spread two or more claims judged false{}. `socialset spreaders` lists them with their record.",
        thousands(j.judged_found as u64),
        thousands(j.named as u64),
        thousands(j.found_false as u64),
        thousands(j.found_true as u64),
        thousands(j.found_unverified as u64),
        match j.repeat_spreaders {
            1 => "1 account".to_owned(),
            n => format!("{} accounts", thousands(n as u64)),
        },
        if who.is_empty() {
            String::new()
        } else {
            format!(": {}", who.join(", "))
        }
    );
    Ok(())
}

fn print_trust(workspace: &Workspace) -> Result<()> {
    let report = workspace.trust(&socialset_engine::TrustOptions {
        top: 5,
        ..Default::default()
    })?;
    println!(
        "{}",
        table(
            &super::trust::HEADER,
            &[1, 2, 3, 4, 5, 6],
            super::trust::rows(&report.accounts)
        )
    );
    Ok(())
}

fn print_plan(workspace: &Workspace) -> Result<socialset_engine::PlanReport> {
    // The demo store joins data sets of different years; a forecast needs one history. The
    // Higgs part is planned on its first four days and checked against the next three, which
    // the demo holds too. Its accounts carry no follower counts: counted as natives (at the
    // "unknown" price) only because the demo says so.
    let day = 86_400_000;
    let start = 1_341_100_800_000; // 2012-07-01T00:00:00Z, Higgs's first day
    let at = |ms: i64| socialset_engine::Timestamp::from_epoch_ms(ms);
    let r = workspace.plan(&socialset_engine::PlanOptions {
        budget: 500.0,
        horizon_days: 3.0,
        assume_native_if_unknown: true,
        window: socialset_engine::TimeWindow {
            since: at(start),
            until: at(start + 4 * day),
        },
        ..Default::default()
    })?;
    let s = &r.social_set;
    let ids: Vec<&str> = s.members.iter().map(|m| m.id.as_str()).collect();
    let seen = workspace.observed_reach(
        &ids,
        &socialset_engine::TimeWindow {
            since: at(start + 4 * day),
            until: at(start + 7 * day),
        },
    )?;
    let names: Vec<String> = s
        .members
        .iter()
        .take(5)
        .map(|m| who(&m.id, m.handle.as_deref()))
        .collect();
    println!(
        "\n9. A Social Set for €500, planned on the Higgs part's first four days (reach learned from what happened; its accounts have no follower counts, so --assume-native-if-unknown): {} members ({}{}). Forecast for the next three days: {:.0} accounts reached inside the data (95% predictive interval {:.0}–{:.0}, calibrated on {} past forecasts); observed in the demo data: {}.",
        s.members.len(),
        names.join(", "),
        if s.members.len() > 5 { ", …" } else { "" },
        s.reach.mean,
        s.reach.low,
        s.reach.high,
        s.forecast.as_ref().map_or(0, |f| f.backtests),
        thousands(seen.reach as u64),
    );
    if let Some(p) = &r.professional {
        println!(
            "   The same budget on the largest accounts above the threshold ({} members, from the demo's other data sets and silent in these days): forecast reach {:.0} ({:.0}–{:.0}). `socialset plan --budget 500` shows why each member was chosen.",
            p.members.len(),
            p.reach.mean,
            p.reach.low,
            p.reach.high,
        );
    }
    Ok(r)
}

/// The Social Set run as a campaign, with made-up clicks and orders (labelled as such).
fn print_campaign(workspace: &mut Workspace, plan: &socialset_engine::PlanReport) -> Result<()> {
    let day = |d: &str| socialset_engine::parse_time(d).map_err(|p| anyhow::anyhow!("{d} {p}"));
    workspace.create_campaign(&socialset_engine::CampaignSpec {
        name: "demo-campaign".into(),
        brand: "cern".into(),
        brief: Some("The Higgs announcement, run through the Social Set above".into()),
        objective: socialset_engine::Objective::Conversions,
        start: day("2012-07-01")?,
        end: day("2012-07-08")?,
        budget: plan.budget,
        currency: "EUR".into(),
        destination: "https://shop.example/higgs".into(),
        hashtags: vec!["higgs".into()],
        disclosure: vec!["#adv".into()],
    })?;
    workspace.add_members_from_plan_report("demo-campaign", plan)?;
    workspace.simulate_campaign("demo-campaign", 2012)?;
    let r =
        workspace.campaign_report("demo-campaign", &socialset_engine::ReportOptions::default())?;
    let j = socialset_server::api::CampaignReportJson::from(&r);
    let show = |f: &socialset_server::api::FiguresJson| {
        format!(
            "{} members, cost €{:.0}, {} visits, {} conversions, conversion rate {}, cost per acquisition {}",
            f.members,
            f.cost,
            f.clicks,
            f.conversions,
            socialset_server::report_html::shown(f.conversion_rate.as_ref(), true),
            socialset_server::report_html::shown(f.cost_per_acquisition.as_ref(), false),
        )
    };
    println!(
        "\n12. The Social Set run as a campaign (SIMULATED clicks and orders, made up for this demo — not results): each member got a tracking link and a promo code; natives: {}; professionals: {}. {} Orders nobody could claim, counted apart: {}. `socialset campaign report demo-campaign --db {}` shows it all (`--format html` for a brand's inbox).",
        show(&j.natives),
        show(&j.professionals),
        j.comparison.sentence,
        j.unclaimed.orders,
        workspace.path().display()
    );
    Ok(())
}

/// The questions customers asked with their best answers, and who creates value.
fn print_ugc(workspace: &Workspace) -> Result<()> {
    let r = workspace.ugc(&socialset_engine::UgcOptions {
        top: 1,
        ..Default::default()
    })?;
    let kinds: Vec<String> = r
        .by_kind
        .iter()
        .map(|(k, n)| format!("{} {}", thousands(*n as u64), k.name()))
        .collect();
    println!(
        "\n10. User-generated value in {} posts (Italian and English, sentiment and cues per post): {}. {} questions drew answers; the most answered:",
        thousands(r.posts as u64),
        kinds.join(", "),
        thousands(r.threads.len() as u64)
    );
    let mut threads: Vec<&socialset_engine::UgcThread> = r.threads.iter().collect();
    threads.sort_by(|a, b| {
        b.answers
            .cmp(&a.answers)
            .then(a.question.post.cmp(&b.question.post))
    });
    let line = |t: &str| -> String {
        let one: String = t.replace(['\n', '\r'], " ").chars().take(100).collect();
        one
    };
    for t in threads.iter().take(3) {
        println!(
            "   Q {} ({} answers): {}",
            who(&t.question.author, t.question.handle.as_deref()),
            t.answers,
            line(&t.question.text)
        );
        if let Some(b) = &t.best {
            println!(
                "     best A {} ({} {:+.2}, engagement {}): {}",
                who(&b.author, b.handle.as_deref()),
                b.polarity.name(),
                b.score,
                b.engagement,
                line(&b.text)
            );
        }
    }
    print_towards_brand(workspace)?;
    let s = workspace.segments(&Default::default())?;
    let total = s.accounts.len().max(1) as f64;
    let parts: Vec<String> = s
        .by_segment
        .iter()
        .map(|(seg, n)| format!("{:.0}% {}s", 100.0 * *n as f64 / total, seg.name()))
        .collect();
    println!(
        "   Prosumer segments of the {} accounts (value created against consumed): {}.",
        thousands(s.accounts.len() as u64),
        parts.join(", ")
    );
    Ok(())
}

/// Sentiment towards the account the posts mention most, read as a brand would be.
fn print_towards_brand(workspace: &Workspace) -> Result<()> {
    let all = workspace.ugc(&socialset_engine::UgcOptions {
        top: usize::MAX,
        ..Default::default()
    })?;
    let mut mentioned: std::collections::HashMap<String, usize> = Default::default();
    for i in &all.items {
        let mut seen = std::collections::HashSet::new();
        for w in i.text.split_whitespace().filter(|w| w.starts_with('@')) {
            let h: String = w[1..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
                .to_lowercase();
            if !h.is_empty() && seen.insert(h.clone()) {
                *mentioned.entry(h).or_insert(0) += 1;
            }
        }
    }
    let Some((top, _)) = mentioned
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
    else {
        return Ok(());
    };
    let about = workspace.ugc(&socialset_engine::UgcOptions {
        brand: Some(format!("@{top}")),
        top: usize::MAX,
        ..Default::default()
    })?;
    let count = |p: Polarity| about.items.iter().filter(|i| i.polarity == p).count();
    let partial: Vec<&socialset_engine::UgcItem> = about
        .items
        .iter()
        .filter(|i| matches!(i.towards, Some("its clauses" | "compared")))
        .collect();
    println!(
        "   Sentiment towards a brand (here @{top}, the account the posts mention most): {} posts about it (near-duplicates once), {} positive, {} negative, {} neutral towards it; {} of them speak of other accounts too and were read in their clauses about @{top} (`socialset ugc --brand @{top}`).",
        thousands(about.items.len() as u64),
        count(Polarity::Positive),
        count(Polarity::Negative),
        count(Polarity::Neutral),
        partial.len()
    );
    Ok(())
}

/// Trust where there are no ratings: who answers those who talk to it.
fn print_interaction_trust(workspace: &Workspace) -> Result<()> {
    let it = workspace.interaction_trust(&socialset_engine::TrustOptions {
        top: 1,
        ..Default::default()
    })?;
    if let Some(a) = it.accounts.first() {
        println!(
            "   Trust from interactions, where there are no ratings: {} answered {} of the {} accounts that talked to it{}.",
            who(&a.id, a.handle.as_deref()),
            a.answered,
            a.talkers,
            a.response_rate
                .map_or(String::new(), |r| format!(" and {} of {} questions", percent(r), a.questions))
        );
    }
    Ok(())
}

fn print_independence(workspace: &Workspace) -> Result<()> {
    let d = workspace.disclosure(None, None)?;
    let compliant = d
        .posts
        .iter()
        .filter(|p| p.verdict == socialset_engine::Disclosure::Compliant)
        .count();
    println!(
        "\n8. Independence and disclosure: {} posts checked for ties to brands (disclosure labels such as #adv or \"pubblicità\", affiliate links, discount codes): {} sponsored, {} of them disclosed clearly at the start.",
        thousands(d.posts_checked as u64),
        thousands(d.posts.len() as u64),
        thousands(compliant as u64)
    );
    if let Some(top) = workspace
        .rank(&socialset_engine::RankOptions {
            tier: Some(socialset_engine::TierFilter::Native),
            top: 50,
            ..Default::default()
        })?
        .accounts
        .iter()
        .find(|a| a.id.starts_with("tw:"))
    {
        let r = workspace.independence(&top.id, None)?;
        println!(
            "   {}, a native influencer of the PHEME threads: independence {} — {}.",
            who(&r.id, r.handle.as_deref()),
            r.independence
                .as_ref()
                .map_or("unknown".into(), |i| percent(i.score)),
            r.reasons.join("; ")
        );
    }
    Ok(())
}

fn print_audit(workspace: &Workspace) -> Result<()> {
    let report = workspace.audit(&socialset_engine::AuditOptions {
        top: 5,
        ..Default::default()
    })?;
    println!(
        "\n6. Authenticity audit (automation classifier trained on Gilani et al. 2017, re-based to {:.0}% bots): {} accounts: {} people, {} organisations or publishers (automated, not fake), {} likely fakes or bots, {} with too little data for a verdict (no profile or posts in the data); {} engagement pods. The most suspicious:",
        report.bot_share * 100.0,
        thousands(report.accounts_audited as u64),
        thousands(report.humans as u64),
        thousands(report.publishers as u64),
        thousands(report.likely_bots as u64),
        thousands(report.too_little_data as u64),
        report.pods.len()
    );
    let rows = report
        .accounts
        .iter()
        .map(|a| {
            vec![
                who(&a.id, a.handle.as_deref()),
                a.verdict.as_str().to_owned(),
                format!("{:.2}", a.bot_probability),
                a.followers.map_or("unknown".into(), thousands),
                a.reasons
                    .iter()
                    .map(reason_arrow)
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "account",
                "verdict",
                "automated",
                "followers",
                "reasons (↑ toward automated)"
            ],
            &[2, 3],
            rows
        )
    );
    if let Some(p) = report.pods.first() {
        println!(
            "   Strongest engagement pod: {} accounts, score {:.2} (density {:.2}, reciprocity {:.2}, {:.0}% of their engagement within {} min of each other). `socialset pods` lists them all.",
            p.members.len(),
            p.evidence.score,
            p.evidence.density,
            p.evidence.reciprocity,
            p.evidence.fast_share * 100.0,
            report.pod_config.window_minutes
        );
    }
    Ok(())
}

fn print_communities(workspace: &Workspace) -> Result<()> {
    let report = workspace.communities(&CommunityOptions {
        top: 5,
        window_days: Some(2.0),
        ..CommunityOptions::default()
    })?;
    println!(
        "\n5. Communities (Leiden): {} communities, modularity {:.3}; the largest:",
        thousands(report.n_communities as u64),
        report.modularity
    );
    let rows = report
        .communities
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                thousands(u64::from(c.size)),
                c.top_members
                    .iter()
                    .take(3)
                    .map(|(id, h)| who(id, h.as_deref()))
                    .collect::<Vec<_>>()
                    .join(", "),
                percent(c.internal_share),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &["#", "size", "top members", "engagement inside"],
            &[0, 1, 3],
            rows
        )
    );
    if let Some(s) = &report.stability {
        if let Some(c) = s.comparisons.iter().max_by_key(|c| c.accounts_in_both) {
            println!(
                "   Stability over 2-day windows: of {} accounts active in two consecutive windows, the partitions agree with NMI {:.2} (ARI {:.2}).",
                thousands(u64::from(c.accounts_in_both)),
                c.nmi,
                c.ari
            );
        }
    }
    Ok(())
}
