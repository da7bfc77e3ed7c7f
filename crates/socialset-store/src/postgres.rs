//! The PostgreSQL store (the `postgres` crate, synchronous): the same `Store` as SQLite, for
//! teams that run a database server. Same schema and the same rules: accounts interned to an
//! `idx` the edges refer to, a missing time kept as `NO_TIME` in edge keys, an account's
//! known values never replaced by missing ones, an import in one transaction.

use std::sync::Mutex;

use postgres::types::ToSql;
use postgres::{Client, NoTls, Transaction};
use rustc_hash::FxHashMap;
use socialset_model::{
    Account, AccountId, Campaign, ClaimRecord, Click, InteractionKind, Member, Order, PostId,
    PostKind, Record, Timestamp, VerdictRecord,
};

use crate::campaigns::{self, Cells};
use crate::sql::{count, json_list, json_strings, time_from_key, time_key, ROWS_PER_INSERT};
use crate::{
    CampaignMember, Counts, Error, ImportTx, Result, Store, StoredAccount, StoredClicks,
    StoredFollow, StoredGroup, StoredInteraction, StoredPost, StoredRating,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS accounts (
    idx BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, platform TEXT, handle TEXT, name TEXT,
    followers BIGINT, following BIGINT, posts_count BIGINT, created_at BIGINT, bio TEXT,
    verified BOOLEAN, lang TEXT, is_brand BOOLEAN, listed BIGINT, likes_given BIGINT);
CREATE TABLE IF NOT EXISTS follows (
    src BIGINT NOT NULL, dst BIGINT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (src, dst));
CREATE TABLE IF NOT EXISTS posts (
    idx BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, author BIGINT NOT NULL, at BIGINT,
    text TEXT, lang TEXT, reply_to TEXT, share_of TEXT, quote_of TEXT, mentions TEXT,
    hashtags TEXT, urls TEXT, likes BIGINT, shares BIGINT, replies BIGINT, views BIGINT,
    source TEXT);
CREATE INDEX IF NOT EXISTS posts_author ON posts (author);
CREATE TABLE IF NOT EXISTS interactions (
    src BIGINT NOT NULL, dst BIGINT NOT NULL, kind SMALLINT NOT NULL, at BIGINT NOT NULL,
    post TEXT, weight DOUBLE PRECISION NOT NULL, PRIMARY KEY (src, dst, kind, at));
CREATE TABLE IF NOT EXISTS ratings (
    src BIGINT NOT NULL, dst BIGINT NOT NULL, at BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL, PRIMARY KEY (src, dst, at));
CREATE TABLE IF NOT EXISTS conversions (
    campaign TEXT NOT NULL, member BIGINT NOT NULL, kind TEXT NOT NULL, at BIGINT NOT NULL,
    code TEXT NOT NULL, value_eur DOUBLE PRECISION,
    PRIMARY KEY (campaign, member, kind, at, code));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups (
    id TEXT PRIMARY KEY, name TEXT, description TEXT, members BIGINT, created_at BIGINT);
CREATE TABLE IF NOT EXISTS memberships (
    grp TEXT NOT NULL, account BIGINT NOT NULL, at BIGINT, PRIMARY KEY (grp, account));
ALTER TABLE posts ADD COLUMN IF NOT EXISTS grp TEXT;
CREATE INDEX IF NOT EXISTS posts_grp ON posts (grp);
";

/// A store in a PostgreSQL database.
pub struct PostgresStore {
    client: Mutex<Client>,
    url: String,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL without its password.
        let shown = match self.url.split_once('@') {
            Some((before, after)) => format!(
                "{}@{after}",
                before.split(':').take(2).collect::<Vec<_>>().join(":")
            ),
            None => self.url.clone(),
        };
        f.debug_struct("PostgresStore")
            .field("url", &shown)
            .finish()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (postgres://user[:password]@host[:port]/db) and
    /// creates the tables if needed. A `schema=NAME` parameter in the URL (ours, not libpq's)
    /// keeps the store in that schema of the database, created if needed: one database can
    /// hold many stores (the server's workspaces).
    pub fn connect(url: &str) -> Result<Self> {
        let (server_url, schema) = split_schema(url)?;
        let mut client = connect_client(&server_url)?;
        // Two connections creating the same tables at once would race in the catalogue:
        // they take turns.
        let in_schema = match &schema {
            Some(s) => format!("CREATE SCHEMA IF NOT EXISTS \"{s}\"; SET search_path TO \"{s}\";"),
            None => String::new(),
        };
        client.batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({SCHEMA_LOCK}); {in_schema} {SCHEMA} {} {} COMMIT;",
            campaigns::POSTGRES_TABLES,
            crate::claims::POSTGRES_TABLES
        ))?;
        Ok(Self {
            client: Mutex::new(client),
            url: url.to_owned(),
        })
    }

    /// The rows of `sql`, each read by `read`.
    fn read_rows<T>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        read: impl Fn(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.client()
            .query(sql, params)?
            .iter()
            .map(|r| read(r))
            .collect()
    }

    fn client(&self) -> std::sync::MutexGuard<'_, Client> {
        self.client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A client of the server at `url`; a failure names the server without the credentials.
fn connect_client(url: &str) -> Result<Client> {
    Client::connect(url, NoTls).map_err(|source| Error::Connect {
        url: url.split('@').next_back().unwrap_or(url).to_owned(),
        source,
    })
}

/// Drops and creates the database `name` on the server of `url` (whose own database is used
/// to connect), and gives the new database's URL: empty stores for tests and set-up scripts.
pub fn recreate_database(url: &str, name: &str) -> Result<String> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Error::BadUrl {
            url: name.to_owned(),
            reason: "a database name is lowercase letters, digits and _".into(),
        });
    }
    let (server_url, _) = split_schema(url)?;
    let mut admin = connect_client(&server_url)?;
    // One statement each: a batch of several runs as a transaction, which these refuse.
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))?;
    admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let server = server_url.split('?').next().unwrap_or(&server_url);
    let (server, _) = server.rsplit_once('/').ok_or_else(|| Error::BadUrl {
        url: server.split('@').next_back().unwrap_or(server).to_owned(),
        reason: "no database named in the URL (postgres://user@host:port/DATABASE)".into(),
    })?;
    Ok(format!("{server}/{name}"))
}

