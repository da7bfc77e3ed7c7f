//! The JSON the API answers with, one type per answer, each with its OpenAPI schema. The
//! command line prints the same types for `--format json`, so a script and a dashboard read
//! the same fields.

use serde::{Deserialize, Serialize};
use socialset_engine::{Audience, Convergence, Counts, ExplainReport, RankReport, RankedAccount};
use utoipa::ToSchema;

use crate::auth::Role;

/// An error: what went wrong, the request field it concerns when there is one, and for
/// internal errors the request id to quote (the details are in the server's log only).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub user: String,
    pub password: String,
}

/// A session token, also set as the `socialset_session` cookie.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub expires_in_seconds: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkspaceEntry {
    pub name: String,
    pub role: Role,
    /// Whether anything was imported into it yet.
    pub has_data: bool,
}

/// Records in a workspace's store, by type.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Stats {
    pub accounts: u64,
    pub follows: u64,
    pub posts: u64,
    pub interactions: u64,
    pub ratings: u64,
    pub conversions: u64,
}

impl From<&Counts> for Stats {
    fn from(c: &Counts) -> Self {
        Self {
            accounts: c.accounts,
            follows: c.follows,
            posts: c.posts,
            interactions: c.interactions,
            ratings: c.ratings,
            conversions: c.conversions,
        }
    }
}

/// Engagements by kind.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ByKind {
    pub reply: f64,
    pub mention: f64,
    pub share: f64,
    pub quote: f64,
    pub like: f64,
}

impl From<[f64; 5]> for ByKind {
    fn from(k: [f64; 5]) -> Self {
        Self {
            reply: k[0],
            mention: k[1],
            share: k[2],
            quote: k[3],
            like: k[4],
        }
    }
}

/// One ranked account.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RankedAccountJson {
    pub rank: u32,
    pub id: String,
    pub handle: Option<String>,
    /// Its share of all authority (scores sum to 1).
    pub score: f64,
    /// Followers, or where unknown the distinct accounts engaging in the data.
    pub audience: u64,
    /// `followers` or `in-graph`.
    pub audience_source: String,
    /// nano, micro, mid, macro or mega.
    pub tier: String,
    pub native: bool,
    pub distinct_engagers: u32,
    pub followers_in_graph: u32,
    pub received: ByKind,
    /// n / (n + 10) for n distinct engagers.
    pub confidence: f64,
    pub topical_posts: u32,
}

fn audience(a: Audience) -> (u64, &'static str) {
    match a {
        Audience::Followers(n) => (n, "followers"),
        Audience::InGraph(n) => (n, "in-graph"),
    }
}

impl From<&RankedAccount> for RankedAccountJson {
    fn from(r: &RankedAccount) -> Self {
        let i = &r.influence;
        let (size, source) = audience(i.audience);
        Self {
            rank: i.rank,
            id: r.id.clone(),
            handle: r.handle.clone(),
            score: i.score,
            audience: size,
            audience_source: source.to_owned(),
            tier: i.tier.as_str().to_owned(),
            native: i.native,
            distinct_engagers: i.distinct_engagers,
            followers_in_graph: i.followers_in_graph,
            received: i.received_by_kind.into(),
            confidence: i.confidence,
            topical_posts: i.topical_posts,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TopicJson {
    pub posts_matched: u32,
    pub accounts_posting: u32,
    pub engagements_kept: u64,
}

/// A page of the ranking.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RankJson {
    pub accounts: Vec<RankedAccountJson>,
    /// Place of the first account listed among those matching (0-based).
    pub offset: usize,
    /// Accounts that pass the filters.
    pub matching: usize,
    pub ranked: usize,
    pub engagements: usize,
    pub followers_unknown: usize,
    pub converged: bool,
    pub topic: Option<TopicJson>,
}

impl RankJson {
    /// `limit` accounts of `report` from `offset`.
    pub fn page(report: &RankReport, offset: usize, limit: usize) -> Self {
        Self {
            accounts: report
                .accounts
                .iter()
                .skip(offset)
                .take(limit)
                .map(RankedAccountJson::from)
                .collect(),
            offset,
            matching: report.matching,
            ranked: report.ranked,
            engagements: report.engagements,
            followers_unknown: report.followers_unknown,
            converged: matches!(report.convergence, Convergence::Converged { .. }),
            topic: report.topic.map(|t| TopicJson {
                posts_matched: t.posts_matched,
                accounts_posting: t.accounts_posting,
                engagements_kept: t.engagements_kept,
            }),
        }
    }
}

impl From<&RankReport> for RankJson {
    fn from(report: &RankReport) -> Self {
        Self::page(report, 0, usize::MAX)
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EngagerJson {
    pub id: String,
    pub handle: Option<String>,
    /// Its share of the explained account's score.
    pub share_of_score: f64,
    pub given: ByKind,
    pub follows: bool,
}

/// Why an account ranks where it does.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExplainJson {
    pub id: String,
    pub handle: Option<String>,
    pub rank: u32,
    pub ranked: usize,
    pub score: f64,
    pub tier: String,
    pub native: bool,
    pub distinct_engagers: u32,
    pub followers_in_graph: u32,
    pub confidence: f64,
    pub received: ByKind,
    /// Engagers, largest share first.
    pub engagers: Vec<EngagerJson>,
    pub engagers_total: usize,
    /// The share of the score that comes from the random jump, not from engagers.
    pub baseline_share: f64,
}

impl From<&ExplainReport> for ExplainJson {
    fn from(r: &ExplainReport) -> Self {
        let i = &r.account.influence;
        Self {
            id: r.account.id.clone(),
            handle: r.account.handle.clone(),
            rank: i.rank,
            ranked: r.ranked,
            score: i.score,
            tier: i.tier.as_str().to_owned(),
            native: i.native,
            distinct_engagers: i.distinct_engagers,
            followers_in_graph: i.followers_in_graph,
            confidence: i.confidence,
            received: i.received_by_kind.into(),
            engagers: r
                .engagers
                .iter()
                .map(|e| EngagerJson {
                    id: e.id.clone(),
                    handle: e.handle.clone(),
                    share_of_score: e.share_of_score,
                    given: e.given_by_kind.into(),
                    follows: e.follows,
                })
                .collect(),
            engagers_total: r.n_engagers,
            baseline_share: r.baseline_share,
        }
    }
}

/// Where an import job stands.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Job {
    pub id: String,
    pub workspace: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// Bytes received of the upload.
    pub bytes: u64,
    /// When done: records read, bad records skipped, and the store's counts after.
    pub records_read: Option<u64>,
    pub rejected: Option<u64>,
    pub after: Option<Stats>,
    /// When failed: why (for bad input, naming line and field).
    pub error: Option<String>,
}
