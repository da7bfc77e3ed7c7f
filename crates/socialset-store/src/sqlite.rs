//! The embedded SQLite store (rusqlite, bundled: nothing to install).

use std::path::Path;

use rusqlite::types::Value::Null;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use rustc_hash::FxHashMap;
use socialset_model::{
    Account, AccountId, Campaign, ClaimRecord, Click, GroupId, InteractionKind, Member, Order,
    PostId, PostKind, Record, Timestamp, VerdictRecord,
};

use crate::campaigns::{self, Cells};
use crate::sql::{count, json_list, json_strings, time_from_key, time_key, ROWS_PER_INSERT};
use crate::{
    CampaignMember, Counts, Error, ImportTx, Result, Store, StoredAccount, StoredClicks,
    StoredFollow, StoredGroup, StoredInteraction, StoredPost, StoredRating,
};

/// The store's schema version: how many migrations a store of this build has run
/// (`PRAGMA user_version` on SQLite). `socialset --version` tells it.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Schema migrations, in order; `PRAGMA user_version` records how many have run.
const MIGRATIONS: [&str; 5] = [
    include_str!("schema.sql"),
    // 2: what the authenticity audit reads: the client a post was made with, and two
    // profile counts.
    "ALTER TABLE posts ADD COLUMN source TEXT;
     ALTER TABLE accounts ADD COLUMN listed INTEGER;
     ALTER TABLE accounts ADD COLUMN likes_given INTEGER;",
    // 3: groups (subreddits, lists), their members, and the group a post was made in.
    "CREATE TABLE groups (
         id TEXT PRIMARY KEY, name TEXT, description TEXT, members INTEGER, created_at INTEGER);
     CREATE TABLE memberships (
         grp TEXT NOT NULL, account INTEGER NOT NULL, at INTEGER,
         PRIMARY KEY (grp, account)) WITHOUT ROWID;
     ALTER TABLE posts ADD COLUMN grp TEXT;
     CREATE INDEX posts_grp ON posts (grp);",
    // 4: campaigns, their members with tracking links and promo codes, clicks, orders.
    crate::campaigns::SQLITE_TABLES,
    // 5: named claims and their fact-check verdicts.
    crate::claims::SQLITE_TABLES,
];

/// How long an import waits for another one to commit before giving up.
const IMPORT_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// A store in one SQLite file.
pub struct SqliteStore {
    conn: Connection,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.conn.path())
            .finish()
    }
}

/// How long opening a store waits for another process that holds its lock.
const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl SqliteStore {
    /// Opens the store at `path`, creating it (and running migrations) if needed.
    pub fn open(path: &Path) -> Result<Self> {
        let shown = path.display().to_string();
        let open_err = |source| Error::Open {
            path: shown.clone(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        // First: another process may be creating the same store at this moment.
        conn.busy_timeout(BUSY_WAIT).map_err(open_err)?;
        // WAL keeps readers working during an import; FULL syncs the log at commit, which is
        // one fsync per import. A killed process leaves the last committed state. Switching a
        // new file to WAL can find it busy without SQLite waiting (another process is creating
        // it): wait here as the busy timeout would.
        let started = std::time::Instant::now();
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Ok(()) => break,
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < BUSY_WAIT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(e) => return Err(open_err(e)),
            }
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "OFF")
            .map_err(open_err)?;
        conn.pragma_update(None, "cache_size", -65_536)
            .map_err(open_err)?;
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(open_err)?;
        migrate(&mut conn, &shown)?;
        Ok(Self { conn })
    }

    /// An in-memory store, for tests and throwaway runs.
    pub fn in_memory() -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        migrate(&mut conn, ":memory:")?;
        Ok(Self { conn })
    }
}

impl SqliteStore {
    /// The rows of `sql` (written with `$n` placeholders), each read by `read`.
    fn read_rows<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        read: impl Fn(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(&campaigns::for_sqlite(sql))?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read(row)?);
        }
        Ok(out)
    }
}

/// A member whose link or promo code another member holds.
fn taken(e: rusqlite::Error, m: &Member) -> Error {
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            crate::campaigns::taken(m)
        }
        e => e.into(),
    }
}

