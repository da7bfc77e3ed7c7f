//! The handlers, each annotated with its OpenAPI operation, and the router that serves them.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use serde::Deserialize;
use socialset_engine::{
    AuditOptions, Cancel, CommunityOptions, ImportOptions, Language, PlanOptions, Polarity,
    Probabilities, RankOptions, TierFilter, TrustOptions, UgcKind, UgcOptions, Workspace,
};
use tokio::io::AsyncWriteExt;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::{
    AccountAuditJson, AuditJson, AuditSummaryJson, CommunitiesJson, DisclosureJson, ExplainJson,
    GroupsJson, Health, IndependenceJson, Job, JobRequest, LoginRequest, LoginResponse,
    MemberEntry, PasswordChange, PlanJson, PlanRequest, PodJson, RankJson, SegmentsJson,
    SentimentJson, SentimentRequest, StabilityJson, Stats, StreamRequest, TrustJson, UgcJson,
    WorkspaceEntry,
};
use crate::export::{ExportQuery, SortQuery};
use crate::{lock, ApiError, AppState, Inner, ReportCache, Role};

const SESSION_COOKIE: &str = "socialset_session";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "socialset",
        description = "Native influencers found in real social-interaction data: the engine's calls over HTTP. Every route but /health and /api/login needs a token: `Authorization: Bearer TOKEN` (socialset token create USER) or the session cookie set by /api/login."
    ),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))),
        );
    }
}

fn parts() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    crate::campaigns::routes(OpenApiRouter::with_openapi(ApiDoc::openapi()))
        .routes(routes!(health))
        .routes(routes!(login))
        .routes(routes!(session))
        .routes(routes!(logout))
        .routes(routes!(password))
        .routes(routes!(tokens))
        .routes(routes!(revoke_token))
        .routes(routes!(members))
        .routes(routes!(remove_member))
        .routes(routes!(workspaces))
        .routes(routes!(stats))
        .routes(routes!(rank))
        .routes(routes!(explain))
        .routes(routes!(standing))
        .routes(routes!(communities))
        .routes(routes!(audit))
        .routes(routes!(profile))
        .routes(routes!(audit_all))
        .routes(routes!(pods))
        .routes(routes!(segments))
        .routes(routes!(disclosure))
        .routes(routes!(groups))
        .routes(routes!(claims))
        .routes(routes!(claim))
        .routes(routes!(spreaders))
        .routes(routes!(sentiment))
        .routes(routes!(ugc))
        .routes(routes!(plan))
        .routes(routes!(independence))
        .routes(routes!(trust))
        .routes(routes!(import))
        .routes(routes!(import_job))
        .routes(routes!(import_rejects))
        .routes(routes!(follow_stream))
        .routes(routes!(create_job, list_jobs))
        .routes(routes!(get_job, cancel_job))
        .split_for_parts()
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    parts().1
}

pub fn router(state: AppState) -> axum::Router {
    let (router, doc) = parts();
    let doc = Arc::new(doc);
    router
        // The dashboard's shell: public like the login it shows first (it holds no data).
        .route(
            "/",
            axum::routing::get(|| asset("text/html; charset=utf-8", INDEX_HTML)),
        )
        .route(
            "/app.js",
            axum::routing::get(|| asset("text/javascript; charset=utf-8", APP_JS)),
        )
        .route(
            "/style.css",
            axum::routing::get(|| asset("text/css; charset=utf-8", STYLE_CSS)),
        )
        .route(
            "/openapi.json",
            axum::routing::get(move |_caller: Caller| {
                let doc = Arc::clone(&doc);
                async move { Json((*doc).clone()) }
            }),
        )
        // JSON bodies are small; uploads stream past this (and have their own limit).
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            crate::BODY_IDLE_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(same_origin))
        .fallback(|| async {
            ApiError::not_found("path", "no such route: see /openapi.json for the API")
        })
        .layer(axum::middleware::from_fn(json_errors))
        .with_state(state)
}

/// Refuses a request that would change something when a browser says it comes from another
/// site (its `Origin` is not this server's `Host`, or `Sec-Fetch-Site: cross-site`): the
/// session cookie would otherwise let any page a member visits import, plan or log out in
/// their name (cross-site request forgery). Reading and clients that send no `Origin` (the
/// CLI, scripts with a bearer token) are not concerned.
async fn same_origin(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::Method;
    let changes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes {
        let headers = req.headers();
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let foreign_origin = headers.get(header::ORIGIN).is_some_and(|o| {
            let origin_host = o
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://"))
                .map(|(_, rest)| rest);
            origin_host.is_none() || origin_host != host
        });
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
        if foreign_origin || cross_site {
            return ApiError::forbidden(
                "a request from another site may not change anything here (its Origin is not \
                 this server)",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Every error answers with the documented JSON body (`ErrorBody`): the framework's own
/// refusals (a query or path it cannot parse, a method a route does not take, a body past its
/// limit, a stalled body) come as plain text or empty, and are rewritten here with their text
/// as the error.
async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    // JSON is ours; HTML is ours too (the plain page of an unknown tracking link, meant for
    // a person's browser). The framework's refusals are plain text.
    let is_ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"));
    if status.as_u16() < 400 || is_ours {
        return response;
    }
    let (parts, body) = response.into_parts();
    // The framework's messages are a line or two; more is not an error message.
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let error = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_owned()
    } else {
        text
    };
    let mut rewritten = ApiError::new(status, error, None).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().append(name.clone(), value.clone());
        }
    }
    rewritten
}

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");

/// An embedded asset, allowed to load nothing from elsewhere.
async fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// The user a request comes from, by its bearer token or session cookie.
pub(crate) struct Caller {
    user: String,
    token: String,
}

fn token_of(parts: &Parts) -> Option<String> {
    if let Some(t) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(t.trim().to_owned());
    }
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(&format!("{SESSION_COOKIE}="))
                .map(str::to_owned)
        })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = token_of(parts).ok_or_else(ApiError::unauthorized)?;
        let user = state
            .auth()
            .user_of(&token)?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Self { user, token })
    }
}

/// A request that may come from no one (`Option<Caller>`): a missing, unknown or expired
/// token is `None`, not a 401.
impl axum::extract::OptionalFromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        match <Caller as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(caller) => Ok(Some(caller)),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The caller's role in `workspace`; a workspace they are not a member of does not exist for
/// them (404, whether it exists or not).
pub(crate) fn member(state: &AppState, caller: &Caller, workspace: &str) -> Result<Role, ApiError> {
    let no = || ApiError::not_found("workspace", format!("no workspace {workspace:?} of yours"));
    if !crate::auth::valid_workspace(workspace) {
        return Err(no());
    }
    state.auth().role(&caller.user, workspace)?.ok_or_else(no)
}

/// An engine error about a named account: not finding it is a 404 naming the field.
fn account_error(e: socialset_engine::Error) -> ApiError {
    match e {
        socialset_engine::Error::Usage(m) => ApiError::not_found("account", m),
        other => other.into(),
    }
}

/// Runs blocking engine work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

/// Runs engine work that reads a workspace's store (a pass over its data: a ranking, an
/// account's explanation or audit, segments, pods…) off the async threads, `reads_at_once` at
/// a time on the server, in a bounded line (503 past it): each loads a whole workspace (about
/// 300 MB on Higgs), so unbounded they would let a few hundred concurrent requests exhaust
/// memory. Cached answers do not come here. `f` gets the flag to open the store with: it is
/// set when the client goes away, and the engine work stops at its next check (an abandoned
/// explanation must not hold a place in the line, and the CPU, for a minute).
pub(crate) async fn read_work<T: Send + 'static>(
    state: AppState,
    f: impl FnOnce(Cancel) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let cancel = Cancel::new();
    let _on_drop = CancelOnDrop(cancel.clone());
    let Some((place, turns)) = state.0.reads.enter() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is busy reading workspaces' data for other requests: try again in a few seconds",
            None,
        ));
    };
    let turn = turns.turn(place).await?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        f(cancel)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Sets its flag when dropped: the handler's future is dropped when its client goes away,
/// and the engine work it started stops at its next check.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Runs a heavy engine computation for `workspace` while its client waits (`f` gets the flag
/// to open the store with), stopped when the client leaves: see `run_heavy`.
async fn heavy<T: Send + 'static>(
    state: &AppState,
    workspace: &str,
    f: impl FnOnce(Cancel) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let cancel = Cancel::new();
    let _on_drop = CancelOnDrop(cancel.clone());
    let place = enter_heavy(state)?;
    run_heavy(state, workspace, place, cancel, f).await
}

/// A place in the line for heavy computations, or 503 when it is full.
fn enter_heavy(state: &AppState) -> Result<crate::Place, ApiError> {
    state
        .0
        .heavy
        .enter()
        .map(|(place, _)| place)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy with other computations: try again in a minute",
                None,
            )
        })
}

/// Runs a heavy computation holding `place` in line: one at a time per workspace and
/// `heavy_at_once` on the server, stopped once `cancel` is set or past `work_time_limit`
/// (503). Its turns are held by the blocking work itself, so a computation stopped at its
/// next check keeps them until it has.
async fn run_heavy<T: Send + 'static>(
    state: &AppState,
    workspace: &str,
    place: crate::Place,
    cancel: Cancel,
    f: impl FnOnce(Cancel) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let one_per_workspace = Arc::clone(
        lock(&state.0.heavy_per_workspace)
            .entry(workspace.to_owned())
            .or_default(),
    );
    let limit = state.0.config.work_time_limit;
    let run = async {
        let workspace_turn = one_per_workspace.lock_owned().await;
        let server_turn = state.0.heavy.turn(place).await?;
        let c = cancel.clone();
        tokio::task::spawn_blocking(move || {
            let _turns = (workspace_turn, server_turn);
            f(c)
        })
        .await
        .map_err(ApiError::internal)?
    };
    let started = std::time::Instant::now();
    match tokio::time::timeout(limit, run).await {
        // The timer fires on a millisecond grid: work that ended past the limit before it
        // fired ran past it all the same.
        Ok(result) if started.elapsed() < limit => result,
        _ => {
            cancel.cancel();
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the computation ran past the server's limit of {} s and was stopped",
                    limit.as_secs()
                ),
                None,
            ))
        }
    }
}

/// The cached engine report of `cache` under `key`, while the workspace's store has
/// committed no import since it was made (whoever imported: this server or a CLI beside it)
/// and `fits` it; else the one `compute` gives, then cached.
async fn cached<K: Eq + std::hash::Hash + Clone, T: Send + Sync + 'static>(
    state: &AppState,
    workspace: &str,
    cache: fn(&Inner) -> &ReportCache<K, T>,
    key: K,
    fits: impl Fn(&T) -> bool,
    compute: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<Arc<T>, ApiError> {
    let imports = state.imports_committed(workspace).await?;
    let hit = {
        let mut map = lock(cache(&state.0));
        map.get_mut(&key)
            .filter(|c| c.imports == imports && fits(&c.report))
            .map(|c| {
                c.used = std::time::Instant::now();
                Arc::clone(&c.report)
            })
    };
    if let Some(report) = hit {
        return Ok(report);
    }
    let report = Arc::new(compute.await?);
    remember(cache(&state.0), key, imports, Arc::clone(&report));
    Ok(report)
}

