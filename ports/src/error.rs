//! Errors of the storage ports, sorted by what the caller can do about them.

use thiserror::Error;

/// What went wrong in a storage call.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The record does not exist, or it belongs to another tenant.
    #[error("not found")]
    NotFound,
    /// The write collides with an existing record (a unique key, a stale version).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input breaks a rule the store enforces (a dangling reference, say).
    #[error("invalid: {0}")]
    Invalid(String),
    /// The database cannot be reached right now; retrying may help.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A bug or a corrupt row; retrying will not help.
    #[error("storage failure: {0}")]
    Internal(String),
}

/// The result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;
