//! One file per input format; `Reader` dispatches to the one chosen.

mod activitypub;
mod bluesky;
mod edges;
mod instagram;
mod json_docs;
mod jsonl;
mod reddit;
pub(crate) mod time;
mod twitter;
mod youtube;

use std::collections::{BTreeMap, VecDeque};

use socialset_model::Record;

use crate::error::RecordError;
use crate::source::{Lines, Source};
use crate::{EdgeKind, Format, ReadOptions};

pub use time::parse_time_text;

/// The largest count a store holds (a signed 64-bit integer in SQL). No platform counts
/// followers, posts or items past it; a record that does is refused, not clamped.
pub(crate) const MAX_COUNT: u64 = i64::MAX as u64;

/// What a refused count is told.
pub(crate) const COUNT_TOO_LARGE: &str =
    "is larger than any count a platform gives (at most 9223372036854775807)";

/// What the reader of one format keeps between calls.
pub(crate) enum Reader {
    Lines {
        lines: Lines,
        kind: LineFormat,
        platform: String,
    },
    ActivityPub(json_docs::PageReader<()>),
    Twitter(json_docs::PageReader<twitter::Version>),
    Reddit(json_docs::PageReader<reddit::Authors>),
    YouTube(json_docs::PageReader<youtube::Authors>),
    Instagram(json_docs::PageReader<instagram::Known>),
    Bluesky(json_docs::PageReader<()>),
    /// Parquet or Arrow IPC: opened from the file itself, not a byte stream.
    Columnar(crate::columnar::read::Reader),
}

#[derive(Clone, Copy)]
pub(crate) enum LineFormat {
    Jsonl,
    Snap(EdgeKind),
    RatingsCsv,
    Higgs,
}

impl Reader {
    pub(crate) fn new(source: Source, options: &ReadOptions) -> Self {
        let platform = options.platform().to_owned();
        let kind = match options.format {
            Format::Jsonl => LineFormat::Jsonl,
            Format::Snap => LineFormat::Snap(options.edge_kind),
            Format::RatingsCsv => LineFormat::RatingsCsv,
            Format::Higgs => LineFormat::Higgs,
            Format::ActivityPub => return Self::ActivityPub(activitypub::reader(source, platform)),
            Format::Reddit => return Self::Reddit(reddit::reader(source, platform)),
            Format::YouTube => return Self::YouTube(youtube::reader(source, platform)),
            Format::Instagram => return Self::Instagram(instagram::reader(source, platform)),
            Format::Bluesky => return Self::Bluesky(bluesky::reader(source, platform)),
            // Opened by `RecordReader` from the file: never a stream of lines.
            Format::Parquet | Format::Arrow => LineFormat::Jsonl,
            Format::TwitterV1 => {
                return Self::Twitter(twitter::reader(source, twitter::Version::V1, platform))
            }
            Format::TwitterV2 => {
                return Self::Twitter(twitter::reader(source, twitter::Version::V2, platform))
            }
        };
        Self::Lines {
            lines: Lines::new(source),
            kind,
            platform,
        }
    }

    /// The file, and the line the records read last come from.
    pub(crate) fn position(&self) -> (&str, u64) {
        match self {
            Self::ActivityPub(r) => r.position(),
            Self::Twitter(r) => r.position(),
            Self::Reddit(r) => r.position(),
            Self::YouTube(r) => r.position(),
            Self::Instagram(r) => r.position(),
            Self::Bluesky(r) => r.position(),
            Self::Columnar(r) => r.position(),
            Self::Lines { lines, .. } => (lines.display(), lines.line()),
        }
    }

    /// Reads the next record(s) into `out`. `Ok(false)` at the end of the file.
    pub(crate) fn next_into(
        &mut self,
        out: &mut VecDeque<Record>,
        ignored: &mut BTreeMap<String, u64>,
    ) -> Result<bool, RecordError> {
        match self {
            Self::ActivityPub(r) => r.next_into(out, ignored),
            Self::Twitter(r) => r.next_into(out, ignored),
            Self::Reddit(r) => r.next_into(out, ignored),
            Self::YouTube(r) => r.next_into(out, ignored),
            Self::Instagram(r) => r.next_into(out, ignored),
            Self::Bluesky(r) => r.next_into(out, ignored),
            Self::Columnar(r) => r.next_into(out),
            Self::Lines {
                lines,
                kind,
                platform,
            } => loop {
                let kind = *kind;
                let display = lines.display().to_owned();
                let Some((line_no, text)) = lines.next_line()? else {
                    return Ok(false);
                };
                let trimmed = text.trim();
                if trimmed.is_empty() || is_comment(kind, trimmed) {
                    continue;
                }
                let at = Line {
                    file: &display,
                    no: line_no,
                    text: trimmed,
                    platform,
                };
                let parsed = match kind {
                    LineFormat::Jsonl => jsonl::parse(&at),
                    LineFormat::Snap(edge) => edges::parse_snap(&at, edge),
                    LineFormat::RatingsCsv => match edges::parse_ratings_csv(&at) {
                        Ok(None) => continue, // a header line
                        Ok(Some(r)) => Ok(r),
                        Err(e) => Err(e),
                    },
                    LineFormat::Higgs => edges::parse_higgs(&at),
                };
                return match parsed {
                    Ok(record) => {
                        out.push_back(record);
                        Ok(true)
                    }
                    Err(e) => Err(e.raw(text.as_bytes())),
                };
            },
        }
    }
}

fn is_comment(kind: LineFormat, line: &str) -> bool {
    match kind {
        LineFormat::Jsonl => false,
        _ => line.starts_with('#') || line.starts_with('%'),
    }
}

/// One line being parsed, with what an error message needs.
pub(crate) struct Line<'a> {
    pub file: &'a str,
    pub no: u64,
    pub text: &'a str,
    pub platform: &'a str,
}

impl Line<'_> {
    pub(crate) fn error(&self, problem: impl Into<String>) -> RecordError {
        RecordError::new(self.file, self.no, problem)
    }
}
