//! The records socialset stores: what an importer produces and the store keeps.
//!
//! Every field a source may not know is an `Option`: missing data stays missing, it never
//! becomes a zero.

use std::fmt;
use std::str::FromStr;

use crate::{AccountId, GroupId, PostId, Timestamp};

/// A social-media account. Only `id` is required: edges that name an unseen account create a
/// bare account, filled in later by a full account record.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub id: AccountId,
    pub platform: Option<String>,
    pub handle: Option<String>,
    pub name: Option<String>,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub created_at: Option<Timestamp>,
    pub bio: Option<String>,
    pub verified: Option<bool>,
    pub lang: Option<String>,
    pub is_brand: Option<bool>,
    /// On how many lists others keep the account (X/Twitter's `listed_count`).
    pub listed: Option<u64>,
    /// How many posts the account has liked in its life (X/Twitter's `favourites_count`).
    pub likes_given: Option<u64>,
}

impl Account {
    /// A bare account: the id and nothing else known.
    pub fn bare(id: AccountId) -> Self {
        Self {
            platform: id.platform().map(str::to_owned),
            id,
            handle: None,
            name: None,
            followers: None,
            following: None,
            posts_count: None,
            created_at: None,
            bio: None,
            verified: None,
            lang: None,
            is_brand: None,
            listed: None,
            likes_given: None,
        }
    }

    /// What is known of the account once `later` (a later record of the same account) is
    /// taken in: each value `later` knows replaces this one's, each it does not know is kept.
    /// The stores upsert accounts by the same rule.
    pub fn merge_from(&mut self, later: &Account) {
        fn take<T: Clone>(value: &mut Option<T>, later: &Option<T>) {
            if later.is_some() {
                value.clone_from(later);
            }
        }
        take(&mut self.platform, &later.platform);
        take(&mut self.handle, &later.handle);
        take(&mut self.name, &later.name);
        take(&mut self.followers, &later.followers);
        take(&mut self.following, &later.following);
        take(&mut self.posts_count, &later.posts_count);
        take(&mut self.created_at, &later.created_at);
        take(&mut self.bio, &later.bio);
        take(&mut self.verified, &later.verified);
        take(&mut self.lang, &later.lang);
        take(&mut self.is_brand, &later.is_brand);
        take(&mut self.listed, &later.listed);
        take(&mut self.likes_given, &later.likes_given);
    }
}

/// `src` follows `dst`.
#[derive(Clone, Debug, PartialEq)]
pub struct Follow {
    pub src: AccountId,
    pub dst: AccountId,
    pub at: Option<Timestamp>,
}

/// A post: an original, a reply, a share (repost) or a quote.
#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub id: PostId,
    pub author: AccountId,
    pub at: Option<Timestamp>,
    pub text: Option<String>,
    pub lang: Option<String>,
    pub reply_to: Option<PostId>,
    pub share_of: Option<PostId>,
    pub quote_of: Option<PostId>,
    pub mentions: Vec<AccountId>,
    pub hashtags: Vec<String>,
    pub urls: Vec<String>,
    pub likes: Option<u64>,
    pub shares: Option<u64>,
    pub replies: Option<u64>,
    pub views: Option<u64>,
    /// The client the post was made with ("Twitter for iPhone", "IFTTT", ...), when known.
    pub source: Option<String>,
    /// The group it was posted in (a subreddit), when there is one.
    pub group: Option<GroupId>,
}

/// What a post is: its author's own words, or a reaction to another post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PostKind {
    Original,
    Reply,
    Share,
    Quote,
}

impl Post {
    /// A post known only by its id and author; importers fill in what their format gives.
    pub fn bare(id: PostId, author: AccountId) -> Self {
        Self {
            id,
            author,
            at: None,
            text: None,
            lang: None,
            reply_to: None,
            share_of: None,
            quote_of: None,
            mentions: Vec::new(),
            hashtags: Vec::new(),
            urls: Vec::new(),
            likes: None,
            shares: None,
            replies: None,
            views: None,
            source: None,
            group: None,
        }
    }

