//! `socialset export`: the store's tables (accounts, follows, posts, interactions, ratings)
//! and the analyses' results as Parquet, Arrow IPC, CSV or JSON Lines files. Tables stream
//! from the store in batches of `BATCH_ROWS` and Parquet row groups are cut at
//! `ROW_GROUP_ROWS`, so memory stays flat whatever the store holds (the accounts' ids, which
//! every edge names, are the one thing held whole). The file is written beside its final
//! name and renamed into place at the end: a failed or cancelled export leaves no half file.
//!
//! A table exported as Parquet, Arrow or JSON Lines imports back unchanged (`import` reads all
//! three); the columns are in docs/FORMAT.md, "Parquet and Arrow tables".

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMillisecondType, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
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
        let mut sink = Sink::create(out, format, Some(table), table.schema())?;
        self.step(&format!("writing {}", table.as_str()), total)?;
        let mut batcher = Batcher::new(table);
        let mut rows = 0u64;
        let mut flush = |batcher: &mut Batcher, sink: &mut Sink, force: bool| -> Result<()> {
            if batcher.rows() >= BATCH_ROWS || (force && batcher.rows() > 0) {
                let n = batcher.rows() as u64;
                let batch = batcher.finish().map_err(|e| {
                    Error::Internal(format!("building a batch of {}: {e}", table.as_str()))
                })?;
                sink.write(&batch)?;
                rows += n;
                self.progress.add(n);
                self.check_cancel()?;
            }
            Ok(())
        };
        if table == Table::Accounts {
            let mut each = |batcher: &mut Batcher, sink: &mut Sink| {
                self.store.each_account(&mut |_, a| {
                    batcher.account(&a);
                    flush(batcher, sink, false).map_err(|e| socialset_store::Error::Corrupt {
                        what: "export",
                        detail: e.to_string(),
                    })
                })
            };
            if let Err(e) = each(&mut batcher, &mut sink) {
                self.check_cancel()?;
                return Err(e.into());
            }
        } else if matches!(table, Table::Claims | Table::Verdicts) {
            let (claims, verdicts) = self.store.claim_records()?;
            if table == Table::Claims {
                for c in &claims {
                    batcher.claim(c);
                    flush(&mut batcher, &mut sink, false)?;
                }
            } else {
                for v in &verdicts {
                    batcher.verdict(v);
                    flush(&mut batcher, &mut sink, false)?;
                }
            }
        } else {
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
            let mut each = |batcher: &mut Batcher,
                            sink: &mut Sink|
             -> socialset_store::Result<()> {
                let wrap = |e: Error| socialset_store::Error::Corrupt {
                    what: "export",
                    detail: e.to_string(),
                };
                match table {
                    Table::Follows => self.store.each_follow(&mut |f| {
                        batcher.follow(id(f.src).map_err(wrap)?, id(f.dst).map_err(wrap)?, f.at);
                        flush(batcher, sink, false).map_err(wrap)
                    }),
                    Table::Interactions => self.store.each_interaction(&mut |i| {
                        batcher.interaction(
                            id(i.src).map_err(wrap)?,
                            id(i.dst).map_err(wrap)?,
                            i.kind,
                            i.at,
                            i.post.as_ref().map(|p| p.as_str()),
                            i.weight,
                        );
                        flush(batcher, sink, false).map_err(wrap)
                    }),
                    Table::Ratings => {
                        for r in self.store.ratings()? {
                            batcher.rating(
                                id(r.src).map_err(wrap)?,
                                id(r.dst).map_err(wrap)?,
                                r.value,
                                r.at,
                            );
                            flush(batcher, sink, false).map_err(wrap)?;
                        }
                        Ok(())
                    }
                    Table::Posts => self.store.each_post(&mut |p| {
                        let post = Post {
                            id: p.id,
                            author: AccountId::new(id(p.author).map_err(wrap)?),
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
                        };
                        batcher.post(&post);
                        flush(batcher, sink, false).map_err(wrap)
                    }),
                    Table::Accounts | Table::Claims | Table::Verdicts => Ok(()),
                }
            };
            if let Err(e) = each(&mut batcher, &mut sink) {
                // A cancelled export reports as cancelled, not as a store failure.
                self.check_cancel()?;
                return Err(e.into());
            }
        }
        flush(&mut batcher, &mut sink, true)?;
        let columns = table
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let bytes = sink.finish()?;
        Ok(ExportReport {
            what: table.as_str().to_owned(),
            format,
            path: out.to_owned(),
            rows,
            bytes,
            columns,
        })
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
    let batch = rows_to_batch(rows)?;
    let mut sink = Sink::create(out, format, None, batch.schema())?;
    for start in (0..batch.num_rows()).step_by(BATCH_ROWS) {
        sink.write(&batch.slice(start, BATCH_ROWS.min(batch.num_rows() - start)))?;
    }
    let columns = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let bytes = sink.finish()?;
    Ok(ExportReport {
        what: what.to_owned(),
        format,
        path: out.to_owned(),
        rows: rows.len() as u64,
        bytes,
        columns,
    })
}

