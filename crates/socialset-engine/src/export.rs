//! `socialset export`: the store's tables (accounts, follows, posts, interactions, ratings)
//! and the analyses' results as Parquet, Arrow IPC, CSV or JSON Lines files. Tables stream
//! from the store in batches of `BATCH_ROWS` and Parquet row groups are cut at
//! `ROW_GROUP_ROWS`, so memory stays flat whatever the store holds (the accounts' ids, which
//! every edge names, are the one thing held whole). The file is written beside its final
//! name and renamed into place at the end: a failed or cancelled export leaves no half file.
//!
//! A table exported as Parquet, Arrow or JSON Lines imports back unchanged (`import` reads all
//! three); the columns are in docs/FORMAT.md, "Parquet and Arrow tables".

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMillisecondType, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};
use socialset_ingest::{Batcher, Table};
use socialset_model::{AccountId, GroupId, Post, Timestamp};
use socialset_store::StoredAccount;

use crate::{Error, Result, Workspace};

/// Rows gathered before a batch is written.
const BATCH_ROWS: usize = 65_536;
/// Rows per Parquet row group: what a reader can skip or read in parallel, and what the
/// writer holds before it flushes.
const ROW_GROUP_ROWS: usize = 131_072;
/// ... or this many bytes, whichever comes first (posts with long texts).
const ROW_GROUP_BYTES: usize = 64 << 20;

/// The file formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Apache Parquet, snappy-compressed: for DuckDB, pandas, polars, Spark, data lakes.
    Parquet,
    /// Arrow IPC file (Feather v2), uncompressed: memory-mapped by pyarrow and polars.
    Arrow,
    /// CSV with a header; lists as JSON arrays, times as RFC 3339.
    Csv,
    /// JSON Lines; the store's tables as socialset's canonical records (docs/FORMAT.md).
    Jsonl,
}

impl ExportFormat {
    pub const ALL: [Self; 4] = [Self::Parquet, Self::Arrow, Self::Csv, Self::Jsonl];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parquet => "parquet",
            Self::Arrow => "arrow",
            Self::Csv => "csv",
            Self::Jsonl => "jsonl",
        }
    }

    /// The format a file name's extension says, if it says one.
    pub fn of_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_string_lossy().to_lowercase();
        match ext.as_str() {
            "parquet" | "pq" => Some(Self::Parquet),
            "arrow" | "feather" | "ipc" => Some(Self::Arrow),
            "csv" => Some(Self::Csv),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            _ => None,
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!("{s:?} is not an export format: expected parquet, arrow, csv or jsonl")
            })
    }
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportReport {
    pub what: String,
    pub format: ExportFormat,
    pub path: PathBuf,
    pub rows: u64,
    pub bytes: u64,
    pub columns: Vec<String>,
}

