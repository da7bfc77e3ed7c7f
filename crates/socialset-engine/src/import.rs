//! Import files into the store as one transaction: all files land whole, or nothing does.
//! A reader thread parses while this thread writes, so parsing and SQLite overlap.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use socialset_ingest::{
    detect_format, EdgeKind, Format, ReadLimits, ReadOptions, RecordError, RecordReader,
};
use socialset_model::{Record, RecordKind};
use socialset_store::{Counts, ImportTx};

use crate::{Cancel, Error, Result, Workspace};

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The format of every file; `None` detects each file's format.
    pub format: Option<Format>,
    /// What SNAP edge-list edges mean; `None` means follow.
    pub edge_kind: Option<EdgeKind>,
    /// Namespace for ids without a platform prefix; `None` uses the format's default.
    pub platform: Option<String>,
    /// Import the good records, write each bad one to `FILE.rejects.jsonl`, and go on.
    pub skip_bad: bool,
    /// Where rejects files go; `None`: beside each input (or the current directory when the
    /// input's folder is read-only).
    pub rejects_dir: Option<PathBuf>,
    /// The longest line and the largest decompressed size of each file.
    pub limits: ReadLimits,
}

/// Told about an import as it goes (for progress bars); every method has a silent default.
pub trait ImportObserver {
    fn file_started(
        &mut self,
        _file: &str,
        _format: Format,
        _reason: Option<&str>,
        _total_bytes: u64,
    ) {
    }
    /// Called after each batch of records is written, inside the transaction.
    fn progress(&mut self, _bytes_read: u64, _records: u64) {}
    fn record_rejected(&mut self, _error: &RecordError) {}
    fn file_finished(&mut self, _report: &FileReport) {}
    /// Every file has been read; the transaction is about to commit.
    fn committing(&mut self) {}
}

/// An observer that ignores everything.
#[derive(Debug)]
pub struct NoProgress;
impl ImportObserver for NoProgress {}

/// What one file gave.
#[derive(Clone, Debug, PartialEq)]
pub struct FileReport {
    pub file: String,
    pub format: Format,
    /// Why `--format auto` chose the format; `None` when the user named it.
    pub detection: Option<String>,
    /// Records read, by type.
    pub records: BTreeMap<RecordKind, u64>,
    /// Bad records skipped (only with `skip_bad`).
    pub rejected: u64,
    /// Where the skipped records were written.
    pub rejects_path: Option<PathBuf>,
    /// What the file held that socialset does not import, with counts.
    pub ignored: BTreeMap<String, u64>,
}

/// What a whole import did.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    /// Store counts before and after: their difference is what the import added.
    pub before: Counts,
    pub after: Counts,
    /// Files found in a directory whose format could not be told, with the reason: left out
    /// (a file named on its own must be readable instead).
    pub skipped_files: Vec<(String, String)>,
}

impl ImportReport {
    pub fn records_read(&self) -> u64 {
        self.files.iter().flat_map(|f| f.records.values()).sum()
    }

    pub fn rejected(&self) -> u64 {
        self.files.iter().map(|f| f.rejected).sum()
    }
}

/// Records per message from the reader thread: large enough to amortise the channel.
const BATCH: usize = 8192;

enum Msg {
    Batch(Vec<Record>),
    Bad(RecordError),
    Done(BTreeMap<String, u64>),
}

impl Workspace {
    /// Imports `files` in one transaction. On any error that is not skipped, the store is left
    /// exactly as it was.
    pub fn import(
        &mut self,
        files: &[PathBuf],
        options: &ImportOptions,
        observer: &mut dyn ImportObserver,
    ) -> Result<ImportReport> {
        if files.is_empty() {
            return Err(Error::Usage("name at least one file to import".into()));
        }
        let Expanded {
            files,
            mut skipped_files,
            unpacked: _unpacked,
        } = expand(files, options, &self.cancel)?;
        let before = self.store.counts()?;
        let mut reports = Vec::with_capacity(files.len());
        {
            let mut tx = self.store.begin_import()?;
            for found in &files {
                let cancel = &self.cancel;
                match import_file(tx.as_mut(), found, options, observer, cancel)? {
                    Ok(report) => reports.push(report),
                    Err(why) => skipped_files.push((found.display.clone(), why)),
                }
            }
            observer.committing();
            tx.commit()?;
        }
        Ok(ImportReport {
            files: reports,
            before,
            after: self.store.counts()?,
            skipped_files,
        })
    }
}

/// A file to read: where it is, what to call it in messages (inside an archive: the archive's
/// name and the path in it), and whether it was found in a folder or archive (a file of no
/// format socialset reads is then left out, not an error).
#[derive(Debug)]
struct Found {
    path: PathBuf,
    display: String,
    in_directory: bool,
}

/// The files to read, the files and folders left out (each with why), and the folders the
/// archives were unpacked in (removed when this is dropped).
struct Expanded {
    files: Vec<Found>,
    skipped_files: Vec<(String, String)>,
    unpacked: Vec<crate::archive::Unpacked>,
}

