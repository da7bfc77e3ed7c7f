//! The YouTube importer on real Data API v3 responses recorded by python-youtube
//! (tests/data/youtube): channels, a video, comment threads and a reply; and bad fields named
//! by their JSON path.

use std::path::Path;

use socialset_ingest::{Format, RecordError};
use socialset_model::{InteractionKind, Record};

use super::{fixture, posts, read_as};

fn read_path(path: &Path, name: &str) -> (Vec<Record>, Vec<RecordError>) {
    let r = read_as(path, name, Format::YouTube);
    (r.records, r.errors)
}

/// The records of the fixtures named, read one after the other into one list.
fn read(names: &[&str]) -> Vec<Record> {
    let mut out = Vec::new();
    for name in names {
        let (records, errors) = read_path(&fixture(&format!("youtube/{name}")), name);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        out.extend(records);
    }
    out
}

#[test]
fn channels_give_accounts_with_subscribers_as_followers() {
    let records = read(&["channels_info_multiple.json"]);
    let accounts: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            Record::Account(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(accounts.len(), 2);
    let google = accounts
        .iter()
        .find(|a| a.id.as_str() == "yt:UCK8sQmJBp8GCxrOtXWBpyEA")
        .expect("Google's channel");
    assert_eq!(google.handle.as_deref(), Some("google"));
    assert_eq!(google.name.as_deref(), Some("Google"));
    assert_eq!(google.followers, Some(10_700_000));
    assert_eq!(google.posts_count, Some(2678));
    assert!(google.created_at.is_some() && google.bio.is_some());
}

#[test]
fn a_video_with_its_statistics_and_its_comments_in_reply() {
    // One file of two responses, the video first: its channel is then known to the comment
    // thread on it.
    let dir = tempfile::tempdir().expect("tempdir");
    let both = dir.path().join("both.json");
    let mut text = String::new();
    for name in ["video_api_response.json", "comment_thread_info.json"] {
        text.push_str(
            &std::fs::read_to_string(fixture(&format!("youtube/{name}"))).expect("fixture"),
        );
        text.push('\n');
    }
    std::fs::write(&both, text).expect("write");
    let (records, errors) = read_path(&both, "both.json");
    assert!(errors.is_empty(), "{errors:?}");
    let all = posts(&records);
    let video = all
        .iter()
        .find(|p| p.id.as_str() == "yt:D-lhorsDlUQ")
        .expect("the video");
    assert_eq!(video.author.as_str(), "yt:UC_x5XG1OV2P6uZZ5FSM9Ttw");
    // Counts the API sends as strings.
    assert_eq!(
        (video.views, video.likes, video.replies),
        (Some(7920), Some(190), Some(32))
    );
    assert_eq!(video.lang.as_deref(), Some("en"));
    assert!(video.hashtags.iter().any(|t| t == "google"));
    assert!(video
        .text
        .as_deref()
        .is_some_and(|t| t.starts_with("What are Actions on Google (Assistant on Air)\n\n")));
    let top = all
        .iter()
        .find(|p| p.id.as_str() == "yt:UgydxWWoeA7F1OdqypJ4AaABAg")
        .expect("the top-level comment");
    assert_eq!(top.author.as_str(), "yt:UCe9i1nJCcevTa6KJa55KYog");
    assert_eq!(
        top.reply_to.as_ref().map(|r| r.as_str()),
        Some("yt:D-lhorsDlUQ")
    );
    assert_eq!(top.text.as_deref(), Some("Actions.ai"));
    assert_eq!(top.replies, Some(1));
    let reply = all
        .iter()
        .find(|p| p.id.as_str() == "yt:UgydxWWoeA7F1OdqypJ4AaABAg.8wWQ3tdHcFx8xcDheui-qb")
        .expect("the reply");
    assert_eq!(
        reply.reply_to.as_ref().map(|r| r.as_str()),
        Some("yt:UgydxWWoeA7F1OdqypJ4AaABAg")
    );
    assert_eq!(reply.likes, Some(1));
    // The channel's audience: who comments on its video, and who answers them.
    let replies: Vec<(&str, &str)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Interaction(i) if i.kind == InteractionKind::Reply => {
                Some((i.src.as_str(), i.dst.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        replies,
        [
            ("yt:UCe9i1nJCcevTa6KJa55KYog", "yt:UC_x5XG1OV2P6uZZ5FSM9Ttw"),
            ("yt:UCsl2A_QzcSnFD2hpCyVwXxA", "yt:UCe9i1nJCcevTa6KJa55KYog"),
        ]
    );
}

#[test]
fn a_page_of_comment_threads() {
    let records = read(&["comment_threads_by_video_paged_1.json"]);
    let all = posts(&records);
    assert_eq!(all.len(), 5);
    assert!(all
        .iter()
        .all(|p| p.reply_to.as_ref().map(|r| r.as_str()) == Some("yt:F1UP7wRCPH8")));
    // The video's channel is not in the page: no reply interaction is invented.
    assert!(!records.iter().any(|r| matches!(r, Record::Interaction(_))));
}

#[test]
fn hidden_counts_stay_unknown_and_bad_fields_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("yt.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"kind":"youtube#channel","id":"UC1","statistics":{"subscriberCount":"100","hiddenSubscriberCount":true,"videoCount":"3"}}"#,
            "\n",
            r#"{"kind":"youtube#videoListResponse","items":[{"kind":"youtube#video","id":"v1","snippet":{"channelId":"UC1"},"statistics":{"viewCount":"many"}},{"kind":"youtube#video","id":"v2","snippet":{"channelId":"UC1"}}]}"#,
            "\n",
            r#"{"kind":"youtube#comment","id":"c1","snippet":{"videoId":"v2","textOriginal":"gone"}}"#,
            "\n",
            r#"{"kind":"youtube#playlist","id":"p1"}"#,
            "\n",
        ),
    )
    .expect("write");
    let r = read_as(&path, "yt.jsonl", Format::YouTube);
    let (records, errors, ignored) = (r.records, r.errors, r.ignored);
    let channel = records
        .iter()
        .find_map(|r| match r {
            Record::Account(a) if a.id.as_str() == "yt:UC1" && a.posts_count.is_some() => Some(a),
            _ => None,
        })
        .expect("the channel");
    assert_eq!(channel.followers, None, "a hidden count stays unknown");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = errors[0].to_string();
    assert!(
        e.contains("yt.jsonl:2") && e.contains("items[0].statistics.viewCount"),
        "{e}"
    );
    // The good video of the same page is read.
    assert!(posts(&records).iter().any(|p| p.id.as_str() == "yt:v2"));
    assert!(
        ignored
            .keys()
            .any(|k| k.contains("without an author channel")),
        "{ignored:?}"
    );
    assert!(
        ignored.keys().any(|k| k.contains("youtube#playlist")),
        "{ignored:?}"
    );
}
