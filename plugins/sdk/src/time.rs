//! Times between the providers' forms (Unix seconds or milliseconds) and the ports' (RFC 3339 in
//! UTC). A plugin has no clock: "now" for a webhook is its `received-at`.

/// Seconds since 1970 of an RFC 3339 time in UTC or with an offset (`2026-11-23T14:05:00Z`,
/// `2026-11-23T14:05:00.123+01:00`).
pub fn unix_seconds(rfc3339: &str) -> Option<i64> {
    let bytes = rfc3339.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        std::str::from_utf8(bytes.get(range)?).ok()?.parse().ok()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if bytes.get(4) != Some(&b'-') || !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let mut rest = &rfc3339[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        rest = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Milliseconds since 1970 of an RFC 3339 time (the fraction read to the millisecond).
pub fn unix_ms(rfc3339: &str) -> Option<i64> {
    let seconds = unix_seconds(rfc3339)?;
    let fraction = rfc3339.get(19..).and_then(|rest| rest.strip_prefix('.')).unwrap_or("");
    let digits: String =
        fraction.chars().take_while(char::is_ascii_digit).chain("000".chars()).take(3).collect();
    Some(seconds * 1000 + digits.parse::<i64>().ok()?)
}

/// `1795442700` → `2026-11-23T14:05:00Z`.
pub fn rfc3339(unix_seconds: i64) -> String {
    let (year, month, day, hour, minute, second) = civil(unix_seconds);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// `1795442700123` → `2026-11-23T14:05:00.123Z`.
pub fn rfc3339_ms(unix_ms: i64) -> String {
    let (year, month, day, hour, minute, second) = civil(unix_ms.div_euclid(1000));
    let millis = unix_ms.rem_euclid(1000);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

/// Any RFC 3339 time in UTC, to the second.
pub fn utc(rfc3339_time: &str) -> Option<String> {
    unix_seconds(rfc3339_time).map(rfc3339)
}

/// Days since 1970-01-01 of a date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month, day, hour, minute and second of Unix seconds (Hinnant's `civil_from_days`).
fn civil(unix_seconds: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (days, of_day) = (unix_seconds.div_euclid(86_400), unix_seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, of_day / 3600, of_day % 3600 / 60, of_day % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_become_unix_seconds() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-11-23T14:05:00Z"), Some(1_795_442_700));
        assert_eq!(unix_seconds("2026-11-23T15:05:00.250+01:00"), Some(1_795_442_700));
        assert_eq!(unix_seconds("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(unix_seconds("yesterday"), None);
    }

    #[test]
    fn unix_times_become_rfc3339_and_back() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_442_700), "2026-11-23T14:05:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        for t in [1_234_567_890, 1_709_251_199, 4_102_444_800] {
            assert_eq!(unix_seconds(&rfc3339(t)), Some(t));
        }
        assert_eq!(rfc3339_ms(1_795_442_700_123), "2026-11-23T14:05:00.123Z");
        assert_eq!(unix_ms("2026-11-23T14:05:00.123Z"), Some(1_795_442_700_123));
        assert_eq!(unix_ms("2026-11-23T14:05:00Z"), Some(1_795_442_700_000));
        assert_eq!(unix_ms("2026-11-23T14:05:00.5Z"), Some(1_795_442_700_500));
        assert_eq!(utc("2026-11-23T15:05:00.250+01:00").as_deref(), Some("2026-11-23T14:05:00Z"));
        assert_eq!(utc("1969-12-31T23:00:00-02:00").as_deref(), Some("1970-01-01T01:00:00Z"));
    }
}