/// Keeps `report`, made at the store's import count `imports`, in `cache` under `key`,
/// forgetting the least recently used report past `CACHED_REPORTS`.
fn remember<K: Eq + std::hash::Hash + Clone, T>(
    cache: &ReportCache<K, T>,
    key: K,
    imports: u64,
    report: Arc<T>,
) {
    let mut map = lock(cache);
    if map.len() >= crate::CACHED_REPORTS && !map.contains_key(&key) {
        if let Some(oldest) = map
            .iter()
            .min_by_key(|(_, c)| c.used)
            .map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
    }
    map.insert(
        key,
        crate::Cached {
            imports,
            used: std::time::Instant::now(),
            report,
        },
    );
}

#[utoipa::path(get, path = "/health", security(()), responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// The address a request came from: the peer of its connection, or, when that peer is one of
/// the server's trusted proxies (`ServerConfig::trusted_proxies`), the address the proxy says
/// it forwarded for (the last entry of `X-Forwarded-For` that is not itself a trusted proxy).
/// "unknown" when the server was not told (a router called directly, as in tests). The
/// header of anyone else is ignored: it would let a client pick its own address and escape
/// the login limits.
pub(crate) struct ClientAddr(pub(crate) String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(Self("unknown".to_owned()));
        };
        let trusted = &state.0.config.trusted_proxies;
        if !trusted.contains(&peer) {
            return Ok(Self(peer.to_string()));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .collect::<Vec<_>>();
        let client = forwarded
            .iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .copied()
            .unwrap_or(peer);
        Ok(Self(client.to_string()))
    }
}

/// A 429 that says when to come back.
fn too_many(error: impl Into<String>, field: Option<&str>, retry_after_seconds: i64) -> Response {
    let mut r = ApiError::new(StatusCode::TOO_MANY_REQUESTS, error, field).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&retry_after_seconds.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// What checking a password under the login limits found.
enum Checked {
    Right,
    Wrong,
    /// Refused before checking (429): too many attempts, or too many checks at once.
    Refused(Response),
}

/// Checks `password` for `user`, asked from `address`, within the login limits: the attempt
/// is counted before the check (so attempts sent at once gain nothing), checks run a few at
/// a time in a bounded line, and a right password gives back what its attempts used. A
/// refusal for this name names `user_field`.
async fn check_password(
    state: &AppState,
    user: &str,
    address: &str,
    password: String,
    user_field: &'static str,
) -> Result<Checked, ApiError> {
    let Some((place, turns)) = state.0.verifications.enter() else {
        return Ok(Checked::Refused(too_many(
            "the server is checking too many passwords at once: try again in a second",
            None,
            1,
        )));
    };
    let limits = state.0.config.login_limits;
    let (st, name, addr) = (state.clone(), user.to_owned(), address.to_owned());
    if let Err(refused) =
        blocking(move || Ok(st.auth().reserve_login(&name, &addr, &limits)?)).await?
    {
        let (what, field) = match refused.limit {
            "user" => (
                "too many failed logins for this user from your address",
                user_field,
            ),
            _ => ("too many failed logins from your address", "address"),
        };
        return Ok(Checked::Refused(too_many(
            format!(
                "{what}: try again in {} minutes, or ask the operator (socialset user unlock)",
                (refused.retry_after_seconds + 59) / 60
            ),
            Some(field),
            refused.retry_after_seconds,
        )));
    }
    let turn = turns.turn(place).await?;
    let (st, name, addr) = (state.clone(), user.to_owned(), address.to_owned());
    blocking(move || {
        let _turn = turn;
        if !st.auth().check_password(&name, &password)? {
            return Ok(Checked::Wrong);
        }
        st.auth().login_succeeded(&name, &addr)?;
        Ok(Checked::Right)
    })
    .await
}

/// Logs in: a session token, also set as a cookie. Each address may try a user name five
/// times and any names thirty times in fifteen minutes (429 with Retry-After past that);
/// attempts are counted before the password is checked, so sending them at once gains
/// nothing. Password checks run a few at a time; past a short queue, a 429.
#[utoipa::path(
    post,
    path = "/api/login",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 429, body = crate::api::ErrorBody),
    )
)]
async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    // A body too large is a 413, a malformed one a 400 or 422: the rejection knows which.
    let Json(req) = body.map_err(|e| ApiError::new(e.status(), e.body_text(), Some("body")))?;
    if req.user.is_empty() || req.user.len() > 128 || req.password.len() > 1024 {
        return Err(ApiError::bad(
            "user",
            "wrong user name or password (a name has 1 to 128 characters, a password at most 1024)",
        ));
    }
    match check_password(&state, &req.user, &address, req.password, "user").await? {
        Checked::Refused(r) => return Ok(r),
        Checked::Wrong => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "wrong user name or password",
                None,
            ))
        }
        Checked::Right => {}
    }
    let token = state.auth().create_token(&req.user, true)?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        crate::auth::SESSION_SECONDS
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(LoginResponse {
            token,
            expires_in_seconds: crate::auth::SESSION_SECONDS,
        }),
    )
        .into_response())
}

/// Who is logged in, if anyone (200 either way): what a page asks before it shows its login
/// form or its content, without a failed request.
#[utoipa::path(get, path = "/api/session", responses((status = 200, body = crate::api::SessionJson)))]
async fn session(caller: Option<Caller>) -> Json<crate::api::SessionJson> {
    Json(crate::api::SessionJson {
        user: caller.map(|c| c.user),
    })
}

/// Logs out: the token of the request (session or API) stops working, and the session
/// cookie is cleared.
#[utoipa::path(post, path = "/api/logout", responses((status = 204), (status = 401, body = crate::api::ErrorBody)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    state.auth().revoke(&caller.token)?;
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Changes the caller's password: every session and token of theirs ends, this one too
/// (log in again). The current password is checked as a login is, with the same limits.
#[utoipa::path(
    post,
    path = "/api/password",
    request_body = PasswordChange,
    responses(
        (status = 204),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 429, body = crate::api::ErrorBody),
    )
)]
async fn password(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    body: Result<Json<PasswordChange>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(req) = body.map_err(|e| ApiError::new(e.status(), e.body_text(), Some("body")))?;
    let checked = check_password(
        &state,
        &caller.user,
        &address,
        req.current_password,
        "current_password",
    )
    .await?;
    match checked {
        Checked::Refused(r) => return Ok(r),
        Checked::Wrong => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "the current password is wrong",
                Some("current_password"),
            ))
        }
        Checked::Right => {}
    }
    let (st, user) = (state.clone(), caller.user.clone());
    blocking(move || {
        st.auth()
            .set_password(&user, &req.new_password)
            .map_err(|e| match e {
                crate::AuthError::Usage(m) => ApiError::bad("new_password", m),
                other => other.into(),
            })
    })
    .await?;
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The caller's live tokens (API tokens and sessions): ids, kinds, times, never secrets.
#[utoipa::path(
    get,
    path = "/api/tokens",
    responses((status = 200, body = Vec<crate::TokenInfo>), (status = 401, body = crate::api::ErrorBody))
)]
async fn tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<crate::TokenInfo>>, ApiError> {
    Ok(Json(state.auth().tokens(Some(&caller.user))?))
}

/// Revokes one of the caller's tokens by its id: it stops working now.
#[utoipa::path(
    delete,
    path = "/api/tokens/{id}",
    params(("id" = String, Path, description = "The token's id, as /api/tokens lists it")),
    responses((status = 204), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody))
)]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.auth().revoke_id(&id, Some(&caller.user))? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(
            "id",
            format!("you have no live token {id:?}"),
        ))
    }
}

/// The members of a workspace and their roles (admins of it only).
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/members",
    params(("workspace" = String, Path, description = "Workspace name")),
    responses((status = 200, body = Vec<MemberEntry>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody))
)]
async fn members(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
) -> Result<Json<Vec<MemberEntry>>, ApiError> {
    require_admin(&state, &caller, &workspace)?;
    Ok(Json(
        state
            .auth()
            .members(&workspace)?
            .into_iter()
            .map(|(user, role)| MemberEntry { user, role })
            .collect(),
    ))
}

/// Ends a user's membership of a workspace (admins of it only); the user's other
/// workspaces and tokens stay.
#[utoipa::path(
    delete,
    path = "/api/workspaces/{workspace}/members/{user}",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("user" = String, Path, description = "The member's user name"),
    ),
    responses((status = 204), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody))
)]
async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    require_admin(&state, &caller, &workspace)?;
    state
        .auth()
        .remove_member(&user, &workspace)
        .map_err(|e| match e {
            crate::AuthError::Usage(m) => ApiError::not_found("user", m),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

fn require_admin(state: &AppState, caller: &Caller, workspace: &str) -> Result<(), ApiError> {
    let role = member(state, caller, workspace)?;
    if role != Role::Admin {
        return Err(ApiError::forbidden(format!(
            "only an admin of {workspace:?} manages its members"
        )));
    }
    Ok(())
}

/// The workspaces the caller is a member of, with their role in each.
#[utoipa::path(
    get,
    path = "/api/workspaces",
    responses((status = 200, body = Vec<WorkspaceEntry>), (status = 401, body = crate::api::ErrorBody))
)]
async fn workspaces(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WorkspaceEntry>>, ApiError> {
    let list = state.auth().workspaces(&caller.user)?;
    let entries = blocking(move || {
        list.into_iter()
            .map(|(name, role)| {
                Ok(WorkspaceEntry {
                    has_data: state.has_data(&name)?,
                    name,
                    role,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await?;
    Ok(Json(entries))
}

/// Opens a workspace's store for reading; one with nothing imported is a 404.
pub(crate) fn open_store(state: &AppState, workspace: &str) -> Result<Workspace, ApiError> {
    if !state.has_data(workspace)? {
        return Err(ApiError::not_found(
            "workspace",
            format!("nothing has been imported into {workspace:?} yet"),
        ));
    }
    Ok(Workspace::open(&state.store_path(workspace))?.with_limits(state.0.config.limits.clone()))
}

/// Records in the workspace's store, by type.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/stats",
    params(("workspace" = String, Path, description = "Workspace name")),
    responses((status = 200, body = Stats), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody))
)]
async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
) -> Result<Json<Stats>, ApiError> {
    member(&state, &caller, &workspace)?;
    let counts = read_work(state.clone(), move |cancel| {
        Ok(open_store(&state, &workspace)?
            .with_cancel(cancel)
            .stats()?)
    })
    .await?;
    Ok(Json(Stats::from(&counts)))
}

/// Query of the leaderboard (every value a string, parsed here so that errors name the
/// field).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankQuery {
    /// native, nano, micro, mid, macro, mega, or unknown (no follower count).
    tier: Option<String>,
    /// Words and #hashtags, comma-separated: rank on the engagement about them.
    topic: Option<String>,
    /// Only members of this community (the ids /communities gives).
    #[param(value_type = Option<u32>)]
    community: Option<String>,
    /// List only accounts that at least this many distinct accounts engage with or follow in
    /// the data (default 3; 1 lists every account someone engaged with or follows).
    #[param(value_type = Option<u32>)]
    min_engagers: Option<String>,
    /// Leave out accounts the audit calls likely fakes or bots (`bots`), or organisations,
    /// publishers and brands (`organisations`); both: `bots,organisations`. They keep their
    /// place among all (`rank`).
    hide: Option<String>,
    /// Only accounts whose profile gives this language (e.g. `it`, `en`).
    lang: Option<String>,
    /// Sort the whole list (before paging) by rank (default), handle, audience, tier,
    /// engagers or confidence; ties in rank order.
    sort: Option<String>,
    /// asc or desc (default: asc for rank, handle and tier; desc for the others).
    order: Option<String>,
    /// The ranking's order: auto (default: predictive where the data have times and no topic
    /// is given), predictive (authority blended with forecast engagers, distinct engagers and
    /// recent engagement, the weights chosen on the data's last quarter) or authority
    /// (PageRank alone).
    by: Option<String>,
    /// true: an account whose follower count is unknown counts as native when its in-graph
    /// audience is within the threshold (default false: it is in tier "unknown").
    #[param(value_type = Option<bool>)]
    assume_native_if_unknown: Option<String>,
}

fn number(field: &str, value: Option<&str>, default: usize, max: usize) -> Result<usize, ApiError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| n <= max)
            .ok_or_else(|| {
                ApiError::bad(
                    field,
                    format!("{field} must be a whole number from 0 to {max}, not {v:?}"),
                )
            }),
    }
}

