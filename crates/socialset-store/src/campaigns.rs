//! Campaigns, their members, clicks and orders: the SQL and the row readers both backends
//! share (the SQL is written with `$n` placeholders; SQLite takes them as `?n`).

use socialset_model::{
    AccountId, Campaign, Member, MemberStatus, NotCounted, Objective, Order, OrderSource, Role,
    Timestamp,
};

use crate::sql::json_strings;
use crate::{Error, Result, StoredClick, StoredClicks};

/// Migration 4 on SQLite (PostgreSQL runs the same with its types in `postgres::SCHEMA`).
pub(crate) const SQLITE_TABLES: &str = "
CREATE TABLE campaigns (
    name TEXT PRIMARY KEY, brand TEXT NOT NULL, brief TEXT, objective TEXT NOT NULL,
    start_at INTEGER NOT NULL, end_at INTEGER NOT NULL, budget REAL NOT NULL,
    currency TEXT NOT NULL, destination TEXT NOT NULL, hashtags TEXT, disclosure TEXT,
    webhook_secret TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE campaign_members (
    campaign TEXT NOT NULL, account TEXT NOT NULL, role TEXT NOT NULL, fee REAL NOT NULL,
    status TEXT NOT NULL, link TEXT NOT NULL UNIQUE, promo_code TEXT NOT NULL,
    predicted_reach REAL, PRIMARY KEY (campaign, account));
CREATE UNIQUE INDEX campaign_members_code ON campaign_members (campaign, promo_code);
CREATE TABLE clicks (
    id INTEGER PRIMARY KEY, campaign TEXT NOT NULL, member TEXT NOT NULL, at INTEGER NOT NULL,
    visitor INTEGER NOT NULL, not_counted TEXT);
CREATE INDEX clicks_campaign ON clicks (campaign, id);
CREATE TABLE orders (
    campaign TEXT NOT NULL, order_id TEXT NOT NULL, at INTEGER NOT NULL, value REAL NOT NULL,
    original_currency TEXT NOT NULL, original_value REAL NOT NULL, rate REAL NOT NULL,
    code TEXT, click INTEGER, member TEXT, source TEXT NOT NULL,
    PRIMARY KEY (campaign, order_id));";

/// The same tables on PostgreSQL.
pub(crate) const POSTGRES_TABLES: &str = "
CREATE TABLE IF NOT EXISTS campaigns (
    name TEXT PRIMARY KEY, brand TEXT NOT NULL, brief TEXT, objective TEXT NOT NULL,
    start_at BIGINT NOT NULL, end_at BIGINT NOT NULL, budget DOUBLE PRECISION NOT NULL,
    currency TEXT NOT NULL, destination TEXT NOT NULL, hashtags TEXT, disclosure TEXT,
    webhook_secret TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS campaign_members (
    campaign TEXT NOT NULL, account TEXT NOT NULL, role TEXT NOT NULL,
    fee DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, link TEXT NOT NULL UNIQUE,
    promo_code TEXT NOT NULL, predicted_reach DOUBLE PRECISION,
    PRIMARY KEY (campaign, account));
CREATE UNIQUE INDEX IF NOT EXISTS campaign_members_code
    ON campaign_members (campaign, promo_code);
CREATE TABLE IF NOT EXISTS clicks (
    id BIGSERIAL PRIMARY KEY, campaign TEXT NOT NULL, member TEXT NOT NULL, at BIGINT NOT NULL,
    visitor BIGINT NOT NULL, not_counted TEXT);
CREATE INDEX IF NOT EXISTS clicks_campaign ON clicks (campaign, id);
CREATE TABLE IF NOT EXISTS orders (
    campaign TEXT NOT NULL, order_id TEXT NOT NULL, at BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL, original_currency TEXT NOT NULL,
    original_value DOUBLE PRECISION NOT NULL, rate DOUBLE PRECISION NOT NULL,
    code TEXT, click BIGINT, member TEXT, source TEXT NOT NULL,
    PRIMARY KEY (campaign, order_id));";

pub(crate) const INSERT_CAMPAIGN: &str = "INSERT INTO campaigns (name, brand, brief, objective,
    start_at, end_at, budget, currency, destination, hashtags, disclosure, webhook_secret,
    created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
    ON CONFLICT (name) DO NOTHING";

pub(crate) const SELECT_CAMPAIGNS: &str = "SELECT name, brand, brief, objective, start_at,
    end_at, budget, currency, destination, hashtags, disclosure, webhook_secret, created_at
    FROM campaigns ORDER BY created_at DESC, name";

/// Adds a member, or updates its role, fee, status and predicted reach (its link and promo
/// code stay as first given).
pub(crate) const UPSERT_MEMBER: &str = "INSERT INTO campaign_members (campaign, account, role,
    fee, status, link, promo_code, predicted_reach) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (campaign, account) DO UPDATE SET role = excluded.role, fee = excluded.fee,
    status = excluded.status,
    predicted_reach = COALESCE(excluded.predicted_reach, campaign_members.predicted_reach)";

pub(crate) const SELECT_MEMBERS: &str = "SELECT account, role, fee, status, link, promo_code,
    predicted_reach FROM campaign_members WHERE campaign = $1 ORDER BY role, account";

/// Every tracking link with its campaign and member (the redirect's table).
pub(crate) const SELECT_LINKS: &str =
    "SELECT link, campaign, account FROM campaign_members ORDER BY link";

pub(crate) const SELECT_CLICKS: &str = "SELECT id, member, at, visitor, not_counted
    FROM clicks WHERE campaign = $1 ORDER BY id";

pub(crate) const INSERT_ORDER: &str = "INSERT INTO orders (campaign, order_id, at, value,
    original_currency, original_value, rate, code, click, member, source)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING";

