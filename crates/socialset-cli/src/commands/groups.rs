//! `socialset groups`: the groups of the store with their members and activity.

use anyhow::Result;

use super::{OutputFormat, StoreArgs};
use crate::output::{csv, table, thousands};

/// List the groups people gather in (subreddits, X/Twitter lists), the most posted-in first.
///
/// Each group with its members and activity: subreddits, X/Twitter lists, discussion groups.
///
/// Groups come from the exports: a Reddit post names its subreddit and a subreddit listing
/// gives its subscribers; an X/Twitter list gives its member count; socialset's JSON Lines
/// has `group` and `membership` records and a post's `group` (docs/FORMAT.md). "members" is
/// the platform's count; "recorded" the memberships the store holds; "posters" the distinct
/// accounts that posted there.
///
/// Examples:
///   socialset groups
///   socialset groups --top 0 --format csv > groups.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// How many groups to list (0: all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    #[command(flatten)]
    store: StoreArgs,
}

const HEADER: [&str; 10] = [
    "group",
    "name",
    "members",
    "recorded",
    "posts",
    "posters",
    "first_post",
    "last_post",
    "created",
    "description",
];

pub fn run(args: Args) -> Result<()> {
    let report = args.store.open_existing()?.groups(args.top)?;
    let json = socialset_server::api::GroupsJson::from(&report);
    let opt = |v: Option<u64>| v.map_or_else(String::new, |n| n.to_string());
    let rows: Vec<Vec<String>> = json
        .groups
        .iter()
        .map(|g| {
            vec![
                g.id.clone(),
                g.name.clone().unwrap_or_default(),
                opt(g.members),
                g.memberships.to_string(),
                g.posts.to_string(),
                g.posters.to_string(),
                g.first_post.clone().unwrap_or_default(),
                g.last_post.clone().unwrap_or_default(),
                g.created.clone().unwrap_or_default(),
                g.description.clone().unwrap_or_default(),
            ]
        })
        .collect();
    match args.format {
        OutputFormat::Json => crate::output::print_json(&json)?,
        OutputFormat::Csv => csv(&HEADER, &rows)?,
        OutputFormat::Table => {
            let shown: Vec<Vec<String>> = json
                .groups
                .iter()
                .map(|g| {
                    vec![
                        g.name.clone().unwrap_or_else(|| g.id.clone()),
                        g.members.map_or_else(|| "unknown".into(), thousands),
                        thousands(g.memberships),
                        thousands(g.posts),
                        thousands(g.posters),
                        match (&g.first_post, &g.last_post) {
                            (Some(a), Some(b)) if a == b => a.clone(),
                            (Some(a), Some(b)) => format!("{a} – {b}"),
                            _ => String::new(),
                        },
                    ]
                })
                .collect();
            println!(
                "{}",
                table(
                    &["group", "members", "recorded", "posts", "posters", "active"],
                    &[1, 2, 3, 4],
                    shown
                )
            );
            println!(
                "{} of {} groups; {} posts were made in a group.",
                thousands(json.groups.len() as u64),
                thousands(json.total as u64),
                thousands(json.posts_in_groups)
            );
        }
    }
    Ok(())
}
