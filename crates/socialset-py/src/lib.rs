//! The native module of the `socialset` Python package (`socialset._native`).
//!
//! One entry point, [`run`]: a socialset command line, run in this process by the CLI's own
//! definition and engine calls (`socialset_cli::capture`), its JSON document handed back as
//! text and its rows (the list at a JSON pointer of that document) as a `pyarrow.Table` built
//! from Arrow record batches through Arrow's C data interface. The Python layer
//! (`python/socialset`) turns keyword arguments into that command line, from a table generated
//! from the same clap definitions (`cargo xtask python`), so names and defaults cannot drift.
//!
//! The command runs on a thread of its own while the calling thread waits without the GIL,
//! waking every 50 ms to let Python run its signal handlers: Ctrl-C cancels the engine's work
//! (the workspace's `Cancel`), waits for it to stop, and raises `KeyboardInterrupt`.

use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use arrow_pyarrow::IntoPyArrow;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use socialset_engine::{Cancel, Error as EngineError};

create_exception!(
    socialset,
    SocialsetError,
    PyException,
    "An error socialset reports: its message says what went wrong and what to do."
);
create_exception!(
    socialset,
    BadInputError,
    SocialsetError,
    "A bad record or unreadable input file; `file`, `line` (0 for the whole file) and `field` \
     name it."
);
create_exception!(
    socialset,
    UsageError,
    SocialsetError,
    "A call that cannot be carried out as asked: an unknown option or value, or work refused \
     for its limits."
);
create_exception!(
    socialset,
    NotFoundError,
    SocialsetError,
    "What the call names (an account, a community, a claim, the store) does not exist."
);

/// What the command thread sends back.
type Outcome = anyhow::Result<(Option<String>, Option<Table>)>;

/// Where the last call's time went, in seconds: the command (the engine call and its JSON
/// document), the rows made Arrow record batches, and those handed to pyarrow. For
/// `cargo xtask bench-python`.
static LAST: Mutex<[f64; 3]> = Mutex::new([0.0; 3]);

fn record(part: usize, since: Instant) {
    if let Ok(mut last) = LAST.lock() {
        last[part] = since.elapsed().as_secs_f64();
    }
}
type Table = (arrow_schema::SchemaRef, Vec<arrow_array::RecordBatch>);

/// Runs `socialset ARGS...` and returns `(document, rows)`: the JSON document the command
/// prints with `--format json` (or `None`), and, when `rows` is a JSON pointer into it (e.g.
/// `/accounts`; "" for a document that is the list), that list as a `pyarrow.Table` (nested
/// fields as `outer.inner` columns, as `--out` writes them) and removed from the document.
#[pyfunction]
#[pyo3(signature = (args, rows=None))]
fn run(
    py: Python<'_>,
    args: Vec<String>,
    rows: Option<String>,
) -> PyResult<(Option<String>, Option<Py<PyAny>>)> {
    let cancel = Cancel::new();
    let (tx, rx) = mpsc::channel::<Outcome>();
    let worker_cancel = cancel.clone();
    let worker = std::thread::Builder::new()
        .name("socialset".into())
        .spawn(move || {
            let outcome = work(&args, rows.as_deref(), worker_cancel);
            // The receiver is gone only if the caller's thread died; nothing to tell then.
            let _ = tx.send(outcome);
        })
        .map_err(|e| SocialsetError::new_err(format!("starting the command's thread: {e}")))?;
    // The receiver goes into each wait and comes back (a `&Receiver` cannot leave the GIL's
    // thread: it is not `Sync`).
    let mut rx = rx;
    let outcome = loop {
        let (waited, back) = py.detach(move || (rx.recv_timeout(Duration::from_millis(50)), rx));
        rx = back;
        match waited {
            Ok(outcome) => break outcome,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    // Ctrl-C (or another signal's exception): stop the work, wait for it to
                    // leave the store as it was, and raise what Python raised.
                    cancel.cancel();
                    py.detach(move || {
                        let _ = rx.recv();
                    });
                    let _ = worker.join();
                    return Err(interrupt);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                break Err(anyhow::anyhow!(
                    "the command's thread stopped without an answer"
                ));
            }
        }
    };
    if worker.join().is_err() {
        return Err(SocialsetError::new_err(
            "the command panicked: this is a bug of socialset, please report it",
        ));
    }
    let (document, table) = outcome.map_err(|e| to_python(py, e))?;
    let started = Instant::now();
    let table = match table {
        Some((schema, batches)) => {
            let table = arrow_pyarrow::Table::try_new(batches, schema)
                .map_err(|e| SocialsetError::new_err(format!("building the table: {e}")))?;
            Some(table.into_pyarrow(py)?.unbind())
        }
        None => None,
    };
    record(2, started);
    Ok((document, table))
}

