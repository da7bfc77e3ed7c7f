//! Platform exports give the counts docs/FORMAT.md writes down: each row of its table "What
//! the sample exports give" imported into an empty store. Rows under `../shared` run when that
//! data is there (CI has it; `SOCIALSET_REQUIRE_SHARED_DATA=1` makes its absence a failure).
//! Reddit rows are PRAW's recorded cassettes, unwrapped here into plain Reddit JSON first.

use std::path::{Path, PathBuf};

use socialset_engine::{ImportOptions, NoProgress, Workspace};

struct Row {
    path: String,
    accounts: u64,
    posts: u64,
    interactions: u64,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rows() -> Vec<Row> {
    let doc = std::fs::read_to_string(repo().join("docs/FORMAT.md")).expect("docs/FORMAT.md");
    let table = doc
        .split("### What the sample exports give")
        .nth(1)
        .expect("the table of sample exports in docs/FORMAT.md");
    table
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('`'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let number = |i: usize| {
                cells[i]
                    .parse::<u64>()
                    .unwrap_or_else(|_| panic!("not a count in {l}"))
            };
            Row {
                path: cells[1].trim_matches('`').to_owned(),
                accounts: number(2),
                posts: number(3),
                interactions: number(4),
            }
        })
        .collect()
}

/// The Reddit JSON recorded in PRAW's betamax cassettes (a file, or every `Test*.json[.gz]`
/// of a folder), one response per line: what a Reddit export holds.
fn unwrap_cassettes(path: &Path) -> String {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut f: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("Test"))
            })
            .collect();
        f.sort();
        f
    } else {
        vec![path.to_owned()]
    };
    let mut out = String::new();
    for file in files {
        let mut text = String::new();
        let f = std::fs::File::open(&file).expect("cassette");
        if file.extension().is_some_and(|e| e == "gz") {
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(f), &mut text)
        } else {
            std::io::Read::read_to_string(&mut std::io::BufReader::new(f), &mut text)
        }
        .expect("read");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("cassette JSON");
        for i in doc["interactions"].as_array().into_iter().flatten() {
            let token = i["request"]["uri"]
                .as_str()
                .is_some_and(|u| u.contains("access_token"));
            let body = i["response"]["body"]["string"].as_str().unwrap_or_default();
            if let (false, Ok(v)) = (token, serde_json::from_str::<serde_json::Value>(body)) {
                out.push_str(&v.to_string());
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn the_sample_exports_give_the_documented_counts() {
    let rows = rows();
    assert!(rows.len() >= 7, "the table lost rows");
    let require_shared = std::env::var("SOCIALSET_REQUIRE_SHARED_DATA").is_ok();
    for row in rows {
        let path = repo().join(&row.path);
        if !path.exists() {
            assert!(
                !row.path.starts_with("../shared") || !require_shared,
                "{} is required but missing",
                row.path
            );
            assert!(row.path.starts_with("../shared"), "{} is missing", row.path);
            eprintln!("skipped (no data here): {}", row.path);
            continue;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let input = if row.path.contains("cassettes") || row.path.contains("reddit") {
            let unwrapped = dir.path().join("reddit.jsonl");
            std::fs::write(&unwrapped, unwrap_cassettes(&path)).expect("write");
            unwrapped
        } else {
            // Archives (the PHEME threads' tar.gz) are given to import as they are.
            path
        };
        let mut w = Workspace::open(&dir.path().join("s.db")).expect("store");
        let options = ImportOptions {
            skip_bad: true,
            rejects_dir: Some(dir.path().to_owned()),
            ..ImportOptions::default()
        };
        let report = w
            .import(&[input], &options, &mut NoProgress)
            .unwrap_or_else(|e| panic!("{}: {e}", row.path));
        let got = (
            report.after.accounts,
            report.after.posts,
            report.after.interactions,
        );
        assert_eq!(
            got,
            (row.accounts, row.posts, row.interactions),
            "{}: accounts, posts, interactions",
            row.path
        );
    }
}
