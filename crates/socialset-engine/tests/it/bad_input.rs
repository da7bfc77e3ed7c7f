//! Every kind of bad input: a clear error naming file, line and field, and a store left
//! exactly as it was.

use std::io::Write;

use socialset_engine::{Error, Format, ImportOptions};

use crate::{dump, import, write, GOOD_JSONL};

/// Imports `good`, then tries `bad` (named `name`), and checks the error and that the store
/// is unchanged.
fn check_rejected(name: &str, bad: &[u8], expect_error: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let good = write(dir.path(), "good.jsonl", GOOD_JSONL.as_bytes());
    import(&db, &[good], &ImportOptions::default()).expect("good import");
    let before = dump(&db);

    let bad_path = write(dir.path(), name, bad);
    let err = import(
        &db,
        std::slice::from_ref(&bad_path),
        &ImportOptions::default(),
    )
    .expect_err("bad input must fail");
    assert!(err.is_user_error(), "{err:?} should be the user's fault");
    let message = err.to_string();
    let expected = format!("{}{expect_error}", bad_path.display());
    assert_eq!(message, expected);
    assert_eq!(dump(&db), before, "the store must hold what it held before");
}

/// The first records of a file are good and would have been written before the bad one:
/// they must be rolled back too.
const PREFIX: &str = "{\"type\":\"account\",\"id\":\"tw:new1\",\"followers\":3}\n{\"type\":\"interaction\",\"src\":\"tw:new1\",\"dst\":\"tw:ann\",\"kind\":\"share\",\"at\":1341388999}\n";

#[test]
fn malformed_json() {
    check_rejected(
        "bad.jsonl",
        format!("{PREFIX}{{\"type\":\"account\",\"id\":\"x\"\n").as_bytes(),
        ":3: is not a JSON object: EOF while parsing an object",
    );
}

#[test]
fn missing_required_field() {
    check_rejected(
        "bad.jsonl",
        format!("{PREFIX}{{\"type\":\"interaction\",\"src\":\"tw:a\",\"kind\":\"reply\"}}\n")
            .as_bytes(),
        ":3: field \"dst\": is missing: it is required",
    );
}

#[test]
fn wrong_type() {
    check_rejected(
        "bad.jsonl",
        format!("{PREFIX}{{\"type\":\"account\",\"id\":\"tw:a\",\"verified\":\"yes\"}}\n")
            .as_bytes(),
        ":3: field \"verified\": invalid type: string \"yes\", expected a boolean",
    );
}

#[test]
fn bad_timestamp() {
    check_rejected(
        "posts.jsonl",
        format!(
            "{PREFIX}{{\"type\":\"post\",\"id\":\"p\",\"author\":\"a\",\"at\":\"yesterday\"}}\n"
        )
        .as_bytes(),
        ":3: field \"at\": is not an RFC 3339 time or epoch seconds (\"yesterday\")",
    );
}

#[test]
fn negative_count() {
    check_rejected(
        "bad.jsonl",
        format!("{PREFIX}{{\"type\":\"account\",\"id\":\"tw:a\",\"followers\":-12}}\n").as_bytes(),
        ":3: field \"followers\": is negative: a count is zero or more (-12)",
    );
}

#[test]
fn huge_value() {
    check_rejected(
        "bad.jsonl",
        format!("{PREFIX}{{\"type\":\"account\",\"id\":\"tw:a\",\"followers\":123456789012345678901234567890}}\n").as_bytes(),
        ":3: field \"followers\": is larger than any count a platform gives (at most 9223372036854775807) (1.2345678901234568e29)",
    );
    // Past what the store holds but within an unsigned 64-bit number: refused too, where it
    // was clamped to 2^63 − 1 in silence.
    check_rejected(
        "bad.jsonl",
        format!("{PREFIX}{{\"type\":\"account\",\"id\":\"tw:a\",\"followers\":9223372036854775808}}\n").as_bytes(),
        ":3: field \"followers\": is larger than any count a platform gives (at most 9223372036854775807) (9223372036854775808)",
    );
}

#[test]
fn a_post_id_repeated_by_another_author() {
    check_rejected(
        "bad.jsonl",
        format!(
            "{PREFIX}{{\"type\":\"post\",\"id\":\"tw:p9\",\"author\":\"tw:new1\"}}\n{{\"type\":\"post\",\"id\":\"tw:p9\",\"author\":\"tw:ann\"}}\n"
        )
        .as_bytes(),
        ": field \"author\": post tw:p9 is by tw:new1, but a record gives tw:ann as its author (a post keeps its first author; is the id from another platform or export?)",
    );
}

