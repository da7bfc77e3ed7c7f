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

/// How real an account's audience and engagement look. Only accounts with enough evidence
/// for a verdict are counted; the others are reported as unassessed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AudienceQuality {
    pub basis: AudienceBasis,
    /// Share of the assessed audience that looks real.
    pub real_audience: Option<Share>,
    /// Audience members with too little data for a verdict.
    pub unassessed_audience: u64,
    /// Share of the engagement events it received from assessed accounts that came from
    /// likely bots.
    pub suspicious_engagement: Option<Share>,
    /// Engagement events from accounts with too little data for a verdict.
    pub unassessed_engagement: u64,
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

    /// The quality of `account`'s audience given every account's verdict (`Some(true)`:
    /// likely bot, `Some(false)`: looks real, `None`: too little data).
    pub fn quality(&self, account: AccountIdx, likely_bot: &[Option<bool>]) -> AudienceQuality {
        let a = account.0 as usize;
        let verdict = |i: &u32| likely_bot[*i as usize];
        let received = &self.engagements[a];
        let assessed_events = received.iter().filter(|i| verdict(i).is_some()).count() as u64;
        let suspicious_engagement = wilson(
            received.iter().filter(|i| verdict(i) == Some(true)).count() as u64,
            assessed_events,
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
        let real = audience
            .iter()
            .filter(|i| verdict(i) == Some(false))
            .count() as u64;
        let assessed = audience.iter().filter(|i| verdict(i).is_some()).count() as u64;
        AudienceQuality {
            basis,
            real_audience: wilson(real, assessed),
            unassessed_audience: audience.len() as u64 - assessed,
            suspicious_engagement,
            unassessed_engagement: received.len() as u64 - assessed_events,
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