pub(crate) const SELECT_ORDERS: &str = "SELECT campaign, order_id, at, value, original_currency,
    original_value, rate, code, click, member, source FROM orders WHERE campaign = $1
    ORDER BY at, order_id";

/// The `conversion` records an import stored for a campaign, with their member's id; one
/// without a time counts at the campaign's start.
pub(crate) const SELECT_IMPORTED: &str = "SELECT c.campaign, a.id, c.kind,
    CASE WHEN c.at = -9223372036854775808 THEN k.start_at ELSE c.at END, c.code, c.value_eur
    FROM conversions c JOIN accounts a ON a.idx = c.member JOIN campaigns k ON k.name = c.campaign
    WHERE c.campaign = $1 ORDER BY 4, a.id";

/// `$n` placeholders as SQLite's `?n`.
pub(crate) fn for_sqlite(sql: &str) -> String {
    sql.replace('$', "?")
}

/// A stored row's cells, whichever backend read it.
pub(crate) trait Cells {
    fn text(&self, i: usize) -> Result<String>;
    fn opt_text(&self, i: usize) -> Result<Option<String>>;
    fn int(&self, i: usize) -> Result<i64>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>>;
    fn real(&self, i: usize) -> Result<f64>;
    fn opt_real(&self, i: usize) -> Result<Option<f64>>;
}

impl Cells for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<String> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.get(i)?)
    }
    fn int(&self, i: usize) -> Result<i64> {
        Ok(self.get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.get(i)?)
    }
    fn real(&self, i: usize) -> Result<f64> {
        Ok(self.get(i)?)
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>> {
        Ok(self.get(i)?)
    }
}

impl Cells for postgres::Row {
    fn text(&self, i: usize) -> Result<String> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.try_get(i)?)
    }
    fn int(&self, i: usize) -> Result<i64> {
        Ok(self.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.try_get(i)?)
    }
    fn real(&self, i: usize) -> Result<f64> {
        Ok(self.try_get(i)?)
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>> {
        Ok(self.try_get(i)?)
    }
}

fn corrupt(what: &'static str, detail: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        what,
        detail: detail.to_string(),
    }
}

fn time(ms: i64, what: &'static str) -> Result<Timestamp> {
    Timestamp::from_epoch_ms(ms).ok_or_else(|| corrupt(what, format!("time {ms} out of range")))
}

fn parsed<T: std::str::FromStr<Err = String>>(s: &str, what: &'static str) -> Result<T> {
    s.parse().map_err(|e| corrupt(what, e))
}

