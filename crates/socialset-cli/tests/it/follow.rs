//! `import --follow` against a local Jetstream: a WebSocket server replaying the fixture's
//! production events in `time_us` order from the cursor a client asks for, as Jetstream
//! replays from its store.

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tungstenite::handshake::server::{Request, Response};
use tungstenite::Message;

use super::{fixture, socialset, stats};

/// The fixture's events as (time_us, JSON), in time order.
fn events() -> Vec<(u64, String)> {
    let file =
        std::fs::File::open(fixture("bluesky/jetstream_expected_v1.jsonl.gz")).expect("open");
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("gunzip");
    let mut out: Vec<(u64, String)> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON");
            (v["time_us"].as_u64().expect("time_us"), l.to_owned())
        })
        .collect();
    out.sort_by_key(|e| e.0);
    out
}

/// A local Jetstream: each connection gets the events from its `cursor` on (all of them
/// without one), one every `delay`, then a close. It keeps the cursor each connection asked
/// for and counts the events sent to each.
struct Replay {
    url: String,
    asked: Arc<Mutex<Vec<Option<u64>>>>,
    sent: Arc<Mutex<Vec<Arc<AtomicU64>>>>,
}

// The header callback's `Result<Response, ErrorResponse>` is tungstenite's signature.
#[allow(clippy::result_large_err)]
fn replay(events: Vec<(u64, String)>, delay: Duration) -> Replay {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let sent = Arc::new(Mutex::new(Vec::new()));
    let (asked2, sent2) = (asked.clone(), sent.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let cursor = Arc::new(Mutex::new(None));
            let seen = cursor.clone();
            let ws = tungstenite::accept_hdr(stream, move |req: &Request, resp: Response| {
                let c = req
                    .uri()
                    .query()
                    .unwrap_or_default()
                    .split('&')
                    .find_map(|p| {
                        p.strip_prefix("cursor=")
                            .and_then(|v| v.parse::<u64>().ok())
                    });
                *seen.lock().expect("lock") = c;
                Ok(resp)
            });
            let Ok(mut ws) = ws else { continue };
            let cursor = *cursor.lock().expect("lock");
            asked2.lock().expect("lock").push(cursor);
            let count = Arc::new(AtomicU64::new(0));
            sent2.lock().expect("lock").push(count.clone());
            let events = events.clone();
            std::thread::spawn(move || {
                for (t, e) in events
                    .iter()
                    .filter(|(t, _)| cursor.is_none_or(|c| *t >= c))
                {
                    let _ = t;
                    if ws.send(Message::text(e.clone())).is_err() {
                        return;
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(delay);
                }
                let _ = ws.close(None);
                while ws.read().is_ok() {}
            });
        }
    });
    Replay {
        url: format!("ws://127.0.0.1:{port}/subscribe?wantedCollections=app.bsky.feed.post"),
        asked,
        sent,
    }
}

fn cursor(db: &Path, url: &str) -> Option<u64> {
    socialset_engine::Workspace::open(db)
        .expect("open the store")
        .follow_cursor(url)
        .expect("read the cursor")
}

