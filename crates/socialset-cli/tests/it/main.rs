//! The real `socialset` binary on the fixtures in tests/data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn socialset(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socialset"))
        .args(args)
        .env("SOCIALSET_DB", db)
        .env_remove("SOCIALSET_TEST_STALL_AFTER")
        .output()
        .expect("run socialset")
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(rel)
}

fn stats(db: &Path) -> serde_json::Value {
    let out = socialset(db, &["stats", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stats --json prints JSON")
}

#[test]
fn demo_builds_its_store_and_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    let db_arg = db.to_string_lossy().to_string();
    let out = socialset(&db, &["demo", "--db", &db_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("higgs-activity-sample.txt.gz"), "{stdout}");
    assert!(stdout.contains("28,747"), "{stdout}");
    assert!(stdout.contains("Who draws engagement"), "{stdout}");
    let counts = stats(&db);
    assert_eq!(counts["ratings"], 9788);
    assert_eq!(counts["interactions"], 28747 + 4);
    // Running it again replaces the demo store: same figures, nothing doubled.
    assert!(socialset(&db, &["demo", "--db", &db_arg]).status.success());
    assert_eq!(stats(&db), counts);
}

#[test]
fn demo_never_replaces_a_store_it_did_not_make() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("mine.db");
    let ratings = fixture("demo/bitcoin-otc-sample.csv.gz");
    assert!(
        socialset(&db, &["import", ratings.to_str().unwrap_or_default()])
            .status
            .success()
    );
    let before = stats(&db);
    let out = socialset(&db, &["demo", "--db", db.to_str().unwrap_or_default()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not made by `socialset demo`"));
    assert_eq!(stats(&db), before);
}

#[test]
fn import_then_stats_json_has_the_six_integer_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let file = fixture("demo/bitcoin-otc-sample.csv.gz");
    let out = socialset(&db, &["import", file.to_str().unwrap_or_default()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("reading as signed ratings CSV"),
        "auto-detection says what it chose: {stderr}"
    );
    let counts = stats(&db);
    for field in [
        "accounts",
        "follows",
        "posts",
        "interactions",
        "ratings",
        "conversions",
    ] {
        assert!(counts[field].is_u64(), "{field} in {counts}");
    }
    assert_eq!(counts["ratings"], 9788);
    assert_eq!(counts["accounts"], 399); // distinct raters and ratees in the sample
                                         // Twice changes nothing, and says so.
    let again = socialset(&db, &["import", file.to_str().unwrap_or_default()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing new"));
    assert_eq!(stats(&db), counts);
}

#[test]
fn bad_input_exits_non_zero_with_file_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"type\":\"account\",\"id\":\"x:a\"}\n{\"type\":\"account\",\"id\":\"x:b\",\"created_at\":\"yesterday\"}\n")
        .expect("write");
    let out = socialset(&db, &["import", bad.to_str().unwrap_or_default()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.jsonl:2: field \"created_at\": is not an RFC 3339 time or epoch seconds (\"yesterday\")"),
        "{stderr}"
    );
    assert_eq!(stats(&db)["accounts"], 0);

    let out = socialset(
        &db,
        &["import", "--skip-bad", bad.to_str().unwrap_or_default()],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 bad records skipped, written to"));
    assert_eq!(stats(&db)["accounts"], 1);
    assert!(dir.path().join("bad.jsonl.rejects.jsonl").exists());
}

#[test]
fn activitypub_fixtures_import_and_the_invalid_profile_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let invalid = fixture("activitypub/ACTIVITYPUB_PROFILE_INVALID.json");
    let out = socialset(&db, &["import", invalid.to_str().unwrap_or_default()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "ACTIVITYPUB_PROFILE_INVALID.json:1: field \"id\": is missing or not a string: an actor needs an id (null)"
    ));
    let share = fixture("activitypub/ACTIVITYPUB_SHARE.json");
    let follow = fixture("activitypub/ACTIVITYPUB_FOLLOW.json");
    let out = socialset(
        &db,
        &[
            "import",
            share.to_str().unwrap_or_default(),
            follow.to_str().unwrap_or_default(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts = stats(&db);
    assert_eq!(
        (
            counts["interactions"].as_u64(),
            counts["follows"].as_u64(),
            counts["posts"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
}

#[test]
fn a_killed_import_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let first = fixture("demo/bitcoin-otc-sample.csv.gz");
    assert!(
        socialset(&db, &["import", first.to_str().unwrap_or_default()])
            .status
            .success()
    );
    let before = stats(&db);

    let big = dir.path().join("big.txt");
    let lines: String = (0..100_000u32)
        .map(|i| format!("{i} {} {} RT\n", i / 7, 1_341_100_972 + i))
        .collect();
    std::fs::write(&big, lines).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_socialset"))
        .args([
            "import",
            "--db",
            db.to_str().unwrap_or_default(),
            big.to_str().unwrap_or_default(),
        ])
        .env("SOCIALSET_TEST_STALL_AFTER", "30000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait until the import stalls mid-transaction, then SIGKILL it.
    let stderr = child.stderr.take().expect("stderr");
    let mut reader = std::io::BufReader::new(stderr);
    let mut line = String::new();
    loop {
        line.clear();
        let n = std::io::BufRead::read_line(&mut reader, &mut line).expect("read stderr");
        assert!(n > 0, "the import ended before stalling");
        if line.starts_with("stalled after") {
            break;
        }
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert_eq!(
        stats(&db),
        before,
        "a killed import must leave the store as it was"
    );
}

#[test]
fn help_teaches_the_formats() {
    let out = Command::new(env!("CARGO_BIN_EXE_socialset"))
        .args(["import", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "jsonl",
        "snap",
        "ratings-csv",
        "higgs",
        "activitypub",
        "--skip-bad",
        "Examples",
    ] {
        assert!(help.contains(needle), "import --help lacks {needle}");
    }
}
