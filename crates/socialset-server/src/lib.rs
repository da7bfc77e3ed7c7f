//! socialset's HTTP API (`socialset serve`): the engine's calls over axum, for the dashboard
//! and for scripts. Each client's data is a workspace (its own store,
//! `DATA/workspaces/NAME.db`); users are members of workspaces as admin, analyst or viewer
//! (`auth.rs`); every route but `/health` and `/api/login` needs a token. The OpenAPI
//! document is generated from the handlers themselves (utoipa), so it cannot drift from them.

pub mod api;
pub mod auth;
mod routes;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub use auth::{AuthDb, AuthError, Role};

use api::{ErrorBody, Job};

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
}

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
            database: None,
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

/// Failed logins a user name may have in `LOGIN_WINDOW` before being refused for its rest.
const LOGIN_ATTEMPTS: u32 = 5;
const LOGIN_WINDOW: std::time::Duration = std::time::Duration::from_secs(300);

type RankKey = (String, String);

/// Engine reports by key, each with the workspace's import generation it was made at.
pub(crate) type ReportCache<K, T> = Mutex<HashMap<K, (u64, Arc<T>)>>;

/// What the handlers share.
pub struct Inner {
    config: ServerConfig,
    auth: AuthDb,
    jobs: Mutex<HashMap<String, Job>>,
    /// One import at a time per workspace (SQLite would serialise them anyway; this makes
    /// the second wait instead of failing on a busy store).
    import_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Each workspace's import generation; cached rankings of older ones are stale.
    generation: Mutex<HashMap<String, u64>>,
    /// Full rankings by (workspace, filters), with the generation they were made at: pages
    /// of the leaderboard are cut from them.
    rankings: ReportCache<RankKey, socialset_engine::RankReport>,
    /// Each workspace's audit, with the generation it was made at; it lists as many
    /// accounts as the deepest page asked for so far, rounded up to `AUDIT_BATCH`.
    audits: ReportCache<String, socialset_engine::AuditReport>,
    login_failures: Mutex<HashMap<String, (u32, std::time::Instant)>>,
    /// Workspaces known to hold data.
    with_data: Mutex<std::collections::HashSet<String>>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("config", &self.config)
            .finish()
    }
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
        ] {
            std::fs::create_dir_all(&dir)
                .map_err(|e| ApiError::internal(format!("creating {}: {e}", dir.display())))?;
        }
        let auth = AuthDb::open(&config.data_dir)?;
        Ok(Self(Arc::new(Inner {
            config,
            auth,
            jobs: Mutex::default(),
            import_locks: Mutex::default(),
            generation: Mutex::default(),
            audits: Mutex::default(),
            rankings: Mutex::default(),
            login_failures: Mutex::default(),
            with_data: Mutex::default(),
        })))
    }

    pub fn auth(&self) -> &AuthDb {
        &self.0.auth
    }

    fn store_path(&self, workspace: &str) -> PathBuf {
        self.0.config.workspace_store(workspace)
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

/// Serves until Ctrl-C.
pub async fn serve(config: ServerConfig, addr: std::net::SocketAddr) -> std::io::Result<()> {
    let state = AppState::open(config).map_err(|e| std::io::Error::other(e.body.error))?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "socialset serve: listening on http://{} (OpenAPI at /openapi.json)",
        listener.local_addr()?
    );
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
