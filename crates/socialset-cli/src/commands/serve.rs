//! `socialset serve`, `socialset user add` and `socialset token create`: the HTTP API, and the
//! users and tokens that may use it.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, Result};
use socialset_server::{AppState, Role, ServerConfig};

/// Where the server keeps its users (auth.db) and its workspaces (workspaces/NAME.db).
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    #[arg(
        long,
        env = "SOCIALSET_DATA",
        default_value = "socialset-data",
        value_name = "DIR"
    )]
    data: PathBuf,
}

impl DataArgs {
    fn state(&self) -> Result<AppState> {
        AppState::open(ServerConfig::new(&self.data))
            .map_err(|e| anyhow::anyhow!("opening {}: {e:?}", self.data.display()))
    }
}

/// Serve the HTTP API: the engine's calls as JSON, for the dashboard and for scripts.
///
/// Each client's data is a workspace with its own store (DIR/workspaces/NAME.db, or with
/// --db postgres://… the schema ws_NAME of that PostgreSQL database); users are
/// members of workspaces as admin, analyst (may import) or viewer (reads only). Every route
/// but /health and /api/login needs a token: `Authorization: Bearer TOKEN`, or the session
/// cookie /api/login sets. The OpenAPI document is at /openapi.json.
///
///   socialset user add ann --workspace acme --role admin --password-stdin
///   socialset token create ann
///   socialset serve --addr 127.0.0.1:8080
///   curl -H "Authorization: Bearer $TOKEN" localhost:8080/api/workspaces/acme/rank?tier=native
///   curl -H "Authorization: Bearer $TOKEN" --data-binary @posts.jsonl \
///       "localhost:8080/api/workspaces/acme/imports?name=posts.jsonl"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    addr: std::net::SocketAddr,
    /// The largest upload accepted, in megabytes.
    #[arg(long, default_value_t = 4096, value_name = "MB")]
    upload_limit: u64,
    /// Keep the workspaces in this PostgreSQL database (postgres://user[:password]@host/db),
    /// each in its own schema, instead of SQLite files under the data directory. Users and
    /// tokens stay in DIR/auth.db. Without --db, SOCIALSET_DB is read when it is a
    /// postgres:// URL (the store's one variable for every command; the older
    /// SOCIALSET_DATABASE is still read, with a warning).
    #[arg(long, value_name = "URL", value_parser = postgres_url)]
    db: Option<String>,
    /// Print the OpenAPI document and exit (docs/openapi.json is this).
    #[arg(long)]
    print_openapi: bool,
    #[command(flatten)]
    data: DataArgs,
    /// The longest one computation (communities, a plan, a workspace's audit) may run before
    /// it is stopped with a 503.
    #[arg(long, default_value_t = socialset_server::DEFAULT_WORK_TIME_LIMIT.as_secs(), value_name = "SECONDS", help_heading = "Limits")]
    work_seconds: u64,
    /// Computations run at once on the whole server (default: one core fewer than the
    /// machine has, at least one); others wait their turn, one per workspace.
    #[arg(long, value_name = "N", help_heading = "Limits")]
    computations_at_once: Option<usize>,
    #[command(flatten)]
    sample: super::SampleLimit,
    #[command(flatten)]
    windows: super::WindowLimit,
    #[command(flatten)]
    clicks: super::ClickLimit,
    /// A reverse proxy in front of the server (its IP address; repeat for several): the
    /// client's address, which the login limits count by, is then read from the
    /// X-Forwarded-For header it sets. Without it, everyone behind the proxy shares its
    /// address. Never name an address clients can connect from directly.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// A host whose Jetstream an admin may have the server follow (POST
    /// /api/workspaces/W/streams); repeat for several. The server connects to no other host,
    /// so no one can point it inside your network. Default: Bluesky's four public Jetstream
    /// instances (jetstream1/2.us-east/us-west.bsky.network). An IPv6 address with or without
    /// its brackets (::1 or [::1]).
    #[arg(long = "stream-host", value_name = "HOST")]
    stream_hosts: Vec<String>,
}

