//! Domain records and value types of socialset: accounts, follows, posts, interactions,
//! trust ratings, conversions, and campaigns with their clicks and orders. Pure data: no I/O, no serde (wire formats live in
//! `socialset-ingest`), no knowledge of any store.

mod campaign;
mod id;
mod record;
mod summary;
mod time;

pub use campaign::{
    is_currency_code, Campaign, Click, Member, MemberStatus, NotCounted, Objective, Order,
    OrderSource, Role,
};
pub use id::{AccountId, AccountIdx, GroupId, PostId};
pub use record::{
    Account, Conversion, Follow, Group, Interaction, InteractionKind, Membership, Post, PostKind,
    Rating, Record, RecordKind,
};
pub use summary::{AccountSummary, ClientType};
pub use time::Timestamp;
