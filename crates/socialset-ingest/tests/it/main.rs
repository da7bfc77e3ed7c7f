//! Importers on real fixtures from tests/data.

use std::path::{Path, PathBuf};

use socialset_ingest::{detect_format, Format, ReadOptions, RecordReader};
use socialset_model::{InteractionKind, Record};

mod outbox;
mod reddit;
mod twitter;

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
    ] {
        let d = detect_format(&fixture(name), name).expect("detect");
        assert_eq!(d.format, format, "{name}: {}", d.reason);
    }
}
