//! Repeat spreaders: each account's record over the claims it spread that fact-checkers
//! judged, and how false a claim looks from the records of the accounts spreading it.

use socialset_model::FactVerdict;

/// An account's record: the judged claims it spread, by verdict (`FactVerdict::ALL` order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub counts: [u32; 4],
}

impl Tally {
    pub fn add(&mut self, v: FactVerdict) {
        self.counts[v as usize] += 1;
    }

    pub fn of(&self, v: FactVerdict) -> u32 {
        self.counts[v as usize]
    }

    /// Claims judged true or false (mixed and unverified say neither).
    pub fn judged(&self) -> u32 {
        self.of(FactVerdict::True) + self.of(FactVerdict::False)
    }

    /// The share of its judged claims that were false, drawn towards `base` (the share of
    /// false claims among all judged ones) by the weight of one claim, so that one false
    /// claim is not a record of 100%.
    pub fn false_share(&self, base: f64) -> f64 {
        (f64::from(self.of(FactVerdict::False)) + base) / (f64::from(self.judged()) + 1.0)
    }
}

/// Every account's record over `claims` (each a verdict and the accounts that spread it,
/// an account at most once per claim), for accounts `0..accounts`.
pub fn tallies(accounts: usize, claims: &[(FactVerdict, &[u32])]) -> Vec<Tally> {
    let mut out = vec![Tally::default(); accounts];
    for (v, spreaders) in claims {
        for &a in *spreaders {
            if let Some(t) = out.get_mut(a as usize) {
                t.add(*v);
            }
        }
    }
    out
}

/// How false a claim looks from its spreaders' records: the mean false share of those with a
/// judged record, or `base` when none has one; with how many had one.
pub fn spreader_score(tallies: &[Tally], spreaders: &[u32], base: f64) -> (f64, usize) {
    let (sum, n) = spreaders
        .iter()
        .filter_map(|&a| tallies.get(a as usize))
        .filter(|t| t.judged() > 0)
        .fold((0.0, 0usize), |(s, n), t| (s + t.false_share(base), n + 1));
    if n == 0 {
        (base, 0)
    } else {
        (sum / n as f64, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_scores_worked_by_hand() {
        // Account 0 spread two false claims and one true; 1 one true; 2 only a mixed one.
        let t = tallies(
            4,
            &[
                (FactVerdict::False, &[0, 2][..]),
                (FactVerdict::False, &[0]),
                (FactVerdict::True, &[0, 1]),
                (FactVerdict::Mixed, &[2]),
            ],
        );
        assert_eq!(t[0].counts, [1, 2, 0, 0]);
        assert_eq!(t[2].counts, [0, 1, 1, 0]);
        assert_eq!(t[3], Tally::default());
        // (2 + 0.5) / (3 + 1) and (0 + 0.5) / (1 + 1).
        assert!((t[0].false_share(0.5) - 0.625).abs() < 1e-12);
        assert!((t[1].false_share(0.5) - 0.25).abs() < 1e-12);
        // Mean over the spreaders with a record; account 3 has none and is not counted.
        let (score, with) = spreader_score(&t, &[0, 1, 3], 0.5);
        assert_eq!(with, 2);
        assert!((score - (0.625 + 0.25) / 2.0).abs() < 1e-12);
        assert_eq!(spreader_score(&t, &[3], 0.4), (0.4, 0));
    }
}
