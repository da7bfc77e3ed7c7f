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
    /// A record contradicts what the store holds in a way no merge can settle.
    #[error("{0}")]
    Conflict(String),
}

/// The refusal of a post record whose author is not the one the store holds: a post keeps
/// the author it was first imported with (a repeated id from another account is a mistake in
/// the data, or a collision of ids, never a change of author).
pub(crate) fn other_author(post: &str, stored: &str, given: &str) -> Error {
    Error::Conflict(format!(
        "field \"author\": post {post} is by {stored}, but a record gives {given} as its author \
         (a post keeps its first author; is the id from another platform or export?)"
    ))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
