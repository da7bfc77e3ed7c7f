//! Timestamps as files write them: RFC 3339 text or epoch seconds.

use chrono::DateTime;
use socialset_model::Timestamp;

/// Parses RFC 3339 text (`2012-07-04T08:00:00Z`), a date (`2012-07-04`, midnight UTC), or
/// epoch seconds written as text (`1341100972`, `1289241911.72836`). `Err` holds the problem,
/// without the value.
pub fn parse_time_text(text: &str) -> Result<Timestamp, &'static str> {
    let text = text.trim();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let ms = date
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp_millis();
        return Timestamp::from_epoch_ms(ms).ok_or("is a time outside the years 1900–2200");
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return Timestamp::from_epoch_seconds(seconds)
            .ok_or("is an epoch time outside the years 1900–2200");
    }
    let parsed = DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%a %b %d %H:%M:%S %z %Y"))
        // The Graph API's offset without a colon (Instagram: `2021-08-17T19:00:42+0000`).
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z"))
        .map_err(|_| "is not an RFC 3339 time or epoch seconds")?;
    Timestamp::from_epoch_ms(parsed.timestamp_millis())
        .ok_or("is a time outside the years 1900–2200")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_epoch_and_twitter_v1_times() {
        let ms = |s: &str| parse_time_text(s).map(Timestamp::epoch_ms);
        assert_eq!(ms("1970-01-01T00:00:01Z"), Ok(1000));
        assert_eq!(ms("2019-06-29T21:08:45+02:00"), Ok(1_561_835_325_000));
        assert_eq!(ms("1341100972"), Ok(1_341_100_972_000));
        assert_eq!(ms("Wed Jul 04 08:00:00 +0000 2012"), Ok(1_341_388_800_000));
        assert_eq!(ms("2012-07-04"), Ok(1_341_360_000_000));
        assert_eq!(ms("1970-01-01T00:00:01+0000"), Ok(1000));
        assert!(ms("yesterday").is_err());
        assert!(ms("1e20").is_err());
    }
}
