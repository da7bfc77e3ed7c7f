//! The Bluesky importer on real AppView answers and Jetstream events (tests/data/bluesky):
//! reposts attributed to the reposter, replies to the DID in the parent's URI, a thread 54
//! deep, followers, and the events the store keeps no place for counted.

use std::collections::BTreeMap;
use std::path::Path;

use socialset_ingest::Format;
use socialset_model::{AccountId, Deletion, InteractionKind, Post, PostId, Record};

use super::{fixture, read_as, Outcome};

fn read_path(path: &Path, name: &str) -> Outcome {
    read_as(path, name, Format::Bluesky)
}

fn read(name: &str) -> Outcome {
    let r = read_path(&fixture(&format!("bluesky/{name}")), name);
    assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
    r
}

fn posts(records: &[Record]) -> BTreeMap<&str, &Post> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Post(p) => Some((p.id.as_str(), p)),
            _ => None,
        })
        .collect()
}

fn interactions(records: &[Record], kind: InteractionKind) -> usize {
    records
        .iter()
        .filter(|r| matches!(r, Record::Interaction(i) if i.kind == kind))
        .count()
}

const SHINYA: &str = "bsky:did:plc:iijrtk7ocored6zuziwmqq3c";

#[test]
fn an_author_feed_with_reposts_by_the_feed_owner() {
    let r = read("getAuthorFeed.json.gz");
    let p = posts(&r.records);
    let reposts: Vec<&&Post> = p.values().filter(|p| p.share_of.is_some()).collect();
    assert_eq!(reposts.len(), 2);
    // Attributed to who reposted (reason.by), not to the post's author.
    assert!(reposts.iter().all(|x| x.author.as_str() == SHINYA));
    let meetup = p
        .get("bsky:at://did:plc:gggcwmwoyak6op4pkqm76ckz/app.bsky.feed.post/3jukz62npim26")
        .expect("the reposted post");
    assert_eq!(
        meetup.author.as_str(),
        "bsky:did:plc:gggcwmwoyak6op4pkqm76ckz"
    );
    assert_eq!(
        (meetup.likes, meetup.shares, meetup.replies),
        (Some(100), Some(8), Some(6))
    );
    // Mention facets: the DIDs of @rose.bsky.team and @jay.bsky.team.
    assert_eq!(meetup.mentions.len(), 2);
    assert!(meetup.at.is_some());
    assert_eq!(interactions(&r.records, InteractionKind::Share), 2);
    assert!(interactions(&r.records, InteractionKind::Reply) >= 20);
    let replies = p.values().filter(|p| p.reply_to.is_some()).count();
    assert!(replies >= 20, "{replies}");
    let owner = r
        .records
        .iter()
        .find_map(|x| match x {
            Record::Account(a) if a.id.as_str() == SHINYA => Some(a),
            _ => None,
        })
        .expect("the feed's owner");
    assert_eq!(owner.handle.as_deref(), Some("shinyakato.dev"));
}

#[test]
fn a_thread_fifty_four_deep_with_a_blocked_post() {
    let r = read("getPostThread.json.gz");
    let p = posts(&r.records);
    assert_eq!(p.len(), 58, "the focus post, 4 replies and a parent chain");
    // Every reply points to its parent's author through the parent's URI.
    for post in p.values() {
        if let Some(parent) = &post.reply_to {
            assert!(parent.as_str().starts_with("bsky:at://did:"), "{parent:?}");
        }
    }
    assert_eq!(
        r.ignored.get("post the AppView did not show (blocked)"),
        Some(&1)
    );
}

