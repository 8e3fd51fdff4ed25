//! The plugin SDK: bindings to what the gateway offers a plugin (outbound HTTP, log, signature
//! checks, configuration) and helpers for the work every adapter does: JSON and form requests,
//! mapping a provider's answer to a port error, reading configuration and webhook headers.
//!
//! A plugin generates its own world's bindings with [`bindings!`], which reuses the types here,
//! so the helpers speak the plugin's types:
//!
//! ```ignore
//! maxai_plugin_sdk::bindings!("maxai:ports/messaging-adapter");
//! ```

pub mod form;
pub mod request;
pub mod time;
pub mod webhook;

pub use base64;
pub use hex;
pub use serde_json;
pub use wit_bindgen;

wit_bindgen::generate!({
    path: "../../ports/wit",
    world: "maxai:ports/sdk",
});

pub use maxai::ports::{config, crypto, http, log, types};
pub use request::{Request, Response};
pub use types::{CallContext, Money, PortError};

/// Generates the bindings of a plugin's world (`"maxai:ports/crm-adapter"`, …) over the SDK's,
/// so that [`PortError`], [`http`] and the rest are the SDK's own types. Use it once, at the root
/// of the plugin crate, then implement the world's `Guest` traits and call `export!`.
#[macro_export]
macro_rules! bindings {
    ($world:literal) => {
        $crate::wit_bindgen::generate!({
            path: "../../ports/wit",
            world: $world,
            runtime_path: "maxai_plugin_sdk::wit_bindgen::rt",
            with: {
                "maxai:ports/types@0.1.0": maxai_plugin_sdk::types,
                "maxai:ports/http@0.1.0": maxai_plugin_sdk::http,
                "maxai:ports/log@0.1.0": maxai_plugin_sdk::log,
                "maxai:ports/crypto@0.1.0": maxai_plugin_sdk::crypto,
                "maxai:ports/config@0.1.0": maxai_plugin_sdk::config,
            },
        });
    };
}

/// The result of a port operation.
pub type PortResult<T> = Result<T, PortError>;

/// A required configuration key of the calling tenant, or an `invalid` error naming it.
pub fn config_required(key: &str) -> PortResult<String> {
    config::get(key)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| PortError::Invalid(format!("the plugin's configuration has no `{key}`")))
}

/// A configuration key, or `default`.
pub fn config_or(key: &str, default: &str) -> String {
    config::get(key).filter(|value| !value.is_empty()).unwrap_or_else(|| default.to_owned())
}

/// Writes a line to the step's log.
pub fn info(message: &str) {
    log::log(log::Level::Info, message);
}

/// Writes a warning to the step's log.
pub fn warn(message: &str) {
    log::log(log::Level::Warn, message);
}

/// Parses JSON text (a webhook body, say) into `T`, naming what was being read on failure.
pub fn from_json<T: serde::de::DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{what} is not the expected JSON: {e}"))
}
