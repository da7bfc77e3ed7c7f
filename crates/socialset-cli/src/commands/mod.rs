//! One module per command; each calls one engine method.

pub mod audit;
pub mod campaign;
pub mod claims;
pub mod communities;
pub mod completions;
pub mod demo;
pub mod disclosure;
pub mod eval;
pub mod eval_bots;
pub mod explain;
pub mod export;
pub mod groups;
pub mod import;
pub mod plan;
pub mod pods;
pub mod profile;
pub mod rank;
pub mod sentiment;
pub mod serve;
pub mod stance;
pub mod stats;
pub mod train_audit;
pub mod trust;
pub mod ugc;

use std::path::PathBuf;

/// Where the store is.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// The store: an SQLite file (created if missing), or a PostgreSQL database as
    /// postgres://user[:password]@host[:port]/database.
    #[arg(long, env = "SOCIALSET_DB", default_value = socialset_engine::DEFAULT_DB, value_name = "PATH")]
    pub db: PathBuf,
}

/// `--out`: a command's rows as a table file, for DuckDB, pandas, polars or a spreadsheet.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Output")]
pub struct OutArgs {
    /// Write every row to PATH instead of printing: Parquet, Arrow IPC, CSV or JSON Lines by
    /// its extension (.parquet, .arrow or .feather, .csv, .jsonl). The columns are the fields
    /// of --format json's rows, nested ones named outer.inner.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

impl OutArgs {
    /// Writes `rows` (a JSON array of objects) to `--out` when it is given, and says so; false
    /// when there is no `--out`.
    pub fn write(&self, what: &str, rows: &serde_json::Value) -> anyhow::Result<bool> {
        let Some(out) = &self.out else {
            return Ok(false);
        };
        let Some(format) = socialset_engine::ExportFormat::of_path(out) else {
            anyhow::bail!(
                "--out {}: name the file .parquet, .arrow (or .feather), .csv or .jsonl, the format it is written in",
                out.display()
            );
        };
        let rows = rows.as_array().map(Vec::as_slice).unwrap_or_default();
        let report = socialset_engine::export_rows(rows, what, format, out)?;
        println!(
            "wrote {} {what} to {} ({}, {} columns)",
            crate::output::thousands(report.rows),
            report.path.display(),
            report.format.as_str(),
            report.columns.len()
        );
        Ok(true)
    }
}

/// The memory the planner's sample may hold (docs/LIMITS.md), for `plan` and `serve`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Limits")]
pub struct SampleLimit {
    /// Memory the planner's reverse-reachable sets may hold, in MiB; past it the plan says
    /// which accuracy (ε) it reached. The largest sample of the real data sets in
    /// docs/LIMITS.md is 130 MiB.
    #[arg(long, env = "SOCIALSET_MAX_SAMPLE_MB", default_value_t = socialset_engine::Limits::default().max_sample_bytes >> 20, value_name = "MIB")]
    pub max_sample_mb: u64,
}

/// The windows a stability analysis may compare (docs/LIMITS.md), for `communities` and
/// `serve`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Limits")]
pub struct WindowLimit {
    /// The most time windows `--window-days` may cut the engagement into (each is a Leiden
    /// run); more are refused before any is run.
    #[arg(long, env = "SOCIALSET_MAX_WINDOWS", default_value_t = socialset_engine::Limits::default().max_windows, value_name = "N")]
    pub max_windows: usize,
}

/// The clicks a campaign report may read (docs/LIMITS.md), for `campaign report` and `serve`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Limits")]
pub struct ClickLimit {
    /// The most clicks a campaign report reads (about 200 bytes each while it works); a
    /// campaign holding more is refused before any is read.
    #[arg(long, env = "SOCIALSET_MAX_CAMPAIGN_CLICKS", default_value_t = socialset_engine::Limits::default().max_campaign_clicks, value_name = "N")]
    pub max_campaign_clicks: u64,
}

impl ClickLimit {
    pub fn apply(&self, limits: &mut socialset_engine::Limits) {
        limits.max_campaign_clicks = self.max_campaign_clicks;
    }
}

impl SampleLimit {
    pub fn apply(&self, limits: &mut socialset_engine::Limits) {
        limits.max_sample_bytes = self.max_sample_mb.saturating_mul(1 << 20);
    }
}

impl WindowLimit {
    pub fn apply(&self, limits: &mut socialset_engine::Limits) {
        limits.max_windows = self.max_windows;
    }
}

impl StoreArgs {
    /// `open_existing` with `limits`, its long calls reporting to the returned `Progress` (for
    /// `crate::progress::watch`).
    pub fn open_watched(
        &self,
        limits: socialset_engine::Limits,
    ) -> anyhow::Result<(socialset_engine::Workspace, socialset_engine::Progress)> {
        let progress = socialset_engine::Progress::new();
        let ws = self
            .open_existing()?
            .with_limits(limits)
            .with_progress(progress.clone());
        Ok((ws, progress))
    }

