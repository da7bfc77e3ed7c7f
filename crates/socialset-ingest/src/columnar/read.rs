//! Reading a Parquet or Arrow IPC file of one of socialset's tables back into records, a
//! batch at a time. The file's columns are checked once, when it is opened: a column
//! socialset does not know, a required one missing or one of a type that cannot hold its
//! values ends the file with a message naming the column. Each value is then checked as the
//! JSON Lines reader checks it, and a bad one is reported with its row (counted from 1, as
//! a line would be) and column.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMillisecondType, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_cast::cast::{cast_with_options, CastOptions};
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use socialset_model::{
    Account, AccountId, ClaimRecord, ClaimWhat, FactVerdict, Follow, GroupId, Interaction,
    InteractionKind, Post, PostId, Rating, Record, Timestamp, VerdictRecord,
};

use super::{Kind, Need, Table};
use crate::error::{trim_value, RecordError};
use crate::formats::{parse_time_text, COUNT_TOO_LARGE, MAX_COUNT};

/// Runs a call into the Parquet or Arrow decoders, which panic on some malformed files (an
/// IPC schema naming a type they do not implement: `cargo fuzz` found it), and turns such a
/// panic into the message of an error: a damaged file is refused, the process goes on.
fn contained<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let outer = DECODING.with(|d| d.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    DECODING.with(|d| d.set(outer));
    result.map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("the decoder failed on damaged data ({detail})")
    })
}

thread_local! {
    static DECODING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True while this thread is inside a call into the Parquet or Arrow decoders, whose panics
/// are caught and reported as errors of the file: for a panic hook that must tell those from
/// a bug of socialset's own (the fuzz harness aborts on every other panic).
pub fn inside_contained_decoder() -> bool {
    DECODING.with(std::cell::Cell::get)
}

/// An Arrow IPC file lists its blocks of rows in a footer, and the reader allocates what a
/// block says it holds before reading it: a damaged footer can name a block of 100 GB (found
/// by `cargo fuzz`). Every block must lie within the file.
fn check_ipc_blocks<R: std::io::Read + std::io::Seek>(input: &mut R) -> Result<(), String> {
    use std::io::SeekFrom;
    let io = |e: std::io::Error| format!("cannot read it: {e}");
    let len = input.seek(SeekFrom::End(0)).map_err(io)?;
    if len < 18 {
        return Err("is too short".into());
    }
    let mut tail = [0u8; 10];
    input.seek(SeekFrom::End(-10)).map_err(io)?;
    input.read_exact(&mut tail).map_err(io)?;
    let footer_len = arrow_ipc::reader::read_footer_length(tail).map_err(|e| e.to_string())?;
    if footer_len as u64 + 10 > len {
        return Err("has a footer longer than the file".into());
    }
    let mut footer = vec![0u8; footer_len];
    input
        .seek(SeekFrom::End(-10 - footer_len as i64))
        .map_err(io)?;
    input.read_exact(&mut footer).map_err(io)?;
    let footer = arrow_ipc::root_as_footer(&footer).map_err(|e| e.to_string())?;
    let blocks = footer.recordBatches().into_iter().flatten();
    let dictionaries = footer.dictionaries().into_iter().flatten();
    for b in blocks.chain(dictionaries) {
        let end =
            i128::from(b.offset()) + i128::from(b.metaDataLength()) + i128::from(b.bodyLength());
        if b.offset() < 0 || b.metaDataLength() < 0 || b.bodyLength() < 0 || end > i128::from(len) {
            return Err("names a block of rows past its end: the file is damaged".into());
        }
    }
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(())
}

/// Rows per batch read: large enough that per-batch work vanishes, small enough that a batch
/// of posts with long texts stays a few megabytes.
const BATCH_ROWS: usize = 8192;

type Batches = Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>> + Send>;

/// How one of the table's columns is read from the file's column of that name.
#[derive(Clone, Copy, Debug)]
enum Conv {
    Text,
    CountUnsigned,
    CountSigned,
    CountFloat,
    Number,
    Flag,
    TimeMs,
    TimeSeconds,
    TimeText,
    Texts,
}

impl Conv {
    /// The type the file's column is cast to.
    fn target(self) -> DataType {
        match self {
            Self::Text | Self::TimeText => DataType::Utf8,
            Self::CountUnsigned => DataType::UInt64,
            Self::CountSigned => DataType::Int64,
            Self::CountFloat | Self::Number | Self::TimeSeconds => DataType::Float64,
            Self::Flag => DataType::Boolean,
            Self::TimeMs => DataType::Timestamp(TimeUnit::Millisecond, None),
            Self::Texts => DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
        }
    }

    /// How a column of type `t` is read as `kind`, if it can be.
    fn choose(kind: Kind, t: &DataType) -> Option<Self> {
        let text = |t: &DataType| {
            matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
                || matches!(t, DataType::Dictionary(_, v) if matches!(**v, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View))
        };
        let signed = matches!(
            t,
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64
        );
        let unsigned = matches!(
            t,
            DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64
        );
        let float = matches!(t, DataType::Float16 | DataType::Float32 | DataType::Float64);
        let decimal = matches!(
            t,
            DataType::Decimal32(..)
                | DataType::Decimal64(..)
                | DataType::Decimal128(..)
                | DataType::Decimal256(..)
        );
        match kind {
            Kind::Text if text(t) || signed || unsigned => Some(Self::Text),
            Kind::Count if unsigned => Some(Self::CountUnsigned),
            Kind::Count if signed => Some(Self::CountSigned),
            Kind::Count if float || decimal => Some(Self::CountFloat),
            Kind::Number if signed || unsigned || float || decimal => Some(Self::Number),
            Kind::Flag if matches!(t, DataType::Boolean) => Some(Self::Flag),
            Kind::Time
                if matches!(
                    t,
                    DataType::Timestamp(..) | DataType::Date32 | DataType::Date64
                ) =>
            {
                Some(Self::TimeMs)
            }
            Kind::Time if signed || unsigned || float || decimal => Some(Self::TimeSeconds),
            Kind::Time if text(t) => Some(Self::TimeText),
            Kind::Texts => match t {
                DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)
                    if text(f.data_type()) =>
                {
                    Some(Self::Texts)
                }
                _ => None,
            },
            _ => None,
        }
    }
}

