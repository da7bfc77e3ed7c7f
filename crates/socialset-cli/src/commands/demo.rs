//! `socialset demo`: the main job on bundled real data, start to finish.

use std::path::PathBuf;

use anyhow::Result;
use socialset_engine::{Summary, Workspace};

use crate::output::{amount, table, thousands};
use crate::progress::ImportProgress;

/// Import the bundled real data into a fresh store and show what socialset finds in it.
///
/// The bundled data are real public data sets (credited in tests/data/demo/README.md): Twitter
/// interactions around the Higgs boson announcement, Bitcoin OTC trust ratings, and Mastodon
/// ActivityPub payloads. The demo store is kept afterwards, so you can explore it:
///   socialset stats --db socialset-demo.db
/// Running the demo again replaces the demo store (and only a store the demo made).
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Where to build the demo store.
    #[arg(long, default_value = "socialset-demo.db", value_name = "PATH")]
    db: PathBuf,

    /// How many accounts to list.
    #[arg(long, default_value_t = 10, value_name = "K")]
    top: usize,
}

pub fn run(args: Args) -> Result<()> {
    println!(
        "socialset demo — building a fresh store at {}\n",
        args.db.display()
    );
    let mut progress = ImportProgress::new(true);
    let (workspace, imports) = Workspace::create_demo(&args.db, &mut progress)?;
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
    println!(
        "\nExplore it: socialset stats --db {}    Your own data: socialset import --help",
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
    if let Some(r) = &s.ratings {
        println!(
            "\n4. Trust ratings: {} ratings, {:.0}% positive, mean {:+.2}.",
            thousands(r.count),
            r.positive_share * 100.0,
            r.mean
        );
    }
}
