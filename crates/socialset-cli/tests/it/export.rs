//! `socialset export` and the way back: every table of the demo store written as Parquet,
//! Arrow and JSON Lines, imported into new stores, gives the same counts and the same
//! results; a broken table changes nothing.

use std::path::Path;

use super::{demo_store, socialset, stats};

const TABLES: [&str; 7] = [
    "accounts",
    "follows",
    "posts",
    "interactions",
    "ratings",
    "claims",
    "verdicts",
];

fn ok(db: &Path, args: &[&str]) -> String {
    let out = socialset(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_table_exported_imports_back_to_the_same_store_and_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo_store(dir.path());
    let before = stats(&demo);
    let results = |db: &Path| {
        [
            ok(db, &["rank", "--top", "100", "--format", "csv"]),
            ok(db, &["trust", "--format", "csv"]),
            ok(db, &["claims", "--format", "csv"]),
            ok(db, &["communities", "--format", "json"]),
        ]
    };
    let expected = results(&demo);
    for format in ["parquet", "arrow", "jsonl"] {
        let mut files = Vec::new();
        for table in TABLES {
            let out = dir.path().join(format!("{table}.{format}"));
            let out_arg = out.to_string_lossy().into_owned();
            let said = ok(
                &demo,
                &["export", "--what", table, "--out", &out_arg, "--json"],
            );
            let said: serde_json::Value = serde_json::from_str(&said).expect("--json");
            assert_eq!(said["rows"], before[table], "{table} {format}");
            assert_eq!(said["format"], format);
            files.push(out_arg);
        }
        let copy = dir.path().join(format!("copy-{format}.db"));
        let mut args = vec!["import"];
        args.extend(files.iter().map(String::as_str));
        ok(&copy, &args);
        assert_eq!(stats(&copy), before, "{format}");
        assert_eq!(results(&copy), expected, "{format}");
    }
    // CSV is for reading, not for importing back: lists as JSON arrays, times RFC 3339.
    let csv = dir.path().join("posts.csv");
    ok(
        &demo,
        &["export", "--what", "posts", "--out", &csv.to_string_lossy()],
    );
    let text = std::fs::read_to_string(&csv).expect("csv");
    let header = text.lines().next().unwrap_or_default();
    assert!(header.starts_with("id,author,at,text,lang,"), "{header}");
    assert!(
        text.contains("[\"\"test\"\"]"),
        "a list cell is a JSON array"
    );
}

#[test]
fn an_analysis_writes_all_its_rows_as_its_json_gives_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo_store(dir.path());
    let ranked: serde_json::Value =
        serde_json::from_str(&ok(&demo, &["rank", "--top", "100000", "--format", "json"]))
            .expect("json");
    let ranked = ranked["accounts"].as_array().cloned().unwrap_or_default();
    assert!(ranked.len() > 100, "{}", ranked.len());
    // `export --what rank` and `rank --out` write the same rows, one a line in JSON Lines.
    let exported = dir.path().join("rank.jsonl");
    let said = ok(
        &demo,
        &[
            "export",
            "--what",
            "rank",
            "--out",
            &exported.to_string_lossy(),
        ],
    );
    assert!(
        said.starts_with("wrote ") && said.contains("ranked accounts"),
        "{said}"
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&exported)
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), ranked.len());
    assert_eq!(lines[0]["id"], ranked[0]["id"]);
    assert_eq!(lines[0]["received.reply"], ranked[0]["received"]["reply"]);
    let audit = dir.path().join("audit.csv");
    ok(
        &demo,
        &[
            "audit",
            "--all",
            "--top",
            "0",
            "--out",
            &audit.to_string_lossy(),
        ],
    );
    let text = std::fs::read_to_string(&audit).expect("read");
    assert_eq!(text.lines().count(), 1 + 4247, "a header and every account");
    assert!(text
        .lines()
        .next()
        .unwrap_or_default()
        .contains("bot_probability"));
    let parquet = dir.path().join("segments.parquet");
    ok(
        &demo,
        &[
            "export",
            "--what",
            "segments",
            "--out",
            &parquet.to_string_lossy(),
        ],
    );
    assert!(std::fs::read(&parquet).expect("read").starts_with(b"PAR1"));
}

#[test]
fn a_broken_table_changes_nothing_and_a_bad_request_says_what_to_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo_store(dir.path());
    let before = stats(&demo);
    let good = dir.path().join("accounts.parquet");
    ok(
        &demo,
        &[
            "export",
            "--what",
            "accounts",
            "--out",
            &good.to_string_lossy(),
        ],
    );
    // The same file cut short: its footer, where Parquet keeps its schema, is gone.
    let bytes = std::fs::read(&good).expect("read");
    let broken = dir.path().join("broken.parquet");
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).expect("write");
    let out = socialset(
        &demo,
        &["import", &good.to_string_lossy(), &broken.to_string_lossy()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.parquet"), "{err}");
    assert!(err.contains("Parquet"), "{err}");
    assert_eq!(stats(&demo), before);

    let refused = |args: &[&str], says: &str| {
        let out = socialset(&demo, args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    };
    let nowhere = dir.path().join("no/such/folder/a.parquet");
    refused(
        &[
            "export",
            "--what",
            "accounts",
            "--out",
            &nowhere.to_string_lossy(),
        ],
        "does not exist",
    );
    refused(
        &["export", "--what", "acounts", "--out", "a.parquet"],
        "expected accounts, follows, posts",
    );
    refused(
        &[
            "export", "--what", "accounts", "--out", "a.csv", "--format", "parquet",
        ],
        "does not match the extension",
    );
    // Nothing was left behind by the refused exports.
    assert!(!Path::new("a.parquet").exists() && !Path::new("a.csv").exists());
}
