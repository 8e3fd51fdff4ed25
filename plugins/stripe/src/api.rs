//! Talking to Stripe's REST API: form bodies in Stripe's bracket notation, the pinned API
//! version, an `Idempotency-Key` on every POST, and Stripe's error objects turned into port
//! errors.

use maxai_plugin_sdk::{CallContext, PortError, PortResult, Request, Response, request::error_for};
use serde::Deserialize;

/// The API root.
pub const API: &str = "https://api.stripe.com/v1";

/// The API version the plugin reads and writes (the one stripe-python 16.1 pins), so that the
/// answers keep their shape whatever the account's default version is.
pub const API_VERSION: &str = "2026-10-28.endive";

/// A form body: `key=value` pairs, nested keys in brackets (`metadata[order]=42`).
#[derive(Default, Debug)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// Adds `key=value`.
    pub fn set(&mut self, key: impl Into<String>, value: impl ToString) {
        self.0.push((key.into(), value.to_string()));
    }

    /// Adds `key=value` when there is a value.
    pub fn set_opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.set(key, value);
        }
    }

    /// Adds `metadata[k]=v` for each pair.
    pub fn metadata(&mut self, metadata: &[(String, String)]) {
        for (key, value) in metadata {
            self.set(format!("metadata[{key}]"), value);
        }
    }
}

/// `POST {API}{path}` with a form body and the step's idempotency key.
pub fn post(path: &str, call: &CallContext, form: &Form) -> PortResult<Response> {
    let request = Request::post(format!("{API}{path}"))
        .header("Stripe-Version", API_VERSION)
        .header("Idempotency-Key", call.idempotency_key.clone())
        .form(&form.0);
    check(request.send()?)
}

/// `GET {API}{path}` with `query`.
pub fn get(path: &str, query: &[(&str, String)]) -> PortResult<Response> {
    let request = query
        .iter()
        .fold(Request::get(format!("{API}{path}")), |request, (key, value)| request.query(key, value))
        .header("Stripe-Version", API_VERSION);
    check(request.send()?)
}

/// An id that can go in a path: Stripe's ids are letters, digits and underscores.
pub fn id_segment<'a>(what: &str, id: &'a str) -> PortResult<&'a str> {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(id)
    } else {
        Err(PortError::Invalid(format!("`{id}` is not a Stripe {what} id")))
    }
}

/// The body of Stripe's error answers.
#[derive(Deserialize, Default, Debug, PartialEq)]
pub struct StripeError {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub param: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: StripeError,
}

fn check(response: Response) -> PortResult<Response> {
    if (200..300).contains(&response.status) {
        return Ok(response);
    }
    let retry_after = response.header("retry-after").and_then(|v| v.trim().parse().ok());
    let error = serde_json::from_slice::<ErrorBody>(&response.body).map(|b| b.error).unwrap_or_else(|_| {
        let text = String::from_utf8_lossy(&response.body).chars().take(300).collect();
        StripeError { message: Some(text), ..StripeError::default() }
    });
    Err(port_error(response.status, retry_after, &error))
}

/// The port error for Stripe's answer `status` with `error`: a declined card is the provider's
/// refusal, a missing resource is not found whatever the status, the rest goes by status.
pub fn port_error(status: u16, retry_after: Option<u64>, error: &StripeError) -> PortError {
    let message = describe(error);
    match (error.kind.as_deref(), error.code.as_deref()) {
        (Some("card_error"), _) => PortError::Provider((status, message)),
        (_, Some("resource_missing")) => PortError::NotFound(message),
        _ => error_for(status, message, retry_after),
    }
}

/// `No such customer: 'cus_1' (resource_missing, param customer)`.
fn describe(error: &StripeError) -> String {
    let message = error.message.clone().unwrap_or_else(|| "Stripe refused the request".into());
    let details: Vec<String> = [error.code.clone(), error.param.as_ref().map(|p| format!("param {p}"))]
        .into_iter()
        .flatten()
        .collect();
    if details.is_empty() { message } else { format!("{message} ({})", details.join(", ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(kind: &str, code: Option<&str>) -> StripeError {
        StripeError {
            kind: Some(kind.into()),
            code: code.map(Into::into),
            message: Some("m".into()),
            param: Some("p".into()),
        }
    }

    #[test]
    fn stripe_errors_map_by_type_code_and_status() {
        let declined = port_error(402, None, &error("card_error", Some("card_declined")));
        assert!(matches!(declined, PortError::Provider((402, m)) if m == "m (card_declined, param p)"));
        let missing = port_error(404, None, &error("invalid_request_error", Some("resource_missing")));
        assert!(matches!(missing, PortError::NotFound(m) if m == "m (resource_missing, param p)"));
        let invalid = port_error(400, None, &error("invalid_request_error", Some("parameter_missing")));
        assert!(matches!(invalid, PortError::Invalid(_)));
        let unauthorized = port_error(401, None, &StripeError::default());
        assert!(matches!(unauthorized, PortError::Unauthorized(m) if m == "Stripe refused the request"));
        let limited = port_error(429, Some(2), &error("invalid_request_error", None));
        assert!(matches!(limited, PortError::RateLimited(Some(2))));
        assert!(matches!(port_error(500, None, &error("api_error", None)), PortError::Unavailable(_)));
    }

    #[test]
    fn ids_in_paths_are_stripe_ids() {
        assert!(matches!(
            id_segment("payment", "pi_3MtwBwLkdIwHu7ix28a3tqPa"),
            Ok("pi_3MtwBwLkdIwHu7ix28a3tqPa")
        ));
        assert!(id_segment("payment", "pi_1/../x").is_err());
        assert!(id_segment("payment", "").is_err());
    }
}