fn expected(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text (or whole numbers, taken as text)",
        Kind::Count => "a whole number, zero or more",
        Kind::Number => "a number",
        Kind::Flag => "a boolean",
        Kind::Time => "a timestamp, a date, epoch seconds or RFC 3339 text",
        Kind::Texts => "a list of texts",
    }
}

/// A column of the current batch, cast to the type its conversion reads.
struct Col {
    conv: Conv,
    array: ArrayRef,
}

/// Streams the records of one Parquet or Arrow IPC table.
pub(crate) struct Reader {
    display: String,
    table: Table,
    platform: String,
    /// For each of the table's columns, where it is in the file and how it is read.
    plan: Vec<Option<(usize, Conv)>>,
    batches: Batches,
    current: Vec<Option<Col>>,
    current_rows: usize,
    cursor: usize,
    /// Rows in the batches before the current one.
    before: u64,
    total_rows: u64,
    total_bytes: u64,
    read_bytes: Arc<AtomicU64>,
}

/// Which of the two layouts a file is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    Parquet,
    ArrowIpc,
}

impl Reader {
    /// Opens the file at `path` (shown as `display`).
    pub(crate) fn open(
        path: &Path,
        display: &str,
        layout: Layout,
        platform: &str,
        max_bytes: u64,
        read_bytes: Arc<AtomicU64>,
    ) -> Result<Self, RecordError> {
        let fatal = |problem: String| RecordError::fatal(display, 0, problem);
        let file = File::open(path).map_err(|e| fatal(format!("cannot read the file: {e}")))?;
        let total_bytes = file
            .metadata()
            .map_err(|e| fatal(format!("cannot read the file: {e}")))?
            .len();
        let (schema, rows, batches): (Arc<Schema>, u64, Batches) = match layout {
            Layout::Parquet => parquet_batches(file, display, max_bytes)?,
            Layout::ArrowIpc => {
                ipc_batches(std::io::BufReader::with_capacity(1 << 16, file), display)?
            }
        };
        Self::new(
            display,
            &schema,
            rows,
            batches,
            platform,
            total_bytes,
            read_bytes,
        )
    }