    /// A share wins over a quote, a quote over a reply.
    pub fn kind(&self) -> PostKind {
        if self.share_of.is_some() {
            PostKind::Share
        } else if self.quote_of.is_some() {
            PostKind::Quote
        } else if self.reply_to.is_some() {
            PostKind::Reply
        } else {
            PostKind::Original
        }
    }
}

/// How one account engaged with another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InteractionKind {
    Reply,
    Mention,
    Share,
    Quote,
    Like,
}

impl InteractionKind {
    /// Every kind, in a fixed order (used for per-kind tables and graph layers).
    pub const ALL: [Self; 5] = [
        Self::Reply,
        Self::Mention,
        Self::Share,
        Self::Quote,
        Self::Like,
    ];

    /// The lower-case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reply => "reply",
            Self::Mention => "mention",
            Self::Share => "share",
            Self::Quote => "quote",
            Self::Like => "like",
        }
    }

    /// A stable small integer, for compact storage.
    pub fn code(self) -> u8 {
        match self {
            Self::Reply => 0,
            Self::Mention => 1,
            Self::Share => 2,
            Self::Quote => 3,
            Self::Like => 4,
        }
    }

    /// The inverse of [`InteractionKind::code`].
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

impl fmt::Display for InteractionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InteractionKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not one of reply, mention, share, quote, like"))
    }
}

/// `src` engaged with `dst` (replied to, mentioned, shared, quoted or liked): `src` endorses
/// `dst`. `weight` counts repeated engagements folded into one edge (1 for a single event).
#[derive(Clone, Debug, PartialEq)]
pub struct Interaction {
    pub src: AccountId,
    pub dst: AccountId,
    pub kind: InteractionKind,
    pub at: Option<Timestamp>,
    pub post: Option<PostId>,
    pub weight: f64,
}

/// An explicit trust rating of `dst` by `src`, on the source's own scale (e.g. −10…+10).
#[derive(Clone, Debug, PartialEq)]
pub struct Rating {
    pub src: AccountId,
    pub dst: AccountId,
    pub value: f64,
    pub at: Option<Timestamp>,
}

impl Rating {
    /// The largest absolute rating accepted: no rating scale in use goes beyond ±1000 (trust
    /// scores divide by the largest one, so a broken 1e300 would flatten every other rating).
    pub const MAX_ABS: f64 = 1000.0;
}

/// A conversion attributed to a campaign member (a sale, a sign-up, a code redeemed).
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    pub campaign: String,
    pub member: AccountId,
    pub kind: String,
    pub value_eur: Option<f64>,
    pub at: Option<Timestamp>,
    pub code: Option<String>,
}

/// A group accounts belong to and post in: a subreddit, a list, a discussion group.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub id: GroupId,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Members (subscribers) as the platform counts them, when known.
    pub members: Option<u64>,
    pub created_at: Option<Timestamp>,
}

impl Group {
    /// A group known by its id only.
    pub fn bare(id: GroupId) -> Self {
        Self {
            id,
            name: None,
            description: None,
            members: None,
            created_at: None,
        }
    }
}

/// An account's membership of a group (a list member, a follower of a group actor).
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    pub group: GroupId,
    pub account: AccountId,
    pub at: Option<Timestamp>,
}

/// A post its author deleted on the platform (a post, or a repost kept as a post sharing
/// the original): the store removes it with the interactions it made (its reply, quote,
/// mention and share edges, those of `author` naming it); likes others gave it stay, as
/// engagement that happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Deletion {
    pub post: PostId,
    pub author: AccountId,
}

/// A claim named in a claims file: the link, hashtag or words it is. The claims socialset
/// finds in posts by themselves (`socialset claims`) need no record; this one names a claim
/// so that a fact-check can be attached to it, and keeps its title.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimRecord {
    /// The file's own id for it (`pf:fake-12`): verdicts name it.
    pub id: String,
    /// What it is: exactly one of link, hashtag, text or post.
    pub what: ClaimWhat,
    pub title: Option<String>,
}

/// What a named claim is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimWhat {
    /// A link, as written (socialset normalises it as it does the links of posts).
    Link(String),
    /// A hashtag, without `#`.
    Hashtag(String),
    /// The words of the story (matched against posts told in near-identical words).
    Text(String),
    /// The story told by this post (`tw:123`) and by the posts told in near-identical words.
    Post(String),
}

