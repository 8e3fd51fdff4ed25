//! The vocabulary every other crate speaks: typed ids, domain records, access roles, errors, the
//! storage port traits, and the integration ports (CRM, messaging, voice, payments, LLM,
//! calendar) with their catalog.
//!
//! This crate knows no framework: no diesel, poem, wasmtime or HTTP client types appear here, so
//! `core` can be tested against in-memory implementations and run against either database.

pub mod adapter;
pub mod audit;
pub mod calendar;
pub mod call;
pub mod catalog;
pub mod crm;
pub mod error;
pub mod ids;
pub mod llm;
pub mod messaging;
pub mod page;
pub mod payments;
pub mod roles;
pub mod store;
pub mod tenancy;
pub mod voice;

pub use error::{StoreError, StoreResult};
pub use ids::{AgentId, ApiKeyId, AuditId, ClientId, MembershipId, TenantId, UserId};
