//! The brain of socialset: data in, reports out. Pure: no I/O, no printing.
//! Influence (engagement-weighted, topic-sensitive PageRank with explanations), communities
//! (Leiden with labels and stability), the authenticity audit (features, bot classifier,
//! audience quality, engagement pods), and the engagement summaries they stand on.

pub mod audit;
pub mod brand;
pub mod campaign;
pub mod credibility;
pub mod forecast;
pub mod predictive;
pub mod sentiment;
pub mod spread;
pub mod spreaders;
pub mod stance;
pub mod ugc;

mod communities;
mod engagement;
mod influence;
mod layers;
mod metrics;
mod near_duplicates;
mod sparse;
mod trust;

pub use communities::{
    community_stability, detect_communities, Communities, Community, CommunityConfig,
    CommunityMatch, EngagementWindows, Stability, WindowComparison, NO_COMMUNITY,
};
pub use engagement::{
    engagement_by_account, engagement_rates, summarize_engagement, Engagement, EngagementSummary,
};
pub use influence::{
    explain_influence, rank_influence, AccountInfluence, Audience, EngagementWeights, EngagerShare,
    Explanation, InfluenceConfig, InfluenceInput, InfluenceRanking, PostText, Tier, Topic,
    TopicCoverage, EVIDENCE_HALF,
};
pub use layers::{FollowEdge, Layer, Layers};
pub use metrics::{
    average_ranks, brier, classification, grouped_blocked_folds, median, precision_at_k, roc_auc,
    spearman, splitmix, stratified_folds, top_k, Classification,
};
pub use near_duplicates::{near_duplicate_groups, NearDuplicateConfig};
pub use trust::{
    eigentrust, fairness_goodness, interaction_trust, loo_fairness_goodness, FairnessGoodness,
    InteractionTrust, RatingEdge, TrustPredictor,
};
