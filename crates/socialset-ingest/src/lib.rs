//! File formats -> model records. Streaming: a file is read line by line (or, for JSON
//! documents, value by value) and never held whole in memory. Every error names file, line and
//! field. This crate reads input files and nothing else: it never touches the store.

mod columnar;
mod detect;
mod error;
mod formats;
mod labels;
mod orders;
mod source;
mod twitter1516;

use std::collections::BTreeMap;
use std::collections::VecDeque;
use std::path::Path;

use socialset_model::{InteractionKind, Record};

pub use columnar::{inside_contained_decoder, Batcher, Table, TABLE_KEY};
pub use detect::{detect_format, Detection};
pub use error::{RecordError, RecordErrorDetail, Result};
pub use formats::parse_time_text as parse_time;
pub use labels::{
    read_account_labels, read_annotated_posts, read_annotated_qa, read_claim_labels,
    read_gilani_dir, read_gilani_file, read_hand_labels, read_labelled, read_sanders,
    read_sentipolc, read_stance_labels, read_texts, read_texts_with_ids, read_tweeteval,
    AccountLabel, AnnotatedPost, AnnotatedQa, HandLabel, HandLabelled, LabelledRead,
    LabelledSummary, LabelledTexts, PolarityLabelled, GILANI_BANDS,
};
pub use orders::{
    orders_from_json, read_orders, OrderFile, OrderLayout, OrderLine, MAX_ORDER_VALUE,
};
pub use source::{Progress, ReadLimits};
pub use twitter1516::{is_twitter1516, read_twitter1516, RumourSet, RumourTree, TreeShare};

/// The input formats socialset reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// socialset's canonical JSON Lines: one record per line with a `"type"` (docs/FORMAT.md).
    Jsonl,
    /// SNAP-style edge list: `src dst [weight] [time]`, `#` comments, spaces or tabs.
    Snap,
    /// Signed ratings as CSV: `src,dst,rating[,time]` (SNAP soc-sign-bitcoin*).
    RatingsCsv,
    /// The Higgs Twitter activity file: `userA userB timestamp RT|MT|RE`.
    Higgs,
    /// ActivityPub / Mastodon JSON: activities, actors and collections.
    ActivityPub,
    /// X / Twitter API v1.1: tweets with their embedded users, and user objects.
    TwitterV1,
    /// X / Twitter API v2 responses (twarc2): `data`, `includes`, `errors`, `meta`.
    TwitterV2,
    /// Reddit API JSON: listings, comment trees, accounts, subreddits.
    Reddit,
    /// YouTube Data API v3 responses: channels, videos, comment threads and comments.
    YouTube,
    /// Instagram Graph API answers: business discovery, media, hashtag media, comments.
    Instagram,
    /// Bluesky: AppView answers (feeds, threads, followers, profiles) and Jetstream events.
    Bluesky,
    /// Parquet: one of socialset's tables (accounts, follows, posts, interactions, ratings)
    /// as `socialset export` writes it, or any file with those columns.
    Parquet,
    /// Arrow IPC file (Feather v2): the same tables.
    Arrow,
}

impl Format {
    pub const ALL: [Self; 13] = [
        Self::Jsonl,
        Self::Snap,
        Self::RatingsCsv,
        Self::Higgs,
        Self::ActivityPub,
        Self::TwitterV1,
        Self::TwitterV2,
        Self::Reddit,
        Self::YouTube,
        Self::Instagram,
        Self::Bluesky,
        Self::Parquet,
        Self::Arrow,
    ];

