//! Audience and engagement quality: what share of an account's followers (or engagers) look
//! real, and what share of its engagement comes from suspicious accounts, each with a 95%
//! Wilson interval from the sample size.

use socialset_model::AccountIdx;

use crate::{Engagement, FollowEdge};

/// A share with its 95% Wilson score interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    pub share: f64,
    pub low: f64,
    pub high: f64,
    /// The sample it is a share of.
    pub n: u64,
}

/// The share `k / n` with its 95% Wilson interval (Wilson 1927), which stays inside [0, 1]
/// and is honest for small `n`. `None` for an empty sample.
pub fn wilson(k: u64, n: u64) -> Option<Share> {
    if n == 0 {
        return None;
    }
    let z = 1.959_963_984_540_054_f64;
    let (k, nf) = (k.min(n) as f64, n as f64);
    let p = k / nf;
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt() / denom;
    Some(Share {
        share: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
        n,
    })
}

/// Whose audience was measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudienceBasis {
    /// Its followers, as imported.
    Followers,
    /// No follows known: the distinct accounts that engaged with it.
    Engagers,
}

/// How real an account's audience and engagement look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AudienceQuality {
    pub basis: AudienceBasis,
    /// Share of the audience whose bot probability is under the threshold.
    pub real_audience: Option<Share>,
    /// Share of the engagement events it received that came from accounts at or over the
    /// threshold.
    pub suspicious_engagement: Option<Share>,
}

/// Per-account lists of followers and engagers, built once for many accounts.
#[derive(Clone, Debug)]
pub struct AudienceIndex {
    followers: Vec<Vec<u32>>,
    engagements: Vec<Vec<u32>>,
}

impl AudienceIndex {
    pub fn build(n: usize, events: &[Engagement], follows: &[FollowEdge]) -> Self {
        let mut followers = vec![Vec::new(); n];
        for f in follows {
            followers[f.dst.0 as usize].push(f.src.0);
        }
        let mut engagements = vec![Vec::new(); n];
        for e in events {
            engagements[e.dst.0 as usize].push(e.src.0);
        }
        for list in &mut followers {
            list.sort_unstable();
            list.dedup();
        }
        Self {
            followers,
            engagements,
        }
    }

    /// The quality of `account`'s audience given every account's bot probability.
    pub fn quality(
        &self,
        account: AccountIdx,
        bot_probability: &[f64],
        threshold: f64,
    ) -> AudienceQuality {
        let a = account.0 as usize;
        let suspicious = |i: &u32| bot_probability[*i as usize] >= threshold;
        let received = &self.engagements[a];
        let suspicious_engagement = wilson(
            received.iter().filter(|i| suspicious(i)).count() as u64,
            received.len() as u64,
        );
        let (basis, audience): (AudienceBasis, std::borrow::Cow<'_, [u32]>) =
            if self.followers[a].is_empty() {
                let mut engagers = received.clone();
                engagers.sort_unstable();
                engagers.dedup();
                (AudienceBasis::Engagers, engagers.into())
            } else {
                (
                    AudienceBasis::Followers,
                    self.followers[a].as_slice().into(),
                )
            };
        let real = audience.iter().filter(|i| !suspicious(i)).count() as u64;
        AudienceQuality {
            basis,
            real_audience: wilson(real, audience.len() as u64),
            suspicious_engagement,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_textbook_values() {
        // 8 of 10: the 95% Wilson interval is [0.490, 0.943].
        let s = wilson(8, 10).expect("non-empty");
        assert!((s.low - 0.4902).abs() < 1e-3, "{s:?}");
        assert!((s.high - 0.9433).abs() < 1e-3, "{s:?}");
        assert!(wilson(0, 0).is_none());
        let all = wilson(5, 5).expect("non-empty");
        assert_eq!(all.high, 1.0);
        assert!(all.low > 0.5 && all.low < 0.6, "{all:?}");
    }

    #[test]
    fn the_interval_narrows_with_the_sample() {
        let small = wilson(9, 10).expect("non-empty");
        let large = wilson(900, 1000).expect("non-empty");
        assert!(large.high - large.low < (small.high - small.low) / 5.0);
    }
}
