//! Opening an input file: gzip detection by magic bytes, a byte counter for progress bars,
//! and a line reader that keeps line numbers and rejects non-UTF-8 text.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::error::RecordError;

/// Counts the bytes read from the file on disk (compressed bytes for gzip), so a progress bar
/// can compare them with the file's size.
struct CountingReader<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An opened input: decompressed bytes, buffered.
pub(crate) struct Source {
    pub(crate) reader: Box<dyn BufRead + Send>,
    pub(crate) display: String,
    pub(crate) limits: ReadLimits,
}

/// Bounds on what one input may hold, enforced while it streams, so a hostile file (a
/// decompression bomb, a gigabyte without a line break) is refused with its file and line
/// before it costs memory. The defaults are far above what real exports hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// The longest line, or JSON document or collection item read as one: 64 MiB (a twarc2
    /// page of 100 tweets with their expansions is about 1 MB).
    pub max_line_bytes: usize,
    /// The most bytes a file may decompress to (unbounded by default; the server bounds
    /// uploads).
    pub max_decompressed_bytes: u64,
    /// The longest text field of a record (a post's text, a bio, a name, an id): 1 MiB. The
    /// longest a platform allows is a Reddit self-post, 40,000 characters (160 KB at most).
    pub max_field_bytes: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_line_bytes: 64 << 20,
            max_decompressed_bytes: u64::MAX,
            max_field_bytes: 1 << 20,
        }
    }
}

/// Fails a read once more than `max` bytes have come through: the file decompresses to more
/// than its limit.
struct Bounded<R> {
    inner: R,
    read: u64,
    max: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "it decompresses to more than {} bytes, the limit for one file",
                    self.max
                ),
            ));
        }
        Ok(n)
    }
}

/// The size of the file on disk and a live count of bytes read so far.
#[derive(Clone, Debug)]
pub struct Progress {
    pub total_bytes: u64,
    pub read_bytes: Arc<AtomicU64>,
}

impl Progress {
    pub fn bytes_read(&self) -> u64 {
        self.read_bytes.load(Ordering::Relaxed)
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

pub(crate) fn is_gzip(path: &Path) -> io::Result<bool> {
    let mut magic = [0u8; 2];
    let mut f = File::open(path)?;
    let mut got = 0;
    while got < 2 {
        let n = f.read(&mut magic[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    Ok(got == 2 && magic == GZIP_MAGIC)
}

pub(crate) fn open(
    path: &Path,
    display: &str,
    limits: ReadLimits,
) -> Result<(Source, Progress), RecordError> {
    let io_err =
        |e: io::Error| RecordError::fatal(display, 0, format!("cannot read the file: {e}"));
    let file = File::open(path).map_err(io_err)?;
    let total_bytes = file.metadata().map_err(io_err)?.len();
    let read_bytes = Arc::new(AtomicU64::new(0));
    let counted = CountingReader {
        inner: file,
        bytes: Arc::clone(&read_bytes),
    };
    let gz = is_gzip(path).map_err(io_err)?;
    let reader: Box<dyn BufRead + Send> = if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            Bounded {
                inner: MultiGzDecoder::new(BufReader::with_capacity(1 << 16, counted)),
                read: 0,
                max: limits.max_decompressed_bytes,
            },
        ))
    } else {
        Box::new(BufReader::with_capacity(
            1 << 16,
            Bounded {
                inner: counted,
                read: 0,
                max: limits.max_decompressed_bytes,
            },
        ))
    };
    Ok((
        Source {
            reader,
            display: display.to_owned(),
            limits,
        },
        Progress {
            total_bytes,
            read_bytes,
        },
    ))
}

/// Reads the first `limit` decompressed bytes, for format detection.
pub(crate) fn peek(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let mut head = Vec::with_capacity(limit);
    if is_gzip(path)? {
        // A short or truncated gzip still yields what it can for detection.
        let _ = MultiGzDecoder::new(file)
            .take(limit as u64)
            .read_to_end(&mut head);
    } else {
        file.take(limit as u64).read_to_end(&mut head)?;
    }
    Ok(head)
}

/// Reads a file line by line, keeping the line number and the raw bytes.
pub(crate) struct Lines {
    source: Source,
    buf: Vec<u8>,
    line: u64,
}

impl Lines {
    pub(crate) fn new(source: Source) -> Self {
        Self {
            source,
            buf: Vec::with_capacity(256),
            line: 0,
        }
    }

    pub(crate) fn display(&self) -> &str {
        &self.source.display
    }

    /// The number of the last line read (1 is the first).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The last line read, as text (empty if it was not UTF-8).
    pub(crate) fn current(&self) -> &str {
        std::str::from_utf8(&self.buf).unwrap_or_default()
    }

    pub(crate) fn max_line_bytes(&self) -> usize {
        self.source.limits.max_line_bytes
    }

    /// The rest of the file, unread.
    pub(crate) fn into_reader(self) -> Box<dyn BufRead + Send> {
        self.source.reader
    }

    /// The next line without its line ending, as UTF-8 text, with its 1-based number.
    /// `Ok(None)` at the end of the file.
    pub(crate) fn next_line(&mut self) -> Result<Option<(u64, &str)>, RecordError> {
        self.buf.clear();
        let max = self.source.limits.max_line_bytes;
        let n = (&mut self.source.reader)
            .take(max as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| read_error(&self.source.display, self.line + 1, &e))?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.buf.len() > max && self.buf.last() != Some(&b'\n') {
            return Err(too_long(&self.source.display, self.line, max));
        }
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        match std::str::from_utf8(&self.buf) {
            Ok(text) => Ok(Some((self.line, text))),
            Err(e) => {
                let at = e.valid_up_to();
                let bad = &self.buf[at..self.buf.len().min(at + 4)];
                Err(RecordError::new(
                    &self.source.display,
                    self.line,
                    format!("the line is not valid UTF-8 text at byte {}", at + 1),
                )
                .value(&format!("{bad:02x?}"))
                .raw(&self.buf))
            }
        }
    }
}

/// Turns an I/O error while reading into a fatal error naming the line reached.
pub(crate) fn read_error(display: &str, line: u64, e: &io::Error) -> RecordError {
    let problem = if e.kind() == io::ErrorKind::UnexpectedEof
        || e.to_string().contains("corrupt deflate")
        || e.kind() == io::ErrorKind::InvalidInput
    {
        format!("the gzip stream is truncated or corrupt ({e})")
    } else {
        format!("cannot read the file: {e}")
    };
    RecordError::fatal(display, line, problem)
}

/// A line, document or item past `ReadLimits::max_line_bytes`: the rest of the file is not
/// read.
pub(crate) fn too_long(display: &str, line: u64, max: usize) -> RecordError {
    RecordError::fatal(
        display,
        line,
        format!(
            "a line or document longer than {} MiB, the limit (--max-line-mb); no real export \
             holds one, so the file is not read further",
            max >> 20
        ),
    )
}
