//! The Reddit importer on real API answers recorded by PRAW (tests/data/reddit): cassettes
//! are unwrapped here into plain Reddit JSON, one response per line, as an export holds it.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use socialset_ingest::{detect_format, Format, ReadOptions, RecordError, RecordReader};
use socialset_model::{InteractionKind, Record};

use super::fixture;

/// The Reddit JSON of every recorded response of `cassette` (tokens' answers left out), one
/// per line.
pub(crate) fn unwrap_cassette(cassette: &Path) -> String {
    let file = std::fs::File::open(cassette).expect("cassette");
    let mut text = String::new();
    if cassette.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(file).read_to_string(&mut text)
    } else {
        std::io::BufReader::new(file).read_to_string(&mut text)
    }
    .expect("read");
    let doc: Value = serde_json::from_str(&text).expect("cassette JSON");
    let mut out = String::new();
    for i in doc["interactions"].as_array().expect("interactions") {
        if i["request"]["uri"]
            .as_str()
            .is_some_and(|u| u.contains("access_token"))
        {
            continue;
        }
        if let Some(body) = i["response"]["body"]["string"].as_str() {
            if let Ok(v) = serde_json::from_str::<Value>(body) {
                out.push_str(&v.to_string());
                out.push('\n');
            }
        }
    }
    out
}

struct Outcome {
    records: Vec<Record>,
    errors: Vec<RecordError>,
    ignored: BTreeMap<String, u64>,
}

fn read_text(text: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("reddit.jsonl");
    std::fs::write(&path, text).expect("write");
    let format = detect_format(&path, "reddit.jsonl").expect("detect").format;
    assert_eq!(format, Format::Reddit);
    let (mut reader, _) =
        RecordReader::open(&path, "reddit.jsonl", &ReadOptions::new(format)).expect("open");
    let (records, errors) = super::drain(reader.by_ref());
    Outcome {
        records,
        errors,
        ignored: reader.ignored().clone(),
    }
}

fn read_cassette(name: &str) -> Outcome {
    let r = read_text(&unwrap_cassette(&fixture(&format!("reddit/{name}"))));
    assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
    r
}

