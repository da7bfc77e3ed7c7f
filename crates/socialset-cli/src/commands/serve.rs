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
    /// tokens stay in DIR/auth.db.
    #[arg(long, env = "SOCIALSET_DATABASE", value_name = "URL", value_parser = postgres_url)]
    db: Option<String>,
    /// Print the OpenAPI document and exit (docs/openapi.json is this).
    #[arg(long)]
    print_openapi: bool,
    #[command(flatten)]
    data: DataArgs,
}

pub fn run(args: Args) -> Result<()> {
    if args.print_openapi {
        println!("{}", socialset_server::openapi_json());
        return Ok(());
    }
    let mut config = ServerConfig::new(&args.data.data);
    config.upload_limit = args.upload_limit.saturating_mul(1 << 20);
    config.database = args.db;
    let runtime = tokio::runtime::Runtime::new().context("starting the server's runtime")?;
    runtime
        .block_on(socialset_server::serve(config, args.addr))
        .with_context(|| format!("serving on {}", args.addr))
}

fn postgres_url(s: &str) -> Result<String, String> {
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        Ok(s.to_owned())
    } else {
        Err("the server's --db is a PostgreSQL URL, postgres://user@host/db (without it, workspaces are SQLite files under --data)".into())
    }
}

/// Manage the users of `socialset serve`.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Debug, clap::Subcommand)]
enum UserAction {
    /// Make NAME a member of a workspace with a role (creating the user, with a password, if
    /// new; giving a password again changes it).
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
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("reading the password from stdin")?;
                Some(line.trim_end_matches(['\n', '\r']).to_owned())
            } else {
                std::env::var("SOCIALSET_PASSWORD").ok()
            };
            data.state()?
                .auth()
                .add_user(&name, password.as_deref(), &workspace, role)?;
            println!("{name} is {} of {workspace}.", role.name());
            Ok(())
        }
    }
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
        #[command(flatten)]
        data: DataArgs,
    },
}

pub fn run_token(args: TokenArgs) -> Result<()> {
    match args.action {
        TokenAction::Create { user, data } => {
            let token = data.state()?.auth().create_token(&user, false)?;
            println!("{token}");
            eprintln!(
                "Keep it secret: it is shown only now. Send it as `Authorization: Bearer TOKEN`."
            );
            Ok(())
        }
    }
}
