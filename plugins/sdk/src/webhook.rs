//! Helpers for verifying and reading webhooks: headers, signature headers of the
//! `t=…,v1=…` kind, and timestamps against the time the gateway received the request (a plugin
//! has no clock of its own).

/// A header of the request, by case-insensitive name.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// The `key=value` parts of a signature header (`t=1700000000,v1=ab…,v1=cd…`), in order.
pub fn signature_parts(value: &str) -> Vec<(&str, &str)> {
    value.split(',').filter_map(|part| part.trim().split_once('=')).collect()
}

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
    // days from the civil date (Howard Hinnant's algorithm)
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Whether a signed timestamp is within `tolerance_secs` of when the request was received.
pub fn is_fresh(timestamp_secs: i64, received_at: &str, tolerance_secs: i64) -> bool {
    unix_seconds(received_at).is_some_and(|now| (now - timestamp_secs).abs() <= tolerance_secs)
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
    fn freshness_is_within_the_tolerance_either_way() {
        let now = "2026-11-23T14:05:00Z";
        assert!(is_fresh(1_795_442_700 - 300, now, 300));
        assert!(!is_fresh(1_795_442_700 - 301, now, 300));
        assert!(!is_fresh(1_795_442_700 + 301, now, 300));
    }

    #[test]
    fn signature_headers_split_into_parts() {
        let parts = signature_parts("t=1700000000, v1=ab,v1=cd,v0=ef");
        assert_eq!(parts, [("t", "1700000000"), ("v1", "ab"), ("v1", "cd"), ("v0", "ef")]);
        let headers = vec![("Stripe-Signature".to_owned(), "t=1".to_owned())];
        assert_eq!(header(&headers, "stripe-signature"), Some("t=1"));
    }
}
