//! The Instagram importer on real Graph API answers recorded by python-facebook
//! (tests/data/instagram): a business profile, its media, a hashtag's media without authors,
//! a batch of comments; and a profile with media and comments in one answer.

use std::path::Path;

use socialset_ingest::Format;
use socialset_model::{Account, InteractionKind, Record};

use super::{fixture, posts, read_as, Outcome};

fn read_path(path: &Path, name: &str) -> Outcome {
    read_as(path, name, Format::Instagram)
}

fn read(name: &str) -> Outcome {
    let r = read_path(&fixture(&format!("instagram/{name}")), name);
    assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
    r
}

fn accounts(records: &[Record]) -> Vec<&Account> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Account(a) => Some(a),
            _ => None,
        })
        .collect()
}

#[test]
fn a_business_profile_gives_its_follower_count() {
    let r = read("discovery_user_fields.json");
    let a = accounts(&r.records);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].id.as_str(), "ig:facebookfordevelopers");
    assert_eq!(a[0].handle.as_deref(), Some("facebookfordevelopers"));
    assert_eq!(a[0].name.as_deref(), Some("Facebook for Developers"));
    assert_eq!((a[0].followers, a[0].posts_count), (Some(64976), Some(436)));
    assert!(a[0].bio.is_some());
}

#[test]
fn media_asked_alone_belong_to_the_profile_id() {
    let r = read("discovery_medias_p1.json");
    let p = posts(&r.records);
    assert_eq!(p.len(), 2);
    // The answer names no username: the numeric id stands for the account.
    assert!(p
        .iter()
        .all(|p| p.author.as_str() == "ig:17841407673135339"));
    let first = p
        .iter()
        .find(|p| p.id.as_str() == "ig:17885103395504675")
        .expect("the first media");
    assert_eq!((first.likes, first.replies), (Some(87), Some(11)));
    assert!(first.at.is_some(), "the +0000 offset is read");
}

#[test]
fn a_hashtags_media_have_no_author_and_are_counted_not_invented() {
    let r = read("hashtag_top_medias_p1.json");
    assert!(r.records.is_empty(), "{:?}", r.records.first());
    assert_eq!(
        r.ignored
            .iter()
            .find(|(k, _)| k.starts_with("media without an author"))
            .map(|(_, n)| *n),
        Some(25)
    );
}

#[test]
fn a_batch_of_comments() {
    let r = read("comments_fields.json");
    let p = posts(&r.records);
    assert_eq!(p.len(), 2);
    let hey = p
        .iter()
        .find(|p| p.id.as_str() == "ig:17892250648466172")
        .expect("the comment");
    assert_eq!(hey.author.as_str(), "ig:ikroskun");
    assert_eq!(hey.likes, Some(1));
    assert_eq!(
        hey.mentions.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        ["ig:ikroskun"]
    );
}

#[test]
fn a_profile_with_media_and_comments_in_one_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bd.json");
    std::fs::write(
        &path,
        r##"{"business_discovery":{"id":"1","username":"Maria.Rossi","followers_count":1200,
            "media":{"data":[
              {"id":"m1","caption":"Nuova ricetta con @pastificio_x #pasta #Pasta","like_count":40,"comments_count":2,"timestamp":"2024-05-01T10:00:00+0000",
               "comments":{"data":[
                 {"id":"c1","username":"luca","text":"Buonissima!","timestamp":"2024-05-01T11:00:00+0000",
                  "replies":{"data":[{"id":"c2","username":"maria.rossi","text":"Grazie @luca","timestamp":"2024-05-01T12:00:00+0000"}]}}]}},
              {"id":"m2","like_count":"many"}]}}}"##,
    )
    .expect("write");
    let r = read_path(&path, "bd.json");
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    let e = r.errors[0].to_string();
    assert!(
        e.contains("business_discovery.media.data[1].like_count"),
        "{e}"
    );
    let p = posts(&r.records);
    let media = p.iter().find(|p| p.id.as_str() == "ig:m1").expect("m1");
    assert_eq!(media.author.as_str(), "ig:maria.rossi");
    assert_eq!(media.hashtags, ["pasta"]);
    let reply = p.iter().find(|p| p.id.as_str() == "ig:c2").expect("c2");
    assert_eq!(reply.reply_to.as_ref().map(|r| r.as_str()), Some("ig:c1"));
    let edges: Vec<(InteractionKind, &str, &str)> = r
        .records
        .iter()
        .filter_map(|x| match x {
            Record::Interaction(i) => Some((i.kind, i.src.as_str(), i.dst.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        edges,
        [
            (
                InteractionKind::Mention,
                "ig:maria.rossi",
                "ig:pastificio_x"
            ),
            (InteractionKind::Reply, "ig:luca", "ig:maria.rossi"),
            (InteractionKind::Reply, "ig:maria.rossi", "ig:luca"),
            (InteractionKind::Mention, "ig:maria.rossi", "ig:luca"),
        ]
    );
}