#[test]
fn unknown_record_type() {
    check_rejected(
        "bad.jsonl",
        format!("{PREFIX}{{\"type\":\"tweet\",\"id\":\"1\"}}\n").as_bytes(),
        ":3: field \"type\": is not a record type socialset knows: expected account, follow, post, interaction, rating, conversion, group, membership, claim or verdict (tweet)",
    );
}

#[test]
fn non_utf8_bytes() {
    let mut bytes = PREFIX.as_bytes().to_vec();
    bytes.extend_from_slice(b"{\"type\":\"account\",\"id\":\"caf\xe9\"}\n");
    check_rejected(
        "bad.jsonl",
        &bytes,
        ":3: the line is not valid UTF-8 text at byte 28 ([e9, 22, 7d])",
    );
}

#[test]
fn non_utf8_in_an_edge_list() {
    check_rejected(
        "edges.txt",
        b"1 2\n3 \xff\xfe\n",
        ":2: the line is not valid UTF-8 text at byte 3 ([ff, fe])",
    );
}

#[test]
fn truncated_gzip() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..20_000 {
        writeln!(gz, "{i} {} 1341100972 RT", i + 1).expect("gzip");
    }
    let whole = gz.finish().expect("gzip");
    let cut = &whole[..whole.len() / 2];
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let good = write(dir.path(), "good.jsonl", GOOD_JSONL.as_bytes());
    import(&db, &[good], &ImportOptions::default()).expect("good import");
    let before = dump(&db);
    let path = write(dir.path(), "higgs.txt.gz", cut);
    let options = ImportOptions {
        format: Some(Format::Higgs),
        skip_bad: true, // a truncated stream is fatal even with --skip-bad
        ..ImportOptions::default()
    };
    let err = import(&db, &[path], &options).expect_err("truncated gzip must fail");
    let message = err.to_string();
    assert!(
        matches!(err, Error::BadInput(ref e) if e.fatal),
        "{message}"
    );
    assert!(message.contains("higgs.txt.gz:"), "{message}");
    assert!(
        message.contains("the gzip stream is truncated or corrupt"),
        "{message}"
    );
    assert_eq!(dump(&db), before);
}

#[test]
fn a_bad_second_file_rolls_back_the_good_first_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let first = write(dir.path(), "first.jsonl", GOOD_JSONL.as_bytes());
    let second = write(
        dir.path(),
        "second.txt",
        b"1 2 1341100972 RT\n1 2 soon RT\n",
    );
    let err = import(&db, &[first, second], &ImportOptions::default()).expect_err("must fail");
    assert!(
        err.to_string().ends_with(
            "second.txt:2: field \"timestamp\": is not an RFC 3339 time or epoch seconds (soon)"
        ),
        "{err}"
    );
    assert_eq!(dump(&db).counts, socialset_store::Counts::default());
}

#[test]
fn skip_bad_keeps_the_good_records_and_writes_the_rejects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let mixed = format!(
        "{GOOD_JSONL}{{\"type\":\"account\",\"id\":\"tw:z\",\"followers\":-1}}\nnot json\n{{\"type\":\"follow\",\"src\":\"tw:z\",\"dst\":\"tw:ann\"}}\n"
    );
    let path = write(dir.path(), "mixed.jsonl", mixed.as_bytes());
    let options = ImportOptions {
        skip_bad: true,
        ..ImportOptions::default()
    };
    let report = import(&db, &[path], &options).expect("skip-bad import");
    assert_eq!(report.rejected(), 2);
    assert_eq!(report.records_read(), 7);
    let rejects_path = report.files[0].rejects_path.clone().expect("rejects file");
    assert_eq!(rejects_path, dir.path().join("mixed.jsonl.rejects.jsonl"));
    let rejects = std::fs::read_to_string(&rejects_path).expect("rejects");
    let lines: Vec<serde_json::Value> = rejects
        .lines()
        .map(|l| serde_json::from_str(l).expect("reject line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 7);
    assert_eq!(lines[0]["field"], "followers");
    assert_eq!(
        lines[0]["raw"],
        "{\"type\":\"account\",\"id\":\"tw:z\",\"followers\":-1}"
    );
    assert_eq!(lines[1]["line"], 8);
    let counts = dump(&db).counts;
    assert_eq!(
        (counts.follows, counts.ratings, counts.conversions),
        (2, 1, 1)
    );
}

#[test]
fn edges_create_bare_accounts_that_account_records_fill_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let edges = write(dir.path(), "e.txt", b"# a comment\n7\t8\n");
    let options = ImportOptions {
        platform: Some("tw".into()),
        ..ImportOptions::default()
    };
    import(&db, &[edges], &options).expect("edges");
    let bare = dump(&db);
    assert_eq!(bare.accounts.len(), 2);
    assert_eq!(bare.accounts[0].id.as_str(), "tw:7");
    assert_eq!(bare.accounts[0].followers, None);
    let filled = write(
        dir.path(),
        "a.jsonl",
        br#"{"type":"account","id":"tw:7","handle":"seven","followers":70}"#,
    );
    import(&db, &[filled], &ImportOptions::default()).expect("accounts");
    // A later bare mention must not erase what is known.
    let again = write(dir.path(), "e2.txt", b"8 7\n");
    import(&db, &[again], &options).expect("edges again");
    let after = dump(&db);
    assert_eq!(after.counts.accounts, 2);
    assert_eq!(after.counts.follows, 2);
    assert_eq!(after.accounts[0].handle.as_deref(), Some("seven"));
    assert_eq!(after.accounts[0].followers, Some(70));
}

