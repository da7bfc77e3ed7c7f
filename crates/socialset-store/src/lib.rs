//! The Store: where imported records live. SQLite, embedded, is the default; PostgreSQL is
//! the other backend, behind the same `Store` trait (`open` picks by the location given). This
//! is the only crate that knows SQL.

mod campaigns;
mod claims;
mod error;
mod postgres;
mod sql;
mod sqlite;

use socialset_model::{
    Account, AccountId, Campaign, ClaimRecord, Click, InteractionKind, Member, Order, PostId,
    PostKind, Record, Timestamp, VerdictRecord,
};

pub use error::{Error, Result};
pub use postgres::{recreate_database, PostgresStore};
pub use sqlite::{SqliteStore, SCHEMA_VERSION};

/// Opens the store at `location`: a PostgreSQL database for a `postgres://` or
/// `postgresql://` URL, else the SQLite file at that path (created if missing).
pub fn open(location: &str) -> Result<Box<dyn Store + Send>> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        Ok(Box::new(PostgresStore::connect(location)?))
    } else {
        Ok(Box::new(SqliteStore::open(std::path::Path::new(location))?))
    }
}

/// How many records of each type the store holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub accounts: u64,
    pub follows: u64,
    pub posts: u64,
    pub interactions: u64,
    pub ratings: u64,
    pub conversions: u64,
    /// Named claims and fact-check verdicts (claims files).
    pub claims: u64,
    pub verdicts: u64,
}

/// The store's own dense-ish handle for an account (SQLite's rowid). Stable for the life of
/// the store; not an external id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoredAccount(pub i64);

/// An interaction as the graph needs it: interned endpoints, no text.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredInteraction {
    pub src: StoredAccount,
    pub dst: StoredAccount,
    pub kind: InteractionKind,
    pub at: Option<Timestamp>,
    pub weight: f64,
    /// The post that carries the interaction, when known.
    pub post: Option<PostId>,
}

/// A follow as the graph needs it: `src` follows `dst`, since `at` when known.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoredFollow {
    pub src: StoredAccount,
    pub dst: StoredAccount,
    pub at: Option<Timestamp>,
}

/// A rating as trust analysis needs it: interned endpoints, the value on the source's scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoredRating {
    pub src: StoredAccount,
    pub dst: StoredAccount,
    pub value: f64,
    pub at: Option<Timestamp>,
}

/// A member of a campaign, as conversions name it.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignMember {
    pub campaign: String,
    pub member: StoredAccount,
    /// Tracking or discount codes its conversions carried.
    pub codes: Vec<String>,
}

/// A click as a report reads it: its member by index into `StoredClicks::accounts`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoredClick {
    pub id: i64,
    pub account: u32,
    pub at: Timestamp,
    pub visitor: u64,
    pub not_counted: Option<socialset_model::NotCounted>,
}

/// A campaign's clicks and the accounts they name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredClicks {
    pub accounts: Vec<String>,
    pub clicks: Vec<StoredClick>,
}

/// A group with what the store knows of it: what the platform said (name, description,
/// member count, creation) and the activity recorded in it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredGroup {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Members as the platform counts them.
    pub members: Option<u64>,
    pub created_at: Option<Timestamp>,
    /// Membership records stored for it.
    pub memberships: u64,
    /// Posts made in it, and by how many distinct accounts.
    pub posts: u64,
    pub posters: u64,
    pub first_post: Option<Timestamp>,
    pub last_post: Option<Timestamp>,
}

/// What analysis reads of a post.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPost {
    pub id: PostId,
    pub author: StoredAccount,
    pub at: Option<Timestamp>,
    pub text: Option<String>,
    /// Lower-case, without `#`.
    pub hashtags: Vec<String>,
    pub kind: PostKind,
    /// The post it replies to, when it is a reply (that post may not be in the store).
    pub reply_to: Option<PostId>,
    /// The post it shares, or quotes (either may not be in the store).
    pub share_of: Option<PostId>,
    pub quote_of: Option<PostId>,
    /// How many links the post carries.
    pub links: u32,
    /// Likes and shares it received, when the source says.
    pub likes: Option<u64>,
    pub shares: Option<u64>,
    /// The client it was posted with, when known.
    pub source: Option<String>,
    /// The links it carries, as written.
    pub urls: Vec<String>,
    /// The accounts it mentions (external ids).
    pub mentions: Vec<String>,
    /// Its language, replies and views, when the source says.
    pub lang: Option<String>,
    pub replies: Option<u64>,
    pub views: Option<u64>,
    /// The group it was posted in.
    pub group: Option<String>,
}

/// A storage backend.
pub trait Store {
    /// Starts an import: everything `put` in it lands at `commit`, or nothing does.
    fn begin_import(&mut self) -> Result<Box<dyn ImportTx + '_>>;

    /// How many records of each type are stored.
    fn counts(&self) -> Result<Counts>;

    /// Every account with its handle, sorted by handle.
    fn accounts(&self) -> Result<Vec<(StoredAccount, Account)>>;

    /// Every interaction, sorted by (src, dst, kind, time).
    fn interactions(&self) -> Result<Vec<StoredInteraction>>;

    /// Every follow, sorted by (src, dst).
    fn follows(&self) -> Result<Vec<StoredFollow>>;

