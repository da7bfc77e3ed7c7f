//! The brain of socialset: data in, reports out. Pure: no I/O, no printing.

mod engagement;

pub use engagement::{summarize_engagement, Engagement, EngagementSummary};
