//! What every port call carries (whose call it is, its idempotency key) and how it can fail.

use serde::{Deserialize, Serialize};

use crate::{AgentId, ClientId, TenantId};

/// The context of one port call: whose it is and how to make it safe to retry.
///
/// The tenant comes first, as for every storage call: there is no ambient tenant, and an adapter
/// picks the tenant's connection (credentials) from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallContext {
    /// The tenant the call acts for.
    pub tenant: TenantId,
    /// The client, when the call is for one of the tenant's clients.
    pub client: Option<ClientId>,
    /// The agent, when an AI employee makes the call.
    pub agent: Option<AgentId>,
    /// Stable across retries of the same step, so a provider that supports it (Stripe's
    /// `Idempotency-Key`, say) performs the side effect once.
    pub idempotency_key: String,
}

/// Why a port call failed, sorted by what the caller can do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PortError {
    /// The input was refused (by the port's schema or by the provider); fix the input.
    #[error("invalid input: {message}")]
    Invalid {
        /// What is wrong, naming the field where possible.
        message: String,
    },
    /// The provider has no such record.
    #[error("not found: {message}")]
    NotFound {
        /// What was looked for.
        message: String,
    },
    /// The provider refused the credentials: the tenant's connection needs attention.
    #[error("credentials refused: {message}")]
    Unauthorized {
        /// The provider's words.
        message: String,
    },
    /// The provider asks to slow down; retry after the given time.
    #[error("rate limited")]
    RateLimited {
        /// Seconds to wait, when the provider says.
        retry_after_secs: Option<u64>,
    },
    /// The provider or the network failed in a way that may pass; retry with backoff.
    #[error("unavailable: {message}")]
    Unavailable {
        /// What failed.
        message: String,
    },
    /// The call ran past its deadline.
    #[error("timed out")]
    Timeout,
    /// Any other answer of the provider that is not success.
    #[error("provider answered {status}: {message}")]
    Provider {
        /// The provider's HTTP status.
        status: u16,
        /// The provider's message.
        message: String,
    },
    /// The adapter itself failed (a plugin trapped or ran out of memory or fuel).
    #[error("adapter failed: {message}")]
    Adapter {
        /// What happened.
        message: String,
    },
    /// No such operation in the port.
    #[error("unknown operation `{operation}`")]
    UnknownOperation {
        /// The operation asked for.
        operation: String,
    },
}

impl PortError {
    /// Whether retrying the same call may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, PortError::RateLimited { .. } | PortError::Unavailable { .. } | PortError::Timeout)
    }
}

/// The result of a port call.
pub type PortResult<T> = Result<T, PortError>;