/// The cells of a row: nested objects flattened to `outer.inner`.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&name, v, out);
            }
        }
        other => out.push((prefix.to_owned(), other.clone())),
    }
}

/// The Arrow type a column of these values takes.
fn column_type<'a>(values: impl Iterator<Item = &'a Value>) -> DataType {
    let (mut ints, mut floats, mut bools, mut texts, mut lists, mut other, mut any) =
        (true, true, true, true, true, false, false);
    for v in values {
        if v.is_null() {
            continue;
        }
        any = true;
        ints &= v.is_i64();
        floats &= v.is_number();
        bools &= v.is_boolean();
        texts &= v.is_string();
        lists &= v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        other |= v.is_object();
    }
    if !any || other {
        DataType::Utf8
    } else if ints {
        DataType::Int64
    } else if floats {
        DataType::Float64
    } else if bools {
        DataType::Boolean
    } else if lists && !texts {
        DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
    } else {
        DataType::Utf8
    }
}

fn rows_to_batch(rows: &[Value]) -> Result<RecordBatch> {
    let flat: Vec<Vec<(String, Value)>> = rows
        .iter()
        .map(|r| {
            let mut cells = Vec::new();
            flatten("", r, &mut cells);
            cells
        })
        .collect();
    // Columns in the order they first appear.
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for cells in &flat {
        for (name, _) in cells {
            if !index.contains_key(name) {
                index.insert(name.clone(), names.len());
                names.push(name.clone());
            }
        }
    }
    let mut columns: Vec<Vec<&Value>> = vec![vec![&Value::Null; flat.len()]; names.len()];
    for (row, cells) in flat.iter().enumerate() {
        for (name, value) in cells {
            columns[index[name]][row] = value;
        }
    }
    let mut fields = Vec::with_capacity(names.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(names.len());
    for (name, values) in names.iter().zip(&columns) {
        let t = column_type(values.iter().copied());
        let array: ArrayRef = match &t {
            DataType::Int64 => {
                let mut b = Int64Builder::with_capacity(values.len());
                values.iter().for_each(|v| b.append_option(v.as_i64()));
                Arc::new(b.finish())
            }
            DataType::Float64 => {
                let mut b = Float64Builder::with_capacity(values.len());
                values.iter().for_each(|v| b.append_option(v.as_f64()));
                Arc::new(b.finish())
            }
            DataType::Boolean => {
                let mut b = BooleanBuilder::with_capacity(values.len());
                values.iter().for_each(|v| b.append_option(v.as_bool()));
                Arc::new(b.finish())
            }
            DataType::List(_) => {
                let mut b = ListBuilder::new(StringBuilder::new());
                for v in values {
                    match v.as_array() {
                        Some(items) => {
                            for s in items.iter().filter_map(Value::as_str) {
                                b.values().append_value(s);
                            }
                            b.append(true);
                        }
                        None => b.append(false),
                    }
                }
                Arc::new(b.finish())
            }
            _ => {
                let mut b = StringBuilder::new();
                for v in values {
                    match v {
                        Value::Null => b.append_null(),
                        Value::String(s) => b.append_value(s),
                        other => b.append_value(other.to_string()),
                    }
                }
                Arc::new(b.finish())
            }
        };
        fields.push(Field::new(name, t, true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    if arrays.is_empty() {
        return Ok(RecordBatch::new_empty(schema));
    }
    RecordBatch::try_new(schema, arrays)
        .map_err(|e| Error::Internal(format!("building the table: {e}")))
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
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_size(ROW_GROUP_ROWS)
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