    /// Reads a file already in memory.
    pub(crate) fn from_bytes(
        bytes: Vec<u8>,
        display: &str,
        layout: Layout,
        platform: &str,
        max_bytes: u64,
    ) -> Result<Self, RecordError> {
        let total_bytes = bytes.len() as u64;
        let (schema, rows, batches): (Arc<Schema>, u64, Batches) = match layout {
            Layout::Parquet => parquet_batches(bytes::Bytes::from(bytes), display, max_bytes)?,
            Layout::ArrowIpc => ipc_batches(std::io::Cursor::new(bytes), display)?,
        };
        Self::new(
            display,
            &schema,
            rows,
            batches,
            platform,
            total_bytes,
            Arc::new(AtomicU64::new(0)),
        )
    }

    fn new(
        display: &str,
        schema: &Schema,
        total_rows: u64,
        batches: Batches,
        platform: &str,
        total_bytes: u64,
        read_bytes: Arc<AtomicU64>,
    ) -> Result<Self, RecordError> {
        let fatal = |problem: String| RecordError::fatal(display, 0, problem);
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let table = Table::of_schema(schema).ok_or_else(|| {
            fatal(format!(
                "holds none of socialset's tables: its columns ({}) are not those of accounts (id, …), follows (src, dst, at), posts (id, author, …), interactions (src, dst, kind, …), ratings (src, dst, value, at), claims (id, link|hashtag|text|post, title) or verdicts (claim, verdict, …); see docs/FORMAT.md",
                names.join(", ")
            ))
        })?;
        let columns = table.columns();
        if let Some(unknown) = names.iter().find(|n| !columns.iter().any(|c| c.0 == **n)) {
            return Err(fatal(format!(
                "has a column the {} table does not have: {unknown:?} (its columns are {})",
                table.as_str(),
                table.column_names().join(", ")
            )));
        }
        let mut plan = Vec::with_capacity(columns.len());
        for &(name, kind, need) in columns {
            match schema.index_of(name) {
                Ok(at) => {
                    let t = schema.field(at).data_type();
                    let conv = Conv::choose(kind, t).ok_or_else(|| {
                        fatal(format!(
                            "column {name:?} is of type {t}: expected {}",
                            expected(kind)
                        ))
                    })?;
                    plan.push(Some((at, conv)));
                }
                Err(_) if need == Need::Required => {
                    return Err(fatal(format!(
                        "has no column {name:?}, which the {} table requires",
                        table.as_str()
                    )))
                }
                Err(_) => plan.push(None),
            }
        }
        Ok(Self {
            display: display.to_owned(),
            table,
            platform: platform.to_owned(),
            plan,
            batches,
            current: Vec::new(),
            current_rows: 0,
            cursor: 0,
            before: 0,
            total_rows,
            total_bytes,
            read_bytes,
        })
    }

    /// The file, and the row read last (from 1).
    pub(crate) fn position(&self) -> (&str, u64) {
        (&self.display, self.before + self.cursor as u64)
    }

