//! The JSON the API answers with, one type per answer, each with its OpenAPI schema. The
//! command line prints the same types for `--format json`, so a script and a dashboard read
//! the same fields.

use serde::{Deserialize, Serialize};
use socialset_engine::{
    Audience, CommunityReport, Convergence, Counts, ExplainReport, RankReport, RankedAccount,
    Timestamp,
};
use utoipa::ToSchema;

use crate::auth::Role;

/// A CSV cell that a spreadsheet shows as text: a value that is not a number and starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula (an account's
/// handle or a post's text is anyone's to choose), so it gets a leading `'`, as OWASP's
/// advice on CSV injection says. Numbers, negative ones included, stay as they are.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes `rows` under `header` as CSV, every cell through `spreadsheet_safe`.
pub fn write_csv<W: std::io::Write>(
    out: W,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> csv::Result<W> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Writes `rows` under `header` as one Excel worksheet (.xlsx): numbers as numbers (but the
/// columns listed in `text` — ids, handles — always as text), text as text, never as a
/// formula; the header row frozen.
pub fn write_xlsx(
    header: &[&str],
    text: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let as_text: Vec<bool> = header.iter().map(|h| text.contains(h)).collect();
    for (r, row) in rows.into_iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let number = cell.parse::<f64>().ok().filter(|v| v.is_finite());
            match number {
                Some(v) if !as_text.get(c).copied().unwrap_or(false) => {
                    sheet.write_number(r, c as u16, v)?;
                }
                _ if cell.is_empty() => {}
                _ => {
                    sheet.write_string(r, c as u16, cell)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

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

/// Who the request is from: the user its session cookie or token names, or none.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionJson {
    pub user: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub user: String,
    pub password: String,
}

/// A password change: the current password, and the new one (8 to 1024 characters).
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// A member of a workspace, with their role.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MemberEntry {
    pub user: String,
    pub role: Role,
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
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Stats {
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

impl From<&Counts> for Stats {
    fn from(c: &Counts) -> Self {
        Self {
            accounts: c.accounts,
            follows: c.follows,
            posts: c.posts,
            interactions: c.interactions,
            ratings: c.ratings,
            conversions: c.conversions,
            claims: c.claims,
            verdicts: c.verdicts,
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
    /// Place among every ranked account (1 for the best).
    pub rank: u32,
    /// Place among the accounts the filters list (1 for the first).
    pub listed_rank: Option<usize>,
    /// Share of the ranked accounts scoring lower, ties counted half, 0–100.
    pub percentile: f64,
    pub id: String,
    pub handle: Option<String>,
    /// Its share of all authority (scores sum to 1).
    pub score: f64,
    /// Followers, or where unknown the distinct accounts engaging in the data.
    pub audience: u64,
    /// `followers` or `in-graph`.
    pub audience_source: String,
    /// nano, micro, mid, macro or mega by followers; unknown where the follower count is.
    pub tier: String,
    /// At most the native threshold of followers (an unknown follower count is not native
    /// unless `assume_native_if_unknown`).
    pub native: bool,
    pub distinct_engagers: u32,
    pub followers_in_graph: u32,
    pub received: ByKind,
    /// n / (n + 10) for n distinct engagers.
    pub confidence: f64,
    pub topical_posts: u32,
    /// Place by authority (PageRank) alone among every ranked account.
    pub authority_rank: u32,
    /// In the predictive order: the account's percentile (0–100) of each part of the blend.
    pub blend_parts: Option<BlendPartsJson>,
}

/// An account's percentile (0–100) of each part of the predictive order's blend.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BlendPartsJson {
    pub authority: f64,
    pub forecast_engagers: f64,
    pub distinct_engagers: f64,
    pub recent_engagement: f64,
}

impl From<[f64; 4]> for BlendPartsJson {
    fn from(p: [f64; 4]) -> Self {
        Self {
            authority: p[0],
            forecast_engagers: p[1],
            distinct_engagers: p[2],
            recent_engagement: p[3],
        }
    }
}

/// How the predictive order's blend was chosen on the ranked data.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BlendJson {
    /// The weights of the parts, summing to 1.
    pub weights: BlendPartsJson,
    /// Hours: an interaction counts half in the recent engagement this long before the end.
    pub recency_half_life_hours: f64,
    /// Spearman's ρ of the chosen blend against the engagement received in the ranked time's
    /// last quarter, the parts computed on the three quarters before.
    pub validation_spearman: f64,
    pub validation_accounts: usize,
    /// How many of them scored the candidates (a fixed sample when more).
    pub validation_sample: usize,
    pub candidates: usize,
    /// The ranked time and the cut (UTC, RFC 3339).
    pub from: String,
    pub cut: String,
    pub until: String,
}

impl From<&socialset_engine::BlendChoice> for BlendJson {
    fn from(b: &socialset_engine::BlendChoice) -> Self {
        let at = |ms: i64| {
            socialset_engine::Timestamp::from_epoch_ms(ms)
                .map_or_else(String::new, socialset_engine::Timestamp::utc)
        };
        Self {
            weights: b.weights.into(),
            recency_half_life_hours: b.recency_half_life,
            validation_spearman: b.validation_spearman,
            validation_accounts: b.validation_accounts,
            validation_sample: b.validation_sample,
            candidates: b.candidates,
            from: at(b.start_ms),
            cut: at(b.cut_ms),
            until: at(b.end_ms),
        }
    }
}

/// Where an account stands in the workspace's default ranking.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StandingJson {
    pub id: String,
    pub handle: Option<String>,
    /// Place in the default order (1 for the first).
    pub rank: u32,
    pub ranked: usize,
    /// Share of the ranked accounts placed lower, ties counted half, 0–100.
    pub percentile: f64,
    /// Place by authority (PageRank) alone.
    pub authority_rank: u32,
    /// Its percentile of each part of the blend, in the predictive order.
    pub blend_parts: Option<BlendPartsJson>,
    pub order: OrderJson,
}

impl StandingJson {
    pub fn of(a: &RankedAccount, report: &RankReport) -> Self {
        Self {
            id: a.id.clone(),
            handle: a.handle.clone(),
            rank: a.influence.rank,
            ranked: report.ranked,
            percentile: a.percentile,
            authority_rank: a.authority_rank,
            blend_parts: a.blend_parts.map(BlendPartsJson::from),
            order: (&report.order).into(),
        }
    }
}

/// The order a ranking is listed in.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrderJson {
    /// `predictive` (the blend) or `authority` (PageRank alone).
    pub order: String,
    pub blend: Option<BlendJson>,
    /// Why the order is authority where the predictive order was the default or asked for.
    pub authority_because: Option<String>,
}

impl From<&socialset_engine::OrderUsed> for OrderJson {
    fn from(o: &socialset_engine::OrderUsed) -> Self {
        Self {
            order: if o.blend.is_some() {
                "predictive"
            } else {
                "authority"
            }
            .to_owned(),
            blend: o.blend.as_ref().map(BlendJson::from),
            authority_because: o.authority_because.clone(),
        }
    }
}

/// A tier's name; "unknown" where the follower count is.
pub fn tier_name(t: Option<socialset_engine::Tier>) -> &'static str {
    t.map_or("unknown", socialset_engine::Tier::as_str)
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
            listed_rank: r.listed_rank,
            percentile: r.percentile,
            id: r.id.clone(),
            handle: r.handle.clone(),
            score: i.score,
            audience: size,
            audience_source: source.to_owned(),
            tier: tier_name(i.tier).to_owned(),
            native: i.native,
            distinct_engagers: i.distinct_engagers,
            followers_in_graph: i.followers_in_graph,
            received: i.received_by_kind.into(),
            confidence: i.confidence,
            topical_posts: i.topical_posts,
            authority_rank: r.authority_rank,
            blend_parts: r.blend_parts.map(BlendPartsJson::from),
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
    /// The fewest distinct engagers (or followers in the data) an account needed to be listed.
    pub min_engagers: u32,
    /// Accounts that passed the other filters but had fewer.
    pub left_out_few_engagers: usize,
    /// Accounts left out as likely fakes or bots (`hide=bots`).
    pub hidden_bots: usize,
    /// Accounts left out as organisations, publishers or brands (`hide=organisations`).
    pub hidden_organisations: usize,
    /// Accounts a native list left out because their follower count is unknown
    /// (`assume_native_if_unknown=true` lists them).
    pub left_out_unknown_audience: usize,
    pub order: OrderJson,
    pub ranked: usize,
    pub engagements: usize,
    pub followers_unknown: usize,
    pub converged: bool,
    pub topic: Option<TopicJson>,
}

impl RankJson {
    /// `limit` accounts of `report` from `offset`.
    pub fn page(report: &RankReport, offset: usize, limit: usize) -> Self {
        Self::sorted_page(report, None, offset, limit)
    }

    /// A page of the list sorted by `sort` (the rank when none), ties kept in rank order.
    pub fn sorted_page(
        report: &RankReport,
        sort: Option<(RankSort, bool)>,
        offset: usize,
        limit: usize,
    ) -> Self {
        let mut order: Vec<&RankedAccount> = report.accounts.iter().collect();
        if let Some((key, descending)) = sort {
            order.sort_by(|a, b| {
                let o = key.compare(a, b);
                if descending {
                    o.reverse()
                } else {
                    o
                }
            });
        }
        Self {
            accounts: order
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(RankedAccountJson::from)
                .collect(),
            offset,
            matching: report.matching,
            min_engagers: report.min_engagers,
            left_out_few_engagers: report.left_out_few_engagers,
            hidden_bots: report.hidden_bots,
            hidden_organisations: report.hidden_organisations,
            left_out_unknown_audience: report.left_out_unknown_audience,
            order: (&report.order).into(),
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

/// A column the ranking may be sorted by (`sort` on the rank route).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RankSort {
    /// The place in the ranking (the score's order).
    Rank,
    Handle,
    Audience,
    Tier,
    Engagers,
    Confidence,
}

impl RankSort {
    /// The names the route takes.
    pub const NAMES: &'static str = "rank, handle, audience, tier, engagers or confidence";

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "rank" | "score" | "percentile" => Self::Rank,
            "handle" | "account" => Self::Handle,
            "audience" => Self::Audience,
            "tier" => Self::Tier,
            "engagers" | "distinct_engagers" => Self::Engagers,
            "confidence" => Self::Confidence,
            _ => return None,
        })
    }

    /// Ascending order of two accounts by this column; the rank breaks ties.
    fn compare(self, a: &RankedAccount, b: &RankedAccount) -> std::cmp::Ordering {
        let (x, y) = (&a.influence, &b.influence);
        let by = match self {
            Self::Rank => std::cmp::Ordering::Equal,
            Self::Handle => {
                let name = |r: &RankedAccount| r.handle.clone().unwrap_or_else(|| r.id.clone());
                name(a).to_lowercase().cmp(&name(b).to_lowercase())
            }
            Self::Audience => audience(x.audience).0.cmp(&audience(y.audience).0),
            Self::Tier => x.tier.cmp(&y.tier),
            Self::Engagers => x.distinct_engagers.cmp(&y.distinct_engagers),
            Self::Confidence => x.confidence.total_cmp(&y.confidence),
        };
        by.then(x.rank.cmp(&y.rank))
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
    /// Share of the ranked accounts scoring lower, ties counted half, 0–100.
    pub percentile: f64,
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
    /// Place by authority (PageRank) alone.
    pub authority_rank: u32,
    /// The account's percentile of each part of the predictive order (when it is used).
    pub blend_parts: Option<BlendPartsJson>,
    pub order: OrderJson,
}

impl From<&ExplainReport> for ExplainJson {
    fn from(r: &ExplainReport) -> Self {
        let i = &r.account.influence;
        Self {
            id: r.account.id.clone(),
            handle: r.account.handle.clone(),
            rank: i.rank,
            ranked: r.ranked,
            percentile: r.account.percentile,
            score: i.score,
            tier: tier_name(i.tier).to_owned(),
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
            authority_rank: r.account.authority_rank,
            blend_parts: r.account.blend_parts.map(BlendPartsJson::from),
            order: (&r.order).into(),
        }
    }
}

/// Where a job stands: an import, or a computation (communities, a plan, a workspace's audit)
/// run in the background with a progress figure, which can be cancelled.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct Job {
    pub id: String,
    pub workspace: String,
    /// `import`, `follow` (a live stream), `communities`, `stability`, `plan` or `audit`.
    pub kind: String,
    /// `queued` (waiting its turn), `running`, `cancelling`, `done`, `failed`, `cancelled`,
    /// or `interrupted` (the server stopped while it ran: start it again).
    pub state: String,
    /// The step it is on, while queued or running.
    pub step: Option<String>,
    /// How far through that step, from 0 to 1, when the step can say.
    pub progress: Option<f64>,
    /// Who started it.
    pub created_by: String,
    /// Epoch seconds it was started, and ended.
    pub created_at: i64,
    pub finished_at: Option<i64>,
    /// Imports: the uploaded file's name, and the bytes received of it.
    pub name: Option<String>,
    pub bytes: u64,
    /// Imports, when done: records read, bad records skipped, and the store's counts after.
    pub records_read: Option<u64>,
    pub rejected: Option<u64>,
    pub after: Option<Stats>,
    /// Imports with skipped records: where the uploader downloads them (JSON Lines, one
    /// record and why it was refused per line).
    pub rejects: Option<String>,
    /// When failed: why (for bad input, naming line and field).
    pub error: Option<String>,
    /// Computations, when done: what the synchronous route returns (`CommunitiesJson`,
    /// `PlanJson`, or for an audit `AuditSummaryJson`); a stream's `StreamJson`. Left out of
    /// job lists.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
}

/// A computation to run as a job: `kind` is `communities` (with `top` and `window_days`, as
/// the communities route takes them), `stability` (with `window_days`: only the stability of
/// the communities across windows, a `StabilityJson`, without the whole workspace's
/// communities), `plan` (with `plan`, as the plans route takes it) or `audit` (the whole
/// workspace's audit, whose pages the audit route then serves at once).
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct JobRequest {
    pub kind: String,
    pub top: Option<u64>,
    pub window_days: Option<f64>,
    pub plan: Option<PlanRequest>,
}

/// A live stream to follow into the workspace.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StreamRequest {
    /// A Jetstream endpoint, `wss://HOST/subscribe?wantedCollections=…` (the server follows
    /// only the hosts its admin allowed with `serve --stream-host`; by default Bluesky's
    /// public Jetstream instances). Its events are committed a batch at a time with the
    /// stream's cursor; following the same endpoint again resumes there.
    pub url: String,
    /// Stop after this many events (default: until the job is cancelled or the server closes
    /// the stream).
    pub max_events: Option<u64>,
    /// true: skip bad events (downloadable from the job's `rejects`) instead of stopping.
    pub skip_bad: Option<bool>,
}

