//! Access control: one table says which roles may perform each action, and [`authorize`] reads
//! it. The table is the permission matrix printed in ARCHITECTURE.md (a test keeps the two
//! equal).
//!
//! A denial on a tenant's resource is reported by the API as 404, never 403, so that a caller
//! cannot learn whether another tenant's resource exists.

use maxai_ports::{
    ClientId, TenantId,
    roles::{PlatformRole, TenantRole},
};

/// Something a caller wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create a tenant.
    TenantCreate,
    /// List every tenant.
    TenantList,
    /// Read a tenant.
    TenantRead,
    /// Rename, re-plan, suspend or reactivate a tenant.
    TenantUpdate,
    /// Create, deactivate and reactivate user accounts.
    UserManage,
    /// Read clients.
    ClientRead,
    /// Create, change and delete clients.
    ClientWrite,
    /// Read agents.
    AgentRead,
    /// Create, change and delete agents.
    AgentWrite,
    /// List members.
    MemberRead,
    /// Add, change and remove members.
    MemberWrite,
    /// List API keys.
    ApiKeyRead,
    /// Create and revoke API keys.
    ApiKeyWrite,
    /// Read the audit log.
    AuditRead,
    /// Read feature flags.
    FlagRead,
    /// Set feature flag defaults and overrides.
    FlagWrite,
}

/// Who, besides tenant members, may perform an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Staff {
    /// Platform admins only.
    Admin,
    /// Platform admins, and support for reading.
    AdminAndSupport,
}

/// Whether a client-scoped member may perform the action (on their own client only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scoping {
    /// Client-level: a member scoped to a client may act on that client's resources.
    PerClient,
    /// Tenant-level: only members of the whole tenant.
    TenantWide,
}

use TenantRole::{Admin, Editor, Operator, Owner, Supervisor, Viewer};

const ALL: &[TenantRole] = &[Owner, Admin, Editor, Supervisor, Operator, Viewer];
const EDITORS: &[TenantRole] = &[Owner, Admin, Editor];
const ADMINS: &[TenantRole] = &[Owner, Admin];
const NOBODY: &[TenantRole] = &[];

struct Rule {
    action: Action,
    scope: &'static str,
    roles: &'static [TenantRole],
    staff: Staff,
    scoping: Scoping,
}

const fn rule(
    action: Action,
    scope: &'static str,
    roles: &'static [TenantRole],
    staff: Staff,
    scoping: Scoping,
) -> Rule {
    Rule { action, scope, roles, staff, scoping }
}

use Scoping::{PerClient, TenantWide};
use Staff::AdminAndSupport as Support;

/// The permission matrix. Order matters only for the documentation.
const RULES: &[Rule] = &[
    rule(Action::TenantCreate, "tenants:create", NOBODY, Staff::Admin, TenantWide),
    rule(Action::TenantList, "tenants:list", NOBODY, Support, TenantWide),
    rule(Action::TenantRead, "tenant:read", ALL, Support, PerClient),
    rule(Action::TenantUpdate, "tenant:write", NOBODY, Staff::Admin, TenantWide),
    rule(Action::UserManage, "users:manage", NOBODY, Staff::Admin, TenantWide),
    rule(Action::ClientRead, "clients:read", ALL, Support, PerClient),
    rule(Action::ClientWrite, "clients:write", EDITORS, Staff::Admin, PerClient),
    rule(Action::AgentRead, "agents:read", ALL, Support, PerClient),
    rule(Action::AgentWrite, "agents:write", EDITORS, Staff::Admin, PerClient),
    rule(Action::MemberRead, "members:read", ADMINS, Support, TenantWide),
    rule(Action::MemberWrite, "members:write", ADMINS, Staff::Admin, TenantWide),
    rule(Action::ApiKeyRead, "api_keys:read", ADMINS, Support, TenantWide),
    rule(Action::ApiKeyWrite, "api_keys:write", ADMINS, Staff::Admin, TenantWide),
    rule(Action::AuditRead, "audit:read", ADMINS, Support, TenantWide),
    rule(Action::FlagRead, "feature_flags:read", ALL, Support, TenantWide),
    rule(Action::FlagWrite, "feature_flags:write", NOBODY, Staff::Admin, TenantWide),
];

fn rule_of(action: Action) -> &'static Rule {
    // RULES lists every action once; `policy_table_covers_every_action` checks it
    RULES.iter().find(|r| r.action == action).unwrap_or(&RULES[0])
}