    /// Reads records into `out` up to the end of a batch or the next bad row.
    pub(crate) fn next_into(
        &mut self,
        out: &mut std::collections::VecDeque<Record>,
    ) -> Result<bool, RecordError> {
        loop {
            if self.cursor < self.current_rows {
                let start = out.len();
                while self.cursor < self.current_rows {
                    let line = self.before + self.cursor as u64 + 1;
                    match self.row(self.cursor, line) {
                        Ok(record) => {
                            out.push_back(record);
                            self.cursor += 1;
                        }
                        // Hand out the good rows first; the bad one is reported next call.
                        Err(_) if out.len() > start => return Ok(true),
                        Err(e) => {
                            self.cursor += 1;
                            return Err(e);
                        }
                    }
                }
                return Ok(true);
            }
            self.before += self.current_rows as u64;
            self.cursor = 0;
            self.current_rows = 0;
            let fatal = |e: String| {
                RecordError::fatal(
                    &self.display,
                    self.before + 1,
                    format!("cannot read the rows from here on: {e}"),
                )
            };
            let batches = &mut self.batches;
            let Some(batch) = contained(|| batches.next()).map_err(fatal)? else {
                self.read_bytes.store(self.total_bytes, Ordering::Relaxed);
                return Ok(false);
            };
            let batch = batch.map_err(|e| fatal(e.to_string()))?;
            self.prepare(&batch)?;
            if self.total_rows > 0 {
                let done = (self.before + self.current_rows as u64).min(self.total_rows);
                self.read_bytes.store(
                    (self.total_bytes as f64 * done as f64 / self.total_rows as f64) as u64,
                    Ordering::Relaxed,
                );
            }
        }
    }

    fn prepare(&mut self, batch: &RecordBatch) -> Result<(), RecordError> {
        let options = CastOptions {
            safe: false,
            ..CastOptions::default()
        };
        self.current.clear();
        for (&(name, _, _), plan) in self.table.columns().iter().zip(&self.plan) {
            let Some((at, conv)) = *plan else {
                self.current.push(None);
                continue;
            };
            let fatal = |e: String| {
                RecordError::fatal(
                    &self.display,
                    self.before + 1,
                    format!("cannot read a value of this batch of rows: {e}"),
                )
                .field(name)
            };
            let array = contained(|| cast_with_options(batch.column(at), &conv.target(), &options))
                .map_err(&fatal)?
                .map_err(|e| fatal(e.to_string()))?;
            self.current.push(Some(Col { conv, array }));
        }
        self.current_rows = batch.num_rows();
        Ok(())
    }

