//! A stream of JSON documents, as exports hold them: one per line (JSON Lines, as twarc and
//! most tools write), or documents spread over lines and following each other (a pretty-printed
//! API response per file). The first document decides: when it fits on its line the file is
//! read line by line, and a bad line is an error of that line only (the rest still reads);
//! otherwise the file is one stream and a syntax error ends it. Memory: one document at a time.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;
use socialset_model::{AccountId, Interaction, InteractionKind, PostId, Record, Timestamp};

use super::parse_time_text;
use crate::error::RecordError;
use crate::source::{Lines, Source};

/// Counts newlines as serde_json pulls bytes, so each document can be given its line.
struct NewlineCounter {
    inner: Box<dyn Read + Send>,
    newlines: Arc<AtomicU64>,
    /// Bytes read since the last document ended, refused past `max_bytes`.
    document_bytes: Arc<AtomicU64>,
    max_bytes: u64,
}

impl Read for NewlineCounter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let count = buf[..n].iter().filter(|&&b| b == b'\n').count();
        self.newlines.fetch_add(count as u64, Ordering::Relaxed);
        if self.document_bytes.fetch_add(n as u64, Ordering::Relaxed) + n as u64 > self.max_bytes {
            // Told apart from other errors by `document_bytes` itself.
            return Err(io::Error::other("a document past its limit"));
        }
        Ok(n)
    }
}

type Stream =
    serde_json::StreamDeserializer<'static, serde_json::de::IoRead<NewlineCounter>, Value>;

enum Mode {
    /// One document per line, once the first non-blank line parsed whole (`decided`); until
    /// then a line that does not parse starts a stream instead.
    Lines {
        lines: Lines,
        decided: bool,
    },
    Stream {
        stream: Box<Stream>,
        /// Newlines read before the stream's first byte, plus those it has read.
        newlines: Arc<AtomicU64>,
        /// Bytes of the document being read (`NewlineCounter`), and their limit.
        document_bytes: Arc<AtomicU64>,
        max_bytes: usize,
        /// The line the stream starts on.
        start: u64,
    },
    /// Collections cut into their items as they are read.
    Split(Box<Splitter>),
    Done,
}

pub(crate) struct Documents {
    mode: Mode,
    display: String,
    /// Object keys worth keeping (sorted), when a format reads only some: the others are
    /// skipped unparsed, which is most of the work on a tweet. `None` keeps everything.
    keep: Option<&'static [&'static str]>,
}

/// A document and the line it starts on.
pub(crate) struct Document {
    pub(crate) line: u64,
    pub(crate) value: Value,
}