    /// The name used on the command line (`--format NAME`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jsonl => "jsonl",
            Self::Snap => "snap",
            Self::RatingsCsv => "ratings-csv",
            Self::Higgs => "higgs",
            Self::ActivityPub => "activitypub",
            Self::TwitterV1 => "twitter-v1",
            Self::TwitterV2 => "twitter-v2",
            Self::Reddit => "reddit",
            Self::YouTube => "youtube",
            Self::Instagram => "instagram",
            Self::Bluesky => "bluesky",
            Self::Parquet => "parquet",
            Self::Arrow => "arrow",
        }
    }

    /// A one-line description for `--help` and for the "format chosen" message.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Jsonl => "socialset JSON Lines (one record per line with a \"type\")",
            Self::Snap => "SNAP edge list (src dst [weight] [time])",
            Self::RatingsCsv => "signed ratings CSV (src,dst,rating[,time])",
            Self::Higgs => "Higgs Twitter activity (userA userB time RT|MT|RE)",
            Self::ActivityPub => "ActivityPub / Mastodon JSON",
            Self::TwitterV1 => "X/Twitter API v1.1 JSON (tweets with their users)",
            Self::TwitterV2 => "X/Twitter API v2 JSON (twarc2 pages: data, includes, errors)",
            Self::Reddit => "Reddit API JSON (listings, comment trees, accounts)",
            Self::YouTube => "YouTube Data API v3 JSON (channels, videos, comment threads)",
            Self::Instagram => "Instagram Graph API JSON (business discovery, media, comments)",
            Self::Bluesky => "Bluesky JSON (AppView feeds, threads, followers; Jetstream events)",
            Self::Parquet => "a Parquet table of socialset's records (docs/FORMAT.md)",
            Self::Arrow => "an Arrow IPC table of socialset's records (docs/FORMAT.md)",
        }
    }

    /// The platform that bare ids in this format are namespaced with, unless `--platform`
    /// says otherwise.
    pub fn default_platform(self) -> &'static str {
        match self {
            Self::Jsonl | Self::Parquet | Self::Arrow => "local",
            Self::Snap | Self::RatingsCsv => "snap",
            Self::Higgs => "higgs",
            Self::ActivityPub => "ap",
            Self::TwitterV1 | Self::TwitterV2 => "tw",
            Self::Reddit => "rd",
            Self::YouTube => "yt",
            Self::Instagram => "ig",
            Self::Bluesky => "bsky",
        }
    }
}

impl Format {
    /// The columnar layout of the format, for Parquet and Arrow.
    pub(crate) fn columnar(self) -> Option<columnar::read::Layout> {
        match self {
            Self::Parquet => Some(columnar::read::Layout::Parquet),
            Self::Arrow => Some(columnar::read::Layout::ArrowIpc),
            _ => None,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format {s:?}: expected auto or one of {}",
                    names.join(", ")
                )
            })
    }
}

/// What the edges of an edge list mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    Follow,
    Interaction(InteractionKind),
    Rating,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Follow => "follow",
            Self::Interaction(k) => k.as_str(),
            Self::Rating => "rating",
        }
    }
}

impl std::str::FromStr for EdgeKind {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "follow" => Ok(Self::Follow),
            "rating" => Ok(Self::Rating),
            other => other.parse().map(Self::Interaction).map_err(|_| {
                format!(
                    "unknown edge kind {s:?}: expected follow, reply, mention, share, quote, like or rating"
                )
            }),
        }
    }
}

/// How to read a file.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub format: Format,
    /// What SNAP edge-list edges mean (default: follow).
    pub edge_kind: EdgeKind,
    /// Namespace for ids that carry no platform prefix (default: the format's own).
    pub platform: Option<String>,
    pub limits: ReadLimits,
}

impl ReadOptions {
    pub fn new(format: Format) -> Self {
        Self {
            format,
            edge_kind: EdgeKind::Follow,
            platform: None,
            limits: ReadLimits::default(),
        }
    }

    pub(crate) fn platform(&self) -> &str {
        self.platform
            .as_deref()
            .unwrap_or(self.format.default_platform())
    }
}

/// Streams the records of one file. Yields `Err` for a bad record and goes on with the next
/// line, unless the error is `fatal` (after which it yields nothing more).
pub struct RecordReader {
    inner: formats::Reader,
    queue: VecDeque<Record>,
    finished: bool,
    ignored: BTreeMap<String, u64>,
    max_field_bytes: usize,
    /// An error found on opening, handed out first.
    pending: Option<RecordError>,
}

impl RecordReader {
    /// Opens `path` (shown in messages as `display`) to read with `options`.
    pub fn open(path: &Path, display: &str, options: &ReadOptions) -> Result<(Self, Progress)> {
        let (inner, progress) = if let Some(layout) = options.format.columnar() {
            let progress = Progress {
                total_bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
                read_bytes: std::sync::Arc::default(),
            };
            let reader = columnar::read::Reader::open(
                path,
                display,
                layout,
                options.platform(),
                options.limits.max_decompressed_bytes,
                std::sync::Arc::clone(&progress.read_bytes),
            )?;
            (formats::Reader::Columnar(reader), progress)
        } else {
            let (source, progress) = source::open(path, display, options.limits)?;
            (formats::Reader::new(source, options), progress)
        };
        Ok((
            Self {
                inner,
                queue: VecDeque::new(),
                finished: false,
                ignored: BTreeMap::new(),
                max_field_bytes: options.limits.max_field_bytes,
                pending: None,
            },
            progress,
        ))
    }