/// A tar.gz of `files` (name, bytes) and, when given, a symbolic link (name, target).
fn tar_gz(path: &std::path::Path, files: &[(&str, &[u8])], link: Option<(&str, &str)>) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).expect("create"),
        flate2::Compression::fast(),
    );
    let mut b = tar::Builder::new(gz);
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).expect("append");
    }
    if let Some((name, target)) = link {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        b.append_link(&mut h, name, target).expect("link");
    }
    b.into_inner().expect("tar").finish().expect("gz");
}

#[test]
fn a_bad_record_in_an_archive_is_named_by_the_archive_and_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let good = write(dir.path(), "good.jsonl", GOOD_JSONL.as_bytes());
    import(&db, &[good], &ImportOptions::default()).expect("good import");
    let before = dump(&db);
    let archive = dir.path().join("export.tar.gz");
    let bad = format!("{PREFIX}{{\"type\":\"account\",\"id\":\"tw:x\",\"followers\":\"many\"}}\n");
    tar_gz(
        &archive,
        &[
            ("export/README.md", b"# notes"),
            ("export/a.jsonl", PREFIX.as_bytes()),
            ("export/b.jsonl", bad.as_bytes()),
        ],
        None,
    );
    let err = import(
        &db,
        std::slice::from_ref(&archive),
        &ImportOptions::default(),
    )
    .expect_err("a bad record fails the import");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{}/export/b.jsonl:3:", archive.display())),
        "{message}"
    );
    assert!(message.contains("followers"), "{message}");
    assert_eq!(dump(&db), before, "the store must hold what it held before");
}

#[test]
fn archives_are_read_as_folders_and_their_links_are_left_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let archive = dir.path().join("export.tar.gz");
    tar_gz(
        &archive,
        &[("export/a.jsonl", GOOD_JSONL.as_bytes())],
        Some(("export/passwd.jsonl", "/etc/passwd")),
    );
    let zipped = dir.path().join("more.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zipped).expect("create"));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("inner/new.jsonl", stored).expect("zip");
    z.write_all(PREFIX.as_bytes()).expect("zip");
    z.finish().expect("zip");
    let report = import(
        &db,
        &[archive.clone(), zipped.clone()],
        &ImportOptions::default(),
    )
    .expect("archives import");
    let files: Vec<&str> = report.files.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        files,
        [
            format!("{}/export/a.jsonl", archive.display()),
            format!("{}/inner/new.jsonl", zipped.display())
        ]
    );
    assert!(
        report
            .skipped_files
            .iter()
            .any(|(f, why)| f.ends_with("export/passwd.jsonl") && why.contains("link")),
        "{:?}",
        report.skipped_files
    );
    assert!(report.after.accounts > 0);
    // An archive of nothing socialset reads is refused, saying what it held.
    let docs = dir.path().join("docs.tar.gz");
    tar_gz(&docs, &[("README.md", b"# notes")], None);
    let e = import(&db, &[docs], &ImportOptions::default())
        .expect_err("no data")
        .to_string();
    assert!(e.contains("the archive holds no data files"), "{e}");
    assert!(e.contains("README.md (documentation"), "{e}");
}
