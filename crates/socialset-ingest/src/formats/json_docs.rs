//! A stream of JSON documents, as exports hold them: one per line (JSON Lines, as twarc and
//! most tools write), or documents spread over lines and following each other (a pretty-printed
//! API response per file). The first document decides: when it fits on its line the file is
//! read line by line, and a bad line is an error of that line only (the rest still reads);
//! otherwise the file is one stream and a syntax error ends it. Memory: one document at a time.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::Value;

use crate::error::RecordError;
use crate::source::{Lines, Source};

/// Counts newlines as serde_json pulls bytes, so each document can be given its line.
struct NewlineCounter {
    inner: Box<dyn Read + Send>,
    newlines: Arc<AtomicU64>,
}

impl Read for NewlineCounter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let count = buf[..n].iter().filter(|&&b| b == b'\n').count();
        self.newlines.fetch_add(count as u64, Ordering::Relaxed);
        Ok(n)
    }
}

type Stream =
    serde_json::StreamDeserializer<'static, serde_json::de::IoRead<NewlineCounter>, Value>;

enum Mode {
    /// Not yet decided: the first non-blank line tells.
    Start(Lines),
    Lines(Lines),
    Stream {
        stream: Box<Stream>,
        /// Newlines read before the stream's first byte, plus those it has read.
        newlines: Arc<AtomicU64>,
        /// The line the stream starts on.
        start: u64,
    },
    Done,
}

pub(crate) struct Documents {
    mode: Mode,
    display: String,
}

/// A document and the line it starts on.
pub(crate) struct Document {
    pub(crate) line: u64,
    pub(crate) value: Value,
}

impl Documents {
    pub(crate) fn new(source: Source) -> Self {
        Self {
            display: source.display.clone(),
            mode: Mode::Start(Lines::new(source)),
        }
    }

    pub(crate) fn display(&self) -> &str {
        &self.display
    }

    /// The next document; `Ok(None)` at the end. After a fatal error, `Ok(None)` follows.
    pub(crate) fn next_doc(&mut self) -> Result<Option<Document>, RecordError> {
        loop {
            match &mut self.mode {
                Mode::Done => return Ok(None),
                Mode::Lines(lines) => {
                    let Some((no, text)) = lines.next_line()? else {
                        self.mode = Mode::Done;
                        return Ok(None);
                    };
                    if text.trim().is_empty() {
                        continue;
                    }
                    return match serde_json::from_str::<Value>(text) {
                        Ok(value) => Ok(Some(Document { line: no, value })),
                        Err(e) => Err(RecordError::new(
                            &self.display,
                            no,
                            format!("is not valid JSON: {}", without_position(&e)),
                        )
                        .raw(text.as_bytes())),
                    };
                }
                Mode::Start(lines) => {
                    let Some((no, text)) = lines.next_line()? else {
                        self.mode = Mode::Done;
                        return Ok(None);
                    };
                    if text.trim().is_empty() {
                        continue;
                    }
                    if let Ok(value) = serde_json::from_str::<Value>(text) {
                        let Mode::Start(lines) = std::mem::replace(&mut self.mode, Mode::Done)
                        else {
                            unreachable!("in the Start mode")
                        };
                        self.mode = Mode::Lines(lines);
                        return Ok(Some(Document { line: no, value }));
                    }
                    // A document over several lines: the file is one stream from this line.
                    let first = format!("{text}\n").into_bytes();
                    let Mode::Start(lines) = std::mem::replace(&mut self.mode, Mode::Done) else {
                        unreachable!("in the Start mode")
                    };
                    let rest = lines.into_reader();
                    let newlines = Arc::new(AtomicU64::new(no - 1));
                    let counter = NewlineCounter {
                        inner: Box::new(io::Cursor::new(first).chain(rest)),
                        newlines: Arc::clone(&newlines),
                    };
                    self.mode = Mode::Stream {
                        stream: Box::new(
                            serde_json::Deserializer::from_reader(counter).into_iter(),
                        ),
                        newlines,
                        start: no,
                    };
                }
                Mode::Stream {
                    stream,
                    newlines,
                    start,
                } => {
                    // serde_json reads byte by byte through `Read`, so the count is exact where
                    // a document starts (whitespace between documents aside).
                    let line = newlines.load(Ordering::Relaxed) + 1;
                    return match stream.next() {
                        None => {
                            self.mode = Mode::Done;
                            Ok(None)
                        }
                        Some(Err(e)) => {
                            let at = if e.line() > 0 {
                                *start + e.line() as u64 - 1
                            } else {
                                line
                            };
                            self.mode = Mode::Done;
                            // A syntax error leaves the stream unusable: nothing after it can
                            // be trusted.
                            Err(RecordError::fatal(
                                &self.display,
                                at,
                                format!("is not valid JSON: {}", without_position(&e)),
                            ))
                        }
                        Some(Ok(value)) => Ok(Some(Document { line, value })),
                    };
                }
            }
        }
    }
}

/// serde_json's message without its " at line L column C" (the error names the line itself).
fn without_position(e: &serde_json::Error) -> String {
    let problem = e.to_string();
    problem
        .rfind(" at line ")
        .map_or(problem.clone(), |i| problem[..i].to_owned())
}