#[test]
fn followers_are_follows_of_the_subject() {
    let r = read("getFollowers.json.gz");
    let follows: Vec<(&str, &str)> = r
        .records
        .iter()
        .filter_map(|x| match x {
            Record::Follow(f) => Some((f.src.as_str(), f.dst.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(follows.len(), 50);
    assert!(follows.iter().all(|(_, dst)| *dst == SHINYA));
}

#[test]
fn jetstream_events_and_what_is_not_kept() {
    let r = read("jetstream_expected_v1.jsonl.gz");
    let p = posts(&r.records);
    assert_eq!(p.values().filter(|p| p.share_of.is_none()).count(), 17);
    assert_eq!(p.values().filter(|p| p.share_of.is_some()).count(), 15);
    assert_eq!(p.values().filter(|p| p.reply_to.is_some()).count(), 8);
    // 105 likes, one of them of the liker's own post (no interaction with oneself).
    assert_eq!(interactions(&r.records, InteractionKind::Like), 104);
    assert_eq!(interactions(&r.records, InteractionKind::Share), 15);
    let follows = r
        .records
        .iter()
        .filter(|x| matches!(x, Record::Follow(_)))
        .count();
    assert_eq!(follows, 6);
    let deletes: u64 = r
        .ignored
        .iter()
        .filter(|(k, _)| k.starts_with("delete of"))
        .map(|(_, n)| n)
        .sum();
    // The three deletes of follows name only the follow record's key: counted. The delete of
    // a post is a deletion the store applies.
    assert_eq!(deletes, 3, "{:?}", r.ignored);
    let deletions: Vec<&Deletion> = r
        .records
        .iter()
        .filter_map(|x| match x {
            Record::Deletion(d) => Some(d),
            _ => None,
        })
        .collect();
    let did = "did:plc:4smmjsqf6l5jkzczvw6vsrqc";
    assert_eq!(
        deletions,
        vec![&Deletion {
            post: PostId::new(format!("bsky:at://{did}/app.bsky.feed.post/3mpt73z3ejc2p")),
            author: AccountId::new(format!("bsky:{did}")),
        }]
    );
    assert_eq!(r.ignored.get("block"), Some(&1));
}

#[test]
fn bad_events_name_their_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("js.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"did":"did:plc:a","time_us":1783175888085434,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.like","rkey":"k1","record":{"subject":{"uri":"not a uri"}}}}"#,
            "\n",
            r#"{"did":"did:plc:a","time_us":1783175888085435,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.graph.follow","rkey":"k2","record":{"subject":"did:plc:b","createdAt":"2026-07-04T14:38:08.999Z"}}}"#,
            "\n",
            "{not json\n",
            r#"{"did":"nobody","time_us":1,"kind":"commit"}"#,
            "\n",
        ),
    )
    .expect("write");
    let r = read_path(&path, "js.jsonl");
    let errors: Vec<String> = r.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].contains("js.jsonl:1") && errors[0].contains("commit.record.subject"),
        "{errors:?}"
    );
    assert!(errors[1].contains("js.jsonl:3"), "{errors:?}");
    assert!(
        errors[2].contains("js.jsonl:4") && errors[2].contains("did"),
        "{errors:?}"
    );
    // The good event between them is read.
    assert!(r.records.iter().any(|x| matches!(x, Record::Follow(_))));
}

#[test]
fn a_thread_nested_deeper_than_the_parser_reads_is_refused_with_its_reason() {
    let post = |i: usize| {
        format!(
            r#""post":{{"uri":"at://did:plc:a/app.bsky.feed.post/{i}","author":{{"did":"did:plc:a"}},"record":{{"text":"x"}}}}"#
        )
    };
    let mut text = String::from(r#"{"thread":"#);
    for i in 0..200 {
        text.push_str(&format!("{{{},\"parent\":", post(i)));
    }
    text.push_str("null");
    text.push_str(&"}".repeat(201));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("deep.json");
    std::fs::write(&path, text).expect("write");
    let r = read_path(&path, "deep.json");
    assert!(r.records.is_empty());
    let e = r
        .errors
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        e.contains("deep.json:1") && e.contains("nested more than 128 levels"),
        "{e}"
    );
}
