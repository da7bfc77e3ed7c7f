//! Domain records and value types of socialset: accounts, follows, posts, interactions,
//! trust ratings and conversions. Pure data: no I/O, no serde (wire formats live in
//! `socialset-ingest`), no knowledge of any store.

mod id;
mod record;
mod summary;
mod time;

pub use id::{AccountId, AccountIdx, GroupId, PostId};
pub use record::{
    Account, Conversion, Follow, Group, Interaction, InteractionKind, Membership, Post, PostKind,
    Rating, Record, RecordKind,
};
pub use summary::{AccountSummary, ClientType};
pub use time::Timestamp;