impl Workspace {
    /// Writes one of the store's tables to `out`, streaming.
    pub fn export_table(
        &self,
        table: Table,
        format: ExportFormat,
        out: &Path,
    ) -> Result<ExportReport> {
        let counts = self.store.counts()?;
        let total = match table {
            Table::Accounts => counts.accounts,
            Table::Follows => counts.follows,
            Table::Posts => counts.posts,
            Table::Interactions => counts.interactions,
            Table::Ratings => counts.ratings,
            Table::Claims => counts.claims,
            Table::Verdicts => counts.verdicts,
        };
        self.step("reading the accounts' ids", 0)?;
        let ids = if matches!(
            table,
            Table::Follows | Table::Posts | Table::Interactions | Table::Ratings
        ) {
            let mut ids = self.store.account_ids()?;
            ids.sort_unstable_by_key(|(k, _)| *k);
            ids
        } else {
            Vec::new()
        };
        let sink = Sink::create(out, format, Some(table), table.schema())?;
        self.step(&format!("writing {}", table.as_str()), total)?;
        // In key order: found by binary search, no map to build.
        let id = |s: StoredAccount| -> Result<&str> {
            ids.binary_search_by_key(&s, |(k, _)| *k)
                .map(|at| ids[at].1.as_str())
                .map_err(|_| {
                    Error::Internal(format!(
                        "the store names account {} but has no such account",
                        s.0
                    ))
                })
        };
        let mut w = TableWriter {
            ws: self,
            batcher: Batcher::new(table),
            sink,
            rows: 0,
            failed: None,
        };
        let store = &self.store;
        let walked = match table {
            Table::Accounts => store.each_account(&mut |_, a| {
                w.row(|b| {
                    b.account(&a);
                    Ok(())
                })
            }),
            Table::Follows => store.each_follow(&mut |f| {
                w.row(|b| {
                    b.follow(id(f.src)?, id(f.dst)?, f.at);
                    Ok(())
                })
            }),
            Table::Interactions => store.each_interaction(&mut |i| {
                w.row(|b| {
                    let post = i.post.as_ref().map(|p| p.as_str());
                    b.interaction(id(i.src)?, id(i.dst)?, i.kind, i.at, post, i.weight);
                    Ok(())
                })
            }),
            Table::Ratings => store.ratings()?.into_iter().try_for_each(|r| {
                w.row(|b| {
                    b.rating(id(r.src)?, id(r.dst)?, r.value, r.at);
                    Ok(())
                })
            }),
            Table::Posts => store.each_post(&mut |p| {
                w.row(|b| {
                    b.post(&Post {
                        id: p.id,
                        author: AccountId::new(id(p.author)?),
                        at: p.at,
                        text: p.text,
                        lang: p.lang,
                        reply_to: p.reply_to,
                        share_of: p.share_of,
                        quote_of: p.quote_of,
                        mentions: p.mentions.into_iter().map(AccountId::new).collect(),
                        hashtags: p.hashtags,
                        urls: p.urls,
                        likes: p.likes,
                        shares: p.shares,
                        replies: p.replies,
                        views: p.views,
                        source: p.source,
                        group: p.group.map(GroupId::new),
                    });
                    Ok(())
                })
            }),
            Table::Claims => store.claim_records()?.0.iter().try_for_each(|c| {
                w.row(|b| {
                    b.claim(c);
                    Ok(())
                })
            }),
            Table::Verdicts => store.claim_records()?.1.iter().try_for_each(|v| {
                w.row(|b| {
                    b.verdict(v);
                    Ok(())
                })
            }),
        };
        if let Err(e) = walked {
            // The export's own error (a write, a cancel) as it was, not as the store's.
            return Err(w.failed.take().unwrap_or_else(|| e.into()));
        }
        w.flush()?;
        let bytes = w.sink.finish()?;
        Ok(ExportReport {
            what: table.as_str().to_owned(),
            format,
            path: out.to_owned(),
            rows: w.rows,
            bytes,
            columns: table
                .column_names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
        })
    }
}

/// A store table being written: rows gathered by the batcher and written a batch at a time.
struct TableWriter<'w> {
    ws: &'w Workspace,
    batcher: Batcher,
    sink: Sink,
    rows: u64,
    /// The error that stopped the store's walk, returned as it is.
    failed: Option<Error>,
}

impl TableWriter<'_> {
    /// Adds a row with `fill` inside a walk over the store, writing the batch once it is
    /// full; an error stops the walk and is kept in `failed`.
    fn row(
        &mut self,
        fill: impl FnOnce(&mut Batcher) -> Result<()>,
    ) -> socialset_store::Result<()> {
        let added = fill(&mut self.batcher).and_then(|()| {
            if self.batcher.rows() >= BATCH_ROWS {
                self.flush()
            } else {
                Ok(())
            }
        });
        added.map_err(|e| {
            self.failed = Some(e);
            socialset_store::Error::Conflict("the export stopped".into())
        })
    }

    /// Writes the rows gathered so far, and checks the export was not cancelled.
    fn flush(&mut self) -> Result<()> {
        let n = self.batcher.rows() as u64;
        if n == 0 {
            return Ok(());
        }
        let table = self.batcher.table();
        let batch = self
            .batcher
            .finish()
            .map_err(|e| Error::Internal(format!("building a batch of {}: {e}", table.as_str())))?;
        self.sink.write(&batch)?;
        self.rows += n;
        self.ws.progress.add(n);
        self.ws.check_cancel()
    }
}

/// Writes rows an analysis produced (objects, as its JSON output gives them) to `out` as a
/// table called `what`: nested objects become columns named `outer.inner`; a column of
/// whole numbers is a 64-bit integer, of numbers a float, of booleans a boolean, of lists of
/// texts a list, anything else text (lists of objects as JSON).
pub fn export_rows(
    rows: &[Value],
    what: &str,
    format: ExportFormat,
    out: &Path,
) -> Result<ExportReport> {
    write_rows(
        rows.len(),
        &mut |i| Ok(Cow::Borrowed(&rows[i])),
        what,
        format,
        out,
    )
}

