//! Tenancy records: tenants, their clients and agents, users, memberships, API keys, sessions and
//! feature flags, with the inputs that create and change them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    AgentId, ApiKeyId, ClientId, MembershipId, TenantId, UserId, roles::PlatformRole, roles::TenantRole,
};

/// Whether a tenant may use the gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    /// In service.
    Active,
    /// Switched off by the platform: its members and keys are refused.
    Suspended,
}

impl TenantStatus {
    /// The status as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
        }
    }

    /// Reads a stored status.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(TenantStatus::Active),
            "suspended" => Some(TenantStatus::Suspended),
            _ => None,
        }
    }
}

/// How a path names a tenant: by id or by slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TenantRef {
    /// `0195…` (a UUID).
    Id(TenantId),
    /// `acme-dental`.
    Slug(String),
}

impl TenantRef {
    /// A UUID is an id; anything else is a slug.
    pub fn parse(s: &str) -> Self {
        s.parse().map(TenantRef::Id).unwrap_or_else(|_| TenantRef::Slug(s.to_owned()))
    }
}

/// A tenant: one business using the gateway.
#[derive(Clone, Debug, PartialEq)]
pub struct Tenant {
    /// Its id.
    pub id: TenantId,
    /// Unique, URL-safe name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Active or suspended.
    pub status: TenantStatus,
    /// The plan it is billed on.
    pub plan: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// Input of tenant creation.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTenant {
    /// Unique, URL-safe name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The plan it is billed on.
    pub plan: String,
}

/// A change to a tenant; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TenantPatch {
    /// New display name.
    pub name: Option<String>,
    /// New plan.
    pub plan: Option<String>,
    /// Suspend or reactivate.
    pub status: Option<TenantStatus>,
}

/// A client: a tenant's sub-account (one of the businesses an agency serves, say).
#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    /// Its id.
    pub id: ClientId,
    /// The tenant it belongs to.
    pub tenant_id: TenantId,
    /// Display name.
    pub name: String,
    /// The tenant's own reference for it (a CRM location id, say).
    pub external_ref: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// Input of client creation.
#[derive(Clone, Debug, PartialEq)]
pub struct NewClient {
    /// Display name.
    pub name: String,
    /// The tenant's own reference for it.
    pub external_ref: Option<String>,
}

/// A change to a client.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientPatch {
    /// New display name.
    pub name: Option<String>,
    /// New external reference (`Some(None)` clears it).
    pub external_ref: Option<Option<String>>,
}

/// An agent: an AI employee of a client.
#[derive(Clone, Debug, PartialEq)]
pub struct Agent {
    /// Its id.
    pub id: AgentId,
    /// The tenant it belongs to.
    pub tenant_id: TenantId,
    /// The client it works for.
    pub client_id: ClientId,
    /// Display name.
    pub name: String,
    /// The channels it answers on: `sms`, `voice`, `chat`, `whatsapp`.
    pub channels: Vec<String>,
    /// Its configuration (voice, persona, prompts), free-form JSON.
    pub config: Value,
    /// Starts at 1 and grows with every change.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// Input of agent creation.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAgent {
    /// The client it works for (must belong to the same tenant).
    pub client_id: ClientId,
    /// Display name.
    pub name: String,
    /// Its channels.
    pub channels: Vec<String>,
    /// Its configuration.
    pub config: Value,
}

/// A change to an agent; `expected_version`, when given, makes it a compare-and-set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgentPatch {
    /// New display name.
    pub name: Option<String>,
    /// New channels.
    pub channels: Option<Vec<String>>,
    /// New configuration.
    pub config: Option<Value>,
    /// Refuse the change with a conflict unless the agent is at this version.
    pub expected_version: Option<i64>,
}

/// Which agents to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentFilter {
    /// Only this client's agents.
    pub client_id: Option<ClientId>,
}

/// A user who signs in with an email address and a password.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Lower-cased email address, unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The argon2id PHC string; never leaves the server.
    pub password_hash: String,
    /// The platform role, for the operator's own staff.
    pub platform_role: Option<PlatformRole>,
    /// A deactivated user is refused at once, whatever tokens it holds.
    pub active: bool,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// Input of user creation (the password already hashed).
#[derive(Clone, Debug, PartialEq)]
pub struct NewUser {
    /// Email address (stored lower-cased).
    pub email: String,
    /// Display name.
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Platform role, if any.
    pub platform_role: Option<PlatformRole>,
}

/// A user's role in a tenant, optionally narrowed to one client.
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    /// Its id.
    pub id: MembershipId,
    /// The member.
    pub user_id: UserId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The role.
    pub role: TenantRole,
    /// When set, the member sees only this client's resources.
    pub client_id: Option<ClientId>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// A membership with the member's email and name, as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The membership.
    pub membership: Membership,
    /// The member's email.
    pub email: String,
    /// The member's name.
    pub name: String,
    /// Whether the member's account is active.
    pub active: bool,
}

/// Input of membership creation or change.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMembership {
    /// The member.
    pub user_id: UserId,
    /// The role.
    pub role: TenantRole,
    /// Optional client scope (must belong to the same tenant).
    pub client_id: Option<ClientId>,
}

/// A tenant's API key, as stored: only a hash of the secret is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiKey {
    /// Its id.
    pub id: ApiKeyId,
    /// The tenant it acts for.
    pub tenant_id: TenantId,
    /// What it is for.
    pub name: String,
    /// The public part of the key (`mxk_<prefix>_…`), used to find it.
    pub prefix: String,
    /// SHA-256 of the whole key, hex.
    pub hash: String,
    /// What it may do: `clients:read`, `agents:write`, `*`, …
    pub scopes: Vec<String>,
    /// Who created it.
    pub created_by: String,
    /// When it last authenticated a request.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// Input of API key creation (the secret already hashed).
#[derive(Clone, Debug, PartialEq)]
pub struct NewApiKey {
    /// Its id, chosen by the caller so it can appear in the key.
    pub id: ApiKeyId,
    /// What it is for.
    pub name: String,
    /// Public prefix.
    pub prefix: String,
    /// SHA-256 of the whole key, hex.
    pub hash: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A refresh token, as stored: hashed, one of a family that rotates.
#[derive(Clone, Debug, PartialEq)]
pub struct RefreshToken {
    /// Its id.
    pub id: uuid::Uuid,
    /// Whose session.
    pub user_id: UserId,
    /// Every token issued from one login shares the family; reusing a rotated token revokes it.
    pub family_id: uuid::Uuid,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged for a new one.
    pub used_at: Option<DateTime<Utc>>,
    /// When its family was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A feature flag's value for one tenant: its override, else the global default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureFlag {
    /// Flag name (`snake_case`).
    pub key: String,
    /// What it does.
    pub description: String,
    /// The global default.
    pub default_enabled: bool,
    /// The tenant's override, if any.
    pub tenant_override: Option<bool>,
}

impl FeatureFlag {
    /// Whether the flag is on for the tenant.
    pub fn enabled(&self) -> bool {
        self.tenant_override.unwrap_or(self.default_enabled)
    }
}
