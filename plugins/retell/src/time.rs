//! Retell's times are milliseconds since 1970; the port's are RFC 3339 in UTC. A plugin has no
//! clock, so "now" for a webhook is the time the gateway received it.

use maxai_plugin_sdk::webhook;

/// `2026-11-23T14:05:00.123Z` for milliseconds since 1970.
pub fn rfc3339(unix_ms: i64) -> String {
    let (seconds, millis) = (unix_ms.div_euclid(1000), unix_ms.rem_euclid(1000));
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil(days);
    let (hour, minute, second) = (of_day / 3600, of_day % 3600 / 60, of_day % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Milliseconds since 1970 of an RFC 3339 time (the fraction read to the millisecond).
pub fn unix_ms(rfc3339: &str) -> Option<i64> {
    let seconds = webhook::unix_seconds(rfc3339)?;
    let fraction = rfc3339.get(19..).and_then(|rest| rest.strip_prefix('.')).unwrap_or("");
    let digits: String =
        fraction.chars().take_while(char::is_ascii_digit).chain("000".chars()).take(3).collect();
    Some(seconds * 1000 + digits.parse::<i64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_become_rfc3339_and_back() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_442_700_123), "2026-11-23T14:05:00.123Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(unix_ms("2026-11-23T14:05:00.123Z"), Some(1_795_442_700_123));
        assert_eq!(unix_ms("2026-11-23T14:05:00Z"), Some(1_795_442_700_000));
        assert_eq!(unix_ms("2026-11-23T14:05:00.5Z"), Some(1_795_442_700_500));
    }
}
