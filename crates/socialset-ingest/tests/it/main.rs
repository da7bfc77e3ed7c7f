//! Importers on real fixtures from tests/data.

use std::path::{Path, PathBuf};

use socialset_ingest::{detect_format, Format, ReadOptions, RecordReader};
use socialset_model::{InteractionKind, Record};

mod bluesky;
mod columnar;
mod instagram;
mod outbox;
mod reddit;
mod twitter;
mod youtube;

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(name)
}

/// Every record and every error a reader gives, apart.
pub(crate) fn drain(
    reader: impl Iterator<Item = Result<Record, socialset_ingest::RecordError>>,
) -> (Vec<Record>, Vec<socialset_ingest::RecordError>) {
    let (mut records, mut errors) = (Vec::new(), Vec::new());
    for r in reader {
        match r {
            Ok(r) => records.push(r),
            Err(e) => errors.push(e),
        }
    }
    (records, errors)
}

/// What reading one file gave: its records, its errors, and what it did not import.
pub(crate) struct Outcome {
    pub records: Vec<Record>,
    pub errors: Vec<socialset_ingest::RecordError>,
    pub ignored: std::collections::BTreeMap<String, u64>,
}

/// Reads `path` (shown as `name`), which must be detected as `format`.
pub(crate) fn read_as(path: &Path, name: &str, format: Format) -> Outcome {
    let detected = detect_format(path, name).expect("detect").format;
    assert_eq!(detected, format, "{name}");
    let (mut reader, _) = RecordReader::open(path, name, &ReadOptions::new(format)).expect("open");
    let (records, errors) = drain(reader.by_ref());
    Outcome {
        records,
        errors,
        ignored: reader.ignored().clone(),
    }
}

/// The posts among `records`.
pub(crate) fn posts(records: &[Record]) -> Vec<&socialset_model::Post> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Post(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn read(name: &str) -> Vec<Record> {
    let path = fixture(name);
    let format = detect_format(&path, name).expect("detect").format;
    let (reader, _) = RecordReader::open(&path, name, &ReadOptions::new(format)).expect("open");
    reader.map(|r| r.expect("good record")).collect()
}

#[test]
fn mastodon_boost_is_a_share_of_the_original_author() {
    let records = read("activitypub/ACTIVITYPUB_SHARE.json");
    let share = records.iter().find_map(|r| match r {
        Record::Interaction(i) => Some(i),
        _ => None,
    });
    let share = share.expect("a share interaction");
    assert_eq!(share.kind, InteractionKind::Share);
    assert_eq!(
        share.src.as_str(),
        "ap:https://mastodon.social/users/jaywink"
    );
    assert_eq!(
        share.dst.as_str(),
        "ap:https://mastodon.social/users/Gargron"
    );
    assert!(share.at.is_some());
}

#[test]
fn a_reply_note_is_a_post_with_its_mention() {
    let records = read("activitypub/ACTIVITYPUB_COMMENT.json");
    let post = records.iter().find_map(|r| match r {
        Record::Post(p) => Some(p),
        _ => None,
    });
    let post = post.expect("a post");
    assert_eq!(post.text.as_deref(), Some("@jaywink boom"));
    assert_eq!(post.lang.as_deref(), Some("en"));
    assert!(post.reply_to.is_some());
    assert_eq!(
        post.mentions[0].as_str(),
        "ap:https://dev.jasonrobinson.me/u/jaywink/"
    );
    // The parent's author cannot be known from a Friendica content URL: no reply edge is
    // invented, the mention edge is there.
    let kinds: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            Record::Interaction(i) => Some(i.kind),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, vec![InteractionKind::Mention]);
}

#[test]
fn profiles_and_follower_collections_fill_accounts() {
    let profile = read("activitypub/ACTIVITYPUB_PROFILE.json");
    let Some(Record::Account(a)) = profile.first() else {
        panic!("expected an account, got {profile:?}")
    };
    assert_eq!(a.handle.as_deref(), Some("@jaywink@diaspodon.fr"));
    assert_eq!(a.name.as_deref(), Some("Jason Robinson"));
    let collection = read("activitypub/ACTIVITYPUB_COLLECTION.json");
    let Some(Record::Account(owner)) = collection.first() else {
        panic!("expected the collection's owner, got {collection:?}")
    };
    assert_eq!(owner.id.as_str(), "ap:https://diaspodon.fr/users/jaywink");
    assert_eq!(owner.followers, Some(231));
}

