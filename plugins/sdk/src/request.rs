//! Outbound HTTP through the host, and reading a provider's answer: a success, or the port error
//! that tells the engine what to do (fix the input, reconnect, retry later).

use serde::{Serialize, de::DeserializeOwned};

use crate::{PortError, PortResult, form, http};

/// A request being built. Credentials are not set here: the host attaches them for the hosts the
/// manifest names.
#[derive(Clone, Debug)]
pub struct Request {
    method: &'static str,
    url: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    timeout_ms: Option<u32>,
}

impl Request {
    /// A request with `method` to `url` (which may carry a query already).
    pub fn new(method: &'static str, url: impl Into<String>) -> Self {
        Self { method, url: url.into(), query: vec![], headers: vec![], body: None, timeout_ms: None }
    }

    /// `GET url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    /// `POST url`.
    pub fn post(url: impl Into<String>) -> Self {
        Self::new("POST", url)
    }

    /// `PUT url`.
    pub fn put(url: impl Into<String>) -> Self {
        Self::new("PUT", url)
    }

    /// `DELETE url`.
    pub fn delete(url: impl Into<String>) -> Self {
        Self::new("DELETE", url)
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_owned(), value.to_string()));
        self
    }

    /// Adds a query parameter when there is a value.
    pub fn query_opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(value) => self.query(key, value),
            None => self,
        }
    }

    /// Sets a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// A JSON body.
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Self {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let mut request = self.header("content-type", "application/json");
        request.body = Some(bytes);
        request
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self {
        let mut request = self.header("content-type", "application/x-www-form-urlencoded");
        request.body = Some(form::encode(pairs).into_bytes());
        request
    }

    /// How long to wait for the answer (the host caps it).
    pub fn timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = Some(timeout_ms);
        self
    }

    /// The URL with the query parameters added.
    pub fn url(&self) -> String {
        if self.query.is_empty() {
            return self.url.clone();
        }
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}{}", self.url, form::encode(&self.query))
    }

    /// Sends it through the host. Any status is an answer here: see [`Response::ok`].
    pub fn send(self) -> PortResult<Response> {
        let request = http::Request {
            method: self.method.to_owned(),
            url: self.url(),
            headers: self.headers,
            body: self.body,
            timeout_ms: self.timeout_ms,
        };
        match http::send(&request) {
            Ok(response) => {
                Ok(Response { status: response.status, headers: response.headers, body: response.body })
            }
            Err(http::HttpError::Denied(why)) => {
                Err(PortError::Adapter(format!("request refused by the host: {why}")))
            }
            Err(http::HttpError::Timeout) => Err(PortError::Timeout),
            Err(http::HttpError::TooLarge) => {
                Err(PortError::Adapter("the provider's answer is too large".into()))
            }
            Err(http::HttpError::Transport(why)) => Err(PortError::Unavailable(why)),
        }
    }
}

/// A provider's answer.
#[derive(Clone, Debug)]
pub struct Response {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The answer when it is a success (2xx), otherwise the port error for it.
    pub fn ok(self) -> PortResult<Self> {
        if (200..300).contains(&self.status) {
            return Ok(self);
        }
        let retry_after = self.header("retry-after").and_then(|v| v.trim().parse().ok());
        Err(error_for(self.status, error_message(&self.body), retry_after))
    }

    /// The body read as JSON into `T`; a body of another shape is the adapter's failure.
    pub fn json<T: DeserializeOwned>(&self) -> PortResult<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| PortError::Adapter(format!("unexpected answer from the provider: {e}")))
    }
}

/// The port error for a provider's non-success status.
pub fn error_for(status: u16, message: String, retry_after_secs: Option<u64>) -> PortError {
    match status {
        400 | 409 | 422 => PortError::Invalid(message),
        401 | 403 => PortError::Unauthorized(message),
        404 => PortError::NotFound(message),
        429 => PortError::RateLimited(retry_after_secs),
        500..=599 => PortError::Unavailable(format!("{status}: {message}")),
        _ => PortError::Provider((status, message)),
    }
}

/// The provider's own words from an error body: `message`, `error.message`, `error` or the text.
pub fn error_message(body: &[u8]) -> String {
    let text = || String::from_utf8_lossy(body).chars().take(500).collect::<String>();
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else { return text() };
    let candidates = [&json["message"], &json["error"]["message"], &json["error"], &json["detail"]];
    match candidates.into_iter().find_map(|v| {
        v.as_str()
            .map(str::to_owned)
            .or(v.as_array().map(|a| a.iter().filter_map(|m| m.as_str()).collect::<Vec<_>>().join("; ")))
    }) {
        Some(message) if !message.is_empty() => message,
        _ => text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_what_the_caller_can_do() {
        assert!(matches!(error_for(422, "bad".into(), None), PortError::Invalid(m) if m == "bad"));
        assert!(matches!(error_for(401, "no".into(), None), PortError::Unauthorized(_)));
        assert!(matches!(error_for(429, "slow".into(), Some(3)), PortError::RateLimited(Some(3))));
        assert!(matches!(error_for(503, "down".into(), None), PortError::Unavailable(_)));
        assert!(matches!(error_for(402, "pay".into(), None), PortError::Provider((402, _))));
    }

    #[test]
    fn error_messages_come_from_the_usual_places() {
        assert_eq!(error_message(br#"{"message":"Contact not found"}"#), "Contact not found");
        assert_eq!(
            error_message(br#"{"error":{"message":"No such customer","type":"x"}}"#),
            "No such customer"
        );
        assert_eq!(
            error_message(br#"{"message":["phone is invalid","email is invalid"]}"#),
            "phone is invalid; email is invalid"
        );
        assert_eq!(error_message(b"Bad Gateway"), "Bad Gateway");
    }

    #[test]
    fn the_query_is_added_to_the_url() {
        let request =
            Request::get("https://x.test/a").query("q", "a b&c").query_opt("n", None::<u32>).query("n", 2);
        assert_eq!(request.url(), "https://x.test/a?q=a+b%26c&n=2");
        assert_eq!(Request::get("https://x.test/a?x=1").query("y", 2).url(), "https://x.test/a?x=1&y=2");
    }
}
