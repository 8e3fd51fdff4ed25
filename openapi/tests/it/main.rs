//! The API's integration suite: every test here runs against the real endpoint, on SQLite and on
//! PostgreSQL (see `harness`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod api_keys;
mod auth;
mod documents;
mod errors;
mod isolation;
mod matrix;
mod oidc;
mod plugins;
mod shutdown;
mod tenancy;
