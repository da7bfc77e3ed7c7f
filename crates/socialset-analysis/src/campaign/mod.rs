//! Campaigns: which clicks count and whom each order is owed to (`attribution`), the report's
//! statistics with their intervals (`stats`), and simulated campaigns that check those
//! intervals hold their truth (`simulate`).

mod attribution;
mod simulate;
mod stats;

pub use attribution::{
    attribute, click_fates, distinct_visitors, Claim, ClickEvent, ClickFate, Unclaimed,
    DEFAULT_WINDOW_DAYS, NO_MEMBER, REPEAT_WINDOW_MS,
};
pub use simulate::{interval_coverage, Coverage, Population};
pub use stats::{
    campaign_statistics, compare_roles, group_figures, member_figures, poisson_interval, ratio_of,
    CampaignStats, Comparison, CostVerdict, Estimate, Figures, MemberActivity, StatsConfig,
};