/// How following a live stream went: a `follow` job's result, and `import --follow --json`'s
/// `stream`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StreamJson {
    /// Events received (a replayed event counts again; writing it again changes nothing).
    pub events: u64,
    /// Transactions committed, each with the stream's cursor.
    pub transactions: u64,
    /// The cursor the first connection asked for (null: from now).
    pub resumed_from_cursor: Option<u64>,
    /// The cursor stored at the end: following the endpoint again resumes there.
    pub cursor: Option<u64>,
    pub reconnects: u32,
    /// Why it stopped.
    pub stopped: String,
}

impl From<&socialset_engine::FollowReport> for StreamJson {
    fn from(r: &socialset_engine::FollowReport) -> Self {
        Self {
            events: r.events,
            transactions: r.batches,
            resumed_from_cursor: r.resumed_from,
            cursor: r.cursor,
            reconnects: r.reconnects,
            stopped: r.stopped.clone(),
        }
    }
}

/// What a workspace's audit found, as its job's result.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditSummaryJson {
    pub accounts: usize,
    /// Accounts judged people.
    pub humans: usize,
    /// Automated accounts whose profiles show an organisation or publisher (not fake).
    pub publishers: usize,
    /// Automated accounts with nothing to show they are more.
    pub likely_bots: usize,
    pub too_little_data: usize,
    pub pods: usize,
}

/// A day as YYYY-MM-DD (UTC).
pub fn day(t: Timestamp) -> String {
    t.day()
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MemberJson {
    pub id: String,
    pub handle: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommunityJson {
    pub id: u32,
    pub size: u32,
    /// The words and hashtags its members use most, more than elsewhere.
    pub labels: Vec<String>,
    pub top_members: Vec<MemberJson>,
    /// Share of its members' engagement that stays inside it.
    pub engagement_inside: f64,
}

/// Engagements between two listed communities, either way.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LinkJson {
    pub a: u32,
    pub b: u32,
    pub engagements: u64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MatchJson {
    pub before: u32,
    pub after: u32,
    pub members_in_both: u32,
    pub kept_share: f64,
}

/// Two consecutive windows compared.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WindowJson {
    /// First and last day of each window.
    pub before: [String; 2],
    pub after: [String; 2],
    pub communities_before: u32,
    pub communities_after: u32,
    pub accounts_in_both: u32,
    pub ari: f64,
    pub nmi: f64,
    pub matches: Vec<MatchJson>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StabilityJson {
    pub untimed_engagements: u64,
    pub windows: Vec<WindowJson>,
}

/// Communities (Leiden on the engagement graph) and, when asked, their stability over time.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommunitiesJson {
    pub communities: Vec<CommunityJson>,
    pub links: Vec<LinkJson>,
    pub n_communities: usize,
    pub accounts_in_communities: usize,
    pub modularity: f64,
    pub iterations: u32,
    pub restarts: u32,
    pub components: usize,
    pub largest_component: u32,
    pub max_core: u32,
    pub stability: Option<StabilityJson>,
}

impl From<&CommunityReport> for CommunitiesJson {
    fn from(r: &CommunityReport) -> Self {
        Self {
            communities: r
                .communities
                .iter()
                .map(|c| CommunityJson {
                    id: c.id,
                    size: c.size,
                    labels: c.labels.clone(),
                    top_members: c
                        .top_members
                        .iter()
                        .map(|(id, handle)| MemberJson {
                            id: id.clone(),
                            handle: handle.clone(),
                        })
                        .collect(),
                    engagement_inside: c.internal_share,
                })
                .collect(),
            links: r
                .links
                .iter()
                .map(|l| LinkJson {
                    a: l.a,
                    b: l.b,
                    engagements: l.engagements,
                })
                .collect(),
            n_communities: r.n_communities,
            accounts_in_communities: r.accounts_in_communities,
            modularity: r.modularity,
            iterations: r.iterations,
            restarts: r.restarts,
            components: r.components,
            largest_component: r.largest_component,
            max_core: r.max_core,
            stability: r.stability.as_ref().map(StabilityJson::from),
        }
    }
}

impl From<&socialset_engine::Stability> for StabilityJson {
    fn from(s: &socialset_engine::Stability) -> Self {
        StabilityJson {
            untimed_engagements: s.untimed_engagements,
            windows: s
                .comparisons
                .iter()
                .map(|c| WindowJson {
                    before: [day(c.window_before.0), day(c.window_before.1)],
                    after: [day(c.window_after.0), day(c.window_after.1)],
                    communities_before: c.communities_before,
                    communities_after: c.communities_after,
                    accounts_in_both: c.accounts_in_both,
                    ari: c.ari,
                    nmi: c.nmi,
                    matches: c
                        .matches
                        .iter()
                        .map(|m| MatchJson {
                            before: m.before,
                            after: m.after,
                            members_in_both: m.members_in_both,
                            kept_share: m.kept_share,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A share with its 95% Wilson interval and the sample it is of.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ShareJson {
    pub share: f64,
    pub low: f64,
    pub high: f64,
    pub n: u64,
}

/// One reason of an audit verdict: a feature, its value (missing: null) and how far it
/// pushed the log-odds of "bot" (positive: toward bot).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditReasonJson {
    pub feature: String,
    pub about: String,
    pub value: Option<f64>,
    pub contribution: f64,
}

/// The authenticity audit of one account: bot probability and verdict with their reasons,
/// how much of its audience and engagement looks real, and the engagement pods it is in.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccountAuditJson {
    pub id: String,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    pub bot_probability: f64,
    /// `likely fake or bot`, `organisation or publisher`, `human` or `too little data`.
    pub verdict: String,
    /// Why an automated account counts as an organisation or publisher, in plain words
    /// (empty unless that is the verdict).
    pub publisher_signs: Vec<String>,
    /// Features the model splits on that the data gave, of `model_features`.
    pub evidence: usize,
    pub model_features: usize,
    pub reasons: Vec<AuditReasonJson>,
    /// Share of its assessed audience that looks real.
    pub real_audience: Option<ShareJson>,
    /// Share of the engagement it received from assessed accounts that came from likely bots.
    pub suspicious_engagement: Option<ShareJson>,
    /// How many engagement pods it is a member of.
    pub pods: usize,
}

impl AccountAuditJson {
    /// The first account of an audit report (`audit_account` lists one), if any.
    pub fn of(r: &socialset_engine::AuditReport) -> Option<Self> {
        r.accounts.first().map(|a| Self::new(a, r.model_features))
    }

    pub fn new(a: &socialset_engine::AccountAudit, model_features: usize) -> Self {
        let share = |s: Option<socialset_engine::Share>| {
            s.map(|s| ShareJson {
                share: s.share,
                low: s.low,
                high: s.high,
                n: s.n,
            })
        };
        Self {
            id: a.id.clone(),
            handle: a.handle.clone(),
            followers: a.followers,
            bot_probability: a.bot_probability,
            verdict: a.verdict.as_str().to_owned(),
            publisher_signs: a.publisher_signs.clone(),
            evidence: a.evidence,
            model_features,
            reasons: a
                .reasons
                .iter()
                .map(|x| AuditReasonJson {
                    feature: x.feature.to_owned(),
                    about: x.about.to_owned(),
                    value: x.value,
                    contribution: x.contribution,
                })
                .collect(),
            real_audience: share(a.audience.real_audience),
            suspicious_engagement: share(a.audience.suspicious_engagement),
            pods: a.pods.len(),
        }
    }
}

/// The audit model in use.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditModelJson {
    /// `built-in` or the model file.
    pub source: String,
    pub trained_on: String,
    pub bots: usize,
    pub humans: usize,
}

/// The audit of a whole workspace, a page at a time: the most suspicious accounts first
/// (accounts with too little data for a verdict after every one with a verdict), and the
/// engagement pods found.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditJson {
    pub model: AuditModelJson,
    /// Probability (re-based to `bot_share`) from which an account is called automated: a
    /// likely fake or bot, or an organisation or publisher when its profile shows one.
    pub threshold: f64,
    /// Share of bots expected among the accounts, to which the model's probabilities are
    /// re-based from its training mix.
    pub bot_share: f64,
    pub accounts_audited: usize,
    /// Accounts judged people.
    pub humans: usize,
    /// Automated accounts whose profiles show an organisation or publisher (not fake).
    pub publishers: usize,
    /// Automated accounts with nothing to show they are more: likely fakes or bots.
    pub likely_bots: usize,
    pub too_little_data: usize,
    /// Place of the first account listed (0-based).
    pub offset: usize,
    pub accounts: Vec<AccountAuditJson>,
    pub pods: Vec<PodJson>,
}

impl AuditJson {
    /// The accounts of `r` from `offset` (the report lists the first `offset + limit`).
    pub fn page(r: &socialset_engine::AuditReport, offset: usize) -> Self {
        Self {
            model: AuditModelJson {
                source: r.model.source.clone(),
                trained_on: r.model.trained_on.clone(),
                bots: r.model.bots,
                humans: r.model.humans,
            },
            threshold: r.threshold,
            bot_share: r.bot_share,
            accounts_audited: r.accounts_audited,
            humans: r.humans,
            publishers: r.publishers,
            likely_bots: r.likely_bots,
            too_little_data: r.too_little_data,
            offset,
            accounts: r
                .accounts
                .iter()
                .skip(offset)
                .map(|a| AccountAuditJson::new(a, r.model_features))
                .collect(),
            pods: r.pods.iter().map(PodJson::from).collect(),
        }
    }
}

/// An account, by id and handle.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccountRefJson {
    pub id: String,
    pub handle: Option<String>,
}

/// A suspected engagement pod: accounts that engage each other fast and often, with the
/// evidence (each share in [0, 1]).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PodJson {
    /// 1-based, best score first.
    pub pod: usize,
    pub members: Vec<AccountRefJson>,
    /// Geometric mean of density, reciprocity and fast share.
    pub score: f64,
    /// Share of member pairs that engage each other both ways.
    pub density: f64,
    /// Share of the engagement inside the group that is returned.
    pub reciprocity: f64,
    /// Share of the engagement inside that lands within minutes of another member's on the
    /// same account.
    pub fast_share: f64,
    pub median_gap_minutes: f64,
    /// Engagements inside the group.
    pub events: u64,
    /// Share of the members' engagement that stays inside the group.
    pub insularity: f64,
}

impl From<&socialset_engine::PodLine> for PodJson {
    fn from(p: &socialset_engine::PodLine) -> Self {
        let e = &p.evidence;
        Self {
            pod: p.number,
            members: p
                .members
                .iter()
                .map(|m| AccountRefJson {
                    id: m.id.clone(),
                    handle: m.handle.clone(),
                })
                .collect(),
            score: e.score,
            density: e.density,
            reciprocity: e.reciprocity,
            fast_share: e.fast_share,
            median_gap_minutes: e.median_gap_minutes,
            events: e.events,
            insularity: e.insularity,
        }
    }
}

/// How many accounts fall in a segment.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SegmentCountJson {
    pub segment: String,
    pub accounts: usize,
}

/// An account's segment and the value it creates and consumes.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SegmentAccountJson {
    pub id: String,
    pub handle: Option<String>,
    /// creator, amplifier, consumer or lurker.
    pub segment: String,
    /// Posts and answers written, plus the shares they drew.
    pub created: u64,
    /// Shares, likes and replies given.
    pub consumed: u64,
    pub posts: u64,
    pub answers: u64,
    pub shares_received: u64,
    pub shares_given: u64,
    pub likes_given: u64,
    pub replies_given: u64,
}