impl Documents {
    pub(crate) fn new(source: Source, keep: Option<&'static [&'static str]>) -> Self {
        debug_assert!(keep.is_none_or(|k| k.windows(2).all(|w| w[0] < w[1])));
        Self {
            display: source.display.clone(),
            mode: Mode::Lines {
                lines: Lines::new(source),
                decided: false,
            },
            keep,
        }
    }

    /// Documents whose item lists (`orderedItems`, `items`) may be of any length — an
    /// ActivityPub outbox of years of activity: the items are handed out one by one, each as
    /// a collection of one item with its collection's `id` and `type`, and then the collection
    /// without them; memory holds one item at a time. Top-level arrays are split the same way.
    /// A syntax error ends the file.
    pub(crate) fn split_collections(source: Source) -> Self {
        Self {
            display: source.display.clone(),
            mode: Mode::Split(Box::new(Splitter {
                display: source.display,
                input: source.reader,
                line: 1,
                state: SplitState::Top,
                buf: Vec::new(),
                max_bytes: source.limits.max_line_bytes,
            })),
            keep: None,
        }
    }

    pub(crate) fn display(&self) -> &str {
        &self.display
    }

    /// The last document as written, for a rejects file: the line itself when the file is
    /// read line by line (a document kept only in part would lose fields), else `value`.
    pub(crate) fn as_written(&self, value: &Value) -> String {
        match &self.mode {
            Mode::Lines { lines, .. } => lines.current().to_owned(),
            _ => value.to_string(),
        }
    }

    /// The next document; `Ok(None)` at the end. After a fatal error, `Ok(None)` follows.
    pub(crate) fn next_doc(&mut self) -> Result<Option<Document>, RecordError> {
        loop {
            match &mut self.mode {
                Mode::Done => return Ok(None),
                Mode::Split(splitter) => {
                    return match splitter.next_doc() {
                        Ok(Some(doc)) => Ok(Some(doc)),
                        Ok(None) => {
                            self.mode = Mode::Done;
                            Ok(None)
                        }
                        Err(e) => {
                            self.mode = Mode::Done;
                            Err(e)
                        }
                    };
                }
                Mode::Lines { lines, decided } => {
                    let Some((no, text)) = lines.next_line()? else {
                        self.mode = Mode::Done;
                        return Ok(None);
                    };
                    if text.trim().is_empty() {
                        continue;
                    }
                    let parsed = match self.keep {
                        None => serde_json::from_str::<Value>(text),
                        Some(keep) => parse_pruned(text, keep),
                    };
                    match parsed {
                        Ok(value) => {
                            *decided = true;
                            return Ok(Some(Document { line: no, value }));
                        }
                        Err(e) if *decided => {
                            return Err(RecordError::new(&self.display, no, json_problem(&e))
                                .raw(text.as_bytes()))
                        }
                        Err(_) => {}
                    }
                    // A document over several lines: the file is one stream from this line.
                    let first = format!("{text}\n").into_bytes();
                    let Mode::Lines { lines, .. } = std::mem::replace(&mut self.mode, Mode::Done)
                    else {
                        unreachable!("in the Lines mode")
                    };
                    let max_bytes = lines.max_line_bytes();
                    let rest = lines.into_reader();
                    let newlines = Arc::new(AtomicU64::new(no - 1));
                    let document_bytes = Arc::new(AtomicU64::new(0));
                    let counter = NewlineCounter {
                        inner: Box::new(io::Cursor::new(first).chain(rest)),
                        newlines: Arc::clone(&newlines),
                        document_bytes: Arc::clone(&document_bytes),
                        max_bytes: max_bytes as u64,
                    };
                    self.mode = Mode::Stream {
                        stream: Box::new(
                            serde_json::Deserializer::from_reader(counter).into_iter(),
                        ),
                        newlines,
                        document_bytes,
                        max_bytes,
                        start: no,
                    };
                }
                Mode::Stream {
                    stream,
                    newlines,
                    document_bytes,
                    max_bytes,
                    start,
                } => {
                    // serde_json reads byte by byte through `Read`, so the count is exact where
                    // a document starts (whitespace between documents aside).
                    let line = newlines.load(Ordering::Relaxed) + 1;
                    document_bytes.store(0, Ordering::Relaxed);
                    let max_bytes = *max_bytes;
                    return match stream.next() {
                        None => {
                            self.mode = Mode::Done;
                            Ok(None)
                        }
                        Some(Err(e))
                            if e.is_io()
                                && document_bytes.load(Ordering::Relaxed) > max_bytes as u64 =>
                        {
                            self.mode = Mode::Done;
                            Err(crate::source::too_long(&self.display, line, max_bytes))
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
                            Err(RecordError::fatal(&self.display, at, json_problem(&e)))
                        }
                        Some(Ok(value)) => Ok(Some(Document { line, value })),
                    };
                }
            }
        }
    }
}

fn parse_pruned(text: &str, keep: &'static [&'static str]) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = serde::de::DeserializeSeed::deserialize(Pruned(keep), &mut de)?;
    de.end()?;
    Ok(v)
}

