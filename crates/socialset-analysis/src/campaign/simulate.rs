//! Simulated campaigns with known truths: how often the report's 95% intervals hold the true
//! value (docs/EVALUATION.md, "Honest intervals").
//!
//! Each campaign draws its members from two known populations — natives and professionals —
//! with heterogeneous reach and conversion: a member's expected visits from a gamma
//! distribution, its visits Poisson, its conversion probability from a beta distribution, its
//! conversions binomial among its visits, each order's value log-normal, its engagements
//! Poisson. The truths are the populations' unit costs (E[fee] / E[conversions]), whose
//! ratio is the native/professional ratio, and each campaign's own conversion rate
//! (Σ visits·p / Σ visits over the members it drew).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Binomial, Distribution, Gamma, LogNormal, Poisson};
use socialset_model::Role;

use super::stats::{campaign_statistics, MemberActivity, StatsConfig};

/// One population of members.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Population {
    /// Members per campaign: uniform in this range (inclusive).
    pub members: (usize, usize),
    /// Fee: uniform in this range.
    pub fee: (f64, f64),
    /// Expected visits: gamma with this shape and mean.
    pub visits_shape: f64,
    pub visits_mean: f64,
    /// Conversion probability: beta with this mean and concentration (α + β).
    pub conversion_mean: f64,
    pub conversion_concentration: f64,
    /// Engagements per expected visit (Poisson).
    pub engagements_per_visit: f64,
    /// Order value: log-normal with this median and σ.
    pub order_median: f64,
    pub order_sigma: f64,
}

impl Population {
    /// Natives as the seeds describe them: cheap, small reach, converting well.
    pub const NATIVES: Population = Population {
        members: (15, 60),
        fee: (30.0, 120.0),
        visits_shape: 2.0,
        visits_mean: 40.0,
        conversion_mean: 0.04,
        conversion_concentration: 50.0,
        engagements_per_visit: 3.0,
        order_median: 40.0,
        order_sigma: 0.5,
    };
    /// Professionals: few, dear, large reach, converting less.
    pub const PROFESSIONALS: Population = Population {
        members: (3, 10),
        fee: (500.0, 2000.0),
        visits_shape: 2.0,
        visits_mean: 400.0,
        conversion_mean: 0.02,
        conversion_concentration: 100.0,
        engagements_per_visit: 2.0,
        order_median: 40.0,
        order_sigma: 0.5,
    };

    /// The population's true cost per acquisition, E[fee] / (E[visits]·E[p]).
    pub fn true_cpa(&self) -> f64 {
        let fee = (self.fee.0 + self.fee.1) / 2.0;
        fee / (self.visits_mean * self.conversion_mean)
    }

    /// Its true cost per engagement.
    pub fn true_cpe(&self) -> f64 {
        let fee = (self.fee.0 + self.fee.1) / 2.0;
        fee / (self.visits_mean * self.engagements_per_visit)
    }

    fn draw(&self, rng: &mut ChaCha8Rng) -> Option<(MemberActivity, f64)> {
        let fee = rng.gen_range(self.fee.0..=self.fee.1);
        let mu = Gamma::new(self.visits_shape, self.visits_mean / self.visits_shape)
            .ok()?
            .sample(rng);
        let clicks = poisson(mu, rng);
        let a = self.conversion_mean * self.conversion_concentration;
        let p = Beta::new(a, self.conversion_concentration - a)
            .ok()?
            .sample(rng);
        let conversions = Binomial::new(clicks, p).ok()?.sample(rng);
        let value = LogNormal::new(self.order_median.ln(), self.order_sigma).ok()?;
        let revenue = (0..conversions).map(|_| value.sample(rng)).sum();
        let engagements = poisson(mu * self.engagements_per_visit, rng);
        Some((
            MemberActivity {
                fee,
                engagements,
                clicks,
                unique_visitors: clicks,
                converting_clicks: conversions,
                conversions,
                revenue,
                ..MemberActivity::default()
            },
            p,
        ))
    }
}

fn poisson(mean: f64, rng: &mut ChaCha8Rng) -> u64 {
    if mean <= 0.0 {
        return 0;
    }
    Poisson::new(mean).map_or(0, |d: Poisson<f64>| d.sample(rng) as u64)
}

