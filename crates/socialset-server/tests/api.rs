//! The API end to end, in process: authentication, roles and workspaces, imports as jobs,
//! the leaderboard's pages and errors, and the OpenAPI document against the checked-in one;
//! each on SQLite and, when SOCIALSET_TEST_POSTGRES names a server, on PostgreSQL.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use socialset_server::{app, AppState, Role, ServerConfig};
use tower::ServiceExt;

struct Server {
    _dir: tempfile::TempDir,
    app: axum::Router,
    config: ServerConfig,
    ann: String,
    vic: String,
    bob: String,
}

/// A server with three users in two workspaces, keeping them in `database` (PostgreSQL) or
/// in SQLite files.
fn server(database: Option<String>) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = ServerConfig::new(dir.path());
    config.database = database;
    let state = AppState::open(config.clone()).expect("state");
    let auth = state.auth();
    auth.add_user("ann", Some("ann's password"), "acme", Role::Admin)
        .expect("ann");
    auth.add_user("vic", Some("vic's password"), "acme", Role::Viewer)
        .expect("vic");
    auth.add_user("bob", Some("bob's password"), "beta", Role::Analyst)
        .expect("bob");
    let token = |u: &str| auth.create_token(u, false).expect("token");
    let (ann, vic, bob) = (token("ann"), token("vic"), token("bob"));
    Server {
        app: app(state),
        _dir: dir,
        config,
        ann,
        vic,
        bob,
    }
}

/// A server on SQLite configured by `configure`, with one user, ann, admin of acme, whose
/// token stands for all three.
fn one_admin_server(configure: impl FnOnce(&mut ServerConfig)) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = ServerConfig::new(dir.path());
    configure(&mut config);
    let state = AppState::open(config.clone()).expect("state");
    state
        .auth()
        .add_user("ann", Some("ann's password"), "acme", Role::Admin)
        .expect("ann");
    let token = state.auth().create_token("ann", false).expect("token");
    Server {
        app: app(state),
        _dir: dir,
        config,
        ann: token.clone(),
        vic: token.clone(),
        bob: token,
    }
}

impl Server {
    /// Where a workspace's store is, as the CLI would open it.
    fn store_of(&self, workspace: &str) -> std::path::PathBuf {
        self.config.workspace_store(workspace)
    }
}

async fn call(
    s: &Server,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Body,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let resp = s
        .app
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    )
}

/// POSTs a JSON body, as `token` when given.
async fn post_json(s: &Server, uri: &str, token: Option<&str>, body: &str) -> (StatusCode, String) {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let resp = s
        .app
        .clone()
        .oneshot(req.body(Body::from(body.to_owned())).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn get(s: &Server, uri: &str, token: &str) -> (StatusCode, String, axum::http::HeaderMap) {
    call(s, "GET", uri, Some(token), Body::empty()).await
}

/// A fresh PostgreSQL database on the test server (SOCIALSET_TEST_POSTGRES), if there is
/// one; with SOCIALSET_REQUIRE_POSTGRES set, there must be.
fn postgres_database() -> Option<String> {
    let Ok(base) = std::env::var("SOCIALSET_TEST_POSTGRES") else {
        assert!(
            std::env::var("SOCIALSET_REQUIRE_POSTGRES").is_err(),
            "PostgreSQL was required but SOCIALSET_TEST_POSTGRES is not set"
        );
        return None;
    };
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "socialset_api{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    Some(
        socialset_store::recreate_database(&base, &name)
            .unwrap_or_else(|e| panic!("SOCIALSET_TEST_POSTGRES={base}: {e}")),
    )
}

/// Each test on the workspaces' two backends: SQLite files, and schemas of a PostgreSQL
/// database when there is a server to test against.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::server(None)).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    // The database is made with the synchronous client, off the async threads.
                    let db = tokio::task::spawn_blocking(super::postgres_database)
                        .await
                        .expect("making the test database");
                    if let Some(db) = db {
                        super::$name(super::server(Some(db))).await;
                    }
                }
            )*
        }
    };
}

on_both_backends!(
    authentication_roles_and_workspaces,
    imports_run_as_jobs_and_bad_input_changes_nothing,
    archives_are_unpacked_and_errors_name_the_uploaded_archive,
    the_leaderboard_pages_filters_and_names_bad_fields,
    login_sessions_and_rate_limit,
    the_openapi_document_is_the_checked_in_one,
    communities_logout_and_the_dashboard_shell,
    concurrent_imports_into_one_workspace_all_land,
    the_audit_of_an_account,
    the_whole_audit_pods_segments_and_the_community_filter,
    customer_voice_threads_and_filters,
    a_plan_within_its_budget_and_its_bad_requests,
    the_independence_of_an_account,
    groups_with_their_members_and_activity,
    claims_and_how_one_spread,
    disclosure_of_sponsored_posts_and_the_sentiment_of_a_text,
    trust_from_interactions_and_of_one_account,
    tokens_are_listed_revoked_and_ended_by_a_password_change,
    requests_that_cannot_fit_are_refused_naming_their_field,
    csv_cells_are_never_formulas,
    caches_follow_imports_made_beside_the_server,
    a_decompression_bomb_is_refused,
    computations_run_as_jobs_and_their_results_are_kept,
    rejects_are_the_uploaders_to_download_and_errors_name_the_uploaded_file,
    a_campaign_its_links_its_signed_conversions_and_its_report,
);

/// A login from `address` (as the connection's peer), with its status.
async fn login_from(app: &axum::Router, address: &str, user: &str, password: &str) -> StatusCode {
    login_as(app, address, None, user, password).await
}

/// A login from the peer `address`, saying it forwards for `forwarded_for` when given.
async fn login_as(
    app: &axum::Router,
    address: &str,
    forwarded_for: Option<&str>,
    user: &str,
    password: &str,
) -> StatusCode {
    let body = serde_json::json!({"user": user, "password": password}).to_string();
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(client) = forwarded_for {
        req = req.header("x-forwarded-for", client);
    }
    let mut req = req.body(Body::from(body)).expect("request");
    let peer: std::net::SocketAddr = format!("{address}:40000").parse().expect("address");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    app.clone().oneshot(req).await.expect("response").status()
}