/// Builds a `Value` of the keys in `.0` (and of keys made of digits: tweet ids as keys), at
/// any depth; the others are skipped without being built.
#[derive(Clone, Copy)]
struct Pruned(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for Pruned {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Pruned {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element_seed(self)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let wanted = self.0.binary_search(&key.as_ref()).is_ok()
                || (!key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()));
            if wanted {
                let v = map.next_value_seed(self)?;
                out.insert(key.into_owned(), v);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(Value::Object(out))
    }
}

/// Where the splitter is: between documents, in a top-level array, in a top-level object
/// (its other keys gathered in `header`), or in that object's item list.
enum SplitState {
    Top,
    TopArray,
    Object {
        header: serde_json::Map<String, Value>,
        line: u64,
    },
    Items {
        header: serde_json::Map<String, Value>,
        line: u64,
        key: String,
        context: serde_json::Map<String, Value>,
    },
}

/// Cuts a stream of JSON documents into pieces of bounded size: the elements of a top-level
/// array, and the items of a top-level object's `orderedItems` or `items` list, each handed
/// out as a collection of one item with its collection's `id` and `type`, and then the object
/// without its items. A scanner that follows strings and nesting finds where each value ends;
/// each value is then parsed from its bytes. Memory: one item (or one other value) at a time.
pub(crate) struct Splitter {
    display: String,
    input: Box<dyn io::BufRead + Send>,
    /// The line of the next unread byte.
    line: u64,
    state: SplitState,
    buf: Vec<u8>,
    /// The longest value read as one (`ReadLimits::max_line_bytes`).
    max_bytes: usize,
}

impl Splitter {
    fn fatal(&self, line: u64, problem: impl Into<String>) -> RecordError {
        RecordError::fatal(&self.display, line, problem)
    }

    fn io(&self, e: &io::Error) -> RecordError {
        crate::source::read_error(&self.display, self.line, e)
    }

    /// Skips whitespace; the next byte, not consumed, or `None` at the end.
    fn peek(&mut self) -> Result<Option<u8>, RecordError> {
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io(&e)),
            };
            let Some(&first) = buf.first() else {
                return Ok(None);
            };
            if !first.is_ascii_whitespace() {
                return Ok(Some(first));
            }
            let ws = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let newlines = buf[..ws].iter().filter(|&&b| b == b'\n').count() as u64;
            self.input.consume(ws);
            self.line += newlines;
        }
    }

    fn take(&mut self) {
        self.input.consume(1);
    }

    /// Reads the bytes of one JSON value into `self.buf` (after whitespace): an object or an
    /// array to its matching bracket, a string to its closing quote, a number or a literal to
    /// the next delimiter.
    fn scan_value(&mut self) -> Result<(), RecordError> {
        self.buf.clear();
        let start = self.line;
        let Some(first) = self.peek()? else {
            return Err(self.fatal(
                start,
                "is not valid JSON: the file ends where a value should be",
            ));
        };
        let (mut depth, mut in_string, mut escaped) = (0u32, false, false);
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io(&e)),
            };
            if chunk.is_empty() {
                if scalar && !self.buf.is_empty() {
                    return Ok(());
                }
                return Err(
                    self.fatal(self.line, "is not valid JSON: the file ends inside a value")
                );
            }
            let mut end = None;
            let mut newlines = 0u64;
            for (i, &b) in chunk.iter().enumerate() {
                if b == b'\n' {
                    newlines += 1;
                }
                if scalar {
                    if matches!(b, b',' | b']' | b'}') || b.is_ascii_whitespace() {
                        end = Some(i);
                        break;
                    }
                    continue;
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let used = end.unwrap_or(chunk.len());
            // A scalar's delimiter (a newline among them) stays unread.
            let counted = if scalar && end.is_some() && chunk.get(used) == Some(&b'\n') {
                newlines - 1
            } else {
                newlines
            };
            self.buf.extend_from_slice(&chunk[..used]);
            self.input.consume(used);
            self.line += counted;
            if self.buf.len() > self.max_bytes {
                return Err(crate::source::too_long(
                    &self.display,
                    start,
                    self.max_bytes,
                ));
            }
            if end.is_some() {
                return Ok(());
            }
        }
    }

    /// Parses the scanned bytes; `line` is where they start.
    fn parse<T: serde::de::DeserializeOwned>(&self, line: u64) -> Result<T, RecordError> {
        serde_json::from_slice(&self.buf)
            .map_err(|e| self.fatal(line + (e.line() as u64).saturating_sub(1), json_problem(&e)))
    }

    fn expect(&mut self, want: u8, what: &str) -> Result<(), RecordError> {
        match self.peek()? {
            Some(b) if b == want => {
                self.take();
                Ok(())
            }
            Some(b) => Err(self.fatal(
                self.line,
                format!(
                    "is not valid JSON: expected {what}, found {:?}",
                    char::from(b)
                ),
            )),
            None => Err(self.fatal(
                self.line,
                format!("is not valid JSON: the file ends before {what}"),
            )),
        }
    }

    fn next_doc(&mut self) -> Result<Option<Document>, RecordError> {
        loop {
            match std::mem::replace(&mut self.state, SplitState::Top) {
                SplitState::Top => match self.peek()? {
                    None => return Ok(None),
                    Some(b'[') => {
                        self.take();
                        self.state = SplitState::TopArray;
                    }
                    Some(b'{') => {
                        let line = self.line;
                        self.take();
                        self.state = SplitState::Object {
                            header: serde_json::Map::new(),
                            line,
                        };
                    }
                    Some(_) => {
                        let line = self.line;
                        self.scan_value()?;
                        let value = self.parse(line)?;
                        return Ok(Some(Document { line, value }));
                    }
                },
                SplitState::TopArray => match self.peek()? {
                    Some(b']') => self.take(),
                    Some(b',') => {
                        self.take();
                        self.state = SplitState::TopArray;
                    }
                    _ => {
                        let line = self.line;
                        self.scan_value()?;
                        let value = self.parse(line)?;
                        self.state = SplitState::TopArray;
                        return Ok(Some(Document { line, value }));
                    }
                },
                SplitState::Object { mut header, line } => match self.peek()? {
                    Some(b'}') => {
                        self.take();
                        return Ok(Some(Document {
                            line,
                            value: Value::Object(header),
                        }));
                    }
                    Some(b',') => {
                        self.take();
                        self.state = SplitState::Object { header, line };
                    }
                    _ => {
                        let at = self.line;
                        self.scan_value()?;
                        let key: String = self.parse(at)?;
                        self.expect(b':', "':' after a key")?;
                        if (key == "orderedItems" || key == "items") && self.peek()? == Some(b'[') {
                            self.take();
                            let mut context = serde_json::Map::new();
                            for k in ["id", "type", "partOf"] {
                                if let Some(v) = header.get(k) {
                                    context.insert(k.to_owned(), v.clone());
                                }
                            }
                            // Keys may come in any order: the items are a collection's whatever
                            // its type says later. (An `id` after the items is not known to them.)
                            context.entry("type").or_insert_with(|| {
                                Value::from(if key == "items" {
                                    "Collection"
                                } else {
                                    "OrderedCollection"
                                })
                            });
                            self.state = SplitState::Items {
                                header,
                                line,
                                key,
                                context,
                            };
                        } else {
                            let at = self.line;
                            self.scan_value()?;
                            let value = self.parse(at)?;
                            header.insert(key, value);
                            self.state = SplitState::Object { header, line };
                        }
                    }
                },
                SplitState::Items {
                    header,
                    line,
                    key,
                    context,
                } => match self.peek()? {
                    Some(b']') => {
                        self.take();
                        self.state = SplitState::Object { header, line };
                    }
                    Some(b',') => {
                        self.take();
                        self.state = SplitState::Items {
                            header,
                            line,
                            key,
                            context,
                        };
                    }
                    _ => {
                        let at = self.line;
                        self.scan_value()?;
                        let item: Value = self.parse(at)?;
                        let mut one = context.clone();
                        one.insert(key.clone(), Value::Array(vec![item]));
                        self.state = SplitState::Items {
                            header,
                            line,
                            key,
                            context,
                        };
                        return Ok(Some(Document {
                            line: at,
                            value: Value::Object(one),
                        }));
                    }
                },
            }
        }
    }
}

