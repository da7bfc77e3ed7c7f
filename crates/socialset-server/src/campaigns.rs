//! Campaigns over HTTP: the API's campaign routes, the tracking links (`GET /r/{code}`), and
//! the conversion webhook, signed as Stripe and Shopify sign theirs.
//!
//! A tracking link answers a 302 to its campaign's fixed destination with UTM parameters and
//! the click's id (`ss_click`) added, after the click is stored: a redirect that was sent is
//! never lost. Clicks of a workspace are written by one thread (`ClickWriters`) that takes
//! whatever has queued as one transaction, so thousands of clicks a second cost one commit
//! each batch. No address is stored: a visitor is a keyed hash of address and user agent whose
//! key changes every day.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;
use socialset_engine::{
    CampaignSpec, Click, MemberStatus, NewMember, NotCounted, Objective, OrderSource, Rates,
    ReportOptions, Role as MemberRole, Timestamp, Workspace,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::{
    campaign_csv_rows, CampaignCreatedJson, CampaignJson, CampaignMemberJson, CampaignMembersJson,
    CampaignReportJson, CampaignRequest, CampaignsJson, ConversionsJson, MembersRequest,
    MEMBER_CSV_HEADER,
};
use crate::routes::{member, read_work, Caller, ClientAddr};
use crate::{lock, ApiError, AppState};

type HmacSha256 = hmac::Hmac<Sha256>;

/// How old a webhook's timestamp may be (and how far ahead): Stripe's default tolerance.
pub const WEBHOOK_TOLERANCE_SECONDS: i64 = 300;

/// The header a conversion webhook is signed in: `t=UNIX_SECONDS,v1=HEX(HMAC-SHA256(secret,
/// "t.body"))`.
pub const SIGNATURE_HEADER: &str = "x-socialset-signature";

/// How often an unknown link may make the server re-read the workspaces' links (links made by
/// the command line appear within this; a flood of unknown codes costs one read per period).
const LINKS_RELOAD: Duration = Duration::from_secs(2);

pub(crate) fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(list_members, add_members))
        .routes(routes!(report))
        .routes(routes!(conversions))
        .routes(routes!(redirect))
}

/// Where a tracking link leads.
#[derive(Clone, Debug)]
struct LinkTarget {
    workspace: String,
    campaign: String,
    member: String,
    role: MemberRole,
    destination: String,
    end: Timestamp,
}

/// Every workspace's tracking links, read from the stores when first asked for and again when
/// an unknown code is asked (at most every `LINKS_RELOAD`).
#[derive(Debug, Default)]
pub(crate) struct Links {
    by_code: RwLock<HashMap<String, LinkTarget>>,
    loaded: Mutex<Option<Instant>>,
}

/// One writer thread per workspace for its clicks.
#[derive(Debug, Default)]
pub(crate) struct ClickWriters {
    by_workspace: Mutex<HashMap<String, std::sync::mpsc::Sender<PendingClick>>>,
}

type PendingClick = (Click, tokio::sync::oneshot::Sender<Result<i64, String>>);

impl ClickWriters {
    /// Stores `click` in `store` (with whatever else is queued, in one transaction) and gives
    /// its id once it is durable.
    async fn record(&self, workspace: &str, store: PathBuf, click: Click) -> Result<i64, String> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sender = lock(&self.by_workspace)
            .entry(workspace.to_owned())
            .or_insert_with(|| spawn_writer(workspace, store))
            .clone();
        sender
            .send((click, tx))
            .map_err(|_| "the click writer stopped".to_owned())?;
        rx.await
            .map_err(|_| "the click writer stopped".to_owned())?
    }
}

/// The most clicks one transaction takes.
const CLICKS_PER_COMMIT: usize = 2048;