/// `export_rows` for `n` rows made one at a time by `row` (called twice per row: once to find
/// the columns and their types, once to fill them a batch at a time), so a table of any
/// length never stands in memory as JSON values.
pub fn export_rows_by(
    n: usize,
    row: &mut dyn FnMut(usize) -> Result<Value>,
    what: &str,
    format: ExportFormat,
    out: &Path,
) -> Result<ExportReport> {
    write_rows(n, &mut |i| row(i).map(Cow::Owned), what, format, out)
}

/// A row by its place: borrowed from a list, or made when asked for.
type RowSource<'r, 'a> = dyn FnMut(usize) -> Result<Cow<'a, Value>> + 'r;

fn write_rows(
    n: usize,
    row: &mut RowSource<'_, '_>,
    what: &str,
    format: ExportFormat,
    out: &Path,
) -> Result<ExportReport> {
    let columns = Columns::of(n, row)?;
    let mut sink = Sink::create(out, format, None, Arc::clone(&columns.schema))?;
    columns.batches(n, row, what, &mut |batch| sink.write(&batch))?;
    let bytes = sink.finish()?;
    Ok(ExportReport {
        what: what.to_owned(),
        format,
        path: out.to_owned(),
        rows: n as u64,
        bytes,
        columns: columns.names,
    })
}

/// The same table as `export_rows` writes, as Arrow record batches in memory (for the
/// Python package, which hands them to pyarrow through Arrow's C data interface).
pub fn rows_batches(rows: &[Value], what: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let row = &mut |i: usize| Ok(Cow::Borrowed(&rows[i]));
    let columns = Columns::of(rows.len(), row)?;
    let mut batches = Vec::new();
    columns.batches(rows.len(), row, what, &mut |batch| {
        batches.push(batch);
        Ok(())
    })?;
    Ok((columns.schema, batches))
}

/// The fields of the rows, nested as they nest: a field that holds a value is a column; one
/// that holds objects has the fields inside them. Looked up by key without building the
/// column's `outer.inner` name, which is made once, when the field is first seen.
#[derive(Default)]
struct Fields {
    /// The column's name, `outer.inner` ("" for the row itself).
    name: String,
    column: Option<usize>,
    inside: FxHashMap<String, Fields>,
}

/// The columns of an analysis's rows, in the order they first appear, with their types.
struct Columns {
    names: Vec<String>,
    fields: Fields,
    types: Vec<DataType>,
    schema: SchemaRef,
}

