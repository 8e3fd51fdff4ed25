//! The API's error body, `{"error": {"code", "message", "details", "request_id"}}`, and the one
//! table that maps each error code to its HTTP status.
//!
//! Internal causes are logged with the request id and never returned.

use maxai_core::Denied;
use maxai_ports::StoreError;
use poem::http::StatusCode;
use poem_openapi::{ApiResponse, Object, payload::Json};
use serde_json::Value;

use crate::middleware::current_request_id;

/// The stable, machine-readable error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The request is malformed: bad JSON, a missing field, a wrong type.
    BadRequest,
    /// The request is well-formed but breaks a rule (a password too short, an unknown scope).
    InvalidRequest,
    /// No credentials, or credentials that do not verify.
    Unauthenticated,
    /// Authenticated, but not allowed (on platform resources; tenant resources answer 404).
    Forbidden,
    /// The tenant is suspended.
    TenantSuspended,
    /// Nothing here, or nothing the caller may see.
    NotFound,
    /// The change collides with existing state.
    Conflict,
    /// The body is larger than the limit.
    PayloadTooLarge,
    /// Too many attempts; wait for `Retry-After` seconds.
    RateLimited,
    /// A bug; the request id finds it in the logs.
    Internal,
    /// A dependency (the database) is down; retry later.
    Unavailable,
}

impl ErrorCode {
    /// The code as it appears in error bodies.
    pub fn as_str(self) -> &'static str {
        self.entry().0
    }

    /// The HTTP status the code is sent with.
    pub fn status(self) -> StatusCode {
        self.entry().1
    }

    fn entry(self) -> (&'static str, StatusCode) {
        match self {
            ErrorCode::BadRequest => ("bad_request", StatusCode::BAD_REQUEST),
            ErrorCode::InvalidRequest => ("invalid_request", StatusCode::BAD_REQUEST),
            ErrorCode::Unauthenticated => ("unauthenticated", StatusCode::UNAUTHORIZED),
            ErrorCode::Forbidden => ("forbidden", StatusCode::FORBIDDEN),
            ErrorCode::TenantSuspended => ("tenant_suspended", StatusCode::FORBIDDEN),
            ErrorCode::NotFound => ("not_found", StatusCode::NOT_FOUND),
            ErrorCode::Conflict => ("conflict", StatusCode::CONFLICT),
            ErrorCode::PayloadTooLarge => ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
            ErrorCode::RateLimited => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
            ErrorCode::Internal => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
            ErrorCode::Unavailable => ("unavailable", StatusCode::SERVICE_UNAVAILABLE),
        }
    }

    /// The code for a status produced outside our handlers (routing, body parsing, limits).
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
            StatusCode::FORBIDDEN => ErrorCode::Forbidden,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => ErrorCode::NotFound,
            StatusCode::CONFLICT => ErrorCode::Conflict,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
            StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Unavailable,
            s if s.is_client_error() => ErrorCode::BadRequest,
            _ => ErrorCode::Internal,
        }
    }
}

/// What went wrong.
#[derive(Object, Debug, Clone, PartialEq)]
pub struct ErrorDetail {
    /// Stable, machine-readable code (`not_found`, `conflict`, …).
    pub code: String,
    /// What failed, for a person.
    pub message: String,
    /// Structured context (the offending field, a limit).
    pub details: Option<Value>,
    /// The request's `X-Request-Id`, to find it in the logs and the audit log.
    pub request_id: String,
}

/// The body of every error response.
#[derive(Object, Debug, Clone, PartialEq)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

impl ErrorBody {
    /// A body for `code`, stamped with the current request id.
    pub fn new(code: ErrorCode, message: impl Into<String>, details: Option<Value>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: code.as_str().into(),
                message: message.into(),
                details,
                request_id: current_request_id(),
            },
        }
    }
}

/// An error answer of an operation.
#[derive(ApiResponse, Debug)]
pub enum ApiError {
    /// The request is malformed or breaks a rule.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Missing or invalid credentials.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// Not allowed, or the tenant is suspended.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// Nothing here the caller may see.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// Collides with existing state.
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// Too many attempts.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// A bug; see the logs under the request id.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// A dependency is down; retry later.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
}

/// The result of an operation.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with `code` and a message for a person.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::with_details(code, message, None)
    }

    /// An error with structured details.
    pub fn with_details(code: ErrorCode, message: impl Into<String>, details: Option<Value>) -> Self {
        let body = Json(ErrorBody::new(code, message, details));
        match code.status() {
            StatusCode::BAD_REQUEST => ApiError::BadRequest(body),
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized(body),
            StatusCode::FORBIDDEN => ApiError::Forbidden(body),
            StatusCode::NOT_FOUND => ApiError::NotFound(body),
            StatusCode::CONFLICT => ApiError::Conflict(body),
            StatusCode::TOO_MANY_REQUESTS => ApiError::TooManyRequests(body, 1),
            StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable(body),
            _ => ApiError::Internal(body),
        }
    }

    /// 404 with the standard message.
    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "not found")
    }

    /// 401 with the standard message.
    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "missing or invalid credentials")
    }

    /// 400 for input that breaks a rule.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// 429 asking the caller to wait.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let body = ErrorBody::new(
            ErrorCode::RateLimited,
            format!("too many attempts; retry in {retry_after_secs} s"),
            Some(serde_json::json!({ "retry_after_secs": retry_after_secs })),
        );
        ApiError::TooManyRequests(Json(body), retry_after_secs)
    }

    /// 500 for a bug: the cause is logged, not returned.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(request_id = %current_request_id(), %cause, "internal error");
        Self::new(ErrorCode::Internal, "internal error")
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict(_) => {
                ApiError::new(ErrorCode::Conflict, "conflicts with an existing record")
            }
            StoreError::Invalid(message) => ApiError::invalid(message),
            StoreError::Unavailable(cause) => {
                tracing::warn!(request_id = %current_request_id(), %cause, "storage unavailable");
                ApiError::new(ErrorCode::Unavailable, "storage is unavailable; retry later")
            }
            StoreError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

/// A denied action on a tenant's resource looks exactly like a missing one.
impl From<Denied> for ApiError {
    fn from(_: Denied) -> Self {
        ApiError::not_found()
    }
}