/// Accounts by the value they create and consume (creators, amplifiers, consumers,
/// lurkers), most active first, a page at a time.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SegmentsJson {
    /// Every segment with its size (before the filter).
    pub by_segment: Vec<SegmentCountJson>,
    /// Accounts of the chosen segment (all, without one).
    pub matching: usize,
    pub offset: usize,
    pub accounts: Vec<SegmentAccountJson>,
}

impl SegmentsJson {
    pub fn page(
        r: &socialset_engine::SegmentsReport,
        segment: Option<socialset_engine::Segment>,
        offset: usize,
        limit: usize,
    ) -> Self {
        let listed = r.most_active(segment);
        Self {
            by_segment: r
                .by_segment
                .iter()
                .map(|(s, n)| SegmentCountJson {
                    segment: s.name().to_owned(),
                    accounts: *n,
                })
                .collect(),
            matching: listed.len(),
            offset,
            accounts: listed
                .iter()
                .skip(offset)
                .take(limit)
                .map(|a| {
                    let c = &a.counts;
                    SegmentAccountJson {
                        id: a.id.clone(),
                        handle: a.handle.clone(),
                        segment: a.segment.name().to_owned(),
                        created: c.created(),
                        consumed: c.consumed(),
                        posts: c.posts,
                        answers: c.answers,
                        shares_received: c.shares_received,
                        shares_given: c.shares_given,
                        likes_given: c.likes_given,
                        replies_given: c.replies_given,
                    }
                })
                .collect(),
        }
    }
}

/// One captured post.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UgcItemJson {
    pub post: String,
    /// The post on its platform, when its id says where.
    pub link: Option<String>,
    pub author: String,
    pub handle: Option<String>,
    /// Epoch milliseconds, when known.
    pub at_ms: Option<i64>,
    pub text: String,
    /// question, answer, complaint, praise, review or mention.
    pub kind: String,
    /// The cues behind the kind.
    pub reasons: Vec<String>,
    /// positive, negative, neutral or mixed.
    pub sentiment: String,
    pub score: f64,
    pub language: String,
    pub engagement: u64,
    /// Other posts that say nearly the same, listed under this one.
    pub near_duplicates: usize,
    /// The abusive terms it holds (insults, slurs, "fuck off", "vaffanculo"); empty when none.
    pub abusive: Vec<String>,
    /// With `brand` asked for, the sentiment is towards the brand, and this says how the post
    /// speaks of it: "whole text", "its clauses" (other brands or accounts are named in other
    /// clauses: only the brand's were read), "compared" (the brand is the second term of a
    /// comparison, "better than @brand": read from the other side), or "not named" (only its
    /// account is mentioned).
    pub towards_brand: Option<String>,
}

impl From<&socialset_engine::UgcItem> for UgcItemJson {
    fn from(i: &socialset_engine::UgcItem) -> Self {
        Self {
            post: i.post.clone(),
            link: socialset_engine::post_link(&i.post, i.handle.as_deref()),
            author: i.author.clone(),
            handle: i.handle.clone(),
            at_ms: i.at.map(Timestamp::epoch_ms),
            text: i.text.clone(),
            kind: i.kind.name().to_owned(),
            reasons: i.reasons.clone(),
            sentiment: i.polarity.name().to_owned(),
            score: i.score,
            language: i.language.code().to_owned(),
            engagement: i.engagement,
            near_duplicates: i.duplicates,
            abusive: i.abusive.iter().map(|t| (*t).to_owned()).collect(),
            towards_brand: i.towards.map(str::to_owned),
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct KindCount {
    pub kind: String,
    pub posts: usize,
}

/// A question with how many answers it drew and the best of them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UgcThreadJson {
    pub question: UgcItemJson,
    pub answers: usize,
    /// Answers never chosen as the best because they are abusive.
    pub abusive_answers: usize,
    /// The most engaged answer that is not abusive.
    pub best_answer: Option<UgcItemJson>,
}

/// Captured posts: how many of each kind, those matching the filters, and the questions
/// threaded with their best answers.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UgcJson {
    pub posts: usize,
    pub by_kind: Vec<KindCount>,
    pub matching: usize,
    pub items: Vec<UgcItemJson>,
    pub threads: Vec<UgcThreadJson>,
}

impl From<&socialset_engine::UgcReport> for UgcJson {
    fn from(r: &socialset_engine::UgcReport) -> Self {
        Self {
            posts: r.posts,
            by_kind: r
                .by_kind
                .iter()
                .map(|(k, n)| KindCount {
                    kind: k.name().to_owned(),
                    posts: *n,
                })
                .collect(),
            matching: r.matching,
            items: r.items.iter().map(UgcItemJson::from).collect(),
            threads: r
                .threads
                .iter()
                .map(|t| UgcThreadJson {
                    question: (&t.question).into(),
                    answers: t.answers,
                    abusive_answers: t.abusive_answers,
                    best_answer: t.best.as_ref().map(UgcItemJson::from),
                })
                .collect(),
        }
    }
}

/// A Monte Carlo estimate with its 95% interval.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EstimateJson {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub simulations: usize,
}