/// `paths` with every directory replaced by the files under it, in name order (hidden files
/// and folders left out), and every archive unpacked and read as a directory.
fn expand(paths: &[PathBuf], options: &ImportOptions, cancel: &Cancel) -> Result<Expanded> {
    let mut out = Expanded {
        files: Vec::new(),
        skipped_files: Vec::new(),
        unpacked: Vec::new(),
    };
    for path in paths {
        let display = path.display().to_string();
        let archive = crate::archive::Kind::of(path).filter(|_| path.is_file());
        let (dir, named_as) = if let Some(kind) = archive {
            let max = options.limits.max_decompressed_bytes;
            let u = crate::archive::unpack(path, &display, kind, max, cancel)?;
            let dir = u.dir.path().to_path_buf();
            out.skipped_files.extend(u.left_out.iter().cloned());
            out.unpacked.push(u);
            (dir, display.clone())
        } else if path.is_dir() {
            (path.clone(), String::new())
        } else {
            out.files.push(Found {
                path: path.clone(),
                display,
                in_directory: false,
            });
            continue;
        };
        // Inside an archive, a file is called by the archive's name and its path in it.
        let name = |p: &Path| match p.strip_prefix(&dir) {
            Ok(rel) if !named_as.is_empty() => format!("{named_as}/{}", rel.display()),
            _ => p.display().to_string(),
        };
        let mut found = Vec::new();
        let mut skipped = Vec::new();
        let mut seen = std::collections::HashSet::new();
        walk(&dir, &mut found, &mut skipped, &mut seen)?;
        let skipped: Vec<(String, String)> = skipped
            .into_iter()
            .map(|(f, why)| (name(Path::new(&f)), why))
            .collect();
        if found.is_empty() {
            let left_out: Vec<String> = skipped
                .iter()
                .take(5)
                .map(|(f, why)| format!("{f} ({why})"))
                .collect();
            return Err(Error::Usage(format!(
                "{display}: the {} holds no data files{}",
                if archive.is_some() {
                    "archive"
                } else {
                    "directory"
                },
                if left_out.is_empty() {
                    String::new()
                } else {
                    format!("; left out: {}", left_out.join(", "))
                }
            )));
        }
        out.skipped_files.extend(skipped);
        out.files.extend(found.into_iter().map(|p| Found {
            display: name(&p),
            path: p,
            in_directory: true,
        }));
    }
    Ok(out)
}

/// Adds the files under `dir` to `out`. Each folder is read once, by its real path, so a link
/// back to a folder above it (a loop) or to one read already is left out, not followed.
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    skipped: &mut Vec<(String, String)>,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> Result<()> {
    let unreadable = |e: std::io::Error| Error::Usage(format!("{}: {e}", dir.display()));
    if !seen.insert(std::fs::canonicalize(dir).map_err(unreadable)?) {
        skipped.push((
            dir.display().to_string(),
            "a link to a folder already read (a loop, or the same data twice)".into(),
        ));
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .map_err(unreadable)?;
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out, skipped, seen)?;
        } else if let Some(why) = documentation_or_ours(&p) {
            skipped.push((p.display().to_string(), why.into()));
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// Why a file a directory of data holds beside the data is left out, when it is one: its
/// READMEs, licences and notes, scripts, and the rejects files of earlier imports. Plain
/// `.txt` files are read: SNAP publishes its edge lists so (a note that is no edge list is
/// left out by format detection, saying so).
fn documentation_or_ours(path: &Path) -> Option<&'static str> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".rejects.jsonl") {
        return Some("the rejects of an earlier import");
    }
    let documentation = [
        "readme",
        "license",
        "licence",
        "copying",
        "notice",
        "changelog",
    ]
    .iter()
    .any(|p| name.starts_with(p))
        || [".md", ".rst", ".html", ".pdf", ".py", ".sh", ".dat"]
            .iter()
            .any(|e| name.ends_with(e));
    documentation.then_some("documentation or code, not data")
}