/// The advisory lock taken while creating tables ("sset" in ASCII).
const SCHEMA_LOCK: i64 = 0x7373_6574;

/// The URL without our `schema` parameter, and the schema it names (checked: lowercase
/// letters, digits, `_` and `-`, at most 63 bytes, PostgreSQL's limit).
fn split_schema(url: &str) -> Result<(String, Option<String>)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), None));
    };
    let mut schema = None;
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.strip_prefix("schema=") {
            Some(name) => schema = Some(name.to_owned()),
            None => rest.push(pair),
        }
    }
    if let Some(name) = &schema {
        let ok = (1..=63).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !ok {
            return Err(Error::BadUrl {
                url: base.split('@').next_back().unwrap_or(base).to_owned(),
                reason: format!(
                    "schema {name:?} must be 1 to 63 lowercase letters, digits, _ or -"
                ),
            });
        }
    }
    let url = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, schema))
}

fn u64_of(v: Option<i64>) -> Option<u64> {
    v.map(|x| x as u64)
}

impl Store for PostgresStore {
    fn begin_import(&mut self) -> Result<Box<dyn ImportTx + '_>> {
        let client = self
            .client
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut tx = client.transaction()?;
        // One import at a time: account indices are handed out from the largest stored.
        tx.batch_execute("LOCK TABLE accounts IN EXCLUSIVE MODE")?;
        let max_idx: i64 = tx
            .query_one("SELECT COALESCE(MAX(idx), 0) FROM accounts", &[])?
            .get(0);
        Ok(Box::new(PostgresImport {
            tx,
            interned: FxHashMap::default(),
            next_idx: max_idx + 1,
            started_empty: max_idx == 0,
            accounts: Vec::new(),
            updates: Vec::new(),
            update_of: FxHashMap::default(),
            follows: Vec::new(),
            interactions: Vec::new(),
            ratings: Vec::new(),
        }))
    }

    fn counts(&self) -> Result<Counts> {
        let row = self.client().query_one(
            "SELECT (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM follows),
                    (SELECT COUNT(*) FROM posts), (SELECT COUNT(*) FROM interactions),
                    (SELECT COUNT(*) FROM ratings), (SELECT COUNT(*) FROM conversions),
                    (SELECT COUNT(*) FROM claims), (SELECT COUNT(*) FROM verdicts)",
            &[],
        )?;
        let n = |i: usize| row.get::<_, i64>(i) as u64;
        Ok(Counts {
            accounts: n(0),
            follows: n(1),
            posts: n(2),
            interactions: n(3),
            ratings: n(4),
            conversions: n(5),
            claims: n(6),
            verdicts: n(7),
        })
    }

    fn account_ids(&self) -> Result<Vec<(StoredAccount, AccountId)>> {
        let rows = self
            .client()
            .query("SELECT idx, id FROM accounts ORDER BY idx", &[])?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    StoredAccount(r.get(0)),
                    AccountId::new(r.get::<_, String>(1)),
                )
            })
            .collect())
    }

    fn accounts(&self) -> Result<Vec<(StoredAccount, Account)>> {
        let rows = self.client().query(
            "SELECT idx, id, platform, handle, name, followers, following, posts_count,
                    created_at, bio, verified, lang, is_brand, listed, likes_given
             FROM accounts ORDER BY idx",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    StoredAccount(r.get(0)),
                    Account {
                        id: AccountId::new(r.get::<_, String>(1)),
                        platform: r.get(2),
                        handle: r.get(3),
                        name: r.get(4),
                        followers: u64_of(r.get(5)),
                        following: u64_of(r.get(6)),
                        posts_count: u64_of(r.get(7)),
                        created_at: r
                            .get::<_, Option<i64>>(8)
                            .and_then(Timestamp::from_epoch_ms),
                        bio: r.get(9),
                        verified: r.get(10),
                        lang: r.get(11),
                        is_brand: r.get(12),
                        listed: u64_of(r.get(13)),
                        likes_given: u64_of(r.get(14)),
                    },
                )
            })
            .collect())
    }

    fn interactions(&self) -> Result<Vec<StoredInteraction>> {
        let rows = self.client().query(
            "SELECT src, dst, kind, at, weight, post FROM interactions
             ORDER BY src, dst, kind, at",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                let code: i16 = r.get(2);
                let kind = u8::try_from(code)
                    .ok()
                    .and_then(InteractionKind::from_code)
                    .ok_or_else(|| Error::Corrupt {
                        what: "interaction kind",
                        detail: code.to_string(),
                    })?;
                Ok(StoredInteraction {
                    src: StoredAccount(r.get(0)),
                    dst: StoredAccount(r.get(1)),
                    kind,
                    at: time_from_key(r.get(3)),
                    weight: r.get(4),
                    post: r.get::<_, Option<String>>(5).map(PostId::new),
                })
            })
            .collect()
    }

    fn follows(&self) -> Result<Vec<StoredFollow>> {
        let rows = self
            .client()
            .query("SELECT src, dst, at FROM follows ORDER BY src, dst", &[])?;
        Ok(rows
            .iter()
            .map(|r| StoredFollow {
                src: StoredAccount(r.get(0)),
                dst: StoredAccount(r.get(1)),
                at: time_from_key(r.get(2)),
            })
            .collect())
    }

    fn each_post(&self, f: &mut dyn FnMut(StoredPost) -> Result<()>) -> Result<()> {
        let rows = self.client().query(
            "SELECT id, author, at, text, hashtags, reply_to, share_of, quote_of, urls, likes,
                    shares, source, mentions, lang, replies, views, grp
             FROM posts ORDER BY idx",
            &[],
        )?;
        let posts = rows.iter().map(|r| -> Result<StoredPost> {
            let urls = json_strings(r.get(8), "post urls")?;
            let reply_to: Option<String> = r.get(5);
            let share_of: Option<String> = r.get(6);
            let quote_of: Option<String> = r.get(7);
            Ok(StoredPost {
                id: PostId::new(r.get::<_, String>(0)),
                author: StoredAccount(r.get(1)),
                at: r
                    .get::<_, Option<i64>>(2)
                    .and_then(Timestamp::from_epoch_ms),
                text: r.get(3),
                hashtags: json_strings(r.get(4), "post hashtags")?,
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
                mentions: json_strings(r.get(12), "post mentions")?,
                likes: u64_of(r.get(9)),
                shares: u64_of(r.get(10)),
                source: r.get(11),
                lang: r.get(13),
                replies: u64_of(r.get(14)),
                views: u64_of(r.get(15)),
                group: r.get(16),
            })
        });
        for p in posts {
            f(p?)?;
        }
        Ok(())
    }

    fn rating_values(&self) -> Result<Vec<f64>> {
        let rows = self
            .client()
            .query("SELECT value FROM ratings ORDER BY src, dst, at", &[])?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn ratings(&self) -> Result<Vec<StoredRating>> {
        let rows = self.client().query(
            "SELECT src, dst, at, value FROM ratings ORDER BY src, dst, at",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| StoredRating {
                src: StoredAccount(r.get(0)),
                dst: StoredAccount(r.get(1)),
                at: time_from_key(r.get(2)),
                value: r.get(3),
            })
            .collect())
    }

    fn claim_records(&self) -> Result<(Vec<ClaimRecord>, Vec<VerdictRecord>)> {
        Ok((
            self.read_rows(crate::claims::SELECT_CLAIMS, &[], crate::claims::read_claim)?,
            self.read_rows(
                crate::claims::SELECT_VERDICTS,
                &[],
                crate::claims::read_verdict,
            )?,
        ))
    }

    fn groups(&self) -> Result<Vec<StoredGroup>> {
        let rows = self.client().query(crate::sql::GROUPS, &[])?;
        Ok(rows
            .iter()
            .map(|r| {
                crate::sql::stored_group((
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                    r.get(7),
                    r.get(8),
                    r.get(9),
                ))
            })
            .collect())
    }

    fn campaign_members(&self) -> Result<Vec<CampaignMember>> {
        let rows = self.client().query(
            "SELECT campaign, member, code FROM conversions
             GROUP BY campaign, member, code ORDER BY campaign, member, code",
            &[],
        )?;
        Ok(crate::sql::campaign_members(
            rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))),
        ))
    }

    fn create_campaign(&mut self, c: &Campaign) -> Result<bool> {
        let n = self.client().execute(
            campaigns::INSERT_CAMPAIGN,
            &[
                &c.name,
                &c.brand,
                &c.brief,
                &c.objective.name(),
                &c.start.epoch_ms(),
                &c.end.epoch_ms(),
                &c.budget,
                &c.currency,
                &c.destination,
                &json_list(&c.hashtags),
                &json_list(&c.disclosure),
                &c.webhook_secret,
                &c.created_at.epoch_ms(),
            ],
        )?;
        Ok(n == 1)
    }

    fn campaigns(&self) -> Result<Vec<Campaign>> {
        self.read_rows(campaigns::SELECT_CAMPAIGNS, &[], campaigns::campaign_of)
    }

    fn put_members(&mut self, campaign: &str, members: &[Member]) -> Result<()> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        let stmt = tx.prepare(campaigns::UPSERT_MEMBER)?;
        for m in members {
            tx.execute(
                &stmt,
                &[
                    &campaign,
                    &m.account.as_str(),
                    &m.role.name(),
                    &m.fee,
                    &m.status.name(),
                    &m.link,
                    &m.promo_code,
                    &m.predicted_reach,
                ],
            )
            .map_err(|e| {
                if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
                    campaigns::taken(m)
                } else {
                    e.into()
                }
            })?;
        }
        tx.commit()?;
        Ok(())
    }

    fn members(&self, campaign: &str) -> Result<Vec<Member>> {
        self.read_rows(
            campaigns::SELECT_MEMBERS,
            &[&campaign],
            campaigns::member_of,
        )
    }

    fn links(&self) -> Result<Vec<(String, String, String)>> {
        self.read_rows(campaigns::SELECT_LINKS, &[], |r| {
            Ok((r.text(0)?, r.text(1)?, r.text(2)?))
        })
    }

    fn add_clicks(&mut self, clicks: &[Click]) -> Result<Vec<i64>> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        let stmt = tx.prepare(
            "INSERT INTO clicks (campaign, member, at, visitor, not_counted)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )?;
        let mut ids = Vec::with_capacity(clicks.len());
        for c in clicks {
            let row = tx.query_one(
                &stmt,
                &[
                    &c.campaign,
                    &c.member.as_str(),
                    &c.at.epoch_ms(),
                    &(c.visitor as i64),
                    &c.not_counted.map(|n| n.name()),
                ],
            )?;
            ids.push(row.try_get(0)?);
        }
        tx.commit()?;
        Ok(ids)
    }

    fn click_count(&self, campaign: &str) -> Result<u64> {
        let n: i64 = self
            .client()
            .query_one(
                "SELECT COUNT(*) FROM clicks WHERE campaign = $1",
                &[&campaign],
            )?
            .try_get(0)?;
        Ok(n as u64)
    }

    fn clicks(&self, campaign: &str) -> Result<StoredClicks> {
        let mut reader = campaigns::ClickReader::default();
        for r in self
            .client()
            .query(campaigns::SELECT_CLICKS, &[&campaign])?
        {
            reader.push(
                r.try_get(0)?,
                r.try_get::<_, &str>(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get::<_, Option<&str>>(4)?,
            )?;
        }
        Ok(reader.finish())
    }

    fn add_orders(&mut self, orders: &[Order]) -> Result<usize> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        let stmt = tx.prepare(campaigns::INSERT_ORDER)?;
        let mut added = 0;
        for o in orders {
            added += tx.execute(
                &stmt,
                &[
                    &o.campaign,
                    &o.order_id,
                    &o.at.epoch_ms(),
                    &o.value,
                    &o.original_currency,
                    &o.original_value,
                    &o.rate,
                    &o.code,
                    &o.click,
                    &o.member.as_ref().map(AccountId::as_str),
                    &o.source.name(),
                ],
            )? as usize;
        }
        tx.commit()?;
        Ok(added)
    }

    fn orders(&self, campaign: &str) -> Result<Vec<Order>> {
        let mut out =
            self.read_rows(campaigns::SELECT_ORDERS, &[&campaign], campaigns::order_of)?;
        out.extend(self.read_rows(
            campaigns::SELECT_IMPORTED,
            &[&campaign],
            campaigns::imported_order,
        )?);
        Ok(out)
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .client()
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        set_meta(&mut *self.client(), key, value)
    }
}