pub(crate) fn campaign_of(r: &dyn Cells) -> Result<Campaign> {
    const WHAT: &str = "campaign";
    Ok(Campaign {
        name: r.text(0)?,
        brand: r.text(1)?,
        brief: r.opt_text(2)?,
        objective: parsed::<Objective>(&r.text(3)?, WHAT)?,
        start: time(r.int(4)?, WHAT)?,
        end: time(r.int(5)?, WHAT)?,
        budget: r.real(6)?,
        currency: r.text(7)?,
        destination: r.text(8)?,
        hashtags: json_strings(r.opt_text(9)?, WHAT)?,
        disclosure: json_strings(r.opt_text(10)?, WHAT)?,
        webhook_secret: r.text(11)?,
        created_at: time(r.int(12)?, WHAT)?,
    })
}

pub(crate) fn member_of(r: &dyn Cells) -> Result<Member> {
    const WHAT: &str = "campaign member";
    Ok(Member {
        account: AccountId::new(r.text(0)?),
        role: parsed::<Role>(&r.text(1)?, WHAT)?,
        fee: r.real(2)?,
        status: parsed::<MemberStatus>(&r.text(3)?, WHAT)?,
        link: r.text(4)?,
        promo_code: r.text(5)?,
        predicted_reach: r.opt_real(6)?,
    })
}

/// Builds `StoredClicks` row by row: accounts interned, visitors hashed.
#[derive(Default)]
pub(crate) struct ClickReader {
    out: StoredClicks,
    index: rustc_hash::FxHashMap<String, u32>,
}

impl ClickReader {
    pub(crate) fn push(
        &mut self,
        id: i64,
        account: &str,
        at: i64,
        visitor: i64,
        not_counted: Option<&str>,
    ) -> Result<()> {
        const WHAT: &str = "click";
        let account = match self.index.get(account) {
            Some(&i) => i,
            None => {
                let i = self.out.accounts.len() as u32;
                self.out.accounts.push(account.to_owned());
                self.index.insert(account.to_owned(), i);
                i
            }
        };
        self.out.clicks.push(StoredClick {
            id,
            account,
            at: time(at, WHAT)?,
            // Stored as the same 64 bits, signed.
            visitor: visitor as u64,
            not_counted: not_counted
                .map(|s| parsed::<NotCounted>(s, WHAT))
                .transpose()?,
        });
        Ok(())
    }

    pub(crate) fn finish(self) -> StoredClicks {
        self.out
    }
}

pub(crate) fn order_of(r: &dyn Cells) -> Result<Order> {
    const WHAT: &str = "order";
    Ok(Order {
        campaign: r.text(0)?,
        order_id: r.text(1)?,
        at: time(r.int(2)?, WHAT)?,
        value: r.real(3)?,
        original_currency: r.text(4)?,
        original_value: r.real(5)?,
        rate: r.real(6)?,
        code: r.opt_text(7)?,
        click: r.opt_int(8)?,
        member: r.opt_text(9)?.map(AccountId::new),
        source: parsed::<OrderSource>(&r.text(10)?, WHAT)?,
    })
}

/// An imported `conversion` record as an order of its campaign, attributed to the member it
/// names; the record's value is in euros. Its order id is made from what keys it in the
/// store, so the same record imported twice is one order.
pub(crate) fn imported_order(r: &dyn Cells) -> Result<Order> {
    let (campaign, member, kind, code) = (r.text(0)?, r.text(1)?, r.text(2)?, r.text(4)?);
    let at = time(r.int(3)?, "conversion")?;
    let value = r.opt_real(5)?.unwrap_or(0.0);
    Ok(Order {
        order_id: format!("import:{member}:{kind}:{}:{code}", at.epoch_ms()),
        campaign,
        at,
        value,
        original_currency: "EUR".to_owned(),
        original_value: value,
        rate: 1.0,
        code: (!code.is_empty()).then(|| code.to_ascii_uppercase()),
        click: None,
        member: Some(AccountId::new(member)),
        source: OrderSource::Import,
    })
}

/// The refusal of a member whose tracking link or promo code another member already holds.
pub(crate) fn taken(m: &Member) -> Error {
    Error::Conflict(format!(
        "member {}: its link {} or promo code {} is already another member's",
        m.account, m.link, m.promo_code
    ))
}
