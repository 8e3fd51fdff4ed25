//! The plugin host: runs WebAssembly components with wasmtime, each call in a fresh store and
//! instance with a wall-clock deadline, a fuel budget and a memory cap, so a plugin that loops,
//! traps or grows without bound fails that call only.
//!
//! What it does not do yet: link the host imports of `ports/wit` (http, log, crypto, config) or
//! present plugins as the port traits; this crate is the sandbox those build on. It is the only
//! crate that knows wasmtime.

mod cache;
mod error;
mod host;
mod limits;
mod manifest;

pub use error::PluginError;
pub use host::{CallReport, HostSettings, Plugin, PluginHost};
pub use limits::CallLimits;
pub use manifest::{AllowedHost, ConfigKey, CredentialAttachment, Manifest, ManifestProblem};