/// Sets a `meta` value, on the store's connection or inside an import's transaction.
fn set_meta(client: &mut impl postgres::GenericClient, key: &str, value: &str) -> Result<()> {
    client.execute(
        "INSERT INTO meta (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&key, &value],
    )?;
    Ok(())
}

struct PostgresImport<'c> {
    tx: Transaction<'c>,
    interned: FxHashMap<String, i64>,
    next_idx: i64,
    started_empty: bool,
    /// Rows waiting to be written many per statement.
    accounts: Vec<(i64, String, Option<String>)>,
    /// Account records waiting to be written, merged per account (`Account::merge_from`),
    /// with where each account's is: an account seen many times in a batch is one UPDATE,
    /// not one per record (the same row updated again and again in one transaction slows
    /// PostgreSQL down with every version).
    updates: Vec<(i64, Account)>,
    update_of: FxHashMap<i64, usize>,
    follows: Vec<(i64, i64, i64)>,
    interactions: Vec<(i64, i64, i16, i64, Option<String>, f64)>,
    ratings: Vec<(i64, i64, i64, f64)>,
}

/// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `rows` rows, then `tail`.
fn insert_sql(head: &str, width: usize, rows: usize, tail: &str) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", params.join(","))
        })
        .collect();
    format!("{head} VALUES {} {tail}", tuples.join(","))
}

