//! The audit log's records: who did what to which target, from where, with which request id.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::{AuditId, TenantId};

/// Who did it and on behalf of which request: passed to every write so the store can record
/// the audit entry in the same transaction as the change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditContext {
    /// `user:<id>`, `api_key:<id>`, `oidc:<issuer subject>` or `system`.
    pub actor: String,
    /// The `X-Request-Id` of the request that caused the change.
    pub request_id: String,
    /// The caller's address, when known.
    pub client_addr: Option<String>,
}

impl AuditContext {
    /// The context of changes the gateway makes by itself (first start, maintenance).
    pub fn system() -> Self {
        Self { actor: "system".into(), request_id: "system".into(), client_addr: None }
    }
}

/// One entry to append to the audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAuditEntry {
    /// The tenant the action concerns, if any.
    pub tenant_id: Option<TenantId>,
    /// Dotted action name: `client.create`, `auth.login_failed`, …
    pub action: String,
    /// The id of the thing acted upon.
    pub target: Option<String>,
    /// What changed, with secrets already removed.
    pub summary: Value,
}

/// An entry of the append-only audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    /// Its id (time-ordered).
    pub id: AuditId,
    /// The tenant the action concerns, if any.
    pub tenant_id: Option<TenantId>,
    /// Who did it.
    pub actor: String,
    /// Dotted action name.
    pub action: String,
    /// The id of the thing acted upon.
    pub target: Option<String>,
    /// The request that caused it.
    pub request_id: String,
    /// The caller's address.
    pub client_addr: Option<String>,
    /// What changed, redacted.
    pub summary: Value,
    /// When.
    pub at: DateTime<Utc>,
}

/// Which audit entries to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this action, or actions under this prefix when it ends with `.`.
    pub action: Option<String>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
}
