//! The X / Twitter importers on real API output (tests/data/twitter, see its README):
//! API v1.1 tweets of a PHEME thread checked against its own reply tree, and twarc2 pages of
//! the API v2 — retweets, quotes, mentions, edits, flattened tweets, compliance records and
//! the deliberately broken line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use socialset_ingest::{detect_format, Format, ReadOptions, RecordError, RecordReader};
use socialset_model::{Account, InteractionKind, Record};

use super::{fixture, posts};

/// Every record and error of a file, and what it reported as not imported.
fn read_all(path: &Path) -> (Vec<Record>, Vec<RecordError>, BTreeMap<String, u64>) {
    let name = path.display().to_string();
    let format = detect_format(path, &name).expect("detect").format;
    let (mut reader, _) = RecordReader::open(path, &name, &ReadOptions::new(format)).expect("open");
    let (records, errors) = super::drain(reader.by_ref());
    (records, errors, reader.ignored().clone())
}

fn read_ok(path: &Path) -> (Vec<Record>, BTreeMap<String, u64>) {
    let (records, errors, ignored) = read_all(path);
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    (records, ignored)
}

fn account<'r>(records: &'r [Record], id: &str) -> &'r Account {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Account(a) if a.id.as_str() == id && a.followers.is_some() => Some(a),
            _ => None,
        })
        .next_back()
        .unwrap_or_else(|| panic!("no account {id} with its metrics"))
}

/// (src, dst, kind) of every interaction.
fn edges(records: &[Record]) -> BTreeSet<(String, String, InteractionKind)> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Interaction(i) => Some((i.src.to_string(), i.dst.to_string(), i.kind)),
            _ => None,
        })
        .collect()
}

fn thread_dir() -> PathBuf {
    fixture("twitter/v1/pheme-552783667052167168")
}

fn thread_files() -> Vec<PathBuf> {
    let dir = thread_dir();
    let mut files = vec![dir.join("source-tweet/552783667052167168.json")];
    let mut replies: Vec<PathBuf> = std::fs::read_dir(dir.join("replies"))
        .expect("replies")
        .map(|e| e.expect("entry").path())
        .collect();
    replies.sort();
    files.extend(replies);
    files
}

#[test]
fn a_pheme_thread_keeps_its_reply_tree() {
    let mut records = Vec::new();
    for f in thread_files() {
        assert_eq!(
            detect_format(&f, "t").expect("detect").format,
            Format::TwitterV1
        );
        records.extend(read_ok(&f).0);
    }
    // Every reply's parent, as the thread's own structure.json gives it.
    let tree: Value = serde_json::from_str(
        &std::fs::read_to_string(thread_dir().join("structure.json")).expect("structure"),
    )
    .expect("json");
    fn parents(node: &Value, parent: Option<&str>, out: &mut BTreeMap<String, String>) {
        if let Value::Object(children) = node {
            for (id, sub) in children {
                if let Some(p) = parent {
                    out.insert(format!("tw:{id}"), format!("tw:{p}"));
                }
                parents(sub, Some(id), out);
            }
        }
    }
    let mut expected = BTreeMap::new();
    parents(&tree, None, &mut expected);
    let posts = posts(&records);
    assert_eq!(posts.len(), 6, "the source tweet and its 5 replies on file");
    for p in &posts {
        let id = p.id.to_string();
        assert_eq!(
            p.reply_to.as_ref().map(ToString::to_string),
            expected.get(&id).cloned(),
            "{id}"
        );
    }
    // The source: @euronews's v1.1 profile and tweet, values as given.
    let euronews = account(&records, "tw:25067168");
    assert_eq!(euronews.handle.as_deref(), Some("euronews"));
    assert_eq!(
        (euronews.followers, euronews.following, euronews.listed),
        (Some(129_573), Some(337), Some(4085))
    );
    assert_eq!(euronews.verified, Some(true));
    assert!(euronews.created_at.is_some());
    let source = posts
        .iter()
        .find(|p| p.id.as_str() == "tw:552783667052167168")
        .expect("source tweet");
    assert_eq!(source.source.as_deref(), Some("TweetDeck"));
    assert_eq!(
        source.hashtags,
        ["charliehebdo"],
        "lower-case, as the store keeps tags"
    );
    assert_eq!(source.likes, Some(38));
    assert!(source
        .text
        .as_deref()
        .is_some_and(|t| t.starts_with("France: 10 people dead")));
    // Replies go to the replied account; a reply's @-name of that account is not also a
    // mention, other names are.
    let e = edges(&records);
    let reply = |a: &str, b: &str| (format!("tw:{a}"), format!("tw:{b}"), InteractionKind::Reply);
    assert!(
        e.contains(&reply("76987535", "33668152")),
        "nanoSpawn answers J0nathanDavis: {e:?}"
    );
    let mentions: Vec<_> = e
        .iter()
        .filter(|(_, _, k)| *k == InteractionKind::Mention)
        .collect();
    assert_eq!(
        mentions.len(),
        1,
        "only @TradeDesk_Steve is named beside a reply: {mentions:?}"
    );
}

