//! The façade the binaries call: `Workspace::open`, `import`, `stats`, `summarize`, and the
//! bundled demo. Wires ingest -> store -> graph -> analysis and returns plain report structs;
//! prints nothing.

mod archive;
mod audit;
mod brand;
mod campaign;
mod claims;
mod communities;
mod demo;
mod error;
mod eval;
mod export;
mod follow;
mod groups;
mod import;
mod influence;
mod plan;
mod plan_eval;
mod profile;
mod search;
mod sentiment;
mod social;
mod spreaders;
mod stance;
mod summary;
mod trust;
mod twitter1516;
mod ugc;
mod veracity;

use std::path::{Path, PathBuf};

use socialset_store::Store;

pub use audit::{
    basis_name, eval_bots, eval_pods, eval_verdicts, feature_names, load_model, share_parts,
    train_audit_public, AccountAudit, AuditOptions, AuditReport, BotScores, BotsEval,
    GroupVerdicts, ModelInfo, PodEval, PodLine, PodMember, ReasonLine, TrainReport, Verdict,
    VerdictConfusion, VerdictsEval, DEFAULT_BOT_SHARE, DEFAULT_REASONS_FOR, DEFAULT_THRESHOLD,
    MIN_EVIDENCE, VERDICTS,
};
pub use brand::{
    eval_disclosure, AccountDisclosure, CampaignDisclosure, DisclosureCounts, DisclosureEval,
    DisclosureReport, IndependenceReport, Miss, PostDisclosure, CONFIG_FILE,
};
pub use campaign::{
    eval_campaign_intervals, eval_campaign_intervals_with, eval_engagement_by_band, is_http_url,
    random_code, BandEngagement, CampaignPost, CampaignReport, CampaignSpec, ClickCounts,
    ConversionsAdded, DayLine, EngagementByBand, MemberLine, NewMember, Rates, ReachCheck,
    ReportOptions, Unclaimed, VoicePeriod, DEFAULT_WINDOW_DAYS, FOLLOWER_BANDS,
};
pub use claims::{
    eval_spread, Claim, ClaimDetail, ClaimKind, ClaimOptions, ClaimReach, ClaimsReport,
    CommunityReached, LabelSpread, NetworkNode, ReplyStances, SpreadEval, Spreader, StancedReply,
    NETWORK_NODES, SPREAD_MEASURES,
};
pub use communities::{
    CommunityLine, CommunityLink, CommunityOptions, CommunityReport, DEFAULT_RESTARTS,
    DEFAULT_WINDOW_RESTARTS,
};
pub use demo::{demo_files, DemoFile, DEMO_MARKER};
pub use error::{Error, Result};
pub use eval::{
    eval_communities, eval_influence, eval_influence_halves, CommunityEval, InfluenceEval,
    MethodScore,
};
pub use export::{export_rows, export_rows_by, rows_batches, ExportFormat, ExportReport};
pub use follow::{bare_host, stream_endpoint, FollowObserver, FollowOptions, FollowReport};
pub use groups::GroupsReport;
pub use import::{FileReport, ImportObserver, ImportOptions, ImportReport, NoProgress};
pub use influence::{
    EngagerLine, ExplainReport, Hide, OrderUsed, RankOptions, RankOrder, RankReport, RankedAccount,
    TierFilter, DEFAULT_MIN_ENGAGERS,
};
pub use plan::{
    LearnedFit, PlanMember, PlanOptions, PlanReport, PlanSet, PriceList, Probabilities,
};
pub use plan_eval::{
    eval_plan, eval_plan_halves, HalfEval, HalvesEval, ObservedPlan, ObservedReach, PlanEval,
};
pub use profile::{account_link, post_link, Profile, RecentPost};
pub use search::TextIndex;
pub use sentiment::{
    classify, classify_towards, classify_with, english_scores, eval_sentiment,
    read_sentiment_model, sentiment, sentiment_in, sentiment_towards, sentiment_with,
    train_sentiment, training_config, vader_agreement, Classified, Folds, SentimentEval,
    SentimentEvalOptions, SentimentModel, SentimentReport, TowardsEval, TowardsReport,
    TrainOverrides, VaderAgreement,
};
pub use social::TimeWindow;
pub use socialset_analysis::audit::{
    AudienceBasis, AudienceQuality, PlantConfig, PodConfig, PodEvidence, PodRecovery, Share,
    TrainParams, N_FEATURES,
};
pub use socialset_analysis::brand::{Disclosure, Independence};
pub use socialset_analysis::campaign::{
    Comparison, CostVerdict, Coverage, Estimate, Figures, MemberActivity, Population, StatsConfig,
};
pub use socialset_analysis::credibility::Confusion;
pub use socialset_analysis::forecast::{Backtest, CandidateScore, ReachForecast};
pub use socialset_analysis::predictive::{BlendChoice, PARTS as BLEND_PARTS};
pub use socialset_analysis::sentiment::TrainConfig;
pub use socialset_analysis::sentiment::{
    Language, Lexicon, LinearModel, Polarity, Scope, SentipolcScore,
};
pub use socialset_analysis::stance::{
    overlap as stance_overlap, Context as StanceContext, Position, Stance, StanceConfig,
    StanceModel, StancePrediction, STANCES,
};
pub use socialset_analysis::ugc::{Segment, UgcKind, ValueCounts};
pub use socialset_analysis::{
    Audience, EngagementWeights, Stability, Tier, TopicCoverage, WindowComparison,
};
pub use socialset_graph::Spread;
pub use socialset_graph::{Cancel, Model, Progress, Status};
pub use socialset_graph::{Convergence, Quality};
pub use socialset_ingest::Table;
pub use socialset_ingest::{orders_from_json, HandLabel, OrderLine};
pub use socialset_ingest::{parse_time, Detection, EdgeKind, Format, ReadLimits, RecordError};
pub use socialset_model::thousands;
pub use socialset_model::{
    is_currency_code, AccountId, Campaign, Click, FactVerdict, Member, MemberStatus, NotCounted,
    Objective, Order, OrderSource, Role, Timestamp,
};
pub use socialset_store::{Counts, StoredGroup, SCHEMA_VERSION};
pub use spreaders::{
    eval_spreaders, joint_verdict, FactCheck, RepeatSpreader, SpreaderMethod, SpreaderOptions,
    SpreadersEval, SpreadersRecord, SpreadersReport, SPREADER_METHODS,
};
pub use stance::{
    eval_stance, stance_model, stance_of, train_stance, word_ngram_baseline, StanceEvalOptions,
    StanceMethod, StanceModelEval,
};
pub use summary::{AccountLine, RatingSummary, Summary};
pub use trust::{
    eval_trust, eval_trust_loo, InteractionTrustLine, InteractionTrustReport, RatingScores,
    TrustEval, TrustLine, TrustOptions, TrustReport,
};
pub use ugc::{
    eval_qa, eval_stance_questions, AccountValue, ClassScore, QaEval, SegmentsReport, StanceEval,
    UgcItem, UgcOptions, UgcReport, UgcThread,
};
pub use veracity::{
    eval_veracity, VeracityEval, VeracityMethod, VeracityOptions, EARLY_HOURS, VERACITY_METHODS,
};

