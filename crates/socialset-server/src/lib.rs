//! socialset's HTTP API (`socialset serve`): the engine's calls over axum, for the dashboard
//! and for scripts. Each client's data is a workspace (its own store,
//! `DATA/workspaces/NAME.db`); users are members of workspaces as admin, analyst or viewer
//! (`auth.rs`); every route but `/health` and `/api/login` needs a token. The OpenAPI
//! document is generated from the handlers themselves (utoipa), so it cannot drift from them.

pub mod api;
pub mod auth;
pub mod campaigns;
mod export;
mod jobs;
pub mod report_html;
mod routes;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub use auth::{AuthDb, AuthError, LoginLimits, Role, TokenInfo, UserInfo};

use api::ErrorBody;

/// An API error: its status and JSON body.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>, field: Option<&str>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: error.into(),
                field: field.map(str::to_owned),
                request_id: None,
            },
        }
    }

    pub fn bad(field: &str, error: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, Some(field))
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "sign in: send `Authorization: Bearer TOKEN` (socialset token create USER) or log in at /api/login",
            None,
        )
    }

    pub fn forbidden(error: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, error, None)
    }

    pub fn not_found(field: &str, error: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, error, Some(field))
    }

    /// A failure on our side: the client gets a request id to quote, the log the details.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let request_id = auth::random_hex(8).unwrap_or_else(|_| "unknown".to_owned());
        eprintln!("socialset serve: request {request_id} failed: {detail}");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: ErrorBody {
                error: "internal error".into(),
                field: None,
                request_id: Some(request_id),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<socialset_engine::Error> for ApiError {
    fn from(e: socialset_engine::Error) -> Self {
        if matches!(e, socialset_engine::Error::Cancelled) {
            return Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the request ran past the server's time limit for one computation and was stopped",
                None,
            );
        }
        if let socialset_engine::Error::Refused { parameter, message } = &e {
            return Self::new(StatusCode::UNPROCESSABLE_ENTITY, message, Some(parameter));
        }
        if let socialset_engine::Error::NotFound(message) = &e {
            return Self::new(StatusCode::NOT_FOUND, message, None);
        }
        if e.is_user_error() {
            Self::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string(), None)
        } else {
            Self::internal(e)
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Usage(m) => Self::new(StatusCode::BAD_REQUEST, m, None),
            other => Self::internal(other),
        }
    }
}

/// Settings of a server.
#[derive(Clone)]
pub struct ServerConfig {
    /// Holds `auth.db`, `uploads/` and (without `database`) `workspaces/`.
    pub data_dir: PathBuf,
    /// The largest upload accepted, in bytes.
    pub upload_limit: u64,
    /// A PostgreSQL database (postgres://…) to keep the workspaces in, each in its own
    /// schema `ws_NAME`; without it each is an SQLite file, `data_dir/workspaces/NAME.db`.
    pub database: Option<String>,
    /// The most bytes one upload may decompress to; an upload is also refused past
    /// `UPLOAD_EXPANSION` times its own size (a decompression bomb).
    pub max_decompressed_bytes: u64,
    /// The longest one computation (communities, a plan, a workspace's audit) may run before
    /// it is stopped (503).
    pub work_time_limit: std::time::Duration,
    /// Computations that may run at once on the whole server; the rest wait their turn, so
    /// that a core stays free for cheap requests (the cached leaderboard).
    pub heavy_at_once: usize,
    /// Computations that may wait; past them, a 503 asks to come back.
    pub heavy_queued: usize,
    /// Requests that read a workspace's whole data (uncached rankings, an account's
    /// explanation, audit or trust, segments, pods…) at once on the server; each holds a
    /// workspace in memory while it runs.
    pub reads_at_once: usize,
    /// Such requests that may wait; past them, a 503 asks to come back.
    pub reads_queued: usize,
    /// The limits of each computation (the planner's sample, stability windows).
    pub limits: socialset_engine::Limits,
    /// Failed logins allowed per address and user name, and per address.
    pub login_limits: auth::LoginLimits,
    /// Password checks run at once (each holds about 19 MiB while argon2 runs).
    pub password_checks_at_once: usize,
    /// Logins that may wait for a password check; more are told to retry (429).
    pub password_checks_queued: usize,
    /// How long a connection may take to send its headers, or stay idle between requests.
    pub header_timeout: std::time::Duration,
    /// Reverse proxies in front of the server: for requests from them, the client's address
    /// (which the login limits count by) is taken from `X-Forwarded-For`. Without it, every
    /// client behind a proxy shares one address, and 30 failed logins lock everyone out.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The hosts whose Jetstream an admin may have the server follow (POST …/streams): the
    /// server connects to no other, so a workspace cannot point it at the inside of its
    /// network.
    pub stream_hosts: Vec<String>,
}

