//! Retell's `x-retell-signature: v=<unix ms>,d=<hex>`: the digest is the hex HMAC-SHA256 of the
//! raw body followed by the timestamp's decimal digits, keyed with the Retell API key (after
//! `retell-sdk`'s `lib/webhook_auth.py`). Requests more than five minutes from the time the
//! gateway received them are refused.

use maxai_plugin_sdk::webhook;

use maxai_plugin_sdk::time;

/// How far a signed timestamp may be from the time of receipt, as the SDK allows.
pub const TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// The secret holding the tenant's Retell API key.
pub const SECRET: &str = "api_key";

/// A parsed signature header.
#[derive(Debug, PartialEq, Eq)]
pub struct Signature {
    pub timestamp_ms: i64,
    pub digest: Vec<u8>,
}

/// Reads `v=<digits>,d=<64 hex digits>`.
pub fn parse(header: &str) -> Result<Signature, String> {
    let parts = webhook::signature_parts(header);
    let part = |key: &str| parts.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let timestamp_ms = part("v")
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse().ok())
        .ok_or("x-retell-signature has no timestamp `v`")?;
    let digest = part("d")
        .filter(|d| d.len() == 64)
        .and_then(|d| maxai_plugin_sdk::hex::decode(d).ok())
        .ok_or("x-retell-signature has no 64-digit hex digest `d`")?;
    Ok(Signature { timestamp_ms, digest })
}

/// Whether the signed time is within the tolerance of the time of receipt.
pub fn is_fresh(timestamp_ms: i64, received_at: &str) -> bool {
    time::unix_ms(received_at).is_some_and(|now| (now - timestamp_ms).abs() <= TOLERANCE_MS)
}

/// What the digest covers: the raw body, then the timestamp.
pub fn signed_message(body: &[u8], timestamp_ms: i64) -> Vec<u8> {
    let mut message = body.to_vec();
    message.extend_from_slice(timestamp_ms.to_string().as_bytes());
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_gives_timestamp_and_digest() {
        let header = format!("v=1795442700000,d={}", "ab".repeat(32));
        let signature = parse(&header).unwrap();
        assert_eq!((signature.timestamp_ms, signature.digest.len()), (1_795_442_700_000, 32));
        assert!(parse("v=,d=ab").is_err());
        assert!(parse(&format!("d={}", "ab".repeat(32))).is_err());
        assert!(parse("v=1795442700000,d=xyz").is_err());
    }

    #[test]
    fn freshness_is_five_minutes_either_way() {
        let now = "2026-11-23T14:05:00.000Z";
        assert!(is_fresh(1_795_442_700_000 - TOLERANCE_MS, now));
        assert!(!is_fresh(1_795_442_700_000 - TOLERANCE_MS - 1, now));
        assert!(!is_fresh(1_795_442_700_000 + TOLERANCE_MS + 1, now));
    }

    #[test]
    fn the_timestamp_follows_the_body() {
        assert_eq!(signed_message(b"{}", 17), b"{}17");
    }
}