#[test]
fn the_reply_tree_and_other_files_of_a_thread_are_recognised() {
    let tree = thread_dir().join("structure.json");
    let d = detect_format(&tree, "structure.json").expect("a reply tree");
    assert_eq!(d.format, Format::TwitterV1);
    let (records, ignored) = read_ok(&tree);
    assert!(records.is_empty());
    assert_eq!(ignored.values().sum::<u64>(), 1, "{ignored:?}");
    // urls.dat is not an edge list, whatever its columns look like.
    assert!(detect_format(&thread_dir().join("urls.dat"), "urls.dat").is_err());
}

#[test]
fn a_v2_retweet_is_a_share_of_the_original_author() {
    let (records, _) = read_ok(&fixture("twitter/v2/two_tweets.jsonl"));
    let rt = posts(&records)
        .into_iter()
        .find(|p| p.id.as_str() == "tw:1394735776701816833")
        .expect("the retweet");
    assert_eq!(
        rt.share_of.as_ref().map(|p| p.as_str()),
        Some("tw:1391677057810288641")
    );
    assert_eq!(
        (rt.shares, rt.likes, rt.replies),
        (Some(1), Some(0), Some(0))
    );
    assert_eq!(rt.source.as_deref(), Some("Twitter for Android"));
    assert_eq!(rt.lang, None, "und is no language");
    let e = edges(&records);
    assert_eq!(
        e.into_iter().collect::<Vec<_>>(),
        [(
            "tw:1379899464345923590".to_owned(),
            "tw:1380086327023169540".to_owned(),
            InteractionKind::Share
        )],
        "one share, and the retweet's credit is no mention"
    );
    let author = account(&records, "tw:1379899464345923590");
    assert_eq!(author.handle.as_deref(), Some("LachiVeronica"));
    assert_eq!(
        (author.followers, author.following, author.posts_count),
        (Some(0), Some(4), Some(2))
    );
    assert_eq!(
        author.likes_given, None,
        "not in this export: missing, not zero"
    );
}

#[test]
fn flattened_and_page_forms_of_the_same_tweets_agree() {
    let summary = |name: &str| {
        let (records, _) = read_ok(&fixture(name));
        let posts: BTreeSet<(String, Option<String>, Option<String>)> = posts(&records)
            .iter()
            .map(|p| {
                (
                    p.id.to_string(),
                    p.share_of.as_ref().map(ToString::to_string),
                    p.reply_to.as_ref().map(ToString::to_string),
                )
            })
            .collect();
        (posts, edges(&records))
    };
    let (flat_posts, flat_edges) = summary("twitter/v2/flat.jsonl.gz");
    let (page_posts, page_edges) = summary("twitter/v2/noflat.jsonl.gz");
    assert_eq!(flat_posts.len(), 164);
    assert_eq!(flat_posts, page_posts);
    assert_eq!(flat_edges, page_edges);
}

#[test]
fn edits_keep_the_last_version_and_quotes_their_author() {
    let (records, ignored) = read_ok(&fixture("twitter/v2/edited.jsonl"));
    let ids: BTreeSet<String> = posts(&records).iter().map(|p| p.id.to_string()).collect();
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        ["tw:1576994789110992896"]
    );
    assert_eq!(ignored.get("earlier version of an edited tweet"), Some(&1));
    let (records, _) = read_ok(&fixture("twitter/v2/quoted_edit.jsonl"));
    assert!(edges(&records)
        .iter()
        .any(|(_, _, k)| *k == InteractionKind::Quote));
    assert!(posts(&records).iter().any(|p| p.quote_of.is_some()));
}

#[test]
fn the_broken_line_is_an_error_of_its_own() {
    let path = fixture("twitter/v2/streaming_output_with_error.jsonl");
    let (records, errors, _) = read_all(&path);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.line, 8);
    assert!(e.problem.contains("not valid JSON"), "{}", e.problem);
    assert!(!e.fatal, "the other lines still read");
    assert!(posts(&records).len() >= 9, "the lines around it are read");
}

#[test]
fn compliance_counts_lists_and_api_errors_are_reported_not_imported() {
    for (name, what) in [
        (
            "twitter/v2/tweets_compliance.jsonl",
            "compliance record: delete (protected)",
        ),
        (
            "twitter/v2/users_compliance.jsonl",
            "compliance record: delete (protected)",
        ),
        ("twitter/v2/counts.jsonl", "tweet counts"),
    ] {
        let (records, ignored) = read_ok(&fixture(name));
        assert!(records.is_empty(), "{name}");
        assert!(ignored.contains_key(what), "{name}: {ignored:?}");
    }
    let (_, ignored) = read_ok(&fixture("twitter/v2/users.jsonl.gz"));
    assert_eq!(
        ignored.get("API error: Not Found Error"),
        Some(&7),
        "{ignored:?}"
    );
}