fn spawn_writer(workspace: &str, store: PathBuf) -> std::sync::mpsc::Sender<PendingClick> {
    let (tx, rx) = std::sync::mpsc::channel::<PendingClick>();
    let name = format!("clicks-{workspace}");
    let spawned = std::thread::Builder::new().name(name).spawn(move || {
        let mut ws: Option<Workspace> = None;
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while batch.len() < CLICKS_PER_COMMIT {
                match rx.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
            if ws.is_none() {
                ws = Workspace::open(&store).ok();
            }
            let clicks: Vec<Click> = batch.iter().map(|(c, _)| c.clone()).collect();
            let stored = match ws.as_mut() {
                Some(w) => w.record_clicks(&clicks).map_err(|e| e.to_string()),
                None => Err(format!("cannot open {}", store.display())),
            };
            match stored {
                Ok(ids) => {
                    for ((_, reply), id) in batch.into_iter().zip(ids) {
                        let _ = reply.send(Ok(id));
                    }
                }
                Err(e) => {
                    eprintln!(
                        "socialset serve: storing {} clicks failed: {e}",
                        batch.len()
                    );
                    ws = None;
                    for (_, reply) in batch {
                        let _ = reply.send(Err(e.clone()));
                    }
                }
            }
        }
    });
    if let Err(e) = spawned {
        eprintln!("socialset serve: cannot start the click writer: {e}");
    }
    tx
}

impl Links {
    fn get(&self, code: &str) -> Option<LinkTarget> {
        self.by_code
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(code)
            .cloned()
    }

    /// Whether a reload is due (and if so, marks it begun).
    fn due(&self) -> bool {
        let mut loaded = lock(&self.loaded);
        if loaded.is_some_and(|t| t.elapsed() < LINKS_RELOAD) {
            return false;
        }
        *loaded = Some(Instant::now());
        true
    }

    fn replace(&self, map: HashMap<String, LinkTarget>) {
        *self
            .by_code
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = map;
    }
}

/// Every workspace's links, read from the stores.
fn read_links(state: &AppState) -> Result<HashMap<String, LinkTarget>, ApiError> {
    let mut map = HashMap::new();
    for workspace in state.auth().all_workspaces()? {
        if !state.has_data(&workspace)? && state.0.config.database.is_none() {
            continue;
        }
        let ws = Workspace::open(&state.store_path(&workspace))?;
        let campaigns: HashMap<String, socialset_engine::Campaign> = ws
            .campaigns()?
            .into_iter()
            .map(|c| (c.name.clone(), c))
            .collect();
        for (link, campaign, account) in ws.tracking_links()? {
            let Some(c) = campaigns.get(&campaign) else {
                continue;
            };
            let role = ws
                .campaign_members(&campaign)?
                .into_iter()
                .find(|m| m.account.as_str() == account)
                .map_or(MemberRole::Native, |m| m.role);
            map.insert(
                link,
                LinkTarget {
                    workspace: workspace.clone(),
                    campaign,
                    member: account,
                    role,
                    destination: c.destination.clone(),
                    end: c.end,
                },
            );
        }
    }
    Ok(map)
}

/// Makes the links re-read at the next unknown code (after the API changed them).
fn links_changed(state: &AppState) {
    *lock(&state.0.links.loaded) = None;
}

/// The plain page of an unknown or ended link.
fn gone() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Link not found</title></head><body><h1>This link is unknown or has ended</h1><p>Check the address, or ask whoever shared it.</p></body></html>",
    )
        .into_response()
}

