//! The API's wire types: what requests carry and responses return. Secrets (password hashes,
//! key hashes) have no field here, so they cannot be returned by mistake.

use chrono::{DateTime, Utc};
use maxai_ports::{audit::AuditEntry, tenancy::*};
use poem_openapi::{Enum, Object};
use serde_json::Value;

/// Declares a `{"data": [...], "next_cursor": ...}` list type.
macro_rules! list_type {
    ($name:ident, $item:ty) => {
        /// One page of a list.
        #[derive(Object, Debug)]
        pub struct $name {
            /// The items, oldest first.
            pub data: Vec<$item>,
            /// Pass as `cursor` for the next page; absent on the last one.
            pub next_cursor: Option<String>,
        }

        impl<T: Into<$item>> From<maxai_ports::page::Page<T>> for $name {
            fn from(page: maxai_ports::page::Page<T>) -> Self {
                $name {
                    data: page.items.into_iter().map(Into::into).collect(),
                    next_cursor: page.next_cursor,
                }
            }
        }
    };
}

/// Role inside a tenant.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum RoleView {
    /// Everything.
    Owner,
    /// Members, keys, settings.
    Admin,
    /// Flows, prompts, bindings, clients, agents.
    Editor,
    /// Operator who may decide approvals that need a supervisor.
    Supervisor,
    /// Runs and approvals.
    Operator,
    /// Reads.
    Viewer,
}

impl From<maxai_ports::roles::TenantRole> for RoleView {
    fn from(role: maxai_ports::roles::TenantRole) -> Self {
        use maxai_ports::roles::TenantRole as R;
        match role {
            R::Owner => RoleView::Owner,
            R::Admin => RoleView::Admin,
            R::Editor => RoleView::Editor,
            R::Supervisor => RoleView::Supervisor,
            R::Operator => RoleView::Operator,
            R::Viewer => RoleView::Viewer,
        }
    }
}

impl From<RoleView> for maxai_ports::roles::TenantRole {
    fn from(role: RoleView) -> Self {
        use maxai_ports::roles::TenantRole as R;
        match role {
            RoleView::Owner => R::Owner,
            RoleView::Admin => R::Admin,
            RoleView::Editor => R::Editor,
            RoleView::Supervisor => R::Supervisor,
            RoleView::Operator => R::Operator,
            RoleView::Viewer => R::Viewer,
        }
    }
}

/// Platform role.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum PlatformRoleView {
    /// Runs the platform.
    Admin,
    /// Reads everything.
    Support,
}

impl From<maxai_ports::roles::PlatformRole> for PlatformRoleView {
    fn from(role: maxai_ports::roles::PlatformRole) -> Self {
        match role {
            maxai_ports::roles::PlatformRole::Admin => PlatformRoleView::Admin,
            maxai_ports::roles::PlatformRole::Support => PlatformRoleView::Support,
        }
    }
}

impl From<PlatformRoleView> for maxai_ports::roles::PlatformRole {
    fn from(role: PlatformRoleView) -> Self {
        match role {
            PlatformRoleView::Admin => maxai_ports::roles::PlatformRole::Admin,
            PlatformRoleView::Support => maxai_ports::roles::PlatformRole::Support,
        }
    }
}

