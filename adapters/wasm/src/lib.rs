//! The plugin host: runs WebAssembly components with wasmtime, each call in a fresh store and
//! instance with a wall-clock deadline, a fuel budget and a memory cap, so a plugin that loops,
//! traps or grows without bound fails that call only.
//!
//! The host imports of `ports/wit` are linked: log, crypto, config, and outbound HTTP through
//! the egress policy (the manifest's hosts only, no internal or metadata addresses, redirects
//! checked again, a size cap, the tenant's credentials attached by the host). Presenting plugins
//! as the port traits comes next. It is the only crate that knows wasmtime.

mod adapter;
mod cache;
mod componentize;
mod egress;
mod error;
mod host;
mod imports;
mod installed;
mod limits;
mod manifest;
mod values;
mod wit;

pub use adapter::{CallEnvSource, CallObserver, CanonicalEvent, Incoming, PluginAdapter, WebhookRejection};
pub use componentize::componentize;
pub use egress::{Credential, EgressSettings, HttpCall, HttpOutcome};
pub use error::PluginError;
pub use host::{CallReport, HostSettings, Plugin, PluginHost};
pub use imports::{CallEnv, LogLine};
pub use installed::Installed;
pub use limits::CallLimits;
pub use manifest::{AllowedHost, ConfigKey, CredentialAttachment, Manifest, ManifestProblem};