impl From<socialset_engine::Spread> for EstimateJson {
    fn from(s: socialset_engine::Spread) -> Self {
        Self {
            mean: s.mean,
            low: s.low,
            high: s.high,
            simulations: s.simulations,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanMemberJson {
    pub id: String,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    pub cost_eur: f64,
    /// Accounts it adds to the plan's expected reach (why it was chosen); none for a
    /// professional plan.
    pub marginal_reach: Option<f64>,
    pub community: Option<u32>,
    /// What the profile says: `verified`, `brand` (such accounts are rarely ordinary people).
    pub flags: Vec<String>,
}

/// A learned reach forecast and where its interval's width comes from: each part is a
/// standard deviation of log(reach + 0.5); the interval joins all three.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ForecastJson {
    /// Interactions the whole data set is expected to see over the horizon.
    pub volume: f64,
    /// The learned parameters' uncertainty (a bootstrap over the history).
    pub sd_parameters: f64,
    /// The outcome's own randomness (a count of accounts).
    pub sd_outcome: f64,
    /// The excess error of past forecasts made inside the history, grown to the horizon.
    pub sd_past_forecasts: f64,
    /// How many past forecasts calibrated it (0: the interval is not calibrated).
    pub backtests: usize,
}

impl From<&socialset_engine::ReachForecast> for ForecastJson {
    fn from(f: &socialset_engine::ReachForecast) -> Self {
        Self {
            volume: f.volume,
            sd_parameters: f.sd_parameters,
            sd_outcome: f.sd_outcome,
            sd_past_forecasts: f.sd_past_forecasts,
            backtests: f.backtests,
        }
    }
}

/// A set of accounts, what it costs and whom it reaches.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanSetJson {
    pub members: Vec<PlanMemberJson>,
    pub cost_eur: f64,
    /// Accounts reached **inside the imported data**, the only reach socialset observes:
    /// under the learned model a forecast over the horizon with its 95% predictive interval
    /// (members not counted, `simulations` 0); under the others the Monte Carlo expectation
    /// (members included) whose interval is the simulation's error only.
    pub reach: EstimateJson,
    pub reach_per_euro: f64,
    /// The interval of the reach per euro, when anything was spent.
    pub reach_per_euro_interval: Option<[f64; 2]>,
    /// The members' followers summed: the nominal audience the platform reports. The data
    /// cannot observe it, so it is not comparable with `reach` (null when a member's count
    /// is unknown).
    pub nominal_audience: Option<u64>,
    /// The forecast's parts, under the learned model.
    pub forecast: Option<ForecastJson>,
}

impl From<&socialset_engine::PlanSet> for PlanSetJson {
    fn from(s: &socialset_engine::PlanSet) -> Self {
        Self {
            members: s
                .members
                .iter()
                .map(|m| PlanMemberJson {
                    id: m.id.clone(),
                    handle: m.handle.clone(),
                    followers: m.followers,
                    cost_eur: m.cost,
                    marginal_reach: m.marginal_reach,
                    community: m.community,
                    flags: m.flags.iter().map(|f| (*f).to_owned()).collect(),
                })
                .collect(),
            cost_eur: s.cost,
            reach: s.reach.into(),
            reach_per_euro: s.reach_per_euro,
            reach_per_euro_interval: (s.cost > 0.0)
                .then(|| [s.reach.low / s.cost, s.reach.high / s.cost]),
            nominal_audience: s.nominal_audience,
            forecast: s.forecast.as_ref().map(ForecastJson::from),
        }
    }
}

/// The Social Set (budgeted IMM over native influencers) and, when asked, the same budget
/// spent on professional influencers, with the overlap of their audiences.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanJson {
    pub budget_eur: f64,
    pub accounts: usize,
    pub influence_edges: usize,
    pub candidates: usize,
    pub audience: usize,
    /// With a claim: the accounts it reached, and those that carried it (left out).
    pub claim_exposed: Option<usize>,
    pub claim_carriers: Option<usize>,
    pub left_out_as_bots: usize,
    pub left_out_as_dependent: usize,
    /// Accounts left out because their follower count is unknown (0 when the request
    /// assumed them native).
    pub left_out_unknown_audience: usize,
    pub model: String,
    /// `learned`, `weighted-cascade` or `engagement`.
    pub probabilities: String,
    /// How the learned model was fitted and chosen, under `learned`.
    pub learned: Option<LearnedJson>,
    pub epsilon: f64,
    /// The accuracy reached: `epsilon`, or larger when the memory limit on the sample
    /// (`sample_capped`) cut it short.
    pub epsilon_achieved: f64,
    pub sample_capped: bool,
    pub rr_sets: usize,
    /// Memory the RR sets held, in bytes (bounded by the server's sample limit).
    pub sample_bytes: u64,
    pub social_set: PlanSetJson,
    pub professional: Option<PlanSetJson>,
    /// |A ∩ B| / |A ∪ B| of the two plans' simulated audiences.
    pub audience_overlap: Option<EstimateJson>,
}

impl From<&socialset_engine::PlanReport> for PlanJson {
    fn from(r: &socialset_engine::PlanReport) -> Self {
        Self {
            budget_eur: r.budget,
            accounts: r.accounts,
            influence_edges: r.influence_edges,
            candidates: r.candidates,
            audience: r.audience,
            claim_exposed: r.claim_exposed,
            claim_carriers: r.claim_carriers,
            left_out_as_bots: r.left_out_as_bots,
            left_out_as_dependent: r.left_out_as_dependent,
            left_out_unknown_audience: r.left_out_unknown_audience,
            model: format!("{:?}", r.model),
            probabilities: r.probabilities.name().to_owned(),
            learned: r.learned.as_ref().map(LearnedJson::from),
            epsilon: r.epsilon,
            epsilon_achieved: r.epsilon_achieved,
            sample_capped: r.sample_capped,
            rr_sets: r.rr_sets,
            sample_bytes: r.sample_bytes,
            social_set: (&r.social_set).into(),
            professional: r.professional.as_ref().map(PlanSetJson::from),
            audience_overlap: r.audience_overlap.map(EstimateJson::from),
        }
    }
}

/// A held-out score of one candidate model (higher log-likelihood is better).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CandidateJson {
    pub model: String,
    pub log_likelihood: f64,
    pub mean_abs_error: f64,
}

/// How the learned model was fitted: the horizon, the half-life and concentration the held-out
/// test chose on a stretch of the history after its last peak and every candidate's score, the
/// activity expected over the horizon.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LearnedJson {
    pub horizon_days: f64,
    /// Null: no decay won.
    pub half_life_hours: Option<f64>,
    /// How much of the past's concentration on few accounts carries into the forecast (1: all
    /// of it; below 1: the shares flattened).
    pub concentration: f64,
    /// The share of the interactions to come expected to go to accounts that drew none yet.
    pub new_targets: f64,
    pub candidates: Vec<CandidateJson>,
    /// Interactions the whole data set is expected to see over the horizon.
    pub volume: f64,
    /// The activity's power-law decay exponent after its last peak (0: a steady level).
    pub trend_alpha: f64,
    pub hours_since_peak: f64,
    /// Past forecasts made inside the history that calibrate the interval.
    pub backtests: usize,
}

impl From<&socialset_engine::LearnedFit> for LearnedJson {
    fn from(f: &socialset_engine::LearnedFit) -> Self {
        Self {
            horizon_days: f.horizon_days,
            half_life_hours: f.half_life_hours,
            concentration: f.concentration,
            new_targets: f.new_targets,
            candidates: f
                .candidates
                .iter()
                .map(|c| CandidateJson {
                    model: c.candidate.label(),
                    log_likelihood: c.log_likelihood,
                    mean_abs_error: c.mean_abs_error,
                })
                .collect(),
            volume: f.volume,
            trend_alpha: f.trend_alpha,
            hours_since_peak: f.hours_since_peak,
            backtests: f.backtests.len(),
        }
    }
}

/// What to plan: the budget and, optionally, the constraints `socialset plan` takes.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanRequest {
    /// Euros to spend.
    pub budget_eur: f64,
    /// At most this many members.
    pub k: Option<usize>,
    /// The most followers a member may have (default 5,000).
    pub max_followers: Option<u64>,
    /// Count reach only among accounts interested in this topic (words, #hashtags).
    pub topic: Option<String>,
    /// Plan the answer to this claim (`GET …/claims` ids): reach counted among the accounts
    /// it reached and those who engage with them; its carriers left out of the members.
    pub claim: Option<String>,
    /// Count reach only in these communities.
    #[serde(default)]
    pub communities: Vec<u32>,
    /// At most this many members from one community.
    pub max_per_community: Option<usize>,
    /// Also spend the budget on the largest accounts above the native threshold.
    #[serde(default)]
    pub compare_professional: bool,
    /// Cascades of at most this many steps (1: the members' own engagers).
    pub hops: Option<u32>,
    /// `learned` (default: learned from the timed history, reach forecast over the horizon
    /// with a predictive interval), `weighted-cascade` or `engagement` (observed engagement
    /// rates).
    pub probabilities: Option<String>,
    /// The campaign's length in days: the learned forecast's horizon (default 7; more than 0,
    /// at most 366).
    pub horizon_days: Option<f64>,
    /// Count accounts whose follower count is unknown as native candidates (default false:
    /// they are left out, and `left_out_unknown_audience` says how many).
    #[serde(default)]
    pub assume_native_if_unknown: bool,
    /// Plan on the engagement at or after this time only (RFC 3339, YYYY-MM-DD or epoch
    /// seconds).
    pub since: Option<String>,
    /// Plan on the engagement before this time only: the forecast starts there (a store
    /// whose activity has faded is planned on a window when it was active).
    pub until: Option<String>,
    /// Accounts never chosen (ids or handles).
    #[serde(default)]
    pub exclude: Vec<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AffiliateLinkJson {
    pub url: String,
    pub why: String,
}

/// A post with a brand tie, and whether it discloses it as the rules ask.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PostDisclosureJson {
    pub post: String,
    pub author: String,
    pub handle: Option<String>,
    /// Epoch seconds, when known.
    pub at: Option<i64>,
    /// compliant, buried, undisclosed, ...
    pub verdict: String,
    pub labels: Vec<String>,
    pub affiliate_links: Vec<AffiliateLinkJson>,
    pub discount_codes: Vec<String>,
    pub brands: Vec<String>,
    pub excerpt: String,
}

/// How a set of posts discloses its sponsorships: posts, sponsored ones, and the sponsored
/// ones by verdict.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DisclosureCountsJson {
    pub posts: usize,
    pub sponsored: usize,
    pub compliant: usize,
    pub buried: usize,
    pub unclear: usize,
    pub undisclosed: usize,
}

impl From<&socialset_engine::DisclosureCounts> for DisclosureCountsJson {
    fn from(c: &socialset_engine::DisclosureCounts) -> Self {
        Self {
            posts: c.posts,
            sponsored: c.sponsored,
            compliant: c.compliant,
            buried: c.buried,
            unclear: c.unclear,
            undisclosed: c.undisclosed,
        }
    }
}

/// One account's disclosure counts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccountDisclosureJson {
    pub id: String,
    pub handle: Option<String>,
    #[serde(flatten)]
    pub counts: DisclosureCountsJson,
}

/// One campaign's disclosure counts (campaigns and members come from conversions).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignDisclosureJson {
    pub campaign: String,
    pub members: usize,
    #[serde(flatten)]
    pub counts: DisclosureCountsJson,
}

/// Whether sponsored posts say so clearly and early (AGCOM/IAP and FTC guidance): per
/// account with sponsored posts, per campaign, and the sponsored posts a page at a time.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DisclosureJson {
    pub posts_checked: usize,
    pub accounts: Vec<AccountDisclosureJson>,
    pub campaigns: Vec<CampaignDisclosureJson>,
    /// Sponsored posts in all (before the page).
    pub sponsored: usize,
    pub offset: usize,
    pub sponsored_posts: Vec<PostDisclosureJson>,
}