fn replies(records: &[Record]) -> Vec<(String, String)> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Interaction(i) if i.kind == InteractionKind::Reply => {
                Some((i.src.to_string(), i.dst.to_string()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_submission_and_its_comment_tree() {
    let r = read_cassette("TestSubmission.test_comments.json");
    let posts: BTreeMap<String, (String, Option<String>)> = r
        .records
        .iter()
        .filter_map(|x| match x {
            Record::Post(p) => Some((
                p.id.to_string(),
                (
                    p.author.to_string(),
                    p.reply_to.as_ref().map(ToString::to_string),
                ),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        posts,
        BTreeMap::from([
            ("rd:t3_2gmzqe".to_owned(), ("rd:bboe".to_owned(), None)),
            (
                "rd:t1_cklfmye".to_owned(),
                (
                    "rd:paneer_burrito".to_owned(),
                    Some("rd:t3_2gmzqe".to_owned())
                )
            ),
            (
                "rd:t1_cklhv0f".to_owned(),
                ("rd:bboe".to_owned(), Some("rd:t1_cklfmye".to_owned()))
            ),
        ])
    );
    assert_eq!(
        replies(&r.records),
        [
            ("rd:paneer_burrito".to_owned(), "rd:bboe".to_owned()),
            ("rd:bboe".to_owned(), "rd:paneer_burrito".to_owned())
        ]
    );
    let submission = r
        .records
        .iter()
        .find_map(|x| match x {
            Record::Post(p) if p.id.as_str() == "rd:t3_2gmzqe" => Some(p),
            _ => None,
        })
        .expect("the submission");
    assert!(submission.text.as_deref().is_some_and(
        |t| t.starts_with("[PRAW] HTTPS enabled PRAW testing needed\n\nPRAW client developers")
    ));
    assert_eq!((submission.likes, submission.replies), (Some(11), Some(2)));
    let groups: Vec<Option<&str>> = r
        .records
        .iter()
        .filter_map(|x| match x {
            Record::Post(p) => Some(p.group.as_ref().map(|g| g.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        groups,
        [Some("rd:r/redditdev"); 3],
        "every post in its subreddit"
    );
    assert!(submission.at.is_some());
}

#[test]
fn more_stubs_and_deleted_accounts_are_counted_not_invented() {
    let r = read_cassette("TestCommentForest.test_replace__all.json.gz");
    assert_eq!(
        r.ignored
            .get("\"more\" stub (comments the export does not hold)"),
        Some(&18)
    );
    assert_eq!(
        r.ignored.get("post or comment of a deleted account"),
        Some(&17)
    );
    let posts: Vec<_> = r
        .records
        .iter()
        .filter_map(|x| match x {
            Record::Post(p) => Some(p),
            _ => None,
        })
        .collect();
    assert!(posts.iter().all(|p| p.author.as_str() != "rd:[deleted]"));
    let comments = posts.iter().filter(|p| p.id.as_str().starts_with("rd:t1_"));
    assert!(
        comments.clone().all(|p| p.reply_to.is_some()),
        "every comment answers something"
    );
    // A reply to a deleted comment has no author to go to: fewer replies than comments.
    let n_comments = comments.count();
    let n_replies = replies(&r.records).len();
    assert!(
        n_replies < n_comments && n_replies > n_comments * 9 / 10,
        "{n_replies} of {n_comments}"
    );
}

#[test]
fn accounts_their_followers_and_listings_of_one_account() {
    let r = read_cassette("TestRedditor.test_fullname_init.json");
    let account = r
        .records
        .iter()
        .find_map(|x| match x {
            Record::Account(a) if a.followers.is_some() => Some(a),
            _ => None,
        })
        .expect("the t2 account with its profile's subscribers");
    assert_eq!(account.id.as_str(), "rd:PyAPITestUser3");
    assert_eq!(account.handle.as_deref(), Some("u/PyAPITestUser3"));
    assert_eq!(account.followers, Some(0));
    assert!(account.created_at.is_some());
    let r = read_cassette("TestRedditors.test_new.json.gz");
    let with_followers = r
        .records
        .iter()
        .filter(|x| matches!(x, Record::Account(a) if a.followers.is_some()))
        .count();
    assert_eq!(
        with_followers, 300,
        "a user profile subreddit gives its owner's followers"
    );
    // One account's comments: the top-level ones reply to the submission's author.
    let r = read_cassette("TestRedditorListings.test_comments__new.json.gz");
    assert!(replies(&r.records).iter().all(|(src, _)| src == "rd:spez"));
    assert!(!replies(&r.records).is_empty());
}

#[test]
fn bad_things_name_their_path_and_the_rest_of_the_listing_reads() {
    let listing = r#"{"kind":"Listing","data":{"children":[
        {"kind":"t1","data":{"name":"t1_a","parent_id":"t3_x","body":"hi","created_utc":"yesterday","author":"ann"}},
        {"kind":"t1","data":{"name":"t1_b","parent_id":"t3_x","body":"no author"}},
        {"kind":"t1","data":{"name":"t1_c","parent_id":"t3_x","body":"fine","created_utc":1410935671.0,"author":"bob","ups":-3}}
    ]}}"#
        .replace('\n', "");
    let r = read_text(&format!("{listing}\n"));
    let fields: Vec<_> = r
        .errors
        .iter()
        .map(|e| e.field.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        fields,
        [
            "data.children[0].data.created_utc",
            "data.children[1].data.author"
        ]
    );
    let good: Vec<_> = r
        .records
        .iter()
        .filter_map(|x| match x {
            Record::Post(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(good.len(), 1);
    assert_eq!(
        good[0].likes, None,
        "a net score below zero is no count of upvotes"
    );
}

#[test]
fn truncated_answers_missing_ids_and_comments_seen_twice() {
    let answer = unwrap_cassette(&fixture("reddit/TestSubmission.test_comments.json"));
    // Cut inside the second answer's line: that line is an error, the first is read.
    let lines: Vec<&str> = answer.lines().collect();
    assert_eq!(lines.len(), 1, "one recorded answer");
    let whole = read_text(&answer);
    let cut = format!("{answer}{}\n", &lines[0][..lines[0].len() / 2]);
    let r = read_text(&cut);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, 2);
    assert!(
        r.errors[0].problem.contains("not valid JSON"),
        "{:?}",
        r.errors[0]
    );
    assert_eq!(
        r.records, whole.records,
        "the whole answer before the cut is read"
    );
    // The same comments in two pages (a crawl's overlapping pages): the same records twice,
    // which the store keeps once.
    let twice = read_text(&format!("{answer}{answer}"));
    assert_eq!(twice.records.len(), 2 * whole.records.len());
    // A comment with neither a full name nor an id.
    let r = read_text(
        "{\"kind\":\"t1\",\"data\":{\"author\":\"ann\",\"parent_id\":\"t3_x\",\"body\":\"hi\"}}\n",
    );
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].field.as_deref(), Some("data.name"));
    assert!(
        r.errors[0].problem.contains("needs its id"),
        "{:?}",
        r.errors[0]
    );
}
