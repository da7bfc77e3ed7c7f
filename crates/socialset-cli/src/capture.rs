//! A command run for a caller in this process (the Python package) instead of a terminal: the
//! command line is parsed by the same definition, the command runs the same engine calls, and
//! its `--format json` document is handed back instead of printed. The store it opens stops at
//! the caller's `Cancel` (Ctrl-C in Python).
//!
//! The context is per thread: the command runs on the thread that called [`run_captured`].

use std::cell::RefCell;

use anyhow::Context as _;
use clap::FromArgMatches;
use socialset_engine::Cancel;

/// What a command running under [`run_captured`] has handed over so far.
struct Context {
    cancel: Cancel,
    document: Option<serde_json::Value>,
}

thread_local! {
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
}

/// Runs `socialset ARGS...` (`args` without the program's name) on this thread and returns
/// the JSON document it would have printed (`None` for a command that prints none). A command
/// line clap refuses is an error holding clap's (a `clap::Error`), never an exit of the process.
pub fn run_captured(args: &[String], cancel: Cancel) -> anyhow::Result<Option<serde_json::Value>> {
    let matches = crate::command()
        .try_get_matches_from(std::iter::once("socialset".to_owned()).chain(args.iter().cloned()))
        .map_err(anyhow::Error::from)?;
    let cli = crate::Cli::from_arg_matches(&matches).context("reading the command line")?;
    CONTEXT.with(|c| {
        *c.borrow_mut() = Some(Context {
            cancel,
            document: None,
        })
    });
    // Taken back whatever happens, so the thread runs its next command without it.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            CONTEXT.with(|c| c.borrow_mut().take());
        }
    }
    let _reset = Reset;
    crate::dispatch(cli.command)?;
    Ok(CONTEXT.with(|c| c.borrow_mut().as_mut().and_then(|c| c.document.take())))
}

/// True when the command runs under [`run_captured`]: its document goes to `keep_document`.
pub(crate) fn active() -> bool {
    CONTEXT.with(|c| c.borrow().is_some())
}

/// Keeps the command's document for the caller of [`run_captured`].
pub(crate) fn keep_document(value: serde_json::Value) {
    CONTEXT.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.document = Some(value);
        }
    })
}

/// The caller's cancel, when a command runs under [`run_captured`].
pub(crate) fn cancel() -> Option<Cancel> {
    CONTEXT.with(|c| c.borrow().as_ref().map(|c| c.cancel.clone()))
}