/// A tenant.
#[derive(Object, Debug)]
pub struct TenantView {
    /// Id.
    pub id: String,
    /// Unique, URL-safe name; usable wherever `{tenant}` is.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// `active` or `suspended`.
    pub status: String,
    /// Billing plan.
    pub plan: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<Tenant> for TenantView {
    fn from(t: Tenant) -> Self {
        TenantView {
            id: t.id.to_string(),
            slug: t.slug,
            name: t.name,
            status: t.status.as_str().into(),
            plan: t.plan,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}
list_type!(TenantList, TenantView);

/// A client (sub-account).
#[derive(Object, Debug)]
pub struct ClientView {
    /// Id.
    pub id: String,
    /// Its tenant.
    pub tenant_id: String,
    /// Display name.
    pub name: String,
    /// The tenant's own reference for it.
    pub external_ref: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<Client> for ClientView {
    fn from(c: Client) -> Self {
        ClientView {
            id: c.id.to_string(),
            tenant_id: c.tenant_id.to_string(),
            name: c.name,
            external_ref: c.external_ref,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}
list_type!(ClientList, ClientView);

/// An agent (AI employee).
#[derive(Object, Debug)]
pub struct AgentView {
    /// Id.
    pub id: String,
    /// Its tenant.
    pub tenant_id: String,
    /// The client it works for.
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Channels: `sms`, `voice`, `chat`, `whatsapp`.
    pub channels: Vec<String>,
    /// Free-form configuration.
    pub config: Value,
    /// Grows with every change; send it back as `expected_version` to avoid lost updates.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<Agent> for AgentView {
    fn from(a: Agent) -> Self {
        AgentView {
            id: a.id.to_string(),
            tenant_id: a.tenant_id.to_string(),
            client_id: a.client_id.to_string(),
            name: a.name,
            channels: a.channels,
            config: a.config,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}
list_type!(AgentList, AgentView);

/// A user account.
#[derive(Object, Debug)]
pub struct UserView {
    /// Id.
    pub id: String,
    /// Email (lower-cased).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Platform role, for the operator's staff.
    pub platform_role: Option<PlatformRoleView>,
    /// A deactivated user is refused at once.
    pub active: bool,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id.to_string(),
            email: u.email,
            name: u.name,
            platform_role: u.platform_role.map(Into::into),
            active: u.active,
            created_at: u.created_at,
        }
    }
}

/// A member of a tenant.
#[derive(Object, Debug)]
pub struct MemberView {
    /// The user.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their role here.
    pub role: RoleView,
    /// The client they are narrowed to.
    pub client_id: Option<String>,
    /// Whether their account is active.
    pub active: bool,
    /// Member since.
    pub created_at: DateTime<Utc>,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        MemberView {
            user_id: m.membership.user_id.to_string(),
            email: m.email,
            name: m.name,
            role: m.membership.role.into(),
            client_id: m.membership.client_id.map(|c| c.to_string()),
            active: m.active,
            created_at: m.membership.created_at,
        }
    }
}
list_type!(MemberList, MemberView);

/// An API key, without its secret.
#[derive(Object, Debug)]
pub struct ApiKeyView {
    /// Id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// Its public prefix (`mxk_<prefix>_…`).
    pub prefix: String,
    /// What it may do.
    pub scopes: Vec<String>,
    /// Who created it.
    pub created_by: String,
    /// Last use.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Revocation.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> Self {
        ApiKeyView {
            id: k.id.to_string(),
            name: k.name,
            prefix: k.prefix,
            scopes: k.scopes,
            created_by: k.created_by,
            last_used_at: k.last_used_at,
            expires_at: k.expires_at,
            revoked_at: k.revoked_at,
            created_at: k.created_at,
        }
    }
}
list_type!(ApiKeyList, ApiKeyView);

/// An entry of the audit log.
#[derive(Object, Debug)]
pub struct AuditEntryView {
    /// Id.
    pub id: String,
    /// Who.
    pub actor: String,
    /// What (`client.create`, …).
    pub action: String,
    /// On what.
    pub target: Option<String>,
    /// The request that did it.
    pub request_id: String,
    /// From where.
    pub client_addr: Option<String>,
    /// What changed, without secrets.
    pub summary: Value,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        AuditEntryView {
            id: e.id.to_string(),
            actor: e.actor,
            action: e.action,
            target: e.target,
            request_id: e.request_id,
            client_addr: e.client_addr,
            summary: e.summary,
            at: e.at,
        }
    }
}
list_type!(AuditList, AuditEntryView);

/// A feature flag as it applies to a tenant.
#[derive(Object, Debug)]
pub struct FeatureFlagView {
    /// Name.
    pub key: String,
    /// What it does.
    pub description: String,
    /// Whether it is on for this tenant.
    pub enabled: bool,
    /// The global default.
    pub default_enabled: bool,
    /// This tenant's override, if any.
    pub tenant_override: Option<bool>,
}

impl From<FeatureFlag> for FeatureFlagView {
    fn from(f: FeatureFlag) -> Self {
        FeatureFlagView {
            enabled: f.enabled(),
            key: f.key,
            description: f.description,
            default_enabled: f.default_enabled,
            tenant_override: f.tenant_override,
        }
    }
}