impl Columns {
    /// Pass 1: every row's fields, to find the columns and what each holds.
    fn of(n: usize, row: &mut RowSource<'_, '_>) -> Result<Self> {
        fn see(value: &Value, at: &mut Fields, names: &mut Vec<String>, kinds: &mut Vec<Seen>) {
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        if !at.inside.contains_key(k.as_str()) {
                            let name = if at.name.is_empty() {
                                k.clone()
                            } else {
                                format!("{}.{k}", at.name)
                            };
                            at.inside.insert(
                                k.clone(),
                                Fields {
                                    name,
                                    ..Fields::default()
                                },
                            );
                        }
                        let inner = at.inside.get_mut(k.as_str()).expect("inserted above");
                        see(v, inner, names, kinds);
                    }
                }
                other => {
                    let column = *at.column.get_or_insert_with(|| {
                        names.push(at.name.clone());
                        kinds.push(Seen::default());
                        names.len() - 1
                    });
                    kinds[column].see(other);
                }
            }
        }
        let mut names = Vec::new();
        let mut kinds = Vec::new();
        let mut fields = Fields::default();
        for i in 0..n {
            see(row(i)?.as_ref(), &mut fields, &mut names, &mut kinds);
        }
        // A field that is sometimes an object and otherwise always null (`audience.real`)
        // is its nested columns (`audience.real.share`), not a column of nulls beside them.
        fn drop_nested_only(at: &mut Fields, kinds: &[Seen], dropped: &mut Vec<usize>) {
            if let Some(c) = at.column {
                if !kinds[c].any && !at.inside.is_empty() {
                    dropped.push(c);
                    at.column = None;
                }
            }
            at.inside
                .values_mut()
                .for_each(|f| drop_nested_only(f, kinds, dropped));
        }
        let mut dropped = Vec::new();
        drop_nested_only(&mut fields, &kinds, &mut dropped);
        if !dropped.is_empty() {
            // Renumber the columns that stay, in their order.
            let mut new_at = vec![None; names.len()];
            let mut next = 0;
            for (c, slot) in new_at.iter_mut().enumerate() {
                if !dropped.contains(&c) {
                    *slot = Some(next);
                    next += 1;
                }
            }
            fn renumber(at: &mut Fields, new_at: &[Option<usize>]) {
                at.column = at.column.and_then(|c| new_at[c]);
                at.inside.values_mut().for_each(|f| renumber(f, new_at));
            }
            renumber(&mut fields, &new_at);
            let mut keep = new_at.iter().map(Option::is_some);
            let mut keep2 = keep.clone();
            names.retain(|_| keep.next().unwrap_or(true));
            kinds.retain(|_| keep2.next().unwrap_or(true));
        }
        let types: Vec<DataType> = kinds.iter().map(Seen::data_type).collect();
        let schema = Arc::new(Schema::new(
            names
                .iter()
                .zip(&types)
                .map(|(name, t)| Field::new(name, t.clone(), true))
                .collect::<Vec<_>>(),
        ));
        Ok(Self {
            names,
            fields,
            types,
            schema,
        })
    }

    /// Pass 2: the rows a batch at a time, each handed to `emit` (one empty batch for no
    /// rows, so the table has its columns).
    fn batches(
        &self,
        n: usize,
        row: &mut RowSource<'_, '_>,
        what: &str,
        emit: &mut dyn FnMut(RecordBatch) -> Result<()>,
    ) -> Result<()> {
        fn fill(value: &Value, at: &Fields, builders: &mut [ColumnBuilder]) {
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        if let Some(inner) = at.inside.get(k.as_str()) {
                            fill(v, inner, builders);
                        }
                    }
                }
                other => {
                    if let Some(c) = at.column {
                        builders[c].push(other);
                    }
                }
            }
        }
        let mut start = 0;
        loop {
            let end = n.min(start + BATCH_ROWS);
            let mut builders: Vec<ColumnBuilder> = self
                .types
                .iter()
                .map(|t| ColumnBuilder::new(t, end - start))
                .collect();
            for (filled, i) in (start..end).enumerate() {
                fill(row(i)?.as_ref(), &self.fields, &mut builders);
                // A field the row lacks (or repeats) leaves its column one short (or long):
                // null where it lacks it.
                for b in builders.iter_mut() {
                    b.pad_to(filled + 1);
                }
            }
            let arrays: Vec<ArrayRef> = builders.into_iter().map(ColumnBuilder::finish).collect();
            let batch = if arrays.is_empty() {
                RecordBatch::new_empty(Arc::clone(&self.schema))
            } else {
                RecordBatch::try_new(Arc::clone(&self.schema), arrays)
                    .map_err(|e| Error::Internal(format!("building the table of {what}: {e}")))?
            };
            emit(batch)?;
            start = end;
            if start >= n {
                return Ok(());
            }
        }
    }
}

/// What a column's values have been, to choose its Arrow type.
#[derive(Clone, Copy, Debug)]
struct Seen {
    ints: bool,
    floats: bool,
    bools: bool,
    texts: bool,
    lists: bool,
    objects: bool,
    any: bool,
}

impl Default for Seen {
    fn default() -> Self {
        Self {
            ints: true,
            floats: true,
            bools: true,
            texts: true,
            lists: true,
            objects: false,
            any: false,
        }
    }
}

impl Seen {
    fn see(&mut self, v: &Value) {
        if v.is_null() {
            return;
        }
        self.any = true;
        self.ints &= v.is_i64();
        self.floats &= v.is_number();
        self.bools &= v.is_boolean();
        self.texts &= v.is_string();
        self.lists &= v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        self.objects |= v.is_object();
    }

    fn data_type(&self) -> DataType {
        if !self.any || self.objects {
            DataType::Utf8
        } else if self.ints {
            DataType::Int64
        } else if self.floats {
            DataType::Float64
        } else if self.bools {
            DataType::Boolean
        } else if self.lists && !self.texts {
            DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
        } else {
            DataType::Utf8
        }
    }
}

/// One column being filled, a value at a time, in the type `Seen` chose for it.
enum ColumnBuilder {
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    List(ListBuilder<StringBuilder>),
    Text(StringBuilder),
}

