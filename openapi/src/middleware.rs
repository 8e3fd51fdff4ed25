//! What wraps every request: its id (`X-Request-Id`, taken from the caller when well-formed,
//! else new), the body size limit, the error body shape for errors raised outside handlers
//! (routing, parsing, limits), metrics and the access log.

use std::{sync::Arc, time::Instant};

use poem::{
    Body, Endpoint, IntoResponse, Request, Response,
    http::{HeaderValue, StatusCode, header},
};

use crate::{
    error::{ErrorBody, ErrorCode},
    metrics::Metrics,
};

/// The header that carries the request id both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the handlers of one request know about it without being passed it.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    /// The request id.
    pub id: String,
    /// The caller's address.
    pub client_addr: Option<String>,
}

tokio::task_local! {
    static REQUEST: RequestMeta;
}

/// The id of the request being handled (`-` outside a request).
pub fn current_request_id() -> String {
    REQUEST.try_with(|meta| meta.id.clone()).unwrap_or_else(|_| "-".into())
}

/// The caller's address of the request being handled.
pub fn current_client_addr() -> Option<String> {
    REQUEST.try_with(|meta| meta.client_addr.clone()).ok().flatten()
}

fn incoming_request_id(req: &Request) -> Option<String> {
    let id = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    well_formed.then(|| id.to_owned())
}

fn error_response(status: StatusCode, message: String) -> Response {
    let code = ErrorCode::for_status(status);
    let body = ErrorBody::new(code, message, None);
    // serializing a struct of strings cannot fail
    let json = serde_json::to_vec(&poem_openapi::types::ToJSON::to_json(&body)).unwrap_or_default();
    Response::builder().status(code.status()).content_type("application/json; charset=utf-8").body(json)
}

/// Wraps the whole API: see the module documentation.
pub async fn around<E: Endpoint>(
    endpoint: Arc<E>,
    mut req: Request,
    metrics: Arc<Metrics>,
    max_body_bytes: usize,
) -> poem::Result<Response> {
    let started = Instant::now();
    let meta = RequestMeta {
        id: incoming_request_id(&req).unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
        client_addr: req.remote_addr().as_socket_addr().map(|a| a.ip().to_string()),
    };
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let request_id = meta.id.clone();
    let mut response = REQUEST
        .scope(meta, async move {
            let declared = req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok());
            if declared.is_some_and(|len| len > max_body_bytes) {
                return too_large(max_body_bytes);
            }
            match req.take_body().into_bytes_limit(max_body_bytes).await {
                Ok(bytes) => req.set_body(Body::from(bytes)),
                Err(poem::error::ReadBodyError::PayloadTooLarge) => return too_large(max_body_bytes),
                Err(e) => {
                    return error_response(StatusCode::BAD_REQUEST, format!("cannot read the body: {e}"));
                }
            }
            let response = match endpoint.call(req).await {
                Ok(output) => output.into_response(),
                Err(error) => error.into_response(),
            };
            in_error_shape(response).await
        })
        .await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    metrics.observe_request(status, seconds);
    tracing::info!(request_id = %request_id, %method, %path, status, millis = seconds * 1e3, "request");
    Ok(response)
}

/// Gives errors raised outside handlers (routing, parameter parsing, authentication) the API's
/// error body; handler errors already have it.
async fn in_error_shape(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let text = response.into_body().into_string().await.unwrap_or_default();
    if status.is_server_error() {
        tracing::error!(request_id = %current_request_id(), error = %text, "unhandled error");
        return error_response(status, "internal error".into());
    }
    let message =
        if text.is_empty() { status.canonical_reason().unwrap_or("error").to_lowercase() } else { text };
    error_response(status, message)
}

fn too_large(max_body_bytes: usize) -> Response {
    error_response(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is larger than {max_body_bytes} bytes"))
}