    fn row(&self, row: usize, line: u64) -> Result<Record, RecordError> {
        let r = Row {
            cols: &self.current,
            names: self.table.columns(),
            row,
            file: &self.display,
            line,
            platform: &self.platform,
        };
        Ok(match self.table {
            Table::Accounts => {
                let platform = r.text(1).unwrap_or(r.platform);
                let id = AccountId::new(full_id(platform, r.required(0)?));
                Record::Account(Account {
                    platform: id.platform().map(str::to_owned),
                    id,
                    handle: r.owned(2),
                    name: r.owned(3),
                    followers: r.count(4)?,
                    following: r.count(5)?,
                    posts_count: r.count(6)?,
                    created_at: r.time(7)?,
                    bio: r.owned(8),
                    verified: r.flag(9),
                    lang: r.owned(10),
                    is_brand: r.flag(11),
                    listed: r.count(12)?,
                    likes_given: r.count(13)?,
                })
            }
            Table::Follows => Record::Follow(Follow {
                src: r.account(0)?,
                dst: r.account(1)?,
                at: r.time(2)?,
            }),
            Table::Posts => {
                let post_id = |i: usize| -> Result<Option<PostId>, RecordError> {
                    r.non_empty(i)
                        .map(|o| o.map(|p| PostId::new(full_id(r.platform, p))))
                };
                Record::Post(Post {
                    id: PostId::new(full_id(r.platform, r.required(0)?)),
                    author: r.account(1)?,
                    at: r.time(2)?,
                    text: r.owned(3),
                    lang: r.owned(4),
                    reply_to: post_id(5)?,
                    share_of: post_id(6)?,
                    quote_of: post_id(7)?,
                    mentions: r
                        .texts(8)?
                        .into_iter()
                        .map(|m| AccountId::new(full_id(r.platform, &m)))
                        .collect(),
                    hashtags: r
                        .texts(9)?
                        .into_iter()
                        .map(|h| h.trim_start_matches('#').to_lowercase())
                        .collect(),
                    urls: r.texts(10)?,
                    likes: r.count(11)?,
                    shares: r.count(12)?,
                    replies: r.count(13)?,
                    views: r.count(14)?,
                    source: r.owned(15).filter(|s| !s.trim().is_empty()),
                    group: r
                        .non_empty(16)?
                        .map(|g| GroupId::new(full_id(r.platform, g))),
                })
            }
            Table::Interactions => {
                let kind: InteractionKind = r
                    .required(2)?
                    .parse()
                    .map_err(|problem: String| r.error(2, problem))?;
                let weight = match r.number(5)? {
                    None => 1.0,
                    Some(w) if w >= 0.0 => w,
                    Some(w) => {
                        return Err(
                            r.error(5, format!("is negative: a weight is zero or more ({w})"))
                        )
                    }
                };
                Record::Interaction(Interaction {
                    src: r.account(0)?,
                    dst: r.account(1)?,
                    kind,
                    at: r.time(3)?,
                    post: r.non_empty(4)?.map(|p| PostId::new(full_id(r.platform, p))),
                    weight,
                })
            }
            Table::Ratings => {
                let value = r
                    .number(2)?
                    .ok_or_else(|| r.error(2, "is missing: it is required"))?;
                if value.abs() > Rating::MAX_ABS {
                    return Err(r.error(
                        2,
                        format!(
                            "is out of range: ratings go from -{0} to {0} ({value})",
                            Rating::MAX_ABS
                        ),
                    ));
                }
                Record::Rating(Rating {
                    src: r.account(0)?,
                    dst: r.account(1)?,
                    value,
                    at: r.time(3)?,
                })
            }
            Table::Claims => {
                let given = [
                    r.non_empty(1)?.map(|v| ClaimWhat::Link(v.to_owned())),
                    r.non_empty(2)?
                        .map(|v| ClaimWhat::Hashtag(v.trim_start_matches('#').to_owned())),
                    r.non_empty(3)?.map(|v| ClaimWhat::Text(v.to_owned())),
                    r.non_empty(4)?
                        .map(|v| ClaimWhat::Post(full_id(r.platform, v))),
                ];
                let mut given = given.into_iter().flatten();
                let what = match (given.next(), given.next()) {
                    (Some(what), None) => what,
                    (None, _) => return Err(r.error(
                        1,
                        "is missing: a claim is a link, a hashtag, a text or a post, and names one",
                    )),
                    (Some(_), Some(_)) => return Err(r.error(
                        1,
                        "is not the only one given: a claim is one of link, hashtag, text and post",
                    )),
                };
                Record::Claim(ClaimRecord {
                    id: r.required(0)?.to_owned(),
                    what,
                    title: r.owned(5),
                })
            }
            Table::Verdicts => {
                let verdict: FactVerdict = r
                    .required(1)?
                    .to_lowercase()
                    .parse()
                    .map_err(|problem: String| r.error(1, problem))?;
                Record::Verdict(VerdictRecord {
                    claim: r.required(0)?.to_owned(),
                    verdict,
                    source: r.owned(2).filter(|s| !s.trim().is_empty()),
                    url: r.owned(3),
                    at: r.time(4)?,
                })
            }
        })
    }
}