pub fn run(args: Args) -> Result<()> {
    if args.print_openapi {
        println!("{}", socialset_server::openapi_json());
        return Ok(());
    }
    let mut config = ServerConfig::new(&args.data.data);
    config.upload_limit = args.upload_limit.saturating_mul(1 << 20);
    config.database = match args.db {
        Some(url) => Some(url),
        None => database_from_env()?,
    };
    config.work_time_limit = std::time::Duration::from_secs(args.work_seconds);
    if let Some(n) = args.computations_at_once {
        config.heavy_at_once = n.max(1);
    }
    args.sample.apply(&mut config.limits);
    args.windows.apply(&mut config.limits);
    args.clicks.apply(&mut config.limits);
    config.trusted_proxies = args.trusted_proxies;
    if !args.stream_hosts.is_empty() {
        // An IPv6 literal may be given as a URL writes it, in brackets.
        config.stream_hosts = args
            .stream_hosts
            .iter()
            .map(|h| socialset_engine::bare_host(h).to_owned())
            .collect();
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the server's runtime")?;
    runtime
        .block_on(socialset_server::serve(config, args.addr))
        .with_context(|| format!("serving on {}", args.addr))
}

/// The PostgreSQL database the environment names for the workspaces: SOCIALSET_DB when it is
/// a postgres:// URL (an SQLite path there is a single store for the other commands, not the
/// server's), else the older SOCIALSET_DATABASE, read with a warning.
fn database_from_env() -> Result<Option<String>> {
    if let Some(db) = std::env::var_os("SOCIALSET_DB") {
        let db = db.to_string_lossy();
        if let Ok(url) = postgres_url(&db) {
            return Ok(Some(url));
        }
        eprintln!(
            "note: SOCIALSET_DB={db} is an SQLite store for the other commands; the server keeps \
             each workspace's store under --data (or in PostgreSQL with --db postgres://…)"
        );
    }
    match std::env::var("SOCIALSET_DATABASE") {
        Ok(url) => {
            eprintln!(
                "warning: SOCIALSET_DATABASE is the old name of the store's variable and will go: \
                 name it SOCIALSET_DB"
            );
            postgres_url(&url)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("SOCIALSET_DATABASE: {e}"))
        }
        Err(_) => Ok(None),
    }
}

fn postgres_url(s: &str) -> Result<String, String> {
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        Ok(s.to_owned())
    } else {
        Err("the server's --db is a PostgreSQL URL, postgres://user@host/db (without it, workspaces are SQLite files under --data)".into())
    }
}

