//! The demo data bundled in the binary: real public data, credited in tests/data/demo/README.md.

use socialset_ingest::{EdgeKind, Format};

/// Set in the meta table of a store `socialset demo` made, so the demo never replaces a store
/// it did not make.
pub const DEMO_MARKER: &str = "made_by_demo";

/// One bundled demo file and how to read it.
#[derive(Clone, Copy, Debug)]
pub struct DemoFile {
    pub name: &'static str,
    pub bytes: &'static [u8],
    pub format: Format,
    pub edge_kind: EdgeKind,
    pub platform: &'static str,
    pub what: &'static str,
}

/// The demo's files, in import order.
pub fn demo_files() -> [DemoFile; 9] {
    [
        DemoFile {
            name: "higgs-activity-sample.txt.gz",
            bytes: include_bytes!("../../../tests/data/demo/higgs-activity-sample.txt.gz"),
            format: Format::Higgs,
            edge_kind: EdgeKind::Follow,
            platform: "higgs",
            what: "retweets, mentions and replies around the Higgs boson announcement (SNAP)",
        },
        DemoFile {
            name: "bitcoin-otc-sample.csv.gz",
            bytes: include_bytes!("../../../tests/data/demo/bitcoin-otc-sample.csv.gz"),
            format: Format::RatingsCsv,
            edge_kind: EdgeKind::Rating,
            platform: "bitcoin-otc",
            what: "signed trust ratings between Bitcoin OTC traders (SNAP)",
        },
        DemoFile {
            name: "mastodon-activities.jsonl",
            bytes: include_bytes!("../../../tests/data/demo/mastodon-activities.jsonl"),
            format: Format::ActivityPub,
            edge_kind: EdgeKind::Follow,
            platform: "ap",
            what: "real ActivityPub payloads from Mastodon and Friendica servers",
        },
        DemoFile {
            name: "pheme-threads.jsonl.gz",
            bytes: include_bytes!("../../../tests/data/demo/pheme-threads.jsonl.gz"),
            format: Format::TwitterV1,
            edge_kind: EdgeKind::Follow,
            platform: "tw",
            what:
                "real X/Twitter API v1.1 tweets and accounts: breaking-news reply threads (PHEME)",
        },
        DemoFile {
            name: "pheme-fact-checks.jsonl",
            bytes: include_bytes!("../../../tests/data/demo/pheme-fact-checks.jsonl"),
            format: Format::Jsonl,
            edge_kind: EdgeKind::Follow,
            platform: "tw",
            what: "a claims file: the PHEME threads' rumours with their annotated veracity",
        },
        DemoFile {
            name: "reddit-funny-thread.jsonl.gz",
            bytes: include_bytes!("../../../tests/data/demo/reddit-funny-thread.jsonl.gz"),
            format: Format::Reddit,
            edge_kind: EdgeKind::Follow,
            platform: "rd",
            what: "a real r/funny thread from the Reddit API: comment trees, deleted accounts",
        },
        DemoFile {
            name: "youtube-answers.jsonl",
            bytes: include_bytes!("../../../tests/data/demo/youtube-answers.jsonl"),
            format: Format::YouTube,
            edge_kind: EdgeKind::Follow,
            platform: "yt",
            what: "real YouTube Data API answers: channels, a video, comment threads and a reply",
        },
        DemoFile {
            name: "instagram-answers.jsonl",
            bytes: include_bytes!("../../../tests/data/demo/instagram-answers.jsonl"),
            format: Format::Instagram,
            edge_kind: EdgeKind::Follow,
            platform: "ig",
            what: "real Instagram Graph API answers: a business profile, its media, comments",
        },
        DemoFile {
            name: "bluesky-thread.json.gz",
            bytes: include_bytes!("../../../tests/data/demo/bluesky-thread.json.gz"),
            format: Format::Bluesky,
            edge_kind: EdgeKind::Follow,
            platform: "bsky",
            what: "a real Bluesky thread from the AppView: 58 posts by 31 accounts, 54 deep",
        },
    ]
}

use std::path::Path;

use crate::{Error, ImportObserver, ImportOptions, ImportReport, Result, Workspace};

impl Workspace {
    /// Builds a fresh demo store at `path` from the bundled files, replacing an earlier demo
    /// store there, but never a store the demo did not make.
    pub fn create_demo(
        path: &Path,
        observer: &mut dyn ImportObserver,
    ) -> Result<(Self, Vec<(DemoFile, ImportReport)>)> {
        if path.exists() {
            let made_by_demo = Workspace::open(path)
                .ok()
                .and_then(|w| w.store.meta(DEMO_MARKER).ok().flatten())
                .is_some();
            if !made_by_demo {
                return Err(Error::Usage(format!(
                    "{} exists and was not made by `socialset demo`; the demo will not replace it: pass another --db",
                    path.display()
                )));
            }
            for suffix in ["", "-wal", "-shm"] {
                let file = format!("{}{suffix}", path.display());
                if Path::new(&file).exists() {
                    std::fs::remove_file(&file).map_err(Error::io(format!("removing {file}")))?;
                }
            }
        }
        let mut workspace = Workspace::open(path)?;
        workspace.store.set_meta(DEMO_MARKER, "1")?;
        let dir = tempfile::tempdir().map_err(Error::io("creating a temporary directory"))?;
        let mut reports = Vec::new();
        for file in demo_files() {
            let on_disk = dir.path().join(file.name);
            std::fs::write(&on_disk, file.bytes)
                .map_err(Error::io(format!("writing {}", on_disk.display())))?;
            let options = ImportOptions {
                format: Some(file.format),
                edge_kind: None,
                platform: Some(file.platform.to_owned()),
                skip_bad: false,
                ..ImportOptions::default()
            };
            let report = workspace.import(&[on_disk], &options, observer)?;
            reports.push((file, report));
        }
        Ok((workspace, reports))
    }
}