/// The default path of the embedded store.
pub const DEFAULT_DB: &str = "socialset.db";

/// One store of social data and everything computed from it.
pub struct Workspace {
    store: Box<dyn Store + Send>,
    path: PathBuf,
    limits: Limits,
    cancel: Cancel,
    progress: Progress,
}

/// How much work one engine call may do: what a request is refused for, before it starts,
/// when it cannot fit. The defaults hold on the real data sets in docs/EVALUATION.md with
/// room to spare; `socialset --help` and docs/LIMITS.md say how to change them.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Memory the planner's reverse-reachable sets may hold (each phase of IMM; the plan
    /// reports the accuracy it reached when this bound cut the sample short).
    pub max_sample_bytes: u64,
    /// The most time windows a stability analysis compares (each is a Leiden run).
    pub max_windows: usize,
    /// The most clicks a campaign report reads (about 200 bytes each at its peak: a million
    /// clicks with 100,000 orders peaked at 215 MB).
    pub max_campaign_clicks: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_sample_bytes: 1 << 30,
            max_windows: 100,
            max_campaign_clicks: 5_000_000,
        }
    }
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("path", &self.path)
            .finish()
    }
}

impl Workspace {
    /// Opens (creating if needed) the embedded store at `path`, or, when `path` is a
    /// `postgres://` URL, the PostgreSQL database there.
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self {
            store: socialset_store::open(&path.to_string_lossy())?,
            path: path.to_owned(),
            limits: Limits::default(),
            cancel: Cancel::default(),
            progress: Progress::default(),
        })
    }

    /// How many imports the store has committed, from any process: a report computed at
    /// another count is stale.
    pub fn imports_committed(&self) -> Result<u64> {
        Ok(self.store.imports_committed()?)
    }

    /// The same workspace with other limits on the work one call may do.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same workspace, its long calls stopping with `Error::Cancelled` once `cancel` is
    /// set (by a server job's client leaving, a deadline, Ctrl-C).
    pub fn with_cancel(mut self, cancel: Cancel) -> Self {
        self.cancel = cancel;
        self
    }

    /// The same workspace, its long calls telling `progress` which step they are on and how
    /// far through it (for a server job's progress figure or a terminal's spinner).
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }

    /// Starts a step of a long call (`total` units, 0 when it cannot count them), once the
    /// work has not been cancelled.
    pub(crate) fn step(&self, step: &str, total: u64) -> Result<()> {
        self.check_cancel()?;
        self.progress.step(step, total);
        Ok(())
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// `Err(Error::Cancelled)` once the workspace's work has been cancelled.
    pub(crate) fn check_cancel(&self) -> Result<()> {
        Ok(self.cancel.check()?)
    }

    /// True when `location` names a PostgreSQL database rather than a file.
    pub fn is_database_url(location: &Path) -> bool {
        let s = location.to_string_lossy();
        s.starts_with("postgres://") || s.starts_with("postgresql://")
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many records of each type the store holds.
    pub fn stats(&self) -> Result<Counts> {
        Ok(self.store.counts()?)
    }
}