#[tokio::test]
async fn concurrent_logins_cannot_pass_the_limit_nor_lock_out_another_address() {
    let s = server(None);
    // Forty attempts at once, the right password last: five are checked, the rest refused,
    // so guessing at once gains nothing (before, all forty were checked).
    let attempts = (0..40).map(|i| {
        let app = s.app.clone();
        let password = if i == 39 {
            "vic's password"
        } else {
            "not it at all"
        };
        tokio::spawn(async move { login_from(&app, "10.1.1.1", "vic", password).await })
    });
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.expect("task"));
    }
    let checked = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 5, "{checked} checked: {statuses:?}");
    assert_eq!(
        login_from(&s.app, "10.1.1.1", "vic", "vic's password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The real vic, elsewhere, is not locked out.
    assert_eq!(
        login_from(&s.app, "10.2.2.2", "vic", "vic's password").await,
        StatusCode::OK
    );
}

async fn tokens_are_listed_revoked_and_ended_by_a_password_change(s: Server) {
    let (status, text, _) = get(&s, "/api/tokens", &s.ann).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let listed = json(&text);
    let id = s
        .ann
        .trim_start_matches("sst_")
        .split('_')
        .next()
        .unwrap_or_default();
    assert!(
        listed
            .as_array()
            .is_some_and(|l| l.iter().any(|t| t["id"] == id)),
        "{listed}"
    );
    assert!(!text.contains(&s.ann), "never a secret");
    // Vic cannot revoke ann's token; ann can.
    let path = format!("/api/tokens/{id}");
    assert_eq!(
        call(&s, "DELETE", &path, Some(&s.vic), Body::empty())
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s, "DELETE", &path, Some(&s.ann), Body::empty())
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        get(&s, "/api/workspaces", &s.ann).await.0,
        StatusCode::UNAUTHORIZED
    );
    // A password change ends every token of the user, the one it was made with too.
    let (status, text) = post_json(
        &s,
        "/api/password",
        Some(&s.vic),
        r#"{"current_password": "wrong!!!!", "new_password": "a new password"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    let (status, text) = post_json(
        &s,
        "/api/password",
        Some(&s.vic),
        r#"{"current_password": "vic's password", "new_password": "short"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(json(&text)["field"], "new_password");
    let (status, text) = post_json(
        &s,
        "/api/password",
        Some(&s.vic),
        r#"{"current_password": "vic's password", "new_password": "a new password"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{text}");
    assert_eq!(
        get(&s, "/api/workspaces", &s.vic).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Members: an admin lists and removes them; a viewer may not.
    assert_eq!(
        get(&s, "/api/workspaces/acme/members", &s.bob).await.0,
        StatusCode::NOT_FOUND
    );
    let new_ann = {
        let (status, text) = post_json(
            &s,
            "/api/login",
            None,
            r#"{"user": "ann", "password": "ann's password"}"#,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        json(&text)["token"].as_str().expect("token").to_owned()
    };
    let (status, text, _) = get(&s, "/api/workspaces/acme/members", &new_ann).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("\"vic\""), "{text}");
    let (status, _, _) = call(
        &s,
        "DELETE",
        "/api/workspaces/acme/members/vic",
        Some(&new_ann),
        Body::empty(),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, text, _) = get(&s, "/api/workspaces/acme/members", &new_ann).await;
    assert!(!text.contains("\"vic\""), "{text}");
}

async fn requests_that_cannot_fit_are_refused_naming_their_field(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    // A budget below the cheapest member: a plain error, at once (it used to sample RR sets
    // without end and take the server's memory).
    let (status, text) = post_json(
        &s,
        "/api/workspaces/acme/plans",
        Some(&s.vic),
        r#"{"budget_eur": 1.0}"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let e = json(&text);
    assert_eq!(e["field"], "budget_eur", "{e}");
    assert!(
        e["error"].as_str().is_some_and(|m| m.contains("cheapest")),
        "{e}"
    );
}

#[tokio::test]
async fn heavy_work_past_its_time_limit_is_stopped() {
    let s = one_admin_server(|config| config.work_time_limit = std::time::Duration::ZERO);
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let (status, text, _) = get(&s, "/api/workspaces/acme/communities", &s.ann).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{text}");
    assert!(
        json(&text)["error"]
            .as_str()
            .is_some_and(|m| m.contains("limit of 0 s")),
        "{text}"
    );
    // Cheap requests are not held back by it.
    assert_eq!(
        get(&s, "/api/workspaces/acme/rank", &s.ann).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn stability_windows_past_the_limit_are_refused() {
    let s = one_admin_server(|config| config.limits.max_windows = 3);
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let (status, text, _) = get(
        &s,
        "/api/workspaces/acme/communities?window_days=0.0001",
        &s.ann,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let e = json(&text);
    assert_eq!(e["field"], "window_days", "{e}");
    assert!(
        e["error"]
            .as_str()
            .is_some_and(|m| m.contains("limit is 3")),
        "{e}"
    );
    // Windows within the limit are answered.
    let (status, text, _) = get(&s, "/api/workspaces/acme/communities?window_days=1", &s.ann).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

async fn csv_cells_are_never_formulas(s: Server) {
    let data = format!(
        "{DATA}{}\n{}\n",
        r#"{"type":"account","id":"tw:x","handle":"=HYPERLINK(\"http://evil.example\",\"x\")","followers":10}"#,
        r#"{"type":"interaction","src":"tw:a","dst":"tw:x","kind":"reply","at":160}"#
    );
    assert_eq!(import(&s, &s.ann, &data).await["state"], "done");
    let (status, text, _) = get(
        &s,
        "/api/workspaces/acme/rank?format=csv&limit=1000&min_engagers=1",
        &s.vic,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("'=HYPERLINK("), "{text}");
    assert!(
        !text
            .lines()
            .any(|l| l.split(',').any(|c| c.trim_matches('"').starts_with('='))),
        "{text}"
    );
}

async fn caches_follow_imports_made_beside_the_server(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let count = |text: &str| json(text)["accounts"].as_array().map_or(0, Vec::len);
    let (_, before, _) = get(
        &s,
        "/api/workspaces/acme/rank?limit=1000&min_engagers=1",
        &s.vic,
    )
    .await;
    assert_eq!(count(&before), 3, "{before}");
    // An import by the CLI, straight into the workspace's store, not through the server.
    let store = s.store_of("acme");
    let file = s._dir.path().join("more.jsonl");
    std::fs::write(
        &file,
        "{\"type\":\"interaction\",\"src\":\"tw:e\",\"dst\":\"tw:d\",\"kind\":\"reply\",\"at\":170}\n",
    )
    .expect("write");
    tokio::task::spawn_blocking(move || {
        socialset_engine::Workspace::open(&store)
            .and_then(|mut w| {
                w.import(
                    &[file],
                    &socialset_engine::ImportOptions::default(),
                    &mut socialset_engine::NoProgress,
                )
            })
            .expect("import beside the server")
    })
    .await
    .expect("task");
    // The server reads a store's import count at most once a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (_, after, _) = get(
        &s,
        "/api/workspaces/acme/rank?limit=1000&min_engagers=1",
        &s.vic,
    )
    .await;
    assert_eq!(count(&after), 4, "the cached ranking was stale: {after}");
}

async fn a_decompression_bomb_is_refused(s: Server) {
    use std::io::Write;
    // 50 MB of one repeated line compresses to about 50 KB: a thousandfold expansion.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let line = "{\"type\":\"account\",\"id\":\"tw:a\",\"handle\":\"anna\"}\n";
    for _ in 0..(50_000_000 / line.len()) {
        gz.write_all(line.as_bytes()).expect("gzip");
    }
    let bytes = gz.finish().expect("gzip");
    let (status, text, _) = call(
        &s,
        "POST",
        "/api/workspaces/acme/imports?name=bomb.jsonl.gz",
        Some(&s.ann),
        Body::from(bytes),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let id = json(&text)["id"].as_str().expect("id").to_owned();
    let job = ended(&s, &s.ann, &format!("/api/workspaces/acme/imports/{id}")).await;
    assert_eq!(job["state"], "failed", "{job}");
    assert!(
        job["error"]
            .as_str()
            .is_some_and(|e| e.contains("decompresses to more than")),
        "{job}"
    );
    // Nothing landed.
    let (status, text, _) = get(&s, "/api/workspaces/acme/stats", &s.ann).await;
    assert!(
        status == StatusCode::NOT_FOUND || json(&text)["accounts"] == 0,
        "{text}"
    );
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

const DATA: &str = "\
{\"type\":\"account\",\"id\":\"tw:a\",\"handle\":\"anna\",\"followers\":900}
{\"type\":\"account\",\"id\":\"tw:b\",\"handle\":\"bruno\",\"followers\":300}
{\"type\":\"account\",\"id\":\"tw:c\",\"handle\":\"carla\",\"followers\":40}
{\"type\":\"account\",\"id\":\"tw:d\",\"handle\":\"dario\",\"followers\":20}
{\"type\":\"interaction\",\"src\":\"tw:b\",\"dst\":\"tw:a\",\"kind\":\"reply\",\"at\":100}
{\"type\":\"interaction\",\"src\":\"tw:c\",\"dst\":\"tw:a\",\"kind\":\"share\",\"at\":110}
{\"type\":\"interaction\",\"src\":\"tw:d\",\"dst\":\"tw:a\",\"kind\":\"reply\",\"at\":120}
{\"type\":\"interaction\",\"src\":\"tw:c\",\"dst\":\"tw:b\",\"kind\":\"reply\",\"at\":130}
{\"type\":\"interaction\",\"src\":\"tw:d\",\"dst\":\"tw:b\",\"kind\":\"like\",\"at\":140}
{\"type\":\"interaction\",\"src\":\"tw:a\",\"dst\":\"tw:c\",\"kind\":\"reply\",\"at\":150}
";

/// Uploads `data` into acme as `token` and waits for the job to end.
async fn import(s: &Server, token: &str, data: &str) -> serde_json::Value {
    let (status, text, _) = call(
        s,
        "POST",
        "/api/workspaces/acme/imports?name=data.jsonl",
        Some(token),
        Body::from(data.to_owned()),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let id = json(&text)["id"].as_str().expect("job id").to_owned();
    ended(s, token, &format!("/api/workspaces/acme/imports/{id}")).await
}

/// Polls the job at `uri` as `token` until it has ended.
async fn ended(s: &Server, token: &str, uri: &str) -> serde_json::Value {
    for _ in 0..1000 {
        let (status, text, _) = get(s, uri, token).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let job = json(&text);
        if !is_live(&job) {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the job at {uri} never ended");
}

fn is_live(job: &serde_json::Value) -> bool {
    ["queued", "running", "cancelling"].contains(&job["state"].as_str().unwrap_or_default())
}

/// Starts the computation `request` as a job in acme as `token`: its status, and the job
/// once it has ended.
async fn run_job(s: &Server, token: &str, request: &str) -> (StatusCode, serde_json::Value) {
    let (status, text) = post_json(s, "/api/workspaces/acme/jobs", Some(token), request).await;
    assert!(
        status == StatusCode::OK || status == StatusCode::ACCEPTED,
        "{status}: {text}"
    );
    let id = json(&text)["id"].as_str().expect("job id").to_owned();
    (
        status,
        ended(s, token, &format!("/api/workspaces/acme/jobs/{id}")).await,
    )
}

async fn authentication_roles_and_workspaces(s: Server) {
    let (status, text, _) = call(&s, "GET", "/health", None, Body::empty()).await;
    assert_eq!(
        (status, json(&text)["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    // Every other route needs a token; the error is JSON.
    for uri in [
        "/api/workspaces",
        "/api/workspaces/acme/stats",
        "/openapi.json",
    ] {
        let (status, text, _) = call(&s, "GET", uri, None, Body::empty()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(json(&text)["error"]
            .as_str()
            .is_some_and(|e| e.contains("Bearer")));
        let (status, _, _) = get(&s, uri, "sst_00_forged").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    let (status, text, _) = get(&s, "/api/workspaces", &s.ann).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json(&text),
        serde_json::json!([{"name": "acme", "role": "admin", "has_data": false}])
    );
    // Who is logged in is asked without a failed request: no one is a 200 too.
    for (token, user) in [
        (None, serde_json::Value::Null),
        (Some(s.ann.as_str()), "ann".into()),
    ] {
        let (status, text, _) = call(&s, "GET", "/api/session", token, Body::empty()).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(json(&text)["user"], user, "{text}");
    }
    let (status, text, _) = get(&s, "/api/session", "sst_00_forged").await;
    assert_eq!(
        (status, json(&text)["user"].clone()),
        (StatusCode::OK, serde_json::Value::Null)
    );
    // Nobody sees a workspace they are not a member of, whether it exists or not.
    for uri in [
        "/api/workspaces/acme/stats",
        "/api/workspaces/nope/stats",
        "/api/workspaces/..%2F/stats",
    ] {
        let (status, text, _) = get(&s, uri, &s.bob).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {text}");
        assert_eq!(json(&text)["field"], "workspace");
    }
    // A viewer cannot import.
    let (status, text, _) = call(
        &s,
        "POST",
        "/api/workspaces/acme/imports",
        Some(&s.vic),
        Body::from(DATA),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(json(&text)["error"]
        .as_str()
        .is_some_and(|e| e.contains("viewer")));
}

async fn imports_run_as_jobs_and_bad_input_changes_nothing(s: Server) {
    // Before any import, reading says so.
    let (status, text, _) = get(&s, "/api/workspaces/acme/stats", &s.vic).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    let job = import(&s, &s.ann, DATA).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["records_read"], 10);
    assert_eq!(job["after"]["accounts"], 4);
    let (status, text, _) = get(&s, "/api/workspaces/acme/stats", &s.vic).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&text)["interactions"], 6);
    // A bad record fails the import, names its line and field, and the store is unchanged.
    let bad = "{\"type\":\"account\",\"id\":\"tw:e\"}\n{\"type\":\"interaction\",\"src\":\"tw:e\",\"dst\":\"tw:d\",\"kind\":\"reply\",\"at\":\"soon\"}\n";
    let job = import(&s, &s.ann, bad).await;
    assert_eq!(job["state"], "failed", "{job}");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(error.contains(":2") && error.contains("at"), "{error}");
    let (_, text, _) = get(&s, "/api/workspaces/acme/stats", &s.ann).await;
    assert_eq!(
        json(&text)["accounts"],
        4,
        "the failed import added nothing"
    );
    // Unknown jobs, and jobs of another workspace, are not found.
    let (status, _, _) = get(&s, "/api/workspaces/acme/imports/123", &s.ann).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A tar.gz holding `files` (name, text).
fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, text) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, text.as_bytes())
            .expect("append");
    }
    b.into_inner().expect("tar").finish().expect("gz")
}

async fn archives_are_unpacked_and_errors_name_the_uploaded_archive(s: Server) {
    let upload = |name: &'static str, body: Vec<u8>| {
        let s = &s;
        async move {
            let uri = format!("/api/workspaces/acme/imports?name={name}");
            let (status, text, _) = call(s, "POST", &uri, Some(&s.ann), Body::from(body)).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{text}");
            let id = json(&text)["id"].as_str().expect("job id").to_owned();
            ended(s, &s.ann, &format!("/api/workspaces/acme/imports/{id}")).await
        }
    };
    let good = tar_gz(&[("export/README.md", "# notes"), ("export/data.jsonl", DATA)]);
    let job = upload("export.tar.gz", good).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["records_read"], 10);
    let bad = "{\"type\":\"account\",\"id\":\"tw:e\"}\n{\"type\":\"account\",\"id\":\"tw:f\",\"followers\":\"many\"}\n";
    let job = upload("mine.tgz", tar_gz(&[("in/bad.jsonl", bad)])).await;
    assert_eq!(job["state"], "failed", "{job}");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("mine.tgz/in/bad.jsonl:2:"), "{error}");
    assert!(!error.contains("upload-"), "no server path: {error}");
    let (_, text, _) = get(&s, "/api/workspaces/acme/stats", &s.ann).await;
    assert_eq!(
        json(&text)["accounts"],
        4,
        "the failed import added nothing"
    );
}

async fn the_leaderboard_pages_filters_and_names_bad_fields(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let get = |uri: String| {
        let s = &s;
        async move { get(s, &uri, &s.vic).await }
    };
    let (status, text, _) = get("/api/workspaces/acme/rank?min_engagers=1".into()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let all = json(&text);
    let n = all["accounts"].as_array().map_or(0, Vec::len);
    assert!(n >= 3, "{all}");
    assert_eq!(all["matching"].as_u64(), Some(n as u64));
    assert_eq!(all["accounts"][0]["id"], "tw:a", "most engaged first");
    assert_eq!(all["accounts"][0]["listed_rank"], 1);
    assert!(
        all["accounts"][0]["percentile"]
            .as_f64()
            .is_some_and(|p| p > 50.0 && p <= 100.0),
        "{all}"
    );
    // By default an account needs 3 engagers (or followers in the data) to be listed; the
    // others are counted, and keep their place among all.
    let (_, text, _) = get("/api/workspaces/acme/rank".into()).await;
    let listed = json(&text);
    assert_eq!(listed["min_engagers"], 3);
    let left_out = listed["left_out_few_engagers"].as_u64().unwrap_or(0);
    assert!(left_out > 0, "{listed}");
    assert_eq!(
        listed["matching"].as_u64().map(|m| m + left_out),
        Some(n as u64),
        "{listed}"
    );
    assert!(listed["accounts"]
        .as_array()
        .is_some_and(|a| a.iter().all(|x| {
            let engaged = x["distinct_engagers"].as_u64().unwrap_or(0);
            engaged + x["followers_in_graph"].as_u64().unwrap_or(0) >= 3
        })));
    // Sorted whole before paging: by engagers, most first; by handle, A to Z; ties by rank.
    let (status, text, _) =
        get("/api/workspaces/acme/rank?min_engagers=1&sort=engagers&limit=1000".into()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let by_engagers = json(&text);
    let key = |a: &serde_json::Value| {
        (
            std::cmp::Reverse(a["distinct_engagers"].as_u64()),
            a["rank"].as_u64(),
        )
    };
    let sorted = by_engagers["accounts"].as_array().expect("accounts");
    assert_eq!(sorted.len(), all["accounts"].as_array().map_or(0, Vec::len));
    assert!(
        sorted.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
        "{text}"
    );
    let (_, text, _) =
        get("/api/workspaces/acme/rank?min_engagers=1&sort=handle&offset=1&limit=2".into()).await;
    let handles: Vec<String> = json(&text)["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["handle"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        handles,
        ["bruno", "carla"],
        "the second page of the list by handle"
    );
    // A page: offset 1, limit 2 is ranks 2 and 3 of the same ranking.
    let (_, text, _) =
        get("/api/workspaces/acme/rank?offset=1&limit=2&min_engagers=1".into()).await;
    let page = json(&text);
    assert_eq!(page["offset"], 1);
    assert_eq!(page["accounts"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["accounts"][0], all["accounts"][1]);
    assert_eq!(page["accounts"][1], all["accounts"][2]);
    // Filters and CSV.
    let (_, text, _) = get("/api/workspaces/acme/rank?tier=native&min_engagers=1".into()).await;
    assert!(json(&text)["accounts"]
        .as_array()
        .is_some_and(|a| a.iter().all(|x| x["native"] == true)));
    let (status, text, headers) =
        get("/api/workspaces/acme/rank?format=csv&limit=2&min_engagers=1".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .is_ok_and(|c| c.starts_with("text/csv")));
    assert!(
        text.starts_with("rank,listed_rank,percentile,id,handle,score"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);
    // Bad values are 400s naming the field.
    for (q, field) in [
        ("limit=abc", "limit"),
        ("limit=5000", "limit"),
        ("offset=-1", "offset"),
        ("tier=giant", "tier"),
        ("format=xml", "format"),
        ("min_engagers=few", "min_engagers"),
        ("sort=size", "sort"),
        ("sort=engagers&order=up", "order"),
        ("by=popularity", "by"),
        ("assume_native_if_unknown=yes", "assume_native_if_unknown"),
    ] {
        let (status, text, _) = get(format!("/api/workspaces/acme/rank?{q}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {text}");
        assert_eq!(json(&text)["field"], field, "{q}");
    }
    // The explanation of an account, and an unknown one.
    let (status, text, _) = get("/api/workspaces/acme/accounts/tw:a/explain".into()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let e = json(&text);
    assert_eq!(e["rank"], 1);
    let shares: f64 = e["engagers"].as_array().map_or(0.0, |a| {
        a.iter().filter_map(|x| x["share_of_score"].as_f64()).sum()
    });
    assert!(
        (shares + e["baseline_share"].as_f64().unwrap_or(0.0) - 1.0).abs() < 1e-6,
        "{e}"
    );
    let (status, text, _) = get("/api/workspaces/acme/accounts/tw:nobody/explain".into()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    assert_eq!(json(&text)["field"], "account");
    // Every ranking says its order; by authority, each place is PageRank's.
    let (_, text, _) = get("/api/workspaces/acme/rank?by=authority&min_engagers=1".into()).await;
    let by_authority = json(&text);
    assert_eq!(by_authority["order"]["order"], "authority");
    assert!(by_authority["accounts"]
        .as_array()
        .is_some_and(|a| a.iter().all(|x| x["rank"] == x["authority_rank"])));
    let (_, text, _) = get("/api/workspaces/acme/accounts/tw:a/explain?by=authority".into()).await;
    assert_eq!(json(&text)["order"]["order"], "authority");
    // An account's standing in the kept default ranking, and an unknown one.
    let (status, text, _) = get("/api/workspaces/acme/accounts/tw:a/standing".into()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let standing = json(&text);
    assert_eq!(standing["id"], "tw:a");
    assert!(standing["rank"].as_u64() >= Some(1));
    assert!(standing["order"]["order"].is_string());
    let (status, text, _) = get("/api/workspaces/acme/accounts/tw:nobody/standing".into()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    // The CSV is the whole list, row for row as the JSON, a file to download.
    let (status, text, headers) = {
        let s = &s;
        call(
            s,
            "GET",
            "/api/workspaces/acme/rank?format=csv&min_engagers=1",
            Some(&s.vic),
            Body::empty(),
        )
        .await
    };
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok()),
        Some("attachment; filename=\"acme-ranking.csv\"")
    );
    let csv_rows = csv_rows(&text);
    let csv_ids: Vec<&str> = csv_rows.iter().map(|r| r["id"].as_str()).collect();
    let json_ids: Vec<&str> = all["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(csv_ids, json_ids);
    // The same list as a spreadsheet workbook.
    let (status, text, headers) = {
        let s = &s;
        call(
            s,
            "GET",
            "/api/workspaces/acme/rank?format=xlsx",
            Some(&s.vic),
            Body::empty(),
        )
        .await
    };
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.starts_with("PK"), "a zip container");
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    // And as Parquet, typed columns for DuckDB, pandas or polars.
    let (status, text, headers) = {
        let s = &s;
        call(
            s,
            "GET",
            "/api/workspaces/acme/rank?format=parquet",
            Some(&s.vic),
            Body::empty(),
        )
        .await
    };
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.starts_with("PAR1") && text.ends_with("PAR1"),
        "a Parquet file"
    );
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/vnd.apache.parquet")
    );
    // The footer (not compressed) names the columns of the JSON rows and the writer.
    for column in ["id", "distinct_engagers", "received.reply", "socialset 0."] {
        assert!(
            text.contains(column),
            "{column} is named in the Parquet footer"
        );
    }
    let (status, text, _) = get("/api/workspaces/acme/rank?format=pdf".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(json(&text)["field"], "format");
    // Hiding bots and organisations, and a language, are filters of the list.
    let (status, text, _) =
        get("/api/workspaces/acme/rank?min_engagers=1&hide=bots,organisations".into()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let hidden = json(&text);
    assert_eq!(
        hidden["matching"].as_u64().unwrap_or_default()
            + hidden["hidden_bots"].as_u64().unwrap_or_default()
            + hidden["hidden_organisations"].as_u64().unwrap_or_default(),
        n as u64,
        "{hidden}"
    );
    let (status, text, _) = get("/api/workspaces/acme/rank?hide=celebrities".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(json(&text)["field"], "hide");
    let (status, text, _) = get("/api/workspaces/acme/rank?lang=it%3Bdrop".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(json(&text)["field"], "lang");
    let (status, text, _) = get("/api/workspaces/acme/rank?min_engagers=1&lang=xx".into()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["matching"], 0, "no profile gives xx");
    // A new import makes the cached ranking stale.
    let more = "{\"type\":\"interaction\",\"src\":\"tw:a\",\"dst\":\"tw:d\",\"kind\":\"reply\",\"at\":200}\n{\"type\":\"interaction\",\"src\":\"tw:b\",\"dst\":\"tw:d\",\"kind\":\"reply\",\"at\":210}\n{\"type\":\"interaction\",\"src\":\"tw:c\",\"dst\":\"tw:d\",\"kind\":\"reply\",\"at\":220}\n";
    assert_eq!(import(&s, &s.ann, more).await["state"], "done");
    let (_, text, _) = get("/api/workspaces/acme/rank".into()).await;
    assert_ne!(json(&text)["engagements"], all["engagements"]);
}

async fn login_sessions_and_rate_limit(s: Server) {
    let login = |user: &str, password: &str| {
        let body = serde_json::json!({"user": user, "password": password}).to_string();
        let s = &s;
        async move {
            let req = Request::builder()
                .method("POST")
                .uri("/api/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .expect("request");
            let resp = s.app.clone().oneshot(req).await.expect("response");
            let status = resp.status();
            let cookie = resp
                .headers()
                .get(header::SET_COOKIE)
                .and_then(|c| c.to_str().ok())
                .map(str::to_owned);
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (status, String::from_utf8_lossy(&bytes).into_owned(), cookie)
        }
    };
    let (status, text, cookie) = login("ann", "ann's password").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    // The cookie alone authenticates.
    let session = cookie.split(';').next().unwrap_or_default().to_owned();
    let req = Request::builder()
        .uri("/api/workspaces")
        .header(header::COOKIE, session)
        .body(Body::empty())
        .expect("request");
    let resp = s.app.clone().oneshot(req).await.expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    // Bad bodies name the body; wrong passwords are 401, then 429 after five.
    let req = Request::builder()
        .method("POST")
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"user\": \"ann\"}"))
        .expect("request");
    let resp = s.app.clone().oneshot(req).await.expect("response");
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let e = json(&String::from_utf8_lossy(&bytes));
    assert_eq!(e["field"], "body");
    assert!(
        e["error"].as_str().is_some_and(|m| m.contains("password")),
        "{e}"
    );
    for _ in 0..5 {
        assert_eq!(
            login("vic", "not it at all").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login("vic", "vic's password").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login("nobody", "whatever it is").await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn the_openapi_document_is_the_checked_in_one(s: Server) {
    let (status, text, _) = get(&s, "/openapi.json", &s.ann).await;
    assert_eq!(status, StatusCode::OK);
    let served = json(&text);
    let generated = json(&socialset_server::openapi_json());
    assert_eq!(served, generated);
    let paths = served["paths"].as_object().expect("paths");
    for p in [
        "/health",
        "/api/login",
        "/api/workspaces",
        "/api/workspaces/{workspace}/stats",
        "/api/workspaces/{workspace}/rank",
        "/api/workspaces/{workspace}/accounts/{account}/explain",
        "/api/workspaces/{workspace}/accounts/{account}/standing",
        "/api/workspaces/{workspace}/communities",
        "/api/workspaces/{workspace}/accounts/{account}/audit",
        "/api/workspaces/{workspace}/ugc",
        "/api/workspaces/{workspace}/plans",
        "/api/logout",
        "/api/workspaces/{workspace}/imports",
        "/api/workspaces/{workspace}/imports/{job}",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the document");
    }
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        !checked_in.is_empty() && json(&checked_in) == generated,
        "docs/openapi.json is not the API the handlers serve: regenerate it with `socialset serve --print-openapi > docs/openapi.json`"
    );
}

async fn communities_logout_and_the_dashboard_shell(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let (status, text, _) = get(&s, "/api/workspaces/acme/communities?top=5", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let c = json(&text);
    let sizes: u64 = c["communities"]
        .as_array()
        .map_or(0, |a| a.iter().filter_map(|x| x["size"].as_u64()).sum());
    assert_eq!(Some(sizes), c["accounts_in_communities"].as_u64(), "{c}");
    assert!(c["links"].is_array());
    let (status, text, _) = get(
        &s,
        "/api/workspaces/acme/communities?window_days=-1",
        &s.vic,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&text)["field"], "window_days");
    // The shell is public and loads nothing from elsewhere; the data behind it is not.
    let (status, html, headers) = call(&s, "GET", "/", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<label for=\"user\">"), "labelled login form");
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .is_ok_and(|p| p.contains("default-src 'self'")));
    for asset in ["/app.js", "/style.css"] {
        assert_eq!(
            call(&s, "GET", asset, None, Body::empty()).await.0,
            StatusCode::OK
        );
    }
    // Logging out ends the token.
    let (status, _, headers) = call(&s, "POST", "/api/logout", Some(&s.vic), Body::empty()).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(headers[header::SET_COOKIE]
        .to_str()
        .is_ok_and(|c| c.contains("Max-Age=0")));
    assert_eq!(
        get(&s, "/api/workspaces", &s.vic).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn concurrent_imports_into_one_workspace_all_land(s: Server) {
    // Eight uploads at once of distinct accounts: each waits its turn, none is lost.
    let uploads = (0..8).map(|i| {
        let data = format!(
            "{{\"type\":\"account\",\"id\":\"tw:x{i}\"}}\n{{\"type\":\"interaction\",\"src\":\"tw:x{i}\",\"dst\":\"tw:hub\",\"kind\":\"reply\",\"at\":{i}}}\n"
        );
        let s = &s;
        async move { import(s, &s.ann, &data).await }
    });
    let jobs = futures_util::future::join_all(uploads).await;
    assert!(jobs.iter().all(|j| j["state"] == "done"), "{jobs:?}");
    let (_, text, _) = get(&s, "/api/workspaces/acme/stats", &s.ann).await;
    let stats = json(&text);
    assert_eq!(stats["interactions"], 8, "{stats}");
    assert_eq!(stats["accounts"], 9, "eight engagers and the hub");
}

#[tokio::test]
async fn uploads_over_the_limit_are_refused() {
    let s = one_admin_server(|config| config.upload_limit = 100);
    let (status, text, _) = call(
        &s,
        "POST",
        "/api/workspaces/acme/imports",
        Some(&s.ann),
        Body::from(DATA),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert_eq!(json(&text)["field"], "body");
    // And JSON bodies are small.
    let big = format!(
        "{{\"user\": \"ann\", \"password\": \"{}\"}}",
        "x".repeat(100_000)
    );
    let req = Request::builder()
        .method("POST")
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(big))
        .expect("request");
    let resp = s.app.clone().oneshot(req).await.expect("response");
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn the_audit_of_an_account(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let (status, text, _) = get(&s, "/api/workspaces/acme/accounts/tw:a/audit", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let a = json(&text);
    assert_eq!(a["id"], "tw:a");
    let p = a["bot_probability"].as_f64().expect("probability");
    assert!((0.0..=1.0).contains(&p), "{a}");
    assert!([
        "likely fake or bot",
        "organisation or publisher",
        "human",
        "too little data"
    ]
    .contains(&a["verdict"].as_str().unwrap_or_default()));
    let (status, text, _) = get(&s, "/api/workspaces/acme/accounts/tw:nobody/audit", &s.vic).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    assert_eq!(json(&text)["field"], "account");
    // Its profile card.
    let (status, text, _) = get(&s, "/api/workspaces/acme/accounts/tw:a/profile", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let p = json(&text);
    assert_eq!(p["id"], "tw:a");
    assert_eq!(p["link"], "https://x.com/anna", "{p}");
    assert_eq!(p["followers"], 900);
    assert!(p["recent_posts"].is_array(), "{p}");
    let (status, text, _) = get(
        &s,
        "/api/workspaces/acme/accounts/tw:nobody/profile",
        &s.vic,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    assert_eq!(json(&text)["field"], "account");
}

/// Five accounts sharing each other's posts within minutes (times in epoch seconds): an
/// engagement pod.
fn pod_data() -> String {
    let mut out = String::new();
    for t in 0..5u32 {
        for (i, src) in (0..5u32).filter(|&x| x != t).enumerate() {
            out.push_str(&format!(
                "{{\"type\":\"interaction\",\"src\":\"tw:p{src}\",\"dst\":\"tw:p{t}\",\"kind\":\"share\",\"at\":{}}}\n",
                u64::from(t) * 86_400 + i as u64 * 60
            ));
        }
    }
    out
}

async fn the_whole_audit_pods_segments_and_the_community_filter(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    assert_eq!(import(&s, &s.ann, &pod_data()).await["state"], "done");

    // The audit of the workspace, a page at a time, most suspicious first.
    let (status, text, _) = get(&s, "/api/workspaces/acme/audit?limit=3", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let a = json(&text);
    assert_eq!(a["accounts_audited"], 9, "{a}");
    let listed = a["accounts"].as_array().expect("accounts");
    assert_eq!(listed.len(), 3, "{a}");
    let (_, text, _) = get(&s, "/api/workspaces/acme/audit?offset=2&limit=1", &s.vic).await;
    assert_eq!(
        json(&text)["accounts"][0]["id"],
        listed[2]["id"],
        "pages agree"
    );
    let (status, text, _) = get(&s, "/api/workspaces/acme/audit?limit=x", &s.vic).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&text)["field"], "limit");

    // The pod, alone and in the audit.
    let (status, text, _) = get(&s, "/api/workspaces/acme/pods", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let pods = json(&text);
    let mut members: Vec<&str> = pods[0]["members"]
        .as_array()
        .unwrap_or_else(|| panic!("a pod: {pods}"))
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    members.sort_unstable();
    assert_eq!(
        members,
        ["tw:p0", "tw:p1", "tw:p2", "tw:p3", "tw:p4"],
        "{pods}"
    );
    assert!(
        pods[0]["fast_share"].as_f64().is_some_and(|f| f > 0.9),
        "{pods}"
    );
    assert_eq!(a["pods"], pods);

    // Segments: every account in one, and the filter.
    let (status, text, _) = get(&s, "/api/workspaces/acme/segments", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let seg = json(&text);
    let total: u64 = seg["by_segment"]
        .as_array()
        .expect("segments")
        .iter()
        .filter_map(|x| x["accounts"].as_u64())
        .sum();
    assert_eq!(total, 9, "{seg}");
    let (_, text, _) = get(
        &s,
        "/api/workspaces/acme/segments?segment=creator&limit=2",
        &s.vic,
    )
    .await;
    let creators = json(&text);
    let page = creators["accounts"].as_array().expect("accounts");
    assert!(!page.is_empty() && page.len() <= 2, "{creators}");
    assert!(page.iter().all(|x| x["segment"] == "creator"), "{creators}");
    let (status, text, _) = get(&s, "/api/workspaces/acme/segments?segment=vip", &s.vic).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&text)["field"], "segment");

    // The leaderboard of one community holds its members only.
    let (_, text, _) = get(&s, "/api/workspaces/acme/communities", &s.vic).await;
    let c = json(&text);
    let pod_community = c["communities"]
        .as_array()
        .expect("communities")
        .iter()
        .find(|x| {
            x["top_members"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["id"] == "tw:p0"))
        })
        .expect("the pod's community")
        .clone();
    let id = &pod_community["id"];
    let (status, text, _) = get(
        &s,
        &format!("/api/workspaces/acme/rank?community={id}"),
        &s.vic,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let r = json(&text);
    let ranked: Vec<&str> = r["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|x| x["id"].as_str())
        .collect();
    assert!(!ranked.is_empty(), "{r}");
    assert!(ranked.iter().all(|id| id.starts_with("tw:p")), "{r}");
    for bad in ["999", "x"] {
        let (status, text, _) = get(
            &s,
            &format!("/api/workspaces/acme/rank?community={bad}"),
            &s.vic,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert_eq!(json(&text)["field"], "community");
    }
    // Pages are cut from a cached audit; a new import makes it stale.
    let newcomer = "{\"type\":\"interaction\",\"src\":\"tw:newcomer\",\"dst\":\"tw:p0\",\"kind\":\"reply\",\"at\":900000}\n";
    assert_eq!(import(&s, &s.ann, newcomer).await["state"], "done");
    let (_, text, _) = get(&s, "/api/workspaces/acme/audit?limit=3", &s.vic).await;
    assert_eq!(json(&text)["accounts_audited"], 10, "{text}");
}

async fn customer_voice_threads_and_filters(s: Server) {
    let posts = "\
{\"type\":\"post\",\"id\":\"tw:q\",\"author\":\"tw:a\",\"text\":\"Qualcuno sa a che ora apre il negozio di via Roma?\"}
{\"type\":\"post\",\"id\":\"tw:r\",\"author\":\"tw:b\",\"text\":\"Apre alle 9, chiude alle 19\",\"reply_to\":\"tw:q\",\"likes\":4}
{\"type\":\"post\",\"id\":\"tw:c\",\"author\":\"tw:c\",\"text\":\"@acme servizio pessimo, il pacco è arrivato rotto\"}
";
    assert_eq!(import(&s, &s.ann, posts).await["state"], "done");
    let (status, text, _) = get(&s, "/api/workspaces/acme/ugc", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let u = json(&text);
    assert_eq!(u["posts"], 3);
    assert_eq!(u["threads"][0]["question"]["post"], "tw:q");
    assert_eq!(u["threads"][0]["best_answer"]["post"], "tw:r");
    let (_, text, _) = get(&s, "/api/workspaces/acme/ugc?kind=complaint", &s.vic).await;
    let c = json(&text);
    assert_eq!(c["matching"], 1, "{c}");
    assert_eq!(c["items"][0]["kind"], "complaint");
    for (q, field) in [
        ("kind=rant", "kind"),
        ("sentiment=angry", "sentiment"),
        ("language=fr", "language"),
        ("top=x", "top"),
    ] {
        let (status, text, _) = get(&s, &format!("/api/workspaces/acme/ugc?{q}"), &s.vic).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {text}");
        assert_eq!(json(&text)["field"], field, "{q}");
    }
}

async fn a_plan_within_its_budget_and_its_bad_requests(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let post = |body: serde_json::Value| {
        let s = &s;
        async move {
            let (status, text) = post_json(
                s,
                "/api/workspaces/acme/plans",
                Some(&s.vic),
                &body.to_string(),
            )
            .await;
            (status, json(&text))
        }
    };
    let (status, p) =
        post(serde_json::json!({"budget_eur": 500.0, "compare_professional": true})).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let cost = p["social_set"]["cost_eur"].as_f64().expect("cost");
    assert!(cost <= 500.0 && cost > 0.0, "{p}");
    let reach = &p["social_set"]["reach"];
    assert!(
        reach["low"].as_f64() <= reach["mean"].as_f64()
            && reach["mean"].as_f64() <= reach["high"].as_f64()
    );
    // The default: reach learned and forecast, its interval's parts said, the nominal
    // audience apart from the observed reach.
    assert_eq!(p["probabilities"], "learned", "{p}");
    assert_eq!(p["learned"]["horizon_days"], 7.0, "{p}");
    assert!(p["social_set"]["forecast"]["sd_outcome"].is_number(), "{p}");
    assert!(p["social_set"]["nominal_audience"].is_u64(), "{p}");
    assert_eq!(p["left_out_unknown_audience"], 0, "{p}");
    let (status, p) = post(serde_json::json!({
        "budget_eur": 500.0, "probabilities": "weighted-cascade", "until": "1970-01-01T00:02:00Z"
    }))
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert!(p["social_set"]["forecast"].is_null(), "{p}");
    for (body, field) in [
        (
            serde_json::json!({"budget_eur": 100.0, "horizon_days": 0.0}),
            "horizon_days",
        ),
        (
            serde_json::json!({"budget_eur": 100.0, "until": "next tuesday"}),
            "until",
        ),
        (serde_json::json!({"budget_eur": -5.0}), "budget_eur"),
        (serde_json::json!({"budget_eur": 100.0, "k": 0}), "k"),
        (
            serde_json::json!({"budget_eur": 100.0, "probabilities": "magic"}),
            "probabilities",
        ),
        (serde_json::json!({"k": 3}), "body"),
    ] {
        let (status, e) = post(body.clone()).await;
        assert!(status.is_client_error(), "{body}: {status}");
        assert_eq!(e["field"], field, "{body}: {e}");
    }
}

async fn disclosure_of_sponsored_posts_and_the_sentiment_of_a_text(s: Server) {
    let posts = "\
{\"type\":\"post\",\"id\":\"tw:s1\",\"author\":\"tw:c\",\"text\":\"#adv Le nuove scarpe sono comodissime\"}
{\"type\":\"post\",\"id\":\"tw:s2\",\"author\":\"tw:c\",\"text\":\"Scarpe stupende, usate il codice sconto ESTATE20\"}
{\"type\":\"post\",\"id\":\"tw:s3\",\"author\":\"tw:d\",\"text\":\"Oggi giornata di sole al parco\"}
";
    assert_eq!(import(&s, &s.ann, posts).await["state"], "done");
    let (status, text, _) = get(&s, "/api/workspaces/acme/disclosure", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let d = json(&text);
    assert_eq!(d["posts_checked"], 3, "{d}");
    assert_eq!(d["sponsored"], 2, "{d}");
    let verdicts: Vec<&str> = d["sponsored_posts"]
        .as_array()
        .expect("posts")
        .iter()
        .filter_map(|p| p["verdict"].as_str())
        .collect();
    assert_eq!(verdicts, ["compliant", "undisclosed"], "{d}");
    assert_eq!(d["accounts"][0]["id"], "tw:c");
    assert_eq!(
        d["accounts"][0]["sponsored"], 2,
        "counts sit beside the id: {d}"
    );
    let (_, text, _) = get(
        &s,
        "/api/workspaces/acme/disclosure?offset=1&limit=1",
        &s.vic,
    )
    .await;
    let page = json(&text);
    assert_eq!(page["sponsored_posts"][0]["post"], "tw:s2", "{page}");
    let (status, text, _) = get(
        &s,
        "/api/workspaces/acme/disclosure?account=tw:nobody",
        &s.vic,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    assert_eq!(json(&text)["field"], "account");

    // One text, classified and scored, by anyone with a token.
    let vic = Some(s.vic.as_str());
    let ask = |body: &'static str, token| post_json(&s, "/api/sentiment", token, body);
    let (status, text) = ask(r#"{"text": "Qualcuno sa a che ora apre il negozio?"}"#, vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let c = json(&text);
    assert_eq!(c["kind"], "question", "{c}");
    assert_eq!(c["language"], "it", "{c}");
    let (_, text) = ask(r#"{"text": "I love this, it is wonderful!"}"#, vic).await;
    let c = json(&text);
    assert_eq!(
        (c["polarity"].as_str(), c["language"].as_str()),
        (Some("positive"), Some("en")),
        "{c}"
    );
    assert!(
        c["drivers"].as_array().is_some_and(|d| !d.is_empty()),
        "{c}"
    );
    // VADER alone on request: it reads "but" as VADER does, both sides at once.
    let but = r#"{"text": "Great camera but terrible battery life", "model": "vader"}"#;
    let (status, text) = ask(but, vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["polarity"], "mixed", "{text}");
    let (status, text) = ask(r#"{"text": "x", "model": "bert"}"#, vic).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let (status, text) = ask(r#"{"txt": 1}"#, vic).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(json(&text)["field"], "body");
    assert_eq!(
        ask(r#"{"text": "x"}"#, None).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn claims_and_how_one_spread(s: Server) {
    let data = "\
{\"type\":\"post\",\"id\":\"x:p1\",\"author\":\"x:a\",\"at\":100,\"text\":\"Read this\",\"urls\":[\"https://www.x.example/a?utm_source=t\"]}
{\"type\":\"post\",\"id\":\"x:p2\",\"author\":\"x:b\",\"at\":200,\"text\":\"Not true\",\"reply_to\":\"x:p1\"}
{\"type\":\"post\",\"id\":\"x:p3\",\"author\":\"x:c\",\"at\":300,\"share_of\":\"x:p1\"}
";
    assert_eq!(import(&s, &s.ann, data).await["state"], "done");
    let w = "/api/workspaces/acme";
    let (status, text, _) = get(&s, &format!("{w}/claims?kind=link"), &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let j = json(&text);
    assert_eq!(j["claims"][0]["id"], "link:x.example/a", "{j}");
    assert_eq!(j["claims"][0]["accounts"], 3);
    assert_eq!(j["claims"][0]["max_breadth"], 2);
    let (status, text, _) = get(&s, &format!("{w}/claim?id=link:x.example/a"), &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let j = json(&text);
    assert_eq!(j["spreaders"][0]["account"], "x:a", "{j}");
    assert_eq!(j["spreaders"][0]["below"], 2);
    for (uri, field) in [
        (format!("{w}/claims?kind=rumour"), "kind"),
        (format!("{w}/claims?top=lots"), "top"),
        (format!("{w}/claims?top=0"), "top"),
        (format!("{w}/claim?id=story"), "id"),
    ] {
        let (status, text, _) = get(&s, &uri, &s.vic).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {text}");
        assert_eq!(json(&text)["field"], field, "{text}");
    }
    let (status, _, _) = get(&s, &format!("{w}/claim?id=tag:none"), &s.vic).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, text, _) = get(&s, &format!("{w}/claims?format=csv"), &s.vic).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("id,kind,label"), "{text}");
}

async fn groups_with_their_members_and_activity(s: Server) {
    let (status, text, _) = get(&s, "/api/workspaces/acme/groups", &s.vic).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "nothing imported yet: {text}"
    );
    // Data without groups has none: an empty list, not an error.
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let (status, text, _) = get(&s, "/api/workspaces/acme/groups", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        (
            json(&text)["total"].as_u64(),
            json(&text)["groups"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
    let data = "\
{\"type\":\"group\",\"id\":\"rd:r/milano\",\"name\":\"r/milano\",\"members\":5400}
{\"type\":\"membership\",\"group\":\"rd:r/milano\",\"account\":\"rd:ann\"}
{\"type\":\"post\",\"id\":\"rd:t3_a\",\"author\":\"rd:ann\",\"text\":\"Aperitivo?\",\"group\":\"rd:r/milano\",\"at\":\"2016-03-01T10:00:00Z\"}
{\"type\":\"post\",\"id\":\"rd:t1_b\",\"author\":\"rd:bob\",\"text\":\"Sì\",\"group\":\"rd:r/milano\",\"reply_to\":\"rd:t3_a\",\"at\":\"2016-03-02T10:00:00Z\"}
{\"type\":\"post\",\"id\":\"rd:t3_c\",\"author\":\"rd:bob\",\"text\":\"Ciao\",\"group\":\"rd:r/torino\"}
";
    assert_eq!(import(&s, &s.ann, data).await["state"], "done");
    let (status, text, _) = get(&s, "/api/workspaces/acme/groups", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let g = json(&text);
    assert_eq!(
        (g["total"].as_u64(), g["posts_in_groups"].as_u64()),
        (Some(2), Some(3)),
        "{g}"
    );
    let milano = &g["groups"][0];
    assert_eq!(milano["id"], "rd:r/milano");
    assert_eq!(milano["members"], 5400);
    assert_eq!(
        (milano["posts"].as_u64(), milano["posters"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(milano["memberships"], 1);
    assert_eq!(
        (milano["first_post"].as_str(), milano["last_post"].as_str()),
        (Some("2016-03-01"), Some("2016-03-02"))
    );
    assert_eq!(
        g["groups"][1]["members"],
        serde_json::Value::Null,
        "unknown, not zero"
    );
    let (status, text, _) = get(&s, "/api/workspaces/acme/groups?top=lots", &s.vic).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&text)["field"], "top");
}

async fn the_independence_of_an_account(s: Server) {
    let posts = "\
{\"type\":\"account\",\"id\":\"tw:acme\",\"handle\":\"acme\",\"is_brand\":true}
{\"type\":\"post\",\"id\":\"tw:p1\",\"author\":\"tw:c\",\"text\":\"Adoro le nuove scarpe di @acme #adv\",\"mentions\":[\"tw:acme\"]}
{\"type\":\"post\",\"id\":\"tw:p2\",\"author\":\"tw:c\",\"text\":\"Oggi giornata di sole al parco\"}
";
    assert_eq!(import(&s, &s.ann, posts).await["state"], "done");
    let (status, text, _) = get(
        &s,
        "/api/workspaces/acme/accounts/tw:c/independence",
        &s.vic,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let i = json(&text);
    assert_eq!(i["posts"], 2, "{i}");
    let score = i["independence"].as_f64().expect("a score");
    assert!(
        (0.0..1.0).contains(&score),
        "a sponsored post lowers it: {i}"
    );
    assert_eq!(i["sponsored"].as_array().map(Vec::len), Some(1), "{i}");
    let (status, text, _) = get(
        &s,
        "/api/workspaces/acme/accounts/tw:zz/independence",
        &s.vic,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    let (_, doc, _) = get(&s, "/openapi.json", &s.vic).await;
    assert!(json(&doc)["paths"].as_object().is_some_and(|p| p
        .contains_key("/api/workspaces/{workspace}/accounts/{account}/independence")
        && p.contains_key("/api/workspaces/{workspace}/plans")
        && p.contains_key("/api/workspaces/{workspace}/ugc")));
}

async fn trust_from_interactions_and_of_one_account(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let (status, text, _) = get(&s, "/api/workspaces/acme/trust", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let t = json(&text);
    assert_eq!(t["source"], "interactions", "no ratings here");
    assert!(t["accounts"].as_array().is_some_and(|a| !a.is_empty()));
    let (status, text, _) = get(&s, "/api/workspaces/acme/trust?account=anna", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let one = json(&text);
    assert_eq!(one["accounts"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["accounts"][0]["id"], "tw:a");
    let (status, text, _) = get(&s, "/api/workspaces/acme/trust?from=ratings", &s.vic).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no ratings to use: {text}"
    );
    let (status, text, _) = get(&s, "/api/workspaces/acme/trust?from=gossip", &s.vic).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&text)["field"], "from");
}

async fn computations_run_as_jobs_and_their_results_are_kept(s: Server) {
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    let (status, job) = run_job(&s, &s.vic, r#"{"kind": "communities", "top": 5}"#).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(
        (job["state"].as_str(), job["kind"].as_str()),
        (Some("done"), Some("communities")),
        "{job}"
    );
    assert_eq!(job["created_by"], "vic");
    assert!(
        job["result"]["n_communities"]
            .as_u64()
            .is_some_and(|n| n >= 1),
        "{job}"
    );
    assert!(
        job["finished_at"]
            .as_i64()
            .is_some_and(|t| t >= job["created_at"].as_i64().unwrap_or(i64::MAX)),
        "{job}"
    );
    // The same work asked again is served from the kept result, until the next import.
    let (status, again) = run_job(&s, &s.ann, r#"{"kind": "communities", "top": 5}"#).await;
    assert_eq!(
        (status, &again["id"]),
        (StatusCode::OK, &job["id"]),
        "{again}"
    );
    let (_, plan) = run_job(
        &s,
        &s.vic,
        r#"{"kind": "plan", "plan": {"budget_eur": 500, "max_followers": 5000}}"#,
    )
    .await;
    assert_eq!(plan["state"], "done", "{plan}");
    assert!(
        plan["result"]["social_set"]["members"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "{plan}"
    );
    let (_, audit) = run_job(&s, &s.vic, r#"{"kind": "audit"}"#).await;
    assert_eq!(audit["state"], "done", "{audit}");
    assert_eq!(audit["result"]["accounts"], 4, "{audit}");
    // Its pages come from what the job made.
    let (status, text, _) = get(&s, "/api/workspaces/acme/audit?limit=2", &s.vic).await;
    assert_eq!(
        (status, json(&text)["accounts_audited"].as_u64()),
        (StatusCode::OK, Some(4)),
        "{text}"
    );
    // A job refused by the engine fails saying why; a plan that buys no one is refused before.
    let (status, text) = post_json(
        &s,
        "/api/workspaces/acme/jobs",
        Some(&s.vic),
        r#"{"kind": "plan", "plan": {"budget_eur": -1}}"#,
    )
    .await;
    assert_eq!(
        (status, json(&text)["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("budget_eur")),
        "{text}"
    );
    let (status, text) = post_json(
        &s,
        "/api/workspaces/acme/jobs",
        Some(&s.vic),
        r#"{"kind": "mine"}"#,
    )
    .await;
    assert_eq!(
        (status, json(&text)["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("kind")),
        "{text}"
    );
    // Listed newest first, without results; an ended job is not cancelled, and only its
    // starter or an admin may ask.
    let (status, text, _) = get(&s, "/api/workspaces/acme/jobs", &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let list = json(&text);
    let kinds: Vec<&str> = list
        .as_array()
        .expect("jobs")
        .iter()
        .filter_map(|j| j["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["audit", "plan", "communities", "import"], "{list}");
    assert!(
        list.as_array()
            .expect("jobs")
            .iter()
            .all(|j| j["result"].is_null()),
        "{list}"
    );
    let id = job["id"].as_str().expect("id");
    let (status, text, _) = call(
        &s,
        "DELETE",
        &format!("/api/workspaces/acme/jobs/{id}"),
        Some(&s.ann),
        Body::empty(),
    )
    .await;
    assert_eq!(
        (status, json(&text)["state"].as_str()),
        (StatusCode::OK, Some("done")),
        "{text}"
    );
    let (status, _, _) = call(
        &s,
        "DELETE",
        &format!("/api/workspaces/acme/jobs/{id}"),
        Some(&s.bob),
        Body::empty(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another workspace's member sees no job"
    );
    // After an import the kept result is stale: the work runs again.
    assert_eq!(
        import(&s, &s.ann, "{\"type\":\"account\",\"id\":\"tw:z\"}\n").await["state"],
        "done"
    );
    let (status, fresh) = run_job(&s, &s.vic, r#"{"kind": "communities", "top": 5}"#).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{fresh}");
    assert_ne!(fresh["id"], job["id"]);
}

async fn rejects_are_the_uploaders_to_download_and_errors_name_the_uploaded_file(s: Server) {
    let bad_line = "{\"type\":\"interaction\",\"src\":\"tw:a\",\"dst\":\"tw:b\",\"kind\":\"reply\",\"at\":\"soon\"}\n";
    let (status, text, _) = call(
        &s,
        "POST",
        "/api/workspaces/acme/imports?name=my-export.jsonl&skip_bad=true",
        Some(&s.ann),
        Body::from(format!("{DATA}{bad_line}")),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let id = json(&text)["id"].as_str().expect("id").to_owned();
    let job = ended(&s, &s.ann, &format!("/api/workspaces/acme/imports/{id}")).await;
    assert_eq!(
        (job["state"].as_str(), job["rejected"].as_u64()),
        (Some("done"), Some(1)),
        "{job}"
    );
    assert_eq!(job["name"], "my-export.jsonl");
    let url = job["rejects"].as_str().expect("a rejects link").to_owned();
    let (status, text, headers) = get(&s, &url, &s.ann).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/x-ndjson");
    let reject = json(text.lines().next().expect("one rejected record"));
    assert_eq!(
        (reject["line"].as_u64(), reject["field"].as_str()),
        (Some(11), Some("at")),
        "{reject}"
    );
    // A viewer who did not upload it cannot read it; nobody outside the workspace sees it.
    assert_eq!(get(&s, &url, &s.vic).await.0, StatusCode::FORBIDDEN);
    assert_eq!(get(&s, &url, &s.bob).await.0, StatusCode::NOT_FOUND);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let at = s
            .config
            .data_dir
            .join("rejects")
            .join(format!("{id}.jsonl"));
        let mode = std::fs::metadata(&at)
            .expect("the rejects file")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "rejects are the server's user's only: {mode:o}"
        );
        // The upload itself is gone.
        assert_eq!(
            std::fs::read_dir(s.config.data_dir.join("uploads"))
                .expect("uploads")
                .count(),
            0
        );
    }
    // A failed import names the file as uploaded, never the server's temp path.
    let (_, text, _) = call(
        &s,
        "POST",
        "/api/workspaces/acme/imports?name=broken.jsonl",
        Some(&s.ann),
        Body::from(bad_line),
    )
    .await;
    let id = json(&text)["id"].as_str().expect("id").to_owned();
    let job = ended(&s, &s.ann, &format!("/api/workspaces/acme/imports/{id}")).await;
    let error = job["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("broken.jsonl:1") && !error.contains("upload-"),
        "{error}"
    );
}

#[tokio::test]
async fn a_job_cancelled_stops_and_changes_nothing_and_a_restart_marks_running_jobs_interrupted() {
    let s = one_admin_server(|_| {});
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    // An upload big enough to be caught while it runs: 300,000 interactions.
    let mut big = String::with_capacity(30 << 20);
    for i in 0..300_000u32 {
        big.push_str(&format!(
            "{{\"type\":\"interaction\",\"src\":\"tw:u{}\",\"dst\":\"tw:a\",\"kind\":\"like\",\"at\":{i}}}\n",
            i % 5000
        ));
    }
    let (status, text, _) = call(
        &s,
        "POST",
        "/api/workspaces/acme/imports?name=big.jsonl",
        Some(&s.ann),
        Body::from(big),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let id = json(&text)["id"].as_str().expect("id").to_owned();
    let (status, text, _) = call(
        &s,
        "DELETE",
        &format!("/api/workspaces/acme/jobs/{id}"),
        Some(&s.ann),
        Body::empty(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let started = std::time::Instant::now();
    let job = ended(&s, &s.ann, &format!("/api/workspaces/acme/imports/{id}")).await;
    assert_eq!(job["state"], "cancelled", "{job}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let (_, text, _) = get(&s, "/api/workspaces/acme/stats", &s.ann).await;
    assert_eq!(
        json(&text)["interactions"],
        6,
        "the cancelled import added nothing"
    );

    // A server that stops while a job runs leaves it so in jobs.db; the next one says
    // `interrupted`, and a job's id never becomes a 404.
    let db = rusqlite::Connection::open(s.config.data_dir.join("jobs.db")).expect("jobs.db");
    let running = serde_json::json!({
        "id": "feedc0de", "workspace": "acme", "kind": "plan", "state": "running",
        "created_by": "ann", "created_at": 1, "bytes": 0
    });
    db.execute(
        "INSERT INTO jobs (id, workspace, key, imports, state, created, job) VALUES ('feedc0de', 'acme', 'plan|x', 1, 'running', 1, ?1)",
        [running.to_string()],
    )
    .expect("insert");
    drop(db);
    std::fs::write(
        s.config.data_dir.join("uploads").join("upload-left.jsonl"),
        "{}",
    )
    .expect("write");
    let restarted = AppState::open(s.config.clone()).expect("restart");
    let s2 = Server {
        app: app(restarted),
        ..s
    };
    let (status, text, _) = get(&s2, "/api/workspaces/acme/jobs/feedc0de", &s2.ann).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let job = json(&text);
    assert_eq!(job["state"], "interrupted", "{job}");
    assert!(
        job["error"]
            .as_str()
            .is_some_and(|e| e.contains("start it again")),
        "{job}"
    );
    assert_eq!(
        std::fs::read_dir(s2.config.data_dir.join("uploads"))
            .expect("uploads")
            .count(),
        0,
        "uploads left by a stopped server are removed"
    );
}

#[tokio::test]
async fn requests_from_another_site_may_not_change_anything() {
    let s = one_admin_server(|_| {});
    let send = |method: &str, uri: &str, headers: &[(&str, &str)]| {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", s.ann))
            .header(header::HOST, "socialset.example:8080");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let app = s.app.clone();
        let req = req
            .body(Body::from("{\"type\":\"account\",\"id\":\"tw:x\"}\n"))
            .expect("request");
        async move { app.oneshot(req).await.expect("response").status() }
    };
    // A page elsewhere posting text/plain (no preflight) in a member's name.
    for headers in [
        &[
            ("origin", "https://evil.example"),
            ("content-type", "text/plain"),
        ][..],
        &[("origin", "null")][..],
        &[("sec-fetch-site", "cross-site")][..],
    ] {
        assert_eq!(
            send("POST", "/api/workspaces/acme/imports?name=x.jsonl", headers).await,
            StatusCode::FORBIDDEN,
            "{headers:?}"
        );
    }
    assert_eq!(
        send(
            "DELETE",
            "/api/workspaces/acme/jobs/abc",
            &[("origin", "http://evil.example")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    // The dashboard itself, scripts without an Origin, and reading from anywhere are served.
    assert_eq!(
        send(
            "POST",
            "/api/workspaces/acme/imports?name=x.jsonl",
            &[("origin", "http://socialset.example:8080")]
        )
        .await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        send("POST", "/api/workspaces/acme/imports?name=x.jsonl", &[]).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        send(
            "GET",
            "/api/workspaces",
            &[("origin", "https://evil.example")]
        )
        .await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn slow_connections_are_closed_and_a_stopped_server_refuses_new_ones() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = ServerConfig::new(dir.path());
    config.header_timeout = std::time::Duration::from_millis(300);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(socialset_server::serve_on(listener, config, async {
        let _ = stopped.await;
    }));
    // Headers that never end (slowloris): the connection is closed, not held.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        slow.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "the slow connection was still open after 5 s");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // A connection idle after its request is closed too.
    let mut idle = tokio::net::TcpStream::connect(addr).await.expect("connect");
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        idle.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "the idle connection was still open after 5 s");
    assert!(
        String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf)
    );
    // Stopped, it ends, and takes no new connection.
    let _ = stop.send(());
    tokio::time::timeout(std::time::Duration::from_secs(5), server)
        .await
        .expect("the server stopped")
        .expect("task")
        .expect("served");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn requests_that_read_a_whole_workspace_wait_in_a_bounded_line() {
    let s = one_admin_server(|config| {
        config.reads_at_once = 1;
        config.reads_queued = 0;
    });
    assert_eq!(import(&s, &s.ann, DATA).await["state"], "done");
    // Fifty explanations at once: each reads the workspace; one runs, the rest are told to
    // come back instead of each holding a copy of the workspace in memory.
    let calls = (0..50).map(|_| get(&s, "/api/workspaces/acme/accounts/tw:a/explain", &s.ann));
    let answers = futures_util::future::join_all(calls).await;
    let ok = answers
        .iter()
        .filter(|(c, _, _)| *c == StatusCode::OK)
        .count();
    let busy: Vec<&String> = answers
        .iter()
        .filter(|(c, _, _)| *c == StatusCode::SERVICE_UNAVAILABLE)
        .map(|(_, t, _)| t)
        .collect();
    assert_eq!(ok + busy.len(), 50, "only 200 or 503");
    assert!(
        ok >= 1 && !busy.is_empty(),
        "{ok} answered, {} refused",
        busy.len()
    );
    assert!(json(busy[0])["error"]
        .as_str()
        .is_some_and(|e| e.contains("try again")));
    // Once the line is free, the same request is answered.
    assert_eq!(
        get(&s, "/api/workspaces/acme/accounts/tw:a/explain", &s.ann)
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn every_error_is_the_documented_json() {
    let s = one_admin_server(|_| {});
    for (method, uri, want) in [
        ("PUT", "/api/workspaces", StatusCode::METHOD_NOT_ALLOWED),
        ("GET", "/api/nothing/here", StatusCode::NOT_FOUND),
        (
            "DELETE",
            "/api/workspaces/acme/stats",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ] {
        let (status, text, headers) = call(&s, method, uri, Some(&s.ann), Body::empty()).await;
        assert_eq!(status, want, "{method} {uri}: {text}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/json",
            "{method} {uri}"
        );
        assert!(
            json(&text)["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{method} {uri}: {text}"
        );
    }
    // The dashboard is still HTML.
    let (status, text, _) = call(&s, "GET", "/", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.starts_with("<!doctype html>") || text.starts_with("<!DOCTYPE html>"),
        "{}",
        &text[..40.min(text.len())]
    );
}

/// A login through a proxy at `proxy`, for the client `forwarded_for`.
async fn login_via(
    app: &axum::Router,
    proxy: &str,
    forwarded_for: &str,
    password: &str,
) -> StatusCode {
    login_as(app, proxy, Some(forwarded_for), "ann", password).await
}

#[tokio::test]
async fn behind_a_trusted_proxy_login_limits_count_the_forwarded_client() {
    let proxy = "10.0.0.7";
    let s = one_admin_server(|config| config.trusted_proxies = vec![proxy.parse().expect("ip")]);
    // One client behind the proxy guesses until it is refused...
    let mut refused = false;
    for i in 0..40 {
        let status = login_via(&s.app, proxy, "203.0.113.9", &format!("guess {i}")).await;
        refused |= status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(refused, "the guessing client is limited");
    // ...and another client behind the same proxy still logs in.
    assert_eq!(
        login_via(&s.app, proxy, "198.51.100.4", "ann's password").await,
        StatusCode::OK
    );
    // From anyone else, the header is ignored: a client cannot pick its own address.
    let direct = one_admin_server(|_| {});
    let mut refused = false;
    for i in 0..40 {
        let status = login_via(
            &direct.app,
            "192.0.2.1",
            &format!("198.51.100.{i}"),
            "wrong",
        )
        .await;
        refused |= status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(
        refused,
        "forged X-Forwarded-For headers do not escape the limit"
    );
}

/// A GET of a tracking link as a browser (or the client `user_agent` names) would send it.
async fn follow(
    s: &Server,
    uri: &str,
    user_agent: &str,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let req = Request::builder()
        .method("GET")
        .uri(uri)
        .header(header::USER_AGENT, user_agent)
        .body(Body::empty())
        .expect("request");
    let resp = s.app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    )
}

/// POSTs a webhook body signed at `t` with `secret` (or with the header given as is).
async fn webhook(
    s: &Server,
    uri: &str,
    signature: Option<String>,
    body: &str,
) -> (StatusCode, String) {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(sig) = signature {
        req = req.header("x-socialset-signature", sig);
    }
    let resp = s
        .app
        .clone()
        .oneshot(req.body(Body::from(body.to_owned())).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn signed(secret: &str, t: i64, body: &str) -> Option<String> {
    Some(format!(
        "t={t},v1={}",
        socialset_server::campaigns::sign(secret, t, body.as_bytes())
    ))
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

async fn a_campaign_its_links_its_signed_conversions_and_its_report(s: Server) {
    const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
    let base = "/api/workspaces/acme/campaigns";
    let campaign = r##"{"name":"summer","brand":"acme","start":"2026-01-01","end":"2099-12-31","budget":1000,"currency":"EUR","destination":"https://shop.example/summer?src=x#buy","hashtags":["acmesummer"],"disclosure":["#adv"]}"##;
    let (status, text) = post_json(&s, base, Some(&s.vic), campaign).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer cannot: {text}");
    let bad = campaign.replace(
        "https://shop.example/summer?src=x#buy",
        "javascript:alert(1)",
    );
    let (status, text) = post_json(&s, base, Some(&s.ann), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(json(&text)["field"], "destination");
    let (status, text) = post_json(&s, base, Some(&s.ann), campaign).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let secret = json(&text)["webhook_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let ended = campaign
        .replace("\"summer\"", "\"spring\"")
        .replace("2099-12-31", "2026-01-02");
    assert_eq!(
        post_json(&s, base, Some(&s.ann), &ended).await.0,
        StatusCode::CREATED
    );
    let (status, text, _) = get(&s, base, &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["campaigns"].as_array().map(Vec::len), Some(2));
    assert!(!text.contains(&secret), "the secret is shown once");

    let members = r#"{"members":[{"account":"tw:ann","role":"native","fee":100,"promo_code":"ann10"},{"account":"tw:bob","role":"professional","fee":900}]}"#;
    let (status, text) =
        post_json(&s, &format!("{base}/summer/members"), Some(&s.ann), members).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let m = json(&text);
    let link_of = |who: &str| {
        m["members"]
            .as_array()
            .expect("members")
            .iter()
            .find(|x| x["account"] == who)
            .and_then(|x| x["link"].as_str())
            .expect("link")
            .to_owned()
    };
    let (ann, bob) = (link_of("tw:ann"), link_of("tw:bob"));
    let (status, text) = post_json(
        &s,
        &format!("{base}/spring/members"),
        Some(&s.ann),
        r#"{"members":[{"account":"tw:cat","role":"native","fee":10}]}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let ended_link = json(&text)["members"][0]["link"]
        .as_str()
        .expect("link")
        .to_owned();
    let (status, text) =
        post_json(&s, &format!("{base}/nope/members"), Some(&s.ann), members).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    let (status, text) = post_json(
        &s,
        &format!("{base}/summer/members"),
        Some(&s.ann),
        r#"{"members":[{"account":"tw:dan","role":"celebrity","fee":1}]}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(json(&text)["field"], "members[0].role");

    // The redirect: UTM parameters and the click id, before the fragment; a query on the
    // link cannot change where it leads.
    let (status, _, headers) =
        follow(&s, &format!("/r/{ann}?to=https://evil.example"), CHROME).await;
    assert_eq!(status, StatusCode::FOUND);
    let location = headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(location.starts_with("https://shop.example/summer?src=x&utm_source=socialset&utm_medium=native-influencer&utm_campaign=summer&utm_content=tw%3Aann&ss_click="), "{location}");
    assert!(location.ends_with("#buy"), "{location}");
    assert!(!location.contains("evil"), "no open redirect");
    let click: i64 = location
        .split("ss_click=")
        .nth(1)
        .and_then(|r| r.split('#').next())
        .and_then(|n| n.parse().ok())
        .expect("click id");
    // The same browser again (a repeat), a link preview, another link.
    assert_eq!(
        follow(&s, &format!("/r/{ann}"), CHROME).await.0,
        StatusCode::FOUND
    );
    assert_eq!(
        follow(&s, &format!("/r/{ann}"), "facebookexternalhit/1.1")
            .await
            .0,
        StatusCode::FOUND
    );
    // Another visitor (another browser) on bob's link.
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    assert_eq!(
        follow(&s, &format!("/r/{bob}"), firefox).await.0,
        StatusCode::FOUND
    );
    let (status, text, headers) = follow(&s, "/r/nosuchcode", CHROME).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .expect("type")
        .starts_with("text/html"));
    assert!(text.contains("unknown or has ended"), "{text}");
    assert_eq!(
        follow(&s, "/r/../../etc", CHROME).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        follow(&s, &format!("/r/{ended_link}"), CHROME).await.0,
        StatusCode::NOT_FOUND,
        "an ended campaign's link"
    );

    // The webhook: signature, stale timestamp, replay, duplicate order, currencies.
    let hook = format!("{base}/summer/conversions");
    let t = unix_now();
    let order = format!(
        r#"{{"order_id":"1001","at":"{}","value":30,"currency":"EUR","click":{click}}}"#,
        t + 60
    );
    assert_eq!(
        webhook(&s, &hook, None, &order).await.0,
        StatusCode::UNAUTHORIZED,
        "unsigned"
    );
    assert_eq!(
        webhook(&s, &hook, signed("wrong secret", t, &order), &order)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, text) = webhook(&s, &hook, signed(&secret, t - 301, &order), &order).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "stale: {text}");
    assert_eq!(json(&text)["field"], "x-socialset-signature");
    let tampered = order.replace("30", "3000");
    assert_eq!(
        webhook(&s, &hook, signed(&secret, t, &order), &tampered)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "a body changed after signing"
    );
    let (status, text) = webhook(&s, &hook, signed(&secret, t, &order), &order).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["added"], 1);
    let (status, text) = webhook(&s, &hook, signed(&secret, t, &order), &order).await;
    assert_eq!(status, StatusCode::OK, "a replay is harmless: {text}");
    assert_eq!(
        (
            json(&text)["added"].as_u64(),
            json(&text)["already_held"].as_u64()
        ),
        (Some(0), Some(1))
    );
    let dollars = r#"[{"order_id":"1002","at":"2026-07-03T10:00:00Z","value":"50","currency":"usd","code":"ANN10"},{"order_id":"1003","at":"2026-07-03T11:00:00Z","value":20,"currency":"EUR"}]"#;
    let (status, text) = webhook(&s, &hook, signed(&secret, t, dollars), dollars).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no rate for USD: {text}"
    );
    assert!(text.contains("USD"), "{text}");
    let (status, text) = webhook(
        &s,
        &format!("{hook}?rate=USD:0.9"),
        signed(&secret, t, dollars),
        dollars,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["added"], 2);
    let broken = r#"[{"order_id":"1004","at":"2026-07-03","value":"lots","currency":"EUR"}]"#;
    let (status, text) = webhook(&s, &hook, signed(&secret, t, broken), broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(json(&text)["field"], "[0].value");
    assert_eq!(
        webhook(
            &s,
            "/api/workspaces/acme/campaigns/nope/conversions",
            signed(&secret, t, &order),
            &order
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    // The report: one visit and one repeat of ann, one preview, one visit of bob; order 1001
    // through ann's click, 1002 by ann's code (45 EUR), 1003 nobody's.
    let (status, text, _) = get(&s, &format!("{base}/summer/report"), &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let r = json(&text);
    assert_eq!(r["clicks"]["requests"], 4, "{}", r["clicks"]);
    assert_eq!(
        (
            r["clicks"]["visits"].as_u64(),
            r["clicks"]["repeats"].as_u64(),
            r["clicks"]["previews"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    let ann_line = r["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|x| x["account"] == "tw:ann")
        .expect("ann")
        .clone();
    assert_eq!(ann_line["figures"]["conversions"], 2);
    assert_eq!(ann_line["figures"]["revenue"], 75.0);
    assert_eq!(ann_line["figures"]["clicks"], 1);
    assert_eq!(r["unclaimed"]["orders"], 1);
    assert!(r["comparison"]["sentence"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    let (status, html, headers) =
        get(&s, &format!("{base}/summer/report?format=html"), &s.vic).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .expect("type")
        .starts_with("text/html"));
    assert!(html.contains("<svg") && html.contains("Natives against professionals"));
    let (status, csv, _) = get(&s, &format!("{base}/summer/report?format=csv"), &s.vic).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("member,role,members,cost"), "{csv}");
    let (status, text, _) = get(&s, &format!("{base}/summer/report?window_days=0"), &s.vic).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(json(&text)["field"], "window_days");
}

/// The cells of `csv` by column name, one map per row.
fn csv_rows(csv: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// Asserts that `csv` holds `rows` (JSON objects) row for row: every field a column of the
/// same name (`parent.child` for a nested one) with the same value, every list of accounts
/// by their handles, or their ids where they have none.
fn same_rows(what: &str, rows: &[serde_json::Value], csv: &str) {
    use serde_json::Value;
    let cells = csv_rows(csv);
    assert_eq!(cells.len(), rows.len(), "{what}: the file's rows");
    fn check(
        what: &str,
        i: usize,
        key: &str,
        v: &Value,
        row: &std::collections::HashMap<String, String>,
    ) {
        if let Value::Object(map) = v {
            for (k, v) in map {
                check(what, i, &format!("{key}.{k}"), v, row);
            }
            return;
        }
        let cell = row
            .get(key)
            .unwrap_or_else(|| panic!("{what}: no column {key}"));
        match v {
            Value::Object(_) => unreachable!("handled above"),
            Value::Null => assert_eq!(cell, "", "{what} row {i} {key}"),
            Value::Bool(b) => assert_eq!(cell, &b.to_string(), "{what} row {i} {key}"),
            Value::Number(n) => {
                let (a, b) = (n.as_f64().expect("a number"), cell.parse::<f64>());
                assert!(
                    b.is_ok_and(|b| b == a),
                    "{what} row {i} {key}: {cell} vs {a}"
                );
            }
            // A text a spreadsheet would run as a formula is written with a leading '.
            Value::String(s) => assert!(
                cell == s || *cell == format!("'{s}"),
                "{what} row {i} {key}: {cell:?} vs {s:?}"
            ),
            Value::Array(items) => {
                let expected: Vec<String> = items
                    .iter()
                    .map(|x| match x {
                        Value::Object(m) => ["handle", "id", "about", "name"]
                            .iter()
                            .find_map(|k| m.get(*k).and_then(Value::as_str))
                            .map_or_else(|| x.to_string(), str::to_owned),
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                assert_eq!(cell, &expected.join("; "), "{what} row {i} {key}");
            }
        }
    }
    for (i, (json_row, row)) in rows.iter().zip(&cells).enumerate() {
        let object = json_row.as_object().expect("a JSON object per row");
        for (key, v) in object {
            check(what, i, key, v, row);
        }
        if object.contains_key("id") && object.contains_key("handle") {
            assert!(row.contains_key("handle"), "{what}: handles beside ids");
        }
    }
}

/// Every row of the JSON list at `pointer` in the answers of `uri`, page after page when the
/// route pages (`paged`).
async fn all_json_rows(
    s: &Server,
    uri: &str,
    pointer: &str,
    paged: bool,
) -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    let sep = if uri.contains('?') { '&' } else { '?' };
    loop {
        let page_uri = if paged {
            format!("{uri}{sep}limit=1000&offset={}", rows.len())
        } else {
            uri.to_owned()
        };
        let (status, text, _) = get(s, &page_uri, &s.vic).await;
        assert_eq!(status, StatusCode::OK, "{page_uri}: {text}");
        let page = json(&text)
            .pointer(pointer)
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_else(|| panic!("{page_uri}: no list at {pointer}"));
        let n = page.len();
        rows.extend(page);
        if !paged || n < 1000 {
            return rows;
        }
    }
}

/// The file a table downloads as, checked to be a download of that format.
async fn table_file(s: &Server, uri: &str, format: &str) -> String {
    let (status, text, headers) = get(s, uri, &s.vic).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {text}");
    let disposition = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        disposition.starts_with("attachment; filename=\"")
            && disposition.ends_with(&format!(".{format}\"")),
        "{uri}: {disposition}"
    );
    if format == "xlsx" {
        assert!(text.starts_with("PK"), "{uri}: an .xlsx is a zip container");
    }
    text
}

/// Every table of the API, on the bundled demo data, as CSV equals its JSON row for row,
/// every row of it (not the page the JSON answers), with handles; and downloads as .xlsx.
#[tokio::test]
async fn every_tables_full_csv_equals_its_json_row_for_row() {
    let s = one_admin_server(|_| {});
    let store = s.store_of("acme");
    tokio::task::spawn_blocking(move || {
        socialset_engine::Workspace::create_demo(&store, &mut socialset_engine::NoProgress)
            .map(|_| ())
    })
    .await
    .expect("task")
    .expect("the demo store");
    let sponsored = "\
{\"type\":\"post\",\"id\":\"tw:s1\",\"author\":\"tw:c\",\"text\":\"#adv Le nuove scarpe sono comodissime\"}
{\"type\":\"post\",\"id\":\"tw:s2\",\"author\":\"tw:c\",\"text\":\"Scarpe stupende, usate il codice sconto ESTATE20\"}
";
    assert_eq!(import(&s, &s.ann, sponsored).await["state"], "done");
    let campaign = r##"{"name":"summer","brand":"acme","start":"2026-01-01","end":"2099-12-31","budget":1000,"currency":"EUR","destination":"https://shop.example/summer","hashtags":[],"disclosure":[]}"##;
    let (status, text) =
        post_json(&s, "/api/workspaces/acme/campaigns", Some(&s.ann), campaign).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let w = "/api/workspaces/acme";
    let top = json(&get(&s, &format!("{w}/rank?limit=1"), &s.vic).await.1)["accounts"][0]["id"]
        .as_str()
        .expect("a ranked account")
        .to_owned();
    // (route, the list in its JSON, whether the JSON pages, table=)
    let tables: Vec<(String, &str, bool, &str)> = vec![
        (format!("{w}/rank?min_engagers=1"), "/accounts", true, ""),
        (
            format!("{w}/rank?tier=native&hide=bots"),
            "/accounts",
            true,
            "",
        ),
        (format!("{w}/audit"), "/accounts", true, "accounts"),
        (format!("{w}/audit"), "/pods", false, "pods"),
        (format!("{w}/pods"), "", false, ""),
        (format!("{w}/segments"), "/accounts", true, ""),
        (
            format!("{w}/segments?segment=creator"),
            "/accounts",
            true,
            "",
        ),
        (format!("{w}/disclosure"), "/sponsored_posts", true, "posts"),
        (format!("{w}/disclosure"), "/accounts", false, "accounts"),
        (format!("{w}/groups?top=0"), "/groups", false, ""),
        (format!("{w}/ugc?top=1000"), "/items", false, "posts"),
        (
            format!("{w}/ugc?kind=question"),
            "/threads",
            false,
            "threads",
        ),
        (format!("{w}/trust?top=1000"), "/accounts", false, ""),
        (format!("{w}/campaigns"), "/campaigns", false, ""),
    ];
    for (uri, pointer, paged, table) in tables {
        let rows = all_json_rows(&s, &uri, pointer, paged).await;
        assert!(
            !rows.is_empty(),
            "{uri} {pointer}: the demo fills every table"
        );
        if uri.ends_with("/audit") && table == "accounts" {
            // The most suspicious thousand carry their reasons, the rest none (Shapley values
            // for every account of a large workspace would take minutes).
            let has_reasons =
                |i: usize| rows[i]["reasons"].as_array().is_some_and(|r| !r.is_empty());
            assert!(
                rows.len() > 1000 && has_reasons(0) && !has_reasons(1000),
                "{}",
                rows.len()
            );
        }
        let sep = if uri.contains('?') { '&' } else { '?' };
        let file = |format: &str| format!("{uri}{sep}format={format}&table={table}");
        let what = format!("{uri} {pointer}");
        same_rows(&what, &rows, &table_file(&s, &file("csv"), "csv").await);
        table_file(&s, &file("xlsx"), "xlsx").await;
    }
    // Paged tables sort whole by any column before the page is cut: every page in order,
    // the same rows as unsorted, empty cells last, and the file in the same order.
    for (uri, pointer, id, column, descending) in [
        (format!("{w}/audit"), "/accounts", "id", "followers", true),
        (
            format!("{w}/audit"),
            "/accounts",
            "id",
            "bot_probability",
            false,
        ),
        (
            format!("{w}/segments"),
            "/accounts",
            "id",
            "consumed",
            false,
        ),
        (
            format!("{w}/disclosure"),
            "/sponsored_posts",
            "post",
            "verdict",
            true,
        ),
    ] {
        let order = if descending { "desc" } else { "asc" };
        let sorted_uri = format!("{uri}?sort={column}&order={order}");
        let sorted = all_json_rows(&s, &sorted_uri, pointer, true).await;
        let plain = all_json_rows(&s, &uri, pointer, true).await;
        let ids = |rows: &[serde_json::Value]| {
            let mut v: Vec<String> = rows.iter().map(|r| r[id].to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(ids(&sorted), ids(&plain), "{sorted_uri}: the same rows");
        let present = sorted.iter().take_while(|r| !r[column].is_null()).count();
        assert!(
            sorted[present..].iter().all(|r| r[column].is_null()),
            "{sorted_uri}: empty cells last"
        );
        assert!(present > 1, "{sorted_uri}: the demo has values to sort");
        let in_order = sorted[..present].windows(2).all(|p| {
            let o = match (p[0][column].as_f64(), p[1][column].as_f64()) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                _ => {
                    let text =
                        |v: &serde_json::Value| v.as_str().unwrap_or_default().to_lowercase();
                    text(&p[0][column]).cmp(&text(&p[1][column]))
                }
            };
            if descending {
                o.is_ge()
            } else {
                o.is_le()
            }
        });
        assert!(in_order, "{sorted_uri}: in order across its pages");
        let file = format!(
            "{sorted_uri}&format=csv&table={}",
            if pointer == "/sponsored_posts" {
                "posts"
            } else {
                "accounts"
            }
        );
        same_rows(&file, &sorted, &table_file(&s, &file, "csv").await);
    }
    for (q, field) in [("sort=size", "sort"), ("sort=followers&order=up", "order")] {
        let (status, text, _) = get(&s, &format!("{w}/audit?{q}"), &s.vic).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {text}");
        assert_eq!(json(&text)["field"], field, "{q}");
    }
    // An account's engagers: the JSON lists the first ones, the file every one.
    let (_, text, _) = get(&s, &format!("{w}/accounts/{top}/explain"), &s.vic).await;
    let e = json(&text);
    let csv = table_file(&s, &format!("{w}/accounts/{top}/explain?format=csv"), "csv").await;
    let listed = e["engagers"].as_array().expect("engagers");
    let total = e["engagers_total"].as_u64().expect("a total") as usize;
    assert!(
        total > listed.len(),
        "the demo's top account has more engagers than listed"
    );
    let every: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(every.len(), total, "every engager");
    let first: String = csv
        .lines()
        .take(listed.len() + 1)
        .collect::<Vec<_>>()
        .join("\n");
    same_rows("explain", listed, &first);
    // A plan's and the communities' tables, from their jobs' results.
    for (request, tables) in [
        (
            r#"{"kind":"plan","plan":{"budget_eur":2000,"compare_professional":true,"probabilities":"engagement"}}"#,
            [
                ("social_set", "/social_set/members"),
                ("professional", "/professional/members"),
            ],
        ),
        (
            r#"{"kind":"communities","top":50}"#,
            [
                ("communities", "/communities"),
                ("communities", "/communities"),
            ],
        ),
        (
            r#"{"kind":"stability","window_days":30}"#,
            [("windows", "/windows"), ("windows", "/windows")],
        ),
    ] {
        let (_, job) = run_job(&s, &s.vic, request).await;
        assert_eq!(job["state"], "done", "{job}");
        let id = job["id"].as_str().expect("job id");
        for (table, pointer) in tables {
            let rows = job["result"]
                .pointer(pointer)
                .and_then(serde_json::Value::as_array)
                .expect("the job's table");
            assert!(!rows.is_empty(), "{request}: {table}: {job}");
            let uri = format!("{w}/jobs/{id}?format=csv&table={table}");
            same_rows(&uri, rows, &table_file(&s, &uri, "csv").await);
        }
    }
    // Tables that do not exist are named.
    let (status, text, _) = get(&s, &format!("{w}/ugc?format=csv&table=people"), &s.vic).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(json(&text)["field"], "table");
}

/// A local Jetstream that sends the fixture's events (one every 5 ms, each connection from
/// the `cursor` it asks for) and then stays open, as a live stream does; its URL.
fn live_jetstream() -> String {
    use std::io::Read;
    let file = std::fs::File::open(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/data/bluesky/jetstream_expected_v1.jsonl.gz"),
    )
    .expect("fixture");
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("gunzip");
    let mut events: Vec<(u64, String)> = text
        .lines()
        .map(|l| (json(l)["time_us"].as_u64().expect("time_us"), l.to_owned()))
        .collect();
    events.sort_by_key(|e| e.0);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let events = events.clone();
            std::thread::spawn(move || {
                let cursor = std::sync::Arc::new(std::sync::Mutex::new(0u64));
                let seen = cursor.clone();
                #[allow(clippy::result_large_err)] // tungstenite's callback signature
                let callback =
                    move |req: &tungstenite::handshake::server::Request,
                          resp: tungstenite::handshake::server::Response| {
                        let c = req
                            .uri()
                            .query()
                            .unwrap_or_default()
                            .split('&')
                            .find_map(|p| p.strip_prefix("cursor=").and_then(|v| v.parse().ok()));
                        *seen.lock().expect("lock") = c.unwrap_or(0);
                        Ok(resp)
                    };
                let Ok(mut ws) = tungstenite::accept_hdr(stream, callback) else {
                    return;
                };
                let from = *cursor.lock().expect("lock");
                for (_, e) in events.iter().filter(|(t, _)| *t >= from) {
                    if ws.send(tungstenite::Message::text(e.clone())).is_err() {
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                // Live: nothing more for now, the connection stays until the client goes.
                while ws.read().is_ok() {}
            });
        }
    });
    format!("ws://127.0.0.1:{port}/subscribe?wantedCollections=app.bsky.feed.post")
}

#[tokio::test]
async fn an_admin_has_the_server_follow_an_allowed_stream_until_cancelled() {
    let s = one_admin_server(|config| config.stream_hosts = vec!["127.0.0.1".into()]);
    let url = live_jetstream();
    let w = "/api/workspaces/acme";
    // Hosts the server was not told to allow are refused before any connection.
    for (body, field) in [
        (r#"{"url":"ws://10.0.0.1/subscribe"}"#.to_owned(), "url"),
        (r#"{"url":"http://127.0.0.1/subscribe"}"#.to_owned(), "url"),
        (format!(r#"{{"url":"{url}","max_events":0}}"#), "max_events"),
    ] {
        let (status, text) = post_json(&s, &format!("{w}/streams"), Some(&s.ann), &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {text}");
        assert_eq!(json(&text)["field"], field, "{text}");
    }
    let body = format!(r#"{{"url":"{url}"}}"#);
    let (status, text) = post_json(&s, &format!("{w}/streams"), Some(&s.ann), &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let job = json(&text);
    assert_eq!(job["kind"], "follow");
    let id = job["id"].as_str().expect("id").to_owned();
    // One stream per workspace.
    let (status, text) = post_json(&s, &format!("{w}/streams"), Some(&s.ann), &body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    // Its batches land while it runs; its step says how far it is.
    let job_uri = format!("{w}/jobs/{id}");
    let mut step = String::new();
    for _ in 0..1000 {
        let (_, text, _) = get(&s, &job_uri, &s.ann).await;
        step = json(&text)["step"].as_str().unwrap_or_default().to_owned();
        if step.contains("152 events committed") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(step.contains("152 events committed"), "{step}");
    let (_, text, _) = get(&s, &format!("{w}/stats"), &s.ann).await;
    assert_eq!(json(&text)["posts"], 32, "{text}");
    // Cancelled, it keeps what it read and says where it stopped.
    let (status, text, _) = call(&s, "DELETE", &job_uri, Some(&s.ann), Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let job = ended(&s, &s.ann, &job_uri).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["result"]["stopped"], "stopped (cancelled)", "{job}");
    assert_eq!(job["result"]["events"], 152, "{job}");
    let cursor = job["result"]["cursor"].as_u64().expect("a cursor");
    // Followed again, it resumes from that cursor.
    let body = format!(r#"{{"url":"{url}","max_events":1}}"#);
    let (status, text) = post_json(&s, &format!("{w}/streams"), Some(&s.ann), &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let id = json(&text)["id"].as_str().expect("id").to_owned();
    let job = ended(&s, &s.ann, &format!("{w}/jobs/{id}")).await;
    assert_eq!(job["result"]["resumed_from_cursor"], cursor, "{job}");
}

#[tokio::test]
async fn only_admins_start_streams_and_only_from_public_jetstreams_by_default() {
    let s = server(None);
    let body = r#"{"url":"wss://jetstream2.us-east.bsky.network/subscribe"}"#;
    // bob is an analyst of beta, vic a viewer of acme.
    for (w, token) in [("beta", &s.bob), ("acme", &s.vic)] {
        let (status, text) = post_json(
            &s,
            &format!("/api/workspaces/{w}/streams"),
            Some(token),
            body,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    }
    let (status, text) = post_json(
        &s,
        "/api/workspaces/acme/streams",
        Some(&s.ann),
        r#"{"url":"ws://127.0.0.1:1/subscribe"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(json(&text)["error"]
        .as_str()
        .is_some_and(|e| e.contains("jetstream2.us-east.bsky.network")));
}