/// Whether the request is a person's visit, or which kind of robot or prefetch it is.
pub fn classify_request(headers: &HeaderMap) -> Option<NotCounted> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let purpose = [
        text("sec-purpose"),
        text("purpose"),
        text("x-purpose"),
        text("x-moz"),
    ];
    if purpose
        .iter()
        .any(|p| p.contains("prefetch") || p.contains("prerender") || p.contains("preview"))
    {
        return Some(NotCounted::Prefetch);
    }
    let ua = text("user-agent");
    const PREVIEWS: [&str; 18] = [
        "facebookexternalhit",
        "facebot",
        "twitterbot",
        "linkedinbot",
        "slackbot",
        "slack-imgproxy",
        "discordbot",
        "telegrambot",
        "whatsapp",
        "skypeuripreview",
        "embedly",
        "iframely",
        "mastodon",
        "cardyb",
        "redditbot",
        "pinterest",
        "vkshare",
        "bitlybot",
    ];
    if PREVIEWS.iter().any(|p| ua.contains(p)) {
        return Some(NotCounted::Preview);
    }
    const CRAWLERS: [&str; 8] = [
        "bot",
        "crawl",
        "spider",
        "slurp",
        "headlesschrome/",
        "python-requests",
        "curl/",
        "wget/",
    ];
    if ua.trim().is_empty() || CRAWLERS.iter().any(|c| ua.contains(c)) {
        return Some(NotCounted::Crawler);
    }
    None
}

/// The visitor of a request: a keyed hash of its address and user agent under the day's key
/// (HMAC of the server's secret and the day), so the same visitor is recognised within a day
/// and no address is kept.
fn visitor(secret: &[u8], day: i64, address: &str, user_agent: &str) -> u64 {
    let mut daily = HmacSha256::new_from_slice(secret).expect("HMAC takes any key");
    daily.update(&day.to_le_bytes());
    let key = daily.finalize().into_bytes();
    let mut mac = HmacSha256::new_from_slice(&key).expect("HMAC takes any key");
    mac.update(address.as_bytes());
    mac.update(&[0]);
    mac.update(user_agent.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp::from_epoch_ms(ms).unwrap_or_else(|| Timestamp::from_epoch_ms(0).expect("epoch"))
}

/// The destination with the UTM parameters and the click's id added, before any fragment.
pub fn destination_with(target_url: &str, params: &[(&str, &str)]) -> String {
    let (base, fragment) = match target_url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (target_url, None),
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, v);
    }
    let sep = if base.contains('?') {
        if base.ends_with('?') || base.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    let mut out = format!("{base}{sep}{}", query.finish());
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// A tracking link: records the click, then sends the visitor on to the campaign's page.
#[utoipa::path(
    get,
    path = "/r/{code}",
    security(()),
    params(("code" = String, Path, description = "A member's tracking link code")),
    responses(
        (status = 302, description = "To the campaign's destination, with utm_source, utm_medium, utm_campaign, utm_content and ss_click added"),
        (status = 404, description = "An unknown or ended link (a plain page)"),
        (status = 503, description = "The click could not be stored; nothing was sent on"),
    )
)]
async fn redirect(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
) -> Response {
    if code.is_empty()
        || code.len() > 32
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return gone();
    }
    let mut target = state.0.links.get(&code);
    if target.is_none() && state.0.links.due() {
        let st = state.clone();
        match tokio::task::spawn_blocking(move || read_links(&st)).await {
            Ok(Ok(map)) => state.0.links.replace(map),
            Ok(Err(e)) => eprintln!("socialset serve: reading tracking links: {}", e.body.error),
            Err(e) => eprintln!("socialset serve: reading tracking links: {e}"),
        }
        target = state.0.links.get(&code);
    }
    let Some(target) = target else {
        return gone();
    };
    let at = now();
    if at > target.end {
        return gone();
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let click = Click {
        id: 0,
        campaign: target.campaign.clone(),
        member: socialset_engine::AccountId::new(target.member.clone()),
        at,
        visitor: visitor(
            &state.0.click_secret,
            at.epoch_ms().div_euclid(86_400_000),
            &address,
            user_agent,
        ),
        not_counted: classify_request(&headers),
    };
    let store = state.store_path(&target.workspace);
    let id = match state
        .0
        .click_writers
        .record(&target.workspace, store, click)
        .await
    {
        Ok(id) => id,
        Err(e) => {
            eprintln!("socialset serve: a click on /r/{code} was not stored: {e}");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "1")],
                "The link is working but could not be followed just now: try again in a moment.",
            )
                .into_response();
        }
    };
    let medium = match target.role {
        MemberRole::Native => "native-influencer",
        MemberRole::Professional => "professional-influencer",
    };
    let id_text = id.to_string();
    let location = destination_with(
        &target.destination,
        &[
            ("utm_source", "socialset"),
            ("utm_medium", medium),
            ("utm_campaign", &target.campaign),
            ("utm_content", &target.member),
            ("ss_click", &id_text),
        ],
    );
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::REFERRER_POLICY, "no-referrer".to_owned()),
        ],
    )
        .into_response()
}

