//! The engine. For now: who may do what ([`policy`]), and how callers prove who they are
//! ([`auth`]: passwords, access and refresh tokens, API keys, external OpenID Connect tokens,
//! throttling of failed logins).
//!
//! `core` knows no framework: no diesel, poem or HTTP client types. It reaches storage only
//! through the traits of `maxai-ports`.

pub mod auth;
pub mod policy;

pub use policy::{Action, Denied, Principal, Resource, authorize};