impl DisclosureJson {
    pub fn page(r: &socialset_engine::DisclosureReport, offset: usize, limit: usize) -> Self {
        Self {
            posts_checked: r.posts_checked,
            accounts: r
                .accounts
                .iter()
                .map(|a| AccountDisclosureJson {
                    id: a.id.clone(),
                    handle: a.handle.clone(),
                    counts: (&a.counts).into(),
                })
                .collect(),
            campaigns: r
                .campaigns
                .iter()
                .map(|c| CampaignDisclosureJson {
                    campaign: c.campaign.clone(),
                    members: c.members,
                    counts: (&c.counts).into(),
                })
                .collect(),
            sponsored: r.posts.len(),
            offset,
            sponsored_posts: r
                .posts
                .iter()
                .skip(offset)
                .take(limit)
                .map(PostDisclosureJson::from)
                .collect(),
        }
    }
}

impl From<&socialset_engine::PostDisclosure> for PostDisclosureJson {
    fn from(p: &socialset_engine::PostDisclosure) -> Self {
        Self {
            post: p.post.clone(),
            author: p.author.clone(),
            handle: p.handle.clone(),
            at: p.at.map(|t| t.epoch_ms() / 1000),
            verdict: p.verdict.as_str().to_owned(),
            labels: p.labels.clone(),
            affiliate_links: p
                .affiliate_links
                .iter()
                .map(|(url, why)| AffiliateLinkJson {
                    url: url.clone(),
                    why: (*why).to_owned(),
                })
                .collect(),
            discount_codes: p.discount_codes.clone(),
            brands: p.brands.clone(),
            excerpt: p.excerpt.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BrandCountJson {
    pub brand: String,
    pub posts: usize,
}

/// How independent of brands an account is: 1 − sponsored share − ½ × share of its other
/// posts that mention brands (0 for a brand itself; none without posts), with the reasons.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct IndependenceJson {
    pub id: String,
    pub handle: Option<String>,
    pub independence: Option<f64>,
    pub posts: Option<usize>,
    pub sponsored_posts: Option<usize>,
    pub brand_mention_posts: Option<usize>,
    pub is_brand: Option<bool>,
    pub reasons: Vec<String>,
    pub brands_mentioned: Vec<BrandCountJson>,
    pub sponsored: Vec<PostDisclosureJson>,
}

impl From<&socialset_engine::IndependenceReport> for IndependenceJson {
    fn from(r: &socialset_engine::IndependenceReport) -> Self {
        let i = r.independence.as_ref();
        Self {
            id: r.id.clone(),
            handle: r.handle.clone(),
            independence: i.map(|i| i.score),
            posts: i.map(|i| i.posts),
            sponsored_posts: i.map(|i| i.sponsored_posts),
            brand_mention_posts: i.map(|i| i.brand_mention_posts),
            is_brand: i.map(|i| i.is_brand),
            reasons: r.reasons.clone(),
            brands_mentioned: r
                .brands_mentioned
                .iter()
                .map(|(b, n)| BrandCountJson {
                    brand: b.clone(),
                    posts: *n,
                })
                .collect(),
            sponsored: r
                .sponsored_posts
                .iter()
                .map(PostDisclosureJson::from)
                .collect(),
        }
    }
}

/// One account's trust: from ratings (Kumar et al.'s goodness and fairness, EigenTrust) or,
/// in stores without ratings, from interactions (reciprocity and response rate).
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct TrustAccountJson {
    pub id: String,
    pub handle: Option<String>,
    /// The score the list is sorted by, shrunk toward 0 by the evidence.
    pub trust: f64,
    pub goodness: Option<f64>,
    pub fairness: Option<f64>,
    pub eigentrust: Option<f64>,
    pub ratings_received: Option<u32>,
    pub ratings_given: Option<u32>,
    pub positive_received: Option<f64>,
    pub talkers: Option<u32>,
    pub reciprocity: Option<f64>,
    pub questions: Option<u32>,
    pub response_rate: Option<f64>,
    /// The mean sentiment score (−1 to +1) of the replies with text it received.
    pub reply_tone: Option<f64>,
}

/// Trust of the workspace's accounts, most trusted first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TrustJson {
    /// `ratings` or `interactions`.
    pub source: String,
    pub accounts: Vec<TrustAccountJson>,
}

impl From<&socialset_engine::TrustReport> for TrustJson {
    fn from(r: &socialset_engine::TrustReport) -> Self {
        Self {
            source: "ratings".into(),
            accounts: r
                .accounts
                .iter()
                .map(|a| TrustAccountJson {
                    id: a.id.clone(),
                    handle: a.handle.clone(),
                    trust: a.trust,
                    goodness: Some(a.goodness),
                    fairness: Some(a.fairness),
                    eigentrust: Some(a.eigentrust),
                    ratings_received: Some(a.ratings_received),
                    ratings_given: Some(a.ratings_given),
                    positive_received: a.positive_received,
                    ..TrustAccountJson::default()
                })
                .collect(),
        }
    }
}

impl From<&socialset_engine::InteractionTrustReport> for TrustJson {
    fn from(r: &socialset_engine::InteractionTrustReport) -> Self {
        Self {
            source: "interactions".into(),
            accounts: r
                .accounts
                .iter()
                .map(|a| TrustAccountJson {
                    id: a.id.clone(),
                    handle: a.handle.clone(),
                    trust: a.trust,
                    talkers: Some(a.talkers),
                    reciprocity: a.reciprocity,
                    questions: Some(a.questions),
                    response_rate: a.response_rate,
                    reply_tone: a.reply_tone,
                    ..TrustAccountJson::default()
                })
                .collect(),
        }
    }
}

/// A text to classify and score.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct SentimentRequest {
    /// The post, Italian or English (at most 64 KiB).
    pub text: String,
    /// What reads English: the shipped trained model (default) or VADER alone.
    #[serde(default)]
    pub model: EnglishModel,
    /// Score the sentiment towards this brand or account (`@acme` or `acme`): where the text
    /// also speaks of other accounts in other clauses, only the brand's clauses are read, and
    /// "better than @acme" counts against it.
    #[serde(default)]
    pub towards: Option<String>,
    /// Other brands the text may name without an `@` (`["fastweb"]`), with `towards`; every
    /// @account other than the brand counts as another anyway.
    #[serde(default)]
    pub others: Vec<String>,
}

/// What reads English text (Italian is always read by the Italian model).
#[derive(Clone, Copy, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EnglishModel {
    /// A linear model trained on hand-labelled tweets, VADER's lexicon among its features.
    #[default]
    Trained,
    /// VADER alone (Hutto and Gilbert 2014), as vaderSentiment 3.3.2 scores.
    Vader,
}

impl From<EnglishModel> for socialset_engine::SentimentModel {
    fn from(m: EnglishModel) -> Self {
        match m {
            EnglishModel::Trained => Self::Trained,
            EnglishModel::Vader => Self::Vader,
        }
    }
}

/// A word or word pair and how far it pulled the score (positive: towards positive).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DriverJson {
    pub feature: String,
    pub pull: f64,
}

/// One post classified (question, answer, complaint, praise, review or mention, with the
/// cues) and scored (polarity with its probabilities and the words that drove it).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SentimentJson {
    pub kind: String,
    pub reasons: Vec<String>,
    /// positive, negative, neutral or mixed.
    pub polarity: String,
    /// it or en.
    pub language: String,
    pub positive: f64,
    pub negative: f64,
    /// positive − negative, in [−1, 1].
    pub score: f64,
    pub drivers: Vec<DriverJson>,
    /// With `towards`: how the text speaks of the brand ("whole text", "its clauses",
    /// "compared", "not named").
    pub towards: Option<String>,
}

impl From<&socialset_engine::Classified> for SentimentJson {
    fn from(c: &socialset_engine::Classified) -> Self {
        let r = &c.sentiment;
        Self {
            kind: c.kind.name().to_owned(),
            reasons: c.reasons.clone(),
            polarity: r.polarity.name().to_owned(),
            language: r.language.code().to_owned(),
            positive: r.positive,
            negative: r.negative,
            score: r.score,
            drivers: r
                .drivers
                .iter()
                .map(|(w, p)| DriverJson {
                    feature: w.clone(),
                    pull: *p,
                })
                .collect(),
            towards: c.towards.map(str::to_owned),
        }
    }
}

/// One group (a subreddit, a list, a discussion group): what the platform says of it, and the
/// activity recorded in it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GroupJson {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Members as the platform counts them (null: not given).
    pub members: Option<u64>,
    /// Creation day, YYYY-MM-DD.
    pub created: Option<String>,
    /// Accounts recorded as members.
    pub memberships: u64,
    /// Posts made in it, and by how many distinct accounts.
    pub posts: u64,
    pub posters: u64,
    /// Days of its first and last recorded posts, YYYY-MM-DD.
    pub first_post: Option<String>,
    pub last_post: Option<String>,
}

/// The groups of a workspace, the most posted-in first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GroupsJson {
    pub total: usize,
    pub posts_in_groups: u64,
    pub groups: Vec<GroupJson>,
}

impl From<&socialset_engine::GroupsReport> for GroupsJson {
    fn from(r: &socialset_engine::GroupsReport) -> Self {
        Self {
            total: r.total,
            posts_in_groups: r.posts_in_groups,
            groups: r
                .groups
                .iter()
                .map(|g| GroupJson {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    description: g.description.clone(),
                    members: g.members,
                    created: g.created_at.map(day),
                    memberships: g.memberships,
                    posts: g.posts,
                    posters: g.posters,
                    first_post: g.first_post.map(day),
                    last_post: g.last_post.map(day),
                })
                .collect(),
        }
    }
}

/// A moment as RFC 3339 in UTC, to the second (`2026-07-02T10:00:00Z`).
pub fn moment(t: Timestamp) -> String {
    let secs = t.epoch_seconds().rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        day(t),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A value with its 95% interval; `high` is null when the data cannot bound it (a cost per
/// acquisition without conversions).
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct IntervalJson {
    /// Null when it cannot be computed (a cost per acquisition with no conversions).
    pub value: Option<f64>,
    pub low: f64,
    pub high: Option<f64>,
}

impl From<&socialset_engine::Estimate> for IntervalJson {
    fn from(e: &socialset_engine::Estimate) -> Self {
        let finite = |v: f64| v.is_finite().then_some(v);
        Self {
            value: finite(e.value),
            low: if e.low.is_finite() { e.low } else { 0.0 },
            high: finite(e.high),
        }
    }
}

fn interval(e: Option<&socialset_engine::Estimate>) -> Option<IntervalJson> {
    e.map(IntervalJson::from)
}

/// A campaign (its webhook secret is shown only when it is created).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignJson {
    pub name: String,
    pub brand: String,
    pub brief: Option<String>,
    /// reach, engagement or conversions.
    pub objective: String,
    pub start: String,
    pub end: String,
    pub budget: f64,
    /// ISO 4217.
    pub currency: String,
    /// Where every tracking link leads (fixed for the campaign).
    pub destination: String,
    pub hashtags: Vec<String>,
    /// Labels members' posts must carry.
    pub disclosure: Vec<String>,
    pub created_at: String,
}

impl From<&socialset_engine::Campaign> for CampaignJson {
    fn from(c: &socialset_engine::Campaign) -> Self {
        Self {
            name: c.name.clone(),
            brand: c.brand.clone(),
            brief: c.brief.clone(),
            objective: c.objective.name().to_owned(),
            start: moment(c.start),
            end: moment(c.end),
            budget: c.budget,
            currency: c.currency.clone(),
            destination: c.destination.clone(),
            hashtags: c.hashtags.clone(),
            disclosure: c.disclosure.clone(),
            created_at: moment(c.created_at),
        }
    }
}

/// A campaign just created, with the secret its conversion webhook is signed with: keep it,
/// it is not shown again.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignCreatedJson {
    pub campaign: CampaignJson,
    /// HMAC-SHA256 key: sign `TIMESTAMP.BODY` and send `X-Socialset-Signature: t=TIMESTAMP,v1=HEX`.
    pub webhook_secret: String,
}