    /// Reads `bytes` already in memory (plain, not gzip) as a file shown as `display`: for
    /// uploads held in memory and for fuzzing.
    pub fn from_bytes(bytes: Vec<u8>, display: &str, options: &ReadOptions) -> Self {
        let inner = if let Some(layout) = options.format.columnar() {
            match columnar::read::Reader::from_bytes(
                bytes,
                display,
                layout,
                options.platform(),
                options.limits.max_decompressed_bytes,
            ) {
                Ok(r) => formats::Reader::Columnar(r),
                Err(e) => {
                    // Nothing to read: the error comes out, then the end.
                    let empty = source::Source {
                        reader: Box::new(std::io::Cursor::new(Vec::new())),
                        display: display.to_owned(),
                        limits: options.limits,
                    };
                    return Self {
                        inner: formats::Reader::new(empty, &ReadOptions::new(Format::Jsonl)),
                        queue: VecDeque::new(),
                        finished: true,
                        ignored: BTreeMap::new(),
                        max_field_bytes: options.limits.max_field_bytes,
                        pending: Some(e),
                    };
                }
            }
        } else {
            formats::Reader::new(
                source::Source {
                    reader: Box::new(std::io::Cursor::new(bytes)),
                    display: display.to_owned(),
                    limits: options.limits,
                },
                options,
            )
        };
        Self {
            inner,
            queue: VecDeque::new(),
            finished: false,
            ignored: BTreeMap::new(),
            max_field_bytes: options.limits.max_field_bytes,
            pending: None,
        }
    }

    /// What the file held that socialset does not import, by kind, with counts
    /// (e.g. ActivityPub `Undo` activities). Complete once the reader is exhausted.
    pub fn ignored(&self) -> &BTreeMap<String, u64> {
        &self.ignored
    }
}

impl RecordReader {
    /// The first of the records just read with a text field past `max_field_bytes`, taken
    /// out of the queue as an error naming its line and field.
    fn oversized(&mut self) -> Option<RecordError> {
        let max = self.max_field_bytes;
        let (at, field, len) = self.queue.iter().enumerate().find_map(|(i, r)| {
            longest_text(r)
                .filter(|(_, len)| *len > max)
                .map(|(f, len)| (i, f, len))
        })?;
        self.queue.remove(at);
        let (file, line) = self.inner.position();
        Some(
            RecordError::new(
                file,
                line,
                format!("is {len} bytes long: the longest field socialset reads is {max} bytes"),
            )
            .field(field),
        )
    }
}

/// A record's longest text field, and its length in bytes.
fn longest_text(r: &Record) -> Option<(&'static str, usize)> {
    let len = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    let fields: Vec<(&'static str, usize)> = match r {
        Record::Account(a) => vec![
            ("id", a.id.as_str().len()),
            ("handle", len(&a.handle)),
            ("name", len(&a.name)),
            ("bio", len(&a.bio)),
        ],
        Record::Post(p) => vec![
            ("id", p.id.as_str().len()),
            ("author", p.author.as_str().len()),
            ("text", len(&p.text)),
            ("source", len(&p.source)),
        ],
        Record::Group(g) => vec![
            ("id", g.id.as_str().len()),
            ("name", len(&g.name)),
            ("description", len(&g.description)),
        ],
        _ => return None,
    };
    fields.into_iter().max_by_key(|(_, n)| *n)
}

impl Iterator for RecordReader {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending.take() {
            return Some(Err(e));
        }
        loop {
            if let Some(r) = self.queue.pop_front() {
                return Some(Ok(r));
            }
            if self.finished {
                return None;
            }
            match self.inner.next_into(&mut self.queue, &mut self.ignored) {
                Ok(true) => {
                    if let Some(e) = self.oversized() {
                        return Some(Err(e));
                    }
                }
                Ok(false) => self.finished = true,
                Err(e) => {
                    if e.fatal {
                        self.finished = true;
                    }
                    return Some(Err(e));
                }
            }
        }
    }
}
