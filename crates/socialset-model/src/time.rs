//! Points in time, as milliseconds since the Unix epoch (UTC).

/// A point in time: milliseconds since 1970-01-01T00:00:00Z. Millisecond resolution keeps the
/// fractional seconds some sources carry (bitcoin-otc ratings) without floating point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The earliest time socialset accepts: 1900-01-01, far before any social network.
    pub const MIN_MS: i64 = -2_208_988_800_000;
    /// The latest time socialset accepts: 2200-01-01. Later values are data errors.
    pub const MAX_MS: i64 = 7_258_118_400_000;

    /// A timestamp from epoch milliseconds, or `None` when outside 1900..2200.
    pub fn from_epoch_ms(ms: i64) -> Option<Self> {
        (Self::MIN_MS..=Self::MAX_MS)
            .contains(&ms)
            .then_some(Self(ms))
    }

    /// A timestamp from (possibly fractional) epoch seconds, or `None` when not finite or out
    /// of range.
    pub fn from_epoch_seconds(seconds: f64) -> Option<Self> {
        if !seconds.is_finite() {
            return None;
        }
        let ms = (seconds * 1000.0).round();
        if ms < Self::MIN_MS as f64 || ms > Self::MAX_MS as f64 {
            return None;
        }
        Self::from_epoch_ms(ms as i64)
    }

    /// Milliseconds since the epoch.
    pub fn epoch_ms(self) -> i64 {
        self.0
    }

    /// Whole seconds since the epoch (rounded down).
    pub fn epoch_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// Its day as YYYY-MM-DD (UTC).
    pub fn day(self) -> String {
        let days = self.epoch_seconds().div_euclid(86_400);
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// RFC 3339, UTC, exact: `2012-07-04T06:00:00Z`, with milliseconds when it has them
    /// (`2010-11-08T18:45:11.728Z`), so that reading it back gives the same time.
    pub fn rfc3339(self) -> String {
        let ms = self.0.rem_euclid(1000);
        if ms == 0 {
            self.utc()
        } else {
            let whole = self.utc();
            format!("{}.{ms:03}Z", &whole[..whole.len() - 1])
        }
    }

    /// RFC 3339 to the second, UTC: `2012-07-04T06:00:00Z`.
    pub fn utc(self) -> String {
        let s = self.epoch_seconds().rem_euclid(86_400);
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.day(),
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_keeps_the_milliseconds() {
        let t = Timestamp::from_epoch_ms(1_289_241_911_728).expect("in range");
        assert_eq!(t.rfc3339(), "2010-11-08T18:45:11.728Z");
        let t = Timestamp::from_epoch_ms(-1).expect("in range");
        assert_eq!(t.rfc3339(), "1969-12-31T23:59:59.999Z");
        let t = Timestamp::from_epoch_ms(1_341_381_600_000).expect("in range");
        assert_eq!(t.rfc3339(), "2012-07-04T06:00:00Z");
    }

    #[test]
    fn seconds_round_to_milliseconds_and_range_is_checked() {
        let t = Timestamp::from_epoch_seconds(1_289_241_911.728_36).map(Timestamp::epoch_ms);
        assert_eq!(t, Some(1_289_241_911_728));
        assert_eq!(Timestamp::from_epoch_seconds(f64::NAN), None);
        assert_eq!(Timestamp::from_epoch_seconds(1e30), None);
        let t = Timestamp::from_epoch_ms(1_341_381_600_000).expect("in range");
        assert_eq!(t.utc(), "2012-07-04T06:00:00Z");
        assert_eq!(Timestamp::from_epoch_ms(Timestamp::MAX_MS + 1), None);
        assert_eq!(
            Timestamp::from_epoch_ms(-1500).map(Timestamp::epoch_seconds),
            Some(-2)
        );
    }

    #[test]
    fn days_are_civil_dates_in_utc() {
        let day = |ms: i64| Timestamp::from_epoch_ms(ms).map(Timestamp::day);
        assert_eq!(day(0).as_deref(), Some("1970-01-01"));
        assert_eq!(day(-1).as_deref(), Some("1969-12-31"));
        assert_eq!(day(951_782_400_000).as_deref(), Some("2000-02-29"));
        assert_eq!(day(1_341_446_399_999).as_deref(), Some("2012-07-04"));
        assert_eq!(day(Timestamp::MIN_MS).as_deref(), Some("1900-01-01"));
        assert_eq!(day(Timestamp::MAX_MS).as_deref(), Some("2200-01-01"));
    }
}