/// Bluesky's public Jetstream instances: the hosts a server follows by default.
pub const PUBLIC_JETSTREAMS: [&str; 4] = [
    "jetstream1.us-east.bsky.network",
    "jetstream2.us-east.bsky.network",
    "jetstream1.us-west.bsky.network",
    "jetstream2.us-west.bsky.network",
];

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the database URL: it may hold a password.
        f.debug_struct("ServerConfig")
            .field("data_dir", &self.data_dir)
            .field("upload_limit", &self.upload_limit)
            .field("database", &self.database.as_ref().map(|_| "postgres://…"))
            .finish()
    }
}

impl ServerConfig {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_owned(),
            upload_limit: 4 << 30,
            max_decompressed_bytes: 64 << 30,
            work_time_limit: DEFAULT_WORK_TIME_LIMIT,
            heavy_at_once: std::thread::available_parallelism()
                .map_or(1, |n| n.get().saturating_sub(1).max(1)),
            heavy_queued: 16,
            reads_at_once: std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            reads_queued: 64,
            limits: socialset_engine::Limits::default(),
            database: None,
            login_limits: auth::LoginLimits::default(),
            password_checks_at_once: 2,
            password_checks_queued: 32,
            header_timeout: HEADER_TIMEOUT,
            trusted_proxies: Vec::new(),
            stream_hosts: PUBLIC_JETSTREAMS.iter().map(|h| (*h).to_owned()).collect(),
        }
    }

    /// Where `workspace`'s store lives, as `Workspace::open` takes it.
    pub fn workspace_store(&self, workspace: &str) -> PathBuf {
        match &self.database {
            Some(url) => {
                let sep = if url.contains('?') { '&' } else { '?' };
                PathBuf::from(format!("{url}{sep}schema=ws_{workspace}"))
            }
            None => self
                .data_dir
                .join("workspaces")
                .join(format!("{workspace}.db")),
        }
    }
}

/// How long one computation may run by default: the slowest default computation on the
/// Higgs store (a plan under linear threshold, 42 s; docs/LIMITS.md) with room to spare.
pub const DEFAULT_WORK_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// How many times its own size an upload may decompress to: real JSON compresses 5 to 20
/// times, a decompression bomb a thousand.
pub const UPLOAD_EXPANSION: u64 = 100;

/// Turns at something costly (argon2's password checks, heavy computations): `at_once` run,
/// at most `max_in_line` are in line (those running included), and the rest are told to
/// come back instead of holding memory while they wait.
pub(crate) struct Turns {
    slots: Arc<tokio::sync::Semaphore>,
    in_line: Arc<std::sync::atomic::AtomicUsize>,
    max_in_line: usize,
}