/// A list's `top`: 50 by default, 1 to 1000 (0, which the CLI reads as "all", would leave a
/// server's answer unbounded).
fn list_length(value: Option<&str>) -> Result<usize, ApiError> {
    match number("top", value, 50, 1000)? {
        0 => Err(ApiError::bad(
            "top",
            "top is a whole number from 1 to 1000, not 0",
        )),
        n => Ok(n),
    }
}

/// Native influencers and the rest, by the authority earned from those who engage
/// (engagement-weighted PageRank), a page at a time; `format=csv` for a spreadsheet.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/rank",
    params(("workspace" = String, Path, description = "Workspace name"), RankQuery, PageQuery, ExportQuery),
    responses(
        (status = 200, body = RankJson, description = "A page of the ranking (every matching account as text/csv with format=csv, as an .xlsx workbook with format=xlsx, as Parquet with format=parquet)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn rank(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<RankQuery>,
    Query(page): Query<PageQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (offset, limit) = page.bounds()?;
    let tier = match q.tier.as_deref().filter(|t| !t.trim().is_empty()) {
        None => None,
        Some(t) => Some(
            t.parse::<TierFilter>()
                .map_err(|e| ApiError::bad("tier", e.to_string()))?,
        ),
    };
    let (format, _) = export.parse(&["accounts"])?;
    let sort = rank_sort(q.sort.as_deref(), q.order.as_deref())?;
    let topic = q.topic.filter(|t| !t.trim().is_empty());
    let community = match q.community.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(c.parse::<u32>().map_err(|_| {
            ApiError::bad(
                "community",
                format!("community is a community id (a whole number), not {c:?}"),
            )
        })?),
    };
    let min_engagers = number(
        "min_engagers",
        q.min_engagers.as_deref(),
        socialset_engine::DEFAULT_MIN_ENGAGERS as usize,
        u32::MAX as usize,
    )? as u32;
    let hide = socialset_engine::Hide::parse(q.hide.as_deref().unwrap_or_default())
        .map_err(|e| ApiError::bad("hide", e))?;
    let language = q
        .lang
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty());
    if language
        .as_deref()
        .is_some_and(|l| l.len() > 16 || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(ApiError::bad(
            "lang",
            "lang is a language code such as it or en",
        ));
    }
    let by = rank_order(q.by.as_deref())?;
    let assume_native_if_unknown = match q.assume_native_if_unknown.as_deref().map(str::trim) {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad(
                "assume_native_if_unknown",
                format!("assume_native_if_unknown is true or false, not {other:?}"),
            ))
        }
    };
    let key = (
        workspace.clone(),
        format!("{tier:?}|{topic:?}|{community:?}|{min_engagers}|{hide:?}|{language:?}|{by:?}|{assume_native_if_unknown}"),
    );
    let (st, ws) = (state.clone(), workspace.clone());
    let report = cached(
        &state,
        &workspace,
        |i| &i.rankings,
        key,
        |_| true,
        read_work(state.clone(), move |cancel| {
            let options = RankOptions {
                tier,
                topic,
                community,
                min_engagers,
                hide,
                language,
                order: by,
                assume_native_if_unknown,
                top: usize::MAX,
                ..RankOptions::default()
            };
            open_store(&st, &ws)?
                .with_cancel(cancel)
                .rank(&options)
                .map_err(|e| match e {
                    socialset_engine::Error::Usage(m) if community.is_some() => {
                        ApiError::bad("community", m)
                    }
                    other => other.into(),
                })
        }),
    )
    .await?;
    // A file is the whole list unless a page is asked for: what a spreadsheet is wanted for.
    let limit = format.limit(page.limit.as_deref(), limit);
    crate::export::answer(
        &state,
        format,
        format!("{workspace}-ranking"),
        move || RankJson::sorted_page(&report, sort, offset, limit),
        |p| &p.accounts,
    )
    .await
}

/// The ranking's `sort` and `order`, checked: the column and whether descending.
fn rank_sort(
    sort: Option<&str>,
    order: Option<&str>,
) -> Result<Option<(crate::api::RankSort, bool)>, ApiError> {
    use crate::api::RankSort;
    let Some(name) = sort.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let key = RankSort::parse(name).ok_or_else(|| {
        ApiError::bad("sort", format!("sort is {}, not {name:?}", RankSort::NAMES))
    })?;
    let descending = match order.map(str::trim) {
        None | Some("") => !matches!(key, RankSort::Rank | RankSort::Handle | RankSort::Tier),
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::bad(
                "order",
                format!("order is asc or desc, not {other:?}"),
            ))
        }
    };
    Ok(Some((key, descending)))
}

/// Why an account ranks where it does: the engagers its authority comes from.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/accounts/{account}/explain",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("account" = String, Path, description = "Account id (tw:123) or handle"),
        OrderQuery,
        ExportQuery,
    ),
    responses(
        (status = 200, body = ExplainJson, description = "The explanation (its engagers, every one of them, as a file with format=csv or xlsx)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn explain(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, account)): Path<(String, String)>,
    Query(by): Query<OrderQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let order = rank_order(by.by.as_deref())?;
    let (format, _) = export.parse(&["engagers"])?;
    let name = format!("{workspace}-engagers-of-{account}");
    let st = state.clone();
    let report = read_work(state.clone(), move |cancel| {
        let store = open_store(&state, &workspace)?.with_cancel(cancel);
        let defaults = RankOptions::default();
        let options = RankOptions {
            top: if format.is_file() {
                usize::MAX
            } else {
                defaults.top
            },
            order,
            ..defaults
        };
        store.explain(&account, &options).map_err(account_error)
    })
    .await?;
    crate::export::answer(
        &st,
        format,
        name,
        move || ExplainJson::from(&report),
        |j| &j.engagers,
    )
    .await
}

/// The order of a ranking (`by`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// auto (default: predictive where the data have times), predictive, or authority
    /// (PageRank alone: the explanation without the blend, and quicker).
    by: Option<String>,
}

fn rank_order(by: Option<&str>) -> Result<socialset_engine::RankOrder, ApiError> {
    match by.map(str::trim) {
        None | Some("") => Ok(socialset_engine::RankOrder::Auto),
        Some(b) => b
            .parse::<socialset_engine::RankOrder>()
            .map_err(|e| ApiError::bad("by", e)),
    }
}

/// Where an account stands in the workspace's default ranking (every tier, every account
/// someone engaged with): its place in the predictive order, by authority alone, and the
/// blend's parts. Computed once per import and kept, so that the account page need not
/// rank again.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/accounts/{account}/standing",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("account" = String, Path, description = "Account id (tw:123) or handle"),
    ),
    responses(
        (status = 200, body = crate::api::StandingJson),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn standing(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, account)): Path<(String, String)>,
) -> Result<Json<crate::api::StandingJson>, ApiError> {
    member(&state, &caller, &workspace)?;
    let key = (workspace.clone(), "standing".to_owned());
    let (st, ws) = (state.clone(), workspace.clone());
    let report = cached(
        &state,
        &workspace,
        |i| &i.rankings,
        key,
        |_| true,
        read_work(state.clone(), move |cancel| {
            let options = RankOptions {
                min_engagers: 1,
                top: usize::MAX,
                ..RankOptions::default()
            };
            Ok(open_store(&st, &ws)?.with_cancel(cancel).rank(&options)?)
        }),
    )
    .await?;
    let wanted = account.trim();
    let bare = wanted.trim_start_matches('@').to_lowercase();
    report
        .accounts
        .iter()
        .find(|a| a.id == wanted)
        .or_else(|| {
            report.accounts.iter().find(|a| {
                a.handle
                    .as_deref()
                    .is_some_and(|h| h.trim_start_matches('@').to_lowercase() == bare)
            })
        })
        .map(|a| Json(crate::api::StandingJson::of(a, &report)))
        .ok_or_else(|| {
            ApiError::not_found(
                "account",
                format!("{wanted} is not in the ranking: no one engaged with it or follows it"),
            )
        })
}

/// The authenticity audit of an account: how likely a bot, why, and how real its audience
/// and engagement are.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/accounts/{account}/audit",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("account" = String, Path, description = "Account id (tw:123) or handle"),
    ),
    responses(
        (status = 200, body = AccountAuditJson),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, account)): Path<(String, String)>,
) -> Result<Json<AccountAuditJson>, ApiError> {
    member(&state, &caller, &workspace)?;
    let report = read_work(state.clone(), move |cancel| {
        let store = open_store(&state, &workspace)?.with_cancel(cancel);
        store
            .audit_account(&account, &AuditOptions::default())
            .map_err(account_error)
    })
    .await?;
    AccountAuditJson::of(&report)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("account", "the audit listed no account"))
}

/// An account's profile card: what its platform says of it, its latest posts in the data
/// with links to them, and its engagement rate beside its tier's median in the workspace.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/accounts/{account}/profile",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("account" = String, Path, description = "Account id (tw:123) or handle"),
    ),
    responses(
        (status = 200, body = crate::api::ProfileJson),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn profile(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, account)): Path<(String, String)>,
) -> Result<Json<crate::api::ProfileJson>, ApiError> {
    member(&state, &caller, &workspace)?;
    let p = read_work(state.clone(), move |cancel| {
        open_store(&state, &workspace)?
            .with_cancel(cancel)
            .profile(&account, 5)
            .map_err(account_error)
    })
    .await?;
    Ok(Json(crate::api::ProfileJson::from(&p)))
}