/// The Parquet file's schema, rows and batches. A file whose data, uncompressed, would pass
/// `max_bytes` (the limit a gzip file is held to: a few bytes of Parquet can stand for
/// gigabytes of repeated values) is refused before anything is decoded.
fn parquet_batches<R: parquet::file::reader::ChunkReader + 'static>(
    input: R,
    display: &str,
    max_bytes: u64,
) -> Result<(Arc<Schema>, u64, Batches), RecordError> {
    let fatal = |problem: String| RecordError::fatal(display, 0, problem);
    let not_parquet = |e: String| fatal(format!("is not a Parquet file socialset can read: {e}"));
    // The Arrow schema a writer may embed is not read: the Parquet schema says what the
    // columns are, and the embedded one is where a damaged file made the decoder panic.
    let options =
        parquet::arrow::arrow_reader::ArrowReaderOptions::new().with_skip_arrow_metadata(true);
    let builder = contained(|| {
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new_with_options(
            input, options,
        )
    })
    .map_err(not_parquet)?
    .map_err(|e| not_parquet(e.to_string()))?;
    // What its row groups say they hold uncompressed, and at least 8 bytes a value (a
    // dictionary-encoded column of one repeated id says far less than it decodes to).
    let columns = builder.schema().fields().len().max(1) as u64;
    let declared: u64 = builder
        .metadata()
        .row_groups()
        .iter()
        .map(|g| {
            let stated = u64::try_from(g.total_byte_size()).unwrap_or(u64::MAX);
            let rows = u64::try_from(g.num_rows()).unwrap_or(u64::MAX);
            stated.max(rows.saturating_mul(columns).saturating_mul(8))
        })
        .fold(0u64, u64::saturating_add);
    if declared > max_bytes {
        return Err(fatal(format!(
            "holds {declared} bytes of data uncompressed, more than the {max_bytes} bytes one file may hold"
        )));
    }
    // The table's name, kept in the file's key-value metadata by `socialset export`.
    let mut schema = Schema::clone(builder.schema());
    if let Some(named) = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .find(|kv| kv.key == super::TABLE_KEY)
        .and_then(|kv| kv.value.clone())
    {
        schema.metadata.insert(super::TABLE_KEY.to_owned(), named);
    }
    let schema = Arc::new(schema);
    let rows = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let reader = contained(|| builder.with_batch_size(BATCH_ROWS).build())
        .map_err(|e| fatal(format!("cannot read its rows: {e}")))?
        .map_err(|e| fatal(format!("cannot read its rows: {e}")))?;
    Ok((schema, rows, Box::new(reader)))
}

/// The Arrow IPC file's schema and batches, once its footer's blocks are known to lie within
/// it (`check_ipc_blocks`). Its row count is not known before reading.
fn ipc_batches<R: std::io::Read + std::io::Seek + Send + 'static>(
    mut input: R,
    display: &str,
) -> Result<(Arc<Schema>, u64, Batches), RecordError> {
    let fatal = |e: String| {
        RecordError::fatal(
            display,
            0,
            format!("is not an Arrow IPC file socialset can read: {e}"),
        )
    };
    contained(|| check_ipc_blocks(&mut input))
        .and_then(|checked| checked)
        .map_err(|e| fatal(format!("it {e}")))?;
    let reader = contained(|| arrow_ipc::reader::FileReader::try_new(input, None))
        .map_err(&fatal)?
        .map_err(|e| fatal(e.to_string()))?;
    Ok((reader.schema(), 0, Box::new(reader)))
}

/// Ids are `platform:local`; one without a `:` gets the file's platform.
fn full_id(platform: &str, raw: &str) -> String {
    if raw.contains(':') {
        raw.to_owned()
    } else {
        format!("{platform}:{raw}")
    }
}

/// One row of the current batch, read column by column.
struct Row<'a> {
    cols: &'a [Option<Col>],
    names: &'static [super::Column],
    row: usize,
    file: &'a str,
    line: u64,
    platform: &'a str,
}

impl<'a> Row<'a> {
    fn error(&self, i: usize, problem: impl Into<String>) -> RecordError {
        RecordError::new(self.file, self.line, problem).field(self.names[i].0)
    }

