//! Store errors.

/// What can go wrong in the store. All of these are ours or the disk's, never the user's
/// input: the importers have validated every record before it gets here.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the store at {path} cannot be opened: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("the store at {path} was written by a newer socialset (schema {found}, this one knows up to {known}); upgrade socialset")]
    NewerSchema {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot connect to the PostgreSQL database at {url}: {source}")]
    Connect {
        url: String,
        source: postgres::Error,
    },
    #[error("{url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("the store is busy: {0}")]
    Busy(String),
    #[error("stored {what} is corrupt: {detail}")]
    Corrupt { what: &'static str, detail: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