    /// Every interaction, one at a time in the order of `interactions`, without holding them
    /// all (exports stream through it).
    fn each_interaction(&self, f: &mut dyn FnMut(StoredInteraction) -> Result<()>) -> Result<()> {
        self.interactions()?.into_iter().try_for_each(f)
    }

    /// Every account, one at a time in the order of `accounts`.
    fn each_account(&self, f: &mut dyn FnMut(StoredAccount, Account) -> Result<()>) -> Result<()> {
        self.accounts()?.into_iter().try_for_each(|(s, a)| f(s, a))
    }

    /// Every account's `StoredAccount` and external id, in `StoredAccount` order: what a
    /// table of edges needs to name its accounts, a few dozen bytes each.
    fn account_ids(&self) -> Result<Vec<(StoredAccount, AccountId)>> {
        Ok(self
            .accounts()?
            .into_iter()
            .map(|(s, a)| (s, a.id))
            .collect())
    }

    /// Every follow, one at a time in the order of `follows`.
    fn each_follow(&self, f: &mut dyn FnMut(StoredFollow) -> Result<()>) -> Result<()> {
        self.follows()?.into_iter().try_for_each(f)
    }

    /// Every post's id, author, time, text and hashtags, by store order.
    fn posts(&self) -> Result<Vec<StoredPost>> {
        let mut out = Vec::new();
        self.each_post(&mut |p| {
            out.push(p);
            Ok(())
        })?;
        Ok(out)
    }

    /// The same posts, handed to `f` one at a time as they are read, so a caller that keeps
    /// only part of each never holds them all at once.
    fn each_post(&self, f: &mut dyn FnMut(StoredPost) -> Result<()>) -> Result<()>;

    /// Every rating value, in key order.
    fn rating_values(&self) -> Result<Vec<f64>>;

    /// Every rating with its endpoints, in key order.
    fn ratings(&self) -> Result<Vec<StoredRating>>;

    /// Every (campaign, member) pair named by a conversion, with the codes seen for it,
    /// ordered by campaign and member.
    fn campaign_members(&self) -> Result<Vec<CampaignMember>>;

    /// Every group, the most posted-in first (then by id).
    fn groups(&self) -> Result<Vec<StoredGroup>>;

    /// Every named claim (by id) and every verdict (by claim, then time), including verdicts
    /// on claims no record names.
    fn claim_records(&self) -> Result<(Vec<ClaimRecord>, Vec<VerdictRecord>)>;

    /// Adds a campaign; `false` when one of that name exists (nothing is changed then).
    fn create_campaign(&mut self, campaign: &Campaign) -> Result<bool>;

    /// Every campaign, the newest first.
    fn campaigns(&self) -> Result<Vec<Campaign>>;

    /// Adds members to a campaign in one transaction, or updates the role, fee, status and
    /// predicted reach of those already in it (their link and promo code stay). A link or
    /// promo code another member holds is a `Conflict`, and nothing is written.
    fn put_members(&mut self, campaign: &str, members: &[Member]) -> Result<()>;

    /// A campaign's members, natives first, then by account.
    fn members(&self, campaign: &str) -> Result<Vec<Member>>;

    /// Every tracking link: (link, campaign, member account id).
    fn links(&self) -> Result<Vec<(String, String, String)>>;

    /// Records clicks in one transaction, durable when this returns; gives their ids in order.
    fn add_clicks(&mut self, clicks: &[Click]) -> Result<Vec<i64>>;

    /// How many clicks a campaign holds (a report is refused past a limit before reading them).
    fn click_count(&self, campaign: &str) -> Result<u64>;

    /// A campaign's clicks, in the order they were recorded, compactly (a report reads
    /// millions).
    fn clicks(&self, campaign: &str) -> Result<StoredClicks>;

    /// Records orders in one transaction; an order id the campaign already holds is left as it
    /// was. Gives how many were new.
    fn add_orders(&mut self, orders: &[Order]) -> Result<usize>;

    /// A campaign's orders: those recorded by `add_orders`, then the `conversion` records
    /// imports stored under its name (attributed to the member they name, valued in euros).
    fn orders(&self, campaign: &str) -> Result<Vec<Order>>;

    /// A fact about the store itself, if set.
    fn meta(&self, key: &str) -> Result<Option<String>>;

    /// Records a fact about the store itself.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;

    /// How many imports have been committed to the store: anything computed from it at an
    /// earlier count is stale.
    fn imports_committed(&self) -> Result<u64> {
        Ok(self
            .meta(sql::IMPORTS_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
}

/// One import in progress. Dropping it without `commit` rolls everything back.
pub trait ImportTx {
    /// Adds or updates one record. Idempotent: the same record twice changes nothing.
    /// Accounts are upserted field by field (a known value is never replaced by a missing one);
    /// edges are keyed by (src, dst, kind, time) and a repeat is ignored; a rating repeated
    /// at the same time takes the newer value.
    fn put(&mut self, record: &Record) -> Result<()>;

    /// Sets a `meta` value inside the import's transaction: it lands with the records or not
    /// at all (a stream's cursor is kept so, beside the events it acknowledges).
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;

    /// Makes the import durable.
    fn commit(self: Box<Self>) -> Result<()>;
}
