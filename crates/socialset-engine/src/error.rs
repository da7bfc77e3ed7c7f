//! Engine errors, split between the user's fault (bad input: shown verbatim, HTTP 4xx) and
//! ours (a bug, the disk: logged, HTTP 5xx), as meilisearch does.

use socialset_ingest::RecordError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad record or unreadable input file: the message names file, line and field.
    #[error("{0}")]
    BadInput(RecordError),
    /// A request that cannot be carried out as asked.
    #[error("{0}")]
    Usage(String),
    /// What the request names does not exist (a campaign, a member).
    #[error("{0}")]
    NotFound(String),
    /// A request refused for one of its parameters (named as the API names it: `budget_eur`,
    /// `window_days`), before any work: it buys nothing, or it cannot fit the limits.
    #[error("{message}")]
    Refused {
        parameter: &'static str,
        message: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] socialset_store::Error),
    /// A component of ours failed (the full-text index): not the user's doing.
    #[error("{0}")]
    Internal(String),
    /// The work was cancelled (its client went away, it ran past its time, or it was asked
    /// to stop) before it finished; nothing was changed.
    #[error("cancelled before it finished")]
    Cancelled,
    /// The file system failed. (The cause is in the message and not a `source`, so a printed
    /// chain of causes does not say it twice.)
    #[error("{context}: {cause}")]
    Io {
        context: String,
        cause: std::io::Error,
    },
}

impl From<socialset_graph::Cancelled> for Error {
    fn from(_: socialset_graph::Cancelled) -> Self {
        Self::Cancelled
    }
}

impl Error {
    /// True when the user can fix it by changing their input or request.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Self::BadInput(_) | Self::Usage(_) | Self::NotFound(_) | Self::Refused { .. }
        )
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |cause| Self::Io { context, cause }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