/// Query of the groups.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupsQuery {
    /// Groups to list (default 50, at most 1000; 0 lists all).
    #[param(value_type = Option<u64>)]
    top: Option<String>,
}

/// The groups (subreddits, lists, discussion groups), the most posted-in first, with their
/// members and activity.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/groups",
    params(("workspace" = String, Path, description = "Workspace name"), GroupsQuery, ExportQuery),
    responses(
        (status = 200, body = GroupsJson, description = "The groups (as a file with format=csv or xlsx)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<GroupsQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, _) = export.parse(&["groups"])?;
    let top = number("top", q.top.as_deref(), 50, 1000)?;
    let name = format!("{workspace}-groups");
    let st = state.clone();
    let json = read_work(state.clone(), move |cancel| {
        match open_store(&state, &workspace)?
            .with_cancel(cancel)
            .groups(top)
        {
            Ok(report) => Ok(GroupsJson::from(&report)),
            // A workspace whose exports brought no groups has none: an empty list, not an
            // error (a page showing it would log a failed request).
            Err(socialset_engine::Error::Usage(_)) => Ok(GroupsJson {
                total: 0,
                posts_in_groups: 0,
                groups: Vec::new(),
            }),
            Err(other) => Err(other.into()),
        }
    })
    .await?;
    crate::export::answer(&st, format, name, move || json, |j| &j.groups).await
}

/// Query of the claims.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimsQuery {
    /// link, hashtag or text (default: all three).
    kind: Option<String>,
    /// Claims to list, the most accounts reached first (default 50, 1 to 1000).
    #[param(value_type = Option<u64>)]
    top: Option<String>,
    /// Leave out claims that reached fewer accounts (default 2).
    #[param(value_type = Option<u64>)]
    min_accounts: Option<String>,
    /// Only claims fact-checkers judged so: true, false, mixed or unverified.
    verdict: Option<String>,
}

/// The claims spreading most — links, hashtags and stories told in near-identical words —
/// with their cascades of replies, quotes and shares: size, depth, breadth, structural
/// virality and speed.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/claims",
    params(("workspace" = String, Path, description = "Workspace name"), ClaimsQuery, ExportQuery),
    responses(
        (status = 200, body = crate::api::ClaimsJson, description = "The claims (as a file with format=csv or xlsx)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn claims(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<ClaimsQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, _) = export.parse(&["claims"])?;
    let kind = q
        .kind
        .as_deref()
        .map(str::parse::<socialset_engine::ClaimKind>)
        .transpose()
        .map_err(|e| ApiError::bad("kind", e))?;
    let options = socialset_engine::ClaimOptions {
        kind,
        top: list_length(q.top.as_deref())?,
        min_accounts: number("min_accounts", q.min_accounts.as_deref(), 2, usize::MAX)?,
        verdict: q
            .verdict
            .as_deref()
            .map(str::parse::<socialset_engine::FactVerdict>)
            .transpose()
            .map_err(|e| ApiError::bad("verdict", e))?,
        ..Default::default()
    };
    let name = format!("{workspace}-claims");
    let st = state.clone();
    let json = read_work(state.clone(), move |cancel| {
        let report = open_store(&state, &workspace)?
            .with_cancel(cancel)
            .claims(&options)?;
        Ok(crate::api::ClaimsJson::from(&report))
    })
    .await?;
    crate::export::answer(&st, format, name, move || json, |j| &j.claims).await
}

/// Query of the repeat spreaders.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpreadersQuery {
    /// Leave out accounts that spread fewer claims judged false (default 2).
    #[param(value_type = Option<u64>)]
    min_false: Option<String>,
    /// Accounts to list, the most false claims first (default 50, 1 to 1000).
    #[param(value_type = Option<u64>)]
    top: Option<String>,
}

/// The accounts that spread claims fact-checkers judged false, again and again: each with
/// its record over the judged claims it carried, quoted or shared (claims files of `claim`
/// and `verdict` records name the claims and give the verdicts).
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/spreaders",
    params(("workspace" = String, Path, description = "Workspace name"), SpreadersQuery, ExportQuery),
    responses(
        (status = 200, body = crate::api::SpreadersJson, description = "The repeat spreaders (as a file with format=csv or xlsx)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn spreaders(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<SpreadersQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, _) = export.parse(&["spreaders"])?;
    let options = socialset_engine::SpreaderOptions {
        min_false: number("min_false", q.min_false.as_deref(), 2, u32::MAX as usize)? as u32,
        top: list_length(q.top.as_deref())?,
        ..Default::default()
    };
    let name = format!("{workspace}-spreaders");
    let st = state.clone();
    let json = read_work(state.clone(), move |cancel| {
        let report = open_store(&state, &workspace)?
            .with_cancel(cancel)
            .repeat_spreaders(&options)?;
        Ok(crate::api::SpreadersJson::from(&report))
    })
    .await?;
    crate::export::answer(&st, format, name, move || json, |j| &j.spreaders).await
}

/// Query of one claim.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimQuery {
    /// The claim: `link:HOST/PATH` (or the link as written), `tag:NAME` or `text:POST`.
    id: String,
    /// Spreaders to list (default 20, at most 1000).
    #[param(value_type = Option<u64>)]
    top: Option<String>,
    /// Whom it reached, likely bots and communities (default true; false answers sooner on
    /// a large workspace: auditing every account and finding communities take most of the
    /// time).
    #[param(value_type = Option<bool>)]
    reach: Option<String>,
}

/// One claim: its spread, day by day, who carried it furthest, the stance of its replies
/// (support, deny, query, comment; the earliest denials and questions), and the likely bots
/// and communities it reached.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/claim",
    params(("workspace" = String, Path, description = "Workspace name"), ClaimQuery),
    responses(
        (status = 200, body = crate::api::ClaimDetailJson),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn claim(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<ClaimQuery>,
) -> Result<Json<crate::api::ClaimDetailJson>, ApiError> {
    member(&state, &caller, &workspace)?;
    let top = number("top", q.top.as_deref(), 20, 1000)?;
    let reach = match q.reach.as_deref() {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(ApiError::bad(
                "reach",
                format!("reach is true or false, not {other:?}"),
            ))
        }
    };
    let json = read_work(state.clone(), move |cancel| {
        let detail = open_store(&state, &workspace)?
            .with_cancel(cancel)
            .claim_with(&q.id, &Default::default(), top, reach)
            .map_err(|e| match e {
                socialset_engine::Error::Usage(m) => ApiError::bad("id", m),
                other => other.into(),
            })?;
        Ok(crate::api::ClaimDetailJson::from(&detail))
    })
    .await?;
    Ok(Json(json))
}

/// Query of the disclosure check.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisclosureQuery {
    /// Only this account's posts (id or handle).
    account: Option<String>,
}

/// Whether sponsored posts say so clearly and early: labels (#adv, #ad, "paid partnership"…),
/// affiliate links and discount codes, judged compliant, label buried, label unclear or
/// undisclosed; per account, per campaign, and the sponsored posts a page at a time.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/disclosure",
    params(("workspace" = String, Path, description = "Workspace name"), DisclosureQuery, PageQuery, ExportQuery, SortQuery),
    responses(
        (status = 200, body = DisclosureJson, description = "The check (with format=csv or xlsx a file of one table: `table=posts`, the sponsored posts, all of them unless `limit` is given; `accounts`; or `campaigns`)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn disclosure(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<DisclosureQuery>,
    Query(page): Query<PageQuery>,
    Query(export): Query<ExportQuery>,
    Query(sort): Query<SortQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, table) = export.parse(&["posts", "accounts", "campaigns"])?;
    let (offset, limit) = page.bounds()?;
    let limit = format.limit(page.limit.as_deref(), limit);
    let name = format!("{workspace}-disclosure-{table}");
    let account = q.account.filter(|a| !a.trim().is_empty());
    let st = state.clone();
    // The check and its (sorted) page in one blocking task, off the async runtime.
    let json = read_work(state.clone(), move |cancel| {
        let store = open_store(&state, &workspace)?.with_cancel(cancel);
        let report = match &account {
            Some(a) => store.disclosure(Some(a), None).map_err(account_error)?,
            None => store.disclosure(None, None)?,
        };
        crate::export::page_of(
            &sort,
            offset,
            limit,
            |o, l| DisclosureJson::page(&report, o, l),
            |j| (&mut j.sponsored_posts, &mut j.offset),
        )
    })
    .await?;
    let build = move || json;
    match table {
        "accounts" => crate::export::answer(&st, format, name, build, |j| &j.accounts).await,
        "campaigns" => crate::export::answer(&st, format, name, build, |j| &j.campaigns).await,
        _ => crate::export::answer(&st, format, name, build, |j| &j.sponsored_posts).await,
    }
}

/// Classifies and scores one text, as `socialset sentiment` does: its kind with the cues,
/// its polarity (Italian: a model trained on SENTIPOLC 2016; English: a model trained on
/// TweetEval and Sanders with VADER's lexicon among its features, or VADER alone with
/// `"model": "vader"`) and the words that drove it; with `"towards": "@acme"`, the sentiment
/// towards that brand. Needs a token but no workspace.
#[utoipa::path(
    post,
    path = "/api/sentiment",
    request_body = SentimentRequest,
    responses(
        (status = 200, body = SentimentJson),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 413, body = crate::api::ErrorBody),
    )
)]
async fn sentiment(
    _caller: Caller,
    body: Result<Json<SentimentRequest>, JsonRejection>,
) -> Result<Json<SentimentJson>, ApiError> {
    let Json(req) = body.map_err(|e| ApiError::new(e.status(), e.body_text(), Some("body")))?;
    let c = blocking(move || {
        Ok(socialset_engine::classify_towards(
            &req.text,
            req.model.into(),
            req.towards.as_deref(),
            &req.others,
        ))
    })
    .await?;
    Ok(Json(SentimentJson::from(&c)))
}

/// A page of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Entries to skip (default 0).
    #[param(value_type = Option<u64>)]
    offset: Option<String>,
    /// Entries to return (default 50, at most 1000).
    #[param(value_type = Option<u64>)]
    limit: Option<String>,
}

impl PageQuery {
    fn bounds(&self) -> Result<(usize, usize), ApiError> {
        Ok((
            number("offset", self.offset.as_deref(), 0, usize::MAX / 2)?,
            number("limit", self.limit.as_deref(), 50, 1000)?,
        ))
    }
}

/// A CSV file to download: opened by a spreadsheet, saved under `name`.
pub(crate) fn csv_download(name: &str, body: Vec<u8>) -> Response {
    download(name, "text/csv; charset=utf-8", body)
}

