//! The authenticity audit: account features, the bot classifier, audience and engagement
//! quality, engagement pods, and what tells an organisation or publisher from a fake.

pub mod features;
pub mod model;
pub mod pods;
pub mod publisher;
pub mod quality;

pub use features::{
    client_type, compute_features, feature_index, summary_features, FeatureDef, FeatureGroup,
    FeatureInput, FeatureRow, PostActivity, FEATURES, N_FEATURES,
};
pub use model::{AuditModel, ModelError, Reason, TrainParams};
pub use pods::{
    find_pods, inflates, plant_pods, pod_recovery, PlantConfig, Pod, PodConfig, PodEvidence,
    PodRecovery,
};
pub use publisher::{
    publisher_signs, rebase_probability, speaks_to_customers, PublisherSign, LISTED_AT_LEAST,
    ORGANISATION_FOLLOWERS_AT_LEAST,
};
pub use quality::{wilson, AudienceBasis, AudienceIndex, AudienceQuality, Share};