impl Action {
    /// The API key scope that grants this action.
    pub fn scope(self) -> &'static str {
        rule_of(self).scope
    }

    /// The action an API key scope grants, if the scope is one of ours.
    pub fn from_scope(scope: &str) -> Option<Action> {
        RULES.iter().find(|r| r.scope == scope).map(|r| r.action)
    }

    /// Whether an API key may be given this action: keys act inside one tenant, never as
    /// platform staff.
    pub fn grantable_to_keys(self) -> bool {
        !rule_of(self).roles.is_empty()
    }

    /// Every action, in the order of the matrix.
    pub fn all() -> impl Iterator<Item = Action> {
        RULES.iter().map(|r| r.action)
    }
}

/// What an action is performed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// The platform as a whole (tenant list, users).
    Platform,
    /// Something of one tenant; `client` when it belongs to one of the tenant's clients.
    Tenant {
        /// The tenant.
        tenant: TenantId,
        /// The client, for client-level resources.
        client: Option<ClientId>,
    },
}

/// A caller's grant in one tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The tenant.
    pub tenant: TenantId,
    /// The role there.
    pub role: TenantRole,
    /// The client the grant is narrowed to.
    pub client: Option<ClientId>,
}

/// How the caller authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A user with a password-issued access token, or an external OpenID Connect identity.
    Person {
        /// Platform role, if any.
        platform_role: Option<PlatformRole>,
        /// Tenant roles.
        grants: Vec<Grant>,
    },
    /// A tenant's API key.
    ApiKey {
        /// The tenant it acts for.
        tenant: TenantId,
        /// Its scopes (`*` for all).
        scopes: Vec<String>,
    },
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// `user:<id>`, `api_key:<id>` or `oidc:<subject>`, as written in the audit log.
    pub actor: String,
    /// What the caller holds.
    pub credential: Credential,
}

impl Principal {
    /// The caller's grant in a tenant, if it is a member.
    pub fn grant(&self, tenant: TenantId) -> Option<&Grant> {
        match &self.credential {
            Credential::Person { grants, .. } => grants.iter().find(|g| g.tenant == tenant),
            Credential::ApiKey { .. } => None,
        }
    }

    /// The client a member is narrowed to in a tenant: lists are filtered to it and checks are
    /// made against it.
    pub fn client_scope(&self, tenant: TenantId) -> Option<ClientId> {
        self.grant(tenant).and_then(|g| g.client)
    }

    /// The caller's platform role, if any.
    pub fn platform_role(&self) -> Option<PlatformRole> {
        match &self.credential {
            Credential::Person { platform_role, .. } => *platform_role,
            Credential::ApiKey { .. } => None,
        }
    }
}

/// The caller may not perform the action. The API turns this into 404 on tenant resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not allowed")]
pub struct Denied;

/// Decides whether `principal` may perform `action` on `resource`.
pub fn authorize(principal: &Principal, action: Action, resource: Resource) -> Result<(), Denied> {
    let rule = rule_of(action);
    match &principal.credential {
        Credential::Person { platform_role, grants } => {
            let staff_may = matches!(
                (platform_role, rule.staff),
                (Some(PlatformRole::Admin), _) | (Some(PlatformRole::Support), Staff::AdminAndSupport)
            );
            if staff_may {
                return Ok(());
            }
            let Resource::Tenant { tenant, client } = resource else { return Err(Denied) };
            let grant = grants.iter().find(|g| g.tenant == tenant).ok_or(Denied)?;
            if !rule.roles.contains(&grant.role) {
                return Err(Denied);
            }
            match (grant.client, rule.scoping) {
                (None, _) => Ok(()),
                (Some(own), Scoping::PerClient) if client == Some(own) => Ok(()),
                _ => Err(Denied),
            }
        }
        Credential::ApiKey { tenant: key_tenant, scopes } => {
            let Resource::Tenant { tenant, .. } = resource else { return Err(Denied) };
            let scoped = scopes.iter().any(|s| s == "*" || s == rule.scope);
            if tenant == *key_tenant && scoped && action.grantable_to_keys() { Ok(()) } else { Err(Denied) }
        }
    }
}