impl PostgresImport<'_> {
    fn flush(&mut self) -> Result<()> {
        // Accounts first, so that every edge's endpoints exist when it lands.
        let accounts = std::mem::take(&mut self.accounts);
        if !accounts.is_empty() {
            let params: Vec<&(dyn ToSql + Sync)> = accounts
                .iter()
                .flat_map(|(a, b, c)| [a as &(dyn ToSql + Sync), b, c])
                .collect();
            let sql = insert_sql(
                "INSERT INTO accounts (idx, id, platform)",
                3,
                accounts.len(),
                "",
            );
            self.tx.execute(&sql, &params)?;
        }
        self.update_of.clear();
        for (idx, a) in std::mem::take(&mut self.updates) {
            self.update_account(idx, &a)?;
        }
        let follows = std::mem::take(&mut self.follows);
        if !follows.is_empty() {
            let params: Vec<&(dyn ToSql + Sync)> = follows
                .iter()
                .flat_map(|(a, b, c)| [a as &(dyn ToSql + Sync), b, c])
                .collect();
            let sql = insert_sql(
                "INSERT INTO follows (src, dst, at)",
                3,
                follows.len(),
                "ON CONFLICT DO NOTHING",
            );
            self.tx.execute(&sql, &params)?;
        }
        let interactions = std::mem::take(&mut self.interactions);
        if !interactions.is_empty() {
            let params: Vec<&(dyn ToSql + Sync)> = interactions
                .iter()
                .flat_map(|(a, b, c, d, e, f)| [a as &(dyn ToSql + Sync), b, c, d, e, f])
                .collect();
            let sql = insert_sql(
                "INSERT INTO interactions (src, dst, kind, at, post, weight)",
                6,
                interactions.len(),
                "ON CONFLICT DO NOTHING",
            );
            self.tx.execute(&sql, &params)?;
        }
        let ratings = std::mem::take(&mut self.ratings);
        if !ratings.is_empty() {
            // The same key twice in one statement cannot be upserted: the later value wins.
            let mut last: FxHashMap<(i64, i64, i64), usize> = FxHashMap::default();
            for (i, r) in ratings.iter().enumerate() {
                last.insert((r.0, r.1, r.2), i);
            }
            let kept: Vec<&(i64, i64, i64, f64)> = ratings
                .iter()
                .enumerate()
                .filter(|(i, r)| last.get(&(r.0, r.1, r.2)) == Some(i))
                .map(|(_, r)| r)
                .collect();
            let params: Vec<&(dyn ToSql + Sync)> = kept
                .iter()
                .flat_map(|(a, b, c, d)| [a as &(dyn ToSql + Sync), b, c, d])
                .collect();
            let sql = insert_sql(
                "INSERT INTO ratings (src, dst, at, value)",
                4,
                kept.len(),
                "ON CONFLICT (src, dst, at) DO UPDATE SET value = excluded.value",
            );
            self.tx.execute(&sql, &params)?;
        }
        Ok(())
    }

    fn maybe_flush(&mut self) -> Result<()> {
        let pending = self.accounts.len()
            + self.updates.len()
            + self.follows.len()
            + self.interactions.len()
            + self.ratings.len();
        if pending >= ROWS_PER_INSERT {
            self.flush()?;
        }
        Ok(())
    }

    fn intern(&mut self, id: &AccountId) -> Result<i64> {
        if let Some(&idx) = self.interned.get(id.as_str()) {
            return Ok(idx);
        }
        let found: Option<i64> = if self.started_empty {
            None
        } else {
            self.tx
                .query_opt("SELECT idx FROM accounts WHERE id = $1", &[&id.as_str()])?
                .map(|r| r.get(0))
        };
        let idx = match found {
            Some(idx) => idx,
            None => {
                let idx = self.next_idx;
                self.next_idx += 1;
                self.accounts.push((
                    idx,
                    id.as_str().to_owned(),
                    id.platform().map(str::to_owned),
                ));
                idx
            }
        };
        self.interned.insert(id.as_str().to_owned(), idx);
        Ok(idx)
    }

    fn put_account(&mut self, a: &Account) -> Result<()> {
        let idx = self.intern(&a.id)?;
        match self.update_of.get(&idx) {
            Some(&at) => self.updates[at].1.merge_from(a),
            None => {
                self.update_of.insert(idx, self.updates.len());
                self.updates.push((idx, a.clone()));
            }
        }
        self.maybe_flush()
    }

    /// Writes what `a` knows of the account at `idx`, keeping what it does not know.
    fn update_account(&mut self, idx: i64, a: &Account) -> Result<()> {
        self.tx.execute(
            "UPDATE accounts SET
                 platform    = COALESCE($2, platform),
                 handle      = COALESCE($3, handle),
                 name        = COALESCE($4, name),
                 followers   = COALESCE($5, followers),
                 following   = COALESCE($6, following),
                 posts_count = COALESCE($7, posts_count),
                 created_at  = COALESCE($8, created_at),
                 bio         = COALESCE($9, bio),
                 verified    = COALESCE($10, verified),
                 lang        = COALESCE($11, lang),
                 is_brand    = COALESCE($12, is_brand),
                 listed      = COALESCE($13, listed),
                 likes_given = COALESCE($14, likes_given)
             WHERE idx = $1",
            &[
                &idx,
                &a.platform,
                &a.handle,
                &a.name,
                &count(a.followers),
                &count(a.following),
                &count(a.posts_count),
                &a.created_at.map(Timestamp::epoch_ms),
                &a.bio,
                &a.verified,
                &a.lang,
                &a.is_brand,
                &count(a.listed),
                &count(a.likes_given),
            ],
        )?;
        Ok(())
    }
}

