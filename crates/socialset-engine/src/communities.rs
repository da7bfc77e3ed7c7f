//! `communities`: Leiden clusters of the engagement graph, labelled, with their stability
//! across time windows.

use socialset_analysis::{
    community_stability, detect_communities, Communities, CommunityConfig, EngagementWeights,
    EngagementWindows, Stability,
};
use socialset_graph::{Cancel, LeidenConfig, Quality};

use crate::social::{SocialData, TimeWindow};
use crate::{Error, Result, Workspace};

/// Leiden runs per clustering by default (the best is kept).
pub const DEFAULT_RESTARTS: u32 = socialset_graph::RECOMMENDED_RESTARTS;

/// Leiden runs per time window when measuring stability, by default. Chosen by the protocol of
/// `cargo xtask eval-stability-restarts` (docs/EVALUATION.md): the fewest runs whose
/// stability figures (NMI and ARI between consecutive windows) stay within the seed noise of
/// those with `DEFAULT_RESTARTS` runs, on every data set and window length tried.
pub const DEFAULT_WINDOW_RESTARTS: u32 = 1;

/// How to find communities.
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityOptions {
    pub weights: EngagementWeights,
    pub window: TimeWindow,
    pub quality: Quality,
    pub seed: u64,
    /// Independent Leiden runs (seeds drawn from `seed`); the best partition is kept.
    pub restarts: u32,
    /// The same for each time window of the stability (`window_days`).
    pub window_restarts: u32,
    /// Whole Leiden iterations per run at most (a run stops earlier when one changes nothing).
    pub max_iterations: u32,
    /// Compare communities across consecutive windows of this many days.
    pub window_days: Option<f64>,
    /// How many communities to list.
    pub top: usize,
}

impl Default for CommunityOptions {
    fn default() -> Self {
        Self {
            weights: EngagementWeights::default(),
            window: TimeWindow::default(),
            quality: Quality::Modularity { resolution: 1.0 },
            seed: 42,
            restarts: DEFAULT_RESTARTS,
            window_restarts: DEFAULT_WINDOW_RESTARTS,
            max_iterations: LeidenConfig::default().max_iterations,
            window_days: None,
            top: 10,
        }
    }
}

/// One community, named.
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityLine {
    pub id: u32,
    pub size: u32,
    pub labels: Vec<String>,
    /// Top members' ids and handles.
    pub top_members: Vec<(String, Option<String>)>,
    pub internal_share: f64,
}

/// Engagement between two listed communities (either way), for a map of them.
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityLink {
    pub a: u32,
    pub b: u32,
    pub engagements: u64,
}

/// The communities and what they stood on.
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityReport {
    pub communities: Vec<CommunityLine>,
    /// Engagement between the listed communities, most first.
    pub links: Vec<CommunityLink>,
    pub n_communities: usize,
    pub accounts_in_communities: usize,
    pub modularity: f64,
    pub iterations: u32,
    /// Leiden runs made; the best was kept.
    pub restarts: u32,
    pub components: usize,
    pub largest_component: u32,
    pub max_core: u32,
    pub stability: Option<Stability>,
}

impl Workspace {
    /// The store's data and its communities (without stability), for `communities` and `eval`.
    pub(crate) fn find_communities(
        &self,
        options: &CommunityOptions,
    ) -> Result<(SocialData, Communities, CommunityConfig)> {
        self.step("reading the store", 0)?;
        let data = self.load_social(&options.window)?;
        self.step(
            &format!(
                "finding communities among {} accounts (Leiden)",
                data.accounts.len()
            ),
            0,
        )?;
        let (found, config) = communities_of(&data, options, &self.cancel)?;
        Ok((data, found, config))
    }
}

/// Communities of already loaded data, as `socialset communities` finds them.
pub(crate) fn communities_of(
    data: &SocialData,
    options: &CommunityOptions,
    cancel: &Cancel,
) -> Result<(Communities, CommunityConfig)> {
    data.require_events("cluster")?;
    let config = community_config(options);
    let found = detect_communities(
        data.accounts.len(),
        &data.events,
        &data.follows,
        &data.posts,
        &config,
        cancel,
    )?;
    Ok((found, config))
}

/// The Leiden settings and engagement weights `options` ask for.
fn community_config(options: &CommunityOptions) -> CommunityConfig {
    CommunityConfig {
        leiden: LeidenConfig {
            quality: options.quality,
            seed: options.seed,
            restarts: options.restarts,
            max_iterations: options.max_iterations.max(1),
            ..LeidenConfig::default()
        },
        weights: options.weights,
        ..CommunityConfig::default()
    }
}

/// The settings of each stability window's clustering: `window_restarts` runs.
fn window_config(options: &CommunityOptions) -> CommunityConfig {
    let mut config = community_config(options);
    config.leiden.restarts = options.window_restarts.max(1);
    config
}

