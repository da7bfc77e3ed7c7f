//! Mastodon account exports: `outbox.json` is one OrderedCollection holding every activity of
//! the account, and followers/following collections list accounts. Their items are read one
//! by one (memory holds one at a time), whatever the document's size or layout.

use serde_json::{json, Value};
use socialset_ingest::{Format, ReadOptions, RecordReader};
use socialset_model::{InteractionKind, Record};

use super::fixture;

fn payload(name: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(fixture(&format!("activitypub/{name}"))).expect("fixture"),
    )
    .expect("json")
}

fn read(text: &str) -> (Vec<Record>, Vec<socialset_ingest::RecordError>) {
    let reader = RecordReader::from_bytes(
        text.as_bytes().to_vec(),
        "outbox.json",
        &ReadOptions::new(Format::ActivityPub),
    );
    let (records, errors) = super::drain(reader);
    (records, errors)
}

/// An outbox of `n` copies of the real Create and Announce payloads (ids made distinct).
fn outbox(n: usize) -> Value {
    let (create, share) = (
        payload("ACTIVITYPUB_POST.json"),
        payload("ACTIVITYPUB_SHARE.json"),
    );
    let mut items = Vec::new();
    for i in 0..n {
        let mut c = create.clone();
        c["id"] = json!(format!("{}#{i}", c["id"].as_str().unwrap_or_default()));
        c["object"]["id"] = json!(format!(
            "{}#{i}",
            c["object"]["id"].as_str().unwrap_or_default()
        ));
        let mut s = share.clone();
        s["id"] = json!(format!("{}#{i}", s["id"].as_str().unwrap_or_default()));
        items.push(c);
        items.push(s);
    }
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://mastodon.social/users/jaywink/outbox",
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })
}

fn posts(records: &[Record]) -> usize {
    records
        .iter()
        .filter(|r| matches!(r, Record::Post(_)))
        .count()
}

#[test]
fn an_outbox_gives_every_activity_compact_or_pretty() {
    let doc = outbox(500);
    for text in [
        doc.to_string(),
        serde_json::to_string_pretty(&doc).expect("pretty"),
    ] {
        let (records, errors) = read(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(posts(&records), 1000, "500 notes and 500 boosts");
        let shares = records
            .iter()
            .filter(|r| matches!(r, Record::Interaction(i) if i.kind == InteractionKind::Share))
            .count();
        assert_eq!(shares, 500);
    }
}

#[test]
fn a_followers_collection_with_its_items_gives_follows_and_the_count() {
    let doc = json!({
        "id": "https://mastodon.social/users/ann/followers",
        "type": "OrderedCollection",
        "totalItems": 3,
        "orderedItems": [
            "https://mastodon.social/users/bob",
            "https://fosstodon.org/users/cy",
            "https://mastodon.social/users/dee"
        ]
    });
    let (records, errors) = read(&serde_json::to_string_pretty(&doc).expect("pretty"));
    assert!(errors.is_empty(), "{errors:?}");
    let follows: Vec<(String, String)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Follow(f) => Some((f.src.to_string(), f.dst.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(follows.len(), 3);
    assert!(follows
        .iter()
        .all(|(_, dst)| dst == "ap:https://mastodon.social/users/ann"));
    let counted = records.iter().any(|r| {
        matches!(r, Record::Account(a) if a.id.as_str() == "ap:https://mastodon.social/users/ann" && a.followers == Some(3))
    });
    assert!(counted, "{records:?}");
}

#[test]
fn a_truncated_outbox_keeps_what_came_before_and_names_the_line() {
    let text = serde_json::to_string_pretty(&outbox(20)).expect("pretty");
    let cut = &text[..text.len() * 2 / 3];
    let (records, errors) = read(cut);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert!(e.fatal && e.problem.contains("not valid JSON"), "{e:?}");
    let lines = cut.lines().count() as u64;
    assert!(
        e.line + 2 >= lines && e.line <= lines + 1,
        "line {} of {lines}",
        e.line
    );
    assert!(
        posts(&records) > 10,
        "the activities before the cut are read"
    );
}