impl ColumnBuilder {
    fn new(t: &DataType, rows: usize) -> Self {
        match t {
            DataType::Int64 => Self::Int(Int64Builder::with_capacity(rows)),
            DataType::Float64 => Self::Float(Float64Builder::with_capacity(rows)),
            DataType::Boolean => Self::Bool(BooleanBuilder::with_capacity(rows)),
            DataType::List(_) => Self::List(ListBuilder::new(StringBuilder::new())),
            _ => Self::Text(StringBuilder::with_capacity(rows, rows * 8)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Int(b) => b.len(),
            Self::Float(b) => b.len(),
            Self::Bool(b) => b.len(),
            Self::List(b) => b.len(),
            Self::Text(b) => b.len(),
        }
    }

    /// Appends a row's value (a value of another type than the column's is null).
    fn push(&mut self, v: &Value) {
        match self {
            Self::Int(b) => b.append_option(v.as_i64()),
            Self::Float(b) => b.append_option(v.as_f64()),
            Self::Bool(b) => b.append_option(v.as_bool()),
            Self::List(b) => match v.as_array() {
                Some(items) => {
                    for s in items.iter().filter_map(Value::as_str) {
                        b.values().append_value(s);
                    }
                    b.append(true);
                }
                None => b.append(false),
            },
            Self::Text(b) => match v {
                Value::Null => b.append_null(),
                Value::String(s) => b.append_value(s),
                other => b.append_value(other.to_string()),
            },
        }
    }

    /// Nulls up to `rows` values (a row that lacked the field).
    fn pad_to(&mut self, rows: usize) {
        while self.len() < rows {
            match self {
                Self::Int(b) => b.append_null(),
                Self::Float(b) => b.append_null(),
                Self::Bool(b) => b.append_null(),
                Self::List(b) => b.append(false),
                Self::Text(b) => b.append_null(),
            }
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Self::Int(mut b) => Arc::new(b.finish()),
            Self::Float(mut b) => Arc::new(b.finish()),
            Self::Bool(mut b) => Arc::new(b.finish()),
            Self::List(mut b) => Arc::new(b.finish()),
            Self::Text(mut b) => Arc::new(b.finish()),
        }
    }
}

/// Where batches go: the file being written, under a temporary name until it is complete.
struct Sink {
    writer: Writer,
    temp: tempfile::TempPath,
    out: PathBuf,
}

enum Writer {
    Parquet(ArrowWriter<BufWriter<File>>),
    Arrow(arrow_ipc::writer::FileWriter<BufWriter<File>>),
    Csv {
        out: csv::Writer<BufWriter<File>>,
        header: bool,
    },
    Jsonl {
        out: BufWriter<File>,
        /// The canonical record type each line carries, for the store's tables.
        record: Option<&'static str>,
    },
}

fn io_error(out: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |cause| Error::Io {
        context: format!("writing {}", out.display()),
        cause,
    }
}

impl Sink {
    fn create(
        out: &Path,
        format: ExportFormat,
        table: Option<Table>,
        schema: SchemaRef,
    ) -> Result<Self> {
        let dir = match out.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{}: the folder {} does not exist",
                out.display(),
                dir.display()
            )));
        }
        if out.is_dir() {
            return Err(Error::Usage(format!(
                "{}: is a folder; name a file",
                out.display()
            )));
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(".socialset-export-");
        // Readable as any new file is (the umask decides), not private as a temporary one.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let file = builder.tempfile_in(dir).map_err(io_error(out))?;
        let (file, temp) = file.into_parts();
        let buffered = BufWriter::with_capacity(1 << 20, file);
        let arrow = |e: arrow_schema::ArrowError| {
            Error::Internal(format!("writing {}: {e}", out.display()))
        };
        let writer = match format {
            ExportFormat::Parquet => {
                // The table's name in the file's own key-value metadata, which readers keep
                // (and `import` reads) without decoding the embedded Arrow schema.
                let named: Vec<KeyValue> = schema
                    .metadata()
                    .iter()
                    .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
                    .collect();
                let props = WriterProperties::builder()
                    .set_key_value_metadata((!named.is_empty()).then_some(named))
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                    .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
                    .set_created_by(format!("socialset {}", env!("CARGO_PKG_VERSION")))
                    .build();
                Writer::Parquet(
                    ArrowWriter::try_new(buffered, schema, Some(props))
                        .map_err(|e| Error::Internal(format!("writing {}: {e}", out.display())))?,
                )
            }
            ExportFormat::Arrow => Writer::Arrow(
                arrow_ipc::writer::FileWriter::try_new(buffered, &schema).map_err(arrow)?,
            ),
            ExportFormat::Csv => Writer::Csv {
                out: csv::Writer::from_writer(buffered),
                header: false,
            },
            ExportFormat::Jsonl => Writer::Jsonl {
                out: buffered,
                record: table.map(record_type),
            },
        };
        Ok(Self {
            writer,
            temp,
            out: out.to_owned(),
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let out = self.out.clone();
        let parquet = |e: parquet::errors::ParquetError| {
            Error::Internal(format!("writing {}: {e}", out.display()))
        };
        match &mut self.writer {
            Writer::Parquet(w) => w.write(batch).map_err(parquet),
            Writer::Arrow(w) => w
                .write(batch)
                .map_err(|e| Error::Internal(format!("writing {}: {e}", out.display()))),
            Writer::Csv { out: w, header } => {
                let csv =
                    |e: csv::Error| Error::Internal(format!("writing {}: {e}", out.display()));
                if !*header {
                    let schema = batch.schema();
                    w.write_record(schema.fields().iter().map(|f| f.name().as_str()))
                        .map_err(csv)?;
                    *header = true;
                }
                for row in 0..batch.num_rows() {
                    for col in batch.columns() {
                        let text = match cell(col.as_ref(), row) {
                            None => String::new(),
                            Some(Value::String(s)) => s,
                            Some(v) => v.to_string(),
                        };
                        w.write_field(text).map_err(csv)?;
                    }
                    w.write_record(None::<&[u8]>).map_err(csv)?;
                }
                Ok(())
            }
            Writer::Jsonl { out: file, record } => {
                let schema = batch.schema();
                for row in 0..batch.num_rows() {
                    let mut map = Map::new();
                    if let Some(t) = record {
                        map.insert("type".into(), Value::String((*t).to_owned()));
                    }
                    for (field, col) in schema.fields().iter().zip(batch.columns()) {
                        match cell(col.as_ref(), row) {
                            // A canonical record leaves out what is unknown, and empty lists.
                            None => {}
                            Some(Value::Array(a)) if a.is_empty() && record.is_some() => {}
                            Some(v) => {
                                map.insert(field.name().clone(), v);
                            }
                        }
                    }
                    serde_json::to_writer(&mut *file, &Value::Object(map))
                        .map_err(|e| Error::Internal(format!("writing {}: {e}", out.display())))?;
                    file.write_all(b"\n").map_err(io_error(&out))?;
                }
                Ok(())
            }
        }
    }

    /// Completes the file and puts it in place; its size in bytes.
    fn finish(self) -> Result<u64> {
        let out = self.out;
        let file = match self.writer {
            Writer::Parquet(w) => w
                .into_inner()
                .map_err(|e| Error::Internal(format!("writing {}: {e}", out.display())))?,
            Writer::Arrow(mut w) => {
                w.finish()
                    .map_err(|e| Error::Internal(format!("writing {}: {e}", out.display())))?;
                w.into_inner()
                    .map_err(|e| Error::Internal(format!("writing {}: {e}", out.display())))?
            }
            Writer::Csv { out: w, .. } => w
                .into_inner()
                .map_err(|e| io_error(&out)(std::io::Error::other(e.to_string())))?,
            Writer::Jsonl { out: file, .. } => file,
        };
        let file = file
            .into_inner()
            .map_err(|e| io_error(&out)(e.into_error()))?;
        file.sync_all().map_err(io_error(&out))?;
        let bytes = file.metadata().map_err(io_error(&out))?.len();
        self.temp
            .persist(&out)
            .map_err(|e| io_error(&out)(e.error))?;
        Ok(bytes)
    }
}

/// The record type a store table's rows are in JSON Lines.
fn record_type(table: Table) -> &'static str {
    match table {
        Table::Accounts => "account",
        Table::Follows => "follow",
        Table::Posts => "post",
        Table::Interactions => "interaction",
        Table::Ratings => "rating",
        Table::Claims => "claim",
        Table::Verdicts => "verdict",
    }
}