/// The campaigns of a workspace, the newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignsJson {
    pub campaigns: Vec<CampaignJson>,
}

/// What a new campaign is.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CampaignRequest {
    /// 1–64 letters, digits, - and _.
    pub name: String,
    pub brand: String,
    pub brief: Option<String>,
    /// reach, engagement or conversions (default conversions).
    pub objective: Option<String>,
    /// RFC 3339 time or a date.
    pub start: String,
    pub end: String,
    pub budget: f64,
    /// ISO 4217 (default EUR).
    pub currency: Option<String>,
    /// An http(s) URL: where every tracking link leads.
    pub destination: String,
    #[serde(default)]
    pub hashtags: Vec<String>,
    #[serde(default)]
    pub disclosure: Vec<String>,
}

/// A member of a campaign with its tracking link and promo code.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignMemberJson {
    pub account: String,
    /// native or professional.
    pub role: String,
    pub fee: f64,
    /// invited, accepted, posted or paid.
    pub status: String,
    /// The code of its tracking link: `/r/{link}` on the server.
    pub link: String,
    pub promo_code: String,
    /// Accounts the plan predicted it would add to the reach.
    pub predicted_reach: Option<f64>,
}

impl From<&socialset_engine::Member> for CampaignMemberJson {
    fn from(m: &socialset_engine::Member) -> Self {
        Self {
            account: m.account.as_str().to_owned(),
            role: m.role.name().to_owned(),
            fee: m.fee,
            status: m.status.name().to_owned(),
            link: m.link.clone(),
            promo_code: m.promo_code.clone(),
            predicted_reach: m.predicted_reach,
        }
    }
}

/// A campaign's members.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignMembersJson {
    pub members: Vec<CampaignMemberJson>,
}

/// A member to add (or to update: role, fee, status).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewCampaignMemberJson {
    /// An account id, or the @handle of an imported account.
    pub account: String,
    /// native or professional.
    pub role: String,
    pub fee: f64,
    /// invited (default), accepted, posted or paid.
    pub status: Option<String>,
    /// Made from the handle when not given.
    pub promo_code: Option<String>,
}

/// Members to add: listed, or a plan's (the answer of the plans route, as it came).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MembersRequest {
    #[serde(default)]
    pub members: Vec<NewCampaignMemberJson>,
    /// A plan: its Social Set joins as natives, its professional plan as professionals.
    #[schema(value_type = Option<Object>)]
    pub plan: Option<serde_json::Value>,
}

/// What adding conversions did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConversionsJson {
    /// The layout a file was read as (none for a webhook).
    pub layout: Option<String>,
    pub read: usize,
    pub added: usize,
    /// Orders the campaign already held: a repeated order id is counted once.
    pub already_held: usize,
    /// Rows repeating an order of the same file (Shopify's item rows).
    pub repeated_rows: usize,
}

impl From<&socialset_engine::ConversionsAdded> for ConversionsJson {
    fn from(c: &socialset_engine::ConversionsAdded) -> Self {
        Self {
            layout: c.layout.map(str::to_owned),
            read: c.read,
            added: c.added,
            already_held: c.already_held,
            repeated_rows: c.repeated_rows,
        }
    }
}

/// The figures of a member, a role or the campaign, every rate and ratio with its 95%
/// interval: Wilson for the conversion rate, for a member Garwood's Poisson interval on its
/// counts, for a group the bootstrap over its members.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FiguresJson {
    pub members: usize,
    pub cost: f64,
    pub posts: u64,
    /// Distinct accounts that engaged with the campaign posts.
    pub reach: u64,
    pub engagements: u64,
    /// Visits through the tracking links (crawlers, previews, prefetches and repeats within
    /// 30 minutes left out) and the distinct visitors among them.
    pub clicks: u64,
    pub unique_visitors: u64,
    pub converting_clicks: u64,
    pub conversions: u64,
    pub revenue: f64,
    /// Converting visits over visits.
    pub conversion_rate: Option<IntervalJson>,
    pub cost_per_acquisition: Option<IntervalJson>,
    /// Revenue over cost.
    pub return_on_spend: Option<IntervalJson>,
    pub cost_per_engagement: Option<IntervalJson>,
}

impl From<&socialset_engine::Figures> for FiguresJson {
    fn from(f: &socialset_engine::Figures) -> Self {
        let t = &f.totals;
        Self {
            members: f.members,
            cost: t.fee,
            posts: t.posts,
            reach: t.reach,
            engagements: t.engagements,
            clicks: t.clicks,
            unique_visitors: t.unique_visitors,
            converting_clicks: t.converting_clicks,
            conversions: t.conversions,
            revenue: t.revenue,
            conversion_rate: interval(f.conversion_rate.as_ref()),
            cost_per_acquisition: interval(f.cost_per_acquisition.as_ref()),
            return_on_spend: interval(f.return_on_spend.as_ref()),
            cost_per_engagement: interval(f.cost_per_engagement.as_ref()),
        }
    }
}

/// One member's line of the report.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MemberReportJson {
    #[serde(flatten)]
    pub member: CampaignMemberJson,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    /// Whether the account is in the imported data (its posts can be found).
    pub in_data: bool,
    pub figures: FiguresJson,
}

/// Natives against professionals.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ComparisonJson {
    /// Natives' cost per acquisition over professionals' (below 1: natives cheaper).
    pub cpa_ratio: Option<IntervalJson>,
    pub cpe_ratio: Option<IntervalJson>,
    /// natives_cheaper, professionals_cheaper, cannot_tell or not_comparable.
    pub verdict: String,
    /// The plain sentence.
    pub sentence: String,
}

/// Clicks as the redirect recorded them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClicksJson {
    pub requests: u64,
    pub visits: u64,
    pub unique_visitors: u64,
    pub repeats: u64,
    pub crawlers: u64,
    pub previews: u64,
    pub prefetches: u64,
}

/// Orders nobody can claim, counted apart.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UnclaimedJson {
    pub orders: u64,
    pub revenue: f64,
    pub by_reason: Vec<ReasonCountJson>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReasonCountJson {
    pub reason: String,
    pub orders: u64,
}

/// The plan's predicted reach of a role against what its posts reached.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReachCheckJson {
    pub role: String,
    pub predicted: Option<IntervalJson>,
    pub observed: u64,
}

/// A member's post carrying the campaign.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignPostJson {
    pub id: String,
    pub member: String,
    pub at: Option<String>,
    /// link, code, #hashtag.
    pub matched_by: Vec<String>,
    pub engagements: u64,
    pub reach: u64,
    /// compliant, label buried, label unclear or undisclosed.
    pub disclosure: String,
    pub required_label: bool,
}

/// One day of clicks and conversions.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DayJson {
    pub day: String,
    pub visits: u64,
    pub conversions: u64,
    pub revenue: f64,
}

/// What non-members said of the brand in a period as long as the campaign.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VoiceJson {
    /// before, during or after.
    pub period: String,
    pub since: String,
    pub until: String,
    pub mentions: u64,
    pub mentions_per_day: IntervalJson,
    pub questions: u64,
    pub question_share: Option<IntervalJson>,
    pub positive_share: Option<IntervalJson>,
}

/// A campaign's report: per member, per role and in all, natives against professionals,
/// clicks, unclaimed orders, predicted against observed reach, posts, a timeline and what
/// customers said.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignReportJson {
    pub campaign: CampaignJson,
    pub window_days: u32,
    /// What was made up for a demo ("clicks and orders"); null for a real campaign.
    pub simulated: Option<String>,
    pub simulated_orders: u64,
    pub members: Vec<MemberReportJson>,
    pub natives: FiguresJson,
    pub professionals: FiguresJson,
    pub total: FiguresJson,
    pub comparison: ComparisonJson,
    pub clicks: ClicksJson,
    pub unclaimed: UnclaimedJson,
    pub reach: Vec<ReachCheckJson>,
    pub posts: Vec<CampaignPostJson>,
    pub timeline: Vec<DayJson>,
    pub voice: Vec<VoiceJson>,
}

impl From<&socialset_engine::CampaignReport> for CampaignReportJson {
    fn from(r: &socialset_engine::CampaignReport) -> Self {
        use socialset_engine::CostVerdict;
        let c = &r.clicks;
        Self {
            campaign: (&r.campaign).into(),
            window_days: r.window_days,
            simulated: r.simulated.clone(),
            simulated_orders: r.simulated_orders,
            members: r
                .members
                .iter()
                .map(|m| MemberReportJson {
                    member: (&m.member).into(),
                    handle: m.handle.clone(),
                    followers: m.followers,
                    in_data: m.in_data,
                    figures: (&m.figures).into(),
                })
                .collect(),
            natives: (&r.natives).into(),
            professionals: (&r.professionals).into(),
            total: (&r.total).into(),
            comparison: ComparisonJson {
                cpa_ratio: interval(r.comparison.cpa_ratio.as_ref()),
                cpe_ratio: interval(r.comparison.cpe_ratio.as_ref()),
                verdict: match r.comparison.verdict {
                    CostVerdict::NativesCheaper => "natives_cheaper",
                    CostVerdict::ProfessionalsCheaper => "professionals_cheaper",
                    CostVerdict::CannotTell => "cannot_tell",
                    CostVerdict::NotComparable => "not_comparable",
                }
                .to_owned(),
                sentence: r.verdict.clone(),
            },
            clicks: ClicksJson {
                requests: c.requests,
                visits: c.visits,
                unique_visitors: c.unique_visitors,
                repeats: c.repeats,
                crawlers: c.crawlers,
                previews: c.previews,
                prefetches: c.prefetches,
            },
            unclaimed: UnclaimedJson {
                orders: r.unclaimed.orders,
                revenue: r.unclaimed.revenue,
                by_reason: r
                    .unclaimed
                    .by_reason
                    .iter()
                    .map(|(reason, orders)| ReasonCountJson {
                        reason: (*reason).to_owned(),
                        orders: *orders,
                    })
                    .collect(),
            },
            reach: r
                .reach
                .iter()
                .map(|x| ReachCheckJson {
                    role: x.role.name().to_owned(),
                    predicted: interval(x.predicted.as_ref()),
                    observed: x.observed,
                })
                .collect(),
            posts: r
                .posts
                .iter()
                .map(|p| CampaignPostJson {
                    id: p.id.clone(),
                    member: p.member.clone(),
                    at: p.at.map(moment),
                    matched_by: p.matched_by.clone(),
                    engagements: p.engagements,
                    reach: p.reach,
                    disclosure: p.disclosure.to_owned(),
                    required_label: p.required_label,
                })
                .collect(),
            timeline: r
                .timeline
                .iter()
                .map(|d| DayJson {
                    day: day(d.day),
                    visits: d.visits,
                    conversions: d.conversions,
                    revenue: d.revenue,
                })
                .collect(),
            voice: r
                .voice
                .iter()
                .map(|v| VoiceJson {
                    period: v.period.to_owned(),
                    since: moment(v.since),
                    until: moment(v.until),
                    mentions: v.mentions,
                    mentions_per_day: (&v.mentions_per_day).into(),
                    questions: v.questions,
                    question_share: interval(v.question_share.as_ref()),
                    positive_share: interval(v.positive_share.as_ref()),
                })
                .collect(),
        }
    }
}

