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
        shrunk_false_share(self.of(FactVerdict::False), self.judged(), base)
    }
}

/// `false_` of `judged` claims false, drawn towards `base` by the weight of one claim.
pub fn shrunk_false_share(false_: u32, judged: u32, base: f64) -> f64 {
    (f64::from(false_) + base) / (f64::from(judged) + 1.0)
}

/// The mean shrunk false share of the records (false, judged) with a judged claim, and how
/// many had one; `base` when none had.
pub fn mean_false_share(records: impl IntoIterator<Item = (u32, u32)>, base: f64) -> (f64, usize) {
    let (sum, n) = records
        .into_iter()
        .filter(|&(_, judged)| judged > 0)
        .fold((0.0, 0usize), |(s, n), (f, j)| {
            (s + shrunk_false_share(f, j, base), n + 1)
        });
    if n == 0 {
        (base, 0)
    } else {
        (sum / n as f64, n)
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
/// judged record, or `base` when none has one; with how many had one. `leave_out`: the
/// claim's own verdict, counted in the tallies, taken out of each spreader's record (a
/// training claim must not be scored by its own label).
pub fn spreader_score(
    tallies: &[Tally],
    spreaders: &[u32],
    base: f64,
    leave_out: Option<FactVerdict>,
) -> (f64, usize) {
    let records = spreaders
        .iter()
        .filter_map(|&a| tallies.get(a as usize))
        .map(|t| {
            let mut t = *t;
            if let Some(v) = leave_out {
                t.counts[v as usize] = t.counts[v as usize].saturating_sub(1);
            }
            (t.of(FactVerdict::False), t.judged())
        });
    mean_false_share(records, base)
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
        let (score, with) = spreader_score(&t, &[0, 1, 3], 0.5, None);
        assert_eq!(with, 2);
        assert!((score - (0.625 + 0.25) / 2.0).abs() < 1e-12);
        assert_eq!(spreader_score(&t, &[3], 0.4, None), (0.4, 0));
        // Leaving a true claim out: account 1 has no record left, account 0 is 2 of 2 false.
        let (score, with) = spreader_score(&t, &[0, 1], 0.5, Some(FactVerdict::True));
        assert_eq!(with, 1);
        assert!((score - 2.5 / 3.0).abs() < 1e-12);
    }
}