/// A Parquet file to download, saved under `name`.
pub(crate) fn parquet_download(name: &str, body: Vec<u8>) -> Response {
    download(name, "application/vnd.apache.parquet", body)
}

/// An Excel workbook to download, saved under `name`.
pub(crate) fn xlsx_download(name: &str, body: Vec<u8>) -> Response {
    download(
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body,
    )
}

fn download(name: &str, content_type: &str, body: Vec<u8>) -> Response {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// How many accounts a workspace audit lists at least: pages within them are cut from the
/// cached audit until the next import.
const AUDIT_BATCH: usize = 200;

/// The authenticity audit of the whole workspace: the most suspicious accounts first, a
/// page at a time, with the totals and the engagement pods found.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/audit",
    params(("workspace" = String, Path, description = "Workspace name"), PageQuery, ExportQuery, SortQuery),
    responses(
        (status = 200, body = AuditJson, description = "A page of the audit (with format=csv or xlsx a file: `table=accounts`, every account audited unless `limit` is given, or `pods`)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn audit_all(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<PageQuery>,
    Query(export): Query<ExportQuery>,
    Query(sort): Query<SortQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, table) = export.parse(&["accounts", "pods"])?;
    let (offset, limit) = q.bounds()?;
    let limit = format.limit(q.limit.as_deref(), limit);
    let name = format!("{workspace}-audit-{table}");
    // Sorted by a column, any account may come first: the audit lists them all.
    let need = if sort.column().is_some() {
        usize::MAX
    } else {
        offset.saturating_add(limit).max(1)
    };
    // A cached audit serves every page it lists, or any page once it lists every account.
    let fits = |r: &socialset_engine::AuditReport| {
        r.accounts.len() >= need || r.accounts.len() == r.accounts_audited
    };
    let (st, ws) = (state.clone(), workspace.clone());
    let report = cached(
        &state,
        &workspace,
        |i| &i.audits,
        workspace.clone(),
        fits,
        heavy(&state, &workspace, move |cancel| {
            let options = AuditOptions {
                // 0 would list every account.
                top: need.div_ceil(AUDIT_BATCH).saturating_mul(AUDIT_BATCH),
                ..AuditOptions::default()
            };
            Ok(open_store(&st, &ws)?.with_cancel(cancel).audit(&options)?)
        }),
    )
    .await?;
    // Every account's row, sorted, is seconds of work on a large workspace: off the async
    // runtime, in the reads' turns.
    let mut page = read_work(state.clone(), move |_| {
        crate::export::page_of(
            &sort,
            offset,
            limit,
            |o, _| AuditJson::page(&report, o),
            |p| (&mut p.accounts, &mut p.offset),
        )
    })
    .await?;
    page.accounts.truncate(limit);
    let build = move || page;
    match table {
        "pods" => crate::export::answer(&state, format, name, build, |p| &p.pods).await,
        _ => crate::export::answer(&state, format, name, build, |p| &p.accounts).await,
    }
}

/// Engagement pods: groups of accounts that engage each other fast and often (mutual
/// engagement, density, speed), best score first.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/pods",
    params(("workspace" = String, Path, description = "Workspace name"), ExportQuery),
    responses(
        (status = 200, body = Vec<PodJson>, description = "The pods (as a file with format=csv or xlsx)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn pods(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, _) = export.parse(&["pods"])?;
    let name = format!("{workspace}-pods");
    let st = state.clone();
    let pods = read_work(state.clone(), move |cancel| {
        Ok(open_store(&state, &workspace)?
            .with_cancel(cancel)
            .pods(&Default::default(), &Default::default())?)
    })
    .await?;
    let pods: Vec<PodJson> = pods.iter().map(PodJson::from).collect();
    crate::export::answer(&st, format, name, move || pods, |p| p.as_slice()).await
}

/// Query of the segments.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SegmentsQuery {
    /// creator, amplifier, consumer or lurker.
    segment: Option<String>,
}

/// Accounts by the value they create and consume: creators, amplifiers, consumers and
/// lurkers, with the size of each, most active first.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/segments",
    params(("workspace" = String, Path, description = "Workspace name"), SegmentsQuery, PageQuery, ExportQuery, SortQuery),
    responses(
        (status = 200, body = SegmentsJson, description = "A page of the accounts (every matching one as a file with format=csv or xlsx unless `limit` is given)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn segments(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<SegmentsQuery>,
    Query(page): Query<PageQuery>,
    Query(export): Query<ExportQuery>,
    Query(sort): Query<SortQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, _) = export.parse(&["accounts"])?;
    let (offset, limit) = page.bounds()?;
    let limit = format.limit(page.limit.as_deref(), limit);
    let name = format!("{workspace}-segments");
    let segment = match q.segment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => Some(socialset_engine::Segment::parse(name).ok_or_else(|| {
            ApiError::bad(
                "segment",
                format!("segment is creator, amplifier, consumer or lurker, not {name:?}"),
            )
        })?),
    };
    let st = state.clone();
    // The segments and their (sorted) page in one blocking task, off the async runtime.
    let json = read_work(state.clone(), move |cancel| {
        let report = open_store(&state, &workspace)?
            .with_cancel(cancel)
            .segments(&Default::default())?;
        crate::export::page_of(
            &sort,
            offset,
            limit,
            |o, l| SegmentsJson::page(&report, segment, o, l),
            |j| (&mut j.accounts, &mut j.offset),
        )
    })
    .await?;
    crate::export::answer(&st, format, name, move || json, |j| &j.accounts).await
}

/// Query of the captured posts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UgcQuery {
    /// question, answer, complaint, praise, review or mention.
    kind: Option<String>,
    /// positive, negative, neutral or mixed.
    sentiment: Option<String>,
    /// it or en.
    language: Option<String>,
    /// Posts about a brand: mentioning its account (id or handle) or naming it.
    brand: Option<String>,
    /// Full-text search (stemmed Italian and English; "phrases", OR, -word).
    query: Option<String>,
    /// How many posts to list (default 50, at most 1000); threads are all listed.
    #[param(value_type = Option<u64>)]
    top: Option<String>,
}

/// Parses an optional filter, naming the field and its values when it does not parse.
fn filter<T>(
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    values: &str,
) -> Result<Option<T>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .ok_or_else(|| ApiError::bad(field, format!("{field} is one of {values}, not {v:?}"))),
    }
}

/// The questions, answers, complaints, praise and reviews customers wrote, each with its
/// sentiment and the cues behind its kind; questions threaded with their best answers.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/ugc",
    params(("workspace" = String, Path, description = "Workspace name"), UgcQuery, ExportQuery),
    responses(
        (status = 200, body = UgcJson, description = "The posts and threads (with format=csv or xlsx a file: `table=posts`, up to `top`, or `threads`)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody),
    )
)]
async fn ugc(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<UgcQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, table) = export.parse(&["posts", "threads"])?;
    let name = format!("{workspace}-customer-voice-{table}");
    let options = UgcOptions {
        kind: filter(
            "kind",
            q.kind.as_deref(),
            UgcKind::parse,
            "question, answer, complaint, praise, review, mention",
        )?,
        sentiment: filter(
            "sentiment",
            q.sentiment.as_deref(),
            Polarity::parse,
            "positive, negative, neutral, mixed",
        )?,
        language: filter("language", q.language.as_deref(), Language::parse, "it, en")?,
        brand: q.brand.filter(|b| !b.trim().is_empty()),
        query: q.query.filter(|x| !x.trim().is_empty()),
        top: number("top", q.top.as_deref(), 50, 1000)?,
        ..UgcOptions::default()
    };
    let st = state.clone();
    let report = read_work(state.clone(), move |cancel| {
        open_store(&state, &workspace)?
            .with_cancel(cancel)
            .ugc(&options)
            .map_err(ApiError::from)
    })
    .await?;
    let build = move || UgcJson::from(&report);
    match table {
        "threads" => crate::export::answer(&st, format, name, build, |j| &j.threads).await,
        _ => crate::export::answer(&st, format, name, build, |j| &j.items).await,
    }
}

/// The planner's options for a plan request, its fields checked.
fn plan_options(req: PlanRequest) -> Result<PlanOptions, ApiError> {
    if !(req.budget_eur.is_finite() && req.budget_eur > 0.0 && req.budget_eur <= 1e9) {
        return Err(ApiError::bad(
            "budget_eur",
            "budget_eur is a positive amount of euros, at most 1e9",
        ));
    }
    if req.max_per_community == Some(0) || req.k == Some(0) {
        let field = if req.k == Some(0) {
            "k"
        } else {
            "max_per_community"
        };
        return Err(ApiError::bad(field, format!("{field} must be at least 1")));
    }
    let probabilities = match req.probabilities.as_deref() {
        None => Probabilities::default(),
        Some(name) => Probabilities::parse(name).ok_or_else(|| {
            ApiError::bad(
                "probabilities",
                format!("probabilities is learned, weighted-cascade or engagement, not {name:?}"),
            )
        })?,
    };
    let defaults = PlanOptions::default();
    let horizon_days = req.horizon_days.unwrap_or(defaults.horizon_days);
    if !(horizon_days.is_finite() && horizon_days > 0.0 && horizon_days <= 366.0) {
        return Err(ApiError::bad(
            "horizon_days",
            "horizon_days is the campaign's length in days: more than 0, at most 366",
        ));
    }
    let time = |field: &str, text: Option<&str>| {
        text.filter(|t| !t.trim().is_empty())
            .map(|t| crate::campaigns::parse_time(field, t.trim()))
            .transpose()
    };
    let window = socialset_engine::TimeWindow {
        since: time("since", req.since.as_deref())?,
        until: time("until", req.until.as_deref())?,
    };
    Ok(PlanOptions {
        budget: req.budget_eur,
        window,
        k: req.k,
        max_followers: req.max_followers.unwrap_or(defaults.max_followers),
        topic: req.topic.filter(|t| !t.trim().is_empty()),
        claim: req.claim.filter(|c| !c.trim().is_empty()),
        audience_communities: req.communities,
        max_per_community: req.max_per_community,
        compare_professional: req.compare_professional,
        hops: req.hops,
        probabilities,
        horizon_days,
        assume_native_if_unknown: req.assume_native_if_unknown,
        exclude: req.exclude,
        ..defaults
    })
}

/// Plans a Social Set: the native influencers that reach the most people for the budget
/// (budgeted IMM), each with the reach it adds, the expected reach with its interval and reach
/// per euro; with `compare_professional`, the same budget spent on professional influencers
/// and the overlap of the two audiences. Reading only: every member may plan.
#[utoipa::path(
    post,
    path = "/api/workspaces/{workspace}/plans",
    params(("workspace" = String, Path, description = "Workspace name")),
    request_body = PlanRequest,
    responses(
        (status = 200, body = PlanJson),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody),
    )
)]
async fn plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    body: Result<Json<PlanRequest>, JsonRejection>,
) -> Result<Json<PlanJson>, ApiError> {
    member(&state, &caller, &workspace)?;
    let Json(req) = body.map_err(|e| ApiError::new(e.status(), e.body_text(), Some("body")))?;
    let options = plan_options(req)?;
    let st = state.clone();
    let report = heavy(&state, &workspace.clone(), move |cancel| {
        Ok(open_store(&st, &workspace)?
            .with_cancel(cancel)
            .plan(&options)?)
    })
    .await?;
    Ok(Json(PlanJson::from(&report)))
}

