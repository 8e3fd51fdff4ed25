//! Storage ports: what `core` and the API need from a database.
//!
//! Rules every implementation keeps (the conformance suite in `maxai-openapi`'s integration tests
//! checks them on SQLite and PostgreSQL):
//! - every method that touches tenant data takes the `TenantId` first and never returns another
//!   tenant's record: a record of another tenant is `NotFound`;
//! - every write takes an [`AuditContext`] and appends its audit entry in the same transaction,
//!   so a change without its audit entry, or an entry without its change, cannot exist;
//! - unique keys (tenant slug, user email, membership) collide as `Conflict`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{
    AgentId, ApiKeyId, ClientId, StoreResult, TenantId, UserId,
    audit::{AuditContext, AuditEntry, AuditFilter, NewAuditEntry},
    page::{Page, PageRequest},
    roles::TenantRole,
    tenancy::*,
};

/// Tenants, for the platform's staff.
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Creates a tenant; a taken slug is a `Conflict`.
    async fn create_tenant(&self, new: NewTenant, audit: &AuditContext) -> StoreResult<Tenant>;
    /// Lists tenants in creation order.
    async fn list_tenants(&self, page: &PageRequest) -> StoreResult<Page<Tenant>>;
    /// Finds a tenant by id or slug.
    async fn find_tenant(&self, tenant: &TenantRef) -> StoreResult<Tenant>;
    /// Changes a tenant (suspending it is a change of status).
    async fn update_tenant(
        &self,
        id: TenantId,
        patch: TenantPatch,
        audit: &AuditContext,
    ) -> StoreResult<Tenant>;
}

/// A tenant's clients and agents.
#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Creates a client.
    async fn create_client(
        &self,
        tenant: TenantId,
        new: NewClient,
        audit: &AuditContext,
    ) -> StoreResult<Client>;
    /// Lists clients; `only` narrows the list to one client (for client-scoped members).
    async fn list_clients(
        &self,
        tenant: TenantId,
        only: Option<ClientId>,
        page: &PageRequest,
    ) -> StoreResult<Page<Client>>;
    /// Gets one client.
    async fn get_client(&self, tenant: TenantId, id: ClientId) -> StoreResult<Client>;
    /// Changes a client.
    async fn update_client(
        &self,
        tenant: TenantId,
        id: ClientId,
        patch: ClientPatch,
        audit: &AuditContext,
    ) -> StoreResult<Client>;
    /// Deletes a client and its agents.
    async fn delete_client(&self, tenant: TenantId, id: ClientId, audit: &AuditContext) -> StoreResult<()>;

    /// Creates an agent for a client of the same tenant (another tenant's client is `NotFound`).
    async fn create_agent(&self, tenant: TenantId, new: NewAgent, audit: &AuditContext)
    -> StoreResult<Agent>;
    /// Lists agents.
    async fn list_agents(
        &self,
        tenant: TenantId,
        filter: &AgentFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Agent>>;
    /// Gets one agent.
    async fn get_agent(&self, tenant: TenantId, id: AgentId) -> StoreResult<Agent>;
    /// Changes an agent and bumps its version; a stale `expected_version` is a `Conflict`.
    async fn update_agent(
        &self,
        tenant: TenantId,
        id: AgentId,
        patch: AgentPatch,
        audit: &AuditContext,
    ) -> StoreResult<Agent>;
    /// Deletes an agent.
    async fn delete_agent(&self, tenant: TenantId, id: AgentId, audit: &AuditContext) -> StoreResult<()>;
}

