//! What `X-Twilio-Signature` covers, after Twilio's reference validator (twilio-python's
//! `request_validator.py`): the full URL Twilio called, then, for a form body, each parameter
//! name followed by its value, names sorted and each name's distinct values sorted. For a JSON
//! body Twilio puts `bodySHA256=<hex sha256 of the body>` in the URL's query and signs the URL
//! alone. The signature is base64 of an HMAC-SHA1 keyed with the account's auth token; webhooks
//! signed with a SharedKey say so in `X-Twilio-Webhooks-Signature-Settings`
//! (`key=…,algorithm=HMAC_SHA256`). Twilio is not consistent about ports, so the URL is tried
//! with and without its default port, as the reference validator does.

use maxai_plugin_sdk::{base64::Engine as _, crypto::HmacAlgorithm, form};

/// The secret holding the account's auth token.
pub const AUTH_TOKEN: &str = "auth_token";
/// The secret holding the SharedKey secret, for webhooks signed with one.
pub const SHARED_KEY: &str = "shared_key";

/// The signature bytes of the header.
pub fn decode(header: &str) -> Result<Vec<u8>, String> {
    maxai_plugin_sdk::base64::engine::general_purpose::STANDARD
        .decode(header.trim())
        .map_err(|_| "X-Twilio-Signature is not base64".to_owned())
}

/// The secret name and algorithm, from `X-Twilio-Webhooks-Signature-Settings` when present.
pub fn key(settings: Option<&str>) -> Result<(&'static str, HmacAlgorithm), String> {
    let Some(settings) = settings.filter(|s| !s.trim().is_empty()) else {
        return Ok((AUTH_TOKEN, HmacAlgorithm::Sha1));
    };
    let algorithm = settings
        .split(',')
        .filter_map(|part| part.split_once('='))
        .find(|(name, _)| name.trim() == "algorithm")
        .map(|(_, value)| value.trim().to_ascii_uppercase());
    match algorithm.as_deref() {
        None | Some("HMAC_SHA1") => Ok((SHARED_KEY, HmacAlgorithm::Sha1)),
        Some("HMAC_SHA256") => Ok((SHARED_KEY, HmacAlgorithm::Sha256)),
        Some(other) => Err(format!("unsupported signature algorithm `{other}`")),
    }
}

/// Whether a body is form-encoded (Twilio's messaging webhooks always are).
pub fn is_form(content_type: Option<&str>) -> bool {
    content_type
        .is_none_or(|ct| ct.trim().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

/// The signed parameters of a form body; another body must be covered by `bodySHA256`.
pub fn form_params(content_type: Option<&str>, body: &[u8]) -> Result<String, String> {
    if body.is_empty() {
        return Ok(String::new());
    }
    if !is_form(content_type) {
        return Err("a body that is not a form must be covered by bodySHA256".into());
    }
    Ok(signed_params(&form::parse(body)))
}

/// `name + value` for every parameter, names sorted, each name's distinct values sorted.
pub fn signed_params(pairs: &[(String, String)]) -> String {
    let mut names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut signed = String::new();
    for name in names {
        let mut values: Vec<&str> =
            pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
        values.sort_unstable();
        values.dedup();
        for value in values {
            signed.push_str(name);
            signed.push_str(value);
        }
    }
    signed
}

/// The `bodySHA256` query parameter of the URL.
pub fn body_hash(url: &str) -> Option<String> {
    let without_fragment = url.split('#').next().unwrap_or(url);
    let (_, query) = without_fragment.split_once('?')?;
    form::parse(query.as_bytes()).into_iter().find(|(k, _)| k == "bodySHA256").map(|(_, v)| v)
}

/// The URL without its port and with its scheme's default port (or the URL itself twice over
/// when it cannot be read).
pub fn url_variants(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else { return vec![url.to_owned()] };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (format!("{userinfo}@"), host_port),
        None => (String::new(), authority),
    };
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => host_port,
    };
    let default_port = if scheme.eq_ignore_ascii_case("https") { 443 } else { 80 };
    let without = format!("{scheme}://{userinfo}{host}{tail}");
    let with = if host == host_port {
        format!("{scheme}://{userinfo}{host}:{default_port}{tail}")
    } else {
        url.to_owned()
    };
    if with == without { vec![without] } else { vec![without, with] }
}

/// Equality of two strings that does not stop at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_tried_with_and_without_the_port() {
        assert_eq!(
            url_variants("https://gw.test/hooks?a=1"),
            ["https://gw.test/hooks?a=1", "https://gw.test:443/hooks?a=1"]
        );
        assert_eq!(url_variants("http://gw.test:8080/h"), ["http://gw.test/h", "http://gw.test:8080/h"]);
        assert_eq!(
            url_variants("https://u:p@gw.test/h"),
            ["https://u:p@gw.test/h", "https://u:p@gw.test:443/h"]
        );
    }

    #[test]
    fn parameters_are_signed_sorted_by_name_then_value() {
        let pairs = [("To", "+1"), ("Body", "b"), ("MediaUrl", "z"), ("MediaUrl", "a")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()));
        assert_eq!(signed_params(&pairs), "BodybMediaUrlaMediaUrlzTo+1");
    }

    #[test]
    fn the_body_hash_comes_from_the_query() {
        assert_eq!(body_hash("https://gw.test/h?x=1&bodySHA256=ab12").as_deref(), Some("ab12"));
        assert_eq!(body_hash("https://gw.test/h?x=1"), None);
    }

    #[test]
    fn signature_settings_pick_the_secret_and_algorithm() {
        assert!(matches!(key(None), Ok((AUTH_TOKEN, HmacAlgorithm::Sha1))));
        assert!(matches!(key(Some("key=k1,algorithm=HMAC_SHA256")), Ok((SHARED_KEY, HmacAlgorithm::Sha256))));
        assert!(key(Some("key=k1,algorithm=HMAC_MD5")).is_err());
    }
}