/// Opens a workspace's store for campaign work (created if nothing was imported yet).
fn campaign_store(state: &AppState, workspace: &str) -> Result<Workspace, ApiError> {
    Ok(Workspace::open(&state.store_path(workspace))?.with_limits(state.0.config.limits.clone()))
}

fn writer(state: &AppState, caller: &Caller, workspace: &str) -> Result<(), ApiError> {
    let role = member(state, caller, workspace)?;
    if !role.can_write() {
        return Err(ApiError::forbidden(format!(
            "a viewer of {workspace:?} cannot change its campaigns"
        )));
    }
    Ok(())
}

/// The workspace's campaigns, the newest first.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/campaigns",
    params(("workspace" = String, Path, description = "Workspace name"), crate::export::ExportQuery),
    responses((status = 200, body = CampaignsJson, description = "The campaigns (as a file with format=csv or xlsx)"), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody))
)]
async fn list_campaigns(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    axum::extract::Query(export): axum::extract::Query<crate::export::ExportQuery>,
) -> Result<axum::response::Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, _) = export.parse(&["campaigns"])?;
    let name = format!("{workspace}-campaigns");
    let st = state.clone();
    let list = crate::routes::blocking(move || {
        if !state.has_data(&workspace)? && state.0.config.database.is_none() {
            return Ok(Vec::new());
        }
        Ok(campaign_store(&state, &workspace)?.campaigns()?)
    })
    .await?;
    let json = CampaignsJson {
        campaigns: list.iter().map(CampaignJson::from).collect(),
    };
    crate::export::answer(&st, format, name, move || json, |j| &j.campaigns).await
}

pub(crate) fn parse_time(field: &str, text: &str) -> Result<Timestamp, ApiError> {
    socialset_engine::parse_time(text).map_err(|p| ApiError::bad(field, format!("{text:?} {p}")))
}

/// Creates a campaign (analysts and admins). The answer holds its webhook secret, shown only
/// now.
#[utoipa::path(
    post,
    path = "/api/workspaces/{workspace}/campaigns",
    params(("workspace" = String, Path, description = "Workspace name")),
    request_body = CampaignRequest,
    responses(
        (status = 201, body = CampaignCreatedJson),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 403, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody),
    )
)]
async fn create_campaign(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Json(req): Json<CampaignRequest>,
) -> Result<(StatusCode, Json<CampaignCreatedJson>), ApiError> {
    writer(&state, &caller, &workspace)?;
    let objective = match req.objective.as_deref() {
        None => Objective::Conversions,
        Some(o) => o
            .parse()
            .map_err(|e: String| ApiError::bad("objective", e))?,
    };
    let spec = CampaignSpec {
        start: parse_time("start", &req.start)?,
        end: parse_time("end", &req.end)?,
        name: req.name,
        brand: req.brand,
        brief: req.brief,
        objective,
        budget: req.budget,
        currency: req.currency.unwrap_or_else(|| "EUR".into()),
        destination: req.destination,
        hashtags: req.hashtags,
        disclosure: req.disclosure,
    };
    let st = state.clone();
    let c = crate::routes::blocking(move || {
        let c = campaign_store(&st, &workspace)?.create_campaign(&spec)?;
        st.mark_has_data(&workspace);
        Ok(c)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CampaignCreatedJson {
            campaign: (&c).into(),
            webhook_secret: c.webhook_secret.clone(),
        }),
    ))
}

