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
    Account, ClaimRecord, ClaimWhat, Conversion, Deletion, FactVerdict, Follow, Group, Interaction,
    InteractionKind, Membership, Post, PostKind, Rating, Record, RecordKind, VerdictRecord,
};
pub use summary::{AccountSummary, ClientType};
pub use time::Timestamp;

/// An integer with thousands separators: 948464 -> "948,464".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