#[test]
fn undo_and_delete_are_reported_as_not_imported() {
    let path = fixture("activitypub/ACTIVITYPUB_UNDO_FOLLOW.json");
    let (mut reader, _) =
        RecordReader::open(&path, "undo", &ReadOptions::new(Format::ActivityPub)).expect("open");
    assert!(reader.by_ref().next().is_none());
    assert_eq!(reader.ignored().get("Undo"), Some(&1));
}

#[test]
fn the_demo_files_are_detected_as_their_formats() {
    for (name, format) in [
        ("demo/higgs-activity-sample.txt.gz", Format::Higgs),
        ("demo/bitcoin-otc-sample.csv.gz", Format::RatingsCsv),
        ("demo/mastodon-activities.jsonl", Format::ActivityPub),
        ("demo/youtube-answers.jsonl", Format::YouTube),
        ("demo/instagram-answers.jsonl", Format::Instagram),
        ("demo/bluesky-thread.json.gz", Format::Bluesky),
    ] {
        let d = detect_format(&fixture(name), name).expect("detect");
        assert_eq!(d.format, format, "{name}: {}", d.reason);
    }
}

/// Reads `text` (written to a file named `name`) with lines limited to `max_line_bytes`.
fn read_limited(name: &str, text: &str, format: Format, max_line_bytes: usize) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    let mut options = ReadOptions::new(format);
    options.limits.max_line_bytes = max_line_bytes;
    let (reader, _) = RecordReader::open(&path, name, &options).expect("open");
    drain(reader).1.iter().map(ToString::to_string).collect()
}

#[test]
fn lines_and_documents_past_the_limit_stop_the_file_naming_the_line() {
    let short = "{\"type\":\"account\",\"id\":\"tw:a\"}\n";
    let long = format!(
        "{{\"type\":\"post\",\"id\":\"tw:p\",\"author\":\"tw:a\",\"text\":\"{}\"}}\n",
        "x".repeat(5_000)
    );
    // JSON Lines: the second line is too long; the first is read, nothing after the second.
    let errors = read_limited(
        "a.jsonl",
        &format!("{short}{long}{short}"),
        Format::Jsonl,
        1024,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("a.jsonl:2:"), "{errors:?}");
    assert!(errors[0].contains("longer than"), "{errors:?}");
    // A stream of pretty-printed documents (ActivityPub): one document past the limit.
    let note = format!(
        "{{\n  \"type\": \"Create\", \"actor\": \"https://m.example/users/a\",\n  \"object\": {{\"type\": \"Note\", \"id\": \"https://m.example/users/a/statuses/1\", \"content\": \"{}\"}}\n}}\n",
        "y".repeat(5_000)
    );
    let errors = read_limited("b.json", &note, Format::ActivityPub, 1024);
    assert!(
        errors.iter().any(|e| e.contains("longer than")),
        "{errors:?}"
    );
    // Within the limit, the same files read cleanly.
    assert!(read_limited("c.jsonl", &format!("{short}{long}"), Format::Jsonl, 1 << 20).is_empty());
}

#[test]
fn a_field_past_the_limit_is_a_bad_record_naming_its_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.jsonl");
    let post = |text: &str| {
        format!("{{\"type\":\"post\",\"id\":\"tw:p\",\"author\":\"tw:a\",\"text\":\"{text}\"}}\n")
    };
    std::fs::write(
        &path,
        format!("{}{}{}", post("hi"), post(&"z".repeat(3000)), post("ok")),
    )
    .expect("write");
    let mut options = ReadOptions::new(Format::Jsonl);
    options.limits.max_field_bytes = 2048;
    let (reader, _) = RecordReader::open(&path, "p.jsonl", &options).expect("open");
    let (records, errors) = drain(reader);
    assert_eq!(records.len(), 2, "the lines around it are read");
    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        ["p.jsonl:2: field \"text\": is 3000 bytes long: the longest field socialset reads is 2048 bytes"]
    );
}

#[test]
fn a_file_that_decompresses_past_its_limit_is_refused() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bomb.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).expect("create"),
        flate2::Compression::best(),
    );
    for _ in 0..100_000 {
        gz.write_all(b"{\"type\":\"account\",\"id\":\"tw:a\"}\n")
            .expect("gzip");
    }
    gz.finish().expect("gzip");
    let mut options = ReadOptions::new(Format::Jsonl);
    options.limits.max_decompressed_bytes = 100_000;
    let (reader, _) = RecordReader::open(&path, "bomb.jsonl.gz", &options).expect("open");
    let (records, errors) = drain(reader);
    assert!(records.len() < 4_000, "{} records", records.len());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .to_string()
            .contains("decompresses to more than 100000 bytes"),
        "{}",
        errors[0]
    );
}