/// Imports one file; `Ok(Err(why))` when a file found in a directory is of no format
/// socialset reads (it is left out, not an error).
fn import_file(
    tx: &mut dyn ImportTx,
    found: &Found,
    options: &ImportOptions,
    observer: &mut dyn ImportObserver,
    cancel: &Cancel,
) -> Result<std::result::Result<FileReport, String>> {
    let (path, in_directory) = (found.path.as_path(), found.in_directory);
    let display = found.display.clone();
    if !path.is_file() {
        return Err(Error::Usage(format!("{display}: no such file")));
    }
    let (format, detection) = match options.format {
        Some(f) => (f, None),
        None => match detect_format(path, &display) {
            Ok(d) => (d.format, Some(d.reason)),
            Err(e) if in_directory => return Ok(Err(e.problem.clone())),
            Err(e) => return Err(Error::BadInput(e)),
        },
    };
    if options.edge_kind.is_some() && format != Format::Snap {
        return Err(Error::Usage(format!(
            "{display}: --kind says what the edges of a SNAP edge list mean, but this file is {}",
            format.describe()
        )));
    }
    let read_options = ReadOptions {
        format,
        edge_kind: options.edge_kind.unwrap_or(EdgeKind::Follow),
        platform: options.platform.clone(),
        limits: options.limits,
    };
    let (reader, progress) =
        RecordReader::open(path, &display, &read_options).map_err(Error::BadInput)?;
    observer.file_started(&display, format, detection.as_deref(), progress.total_bytes);

    let mut report = FileReport {
        file: display.clone(),
        format,
        detection,
        records: BTreeMap::new(),
        rejected: 0,
        rejects_path: None,
        ignored: BTreeMap::new(),
    };
    let mut rejects: Option<BufWriter<File>> = None;
    let mut n_records = 0u64;

    std::thread::scope(|scope| -> Result<()> {
        let (send, receive) = mpsc::sync_channel::<Msg>(4);
        scope.spawn(move || read_all(reader, &send));
        for msg in receive {
            match msg {
                Msg::Batch(batch) => {
                    // Cancelled: the transaction is dropped, and with it everything written.
                    cancel.check()?;
                    for record in &batch {
                        tx.put(record).map_err(|e| match e {
                            socialset_store::Error::Conflict(why) => {
                                Error::Usage(format!("{display}: {why}"))
                            }
                            other => other.into(),
                        })?;
                        *report.records.entry(record.kind()).or_default() += 1;
                    }
                    n_records += batch.len() as u64;
                    observer.progress(progress.bytes_read(), n_records);
                }
                Msg::Bad(e) if e.fatal || !options.skip_bad => return Err(Error::BadInput(e)),
                Msg::Bad(e) => {
                    let writer = match &mut rejects {
                        Some(w) => w,
                        None => {
                            let (file, at) =
                                create_rejects_file(path, options.rejects_dir.as_deref())?;
                            report.rejects_path = Some(at);
                            rejects.insert(BufWriter::new(file))
                        }
                    };
                    write_reject(writer, &e).map_err(Error::io("writing the rejects file"))?;
                    report.rejected += 1;
                    observer.record_rejected(&e);
                }
                Msg::Done(ignored) => report.ignored = ignored,
            }
        }
        Ok(())
    })?;
    if let Some(mut w) = rejects {
        w.flush().map_err(Error::io("writing the rejects file"))?;
    }
    observer.progress(progress.bytes_read(), n_records);
    observer.file_finished(&report);
    Ok(Ok(report))
}

/// The reader thread: parse, batch, send. Stops when the receiver goes away.
fn read_all(mut reader: RecordReader, send: &mpsc::SyncSender<Msg>) {
    let mut batch = Vec::with_capacity(BATCH);
    for item in reader.by_ref() {
        match item {
            Ok(record) => {
                batch.push(record);
                if batch.len() == BATCH
                    && send
                        .send(Msg::Batch(std::mem::replace(
                            &mut batch,
                            Vec::with_capacity(BATCH),
                        )))
                        .is_err()
                {
                    return;
                }
            }
            Err(e) => {
                let flushed =
                    batch.is_empty() || send.send(Msg::Batch(std::mem::take(&mut batch))).is_ok();
                if !flushed || send.send(Msg::Bad(e)).is_err() {
                    return;
                }
            }
        }
    }
    if !batch.is_empty() && send.send(Msg::Batch(batch)).is_err() {
        return;
    }
    let _ = send.send(Msg::Done(reader.ignored().clone()));
}

/// `FILE.rejects.jsonl` in `dir` when given, else beside the input, or in the current
/// directory when the input's directory is read-only.
pub(crate) fn create_rejects_file(input: &Path, dir: Option<&Path>) -> Result<(File, PathBuf)> {
    let name = format!(
        "{}.rejects.jsonl",
        input
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    if let Some(dir) = dir {
        let at = dir.join(&name);
        let f = create_private(&at).map_err(Error::io(format!("creating {}", at.display())))?;
        return Ok((f, at));
    }
    let beside = input.with_file_name(&name);
    // A folder marked read-only is left alone even by a user (root) who could write there.
    let folder_read_only = beside
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .and_then(|p| std::fs::metadata(p).ok())
        .is_some_and(|m| m.permissions().readonly());
    let created = if folder_read_only {
        Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied))
    } else {
        create_private(&beside)
    };
    match created {
        Ok(f) => Ok((f, beside)),
        Err(_) => {
            let here = PathBuf::from(&name);
            let f =
                create_private(&here).map_err(Error::io(format!("creating {}", here.display())))?;
            Ok((f, here))
        }
    }
}

/// A new file (or one emptied) readable by its owner only: rejects hold the records as
/// given, names and messages included.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

pub(crate) fn write_reject(w: &mut impl Write, e: &RecordError) -> std::io::Result<()> {
    let line = serde_json::json!({
        "line": e.line,
        "field": e.field,
        "error": e.to_string(),
        "value": e.value,
        "raw": e.raw.as_deref().map(String::from_utf8_lossy),
    });
    writeln!(w, "{line}")
}