/// Runs the migrations the store has not run, one transaction each. A store that is up to
/// date is only read (an open during a long import must not wait for its write lock). Else
/// each migration takes the write lock first (`BEGIN IMMEDIATE`) and reads the version under
/// it: two processes opening a new store at once (a server and an import, say) then run each
/// migration once, the second waiting for the first and finding it done.
fn migrate(conn: &mut Connection, shown: &str) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let mut version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    while version < known {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have run it while this one waited for the lock.
        version = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if let Some(sql) = MIGRATIONS.get(version as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
            version += 1;
        }
    }
    if version > known {
        return Err(Error::NewerSchema {
            path: shown.to_owned(),
            found: version,
            known,
        });
    }
    Ok(())
}

impl Store for SqliteStore {
    fn begin_import(&mut self) -> Result<Box<dyn ImportTx + '_>> {
        // The write lock is taken now, not when the first row is written: a second import
        // into the same store then waits here for the first to commit, where a read
        // transaction upgraded later would fail at once with "database is locked".
        self.conn.busy_timeout(IMPORT_LOCK_WAIT)?;
        let begun = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate);
        let tx = match begun {
            Ok(tx) => tx,
            Err(e) => {
                return Err(Error::Busy(format!(
                    "another import has held the store for more than {} minutes ({e})",
                    IMPORT_LOCK_WAIT.as_secs() / 60
                )))
            }
        };
        let max_idx: i64 = tx.query_row("SELECT COALESCE(MAX(idx), 0) FROM accounts", [], |r| {
            r.get(0)
        })?;
        Ok(Box::new(SqliteImport {
            tx,
            interned: FxHashMap::default(),
            next_idx: max_idx + 1,
            started_empty: max_idx == 0,
            pending: [Vec::new(), Vec::new(), Vec::new(), Vec::new()],
        }))
    }

    fn counts(&self) -> Result<Counts> {
        let count = |table: &str| -> Result<u64> {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
            Ok(n as u64)
        };
        Ok(Counts {
            accounts: count("accounts")?,
            follows: count("follows")?,
            posts: count("posts")?,
            interactions: count("interactions")?,
            ratings: count("ratings")?,
            conversions: count("conversions")?,
            claims: count("claims")?,
            verdicts: count("verdicts")?,
        })
    }

    fn accounts(&self) -> Result<Vec<(StoredAccount, Account)>> {
        let mut out = Vec::new();
        self.each_account(&mut |s, a| {
            out.push((s, a));
            Ok(())
        })?;
        Ok(out)
    }

    fn account_ids(&self) -> Result<Vec<(StoredAccount, AccountId)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT idx, id FROM accounts ORDER BY idx")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                StoredAccount(r.get(0)?),
                AccountId::new(r.get::<_, String>(1)?),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn each_account(&self, f: &mut dyn FnMut(StoredAccount, Account) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT idx, id, platform, handle, name, followers, following, posts_count,
                    created_at, bio, verified, lang, is_brand, listed, likes_given
             FROM accounts ORDER BY idx",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let count = |i: usize| -> rusqlite::Result<Option<u64>> {
                Ok(r.get::<_, Option<i64>>(i)?.map(|v| v as u64))
            };
            f(
                StoredAccount(r.get(0)?),
                Account {
                    id: AccountId::new(r.get::<_, String>(1)?),
                    platform: r.get(2)?,
                    handle: r.get(3)?,
                    name: r.get(4)?,
                    followers: count(5)?,
                    following: count(6)?,
                    posts_count: count(7)?,
                    created_at: r
                        .get::<_, Option<i64>>(8)?
                        .and_then(Timestamp::from_epoch_ms),
                    bio: r.get(9)?,
                    verified: r.get(10)?,
                    lang: r.get(11)?,
                    is_brand: r.get(12)?,
                    listed: count(13)?,
                    likes_given: count(14)?,
                },
            )?;
        }
        Ok(())
    }

    fn follows(&self) -> Result<Vec<StoredFollow>> {
        let mut out = Vec::new();
        self.each_follow(&mut |f| {
            out.push(f);
            Ok(())
        })?;
        Ok(out)
    }

    fn each_follow(&self, f: &mut dyn FnMut(StoredFollow) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT src, dst, at FROM follows ORDER BY src, dst")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(StoredFollow {
                src: StoredAccount(r.get(0)?),
                dst: StoredAccount(r.get(1)?),
                at: time_from_key(r.get(2)?),
            })?;
        }
        Ok(())
    }

    fn interactions(&self) -> Result<Vec<StoredInteraction>> {
        let mut out = Vec::new();
        self.each_interaction(&mut |i| {
            out.push(i);
            Ok(())
        })?;
        Ok(out)
    }

    fn each_interaction(&self, f: &mut dyn FnMut(StoredInteraction) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT src, dst, kind, at, weight, post FROM interactions ORDER BY src, dst, kind, at",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let code: i64 = r.get(2)?;
            let kind = u8::try_from(code)
                .ok()
                .and_then(InteractionKind::from_code)
                .ok_or_else(|| Error::Corrupt {
                    what: "interaction kind",
                    detail: code.to_string(),
                })?;
            f(StoredInteraction {
                src: StoredAccount(r.get(0)?),
                dst: StoredAccount(r.get(1)?),
                kind,
                at: time_from_key(r.get(3)?),
                weight: r.get(4)?,
                post: r.get::<_, Option<String>>(5)?.map(PostId::new),
            })?;
        }
        Ok(())
    }

    fn each_post(&self, f: &mut dyn FnMut(StoredPost) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT id, author, at, text, hashtags, reply_to, share_of, quote_of, urls, likes,
                    shares, source, mentions, lang, replies, views, grp
             FROM posts ORDER BY idx",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let urls = json_strings(r.get(8)?, "post urls")?;
            let hashtags = json_strings(r.get(4)?, "post hashtags")?;
            let reply_to: Option<String> = r.get(5)?;
            let share_of: Option<String> = r.get(6)?;
            let quote_of: Option<String> = r.get(7)?;
            f(StoredPost {
                id: PostId::new(r.get::<_, String>(0)?),
                author: StoredAccount(r.get(1)?),
                at: r
                    .get::<_, Option<i64>>(2)?
                    .and_then(Timestamp::from_epoch_ms),
                text: r.get(3)?,
                hashtags,
                kind: if share_of.is_some() {
                    PostKind::Share
                } else if quote_of.is_some() {
                    PostKind::Quote
                } else if reply_to.is_some() {
                    PostKind::Reply
                } else {
                    PostKind::Original
                },
                reply_to: reply_to.map(PostId::new),
                share_of: share_of.map(PostId::new),
                quote_of: quote_of.map(PostId::new),
                links: urls.len() as u32,
                urls,
                mentions: json_strings(r.get(12)?, "post mentions")?,
                likes: r.get::<_, Option<i64>>(9)?.map(|v| v as u64),
                shares: r.get::<_, Option<i64>>(10)?.map(|v| v as u64),
                source: r.get(11)?,
                lang: r.get(13)?,
                replies: r.get::<_, Option<i64>>(14)?.map(|v| v as u64),
                views: r.get::<_, Option<i64>>(15)?.map(|v| v as u64),
                group: r.get(16)?,
            })?;
        }
        Ok(())
    }

    fn rating_values(&self) -> Result<Vec<f64>> {
        let mut stmt = self.conn.prepare("SELECT value FROM ratings")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn ratings(&self) -> Result<Vec<StoredRating>> {
        let mut stmt = self
            .conn
            .prepare("SELECT src, dst, at, value FROM ratings ORDER BY src, dst, at")?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredRating {
                src: StoredAccount(r.get(0)?),
                dst: StoredAccount(r.get(1)?),
                at: time_from_key(r.get(2)?),
                value: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn claim_records(&self) -> Result<(Vec<ClaimRecord>, Vec<VerdictRecord>)> {
        Ok((
            self.read_rows(crate::claims::SELECT_CLAIMS, [], crate::claims::read_claim)?,
            self.read_rows(
                crate::claims::SELECT_VERDICTS,
                [],
                crate::claims::read_verdict,
            )?,
        ))
    }

    fn groups(&self) -> Result<Vec<StoredGroup>> {
        let mut stmt = self.conn.prepare(crate::sql::GROUPS)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().map(crate::sql::stored_group).collect())
    }

    fn campaign_members(&self) -> Result<Vec<CampaignMember>> {
        let mut stmt = self.conn.prepare(
            "SELECT campaign, member, code FROM conversions
             GROUP BY campaign, member, code ORDER BY campaign, member, code",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(crate::sql::campaign_members(rows))
    }

    fn create_campaign(&mut self, c: &Campaign) -> Result<bool> {
        let n = self.conn.execute(
            &campaigns::for_sqlite(campaigns::INSERT_CAMPAIGN),
            params![
                c.name,
                c.brand,
                c.brief,
                c.objective.name(),
                c.start.epoch_ms(),
                c.end.epoch_ms(),
                c.budget,
                c.currency,
                c.destination,
                json_list(&c.hashtags),
                json_list(&c.disclosure),
                c.webhook_secret,
                c.created_at.epoch_ms(),
            ],
        )?;
        Ok(n == 1)
    }

    fn campaigns(&self) -> Result<Vec<Campaign>> {
        self.read_rows(campaigns::SELECT_CAMPAIGNS, [], campaigns::campaign_of)
    }

    fn put_members(&mut self, campaign: &str, members: &[Member]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(&campaigns::for_sqlite(campaigns::UPSERT_MEMBER))?;
            for m in members {
                stmt.execute(params![
                    campaign,
                    m.account.as_str(),
                    m.role.name(),
                    m.fee,
                    m.status.name(),
                    m.link,
                    m.promo_code,
                    m.predicted_reach,
                ])
                .map_err(|e| taken(e, m))?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn members(&self, campaign: &str) -> Result<Vec<Member>> {
        self.read_rows(campaigns::SELECT_MEMBERS, [campaign], campaigns::member_of)
    }

    fn links(&self) -> Result<Vec<(String, String, String)>> {
        self.read_rows(campaigns::SELECT_LINKS, [], |r| {
            Ok((r.text(0)?, r.text(1)?, r.text(2)?))
        })
    }

    fn add_clicks(&mut self, clicks: &[Click]) -> Result<Vec<i64>> {
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(clicks.len());
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO clicks (campaign, member, at, visitor, not_counted)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for c in clicks {
                stmt.execute(params![
                    c.campaign,
                    c.member.as_str(),
                    c.at.epoch_ms(),
                    c.visitor as i64,
                    c.not_counted.map(|n| n.name()),
                ])?;
                ids.push(tx.last_insert_rowid());
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    fn click_count(&self, campaign: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM clicks WHERE campaign = ?1",
            [campaign],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    fn clicks(&self, campaign: &str) -> Result<StoredClicks> {
        let mut stmt = self
            .conn
            .prepare_cached(&campaigns::for_sqlite(campaigns::SELECT_CLICKS))?;
        let mut rows = stmt.query([campaign])?;
        let mut reader = campaigns::ClickReader::default();
        while let Some(r) = rows.next()? {
            reader.push(
                r.get(0)?,
                r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?,
                r.get(2)?,
                r.get(3)?,
                r.get_ref(4)?
                    .as_str_or_null()
                    .map_err(rusqlite::Error::from)?,
            )?;
        }
        Ok(reader.finish())
    }

    fn add_orders(&mut self, orders: &[Order]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut added = 0;
        {
            let mut stmt = tx.prepare(&campaigns::for_sqlite(campaigns::INSERT_ORDER))?;
            for o in orders {
                added += stmt.execute(params![
                    o.campaign,
                    o.order_id,
                    o.at.epoch_ms(),
                    o.value,
                    o.original_currency,
                    o.original_value,
                    o.rate,
                    o.code,
                    o.click,
                    o.member.as_ref().map(AccountId::as_str),
                    o.source.name(),
                ])?;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    fn orders(&self, campaign: &str) -> Result<Vec<Order>> {
        let mut out = self.read_rows(campaigns::SELECT_ORDERS, [campaign], campaigns::order_of)?;
        out.extend(self.read_rows(
            campaigns::SELECT_IMPORTED,
            [campaign],
            campaigns::imported_order,
        )?);
        Ok(out)
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.conn, key, value)
    }
}

/// Sets a `meta` value, on the store's connection or inside an import's transaction.
fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

struct SqliteImport<'c> {
    tx: Transaction<'c>,
    /// External id -> idx, for the accounts this import has touched. Fx hashing: ids are not
    /// adversarial here (a local import), and SipHash was a tenth of the import's time.
    interned: FxHashMap<String, i64>,
    /// Edges waiting to be written many rows per statement (see `EdgeTable`).
    pending: [Vec<[rusqlite::types::Value; 6]>; 4],
    /// The idx the next new account gets.
    next_idx: i64,
    /// The store held no accounts when the import began: an id not interned yet is new, and
    /// needs no lookup.
    started_empty: bool,
}

/// The edge tables written in batches: one `INSERT` of `ROWS_PER_INSERT` rows costs far less
/// than as many single-row statements (measured: the store's share of importing
/// soc-Slashdot0902 falls by about half).
#[derive(Clone, Copy)]
enum EdgeTable {
    Follows = 0,
    Interactions = 1,
    Ratings = 2,
    /// New bare accounts (idx, id, platform): flushed before anything reads accounts.
    Accounts = 3,
}

impl EdgeTable {
    /// Accounts first, so that every edge's endpoints exist when it lands.
    const ALL: [Self; 4] = [
        Self::Accounts,
        Self::Follows,
        Self::Interactions,
        Self::Ratings,
    ];

    /// Columns written, the row shape padded to 6 values.
    fn width(self) -> usize {
        match self {
            Self::Follows | Self::Accounts => 3,
            Self::Interactions => 6,
            Self::Ratings => 4,
        }
    }

    fn sql(self, rows: usize) -> String {
        let width = self.width();
        let tuple = format!("({})", vec!["?"; width].join(","));
        let values = vec![tuple.as_str(); rows].join(",");
        match self {
            Self::Follows => format!("INSERT OR IGNORE INTO follows (src, dst, at) VALUES {values}"),
            Self::Accounts => format!("INSERT INTO accounts (idx, id, platform) VALUES {values}"),
            Self::Interactions => format!(
                "INSERT OR IGNORE INTO interactions (src, dst, kind, at, post, weight) VALUES {values}"
            ),
            Self::Ratings => format!(
                "INSERT INTO ratings (src, dst, at, value) VALUES {values}
                 ON CONFLICT (src, dst, at) DO UPDATE SET value = excluded.value"
            ),
        }
    }
}

impl SqliteImport<'_> {
    fn queue(&mut self, table: EdgeTable, row: [rusqlite::types::Value; 6]) -> Result<()> {
        let pending = &mut self.pending[table as usize];
        pending.push(row);
        if pending.len() == ROWS_PER_INSERT {
            self.flush(table)?;
        }
        Ok(())
    }

    /// Writes the queued rows of `table`, in the order they were queued.
    fn flush(&mut self, table: EdgeTable) -> Result<()> {
        let rows = std::mem::take(&mut self.pending[table as usize]);
        if rows.is_empty() {
            return Ok(());
        }
        let width = table.width();
        let mut stmt = self.tx.prepare_cached(&table.sql(rows.len()))?;
        let values = rows.iter().flat_map(|r| r[..width].iter());
        stmt.execute(rusqlite::params_from_iter(values))?;
        let mut rows = rows;
        rows.clear();
        self.pending[table as usize] = rows;
        Ok(())
    }

    fn flush_all(&mut self) -> Result<()> {
        for table in EdgeTable::ALL {
            self.flush(table)?;
        }
        Ok(())
    }

    /// The idx of an account, creating a bare account if it is new.
    fn intern(&mut self, id: &AccountId) -> Result<i64> {
        if let Some(&idx) = self.interned.get(id.as_str()) {
            return Ok(idx);
        }
        let found: Option<i64> = if self.started_empty {
            None
        } else {
            self.tx
                .prepare_cached("SELECT idx FROM accounts WHERE id = ?1")?
                .query_row([id.as_str()], |r| r.get(0))
                .optional()?
        };
        let idx = match found {
            Some(idx) => idx,
            None => {
                let idx = self.next_idx;
                self.next_idx += 1;
                let platform = id.platform().map_or(Null, |p| p.to_owned().into());
                self.queue(
                    EdgeTable::Accounts,
                    [
                        idx.into(),
                        id.as_str().to_owned().into(),
                        platform,
                        Null,
                        Null,
                        Null,
                    ],
                )?;
                idx
            }
        };
        self.interned.insert(id.as_str().to_owned(), idx);
        Ok(idx)
    }

    fn put_account(&mut self, a: &Account) -> Result<()> {
        // A bare account queued earlier must exist before the upsert reads it.
        self.flush(EdgeTable::Accounts)?;
        let idx: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO accounts (id, platform, handle, name, followers, following,
                     posts_count, created_at, bio, verified, lang, is_brand, listed, likes_given)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT (id) DO UPDATE SET
                     platform    = COALESCE(excluded.platform, platform),
                     handle      = COALESCE(excluded.handle, handle),
                     name        = COALESCE(excluded.name, name),
                     followers   = COALESCE(excluded.followers, followers),
                     following   = COALESCE(excluded.following, following),
                     posts_count = COALESCE(excluded.posts_count, posts_count),
                     created_at  = COALESCE(excluded.created_at, created_at),
                     bio         = COALESCE(excluded.bio, bio),
                     verified    = COALESCE(excluded.verified, verified),
                     lang        = COALESCE(excluded.lang, lang),
                     is_brand    = COALESCE(excluded.is_brand, is_brand),
                     listed      = COALESCE(excluded.listed, listed),
                     likes_given = COALESCE(excluded.likes_given, likes_given)
                 RETURNING idx",
            )?
            .query_row(
                params![
                    a.id.as_str(),
                    a.platform,
                    a.handle,
                    a.name,
                    count(a.followers),
                    count(a.following),
                    count(a.posts_count),
                    a.created_at.map(Timestamp::epoch_ms),
                    a.bio,
                    a.verified,
                    a.lang,
                    a.is_brand,
                    count(a.listed),
                    count(a.likes_given),
                ],
                |r| r.get(0),
            )?;
        // A new account took the next rowid: bare accounts allocated later must not reuse it.
        self.next_idx = self.next_idx.max(idx + 1);
        self.interned.insert(a.id.as_str().to_owned(), idx);
        Ok(())
    }
}

impl SqliteImport<'_> {
    /// Makes sure a group named by a post or a membership has its row.
    fn known_group(&mut self, group: &GroupId) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO groups (id) VALUES (?1) ON CONFLICT (id) DO NOTHING")?
            .execute(params![group.as_str()])?;
        Ok(())
    }
}

impl ImportTx for SqliteImport<'_> {
    fn put(&mut self, record: &Record) -> Result<()> {
        match record {
            Record::Account(a) => self.put_account(a)?,
            Record::Follow(f) => {
                let (src, dst) = (self.intern(&f.src)?, self.intern(&f.dst)?);
                self.queue(
                    EdgeTable::Follows,
                    [
                        src.into(),
                        dst.into(),
                        time_key(f.at).into(),
                        Null,
                        Null,
                        Null,
                    ],
                )?;
            }
            Record::Interaction(i) => {
                let (src, dst) = (self.intern(&i.src)?, self.intern(&i.dst)?);
                let post = i
                    .post
                    .as_ref()
                    .map_or(Null, |p| p.as_str().to_owned().into());
                self.queue(
                    EdgeTable::Interactions,
                    [
                        src.into(),
                        dst.into(),
                        i64::from(i.kind.code()).into(),
                        time_key(i.at).into(),
                        post,
                        i.weight.into(),
                    ],
                )?;
            }
            Record::Rating(r) => {
                let (src, dst) = (self.intern(&r.src)?, self.intern(&r.dst)?);
                self.queue(
                    EdgeTable::Ratings,
                    [
                        src.into(),
                        dst.into(),
                        time_key(r.at).into(),
                        r.value.into(),
                        Null,
                        Null,
                    ],
                )?;
            }
            Record::Conversion(c) => {
                let member = self.intern(&c.member)?;
                self.tx
                    .prepare_cached(
                        "INSERT INTO conversions (campaign, member, kind, at, code, value_eur)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                         ON CONFLICT DO UPDATE SET value_eur = COALESCE(excluded.value_eur, value_eur)",
                    )?
                    .execute(params![
                        c.campaign,
                        member,
                        c.kind,
                        time_key(c.at),
                        c.code.as_deref().unwrap_or(""),
                        c.value_eur
                    ])?;
            }
            Record::Claim(c) => {
                let (id, kind, value, title) = crate::claims::claim_row(c);
                self.tx
                    .prepare_cached(&campaigns::for_sqlite(crate::claims::UPSERT_CLAIM))?
                    .execute(params![id, kind, value, title])?;
            }
            Record::Verdict(v) => {
                let (claim, source, verdict, url, at) = crate::claims::verdict_row(v);
                self.tx
                    .prepare_cached(&campaigns::for_sqlite(crate::claims::UPSERT_VERDICT))?
                    .execute(params![claim, source, verdict, url, at])?;
            }
            Record::Group(g) => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO groups (id, name, description, members, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (id) DO UPDATE SET
                             name        = COALESCE(excluded.name, name),
                             description = COALESCE(excluded.description, description),
                             members     = COALESCE(excluded.members, members),
                             created_at  = COALESCE(excluded.created_at, created_at)",
                    )?
                    .execute(params![
                        g.id.as_str(),
                        g.name,
                        g.description,
                        count(g.members),
                        g.created_at.map(Timestamp::epoch_ms)
                    ])?;
            }
            Record::Deletion(d) => {
                // Interactions queued by this import must be in the table to be deleted.
                self.flush_all()?;
                let author: Option<i64> = match self.interned.get(d.author.as_str()) {
                    Some(&idx) => Some(idx),
                    None => self
                        .tx
                        .prepare_cached("SELECT idx FROM accounts WHERE id = ?1")?
                        .query_row([d.author.as_str()], |r| r.get(0))
                        .optional()?,
                };
                // An author the store never saw has nothing here to delete.
                if let Some(author) = author {
                    self.tx
                        .prepare_cached(crate::sql::DELETE_POST_INTERACTIONS_SQLITE)?
                        .execute(params![
                            author,
                            d.post.as_str(),
                            i64::from(InteractionKind::Like.code())
                        ])?;
                    self.tx
                        .prepare_cached("DELETE FROM posts WHERE id = ?1 AND author = ?2")?
                        .execute(params![d.post.as_str(), author])?;
                }
            }
            Record::Membership(m) => {
                let account = self.intern(&m.account)?;
                self.known_group(&m.group)?;
                self.tx
                    .prepare_cached(
                        "INSERT INTO memberships (grp, account, at) VALUES (?1, ?2, ?3)
                         ON CONFLICT DO UPDATE SET at = COALESCE(at, excluded.at)",
                    )?
                    .execute(params![
                        m.group.as_str(),
                        account,
                        m.at.map(Timestamp::epoch_ms)
                    ])?;
            }
            Record::Post(p) => {
                let author = self.intern(&p.author)?;
                if let Some(g) = &p.group {
                    self.known_group(g)?;
                }
                let mentions: Vec<&str> = p.mentions.iter().map(AccountId::as_str).collect();
                let written = self
                    .tx
                    .prepare_cached(
                        "INSERT INTO posts (id, author, at, text, lang, reply_to, share_of, quote_of,
                             mentions, hashtags, urls, likes, shares, replies, views, source, grp)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                                 ?16, ?17)
                         ON CONFLICT (id) DO UPDATE SET
                             author   = excluded.author,
                             at       = COALESCE(excluded.at, at),
                             text     = COALESCE(excluded.text, text),
                             lang     = COALESCE(excluded.lang, lang),
                             reply_to = COALESCE(excluded.reply_to, reply_to),
                             share_of = COALESCE(excluded.share_of, share_of),
                             quote_of = COALESCE(excluded.quote_of, quote_of),
                             mentions = COALESCE(excluded.mentions, mentions),
                             hashtags = COALESCE(excluded.hashtags, hashtags),
                             urls     = COALESCE(excluded.urls, urls),
                             likes    = COALESCE(excluded.likes, likes),
                             shares   = COALESCE(excluded.shares, shares),
                             replies  = COALESCE(excluded.replies, replies),
                             views    = COALESCE(excluded.views, views),
                             source   = COALESCE(excluded.source, source),
                             grp      = COALESCE(excluded.grp, grp)
                         WHERE author = excluded.author",
                    )?
                    .execute(params![
                        p.id.as_str(),
                        author,
                        p.at.map(Timestamp::epoch_ms),
                        p.text,
                        p.lang,
                        p.reply_to.as_ref().map(|x| x.as_str()),
                        p.share_of.as_ref().map(|x| x.as_str()),
                        p.quote_of.as_ref().map(|x| x.as_str()),
                        json_list(&mentions),
                        json_list(&p.hashtags),
                        json_list(&p.urls),
                        count(p.likes),
                        count(p.shares),
                        count(p.replies),
                        count(p.views),
                        p.source,
                        p.group.as_ref().map(|g| g.as_str()),
                    ])?;
                if written == 0 {
                    let stored: String = self.tx.query_row(
                        "SELECT a.id FROM posts p JOIN accounts a ON a.idx = p.author
                         WHERE p.id = ?1",
                        [p.id.as_str()],
                        |r| r.get(0),
                    )?;
                    return Err(crate::error::other_author(
                        p.id.as_str(),
                        &stored,
                        p.author.as_str(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.tx, key, value)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush_all()?;
        self.tx.execute(crate::sql::COUNT_IMPORT, [])?;
        self.tx.commit()?;
        Ok(())
    }
}
