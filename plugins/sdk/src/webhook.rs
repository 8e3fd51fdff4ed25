//! Helpers for verifying and reading webhooks: headers, signature headers of the
//! `t=…,v1=…` kind, and the freshness of a signed timestamp against the time the gateway
//! received the request (a plugin has no clock of its own).

/// A header of the request, by case-insensitive name.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// The `key=value` parts of a signature header (`t=1700000000,v1=ab…,v1=cd…`), in order.
pub fn signature_parts(value: &str) -> Vec<(&str, &str)> {
    value.split(',').filter_map(|part| part.trim().split_once('=')).collect()
}

/// Whether a signed timestamp is within `tolerance_secs` of when the request was received.
pub fn is_fresh(timestamp_secs: i64, received_at: &str, tolerance_secs: i64) -> bool {
    crate::time::unix_seconds(received_at).is_some_and(|now| (now - timestamp_secs).abs() <= tolerance_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

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
