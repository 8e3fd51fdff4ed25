//! Typed identifiers: one newtype per entity so a `ClientId` can never be passed as a `TenantId`.
//!
//! All ids are UUIDv7: they sort by creation time, which is what cursor pagination relies on.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type! {
    /// A tenant: one business using the gateway.
    TenantId,
    /// A client: a tenant's sub-account.
    ClientId,
    /// An agent: an AI employee of a client.
    AgentId,
    /// A user who signs in to the API.
    UserId,
    /// A user's membership in a tenant.
    MembershipId,
    /// A tenant's API key.
    ApiKeyId,
    /// An entry of the audit log.
    AuditId,
}