/// A place in line, given back when dropped.
pub(crate) struct Place(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A turn: held by the work it was given to (moved into a blocking task, it lasts until the
/// work really ends, even when its request has given up on it).
pub(crate) struct Turn {
    _slot: tokio::sync::OwnedSemaphorePermit,
    _place: Place,
}

impl Turns {
    fn new(at_once: usize, max_in_line: usize) -> Self {
        Self {
            slots: Arc::new(tokio::sync::Semaphore::new(at_once.max(1))),
            in_line: Arc::default(),
            max_in_line: max_in_line.max(at_once),
        }
    }

    /// A place in line, or `None` when the line is full.
    pub(crate) fn enter(&self) -> Option<(Place, &Self)> {
        let before = self
            .in_line
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let place = Place(Arc::clone(&self.in_line));
        (before < self.max_in_line).then_some((place, self))
    }

    /// Waits for a turn for the holder of `place`.
    pub(crate) async fn turn(&self, place: Place) -> Result<Turn, ApiError> {
        let slot = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        Ok(Turn {
            _slot: slot,
            _place: place,
        })
    }
}

/// How long the server trusts the import count it last read from a workspace's store: an
/// import by the CLI beside the server is seen within this; the server's own imports at once.
const IMPORT_COUNT_TTL: std::time::Duration = std::time::Duration::from_secs(1);

type RankKey = (String, String);

/// Engine reports by key, each with the count of imports its workspace's store had committed
/// when it was made, and when it was last used. At most `CACHED_REPORTS` of each kind are
/// kept; the least recently used goes first.
pub(crate) type ReportCache<K, T> = Mutex<HashMap<K, Cached<T>>>;

pub(crate) struct Cached<T> {
    pub(crate) imports: u64,
    pub(crate) used: std::time::Instant,
    pub(crate) report: Arc<T>,
}

/// Reports kept per cache (rankings by filters, audits by workspace): enough for every
/// filter a dashboard offers on a few busy workspaces, few enough to bound memory (a full
/// ranking of 300,000 accounts is about 60 MB).
pub(crate) const CACHED_REPORTS: usize = 32;

/// What the handlers share.
pub struct Inner {
    config: ServerConfig,
    auth: AuthDb,
    /// Jobs queued or running (bounded by the lines for heavy work and for imports).
    jobs: Mutex<HashMap<String, jobs::Live>>,
    jobs_db: jobs::JobsDb,
    /// One import at a time per workspace (SQLite would serialise them anyway; this makes
    /// the second wait instead of failing on a busy store).
    import_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Full rankings by (workspace, filters): pages of the leaderboard are cut from them.
    rankings: ReportCache<RankKey, socialset_engine::RankReport>,
    /// Each workspace's audit; it lists as many accounts as the deepest page asked for so
    /// far, rounded up to `AUDIT_BATCH`.
    audits: ReportCache<String, socialset_engine::AuditReport>,
    /// Communities by (workspace, settings): a Leiden run with restarts is seconds to minutes
    /// on a large workspace, the same until the next import.
    communities: ReportCache<RankKey, socialset_engine::CommunityReport>,
    /// Turns at checking a password (`ServerConfig::password_checks_at_once`).
    verifications: Turns,
    /// Turns at heavy computations (`ServerConfig::heavy_at_once`).
    heavy: Turns,
    /// Turns at reading a workspace's data (`ServerConfig::reads_at_once`).
    reads: Turns,
    /// Each workspace's committed imports as last read from its store, and when.
    import_counts: Mutex<HashMap<String, (u64, std::time::Instant)>>,
    /// One heavy computation at a time per workspace.
    heavy_per_workspace: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Workspaces known to hold data.
    with_data: Mutex<std::collections::HashSet<String>>,
    /// Every workspace's tracking links (`campaigns::Links`).
    links: campaigns::Links,
    /// One thread per workspace storing its clicks.
    click_writers: campaigns::ClickWriters,
    /// The secret visitors' daily keys are made from (`DATA/click-secret`, mode 0600).
    click_secret: Vec<u8>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("config", &self.config)
            .finish()
    }
}

/// The server's secret for visitors' keys: read from `DATA/click-secret`, made (mode 0600) on
/// the first start.
fn click_secret(dir: &std::path::Path) -> Result<Vec<u8>, ApiError> {
    let path = dir.join("click-secret");
    match std::fs::read(&path) {
        Ok(s) if s.len() >= 32 => return Ok(s),
        Ok(_) | Err(_) => {}
    }
    let secret = auth::random_hex(32)
        .map_err(ApiError::internal)?
        .into_bytes();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(&path)
        .map_err(|e| ApiError::internal(format!("creating {}: {e}", path.display())))?;
    std::io::Write::write_all(&mut f, &secret)
        .and_then(|()| f.sync_all())
        .map_err(|e| ApiError::internal(format!("writing {}: {e}", path.display())))?;
    Ok(secret)
}

/// Locks a mutex whose data stays valid even if a holder panicked (plain maps).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The server's state.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// Opens the data directory (creating it, its users' database and its folders).
    pub fn open(config: ServerConfig) -> Result<Self, ApiError> {
        for dir in [
            config.data_dir.clone(),
            config.data_dir.join("workspaces"),
            config.data_dir.join("uploads"),
            config.data_dir.join("rejects"),
        ] {
            std::fs::create_dir_all(&dir)
                .map_err(|e| ApiError::internal(format!("creating {}: {e}", dir.display())))?;
        }
        // Uploads are removed when their import ends; any still here were left by a server
        // that stopped mid-import (their jobs are marked interrupted below).
        let uploads = config.data_dir.join("uploads");
        for entry in std::fs::read_dir(&uploads)
            .map_err(|e| ApiError::internal(format!("reading {}: {e}", uploads.display())))?
            .flatten()
        {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let auth = AuthDb::open(&config.data_dir)?;
        let click_secret = click_secret(&config.data_dir)?;
        let jobs_db = jobs::JobsDb::open(&config.data_dir)?;
        let verifications = Turns::new(
            config.password_checks_at_once,
            config.password_checks_at_once + config.password_checks_queued,
        );
        let heavy = Turns::new(
            config.heavy_at_once,
            config.heavy_at_once + config.heavy_queued,
        );
        let reads = Turns::new(
            config.reads_at_once,
            config.reads_at_once + config.reads_queued,
        );
        Ok(Self(Arc::new(Inner {
            heavy,
            reads,
            import_counts: Mutex::default(),
            heavy_per_workspace: Mutex::default(),
            config,
            auth,
            jobs: Mutex::default(),
            jobs_db,
            import_locks: Mutex::default(),
            audits: Mutex::default(),
            rankings: Mutex::default(),
            communities: Mutex::default(),
            verifications,
            with_data: Mutex::default(),
            links: campaigns::Links::default(),
            click_writers: campaigns::ClickWriters::default(),
            click_secret,
        })))
    }

    /// Notes that `workspace` now has a store (a campaign was created in it).
    fn mark_has_data(&self, workspace: &str) {
        lock(&self.0.with_data).insert(workspace.to_owned());
    }

    pub fn auth(&self) -> &AuthDb {
        &self.0.auth
    }

    fn store_path(&self, workspace: &str) -> PathBuf {
        self.0.config.workspace_store(workspace)
    }

    /// How many imports `workspace`'s store has committed (read at most once per
    /// `IMPORT_COUNT_TTL`): cached reports made at another count are stale.
    async fn imports_committed(&self, workspace: &str) -> Result<u64, ApiError> {
        if let Some(&(n, read)) = lock(&self.0.import_counts).get(workspace) {
            if read.elapsed() < IMPORT_COUNT_TTL {
                return Ok(n);
            }
        }
        let (st, ws) = (self.clone(), workspace.to_owned());
        let n = tokio::task::spawn_blocking(move || {
            Ok::<_, ApiError>(routes::open_store(&st, &ws)?.imports_committed()?)
        })
        .await
        .map_err(ApiError::internal)??;
        lock(&self.0.import_counts).insert(workspace.to_owned(), (n, std::time::Instant::now()));
        Ok(n)
    }

    /// Forgets `workspace`'s import count, after an import by this server.
    fn imports_changed(&self, workspace: &str) {
        lock(&self.0.import_counts).remove(workspace);
    }

    /// Whether anything has been imported into `workspace` (once it has, it stays so: there
    /// is no deleting).
    fn has_data(&self, workspace: &str) -> Result<bool, ApiError> {
        if lock(&self.0.with_data).contains(workspace) {
            return Ok(true);
        }
        let path = self.store_path(workspace);
        let yes = if self.0.config.database.is_some() {
            let counts = socialset_engine::Workspace::open(&path)?.stats()?;
            counts != socialset_engine::Counts::default()
        } else {
            path.exists()
        };
        if yes {
            lock(&self.0.with_data).insert(workspace.to_owned());
        }
        Ok(yes)
    }
}

/// The application: every route, with its OpenAPI document served at `/openapi.json`.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}

/// The OpenAPI document, as JSON (pretty, stable order).
pub fn openapi_json() -> String {
    routes::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// How long a connection may take to send a request's headers, and stay idle between
/// requests: a slow or idle connection holds a socket and a task (200 slow connections were
/// held 70 s before this).
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a request's body may pause between two chunks (a slow upload is fine, a stalled
/// one is not).
pub const BODY_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Connections held at once; past them a new connection is closed at once.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long a stopping server waits for the requests in flight.
pub const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves on `addr` until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(config: ServerConfig, addr: std::net::SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, config, stop_signal()).await
}

/// Ctrl-C, or SIGTERM (what `systemctl stop` and `docker stop` send).
async fn stop_signal() {
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}

/// Serves on `listener` until `stop` completes: each connection must send its headers within
/// `HEADER_TIMEOUT` (and is closed when idle that long between requests), at most
/// `MAX_CONNECTIONS` are held, and on `stop` new connections are refused while those in
/// flight get up to `DRAIN_TIME` to finish.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let header_timeout = config.header_timeout;
    let state = AppState::open(config).map_err(|e| std::io::Error::other(e.body.error))?;
    let router = app(state.clone());
    eprintln!(
        "socialset serve: listening on http://{} (OpenAPI at /openapi.json)",
        listener.local_addr()?
    );
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout);
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors, say: wait for connections to end.
                    eprintln!("socialset serve: accepting a connection: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req
            },
        );
        let connection = graceful.watch(http.serve_connection(
            hyper_util::rt::TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        ));
        tokio::spawn(async move {
            let _slot = slot;
            // A connection that breaks off or times out is the client's affair.
            let _ = connection.await;
        });
    }
    drop(listener);
    // Streams run until stopped: stop them (each commits what it read and ends at its next
    // read, within a second), or the server would wait for them forever.
    state.stop_streams();
    eprintln!(
        "socialset serve: stopping; finishing the requests in flight (at most {} s)",
        DRAIN_TIME.as_secs()
    );
    if tokio::time::timeout(DRAIN_TIME, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!(
            "socialset serve: requests still in flight after {} s were cut",
            DRAIN_TIME.as_secs()
        );
    }
    Ok(())
}