/// How independent of brands an account is: sponsored posts (and whether they disclose it),
/// brand mentions, and the score they make.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/accounts/{account}/independence",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("account" = String, Path, description = "Account id (tw:123) or handle"),
    ),
    responses(
        (status = 200, body = IndependenceJson),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn independence(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, account)): Path<(String, String)>,
) -> Result<Json<IndependenceJson>, ApiError> {
    member(&state, &caller, &workspace)?;
    let report = read_work(state.clone(), move |cancel| {
        open_store(&state, &workspace)?
            .with_cancel(cancel)
            .independence(&account, None)
            .map_err(account_error)
    })
    .await?;
    Ok(Json(IndependenceJson::from(&report)))
}

/// Query of trust.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrustQuery {
    /// auto (default: ratings when the workspace has any), ratings or interactions.
    from: Option<String>,
    /// How many accounts to list, most trusted first (default 50, at most 1000).
    #[param(value_type = Option<u64>)]
    top: Option<String>,
    /// Only this account (id or handle).
    account: Option<String>,
}

/// Who is trusted: from explicit ratings (goodness, fairness, EigenTrust) or, without
/// ratings, from interactions (who answers those who talk to them, and their questions).
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/trust",
    params(("workspace" = String, Path, description = "Workspace name"), TrustQuery, ExportQuery),
    responses(
        (status = 200, body = TrustJson, description = "The most trusted accounts (as a file with format=csv or xlsx)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 422, body = crate::api::ErrorBody),
    )
)]
async fn trust(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<TrustQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let (format, _) = export.parse(&["accounts"])?;
    let name = format!("{workspace}-trust");
    let top = number("top", q.top.as_deref(), 50, 1000)?;
    let from = match q.from.as_deref().unwrap_or("auto") {
        "auto" => None,
        "ratings" => Some(true),
        "interactions" => Some(false),
        other => {
            return Err(ApiError::bad(
                "from",
                format!("from is auto, ratings or interactions, not {other:?}"),
            ))
        }
    };
    let account = q.account.filter(|a| !a.trim().is_empty());
    let st = state.clone();
    let mut report = read_work(state.clone(), move |cancel| {
        let store = open_store(&state, &workspace)?.with_cancel(cancel);
        let options = TrustOptions {
            top,
            account: account.clone(),
            ..TrustOptions::default()
        };
        let from_ratings = match from {
            Some(f) => f,
            None => store.has_ratings()?,
        };
        let json = if from_ratings {
            TrustJson::from(&store.trust(&options)?)
        } else {
            TrustJson::from(&store.interaction_trust(&options)?)
        };
        if let Some(a) = account {
            if json.accounts.is_empty() {
                return Err(ApiError::not_found(
                    "account",
                    format!(
                        "{a} has no trust score in this workspace ({} trust)",
                        json.source
                    ),
                ));
            }
        }
        Ok(json)
    })
    .await?;
    report.accounts.truncate(top.max(1));
    crate::export::answer(&st, format, name, move || report, |j| &j.accounts).await
}

/// Query of the communities.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunitiesQuery {
    /// How many communities to list, largest first (default 12, at most 200).
    #[param(value_type = Option<u64>)]
    top: Option<String>,
    /// Compare communities across consecutive windows of this many days (stability).
    #[param(value_type = Option<f64>)]
    window_days: Option<String>,
}

/// Communities of the engagement graph (Leiden), their top members and labels, the
/// engagement between them (for a map), and with `window_days` their stability over time.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/communities",
    params(("workspace" = String, Path, description = "Workspace name"), CommunitiesQuery),
    responses(
        (status = 200, body = CommunitiesJson),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn communities(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<CommunitiesQuery>,
) -> Result<Json<CommunitiesJson>, ApiError> {
    member(&state, &caller, &workspace)?;
    let top = number("top", q.top.as_deref(), 12, 200)?;
    let window_days = match q.window_days.as_deref() {
        None => None,
        Some(d) => Some(d.trim().parse::<f64>().map_err(|_| {
            ApiError::bad(
                "window_days",
                format!("window_days is a positive number of days, not {d:?}"),
            )
        })?),
    };
    let options = community_options(top, window_days)?;
    let (st, ws) = (state.clone(), workspace.clone());
    let key = (workspace.clone(), format!("{top}|{window_days:?}"));
    let report = cached(
        &state,
        &workspace,
        |i| &i.communities,
        key,
        |_| true,
        heavy(&state, &workspace, move |cancel| {
            Ok(open_store(&st, &ws)?
                .with_cancel(cancel)
                .communities(&options)?)
        }),
    )
    .await?;
    Ok(Json(CommunitiesJson::from(report.as_ref())))
}

/// The communities' options for `top` (at most 200) and `window_days`, checked.
fn community_options(top: usize, window_days: Option<f64>) -> Result<CommunityOptions, ApiError> {
    if top > 200 {
        return Err(ApiError::bad(
            "top",
            format!("top is at most 200, not {top}"),
        ));
    }
    if let Some(d) = window_days.filter(|d| !(d.is_finite() && *d > 0.0)) {
        return Err(ApiError::bad(
            "window_days",
            format!("window_days is a positive number of days, not {d}"),
        ));
    }
    Ok(CommunityOptions {
        top,
        window_days,
        ..CommunityOptions::default()
    })
}

/// Query of an import.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file's name, for its format by extension (e.g. data.jsonl.gz, threads.tar.gz);
    /// default data.jsonl.
    name: Option<String>,
    /// auto (default), twitter-v1, twitter-v2, reddit, youtube, instagram, bluesky,
    /// activitypub, jsonl, higgs, snap or ratings-csv. Archives (.tar.gz, .tgz, .zip by name)
    /// are unpacked and every data file in them read, each in this format.
    format: Option<String>,
    /// true: import the good records and skip the bad ones (default: a bad record fails the
    /// import, and the store stays as it was).
    skip_bad: Option<bool>,
}

/// Imports a file into the workspace (admins and analysts): the body is the file, streamed
/// to disk; the import runs as a job to poll. One import at a time per workspace; a failed
/// import leaves the store as it was.
#[utoipa::path(
    post,
    path = "/api/workspaces/{workspace}/imports",
    params(("workspace" = String, Path, description = "Workspace name"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses(
        (status = 202, body = Job),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 413, body = crate::api::ErrorBody),
    )
)]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<ImportQuery>,
    body: Body,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let role = member(&state, &caller, &workspace)?;
    if !role.can_write() {
        return Err(ApiError::forbidden(format!(
            "a {} of {workspace:?} cannot import: ask an admin for the analyst role",
            role.name()
        )));
    }
    let format = match q.format.as_deref().unwrap_or("auto") {
        "auto" => None,
        f => Some(
            f.parse::<socialset_engine::Format>()
                .map_err(|e| ApiError::bad("format", e.to_string()))?,
        ),
    };
    if state.live_imports(&workspace) >= crate::jobs::IMPORTS_QUEUED {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{} imports into {workspace:?} are waiting already: try again when one is done",
                crate::jobs::IMPORTS_QUEUED
            ),
            None,
        ));
    }
    // An import takes a core as a computation does: it waits its turn in the same line, so
    // that a core stays free for cheap requests.
    let place = enter_heavy(&state)?;
    let caller_workspace = workspace.clone();
    let name = q.name.clone().unwrap_or_else(|| "data.jsonl".into());
    // Keep the name's extensions (the format and gzip are told by them), nothing else of it.
    let suffix: String = name
        .rsplit('/')
        .next()
        .and_then(|base| base.find('.').map(|i| base[i..].to_owned()))
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .take(32)
        .collect();
    let upload = tempfile::Builder::new()
        .prefix("upload-")
        .suffix(&suffix)
        .tempfile_in(state.0.config.data_dir.join("uploads"))
        .map_err(ApiError::internal)?;
    let (file, path) = upload.into_parts();
    let mut out = tokio::fs::File::from_std(file);
    let mut stream = body.into_data_stream();
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad("body", format!("the upload broke off: {e}")))?;
        bytes += chunk.len() as u64;
        if bytes > state.0.config.upload_limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "uploads are limited to {} bytes",
                    state.0.config.upload_limit
                ),
                Some("body"),
            ));
        }
        out.write_all(&chunk).await.map_err(ApiError::internal)?;
    }
    out.flush().await.map_err(ApiError::internal)?;
    drop(out);
    let id = crate::auth::random_hex(8)?;
    let uploaded = name.rsplit('/').next().unwrap_or(&name).to_owned();
    let (cancel, progress) = (Cancel::new(), socialset_engine::Progress::new());
    progress.step("waiting for the workspace's previous import", 0);
    state.begin_job(
        crate::jobs::Live {
            job: Job {
                id: id.clone(),
                workspace: workspace.clone(),
                kind: "import".into(),
                state: "queued".into(),
                created_by: caller.user.clone(),
                created_at: crate::jobs::now(),
                name: Some(uploaded.clone()),
                bytes,
                ..Job::default()
            },
            key: format!("import|{id}"),
            cancel: cancel.clone(),
            progress: progress.clone(),
        },
        None,
    )?;
    let lock_for = Arc::clone(
        lock(&state.0.import_locks)
            .entry(workspace.clone())
            .or_default(),
    );
    let st = state.clone();
    let job_id = id.clone();
    tokio::spawn(async move {
        let _one_at_a_time = lock_for.lock().await;
        let turn = st.0.heavy.turn(place).await;
        st.job_running(&job_id);
        let store = st.store_path(&workspace);
        let rejects_dir = st.0.config.data_dir.join("rejects");
        let options = ImportOptions {
            format,
            skip_bad: q.skip_bad.unwrap_or(false),
            rejects_dir: Some(rejects_dir.clone()),
            limits: socialset_engine::ReadLimits {
                max_decompressed_bytes: st
                    .0
                    .config
                    .max_decompressed_bytes
                    .min(bytes.saturating_mul(crate::UPLOAD_EXPANSION).max(1 << 20)),
                ..Default::default()
            },
            ..ImportOptions::default()
        };
        let file = path.to_path_buf();
        let temp_name = file.display().to_string();
        let mut observer = UploadProgress(progress, uploaded.clone());
        let result = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let r = Workspace::open(&store).and_then(|w| {
                w.with_cancel(cancel)
                    .import(&[file], &options, &mut observer)
            });
            // The upload goes whatever happened; a server stopped before this removes it
            // when it starts again.
            drop(path);
            r
        })
        .await;
        // The uploader knows the file by the name they gave, not by the server's temp path.
        let named = |m: String| m.replace(&temp_name, &uploaded);
        let rejects = match &result {
            Ok(Ok(report)) => report
                .files
                .iter()
                .find_map(|f| f.rejects_path.clone())
                .and_then(|at| {
                    std::fs::rename(&at, rejects_dir.join(format!("{job_id}.jsonl"))).ok()
                })
                .map(|()| format!("/api/workspaces/{workspace}/imports/{job_id}/rejects")),
            _ => None,
        };
        let imported = matches!(result, Ok(Ok(_)));
        st.end_job(&job_id, None, |job| match result {
            Ok(Ok(report)) => {
                job.state = "done".into();
                job.records_read = Some(report.records_read());
                job.rejected = Some(report.rejected());
                job.after = Some(Stats::from(&report.after));
                job.rejects = rejects;
            }
            Ok(Err(socialset_engine::Error::Cancelled)) => {
                job.state = "cancelled".into();
                job.error = Some("cancelled: the store is as it was before the import".into());
            }
            Ok(Err(e)) => {
                job.state = "failed".into();
                job.error = Some(if e.is_user_error() {
                    named(e.to_string())
                } else {
                    ApiError::internal(e).body.request_id.map_or_else(
                        || "internal error".into(),
                        |r| format!("internal error (request {r})"),
                    )
                });
            }
            Err(e) => {
                job.state = "failed".into();
                job.error = Some(format!("the import stopped: {e}"));
            }
        });
        if imported {
            st.imports_changed(&workspace);
        }
    });
    let job = state
        .job(&caller_workspace, &id)?
        .ok_or_else(|| ApiError::internal("an import just started is missing"))?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Live streams followed at once on the whole server: each holds a connection and a thread.
