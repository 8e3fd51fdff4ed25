//! The vocabulary every other crate speaks: typed ids, domain records, access roles, errors and
//! the storage port traits.
//!
//! This crate knows no framework: no diesel, poem, wasmtime or HTTP client types appear here, so
//! `core` can be tested against in-memory implementations and run against either database.

pub mod audit;
pub mod error;
pub mod ids;
pub mod page;
pub mod roles;
pub mod store;
pub mod tenancy;

pub use error::{StoreError, StoreResult};
pub use ids::{AgentId, ApiKeyId, AuditId, ClientId, MembershipId, TenantId, UserId};