/// The matrix as a Markdown table: one row per action, one column per role.
pub fn matrix_markdown() -> String {
    let mut out = String::from(
        "| action | API key scope | platform admin | platform support | owner | admin | editor | supervisor | operator | viewer | client-scoped members |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for rule in RULES {
        let support = if rule.staff == Staff::AdminAndSupport { "✓" } else { "" };
        let mut row = format!("| {:?} | `{}` | ✓ | {support} |", rule.action, rule.scope);
        for role in TenantRole::ALL {
            row.push_str(if rule.roles.contains(&role) { " ✓ |" } else { "  |" });
        }
        let scoped = if rule.scoping == Scoping::PerClient && !rule.roles.is_empty() {
            " own client |"
        } else {
            "  |"
        };
        row.push_str(scoped);
        out.push_str(&row);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(platform_role: Option<PlatformRole>, grants: Vec<Grant>) -> Principal {
        Principal { actor: "user:test".into(), credential: Credential::Person { platform_role, grants } }
    }

    fn on(tenant: TenantId) -> Resource {
        Resource::Tenant { tenant, client: None }
    }

    #[test]
    fn policy_table_covers_every_action_once() {
        let actions: Vec<Action> = Action::all().collect();
        for action in &actions {
            assert_eq!(actions.iter().filter(|a| *a == action).count(), 1, "{action:?}");
            assert_eq!(Action::from_scope(action.scope()), Some(*action));
        }
        assert_eq!(actions.len(), 16);
    }

    #[test]
    fn members_act_only_in_their_own_tenant() {
        let (a, b) = (TenantId::new(), TenantId::new());
        let owner_of_a = person(None, vec![Grant { tenant: a, role: TenantRole::Owner, client: None }]);
        assert_eq!(authorize(&owner_of_a, Action::ClientWrite, on(a)), Ok(()));
        assert_eq!(authorize(&owner_of_a, Action::ClientRead, on(b)), Err(Denied));
        assert_eq!(authorize(&owner_of_a, Action::TenantCreate, Resource::Platform), Err(Denied));
    }

    #[test]
    fn viewers_read_and_do_not_write() {
        let t = TenantId::new();
        let viewer = person(None, vec![Grant { tenant: t, role: TenantRole::Viewer, client: None }]);
        assert_eq!(authorize(&viewer, Action::AgentRead, on(t)), Ok(()));
        assert_eq!(authorize(&viewer, Action::AgentWrite, on(t)), Err(Denied));
        assert_eq!(authorize(&viewer, Action::MemberRead, on(t)), Err(Denied));
    }

    #[test]
    fn support_reads_everything_and_changes_nothing() {
        let support = person(Some(PlatformRole::Support), vec![]);
        let t = TenantId::new();
        assert_eq!(authorize(&support, Action::AuditRead, on(t)), Ok(()));
        assert_eq!(authorize(&support, Action::TenantList, Resource::Platform), Ok(()));
        assert_eq!(authorize(&support, Action::ClientWrite, on(t)), Err(Denied));
        assert_eq!(authorize(&support, Action::TenantCreate, Resource::Platform), Err(Denied));
    }

    #[test]
    fn client_scoped_members_see_only_their_client() {
        let (t, mine, other) = (TenantId::new(), ClientId::new(), ClientId::new());
        let scoped = person(None, vec![Grant { tenant: t, role: TenantRole::Editor, client: Some(mine) }]);
        let at = |client| Resource::Tenant { tenant: t, client: Some(client) };
        assert_eq!(authorize(&scoped, Action::AgentWrite, at(mine)), Ok(()));
        assert_eq!(authorize(&scoped, Action::AgentWrite, at(other)), Err(Denied));
        assert_eq!(authorize(&scoped, Action::ClientWrite, on(t)), Err(Denied));
        assert_eq!(authorize(&scoped, Action::TenantRead, at(mine)), Ok(()));
    }

    #[test]
    fn api_keys_need_the_scope_and_their_own_tenant() {
        let (t, other) = (TenantId::new(), TenantId::new());
        let key = Principal {
            actor: "api_key:k".into(),
            credential: Credential::ApiKey { tenant: t, scopes: vec!["clients:read".into()] },
        };
        assert_eq!(authorize(&key, Action::ClientRead, on(t)), Ok(()));
        assert_eq!(authorize(&key, Action::ClientWrite, on(t)), Err(Denied));
        assert_eq!(authorize(&key, Action::ClientRead, on(other)), Err(Denied));
        let star = Principal {
            actor: "api_key:s".into(),
            credential: Credential::ApiKey { tenant: t, scopes: vec!["*".into()] },
        };
        assert_eq!(authorize(&star, Action::AgentWrite, on(t)), Ok(()));
        assert_eq!(authorize(&star, Action::TenantUpdate, on(t)), Err(Denied), "keys are never staff");
        assert_eq!(authorize(&star, Action::TenantList, Resource::Platform), Err(Denied));
    }
}