/// Manage the users of `socialset serve` (run where the server's data directory is; a
/// running server sees the changes at once).
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Debug, clap::Subcommand)]
enum UserAction {
    /// Make NAME a member of a workspace with a role (creating the user if new).
    ///
    /// A new user needs a password; giving a password again changes it, which ends their
    /// sessions and tokens.
    ///
    ///   echo "$PASSWORD" | socialset user add ann --workspace acme --role admin --password-stdin
    #[command(verbatim_doc_comment)]
    Add {
        name: String,
        /// The workspace (1 to 64 of a-z, 0-9, - and _).
        #[arg(long)]
        workspace: String,
        /// admin, analyst (may import) or viewer (reads only).
        #[arg(long)]
        role: Role,
        /// Read the password from the first line of stdin (else SOCIALSET_PASSWORD, if set).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Every user, with their workspaces and roles and how many live tokens they hold.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: crate::commands::OutputFormat,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Remove NAME: their memberships, sessions and tokens end now. With --workspace, only
    /// their membership of that workspace.
    Remove {
        name: String,
        #[arg(long)]
        workspace: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Change NAME's password (from stdin's first line, else SOCIALSET_PASSWORD): every
    /// session and token of theirs ends.
    Passwd {
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Lift the login limits on NAME (after too many failed logins from an address).
    Unlock {
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

fn read_password(from_stdin: bool) -> Result<Option<String>> {
    if from_stdin {
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            eprint!("Password (it shows as you type; pipe it in to keep it off the screen): ");
        }
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
    } else {
        Ok(std::env::var("SOCIALSET_PASSWORD").ok())
    }
}

/// A day, from Unix seconds.
fn unix_time(seconds: i64) -> String {
    socialset_engine::Timestamp::from_epoch_ms(seconds.saturating_mul(1000))
        .map_or_else(|| seconds.to_string(), socialset_server::api::day)
}

pub fn run_user(args: UserArgs) -> Result<()> {
    match args.action {
        UserAction::Add {
            name,
            workspace,
            role,
            password_stdin,
            data,
        } => {
            let password = read_password(password_stdin)?;
            data.state()?
                .auth()
                .add_user(&name, password.as_deref(), &workspace, role)?;
            println!("{name} is {} of {workspace}.", role.name());
        }
        UserAction::List { format, data } => {
            let users = data.state()?.auth().users()?;
            let rows: Vec<Vec<String>> = users
                .iter()
                .map(|u| {
                    vec![
                        u.name.clone(),
                        u.workspaces
                            .iter()
                            .map(|(w, r)| format!("{w}:{}", r.name()))
                            .collect::<Vec<_>>()
                            .join(" "),
                        u.tokens.to_string(),
                    ]
                })
                .collect();
            let header = ["user", "workspaces", "live_tokens"];
            match format {
                crate::commands::OutputFormat::Table => {
                    println!("{}", crate::output::table(&header, &[], rows));
                }
                crate::commands::OutputFormat::Csv => crate::output::csv(&header, &rows)?,
                crate::commands::OutputFormat::Json => {
                    let json: Vec<serde_json::Value> = users
                        .iter()
                        .map(|u| {
                            serde_json::json!({
                                "user": u.name,
                                "workspaces": u.workspaces.iter()
                                    .map(|(w, r)| serde_json::json!({"workspace": w, "role": r.name()}))
                                    .collect::<Vec<_>>(),
                                "live_tokens": u.tokens,
                            })
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&json)?);
                }
            }
        }
        UserAction::Remove {
            name,
            workspace,
            data,
        } => {
            let state = data.state()?;
            match workspace {
                Some(w) => {
                    state.auth().remove_member(&name, &w)?;
                    println!("{name} is no longer a member of {w}.");
                }
                None => {
                    state.auth().remove_user(&name)?;
                    println!("{name} is removed; their sessions and tokens no longer work.");
                }
            }
        }
        UserAction::Passwd { name, data } => {
            let Some(password) = read_password(std::env::var("SOCIALSET_PASSWORD").is_err())?
            else {
                anyhow::bail!("give the new password on stdin or in SOCIALSET_PASSWORD");
            };
            data.state()?.auth().set_password(&name, &password)?;
            println!("{name}'s password is changed; their sessions and tokens no longer work.");
        }
        UserAction::Unlock { name, data } => {
            let n = data.state()?.auth().unlock(&name)?;
            println!("{name} may log in again ({n} limits lifted).");
        }
    }
    Ok(())
}

/// Manage API tokens.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    action: TokenAction,
}

#[derive(Debug, clap::Subcommand)]
enum TokenAction {
    /// A new API token for USER, printed once (only its digest is stored).
    Create {
        user: String,
        /// The token stops working this many days from now (default: never, until revoked).
        #[arg(long, value_name = "DAYS")]
        expires_days: Option<u32>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// The live tokens (of USER, or everyone's): id, kind, when made, when they expire.
    /// Never their secrets.
    List {
        user: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: crate::commands::OutputFormat,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Revoke a token by its id (the part after `sst_` up to the next `_`, as `list` shows):
    /// it stops working now.
    Revoke {
        id: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

pub fn run_token(args: TokenArgs) -> Result<()> {
    match args.action {
        TokenAction::Create {
            user,
            expires_days,
            data,
        } => {
            let seconds = expires_days.map(|d| i64::from(d) * 86_400);
            let token = data
                .state()?
                .auth()
                .create_token_expiring(&user, false, seconds)?;
            println!("{token}");
            eprintln!(
                "Keep it secret: it is shown only now. Send it as `Authorization: Bearer TOKEN`."
            );
        }
        TokenAction::List { user, format, data } => {
            let tokens = data.state()?.auth().tokens(user.as_deref())?;
            let rows: Vec<Vec<String>> = tokens
                .iter()
                .map(|t| {
                    vec![
                        t.id.clone(),
                        t.user.clone(),
                        t.kind.clone(),
                        unix_time(t.created),
                        t.expires.map_or_else(|| "never".into(), unix_time),
                    ]
                })
                .collect();
            let header = ["id", "user", "kind", "created", "expires"];
            match format {
                crate::commands::OutputFormat::Table => {
                    println!("{}", crate::output::table(&header, &[], rows));
                }
                crate::commands::OutputFormat::Csv => crate::output::csv(&header, &rows)?,
                crate::commands::OutputFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&tokens)?);
                }
            }
        }
        TokenAction::Revoke { id, data } => {
            let id = id.trim().trim_start_matches("sst_");
            let id = id.split('_').next().unwrap_or(id);
            if data.state()?.auth().revoke_id(id, None)? {
                println!("Token {id} is revoked.");
            } else {
                anyhow::bail!("there is no live token {id} (socialset token list)");
            }
        }
    }
    Ok(())
}
