//! Named claims and their fact-check verdicts: the SQL and the row reader both backends share
//! (written with `$n` placeholders; SQLite takes them as `?n`).

use socialset_model::{ClaimRecord, ClaimWhat, Timestamp, VerdictRecord};

use crate::campaigns::Cells;
use crate::{Error, Result};

/// Migration 5 on SQLite.
pub(crate) const SQLITE_TABLES: &str = "
CREATE TABLE claims (id TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, title TEXT);
CREATE TABLE verdicts (
    claim TEXT NOT NULL, source TEXT NOT NULL, verdict TEXT NOT NULL, url TEXT, at INTEGER,
    PRIMARY KEY (claim, source));";

/// The same tables on PostgreSQL.
pub(crate) const POSTGRES_TABLES: &str = "
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, title TEXT);
CREATE TABLE IF NOT EXISTS verdicts (
    claim TEXT NOT NULL, source TEXT NOT NULL, verdict TEXT NOT NULL, url TEXT, at BIGINT,
    PRIMARY KEY (claim, source));";

/// A claim record names what it is anew; a title once known stays.
pub(crate) const UPSERT_CLAIM: &str = "INSERT INTO claims (id, kind, value, title)
    VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,
    value = excluded.value, title = COALESCE(excluded.title, claims.title)";

/// One verdict per (claim, source): a record replaces the stored one unless the stored one
/// is dated later (the same record twice changes nothing).
pub(crate) const UPSERT_VERDICT: &str = "INSERT INTO verdicts (claim, source, verdict, url, at)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (claim, source) DO UPDATE SET
    verdict = excluded.verdict, url = COALESCE(excluded.url, verdicts.url),
    at = COALESCE(excluded.at, verdicts.at)
    WHERE verdicts.at IS NULL OR excluded.at IS NULL OR excluded.at >= verdicts.at";

pub(crate) const SELECT_CLAIMS: &str = "SELECT id, kind, value, title FROM claims ORDER BY id";

pub(crate) const SELECT_VERDICTS: &str =
    "SELECT claim, source, verdict, url, at FROM verdicts ORDER BY claim, at, source";

/// The parameters of `UPSERT_CLAIM`.
pub(crate) fn claim_row(c: &ClaimRecord) -> (&str, &'static str, &str, Option<&str>) {
    (&c.id, c.what.kind(), c.what.value(), c.title.as_deref())
}

/// The parameters of `UPSERT_VERDICT` (an unnamed source is stored as "").
pub(crate) fn verdict_row(
    v: &VerdictRecord,
) -> (&str, &str, &'static str, Option<&str>, Option<i64>) {
    (
        &v.claim,
        v.source.as_deref().unwrap_or(""),
        v.verdict.as_str(),
        v.url.as_deref(),
        v.at.map(Timestamp::epoch_ms),
    )
}

pub(crate) fn read_claim(r: &dyn Cells) -> Result<ClaimRecord> {
    let value = r.text(2)?;
    let what = match r.text(1)?.as_str() {
        "link" => ClaimWhat::Link(value),
        "hashtag" => ClaimWhat::Hashtag(value),
        "text" => ClaimWhat::Text(value),
        "post" => ClaimWhat::Post(value),
        other => {
            return Err(Error::Corrupt {
                what: "claim kind",
                detail: other.to_owned(),
            })
        }
    };
    Ok(ClaimRecord {
        id: r.text(0)?,
        what,
        title: r.opt_text(3)?,
    })
}

pub(crate) fn read_verdict(r: &dyn Cells) -> Result<VerdictRecord> {
    let source = r.text(1)?;
    Ok(VerdictRecord {
        claim: r.text(0)?,
        verdict: r.text(2)?.parse().map_err(|detail| Error::Corrupt {
            what: "verdict",
            detail,
        })?,
        source: (!source.is_empty()).then_some(source),
        url: r.opt_text(3)?,
        at: r.opt_int(4)?.and_then(Timestamp::from_epoch_ms),
    })
}