/// The report's members as CSV rows (`MEMBER_CSV_HEADER`), one per member, then one per role
/// and one for the campaign: every interval as its value, low and high.
pub fn campaign_csv_rows(r: &CampaignReportJson) -> Vec<Vec<String>> {
    let opt = |v: Option<f64>| v.map_or_else(String::new, |x| format!("{x:.6}"));
    let three = |i: &Option<IntervalJson>| match i {
        Some(i) => [opt(i.value), format!("{:.6}", i.low), opt(i.high)],
        None => [String::new(), String::new(), String::new()],
    };
    let row = |who: &str, role: &str, f: &FiguresJson| {
        let mut v = vec![
            who.to_owned(),
            role.to_owned(),
            f.members.to_string(),
            format!("{:.2}", f.cost),
            f.posts.to_string(),
            f.reach.to_string(),
            f.engagements.to_string(),
            f.clicks.to_string(),
            f.unique_visitors.to_string(),
            f.conversions.to_string(),
            format!("{:.2}", f.revenue),
        ];
        for i in [
            &f.conversion_rate,
            &f.cost_per_acquisition,
            &f.return_on_spend,
            &f.cost_per_engagement,
        ] {
            v.extend(three(i));
        }
        v
    };
    let mut rows: Vec<Vec<String>> = r
        .members
        .iter()
        .map(|m| row(&m.member.account, &m.member.role, &m.figures))
        .collect();
    rows.push(row("(natives)", "native", &r.natives));
    rows.push(row("(professionals)", "professional", &r.professionals));
    rows.push(row("(campaign)", "", &r.total));
    rows
}

/// The header of `campaign_csv_rows`.
pub const MEMBER_CSV_HEADER: [&str; 23] = [
    "member",
    "role",
    "members",
    "cost",
    "posts",
    "reach",
    "engagements",
    "clicks",
    "unique_visitors",
    "conversions",
    "revenue",
    "conversion_rate",
    "conversion_rate_low",
    "conversion_rate_high",
    "cost_per_acquisition",
    "cost_per_acquisition_low",
    "cost_per_acquisition_high",
    "return_on_spend",
    "return_on_spend_low",
    "return_on_spend_high",
    "cost_per_engagement",
    "cost_per_engagement_low",
    "cost_per_engagement_high",
];

/// One of an account's latest posts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RecentPostJson {
    pub id: String,
    /// When, RFC 3339 (UTC).
    pub at: Option<String>,
    pub text: Option<String>,
    /// Likes and shares as the platform counted them, when the data gives them.
    pub likes: Option<u64>,
    pub shares: Option<u64>,
    /// The post on its platform, when its id says where.
    pub link: Option<String>,
}

/// An account's profile card.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProfileJson {
    pub id: String,
    pub handle: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub listed: Option<u64>,
    pub verified: Option<bool>,
    pub is_brand: Option<bool>,
    pub lang: Option<String>,
    pub created_at: Option<String>,
    /// Its page on its platform, when its id says where.
    pub link: Option<String>,
    pub posts_in_data: usize,
    pub recent_posts: Vec<RecentPostJson>,
    /// Mean likes and shares per original post (platform counts) over its followers.
    pub engagement_rate: Option<f64>,
    /// Original posts with platform counts the rate rests on.
    pub rated_posts: usize,
    /// nano, micro, mid, macro or mega, by followers.
    pub tier: Option<String>,
    /// The median engagement rate of the workspace's accounts of the same tier.
    pub tier_median_rate: Option<f64>,
    /// Accounts that median is taken over.
    pub tier_accounts: usize,
}

impl From<&socialset_engine::Profile> for ProfileJson {
    fn from(p: &socialset_engine::Profile) -> Self {
        Self {
            id: p.id.clone(),
            handle: p.handle.clone(),
            name: p.name.clone(),
            bio: p.bio.clone(),
            followers: p.followers,
            following: p.following,
            posts_count: p.posts_count,
            listed: p.listed,
            verified: p.verified,
            is_brand: p.is_brand,
            lang: p.lang.clone(),
            created_at: p.created_at.map(moment),
            link: p.link.clone(),
            posts_in_data: p.posts_in_data,
            recent_posts: p
                .recent_posts
                .iter()
                .map(|r| RecentPostJson {
                    id: r.id.clone(),
                    at: r.at.map(moment),
                    text: r.text.clone(),
                    likes: r.likes,
                    shares: r.shares,
                    link: r.link.clone(),
                })
                .collect(),
            engagement_rate: p.engagement_rate,
            rated_posts: p.rated_posts,
            tier: p.tier.map(|t| t.as_str().to_owned()),
            tier_median_rate: p.tier_median_rate,
            tier_accounts: p.tier_accounts,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn part(xlsx: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip");
        let mut text = String::new();
        z.by_name(name)
            .expect("part")
            .read_to_string(&mut text)
            .expect("read");
        text
    }

    #[test]
    fn xlsx_numbers_are_numbers_and_formulas_are_text() {
        let xlsx = write_xlsx(
            &["id", "handle", "score"],
            &["id", "handle"],
            [
                vec!["123".into(), "=HYPERLINK(\"x\")".into(), "0.5".into()],
                vec!["tw:2".into(), String::new(), "7".into()],
            ],
        )
        .expect("xlsx");
        let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
        assert_eq!(sheet.matches("<row ").count(), 3, "{sheet}");
        assert!(!sheet.contains("<f>"), "no formula: {sheet}");
        assert!(
            sheet.contains("<v>0.5</v>") && sheet.contains("<v>7</v>"),
            "{sheet}"
        );
        let strings = part(&xlsx, "xl/sharedStrings.xml");
        // The numeric id stays text, as does the would-be formula.
        assert!(strings.contains(">123<"), "{strings}");
        assert!(strings.contains("<t>=HYPERLINK(\"x\")</t>"), "{strings}");
    }
}

/// A claim (a link, a hashtag, or a story told in near-identical words) and how it spread:
/// its cascades of replies, quotes and shares.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClaimJson {
    /// `link:HOST/PATH`, `tag:NAME` or `text:POST`.
    pub id: String,
    /// `link`, `hashtag` or `text`.
    pub kind: String,
    /// The link as first written, `#tag`, or the first post's text.
    pub label: String,
    pub domain: Option<String>,
    /// Posts that carry it.
    pub carriers: usize,
    /// Posts in its cascades, and the distinct accounts that made them.
    pub posts: usize,
    pub accounts: usize,
    /// Cascades, and the posts of the largest.
    pub cascades: usize,
    pub largest_cascade: usize,
    /// The longest chain of replies and shares from a root, and the most posts at one depth.
    pub depth: usize,
    pub max_breadth: usize,
    /// The largest cascade's mean distance between two posts (Goel et al. 2016): near 2 for
    /// a broadcast, larger for spread from person to person.
    pub structural_virality: f64,
    /// The first and last post (RFC 3339, UTC).
    pub first: Option<String>,
    pub last: Option<String>,
    /// Hours from the first post to the 10th, 100th and 1,000th account (null: not reached).
    pub hours_to_10_accounts: Option<f64>,
    pub hours_to_100_accounts: Option<f64>,
    pub hours_to_1000_accounts: Option<f64>,
    /// Its fact-checks, when a claims file names it (`claim` and `verdict` records).
    pub fact_check: Option<FactCheckJson>,
}

/// A named claim's fact-checks.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FactCheckJson {
    /// The claims file's id for it.
    pub id: String,
    pub title: Option<String>,
    /// What the checks say together (true, false, mixed, unverified): theirs when they agree,
    /// mixed when one says true and another false; null when named but not judged.
    pub verdict: Option<String>,
    pub verdicts: Vec<VerdictJson>,
}

/// One source's verdict.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VerdictJson {
    pub verdict: String,
    pub source: Option<String>,
    pub url: Option<String>,
    /// RFC 3339, UTC.
    pub at: Option<String>,
}

impl From<&socialset_engine::FactCheck> for FactCheckJson {
    fn from(c: &socialset_engine::FactCheck) -> Self {
        Self {
            id: c.id.clone(),
            title: c.title.clone(),
            verdict: c.verdict.map(|v| v.as_str().to_owned()),
            verdicts: c
                .verdicts
                .iter()
                .map(|v| VerdictJson {
                    verdict: v.verdict.as_str().to_owned(),
                    source: v.source.clone(),
                    url: v.url.clone(),
                    at: v.at.map(Timestamp::utc),
                })
                .collect(),
        }
    }
}

impl From<&socialset_engine::Claim> for ClaimJson {
    fn from(c: &socialset_engine::Claim) -> Self {
        let s = &c.spread;
        let hours = |k: usize| s.time_to[k].map(|ms| ms as f64 / 3_600_000.0);
        Self {
            id: c.id.clone(),
            kind: c.kind.as_str().to_owned(),
            label: c.label.clone(),
            domain: c.domain.clone(),
            carriers: c.carriers,
            posts: s.posts,
            accounts: s.accounts,
            cascades: s.cascades,
            largest_cascade: s.largest,
            depth: s.depth,
            max_breadth: s.max_breadth,
            structural_virality: s.structural_virality,
            first: s.first.map(Timestamp::utc),
            last: s.last.map(Timestamp::utc),
            hours_to_10_accounts: hours(0),
            hours_to_100_accounts: hours(1),
            hours_to_1000_accounts: hours(2),
            fact_check: c.check.as_ref().map(FactCheckJson::from),
        }
    }
}