impl PostgresImport<'_> {
    /// Makes sure a group named by a post or a membership has its row.
    fn known_group(&mut self, group: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO groups (id) VALUES ($1) ON CONFLICT (id) DO NOTHING",
            &[&group],
        )?;
        Ok(())
    }
}

impl ImportTx for PostgresImport<'_> {
    fn put(&mut self, record: &Record) -> Result<()> {
        match record {
            Record::Account(a) => self.put_account(a)?,
            Record::Follow(f) => {
                let (src, dst) = (self.intern(&f.src)?, self.intern(&f.dst)?);
                self.follows.push((src, dst, time_key(f.at)));
            }
            Record::Interaction(i) => {
                let (src, dst) = (self.intern(&i.src)?, self.intern(&i.dst)?);
                self.interactions.push((
                    src,
                    dst,
                    i16::from(i.kind.code()),
                    time_key(i.at),
                    i.post.as_ref().map(|p| p.as_str().to_owned()),
                    i.weight,
                ));
            }
            Record::Rating(r) => {
                let (src, dst) = (self.intern(&r.src)?, self.intern(&r.dst)?);
                self.ratings.push((src, dst, time_key(r.at), r.value));
            }
            Record::Conversion(c) => {
                let member = self.intern(&c.member)?;
                self.flush()?;
                self.tx.execute(
                    "INSERT INTO conversions (campaign, member, kind, at, code, value_eur)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (campaign, member, kind, at, code)
                     DO UPDATE SET value_eur = COALESCE(excluded.value_eur, conversions.value_eur)",
                    &[
                        &c.campaign,
                        &member,
                        &c.kind,
                        &time_key(c.at),
                        &c.code.as_deref().unwrap_or(""),
                        &c.value_eur,
                    ],
                )?;
            }
            Record::Claim(c) => {
                let (id, kind, value, title) = crate::claims::claim_row(c);
                self.tx
                    .execute(crate::claims::UPSERT_CLAIM, &[&id, &kind, &value, &title])?;
            }
            Record::Verdict(v) => {
                let (claim, source, verdict, url, at) = crate::claims::verdict_row(v);
                self.tx.execute(
                    crate::claims::UPSERT_VERDICT,
                    &[&claim, &source, &verdict, &url, &at],
                )?;
            }
            Record::Group(g) => {
                self.tx.execute(
                    "INSERT INTO groups (id, name, description, members, created_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (id) DO UPDATE SET
                         name        = COALESCE(excluded.name, groups.name),
                         description = COALESCE(excluded.description, groups.description),
                         members     = COALESCE(excluded.members, groups.members),
                         created_at  = COALESCE(excluded.created_at, groups.created_at)",
                    &[
                        &g.id.as_str(),
                        &g.name,
                        &g.description,
                        &count(g.members),
                        &g.created_at.map(Timestamp::epoch_ms),
                    ],
                )?;
            }
            Record::Deletion(d) => {
                // Interactions queued by this import must be in the table to be deleted.
                self.flush()?;
                let author: Option<i64> = match self.interned.get(d.author.as_str()) {
                    Some(&idx) => Some(idx),
                    None => self
                        .tx
                        .query_opt(
                            "SELECT idx FROM accounts WHERE id = $1",
                            &[&d.author.as_str()],
                        )?
                        .map(|r| r.get(0)),
                };
                // An author the store never saw has nothing here to delete.
                if let Some(author) = author {
                    let like = i16::from(InteractionKind::Like.code());
                    self.tx.execute(
                        "DELETE FROM interactions WHERE src = $1 AND post = $2 AND kind <> $3",
                        &[&author, &d.post.as_str(), &like],
                    )?;
                    self.tx.execute(
                        "DELETE FROM posts WHERE id = $1 AND author = $2",
                        &[&d.post.as_str(), &author],
                    )?;
                }
            }
            Record::Membership(m) => {
                let account = self.intern(&m.account)?;
                self.flush()?;
                self.known_group(m.group.as_str())?;
                self.tx.execute(
                    "INSERT INTO memberships (grp, account, at) VALUES ($1, $2, $3)
                     ON CONFLICT (grp, account)
                     DO UPDATE SET at = COALESCE(memberships.at, excluded.at)",
                    &[&m.group.as_str(), &account, &m.at.map(Timestamp::epoch_ms)],
                )?;
            }
            Record::Post(p) => {
                let author = self.intern(&p.author)?;
                self.flush()?;
                if let Some(g) = &p.group {
                    self.known_group(g.as_str())?;
                }
                let mentions: Vec<&str> = p.mentions.iter().map(AccountId::as_str).collect();
                let written = self.tx.execute(
                    "INSERT INTO posts (id, author, at, text, lang, reply_to, share_of, quote_of,
                         mentions, hashtags, urls, likes, shares, replies, views, source, grp)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                             $17)
                     ON CONFLICT (id) DO UPDATE SET
                         author   = excluded.author,
                         at       = COALESCE(excluded.at, posts.at),
                         text     = COALESCE(excluded.text, posts.text),
                         lang     = COALESCE(excluded.lang, posts.lang),
                         reply_to = COALESCE(excluded.reply_to, posts.reply_to),
                         share_of = COALESCE(excluded.share_of, posts.share_of),
                         quote_of = COALESCE(excluded.quote_of, posts.quote_of),
                         mentions = COALESCE(excluded.mentions, posts.mentions),
                         hashtags = COALESCE(excluded.hashtags, posts.hashtags),
                         urls     = COALESCE(excluded.urls, posts.urls),
                         likes    = COALESCE(excluded.likes, posts.likes),
                         shares   = COALESCE(excluded.shares, posts.shares),
                         replies  = COALESCE(excluded.replies, posts.replies),
                         views    = COALESCE(excluded.views, posts.views),
                         source   = COALESCE(excluded.source, posts.source),
                         grp      = COALESCE(excluded.grp, posts.grp)
                     WHERE posts.author = excluded.author",
                    &[
                        &p.id.as_str(),
                        &author,
                        &p.at.map(Timestamp::epoch_ms),
                        &p.text,
                        &p.lang,
                        &p.reply_to.as_ref().map(|x| x.as_str()),
                        &p.share_of.as_ref().map(|x| x.as_str()),
                        &p.quote_of.as_ref().map(|x| x.as_str()),
                        &json_list(&mentions),
                        &json_list(&p.hashtags),
                        &json_list(&p.urls),
                        &count(p.likes),
                        &count(p.shares),
                        &count(p.replies),
                        &count(p.views),
                        &p.source,
                        &p.group.as_ref().map(|g| g.as_str()),
                    ],
                )?;
                if written == 0 {
                    let stored: String = self
                        .tx
                        .query_one(
                            "SELECT a.id FROM posts p JOIN accounts a ON a.idx = p.author
                             WHERE p.id = $1",
                            &[&p.id.as_str()],
                        )?
                        .get(0);
                    return Err(crate::error::other_author(
                        p.id.as_str(),
                        &stored,
                        p.author.as_str(),
                    ));
                }
            }
        }
        self.maybe_flush()
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        set_meta(&mut self.tx, key, value)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush()?;
        self.tx.execute(crate::sql::COUNT_IMPORT, &[])?;
        self.tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::split_schema;

    #[test]
    fn the_schema_parameter_is_ours_and_checked() {
        let (url, schema) = split_schema("postgres://u@h:5/db?schema=ws_acme").expect("ok");
        assert_eq!(
            (url.as_str(), schema.as_deref()),
            ("postgres://u@h:5/db", Some("ws_acme"))
        );
        let (url, schema) =
            split_schema("postgres://u@h/db?sslmode=disable&schema=a-b&connect_timeout=3")
                .expect("ok");
        assert_eq!(url, "postgres://u@h/db?sslmode=disable&connect_timeout=3");
        assert_eq!(schema.as_deref(), Some("a-b"));
        assert_eq!(split_schema("postgres://h/db").expect("ok").1, None);
        for bad in ["x\"; DROP", "", "UPPER", &"a".repeat(64)] {
            let err = split_schema(&format!("postgres://u:secret@h/db?schema={bad}"))
                .expect_err(bad)
                .to_string();
            assert!(err.contains("schema") && !err.contains("secret"), "{err}");
        }
    }
}