/// serde_json's message without its " at line L column C" (the error names the line itself).
/// What is wrong with a document serde_json refused: not JSON, or JSON nested deeper than
/// serde_json reads (128 levels, which guards the stack).
fn json_problem(e: &serde_json::Error) -> String {
    let problem = without_position(e);
    if problem.contains("recursion limit exceeded") {
        "is nested more than 128 levels deep, deeper than socialset reads (a Bluesky thread of \
         more than about 100 parents or replies of replies: fetch it with a smaller \
         parentHeight or depth)"
            .to_owned()
    } else {
        format!("is not valid JSON: {problem}")
    }
}

fn without_position(e: &serde_json::Error) -> String {
    let problem = e.to_string();
    problem
        .rfind(" at line ")
        .map_or(problem.clone(), |i| problem[..i].to_owned())
}

/// What reads one document into records: the page, the reader's own state, the document.
type PageFn<S> = fn(&mut Page<'_>, &mut S, &Value);

/// Reads the documents of a file page by page: a bad object of a page is an error of its own
/// (given out one per call, after the page's good records), and the page's other objects
/// are read.
pub(crate) struct PageReader<S> {
    docs: Documents,
    platform: String,
    state: S,
    read: PageFn<S>,
    pending: VecDeque<RecordError>,
    /// The line the last document read starts on.
    last_line: u64,
}

impl<S> PageReader<S> {
    pub(crate) fn new(docs: Documents, platform: String, state: S, read: PageFn<S>) -> Self {
        Self {
            docs,
            platform,
            state,
            read,
            pending: VecDeque::new(),
            last_line: 0,
        }
    }

    /// The file, and the line the last document read starts on.
    pub(crate) fn position(&self) -> (&str, u64) {
        (self.docs.display(), self.last_line)
    }

    pub(crate) fn next_into(
        &mut self,
        out: &mut VecDeque<Record>,
        ignored: &mut BTreeMap<String, u64>,
    ) -> Result<bool, RecordError> {
        if let Some(e) = self.pending.pop_front() {
            return Err(e);
        }
        let Some(doc) = self.docs.next_doc()? else {
            return Ok(false);
        };
        self.last_line = doc.line;
        let mut page = Page {
            file: self.docs.display(),
            line: doc.line,
            platform: &self.platform,
            records: Vec::new(),
            errors: Vec::new(),
            ignored,
        };
        (self.read)(&mut page, &mut self.state, &doc.value);
        let Page {
            records, errors, ..
        } = page;
        let raw = (!errors.is_empty()).then(|| self.docs.as_written(&doc.value));
        out.extend(records);
        self.pending.extend(
            errors
                .into_iter()
                .map(|e| e.raw(raw.as_deref().unwrap_or_default().as_bytes())),
        );
        match self.pending.pop_front() {
            Some(e) => Err(e),
            None => Ok(true),
        }
    }
}

/// One document being read: the records and errors it gives, and what it holds that is not
/// imported.
pub(crate) struct Page<'a> {
    pub(crate) file: &'a str,
    pub(crate) line: u64,
    pub(crate) platform: &'a str,
    pub(crate) records: Vec<Record>,
    pub(crate) errors: Vec<RecordError>,
    pub(crate) ignored: &'a mut BTreeMap<String, u64>,
}