impl ClaimWhat {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Link(_) => "link",
            Self::Hashtag(_) => "hashtag",
            Self::Text(_) => "text",
            Self::Post(_) => "post",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Self::Link(v) | Self::Hashtag(v) | Self::Text(v) | Self::Post(v) => v,
        }
    }
}

/// A fact-checker's verdict on a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactVerdict {
    True,
    False,
    Mixed,
    Unverified,
}

impl FactVerdict {
    pub const ALL: [Self; 4] = [Self::True, Self::False, Self::Mixed, Self::Unverified];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::True => "true",
            Self::False => "false",
            Self::Mixed => "mixed",
            Self::Unverified => "unverified",
        }
    }
}

impl FromStr for FactVerdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("a verdict is true, false, mixed or unverified, not {s:?}"))
    }
}

impl fmt::Display for FactVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fact-check of a named claim: one per (claim, source); a later record from the same
/// source replaces the earlier.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictRecord {
    pub claim: String,
    pub verdict: FactVerdict,
    /// Who judged it (`PolitiFact`); `None` is one unnamed source.
    pub source: Option<String>,
    /// The fact-check's own page.
    pub url: Option<String>,
    pub at: Option<Timestamp>,
}

/// One record of any type, as an importer yields it.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    Account(Account),
    Follow(Follow),
    Post(Post),
    Interaction(Interaction),
    Rating(Rating),
    Conversion(Conversion),
    Group(Group),
    Membership(Membership),
    Deletion(Deletion),
    Claim(ClaimRecord),
    Verdict(VerdictRecord),
}

/// The type of a [`Record`], for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Account,
    Follow,
    Post,
    Interaction,
    Rating,
    Conversion,
    Group,
    Membership,
    Deletion,
    Claim,
    Verdict,
}

impl RecordKind {
    pub const ALL: [Self; 11] = [
        Self::Account,
        Self::Follow,
        Self::Post,
        Self::Interaction,
        Self::Rating,
        Self::Conversion,
        Self::Group,
        Self::Membership,
        Self::Deletion,
        Self::Claim,
        Self::Verdict,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Follow => "follow",
            Self::Post => "post",
            Self::Interaction => "interaction",
            Self::Rating => "rating",
            Self::Conversion => "conversion",
            Self::Group => "group",
            Self::Membership => "membership",
            Self::Deletion => "deletion",
            Self::Claim => "claim",
            Self::Verdict => "verdict",
        }
    }
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Self::Account(_) => RecordKind::Account,
            Self::Follow(_) => RecordKind::Follow,
            Self::Post(_) => RecordKind::Post,
            Self::Interaction(_) => RecordKind::Interaction,
            Self::Rating(_) => RecordKind::Rating,
            Self::Conversion(_) => RecordKind::Conversion,
            Self::Group(_) => RecordKind::Group,
            Self::Membership(_) => RecordKind::Membership,
            Self::Deletion(_) => RecordKind::Deletion,
            Self::Claim(_) => RecordKind::Claim,
            Self::Verdict(_) => RecordKind::Verdict,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_round_trip() {
        for k in InteractionKind::ALL {
            assert_eq!(InteractionKind::from_code(k.code()), Some(k));
            assert_eq!(k.as_str().parse::<InteractionKind>(), Ok(k));
        }
        assert_eq!(InteractionKind::from_code(9), None);
        assert!("retweet".parse::<InteractionKind>().is_err());
    }

    #[test]
    fn a_later_account_record_replaces_what_it_knows_and_keeps_the_rest() {
        let mut a = Account::bare(AccountId::new("tw:1"));
        a.handle = Some("old".into());
        a.followers = Some(10);
        let mut later = Account::bare(AccountId::new("tw:1"));
        later.handle = Some("new".into());
        later.verified = Some(true);
        a.merge_from(&later);
        assert_eq!(a.handle.as_deref(), Some("new"));
        assert_eq!(a.followers, Some(10), "unknown later: kept");
        assert_eq!(a.verified, Some(true));
        assert_eq!(a.platform.as_deref(), Some("tw"));
    }
}
