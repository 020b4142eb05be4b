//! Date and time strings as archives write them, read in the site's time zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// Formats without an offset, tried in order; the time is then in the site's zone.
const LOCAL_FORMATS: [&str; 6] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
];

/// Reads RFC 3339 (`2023-03-07T10:00:00+02:00`), `2023-03-07`, `2023-03-07 10:15` and
/// their `T`/seconds variants. A time without an offset is in `tz`.
pub fn parse_date(text: &str, tz: Tz) -> Option<DateTime<Tz>> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&tz));
    }
    // RFC 3339 without seconds, e.g. 2023-03-07T10:00+02:00.
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z") {
        return Some(dt.with_timezone(&tz));
    }
    for format in LOCAL_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(local_to_zone(naive, tz));
        }
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(local_to_zone(date.and_time(NaiveTime::MIN), tz))
}

/// A wall-clock time in `tz`; in a DST gap the clock is moved forward an hour,
/// in a DST overlap the earlier instant wins.
pub fn local_to_zone(naive: NaiveDateTime, tz: Tz) -> DateTime<Tz> {
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
                .earliest()
        })
        .unwrap_or_else(|| tz.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};

    #[test]
    fn reads_the_documented_forms() {
        let cairo: Tz = "Africa/Cairo".parse().unwrap();
        let d = parse_date("2023-03-07", cairo).unwrap();
        assert_eq!((d.year(), d.month(), d.day(), d.hour()), (2023, 3, 7, 0));
        let d = parse_date("2023-03-07 10:15", cairo).unwrap();
        assert_eq!((d.hour(), d.minute()), (10, 15));
        let d = parse_date("2023-03-07T23:30:00Z", cairo).unwrap();
        // 23:30 UTC is already the 8th in Cairo (UTC+2).
        assert_eq!((d.day(), d.hour()), (8, 1));
        assert!(parse_date("Tuesday", cairo).is_none());
        assert!(parse_date("2023-02-30", cairo).is_none());
    }

    #[test]
    fn dst_gap_moves_forward() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let d = parse_date("2023-03-12 02:30", ny).unwrap();
        assert_eq!(d.hour(), 3);
    }
}