/// Where a value sits in its document (`data[3].author_id`).
pub(crate) fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The `i`th item of the array at `key` (`includes.users[0]`).
pub(crate) fn item(path: &str, key: &str, i: usize) -> String {
    format!("{}[{i}]", at(path, key))
}

pub(crate) fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// The array at `key`, or none.
pub(crate) fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Reading values of a page: each error names the field by its JSON path.
impl Page<'_> {
    pub(crate) fn error(&self, field: &str, problem: &str, value: &Value) -> RecordError {
        RecordError::new(self.file, self.line, problem)
            .field(field)
            .value(&value.to_string())
    }

    pub(crate) fn ignore(&mut self, what: &str) {
        *self.ignored.entry(what.to_owned()).or_default() += 1;
    }

    pub(crate) fn account_id(&self, id: &str) -> AccountId {
        AccountId::namespaced(self.platform, id)
    }

    pub(crate) fn post_id(&self, id: &str) -> PostId {
        PostId::namespaced(self.platform, id)
    }

    pub(crate) fn count(
        &self,
        v: &Value,
        key: &str,
        path: &str,
    ) -> Result<Option<u64>, RecordError> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n <= super::MAX_COUNT) => {
                Ok(n.as_u64())
            }
            Some(other @ Value::Number(n)) if n.as_u64().is_some() => {
                Err(self.error(&at(path, key), super::COUNT_TOO_LARGE, other))
            }
            Some(other) => {
                Err(self.error(&at(path, key), "is not a whole number, zero or more", other))
            }
        }
    }

    pub(crate) fn text(
        &self,
        v: &Value,
        key: &str,
        path: &str,
    ) -> Result<Option<String>, RecordError> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.error(&at(path, key), "is not text", other)),
        }
    }

    pub(crate) fn flag(
        &self,
        v: &Value,
        key: &str,
        path: &str,
    ) -> Result<Option<bool>, RecordError> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.error(&at(path, key), "is not true or false", other)),
        }
    }

    pub(crate) fn time(
        &self,
        v: &Value,
        key: &str,
        path: &str,
    ) -> Result<Option<Timestamp>, RecordError> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => parse_time_text(s)
                .map(Some)
                .map_err(|p| self.error(&at(path, key), p, &v[key])),
            // Epoch seconds (Reddit's `created_utc`).
            Some(Value::Number(n)) => n
                .as_f64()
                .and_then(Timestamp::from_epoch_seconds)
                .map(Some)
                .ok_or_else(|| {
                    self.error(
                        &at(path, key),
                        "is an epoch time outside the years 1900–2200",
                        &v[key],
                    )
                }),
            Some(other) => Err(self.error(&at(path, key), "is not a time", other)),
        }
    }

    /// Runs `f` on one object; its error is kept and the page goes on.
    pub(crate) fn each(&mut self, f: impl FnOnce(&mut Self) -> Result<(), RecordError>) {
        if let Err(e) = f(self) {
            self.errors.push(e);
        }
    }

    pub(crate) fn interaction(
        &mut self,
        src: &AccountId,
        dst: AccountId,
        kind: InteractionKind,
        at: Option<Timestamp>,
        post: &PostId,
    ) {
        if &dst != src {
            self.records.push(Record::Interaction(Interaction {
                src: src.clone(),
                dst,
                kind,
                at,
                post: Some(post.clone()),
                weight: 1.0,
            }));
        }
    }
}
