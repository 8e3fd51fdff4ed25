//! Mapping of diesel and pool errors onto the ports' [`StoreError`].

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use maxai_ports::StoreError;

/// A [`StoreError`] that diesel's `?` can produce, so query bodies can mix both.
#[derive(Debug)]
pub(crate) struct Fail(pub(crate) StoreError);

impl From<DieselError> for Fail {
    fn from(error: DieselError) -> Self {
        Fail(classify(error))
    }
}

impl From<StoreError> for Fail {
    fn from(error: StoreError) -> Self {
        Fail(error)
    }
}

/// Sorts a diesel error by what the caller can do about it.
pub(crate) fn classify(error: DieselError) -> StoreError {
    match error {
        DieselError::NotFound => StoreError::NotFound,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            StoreError::Conflict(info.message().to_owned())
        }
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
            StoreError::Invalid(info.message().to_owned())
        }
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
            StoreError::Unavailable(info.message().to_owned())
        }
        DieselError::DatabaseError(_, info) if is_busy(info.message()) => {
            StoreError::Unavailable(info.message().to_owned())
        }
        other => StoreError::Internal(other.to_string()),
    }
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

/// A connection could not be had from the pool in time.
pub(crate) fn pool<E: std::fmt::Display>(error: E) -> StoreError {
    StoreError::Unavailable(format!("no database connection: {error}"))
}

/// A stored value that does not parse: a bug or a hand-edited row.
pub(crate) fn corrupt(what: &str, value: &str) -> Fail {
    Fail(StoreError::Internal(format!("corrupt {what} `{value}` in the database")))
}
