//! `socialset profile`: an account's profile card.

use anyhow::Result;

use super::StoreArgs;
use crate::output::{table, thousands};

/// Show an account's profile card: name, bio, followers, its page on its platform, its latest
/// posts in the data with links, and its engagement rate against the median of its tier in
/// the store.
///
/// The engagement rate is the mean likes and shares per original post (as the platform
/// counted them) over the followers; the tier median is taken over the accounts of the same
/// tier in the store that have one.
///
/// Examples:
///   socialset profile TIME
///   socialset profile tw:14293310 --posts 10 --json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The account (id or handle).
    account: String,

    /// How many of its latest posts to show.
    #[arg(long, default_value_t = 5, value_name = "N")]
    posts: usize,

    /// Print JSON (the API's profile object).
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    store: StoreArgs,
}

fn percent(rate: f64) -> String {
    format!("{:.3}%", rate * 100.0)
}

pub fn run(args: Args) -> Result<()> {
    let p = args
        .store
        .open_existing()?
        .profile(&args.account, args.posts)?;
    if args.json {
        let j = socialset_server::api::ProfileJson::from(&p);
        crate::output::print_json(&j)?;
        return Ok(());
    }
    let count = |n: Option<u64>| n.map_or("unknown".to_owned(), thousands);
    let mut title = p
        .handle
        .as_deref()
        .map_or(p.id.clone(), |h| format!("@{h}"));
    if let Some(name) = &p.name {
        title = format!("{name} ({title})");
    }
    println!("{title} — {}", p.id);
    if let Some(bio) = p.bio.as_deref().filter(|b| !b.trim().is_empty()) {
        println!("  {}", bio.replace('\n', " "));
    }
    let mut marks = Vec::new();
    if p.verified == Some(true) {
        marks.push("verified");
    }
    if p.is_brand == Some(true) {
        marks.push("a brand");
    }
    println!(
        "  {} followers, following {}, {} posts in its life, on {} lists{}{}",
        count(p.followers),
        count(p.following),
        count(p.posts_count),
        count(p.listed),
        if marks.is_empty() {
            String::new()
        } else {
            format!("; {}", marks.join(", "))
        },
        p.created_at
            .map_or(String::new(), |t| format!("; joined {}", t.day()))
    );
    if let Some(link) = &p.link {
        println!("  {link}");
    }
    match (p.engagement_rate, p.tier) {
        (Some(rate), Some(tier)) => println!(
            "  engagement rate {} over {} original {} (likes and shares per post over followers); median of the {} {} tier accounts here: {}",
            percent(rate),
            thousands(p.rated_posts as u64),
            if p.rated_posts == 1 { "post" } else { "posts" },
            thousands(p.tier_accounts as u64),
            tier.as_str(),
            p.tier_median_rate.map_or("—".to_owned(), percent)
        ),
        _ => println!(
            "  no engagement rate: it needs a follower count and original posts with like or share counts"
        ),
    }
    if p.recent_posts.is_empty() {
        println!("  no posts in the data");
        return Ok(());
    }
    let rows = p
        .recent_posts
        .iter()
        .map(|r| {
            vec![
                r.at.map_or("—".to_owned(), |t| t.day()),
                r.text
                    .as_deref()
                    .unwrap_or_default()
                    .chars()
                    .take(100)
                    .collect::<String>()
                    .replace('\n', " "),
                r.likes.map_or("—".to_owned(), thousands),
                r.shares.map_or("—".to_owned(), thousands),
                r.link.clone().unwrap_or_else(|| r.id.clone()),
            ]
        })
        .collect();
    println!(
        "Latest {} of its {} posts in the data:",
        p.recent_posts.len(),
        thousands(p.posts_in_data as u64)
    );
    println!(
        "{}",
        table(&["day", "text", "likes", "shares", "link"], &[2, 3], rows)
    );
    Ok(())
}