/// The claims spreading most.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClaimsJson {
    pub claims: Vec<ClaimJson>,
    /// Claims found, and those that reached the accounts asked for, before the list was cut.
    pub found: usize,
    pub spreading: usize,
    /// Posts read, and those replying to, quoting or sharing a post the store holds.
    pub posts: usize,
    pub linked_posts: usize,
    /// Claims named by claims files, and those of them no post in the store carries.
    pub named: usize,
    pub named_not_found: usize,
}

impl From<&socialset_engine::ClaimsReport> for ClaimsJson {
    fn from(r: &socialset_engine::ClaimsReport) -> Self {
        Self {
            claims: r.claims.iter().map(ClaimJson::from).collect(),
            found: r.found,
            spreading: r.spreading,
            posts: r.posts,
            linked_posts: r.linked,
            named: r.named,
            named_not_found: r.unmatched,
        }
    }
}

/// An account that spread claims fact-checkers judged, with its record.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RepeatSpreaderJson {
    pub account: String,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    /// Judged claims it spread (carried, quoted or shared; replies do not count), by verdict.
    pub spread_false: u32,
    pub spread_true: u32,
    pub spread_mixed: u32,
    pub spread_unverified: u32,
    /// Its share of false among the claims it spread judged true or false, drawn towards the
    /// store's base rate by one claim's weight.
    pub false_share: f64,
    /// The false claims it spread, the first in time first, and when it first spread one.
    pub false_claims: Vec<String>,
    pub first_false: Option<String>,
}

/// Repeat spreaders of claims judged false.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SpreadersJson {
    pub spreaders: Vec<RepeatSpreaderJson>,
    /// Claims named by claims files; found in the posts with a verdict; not found.
    pub named: usize,
    pub judged_found: usize,
    pub named_not_found: usize,
    /// Verdicts naming a claim no claim record names.
    pub orphan_verdicts: usize,
    /// The judged claims found, by verdict.
    pub found_true: usize,
    pub found_false: usize,
    pub found_mixed: usize,
    pub found_unverified: usize,
    /// Share of false among the found claims judged true or false.
    pub base_rate: f64,
    /// Accounts with a record, and those that spread the asked number of false claims.
    pub accounts_with_record: usize,
    pub repeat_spreaders: usize,
}

impl From<&socialset_engine::SpreadersReport> for SpreadersJson {
    fn from(r: &socialset_engine::SpreadersReport) -> Self {
        use socialset_engine::FactVerdict as Verdict;
        Self {
            spreaders: r
                .spreaders
                .iter()
                .map(|s| RepeatSpreaderJson {
                    account: s.account.clone(),
                    handle: s.handle.clone(),
                    followers: s.followers,
                    spread_false: s.record.of(Verdict::False),
                    spread_true: s.record.of(Verdict::True),
                    spread_mixed: s.record.of(Verdict::Mixed),
                    spread_unverified: s.record.of(Verdict::Unverified),
                    false_share: s.false_share,
                    false_claims: s.false_claims.clone(),
                    first_false: s.first_false.map(Timestamp::utc),
                })
                .collect(),
            named: r.named,
            judged_found: r.judged_found,
            named_not_found: r.unmatched,
            orphan_verdicts: r.orphan_verdicts,
            found_true: r.by_verdict[Verdict::True as usize],
            found_false: r.by_verdict[Verdict::False as usize],
            found_mixed: r.by_verdict[Verdict::Mixed as usize],
            found_unverified: r.by_verdict[Verdict::Unverified as usize],
            base_rate: r.base_rate,
            accounts_with_record: r.with_record,
            repeat_spreaders: r.repeat,
        }
    }
}

/// An account that carried a claim on.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SpreaderJson {
    pub account: String,
    pub handle: Option<String>,
    /// Its posts in the cascades, and the posts that came below them.
    pub posts: usize,
    pub below: usize,
    /// It carried the claim itself (rather than answering or sharing it).
    pub carrier: bool,
}

/// A day of a claim's spread.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClaimDayJson {
    pub day: String,
    pub posts: usize,
    /// Accounts seen in the cascades for the first time that day.
    pub new_accounts: usize,
}

/// A post's stance towards the claim it answers (RumourEval's classes), with each class's
/// chance and the features that pulled hardest towards the call.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StanceJson {
    /// support, deny, query or comment.
    pub stance: String,
    pub support: f64,
    pub deny: f64,
    pub query: f64,
    pub comment: f64,
    pub drivers: Vec<DriverJson>,
}

impl From<&socialset_engine::StancePrediction> for StanceJson {
    fn from(p: &socialset_engine::StancePrediction) -> Self {
        Self {
            stance: p.stance.name().to_owned(),
            support: p.chances[0],
            deny: p.chances[1],
            query: p.chances[2],
            comment: p.chances[3],
            drivers: p
                .drivers
                .iter()
                .map(|(w, x)| DriverJson {
                    feature: w.clone(),
                    pull: *x,
                })
                .collect(),
        }
    }
}

/// A reply to a claim that denies or questions it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StancedReplyJson {
    pub post: String,
    pub account: String,
    pub handle: Option<String>,
    /// UTC, when known.
    pub at: Option<String>,
    /// deny or query.
    pub stance: String,
    /// The model's chance of that stance.
    pub chance: f64,
    /// The reply's text (at most 280 characters).
    pub text: String,
}

/// The stance of a claim's replies.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReplyStancesJson {
    pub support: usize,
    pub deny: usize,
    pub query: usize,
    pub comment: usize,
    /// Replies with no call: Italian (socialset's stance model reads English) or empty.
    pub unread: usize,
    /// The earliest denials and questions by others than the claim's author.
    pub examples: Vec<StancedReplyJson>,
}

/// A community (as `socialset communities` numbers it) a claim reached.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommunityReachedJson {
    pub id: u32,
    /// Its most distinctive hashtags and words.
    pub labels: Vec<String>,
    pub size: u32,
    /// The claim's accounts in it.
    pub accounts: usize,
}

/// Who a claim's cascades reached: likely bots (by the audit's built-in model) and
/// communities.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClaimReachJson {
    /// Accounts in the cascades; those the audit could judge; likely bots among them.
    pub accounts: usize,
    pub judged: usize,
    pub likely_bots: usize,
    /// Posts in the cascades, and those by likely bots.
    pub posts: usize,
    pub posts_by_bots: usize,
    /// Communities reached, and the ones holding most of its accounts.
    pub communities_reached: usize,
    pub communities: Vec<CommunityReachedJson>,
    /// False when the store holds no engagement to find communities in.
    pub communities_known: bool,
    /// The first 500 posts of its cascades, root first, for drawing its spread network; and
    /// how many posts the cascades hold.
    pub network: Vec<NetworkNodeJson>,
    pub network_of: usize,
}

/// A post of a claim's spread network.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NetworkNodeJson {
    pub post: String,
    pub account: String,
    pub handle: Option<String>,
    /// The index (in `network`) of the post it replies to, quotes or shares, when drawn.
    pub parent: Option<usize>,
    pub depth: u32,
    /// Its author's bot probability by the audit's built-in model (null when unknown), and
    /// whether the audit calls the author a likely bot or had too little data to judge.
    pub bot_probability: Option<f64>,
    pub likely_bot: bool,
    pub too_little_data: bool,
}

/// One claim in full: its spread, day by day, who carried it furthest, what the replies
/// said of it, and whom it reached.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClaimDetailJson {
    pub claim: ClaimJson,
    pub timeline: Vec<ClaimDayJson>,
    pub spreaders: Vec<SpreaderJson>,
    pub replies: ReplyStancesJson,
    /// Null when the request asked for no reach (`reach=false`).
    pub reach: Option<ClaimReachJson>,
    /// What its spreaders' records over the other judged claims say (null when no claims
    /// file names claims in the workspace).
    pub spreaders_record: Option<SpreadersRecordJson>,
}

/// What the records of a claim's spreaders say: their other claims judged true or false.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SpreadersRecordJson {
    /// Accounts that carried, quoted or shared it, and those with a record of other judged
    /// claims.
    pub spreaders: usize,
    pub with_record: usize,
    /// The mean false share of those with a record (the base rate when none has one). Not a
    /// probability: on FakeNewsNet this score tells fake items from real ones with an AUC of
    /// 0.90 (BuzzFeed) and 0.95 (PolitiFact), docs/EVALUATION.md.
    pub score: f64,
    /// The share of false among the other judged claims, and how many there are.
    pub base_rate: f64,
    pub judged_claims: usize,
}

impl From<&socialset_engine::ClaimDetail> for ClaimDetailJson {
    fn from(d: &socialset_engine::ClaimDetail) -> Self {
        Self {
            claim: ClaimJson::from(&d.claim),
            timeline: d
                .timeline
                .iter()
                .map(|(day, posts, new_accounts)| ClaimDayJson {
                    day: day.clone(),
                    posts: *posts,
                    new_accounts: *new_accounts,
                })
                .collect(),
            spreaders: d
                .spreaders
                .iter()
                .map(|s| SpreaderJson {
                    account: s.account.clone(),
                    handle: s.handle.clone(),
                    posts: s.posts,
                    below: s.below,
                    carrier: s.carrier,
                })
                .collect(),
            spreaders_record: d.record.as_ref().map(|r| SpreadersRecordJson {
                spreaders: r.spreaders,
                with_record: r.with_record,
                score: r.score,
                base_rate: r.base_rate,
                judged_claims: r.judged,
            }),
            replies: ReplyStancesJson {
                support: d.replies.counts[0],
                deny: d.replies.counts[1],
                query: d.replies.counts[2],
                comment: d.replies.counts[3],
                unread: d.replies.unread,
                examples: d
                    .replies
                    .examples
                    .iter()
                    .map(|e| StancedReplyJson {
                        post: e.post.clone(),
                        account: e.account.clone(),
                        handle: e.handle.clone(),
                        at: e.at.map(socialset_engine::Timestamp::utc),
                        stance: e.stance.name().to_owned(),
                        chance: e.chance,
                        text: e.text.clone(),
                    })
                    .collect(),
            },
            reach: d.reach.as_ref().map(|r| ClaimReachJson {
                accounts: r.accounts,
                judged: r.judged,
                likely_bots: r.likely_bots,
                posts: r.posts,
                posts_by_bots: r.posts_by_bots,
                communities_reached: r.communities_reached,
                communities: r
                    .communities
                    .iter()
                    .map(|c| CommunityReachedJson {
                        id: c.id,
                        labels: c.labels.clone(),
                        size: c.size,
                        accounts: c.accounts,
                    })
                    .collect(),
                communities_known: r.communities_known,
                network: r
                    .network
                    .iter()
                    .map(|n| NetworkNodeJson {
                        post: n.post.clone(),
                        account: n.account.clone(),
                        handle: n.handle.clone(),
                        parent: n.parent,
                        depth: n.depth,
                        bot_probability: n.bot_probability.is_finite().then_some(n.bot_probability),
                        likely_bot: n.likely_bot,
                        too_little_data: n.too_little_data,
                    })
                    .collect(),
                network_of: r.network_of,
            }),
        }
    }
}
