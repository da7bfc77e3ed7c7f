//! Per-account activity as some labelled data sets publish it: aggregated counts and rates
//! instead of the posts themselves. The authenticity audit turns these into the same features
//! it computes from a store.

/// The kind of client (app) a post was made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClientType {
    /// A web browser on the platform's own site.
    Web,
    /// The platform's or a third party's phone app.
    Mobile,
    /// A social-media management suite (TweetDeck, Hootsuite, Buffer, ...).
    Management,
    /// An automation service (IFTTT, dlvr.it, Zapier, ...).
    Automation,
    /// A marketing suite (SocialFlow, HubSpot, ...).
    Marketing,
    /// A content system that posts for a site (WordPress, a feed reader, ...).
    Content,
    /// Anything else, including an app of the account's own.
    Other,
}

impl ClientType {
    /// Every type, in the order of the audit's features.
    pub const ALL: [Self; 7] = [
        Self::Web,
        Self::Mobile,
        Self::Management,
        Self::Automation,
        Self::Marketing,
        Self::Content,
        Self::Other,
    ];

    /// The lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Mobile => "mobile",
            Self::Management => "management",
            Self::Automation => "automation",
            Self::Marketing => "marketing",
            Self::Content => "content",
            Self::Other => "other",
        }
    }
}

/// One account's activity, aggregated by the publisher of a data set. Every figure the
/// publisher does not give is `None`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AccountSummary {
    /// The account's name in the data set (a screen name).
    pub name: String,
    /// The order of magnitude of its follower count (3 for about a thousand), when given.
    pub follower_decade: Option<u8>,
    /// Posts of its own, reposts and replies in the observation window.
    pub originals: Option<f64>,
    pub reposts: Option<f64>,
    pub replies: Option<f64>,
    /// Posts it has liked in its life.
    pub likes_given: Option<f64>,
    /// Likes and reposts its posts received, per post.
    pub likes_per_post: Option<f64>,
    pub shares_per_post: Option<f64>,
    /// Lists it is on, per follower.
    pub listed_per_follower: Option<f64>,
    pub follower_friend_ratio: Option<f64>,
    pub posts_per_day: Option<f64>,
    pub age_days: Option<f64>,
    /// Distinct clients it posted with.
    pub sources: Option<f64>,
    /// Links in its posts of the window.
    pub links: Option<f64>,
    /// The kinds of client it posted with; `None` when not given.
    pub clients: Option<Vec<ClientType>>,
}
