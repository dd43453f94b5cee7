//! Times as the API takes them: RFC 3339 with an offset, within the years 1970 to 9999 once
//! in UTC (an offset must not carry a time past what we can write back in the same form).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

/// What a field holding a time it cannot take is told.
pub const TIME_MESSAGE: &str =
    "must be an RFC 3339 time from 1970 to 9999, such as 2026-11-24T09:00:00Z";

/// An RFC 3339 time within the years 1970 to 9999 (in UTC).
pub fn parse_rfc3339(text: &str) -> Result<DateTime<Utc>, &'static str> {
    let t = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|_| TIME_MESSAGE)?
        .with_timezone(&Utc);
    if (1970..=9999).contains(&t.year()) {
        Ok(t)
    } else {
        Err(TIME_MESSAGE)
    }
}

/// The first time [`parse_rfc3339`] takes, in UTC: no stored time is earlier.
pub fn earliest() -> NaiveDateTime {
    DateTime::UNIX_EPOCH.naive_utc()
}

/// The last time [`parse_rfc3339`] takes, in UTC: no stored time is later.
pub fn latest() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 999_999_999))
        .unwrap_or(NaiveDateTime::MAX)
}

/// For `#[serde(default, deserialize_with = "...")]` on an `Option<DateTime<Utc>>`.
pub fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => parse_rfc3339(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rfc3339_within_the_years_we_can_write() {
        assert!(parse_rfc3339("2026-11-24T09:00:00Z").is_ok());
        assert!(parse_rfc3339("2026-11-24T09:00:00.5+01:00").is_ok());
        assert!(parse_rfc3339("1970-01-01T00:00:00Z").is_ok());
        assert!(parse_rfc3339("9999-12-31T23:59:59Z").is_ok());
        assert!(parse_rfc3339("9999-12-31T23:59:59-23:59").is_err());
        assert!(parse_rfc3339("1969-12-31T23:59:59Z").is_err());
        assert!(parse_rfc3339("1970-01-01T00:30:00+01:00").is_err());
        assert!(parse_rfc3339("2026-11-24 09:00:00").is_err());
        assert!(parse_rfc3339("2026-11-24").is_err());
    }

    #[test]
    fn earliest_and_latest_bound_every_time_taken() {
        let first = parse_rfc3339("1970-01-01T00:00:00Z").unwrap().naive_utc();
        let last = parse_rfc3339("9999-12-31T23:59:59.999999999Z")
            .unwrap()
            .naive_utc();
        assert_eq!(earliest(), first);
        assert_eq!(latest(), last);
    }
}