#[test]
fn follow_resumes_after_sigkill_without_gaps_or_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = events();
    let last = events.last().expect("events").0;
    // What the saved file gives, imported whole.
    let from_file = dir.path().join("file.db");
    let out = socialset(
        &from_file,
        &[
            "import",
            fixture("bluesky/jetstream_expected_v1.jsonl.gz")
                .to_str()
                .unwrap_or_default(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let server = replay(events.clone(), Duration::from_millis(15));
    let db = dir.path().join("live.db");
    let db_arg = db.to_string_lossy().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_socialset"))
        .args([
            "import",
            "--db",
            &db_arg,
            "--follow",
            &server.url,
            "--batch-events",
            "10",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it mid-stream, once some batches are committed and more events are in flight.
    let started = Instant::now();
    while db
        .exists()
        .then(|| cursor(&db, &server.url))
        .flatten()
        .is_none()
        || server
            .sent
            .lock()
            .expect("lock")
            .first()
            .map_or(0, |n| n.load(Ordering::SeqCst))
            < 60
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing committed in a minute"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let stored = cursor(&db, &server.url).expect("a cursor survives the kill");
    assert!(stored < last, "the kill came before the end of the stream");

    // Again: it asks for the events from the stored cursor and reads to the end.
    let out = socialset(&db, &["import", "--follow", &server.url, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["stream"]["resumed_from_cursor"], stored);
    assert_eq!(report["stream"]["cursor"], last);
    assert_eq!(report["stream"]["stopped"], "the server closed the stream");
    assert_eq!(
        *server.asked.lock().expect("lock"),
        vec![None, Some(stored)]
    );
    let second = server.sent.lock().expect("lock")[1].load(Ordering::SeqCst);
    let expected = events.iter().filter(|(t, _)| *t >= stored).count() as u64;
    assert_eq!(
        second, expected,
        "the second connection replays from the cursor only"
    );
    assert_eq!(report["stream"]["events"], expected);
    assert!(second < events.len() as u64);
    // No gap, no duplicate: the store holds exactly what the file gives.
    assert_eq!(stats(&db), stats(&from_file));
    assert_eq!(cursor(&db, &server.url), Some(last));
    // The deletes, blocks and other collections are counted as the file import counts them.
    let not_imported = &report["files"][0]["not_imported"];
    assert!(
        not_imported
            .as_object()
            .is_some_and(|m| m.keys().any(|k| k.starts_with("delete of"))),
        "{not_imported}"
    );
}

#[test]
fn follow_stops_at_a_bad_event_after_committing_those_before_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = events();
    // Between the first two in time: a like whose subject's URI is a number.
    let t = good[0].0 + 1;
    assert!(t < good[1].0);
    let bad = format!(
        r#"{{"did":"did:plc:x","time_us":{t},"kind":"commit","commit":{{"operation":"create","collection":"app.bsky.feed.like","rkey":"3l","record":{{"subject":{{"uri":42}}}}}}}}"#
    );
    let stream = vec![good[0].clone(), (t, bad), good[1].clone()];
    let server = replay(stream, Duration::ZERO);
    let db = dir.path().join("s.db");
    let out = socialset(&db, &["import", "--follow", &server.url]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("subscribe event 2 (time_us {t})")),
        "{err}"
    );
    assert!(err.contains("commit.record.subject"), "{err}");
    assert_eq!(
        cursor(&db, &server.url),
        Some(good[0].0),
        "the event before it is committed"
    );

    // With --skip-bad the bad event goes to the rejects file and the stream goes on.
    let rejects = dir.path().join("rejects");
    std::fs::create_dir(&rejects).expect("mkdir");
    let out = socialset(
        &db,
        &[
            "import",
            "--follow",
            &server.url,
            "--skip-bad",
            "--rejects-dir",
            rejects.to_str().unwrap_or_default(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(rejects.join("jetstream-127.0.0.1.rejects.jsonl"))
        .expect("rejects");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert_eq!(cursor(&db, &server.url), Some(good[1].0));
}

#[test]
fn follow_says_what_it_cannot_reach_or_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("ws://127.0.0.1:{port}/subscribe");
    let out = socialset(&db, &["import", "--follow", &url]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("connecting to ws://127.0.0.1:{port}/subscribe")),
        "{err}"
    );
    for (args, says) in [
        (
            vec!["--follow", "https://example.org/subscribe"],
            "ws:// or wss://",
        ),
        (
            vec!["--follow", "ws://h/subscribe?compress=true"],
            "compress=true",
        ),
        (
            vec!["--follow", "ws://h/subscribe", "--format", "reddit"],
            "Bluesky",
        ),
        (
            vec!["--follow", "ws://h/subscribe", "--max-events", "0"],
            "at least one",
        ),
        (
            vec!["--follow", "ws://h/subscribe", "some.jsonl"],
            "cannot be used with",
        ),
    ] {
        let mut all = vec!["import"];
        all.extend(args);
        let out = socialset(&db, &all);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{all:?}: {err}");
    }
}