/// Users and their memberships in tenants.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// How many users exist (zero on first start).
    async fn count_users(&self) -> StoreResult<u64>;
    /// Creates a user; a taken email (in any case) is a `Conflict`.
    async fn create_user(&self, new: NewUser, audit: &AuditContext) -> StoreResult<User>;
    /// Finds a user by email, in any case.
    async fn find_user_by_email(&self, email: &str) -> StoreResult<User>;
    /// Gets a user.
    async fn get_user(&self, id: UserId) -> StoreResult<User>;
    /// Activates or deactivates a user; deactivation also revokes the user's sessions.
    async fn set_user_active(&self, id: UserId, active: bool, audit: &AuditContext) -> StoreResult<User>;

    /// Adds a member; an existing membership is a `Conflict`.
    async fn add_member(
        &self,
        tenant: TenantId,
        new: NewMembership,
        audit: &AuditContext,
    ) -> StoreResult<Membership>;
    /// Lists a tenant's members.
    async fn list_members(&self, tenant: TenantId, page: &PageRequest) -> StoreResult<Page<Member>>;
    /// The user's membership in the tenant.
    async fn membership(&self, tenant: TenantId, user: UserId) -> StoreResult<Membership>;
    /// A user with all of their memberships, in one round trip (every authenticated request
    /// needs both).
    async fn user_with_memberships(&self, user: UserId) -> StoreResult<(User, Vec<Membership>)>;
    /// Changes a member's role and client scope.
    async fn update_member(
        &self,
        tenant: TenantId,
        user: UserId,
        role: TenantRole,
        client_id: Option<ClientId>,
        audit: &AuditContext,
    ) -> StoreResult<Membership>;
    /// Removes a member.
    async fn remove_member(&self, tenant: TenantId, user: UserId, audit: &AuditContext) -> StoreResult<()>;
    /// How many owners a tenant has (the last one may not leave).
    async fn count_owners(&self, tenant: TenantId) -> StoreResult<u64>;
}

/// API keys and refresh tokens.
#[async_trait]
pub trait CredentialStore: Send + Sync {
    /// Stores a new key (its hash only).
    async fn create_api_key(
        &self,
        tenant: TenantId,
        new: NewApiKey,
        audit: &AuditContext,
    ) -> StoreResult<ApiKey>;
    /// Lists a tenant's keys, revoked ones included.
    async fn list_api_keys(&self, tenant: TenantId, page: &PageRequest) -> StoreResult<Page<ApiKey>>;
    /// Revokes a key at once.
    async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        audit: &AuditContext,
    ) -> StoreResult<ApiKey>;
    /// Finds a key by its public prefix, whatever its tenant (for authentication).
    async fn find_api_key(&self, prefix: &str) -> StoreResult<ApiKey>;
    /// Records that a key was used.
    async fn touch_api_key(&self, id: ApiKeyId, at: DateTime<Utc>) -> StoreResult<()>;

    /// Stores a refresh token.
    async fn insert_refresh_token(&self, token: RefreshToken) -> StoreResult<()>;
    /// Finds a refresh token by its hash.
    async fn find_refresh_token(&self, token_hash: &str) -> StoreResult<RefreshToken>;
    /// Marks `used` as exchanged and stores `next`, atomically; a token already used is a
    /// `Conflict` (the caller then revokes the family).
    async fn rotate_refresh_token(
        &self,
        used: uuid::Uuid,
        at: DateTime<Utc>,
        next: RefreshToken,
    ) -> StoreResult<()>;
    /// Revokes every token of a family.
    async fn revoke_refresh_family(&self, family: uuid::Uuid, at: DateTime<Utc>) -> StoreResult<()>;
}

/// The append-only audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an entry that goes with no write (a refused login, say).
    async fn append_audit(&self, entry: NewAuditEntry, audit: &AuditContext) -> StoreResult<()>;
    /// Lists entries, oldest first; `tenant: None` lists platform-level entries.
    async fn list_audit(
        &self,
        tenant: Option<TenantId>,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<AuditEntry>>;
}

/// Feature flags and platform settings.
#[async_trait]
pub trait SettingsStore: Send + Sync {
    /// Every flag with its value for the tenant.
    async fn list_flags(&self, tenant: TenantId) -> StoreResult<Vec<FeatureFlag>>;
    /// Creates or changes a flag's global default.
    async fn set_flag_default(
        &self,
        key: &str,
        description: &str,
        enabled: bool,
        audit: &AuditContext,
    ) -> StoreResult<()>;
    /// Sets (`Some`) or clears (`None`) a tenant's override of a flag that exists.
    async fn set_flag_override(
        &self,
        tenant: TenantId,
        key: &str,
        enabled: Option<bool>,
        audit: &AuditContext,
    ) -> StoreResult<FeatureFlag>;
    /// Stores `value` under `key` unless a value is there already; returns the value that won.
    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String>;
    /// Whether the database answers.
    async fn ping(&self) -> StoreResult<()>;
}

/// Everything the gateway stores, as one object to pass around.
pub trait Store:
    TenantStore + ClientStore + DirectoryStore + CredentialStore + AuditStore + SettingsStore
{
}

impl<T> Store for T where
    T: TenantStore + ClientStore + DirectoryStore + CredentialStore + AuditStore + SettingsStore
{
}