/// `{"command": s, "rows": s, "to_pyarrow": s}` of the last call (see `LAST`).
#[pyfunction]
fn last_timings() -> std::collections::HashMap<&'static str, f64> {
    let last = LAST.lock().map(|l| *l).unwrap_or_default();
    [
        ("command", last[0]),
        ("rows", last[1]),
        ("to_pyarrow", last[2]),
    ]
    .into_iter()
    .collect()
}

/// The command's work, on its own thread.
fn work(args: &[String], rows: Option<&str>, cancel: Cancel) -> Outcome {
    let started = Instant::now();
    let captured = socialset_cli::capture::run_captured(args, cancel)?;
    record(0, started);
    let started = Instant::now();
    let Some(mut document) = captured else {
        return Ok((None, None));
    };
    let table = match rows {
        Some(pointer) => {
            let list = match take(&mut document, pointer) {
                Some(serde_json::Value::Array(list)) => list,
                Some(serde_json::Value::Null) | None => Vec::new(),
                Some(other) => anyhow::bail!(
                    "the command's {pointer} is not a list of rows but {}",
                    kind(&other)
                ),
            };
            let what = pointer
                .rsplit('/')
                .next()
                .filter(|w| !w.is_empty())
                .unwrap_or_else(|| args.first().map_or("rows", String::as_str));
            let (schema, batches) = socialset_engine::rows_batches(&list, what)?;
            Some((schema, batches))
        }
        None => None,
    };
    record(1, started);
    Ok((Some(document.to_string()), table))
}

/// Removes the value at `pointer` (`/a/b`) from `document` and returns it.
fn take(document: &mut serde_json::Value, pointer: &str) -> Option<serde_json::Value> {
    if pointer.is_empty() {
        return Some(document.take());
    }
    let (parent, key) = pointer.rsplit_once('/')?;
    match document.pointer_mut(parent)? {
        serde_json::Value::Object(map) => map.shift_remove(key),
        _ => None,
    }
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Object(_) => "an object",
        serde_json::Value::String(_) => "a text",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        _ => "something else",
    }
}

/// The engine's error as the Python exception of its kind, its message the CLI's (`error: …`
/// without the prefix), a bad input's file, line and field as attributes.
fn to_python(py: Python<'_>, e: anyhow::Error) -> PyErr {
    let message = format!("{e:#}");
    if let Some(refused) = e.chain().find_map(|c| c.downcast_ref::<clap::Error>()) {
        // The command line refused (an unknown value, a value of the wrong type): clap's
        // message, which already says why.
        return UsageError::new_err(refused.to_string().trim_end().to_owned());
    }
    let engine = e.chain().find_map(|c| c.downcast_ref::<EngineError>());
    match engine {
        Some(EngineError::BadInput(record)) => {
            let err = BadInputError::new_err(message);
            let value = err.value(py);
            let set = || -> PyResult<()> {
                value.setattr("file", record.file.as_str())?;
                value.setattr("line", record.line)?;
                value.setattr("field", record.field.as_deref())?;
                value.setattr("value", record.value.as_deref())?;
                Ok(())
            };
            match set() {
                Ok(()) => err,
                Err(e) => e,
            }
        }
        // A file or store that is not there, whichever layer noticed.
        _ if message.contains("does not exist") || message.contains("no such file") => {
            NotFoundError::new_err(message)
        }
        Some(EngineError::Usage(_) | EngineError::Refused { .. }) => UsageError::new_err(message),
        Some(EngineError::NotFound(_)) => NotFoundError::new_err(message),
        Some(EngineError::Cancelled) => SocialsetError::new_err(message),
        _ => SocialsetError::new_err(message),
    }
}

/// The version line of `socialset --version`: the crate's version and the store schema.
#[pyfunction]
fn version() -> String {
    socialset_cli::version()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(last_timings, m)?)?;
    let py = m.py();
    m.add("SocialsetError", py.get_type::<SocialsetError>())?;
    m.add("BadInputError", py.get_type::<BadInputError>())?;
    m.add("UsageError", py.get_type::<UsageError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    Ok(())
}