const STREAMS_AT_ONCE: usize = 4;

/// Follows a live Jetstream endpoint into the workspace as a job (admins): its events are
/// committed a batch at a time, each batch one transaction with the stream's cursor, so a
/// cancelled, failed or interrupted follow started again resumes where it stopped. Cancel
/// the job (DELETE …/jobs/{job}) to stop it: what was read is kept. One stream per
/// workspace at a time; it does not wait in the line of computations (it takes a few
/// percent of a core at the firehose's rate).
#[utoipa::path(
    post,
    path = "/api/workspaces/{workspace}/streams",
    params(("workspace" = String, Path, description = "Workspace name")),
    request_body = StreamRequest,
    responses(
        (status = 202, body = Job),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody, description = "The workspace follows a stream already"),
        (status = 503, body = crate::api::ErrorBody, description = "The server follows as many streams as it allows"),
    )
)]
async fn follow_stream(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    body: Result<Json<StreamRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let role = member(&state, &caller, &workspace)?;
    if role != Role::Admin {
        return Err(ApiError::forbidden(format!(
            "only an admin of {workspace:?} can have the server follow a stream (a {} cannot)",
            role.name()
        )));
    }
    let Json(req) = body.map_err(|e| ApiError::bad("body", e.body_text()))?;
    let (host, name) = socialset_engine::stream_endpoint(&req.url)
        .map_err(|e| ApiError::bad("url", e.to_string()))?;
    let allowed = &state.0.config.stream_hosts;
    if !allowed.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
        return Err(ApiError::bad(
            "url",
            format!(
                "this server follows streams only from {} (its admin allows more with serve --stream-host), not {host}",
                if allowed.is_empty() { "no host".to_owned() } else { allowed.join(", ") }
            ),
        ));
    }
    if req.max_events == Some(0) {
        return Err(ApiError::bad("max_events", "ask for at least one event"));
    }
    let (cancel, progress) = (Cancel::new(), socialset_engine::Progress::new());
    let id = crate::auth::random_hex(8)?;
    progress.step(format!("connecting to {name}"), 0);
    // One stream per workspace, STREAMS_AT_ONCE on the server.
    let limits = |jobs: &std::collections::HashMap<String, crate::jobs::Live>| {
        let streams = jobs.values().filter(|l| l.job.kind == "follow");
        if streams.clone().any(|l| l.job.workspace == workspace) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("{workspace:?} follows a stream already: cancel that job first"),
                None,
            ));
        }
        if streams.count() >= STREAMS_AT_ONCE {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the server follows {STREAMS_AT_ONCE} streams already: try again when one ends"
                ),
                None,
            ));
        }
        Ok(())
    };
    state.begin_job_if(
        crate::jobs::Live {
            job: Job {
                id: id.clone(),
                workspace: workspace.clone(),
                kind: "follow".into(),
                state: "running".into(),
                created_by: caller.user.clone(),
                created_at: crate::jobs::now(),
                name: Some(name.clone()),
                ..Job::default()
            },
            key: format!("follow|{id}"),
            cancel: cancel.clone(),
            progress: progress.clone(),
        },
        None,
        limits,
    )?;
    let st = state.clone();
    let job_id = id.clone();
    let ws_name = workspace.clone();
    tokio::spawn(async move {
        let store = st.store_path(&ws_name);
        let rejects_dir = st.0.config.data_dir.join("rejects");
        let options = socialset_engine::FollowOptions {
            skip_bad: req.skip_bad.unwrap_or(false),
            rejects_dir: Some(rejects_dir.clone()),
            max_events: req.max_events,
            ..socialset_engine::FollowOptions::new(&req.url)
        };
        let mut observer = StreamProgress(progress, name);
        let result = tokio::task::spawn_blocking(move || {
            Workspace::open(&store)
                .and_then(|w| w.with_cancel(cancel).follow(&options, &mut observer))
        })
        .await;
        let rejects = match &result {
            Ok(Ok(report)) => report
                .import
                .files
                .iter()
                .find_map(|f| f.rejects_path.clone())
                .and_then(|at| {
                    std::fs::rename(&at, rejects_dir.join(format!("{job_id}.jsonl"))).ok()
                })
                .map(|()| format!("/api/workspaces/{ws_name}/imports/{job_id}/rejects")),
            _ => None,
        };
        st.end_job(&job_id, None, |job| match result {
            Ok(Ok(report)) => {
                job.state = "done".into();
                job.records_read = Some(report.import.records_read());
                job.rejected = Some(report.import.rejected());
                job.after = Some(Stats::from(&report.import.after));
                job.rejects = rejects;
                job.result = to_json_value(crate::api::StreamJson::from(&report)).ok();
            }
            Ok(Err(e)) => {
                job.state = "failed".into();
                // A stream's failures (a host that does not answer, a bad event) are the
                // endpoint's, told as they are: they name the endpoint, never a secret.
                job.error = Some(e.to_string());
            }
            Err(e) => {
                job.state = "failed".into();
                job.error = Some(format!("the stream stopped: {e}"));
            }
        });
        st.imports_changed(&ws_name);
    });
    let job = state
        .job(&workspace, &id)?
        .ok_or_else(|| ApiError::internal("a stream just started is missing"))?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// A stream's progress as its job shows it.
struct StreamProgress(socialset_engine::Progress, String);

impl socialset_engine::FollowObserver for StreamProgress {
    fn connecting(&mut self, _url: &str, cursor: Option<u64>) {
        self.0.step(
            match cursor {
                Some(c) => format!("connecting to {}, from cursor {c}", self.1),
                None => format!("connecting to {}, from now", self.1),
            },
            0,
        );
    }

    fn committed(&mut self, events: u64, records: u64, cursor: Option<u64>) {
        self.0.step(
            format!(
                "following {}: {events} events committed ({records} records), cursor {}",
                self.1,
                cursor.map_or_else(|| "none".into(), |c| c.to_string())
            ),
            0,
        );
    }

    fn reconnecting(&mut self, why: &str, wait: std::time::Duration) {
        self.0.step(
            format!(
                "{}: connection lost ({why}); again in {} s",
                self.1,
                wait.as_secs()
            ),
            0,
        );
    }
}

/// An import's progress as its job shows it: bytes of the upload read.
struct UploadProgress(socialset_engine::Progress, String);

impl socialset_engine::ImportObserver for UploadProgress {
    fn file_started(
        &mut self,
        _file: &str,
        format: socialset_engine::Format,
        _reason: Option<&str>,
        total_bytes: u64,
    ) {
        self.0.step(
            format!("reading {} as {}", self.1, format.describe()),
            total_bytes,
        );
    }

    fn progress(&mut self, bytes_read: u64, _records: u64) {
        self.0.set(bytes_read);
    }

    fn committing(&mut self) {
        self.0.step("writing to the store", 0);
    }
}

/// The records an import skipped (with `skip_bad`), one JSON object per line: the line, the
/// field, why, and the record as given. For whoever started the import, and admins.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/imports/{job}/rejects",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("job" = String, Path, description = "The id the import returned"),
    ),
    responses(
        (status = 200, content_type = "application/x-ndjson", description = "The rejected records"),
        (status = 401, body = crate::api::ErrorBody),
        (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn import_rejects(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, job)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let role = member(&state, &caller, &workspace)?;
    let none = || {
        ApiError::not_found(
            "job",
            format!("no rejects of an import {job:?} in {workspace:?}"),
        )
    };
    let found = state.job(&workspace, &job)?.ok_or_else(none)?;
    if found.rejects.is_none() {
        return Err(none());
    }
    starter_or_admin(&found, &caller, role, "read its rejects")?;
    let at = state
        .0
        .config
        .data_dir
        .join("rejects")
        .join(format!("{}.jsonl", found.id));
    let file = tokio::fs::File::open(&at).await.map_err(|_| none())?;
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match tokio::io::AsyncReadExt::read(&mut file, &mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.rejects.jsonl\"", found.id),
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
}

/// Where an import job stands.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/imports/{job}",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("job" = String, Path, description = "The id the import returned"),
    ),
    responses((status = 200, body = Job), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody))
)]
async fn import_job(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, job)): Path<(String, String)>,
) -> Result<Json<Job>, ApiError> {
    member(&state, &caller, &workspace)?;
    state
        .job(&workspace, &job)?
        .filter(|j| j.kind == "import")
        .map(Json)
        .ok_or_else(|| {
            ApiError::not_found("job", format!("no import job {job:?} in {workspace:?}"))
        })
}

/// A computation run as a job: given the workspace (with the job's cancellation flag and
/// progress) and the store's import count it started at, it gives the job's result.
type JobWork = Box<dyn FnOnce(Workspace, u64) -> Result<serde_json::Value, ApiError> + Send>;

fn to_json_value(x: impl serde::Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(x).map_err(ApiError::internal)
}