    /// Opens a store that must exist already (for commands that only read).
    pub fn open_existing(&self) -> anyhow::Result<socialset_engine::Workspace> {
        if !self.db.exists() && !socialset_engine::Workspace::is_database_url(&self.db) {
            anyhow::bail!(
                "{} does not exist: import some data first (socialset import FILE...), try `socialset demo`, or pass --db",
                self.db.display()
            );
        }
        self.open()
    }

    pub fn open(&self) -> anyhow::Result<socialset_engine::Workspace> {
        use anyhow::Context;
        let ws = socialset_engine::Workspace::open(&self.db)
            .with_context(|| format!("opening the store {}", self.db.display()))?;
        // Run from Python, the caller's Ctrl-C stops the work.
        Ok(match crate::capture::cancel() {
            Some(cancel) => ws.with_cancel(cancel),
            None => ws,
        })
    }
}

/// The time window to analyse.
#[derive(Debug, clap::Args)]
pub struct TimeArgs {
    /// Only engagement at or after this time (RFC 3339, YYYY-MM-DD or epoch seconds).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub since: Option<socialset_engine::Timestamp>,

    /// Only engagement before this time (RFC 3339, YYYY-MM-DD or epoch seconds).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<socialset_engine::Timestamp>,
}

impl TimeArgs {
    pub fn window(&self) -> socialset_engine::TimeWindow {
        socialset_engine::TimeWindow {
            since: self.since,
            until: self.until,
        }
    }
}

/// The engagement graph to analyse: which time window, and how much each kind of engagement
/// counts.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub time: TimeArgs,

    /// Weight of each layer of the graph, e.g. `reply=1,share=0.5,follow=0`; layers not named
    /// keep the defaults reply=1, quote=0.8, share=0.6, mention=0.4, like=0.2, follow=0.1.
    #[arg(long, value_name = "KIND=W,...", value_parser = socialset_engine::EngagementWeights::parse, default_value = "")]
    pub weights: socialset_engine::EngagementWeights,
}

impl GraphArgs {
    pub fn window(&self) -> socialset_engine::TimeWindow {
        self.time.window()
    }
}

fn parse_time(text: &str) -> Result<socialset_engine::Timestamp, String> {
    socialset_engine::parse_time(text).map_err(|p| format!("{text:?} {p}"))
}

/// What `rank` and `explain` share: the topic, the native threshold and the graph.
#[derive(Debug, clap::Args)]
pub struct InfluenceArgs {
    /// Words and #hashtags, comma-separated: rank on the engagement about this topic.
    #[arg(long, value_name = "T")]
    pub topic: Option<String>,

    /// The most followers a native influencer may have.
    #[arg(long, default_value_t = 5_000, value_name = "N")]
    pub max_followers: u64,

    #[command(flatten)]
    pub graph: GraphArgs,

    /// PageRank damping: the probability of following an engagement rather than jumping to a
    /// random account.
    #[arg(long, default_value_t = 0.85, value_name = "D")]
    pub damping: f64,

    /// The order of the list. auto (the default): predictive where the data have times and
    /// no --topic is given, authority otherwise. predictive: a blend of authority, the
    /// forecast engagers, the distinct engagers and the recent engagement, its weights chosen
    /// on the ranked time's last quarter (the blend that predicts later engagement best; see
    /// docs/EVALUATION.md). authority: PageRank alone. The score shown is PageRank's in
    /// every order.
    #[arg(long, default_value = "auto", value_name = "ORDER")]
    pub order: socialset_engine::RankOrder,

    /// Count an account whose follower count is unknown as native when its in-graph
    /// audience (distinct engagers or followers in the data) is within --max-followers. By
    /// default such an account is in tier "unknown" and not native: a police force or a news
    /// channel known only from mentions is not an ordinary person.
    #[arg(long)]
    pub assume_native_if_unknown: bool,
}

impl InfluenceArgs {
    pub fn options(
        self,
        tier: Option<socialset_engine::TierFilter>,
        top: usize,
    ) -> socialset_engine::RankOptions {
        socialset_engine::RankOptions {
            window: self.graph.window(),
            weights: self.graph.weights,
            damping: self.damping,
            topic: self.topic,
            tier,
            max_followers: self.max_followers,
            top,
            community: None,
            min_engagers: socialset_engine::DEFAULT_MIN_ENGAGERS,
            hide: socialset_engine::Hide::default(),
            language: None,
            order: self.order,
            assume_native_if_unknown: self.assume_native_if_unknown,
        }
    }
}

/// How to print results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A table for people.
    Table,
    /// JSON for programs.
    Json,
    /// CSV for spreadsheets.
    Csv,
}
