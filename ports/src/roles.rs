//! Roles: the platform's own staff and the roles a user holds inside one tenant.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A role over the whole platform, held by the operator's staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformRole {
    /// Runs the platform: creates tenants and users, may do anything.
    Admin,
    /// Helps tenants: reads everything, changes nothing.
    Support,
}

/// A role inside one tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantRole {
    /// Owns the tenant: everything, including other owners.
    Owner,
    /// Administers the tenant: members, keys, settings.
    Admin,
    /// Edits flows, prompts and bindings, clients and agents.
    Editor,
    /// An operator who may also decide approvals that need a supervisor.
    Supervisor,
    /// Watches and steers runs, decides ordinary approvals.
    Operator,
    /// Reads.
    Viewer,
}

impl TenantRole {
    /// Every tenant role, most powerful first.
    pub const ALL: [TenantRole; 6] = [
        TenantRole::Owner,
        TenantRole::Admin,
        TenantRole::Editor,
        TenantRole::Supervisor,
        TenantRole::Operator,
        TenantRole::Viewer,
    ];

    /// The role's name as it appears in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TenantRole::Owner => "owner",
            TenantRole::Admin => "admin",
            TenantRole::Editor => "editor",
            TenantRole::Supervisor => "supervisor",
            TenantRole::Operator => "operator",
            TenantRole::Viewer => "viewer",
        }
    }
}

impl PlatformRole {
    /// The role's name as it appears in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformRole::Admin => "admin",
            PlatformRole::Support => "support",
        }
    }
}

/// A role name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for TenantRole {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TenantRole::ALL.into_iter().find(|role| role.as_str() == s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

impl FromStr for PlatformRole {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(PlatformRole::Admin),
            "support" => Ok(PlatformRole::Support),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

impl fmt::Display for TenantRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for PlatformRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