/// One cell as JSON: `None` when it holds no value. Times are RFC 3339 (with milliseconds
/// when they have them), lists arrays.
fn cell(col: &dyn Array, row: usize) -> Option<Value> {
    if col.is_null(row) {
        return None;
    }
    Some(match col.data_type() {
        DataType::Utf8 => Value::String(col.as_string::<i32>().value(row).to_owned()),
        DataType::UInt64 => Value::from(col.as_primitive::<UInt64Type>().value(row)),
        DataType::Int64 => Value::from(col.as_primitive::<Int64Type>().value(row)),
        DataType::Float64 => {
            let v = col.as_primitive::<Float64Type>().value(row);
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
        }
        DataType::Boolean => Value::Bool(col.as_boolean().value(row)),
        DataType::Timestamp(..) => {
            let ms = col.as_primitive::<TimestampMillisecondType>().value(row);
            Timestamp::from_epoch_ms(ms).map_or(Value::Null, |t| Value::String(t.rfc3339()))
        }
        DataType::List(_) => {
            let items = col.as_list::<i32>().value(row);
            let items = items.as_string::<i32>();
            Value::Array(
                (0..items.len())
                    .filter(|&k| items.is_valid(k))
                    .map(|k| Value::String(items.value(k).to_owned()))
                    .collect(),
            )
        }
        _ => Value::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    fn read_back(path: &Path) -> RecordBatch {
        let file = File::open(path).expect("open");
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("a Parquet file")
            .build()
            .expect("reader");
        let batches: Vec<RecordBatch> = reader.map(|b| b.expect("batch")).collect();
        only_batch(&batches)
    }

    fn only_batch(batches: &[RecordBatch]) -> RecordBatch {
        assert_eq!(batches.len(), 1, "one batch of a few rows");
        batches[0].clone()
    }

    #[test]
    fn rows_become_typed_columns_nested_ones_flattened() {
        let rows = vec![
            serde_json::json!({"id": "tw:a", "score": 0.5, "n": 3, "native": true,
                               "received": {"reply": 2}, "labels": ["x", "y"], "extra": null}),
            serde_json::json!({"id": "tw:b", "score": 1, "n": 4, "native": false,
                               "received": {"reply": 0, "like": 7}, "labels": [],
                               "extra": {"deep": [1, 2]}}),
        ];
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("t.parquet");
        let report = export_rows(&rows, "rows", ExportFormat::Parquet, &out).expect("export");
        assert_eq!(report.rows, 2);
        // In the order the fields first appear; `extra`, null where it is not an object, is
        // its nested column only.
        assert_eq!(
            report.columns,
            [
                "id",
                "score",
                "n",
                "native",
                "received.reply",
                "labels",
                "received.like",
                "extra.deep"
            ]
        );
        let batch = read_back(&out);
        let schema = batch.schema();
        let t = |name: &str| {
            schema
                .field_with_name(name)
                .expect(name)
                .data_type()
                .clone()
        };
        assert_eq!(t("id"), DataType::Utf8);
        assert_eq!(
            t("score"),
            DataType::Float64,
            "1 and 0.5 are numbers: floats"
        );
        assert_eq!(t("n"), DataType::Int64);
        assert_eq!(t("native"), DataType::Boolean);
        assert!(matches!(t("labels"), DataType::List(_)));
        assert_eq!(
            t("extra.deep"),
            DataType::Utf8,
            "a list of numbers is kept as JSON"
        );
        let like = batch
            .column_by_name("received.like")
            .expect("column")
            .as_primitive::<Int64Type>();
        assert!(
            like.is_null(0) && like.value(1) == 7,
            "a field a row lacks is null"
        );
        let score = batch
            .column_by_name("score")
            .expect("column")
            .as_primitive::<Float64Type>();
        assert_eq!((score.value(0), score.value(1)), (0.5, 1.0));

        // No rows: a file with no columns, still a file.
        let empty = dir.path().join("e.parquet");
        let report = export_rows(&[], "rows", ExportFormat::Parquet, &empty).expect("export");
        assert_eq!((report.rows, report.columns.len()), (0, 0));
        assert!(std::fs::read(&empty).expect("read").starts_with(b"PAR1"));
    }

    #[test]
    fn a_failed_export_leaves_no_file_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("t.parquet");
        let rows = [serde_json::json!({"a": 1}), serde_json::json!({"a": 2})];
        let err = export_rows_by(
            2,
            &mut |i| {
                if i == 1 {
                    Err(Error::Cancelled)
                } else {
                    Ok(rows[i].clone())
                }
            },
            "rows",
            ExportFormat::Parquet,
            &out,
        );
        assert!(matches!(err, Err(Error::Cancelled)));
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