impl Workspace {
    /// Finds communities (and, with `window_days`, their stability over time).
    pub fn communities(&self, options: &CommunityOptions) -> Result<CommunityReport> {
        let (data, found, _) = self.find_communities(options)?;
        let stability = match options.window_days {
            None => None,
            Some(days) => Some(self.stability_of(&data, days, &window_config(options))?),
        };
        let name = |v: socialset_model::AccountIdx| {
            let a = &data.accounts[v.0 as usize];
            (a.id.to_string(), a.handle.clone())
        };
        let listed: std::collections::HashSet<u32> = found
            .communities
            .iter()
            .take(options.top)
            .map(|c| c.id)
            .collect();
        let mut between: std::collections::BTreeMap<(u32, u32), u64> = Default::default();
        for e in &data.events {
            let of = |v: socialset_model::AccountIdx| {
                found
                    .membership
                    .get(v.0 as usize)
                    .copied()
                    .filter(|c| listed.contains(c))
            };
            if let (Some(x), Some(y)) = (of(e.src), of(e.dst)) {
                if x != y {
                    *between.entry((x.min(y), x.max(y))).or_default() += 1;
                }
            }
        }
        let mut links: Vec<CommunityLink> = between
            .into_iter()
            .map(|((a, b), engagements)| CommunityLink { a, b, engagements })
            .collect();
        links.sort_by(|x, y| {
            y.engagements
                .cmp(&x.engagements)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        Ok(CommunityReport {
            links,
            communities: found
                .communities
                .iter()
                .take(options.top)
                .map(|c| CommunityLine {
                    id: c.id,
                    size: c.size,
                    labels: c.labels.clone(),
                    top_members: c.top_members.iter().map(|&m| name(m)).collect(),
                    internal_share: c.internal_share,
                })
                .collect(),
            n_communities: found.communities.len(),
            accounts_in_communities: found.communities.iter().map(|c| c.size as usize).sum(),
            modularity: found.modularity,
            iterations: found.iterations,
            restarts: options.restarts.max(1),
            components: found.components,
            largest_component: found.largest_component,
            max_core: found.core_numbers.iter().copied().max().unwrap_or(0),
            stability,
        })
    }
}

impl Workspace {
    /// Only the stability of the communities across consecutive windows of `window_days`
    /// (required) days: each window's communities compared with the next's, without the
    /// communities of the whole store (`communities` gives both).
    pub fn stability(&self, options: &CommunityOptions) -> Result<Stability> {
        let days = options.window_days.ok_or_else(|| {
            Error::Usage("the stability of communities needs --window-days".into())
        })?;
        self.step("reading the store", 0)?;
        let data = self.load_social(&options.window)?;
        data.require_events("cluster")?;
        self.stability_of(&data, days, &window_config(options))
    }

    /// The stability of `data`'s communities across windows of `days` days, within the
    /// windows limit.
    fn stability_of(
        &self,
        data: &SocialData,
        days: f64,
        config: &CommunityConfig,
    ) -> Result<Stability> {
        if !(days > 0.0 && days.is_finite() && days <= 1e6) {
            return Err(Error::Usage(format!(
                "--window-days must be a positive number of days up to a million, not {days}"
            )));
        }
        let windows = EngagementWindows::split(&data.events, (days * 86_400_000.0) as i64);
        let max = self.limits().max_windows;
        if windows.len() > max {
            return Err(Error::Refused {
                parameter: "window_days",
                message: format!(
                    "windows of {days} days cut the engagement into {} windows, each a Leiden \
                     run; the limit is {max} (--max-windows): choose longer windows",
                    windows.len()
                ),
            });
        }
        Ok(community_stability(
            data.accounts.len(),
            &windows,
            config,
            &self.cancel,
            &self.progress,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number a protocol's table in docs/EVALUATION.md says it chose: the figure after
    /// `Chosen: **` in the block between the protocol's markers.
    fn chosen_in_evaluation(block: &str) -> u32 {
        let doc = include_str!("../../../docs/EVALUATION.md");
        let begin = format!("<!-- {block}:begin -->");
        let start = doc
            .find(&begin)
            .expect("the protocol's block is in EVALUATION.md");
        let rest = &doc[start..];
        let chosen = rest
            .find("Chosen: **")
            .expect("the block says what it chose");
        rest[chosen + "Chosen: **".len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a number of runs or iterations")
    }

    #[test]
    fn the_defaults_are_what_the_documented_protocols_chose() {
        assert_eq!(
            CommunityOptions::default().max_iterations,
            chosen_in_evaluation("eval-leiden-iterations")
        );
        assert_eq!(
            CommunityOptions::default().window_restarts,
            chosen_in_evaluation("eval-stability-restarts")
        );
        assert_eq!(
            DEFAULT_WINDOW_RESTARTS,
            CommunityOptions::default().window_restarts
        );
    }
}
