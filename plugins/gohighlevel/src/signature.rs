//! GoHighLevel's webhook signatures. GoHighLevel signs the raw JSON body with its private keys:
//!
//! - `X-GHL-Signature`: Ed25519, base64 (the current scheme);
//! - `x-wh-signature`: RSA-SHA256 with PKCS#1 v1.5 padding, base64 (legacy; GoHighLevel stops
//!   sending it on 1 July 2026).
//!
//! When `X-GHL-Signature` is there it alone decides (no falling back to the legacy header, as in
//! GoHighLevel's own SDK); a request with neither header is refused. The keys are public and come
//! from the configuration (`ed25519_public_key`, `rsa_public_key_pem`), by default the published
//! ones. The body's `timestamp` must then be within 5 minutes of when the gateway received the
//! request; `webhookId` is the event's id for deduplication (see `events`).

use maxai_plugin_sdk::{
    base64::{Engine as _, engine::general_purpose::STANDARD},
    config_or, crypto, hex, webhook,
};
use serde::Deserialize;

use crate::exports::maxai::ports::webhooks::{Incoming, WebhookError};

/// GoHighLevel's Ed25519 public key (SPKI, base64), as its Webhook Integration Guide publishes
/// it for `X-GHL-Signature`.
pub const PUBLISHED_ED25519_KEY: &str = "MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=";

/// GoHighLevel's RSA public key for `x-wh-signature`, from its Webhook Authentication Guide.
pub const PUBLISHED_RSA_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----
";

/// How far the body's `timestamp` may be from the time the request was received.
const TOLERANCE_SECS: i64 = 300;

/// The DER prefix of an Ed25519 `SubjectPublicKeyInfo`; the 32-byte key follows it.
const ED25519_SPKI_PREFIX: [u8; 12] =
    [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

fn bad(why: &str) -> WebhookError {
    WebhookError::BadSignature(why.into())
}

/// Whether the request is GoHighLevel's: a good signature over the raw body, and a fresh
/// timestamp in it.
pub fn verify(req: &Incoming) -> Result<(), WebhookError> {
    check_signature(req)?;
    check_timestamp(&req.body, &req.received_at)
}

fn present<'a>(req: &'a Incoming, name: &str) -> Option<&'a str> {
    webhook::header(&req.headers, name).map(str::trim).filter(|v| !v.is_empty())
}

fn check_signature(req: &Incoming) -> Result<(), WebhookError> {
    if let Some(signature) = present(req, "x-ghl-signature") {
        let key = ed25519_key(&config_or("ed25519_public_key", PUBLISHED_ED25519_KEY))
            .ok_or_else(|| bad("the configured ed25519_public_key is not an Ed25519 public key"))?;
        let signature = STANDARD.decode(signature).map_err(|_| bad("X-GHL-Signature is not base64"))?;
        return match crypto::verify_ed25519(&key, &req.body, &signature) {
            true => Ok(()),
            false => Err(bad("X-GHL-Signature does not match the body")),
        };
    }
    if let Some(signature) = present(req, "x-wh-signature") {
        let pem = rsa_pem(&config_or("rsa_public_key_pem", PUBLISHED_RSA_KEY));
        let signature = STANDARD.decode(signature).map_err(|_| bad("x-wh-signature is not base64"))?;
        return match crypto::verify_rsa_sha256(&pem, &req.body, &signature) {
            true => Ok(()),
            false => Err(bad("x-wh-signature does not match the body")),
        };
    }
    Err(bad("the request has neither X-GHL-Signature nor x-wh-signature"))
}

/// The 32 bytes of an Ed25519 public key written as PEM, base64 (raw or SPKI) or hex.
pub fn ed25519_key(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let bytes = if text.starts_with("-----BEGIN") {
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
        STANDARD.decode(body).ok()?
    } else if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        hex::decode(text).ok()?
    } else {
        STANDARD.decode(text).ok()?
    };
    match bytes.len() {
        32 => Some(bytes),
        44 if bytes.starts_with(&ED25519_SPKI_PREFIX) => Some(bytes[12..].to_vec()),
        _ => None,
    }
}

/// A PEM key as configured, with `\n` written out as two characters turned into line breaks.
fn rsa_pem(text: &str) -> String {
    text.trim().replace("\\n", "\n")
}

#[derive(Deserialize)]
struct Stamped {
    timestamp: Option<String>,
}

/// The signed body's `timestamp` is within [`TOLERANCE_SECS`] of `received_at`.
fn check_timestamp(body: &[u8], received_at: &str) -> Result<(), WebhookError> {
    let stamped: Stamped =
        maxai_plugin_sdk::from_json("the webhook", body).map_err(WebhookError::Malformed)?;
    let timestamp = stamped.timestamp.ok_or_else(|| bad("the body has no timestamp"))?;
    let seconds = maxai_plugin_sdk::time::unix_seconds(&timestamp)
        .ok_or_else(|| bad(&format!("the body's timestamp `{timestamp}` is not a time")))?;
    if webhook::is_fresh(seconds, received_at, TOLERANCE_SECS) {
        Ok(())
    } else {
        Err(bad(&format!("the body's timestamp {timestamp} is more than 5 minutes from {received_at}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_keys_are_read_in_every_written_form() {
        let raw = ed25519_key(PUBLISHED_ED25519_KEY).expect("the published key");
        assert_eq!(raw.len(), 32);
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{PUBLISHED_ED25519_KEY}\n-----END PUBLIC KEY-----\n");
        assert_eq!(ed25519_key(&pem), Some(raw.clone()));
        assert_eq!(ed25519_key(&hex::encode(&raw)), Some(raw.clone()));
        assert_eq!(ed25519_key(&STANDARD.encode(&raw)), Some(raw));
        assert_eq!(ed25519_key("not a key"), None);
        assert_eq!(ed25519_key(&STANDARD.encode([1u8; 44])), None);
    }

    #[test]
    fn timestamps_are_checked_against_the_time_of_receipt() {
        let body = br#"{"timestamp":"2025-01-28T14:35:00Z","webhookId":"abc123xyz"}"#;
        assert!(check_timestamp(body, "2025-01-28T14:39:59Z").is_ok());
        assert!(matches!(check_timestamp(body, "2025-01-28T14:40:01Z"), Err(WebhookError::BadSignature(_))));
        assert!(matches!(check_timestamp(b"{}", "2025-01-28T14:35:00Z"), Err(WebhookError::BadSignature(_))));
        assert!(matches!(check_timestamp(b"{", "2025-01-28T14:35:00Z"), Err(WebhookError::Malformed(_))));
    }
}