    /// The column's array, when the file has the column and this row a value in it.
    fn valid(&self, i: usize) -> Option<&'a Col> {
        self.cols[i].as_ref().filter(|c| c.array.is_valid(self.row))
    }

    fn text(&self, i: usize) -> Option<&'a str> {
        self.valid(i)
            .map(|c| c.array.as_string::<i32>().value(self.row))
    }

    fn owned(&self, i: usize) -> Option<String> {
        self.text(i).map(str::to_owned)
    }

    /// A text that, when given, is not empty.
    fn non_empty(&self, i: usize) -> Result<Option<&'a str>, RecordError> {
        match self.text(i) {
            Some(s) if s.trim().is_empty() => {
                Err(self.error(i, "is empty: a non-empty string is required"))
            }
            other => Ok(other),
        }
    }

    fn required(&self, i: usize) -> Result<&'a str, RecordError> {
        self.non_empty(i)?
            .ok_or_else(|| self.error(i, "is missing: it is required"))
    }

    fn account(&self, i: usize) -> Result<AccountId, RecordError> {
        Ok(AccountId::new(full_id(self.platform, self.required(i)?)))
    }

    fn flag(&self, i: usize) -> Option<bool> {
        self.valid(i).map(|c| c.array.as_boolean().value(self.row))
    }

    fn number(&self, i: usize) -> Result<Option<f64>, RecordError> {
        let Some(c) = self.valid(i) else {
            return Ok(None);
        };
        let v = c.array.as_primitive::<Float64Type>().value(self.row);
        if v.is_finite() {
            Ok(Some(v))
        } else {
            Err(self.error(i, format!("is not a finite number ({v})")))
        }
    }

    fn count(&self, i: usize) -> Result<Option<u64>, RecordError> {
        let Some(c) = self.valid(i) else {
            return Ok(None);
        };
        let too_large = |v: String| self.error(i, format!("{COUNT_TOO_LARGE} ({v})"));
        let negative =
            |v: String| self.error(i, format!("is negative: a count is zero or more ({v})"));
        match c.conv {
            Conv::CountUnsigned => {
                let v = c.array.as_primitive::<UInt64Type>().value(self.row);
                if v > MAX_COUNT {
                    return Err(too_large(v.to_string()));
                }
                Ok(Some(v))
            }
            Conv::CountSigned => {
                let v = c.array.as_primitive::<Int64Type>().value(self.row);
                u64::try_from(v)
                    .map(Some)
                    .map_err(|_| negative(v.to_string()))
            }
            _ => {
                let v = c.array.as_primitive::<Float64Type>().value(self.row);
                if v < 0.0 {
                    Err(negative(v.to_string()))
                } else if v.fract() != 0.0 || !v.is_finite() {
                    Err(self.error(i, format!("is not a whole number within range ({v})")))
                } else if v > MAX_COUNT as f64 {
                    Err(too_large(format!("{v:e}")))
                } else {
                    Ok(Some(v as u64))
                }
            }
        }
    }

    fn time(&self, i: usize) -> Result<Option<Timestamp>, RecordError> {
        let Some(c) = self.valid(i) else {
            return Ok(None);
        };
        let out_of_range =
            |v: String| self.error(i, format!("is a time outside the years 1900–2200 ({v})"));
        match c.conv {
            Conv::TimeMs => {
                let ms = c
                    .array
                    .as_primitive::<TimestampMillisecondType>()
                    .value(self.row);
                Timestamp::from_epoch_ms(ms)
                    .map(Some)
                    .ok_or_else(|| out_of_range(format!("{ms} ms since 1970")))
            }
            Conv::TimeSeconds => {
                let s = c.array.as_primitive::<Float64Type>().value(self.row);
                Timestamp::from_epoch_seconds(s)
                    .map(Some)
                    .ok_or_else(|| out_of_range(format!("{s} s since 1970")))
            }
            _ => {
                let text = c.array.as_string::<i32>().value(self.row);
                parse_time_text(text)
                    .map(Some)
                    .map_err(|p| self.error(i, format!("{p} ({:?})", trim_value(text))))
            }
        }
    }

    /// A list of texts; a missing list is an empty one. Empty texts are refused.
    fn texts(&self, i: usize) -> Result<Vec<String>, RecordError> {
        let Some(c) = self.valid(i) else {
            return Ok(Vec::new());
        };
        let list = c.array.as_list::<i32>().value(self.row);
        let strings = list.as_string::<i32>();
        let mut out = Vec::with_capacity(strings.len());
        for k in 0..strings.len() {
            if strings.is_null(k) || strings.value(k).trim().is_empty() {
                return Err(self.error(
                    i,
                    format!("item {} is empty: a list holds non-empty strings", k + 1),
                ));
            }
            out.push(strings.value(k).to_owned());
        }
        Ok(out)
    }
}