/// Starts a computation as a job: communities (with stability), a plan, or the whole
/// workspace's audit. It waits its turn with the server's other computations (one at a time
/// per workspace), reports its step and progress, can be cancelled, and stops past the
/// server's time limit. The same work asked again joins the job already running, and once it
/// is done its result is served at once (200) until the workspace's next import, across
/// restarts.
#[utoipa::path(
    post,
    path = "/api/workspaces/{workspace}/jobs",
    params(("workspace" = String, Path, description = "Workspace name")),
    request_body = JobRequest,
    responses(
        (status = 200, body = Job, description = "The same work, done since the last import: its result"),
        (status = 202, body = Job, description = "Started (or joined): poll it"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 503, body = crate::api::ErrorBody, description = "Too many computations wait already"),
    )
)]
async fn create_job(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    body: Result<Json<JobRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    member(&state, &caller, &workspace)?;
    let Json(req) = body.map_err(|e| ApiError::new(e.status(), e.body_text(), Some("body")))?;
    // An audit's pages are served from memory: its result is only reused while they are.
    let mut reuse_done = true;
    let (key, work): (String, JobWork) = match req.kind.as_str() {
        "communities" => {
            let top = req.top.map_or(12, |t| t.min(u64::from(u32::MAX)) as usize);
            let options = community_options(top, req.window_days)?;
            (
                format!("communities|{top}|{:?}", req.window_days),
                Box::new(move |ws, _| {
                    to_json_value(CommunitiesJson::from(&ws.communities(&options)?))
                }),
            )
        }
        "stability" => {
            let days = req
                .window_days
                .ok_or_else(|| ApiError::bad("window_days", "a stability job needs window_days"))?;
            let options = community_options(12, Some(days))?;
            (
                format!("stability|{days:?}"),
                Box::new(move |ws, _| to_json_value(StabilityJson::from(&ws.stability(&options)?))),
            )
        }
        "plan" => {
            let plan = req.plan.ok_or_else(|| {
                ApiError::bad(
                    "plan",
                    "a plan job needs `plan`, as the plans route takes it",
                )
            })?;
            let key = format!("plan|{}", to_json_value(&plan)?);
            let options = plan_options(plan)?;
            (
                key,
                Box::new(move |ws, _| to_json_value(PlanJson::from(&ws.plan(&options)?))),
            )
        }
        "audit" => {
            let imports = state.imports_committed(&workspace).await?;
            reuse_done = lock(&state.0.audits)
                .get(&workspace)
                .is_some_and(|c| c.imports == imports);
            let (st, name) = (state.clone(), workspace.clone());
            (
                "audit".into(),
                Box::new(move |ws, imports| {
                    let report = ws.audit(&AuditOptions {
                        top: AUDIT_BATCH,
                        ..AuditOptions::default()
                    })?;
                    let summary = AuditSummaryJson {
                        accounts: report.accounts_audited,
                        humans: report.humans,
                        publishers: report.publishers,
                        likely_bots: report.likely_bots,
                        too_little_data: report.too_little_data,
                        pods: report.pods.len(),
                    };
                    // Its pages are then served from the cache, as the audit route makes them.
                    remember(&st.0.audits, name, imports, Arc::new(report));
                    to_json_value(summary)
                }),
            )
        }
        other => {
            return Err(ApiError::bad(
                "kind",
                format!("kind is communities, stability, plan or audit, not {other:?}"),
            ))
        }
    };
    let job = NewJob {
        user: &caller.user,
        workspace: &workspace,
        kind: &req.kind,
        key,
        reuse_done,
    };
    start_job(&state, job, work).await
}

/// A computation job about to start: who asks, where, what (`key`: the same for the same
/// work), and whether a result of the same work since the last import may be served instead.
struct NewJob<'a> {
    user: &'a str,
    workspace: &'a str,
    kind: &'a str,
    key: String,
    reuse_done: bool,
}

async fn start_job(
    state: &AppState,
    new: NewJob<'_>,
    work: JobWork,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let NewJob {
        user,
        workspace,
        kind,
        key,
        reuse_done,
    } = new;
    let imports = state.imports_committed(workspace).await?;
    if let Some(job) = state.live_job_of(workspace, &key) {
        return Ok((StatusCode::ACCEPTED, Json(job)));
    }
    if reuse_done {
        if let Some(job) = state.0.jobs_db.done(workspace, &key, imports)? {
            return Ok((StatusCode::OK, Json(job)));
        }
    }
    let place = enter_heavy(state)?;
    let id = crate::auth::random_hex(8)?;
    let (cancel, progress) = (Cancel::new(), socialset_engine::Progress::new());
    progress.step("waiting for its turn", 0);
    let job = Job {
        id: id.clone(),
        workspace: workspace.to_owned(),
        kind: kind.to_owned(),
        state: "queued".into(),
        created_by: user.to_owned(),
        created_at: crate::jobs::now(),
        ..Job::default()
    };
    state.begin_job(
        crate::jobs::Live {
            job,
            key,
            cancel: cancel.clone(),
            progress: progress.clone(),
        },
        Some(imports),
    )?;
    let (st, ws, job_id) = (state.clone(), workspace.to_owned(), id.clone());
    tokio::spawn(async move {
        let (inner_st, inner_ws, inner_id) = (st.clone(), ws.clone(), job_id.clone());
        let result = run_heavy(&st, &ws, place, cancel, move |cancel| {
            inner_st.job_running(&inner_id);
            let w = open_store(&inner_st, &inner_ws)?
                .with_cancel(cancel)
                .with_progress(progress);
            work(w, imports)
        })
        .await;
        st.end_job(&job_id, Some(imports), |job| match result {
            Ok(value) => {
                job.state = "done".into();
                job.result = Some(value);
            }
            Err(_) if job.state == "cancelling" => job.state = "cancelled".into(),
            Err(e) => {
                job.state = "failed".into();
                job.error = Some(e.body.error);
            }
        });
    });
    let job = state
        .job(workspace, &id)?
        .ok_or_else(|| ApiError::internal("a job just started is missing"))?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// The workspace's jobs: those queued or running, then the most recent ones (at most 50, or
/// `limit`), without their results.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/jobs",
    params(("workspace" = String, Path, description = "Workspace name"), PageQuery),
    responses(
        (status = 200, body = Vec<Job>),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn list_jobs(
    State(state): State<AppState>,
    caller: Caller,
    Path(workspace): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Vec<Job>>, ApiError> {
    member(&state, &caller, &workspace)?;
    let (_, limit) = q.bounds()?;
    Ok(Json(state.jobs(&workspace, limit)?))
}

/// The job `id` of `workspace` as it stands, or a 404 naming the field.
fn job_of(state: &AppState, workspace: &str, id: &str) -> Result<Job, ApiError> {
    state
        .job(workspace, id)?
        .ok_or_else(|| ApiError::not_found("job", format!("no job {id:?} in {workspace:?}")))
}

/// Only whoever started `job`, or an admin of its workspace, may `act` on it (cancel it,
/// read its rejects).
fn starter_or_admin(job: &Job, caller: &Caller, role: Role, act: &str) -> Result<(), ApiError> {
    if job.created_by == caller.user || role == Role::Admin {
        return Ok(());
    }
    Err(ApiError::forbidden(format!(
        "only {} (who started it) or an admin of {:?} can {act}",
        job.created_by, job.workspace
    )))
}

/// Where a job stands: its state, step and progress, and once done its result.
#[utoipa::path(
    get,
    path = "/api/workspaces/{workspace}/jobs/{job}",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("job" = String, Path, description = "The id the job was given"),
        ExportQuery,
    ),
    responses(
        (status = 200, body = Job, description = "The job (with format=csv or xlsx, a table of its result as a file: a plan's `social_set` or `professional` members, the `communities` or stability `windows` of communities, the `windows` of a stability job, the `accounts` or `pods` of an audit)"),
        (status = 400, body = crate::api::ErrorBody),
        (status = 401, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
        (status = 409, body = crate::api::ErrorBody),
    )
)]
async fn get_job(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, job)): Path<(String, String)>,
    Query(export): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &workspace)?;
    let job = job_of(&state, &workspace, &job)?;
    // Each kind's tables, and where they are in its result.
    let tables: &[(&'static str, &str)] = match job.kind.as_str() {
        "plan" => &[
            ("social_set", "/social_set/members"),
            ("professional", "/professional/members"),
        ],
        "communities" => &[
            ("communities", "/communities"),
            ("windows", "/stability/windows"),
        ],
        "stability" => &[("windows", "/windows")],
        "audit" => &[("accounts", "/accounts"), ("pods", "/pods")],
        _ => &[],
    };
    let names: Vec<&'static str> = tables.iter().map(|(n, _)| *n).collect();
    let (format, table) = export.parse(&names)?;
    if !format.is_file() {
        return Ok(Json(job).into_response());
    }
    let Some((_, pointer)) = tables.iter().find(|(n, _)| *n == table) else {
        return Err(ApiError::bad(
            "format",
            format!("a {} job has no table to download", job.kind),
        ));
    };
    let result = job.result.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            format!("the job is {}: it has no result to download yet", job.state),
            Some("job"),
        )
    })?;
    let rows = result
        .pointer(pointer)
        .and_then(serde_json::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    crate::export::download(format, &format!("{workspace}-{}-{table}", job.kind), rows)
}

/// Cancels a job (its starter or an admin of the workspace): it stops at its next check,
/// within a second, and ends `cancelled`; an import leaves the store as it was. A job that
/// has ended is returned as it is.
#[utoipa::path(
    delete,
    path = "/api/workspaces/{workspace}/jobs/{job}",
    params(
        ("workspace" = String, Path, description = "Workspace name"),
        ("job" = String, Path, description = "The id the job was given"),
    ),
    responses(
        (status = 200, body = Job),
        (status = 401, body = crate::api::ErrorBody),
        (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody),
    )
)]
async fn cancel_job(
    State(state): State<AppState>,
    caller: Caller,
    Path((workspace, job)): Path<(String, String)>,
) -> Result<Json<Job>, ApiError> {
    let role = member(&state, &caller, &workspace)?;
    starter_or_admin(
        &job_of(&state, &workspace, &job)?,
        &caller,
        role,
        "cancel it",
    )?;
    state.cancel_job(&workspace, &job)?;
    job_of(&state, &workspace, &job).map(Json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn read_work_stops_when_its_client_leaves() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = AppState::open(crate::ServerConfig::new(dir.path())).expect("state");
        let saw_cancel = Arc::new(AtomicBool::new(false));
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let saw = Arc::clone(&saw_cancel);
        let work = read_work(state, move |cancel| {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(30) {
                if cancel.is_cancelled() {
                    saw.store(true, Ordering::SeqCst);
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = done_tx.send(started.elapsed());
            Ok(())
        });
        // The client gives up after 100 ms: its request's future is dropped.
        assert!(tokio::time::timeout(Duration::from_millis(100), work)
            .await
            .is_err());
        let ran =
            tokio::task::spawn_blocking(move || done_rx.recv_timeout(Duration::from_secs(20)))
                .await
                .expect("join")
                .expect("the work ended");
        assert!(
            saw_cancel.load(Ordering::SeqCst),
            "ran {ran:?} without seeing the flag"
        );
        assert!(
            ran < Duration::from_secs(5),
            "ran {ran:?} after its client left"
        );
    }
}