/// A campaign's members with their tracking links and promo codes.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/campaigns/{campaign}/members",
    params(("workspace" = String, Path, description = "Workspace name"), ("campaign" = String, Path, description = "Campaign name")),
    responses((status = 200, body = CampaignMembersJson), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody))
)]
async fn list_members(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, campaign)): Path<(String, String)>,
) -> Result<Json<CampaignMembersJson>, ApiError> {
    member(&state, &caller, &workspace)?;
    let members = crate::routes::blocking(move || {
        Ok(campaign_store(&state, &workspace)?.campaign_members(&campaign)?)
    })
    .await?;
    Ok(Json(CampaignMembersJson {
        members: members.iter().map(CampaignMemberJson::from).collect(),
    }))
}

/// Adds members, listed or from a plan (analysts and admins); members already in keep their
/// link and code and take the new role, fee and status.
#[utoipa::path(
    post,
    path = "/api/workspaces/{workspace}/campaigns/{campaign}/members",
    params(("workspace" = String, Path, description = "Workspace name"), ("campaign" = String, Path, description = "Campaign name")),
    request_body = MembersRequest,
    responses(
        (status = 200, body = CampaignMembersJson),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody),
    )
)]
async fn add_members(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, campaign)): Path<(String, String)>,
    Json(req): Json<MembersRequest>,
) -> Result<Json<CampaignMembersJson>, ApiError> {
    writer(&state, &caller, &workspace)?;
    let mut new = Vec::with_capacity(req.members.len());
    for (i, m) in req.members.iter().enumerate() {
        let field = |f: &str| format!("members[{i}].{f}");
        new.push(NewMember {
            account: m.account.clone(),
            role: m
                .role
                .parse()
                .map_err(|e: String| ApiError::bad(&field("role"), e))?,
            fee: m.fee,
            status: match &m.status {
                None => MemberStatus::Invited,
                Some(s) => s
                    .parse()
                    .map_err(|e: String| ApiError::bad(&field("status"), e))?,
            },
            promo_code: m.promo_code.clone(),
            predicted_reach: None,
        });
    }
    if new.is_empty() && req.plan.is_none() {
        return Err(ApiError::bad("members", "give members, or a plan"));
    }
    let st = state.clone();
    let members = crate::routes::blocking(move || {
        let mut ws = campaign_store(&st, &workspace)?;
        if let Some(plan) = &req.plan {
            ws.add_members_from_plan(&campaign, &plan.to_string())?;
        }
        if new.is_empty() {
            Ok(ws.campaign_members(&campaign)?)
        } else {
            Ok(ws.add_members(&campaign, &new)?)
        }
    })
    .await?;
    links_changed(&state);
    Ok(Json(CampaignMembersJson {
        members: members.iter().map(CampaignMemberJson::from).collect(),
    }))
}

/// Query of the report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Days after a visit an order is still owed to it (default 30).
    #[param(value_type = Option<u32>)]
    window_days: Option<String>,
    /// json (default), csv or html (one self-contained page).
    format: Option<String>,
}

/// The campaign's report: per member, per role and in all, every rate with its 95% interval,
/// natives against professionals, clicks, unclaimed orders, predicted against observed
/// reach, posts, a timeline and what customers said.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/campaigns/{campaign}/report",
    params(("workspace" = String, Path, description = "Workspace name"), ("campaign" = String, Path, description = "Campaign name"), ReportQuery),
    responses(
        (status = 200, body = CampaignReportJson),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody),
    )
)]
async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, campaign)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let window_days = match q.window_days.as_deref() {
        None => socialset_engine::DEFAULT_WINDOW_DAYS,
        Some(w) => w.trim().parse().map_err(|_| {
            ApiError::bad(
                "window_days",
                format!("{w:?} is not a whole number of days"),
            )
        })?,
    };
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "csv", "html"].contains(&format) {
        return Err(ApiError::bad("format", "json, csv or html"));
    }
    let r = read_work(state.clone(), move |cancel| {
        Ok(campaign_store(&state, &workspace)?
            .with_cancel(cancel)
            .campaign_report(
                &campaign,
                &ReportOptions {
                    window_days,
                    ..ReportOptions::default()
                },
            )?)
    })
    .await?;
    let j = CampaignReportJson::from(&r);
    Ok(match format {
        "csv" => {
            let body = crate::api::write_csv(Vec::new(), &MEMBER_CSV_HEADER, campaign_csv_rows(&j))
                .map_err(ApiError::internal)?;
            crate::routes::csv_download(&format!("campaign-{}.csv", j.campaign.name), body)
        }
        "html" => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
                ),
            ],
            crate::report_html::campaign_html(&j),
        )
            .into_response(),
        _ => Json(j).into_response(),
    })
}

