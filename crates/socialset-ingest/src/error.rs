//! Import errors: every one names the file, the line, the field and the offending value.

use std::fmt;

/// A problem with one record (or, when `fatal`, with the file itself).
///
/// Displays as `FILE:LINE: field "F": what is wrong (value)`, a sentence a user can act on.
/// Boxed so that `Result<Record, RecordError>` stays small on the hot path; read its fields
/// through `Deref` (`error.line`, `error.fatal`).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordError(Box<RecordErrorDetail>);

/// What a [`RecordError`] says.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordErrorDetail {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line number; 0 when the problem is with the file as a whole.
    pub line: u64,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong, as a sentence fragment.
    pub problem: String,
    /// The offending value, trimmed to a readable length.
    pub value: Option<String>,
    /// The raw line, kept so `--skip-bad` can write it to the rejects file.
    pub raw: Option<Vec<u8>>,
    /// Fatal errors (unreadable file, truncated gzip) end the file; `--skip-bad` cannot skip them.
    pub fatal: bool,
}

/// Longest value quoted back in an error message.
const MAX_VALUE_CHARS: usize = 60;

impl std::ops::Deref for RecordError {
    type Target = RecordErrorDetail;

    fn deref(&self) -> &RecordErrorDetail {
        &self.0
    }
}

impl RecordError {
    pub(crate) fn new(file: &str, line: u64, problem: impl Into<String>) -> Self {
        Self(Box::new(RecordErrorDetail {
            file: file.to_owned(),
            line,
            field: None,
            problem: problem.into(),
            value: None,
            raw: None,
            fatal: false,
        }))
    }

    pub(crate) fn fatal(file: &str, line: u64, problem: impl Into<String>) -> Self {
        let mut e = Self::new(file, line, problem);
        e.0.fatal = true;
        e
    }

    pub(crate) fn field(mut self, field: impl Into<String>) -> Self {
        self.0.field = Some(field.into());
        self
    }

    pub(crate) fn value(mut self, value: &str) -> Self {
        self.0.value = Some(trim_value(value));
        self
    }

    /// The error of a field inside `outer` (an array element of a JSON body): its field
    /// becomes `outer.field`, or `outer` when it named none.
    pub(crate) fn within(mut self, outer: &str) -> Self {
        self.0.field = Some(match self.0.field.take() {
            Some(f) => format!("{outer}.{f}"),
            None => outer.to_owned(),
        });
        self
    }

    pub(crate) fn raw(mut self, raw: &[u8]) -> Self {
        self.0.raw = Some(raw.to_vec());
        self
    }
}

/// Shortens a value for an error message, on a character boundary.
pub(crate) fn trim_value(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(MAX_VALUE_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: ", self.file, self.line)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        if let Some(field) = &self.field {
            write!(f, "field \"{field}\": ")?;
        }
        f.write_str(&self.problem)?;
        if let Some(value) = &self.value {
            write!(f, " ({value})")?;
        }
        Ok(())
    }
}

impl std::error::Error for RecordError {}

/// The result of reading one record.
pub type Result<T, E = RecordError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_file_line_field_and_value() {
        let e = RecordError::new("posts.jsonl", 1042, "is not an RFC 3339 time")
            .field("created_at")
            .value("\"yesterday\"");
        assert_eq!(
            e.to_string(),
            "posts.jsonl:1042: field \"created_at\": is not an RFC 3339 time (\"yesterday\")"
        );
        let long = "x".repeat(200);
        assert_eq!(trim_value(&long).chars().count(), MAX_VALUE_CHARS + 1);
    }
}