/// Writes `text` to a temporary file named `name` and reads it as `format`.
fn read_text(name: &str, format: Format, text: &str) -> (Vec<Record>, Vec<RecordError>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    let (reader, _) = RecordReader::open(&path, name, &ReadOptions::new(format)).expect("open");
    let (records, errors) = super::drain(reader);
    (records, errors)
}

#[test]
fn bad_objects_name_their_json_path_and_field() {
    let user = r#"{"id_str":"1","screen_name":"a","followers_count":5}"#;
    let cases = [
        (
            r#"{"id_str":"9","text":"hi","user":{"id_str":"1","followers_count":"many"}}"#.to_owned(),
            Format::TwitterV1,
            "user.followers_count",
            "whole number",
        ),
        (
            r#"{"id_str":"9","text":"hi"}"#.to_owned(),
            Format::TwitterV1,
            "user",
            "user object",
        ),
        (
            format!(r#"{{"text":"no id","user":{user}}}"#),
            Format::TwitterV1,
            "id_str",
            "needs its id",
        ),
        (
            r#"{"data":[{"id":"5","text":"a"},{"id":"6","author_id":"x1","text":"b"}]}"#.to_owned(),
            Format::TwitterV2,
            "data[0].author_id",
            "needs its author_id",
        ),
        (
            r#"{"includes":{"users":[{"id":"7","username":"u","public_metrics":{"followers_count":-3}}]}}"#.to_owned(),
            Format::TwitterV2,
            "includes.users[0].public_metrics.followers_count",
            "whole number",
        ),
        (
            r#"{"data":{"id":"8","author_id":"1","text":"t","created_at":"last week"}}"#.to_owned(),
            Format::TwitterV2,
            "data.created_at",
            "time",
        ),
    ];
    for (text, format, field, problem) in cases {
        let (_, errors) = read_text("bad.jsonl", format, &format!("{text}\n"));
        let e = errors
            .first()
            .unwrap_or_else(|| panic!("no error for {text}"));
        assert_eq!(e.field.as_deref(), Some(field), "{text}: {e:?}");
        assert!(e.problem.contains(problem), "{text}: {}", e.problem);
        assert_eq!((e.file.as_str(), e.line), ("bad.jsonl", 1));
    }
    // One bad tweet of a page: the others are still read.
    let (records, errors) = read_text(
        "page.jsonl",
        Format::TwitterV2,
        "{\"data\":[{\"id\":\"5\",\"text\":\"a\"},{\"id\":\"6\",\"author_id\":\"1\",\"text\":\"b\"}]}\n",
    );
    assert_eq!((posts(&records).len(), errors.len()), (1, 1));
}

#[test]
fn truncated_and_duplicated_exports() {
    // A pretty-printed tweet cut short: a fatal error naming the line where it broke.
    let whole = std::fs::read_to_string(thread_files()[0].clone()).expect("tweet");
    let cut: String = whole.lines().take(40).collect::<Vec<_>>().join("\n");
    let (records, errors) = read_text("cut.json", Format::TwitterV1, &cut);
    assert!(records.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].fatal && errors[0].line >= 40, "{:?}", errors[0]);
    // The same page twice (overlapping pages of a crawl): the same records twice, which the
    // store keeps once.
    let page = std::fs::read_to_string(fixture("twitter/v2/two_tweets.jsonl")).expect("page");
    let (twice, errors) = read_text("twice.jsonl", Format::TwitterV2, &format!("{page}{page}"));
    assert!(errors.is_empty());
    let once = read_ok(&fixture("twitter/v2/two_tweets.jsonl")).0;
    assert_eq!(twice.len(), 2 * once.len());
    // Wrong kinds of documents are counted, never turned into records.
    let (records, errors) = read_text(
        "odd.jsonl",
        Format::TwitterV2,
        "[1, 2]\n\"text\"\n{\"x\": 1}\n",
    );
    assert!(records.is_empty() && errors.is_empty(), "{errors:?}");
}

#[test]
fn lists_are_groups() {
    let (records, _) = read_ok(&fixture("twitter/v2/lists.jsonl"));
    let groups: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            Record::Group(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(groups.len(), 6, "{records:?}");
    let first = groups[0];
    assert_eq!(first.id.as_str(), "tw:list/1354802865349435396");
    assert_eq!(first.name.as_deref(), Some("recsyslabs Pilot Partners"));
    assert_eq!(first.members, Some(3));
    assert!(first.created_at.is_some() && first.description.is_some());
}