/// Query of the webhook.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookQuery {
    /// Rates to the campaign's currency for orders in others: `USD:0.92,GBP:1.17`.
    rate: Option<String>,
}

/// The signature header's timestamp and its `v1` signatures.
fn parse_signature(value: &str) -> Option<(i64, Vec<Vec<u8>>)> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in value.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "t" => t = v.parse::<i64>().ok(),
            "v1" => {
                if v.len() % 2 != 0 || v.len() > 256 {
                    return None;
                }
                let bytes: Option<Vec<u8>> = (0..v.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(v.get(i..i + 2)?, 16).ok())
                    .collect();
                sigs.push(bytes?);
            }
            _ => {}
        }
    }
    Some((t?, sigs))
}

/// The signature of a webhook body at `timestamp`: HMAC-SHA256 of `TIMESTAMP.BODY`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

fn unauthorized(why: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, why, Some(SIGNATURE_HEADER))
}

/// Orders from the shop, signed: the body (one order or an array: order_id, at, value,
/// currency, code, click) with `X-Socialset-Signature: t=UNIX_SECONDS,v1=HEX`, HEX being
/// HMAC-SHA256 with the campaign's webhook secret of `t`, a dot and the body. A bad signature
/// or a timestamp more than 5 minutes away is a 401; an order id the campaign holds is counted
/// once.
#[utoipa::path(
    post,
    path = "/api/workspaces/{workspace}/campaigns/{campaign}/conversions",
    security(()),
    params(("workspace" = String, Path, description = "Workspace name"), ("campaign" = String, Path, description = "Campaign name"), WebhookQuery),
    request_body(content = Object, description = "One order, or an array of orders"),
    responses(
        (status = 200, body = ConversionsJson),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody),
    )
)]
async fn conversions(
    State(state): State<AppState>,
    Path((workspace, campaign)): Path<(String, String)>,
    Query(q): Query<WebhookQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ConversionsJson>, ApiError> {
    let missing = format!("no campaign {campaign:?} in {workspace:?}");
    let no_campaign = move || ApiError::not_found("campaign", missing.clone());
    if !crate::auth::valid_workspace(&workspace) {
        return Err(no_campaign());
    }
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("sign the body: X-Socialset-Signature: t=UNIX_SECONDS,v1=HMAC_SHA256_HEX of \"t.body\""))?;
    let (t, sigs) = parse_signature(signature)
        .ok_or_else(|| unauthorized("the signature header is not t=UNIX_SECONDS,v1=HEX"))?;
    if (now().epoch_seconds() - t).abs() > WEBHOOK_TOLERANCE_SECONDS {
        return Err(unauthorized(
            "the signature's timestamp is more than 5 minutes from the server's clock (a replay, or a clock to set)",
        ));
    }
    let mut rates = Rates::new();
    for pair in q
        .rate
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let (cur, rate) = pair.split_once(':').ok_or_else(|| {
            ApiError::bad("rate", format!("{pair:?}: write CUR:RATE, e.g. USD:0.92"))
        })?;
        let rate: f64 = rate
            .trim()
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && *r > 0.0)
            .ok_or_else(|| {
                ApiError::bad(
                    "rate",
                    format!("{pair:?}: the rate must be a positive number"),
                )
            })?;
        rates.insert(cur.trim().to_ascii_uppercase(), rate);
    }
    let st = state.clone();
    let added = crate::routes::blocking(move || {
        if !st.has_data(&workspace)? && st.0.config.database.is_none() {
            return Err(no_campaign());
        }
        let mut ws = campaign_store(&st, &workspace)?;
        let c = ws.campaign(&campaign).map_err(|_| no_campaign())?;
        let mut mac =
            HmacSha256::new_from_slice(c.webhook_secret.as_bytes()).expect("HMAC takes any key");
        mac.update(t.to_string().as_bytes());
        mac.update(b".");
        mac.update(&body);
        let expected = mac.finalize().into_bytes();
        let good = sigs.iter().any(|s| {
            s.len() == expected.len()
                && bool::from(subtle::ConstantTimeEq::ct_eq(
                    s.as_slice(),
                    expected.as_slice(),
                ))
        });
        if !good {
            return Err(unauthorized(
                "the signature does not match the body and the campaign's webhook secret",
            ));
        }
        let orders = socialset_engine::orders_from_json(&body).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                e.problem.clone()
                    + &e.value
                        .as_ref()
                        .map(|v| format!(" ({v})"))
                        .unwrap_or_default(),
                e.field.as_deref(),
            )
        })?;
        Ok(
            ws.add_conversions(&campaign, &orders, &rates, OrderSource::Webhook, &|o| {
                format!("body[{}]", o.line)
            })?,
        )
    })
    .await?;
    Ok(Json(ConversionsJson::from(&added)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("header"));
        }
        h
    }

    #[test]
    fn robots_previews_and_prefetches_are_not_visits() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(classify_request(&headers(&[("user-agent", chrome)])), None);
        assert_eq!(
            classify_request(&headers(&[("user-agent", "facebookexternalhit/1.1")])),
            Some(NotCounted::Preview)
        );
        assert_eq!(
            classify_request(&headers(&[(
                "user-agent",
                "Mozilla/5.0 (compatible; Googlebot/2.1)"
            )])),
            Some(NotCounted::Crawler)
        );
        assert_eq!(
            classify_request(&headers(&[
                ("user-agent", chrome),
                ("sec-purpose", "prefetch;prerender")
            ])),
            Some(NotCounted::Prefetch)
        );
        assert_eq!(classify_request(&headers(&[])), Some(NotCounted::Crawler));
    }

    #[test]
    fn utm_parameters_go_before_the_fragment() {
        assert_eq!(
            destination_with(
                "https://shop.example/p?x=1#buy",
                &[("utm_source", "socialset"), ("utm_content", "tw:ann b")]
            ),
            "https://shop.example/p?x=1&utm_source=socialset&utm_content=tw%3Aann+b#buy"
        );
        assert_eq!(
            destination_with("https://shop.example", &[("a", "1")]),
            "https://shop.example?a=1"
        );
    }

    #[test]
    fn visitors_are_the_same_within_a_day_and_not_across() {
        let a = visitor(b"k", 100, "1.2.3.4", "ua");
        assert_eq!(a, visitor(b"k", 100, "1.2.3.4", "ua"));
        assert_ne!(a, visitor(b"k", 101, "1.2.3.4", "ua"));
        assert_ne!(a, visitor(b"k", 100, "1.2.3.5", "ua"));
    }

    #[test]
    fn signatures_parse_and_verify() {
        let s = sign("secret", 1_700_000_000, b"{}");
        let (t, sigs) = parse_signature(&format!("t=1700000000,v1={s}")).expect("parse");
        assert_eq!(t, 1_700_000_000);
        assert_eq!(hex(&sigs[0]), s);
        assert!(parse_signature("v1=zz").is_none());
        assert!(parse_signature("t=1,v1=abc").is_none());
    }
}