/// How often each interval held its truth.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    pub campaigns: usize,
    pub conversion_rate_natives: f64,
    pub conversion_rate_professionals: f64,
    pub conversion_rate_total: f64,
    pub cpa_natives: f64,
    pub cpa_professionals: f64,
    pub cpa_ratio: f64,
    pub cpe_ratio: f64,
    /// Share of campaigns whose verdict named a side (the truth: natives cheaper).
    pub called_natives_cheaper: f64,
    pub called_professionals_cheaper: f64,
    /// The median width of the ratio's interval, relative to the truth.
    pub cpa_ratio_relative_width: f64,
}

/// Simulates `campaigns` campaigns (seeded) and counts how often each interval covers.
pub fn interval_coverage(
    natives: &Population,
    professionals: &Population,
    campaigns: usize,
    seed: u64,
    resamples: usize,
) -> Coverage {
    let truth_ratio = natives.true_cpa() / professionals.true_cpa();
    let truth_cpe_ratio = natives.true_cpe() / professionals.true_cpe();
    let mut hits = [0usize; 7];
    let (mut called_n, mut called_p) = (0usize, 0usize);
    let mut widths = Vec::new();
    for c in 0..campaigns {
        let mut rng =
            ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ c as u64);
        let mut members = Vec::new();
        let mut expected_conv = [0.0f64; 2];
        let mut clicks = [0u64; 2];
        for (r, pop) in [(Role::Native, natives), (Role::Professional, professionals)] {
            let n = rng.gen_range(pop.members.0..=pop.members.1);
            for _ in 0..n {
                if let Some((m, p)) = pop.draw(&mut rng) {
                    let i = usize::from(r == Role::Professional);
                    expected_conv[i] += m.clicks as f64 * p;
                    clicks[i] += m.clicks;
                    members.push((r, m));
                }
            }
        }
        let config = StatsConfig {
            resamples,
            seed: seed ^ (c as u64).wrapping_mul(0x2545_F491_4F6C_DD1D),
        };
        let s = campaign_statistics(&members, &config);
        let covers = |e: Option<&super::Estimate>, truth: f64| e.is_some_and(|e| e.covers(truth));
        let rate = |i: usize| expected_conv[i] / clicks[i].max(1) as f64;
        let total_rate =
            (expected_conv[0] + expected_conv[1]) / (clicks[0] + clicks[1]).max(1) as f64;
        hits[0] += usize::from(covers(s.natives.conversion_rate.as_ref(), rate(0)));
        hits[1] += usize::from(covers(s.professionals.conversion_rate.as_ref(), rate(1)));
        hits[2] += usize::from(covers(s.total.conversion_rate.as_ref(), total_rate));
        hits[3] += usize::from(covers(
            s.natives.cost_per_acquisition.as_ref(),
            natives.true_cpa(),
        ));
        hits[4] += usize::from(covers(
            s.professionals.cost_per_acquisition.as_ref(),
            professionals.true_cpa(),
        ));
        hits[5] += usize::from(covers(s.comparison.cpa_ratio.as_ref(), truth_ratio));
        hits[6] += usize::from(covers(s.comparison.cpe_ratio.as_ref(), truth_cpe_ratio));
        match s.comparison.verdict {
            super::CostVerdict::NativesCheaper => called_n += 1,
            super::CostVerdict::ProfessionalsCheaper => called_p += 1,
            _ => {}
        }
        if let Some(r) = s.comparison.cpa_ratio {
            widths.push((r.high - r.low) / truth_ratio);
        }
    }
    let share = |k: usize| k as f64 / campaigns.max(1) as f64;
    Coverage {
        campaigns,
        conversion_rate_natives: share(hits[0]),
        conversion_rate_professionals: share(hits[1]),
        conversion_rate_total: share(hits[2]),
        cpa_natives: share(hits[3]),
        cpa_professionals: share(hits[4]),
        cpa_ratio: share(hits[5]),
        cpe_ratio: share(hits[6]),
        called_natives_cheaper: share(called_n),
        called_professionals_cheaper: share(called_p),
        cpa_ratio_relative_width: {
            widths.sort_by(f64::total_cmp);
            widths.get(widths.len() / 2).copied().unwrap_or(f64::NAN)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_of_a_small_run_is_near_ninety_five_percent() {
        // A quick run (CI's); the 1,000-campaign measurement is `socialset eval campaigns`.
        let c = interval_coverage(
            &Population::NATIVES,
            &Population::PROFESSIONALS,
            200,
            7,
            1000,
        );
        for (what, v) in [
            ("conversion rate", c.conversion_rate_total),
            ("native CPA", c.cpa_natives),
            ("CPA ratio", c.cpa_ratio),
        ] {
            assert!((0.88..=0.995).contains(&v), "{what}: {v} ({c:?})");
        }
    }
}
