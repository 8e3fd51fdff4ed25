//! The installed plugins: which provider adapters this gateway runs, the ports they implement and
//! what they may reach. Nothing secret is here: credentials live in the tenants' connections.

use std::sync::Arc;

use poem_openapi::{Object, OpenApi, payload::Json};

use super::{ApiTags, BearerAuth};
use crate::state::AppState;

pub struct PluginApi(pub Arc<AppState>);

/// A host a plugin may send requests to.
#[derive(Object, Debug)]
pub struct PluginHostView {
    /// `api.twilio.com`, or `*.example.com`.
    host: String,
    /// How the gateway attaches the tenant's credentials there: `bearer`, `basic`, `header` or
    /// `query`; absent when none are attached.
    credential: Option<String>,
}

/// An installed plugin.
#[derive(Object, Debug)]
pub struct PluginView {
    /// Its id (`twilio`).
    id: String,
    /// Its version.
    version: String,
    /// The ports it implements.
    ports: Vec<String>,
    /// Whether it verifies and normalizes webhooks.
    webhooks: bool,
    /// Where it may send requests.
    hosts: Vec<PluginHostView>,
    /// Its configuration keys.
    config_keys: Vec<String>,
    /// SHA-256 of the component, hex.
    sha256: String,
}

impl From<&maxai_wasm::Plugin> for PluginView {
    fn from(plugin: &maxai_wasm::Plugin) -> Self {
        let manifest = plugin.manifest();
        PluginView {
            id: plugin.name().to_owned(),
            version: manifest.map(|m| m.version.clone()).unwrap_or_default(),
            ports: manifest.map(|m| m.ports.clone()).unwrap_or_default(),
            webhooks: manifest.is_some_and(|m| m.webhooks),
            hosts: manifest
                .map(|m| &m.hosts[..])
                .unwrap_or_default()
                .iter()
                .map(|h| PluginHostView {
                    host: h.host.clone(),
                    credential: h.credential.as_ref().map(|c| c.kind().to_owned()),
                })
                .collect(),
            config_keys: manifest.map(|m| m.config.keys().cloned().collect()).unwrap_or_default(),
            sha256: plugin.hash().to_owned(),
        }
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Plugins")]
impl PluginApi {
    /// Lists the installed plugins (any authenticated caller).
    #[oai(path = "/plugins", method = "get")]
    async fn list(&self, _auth: BearerAuth) -> Json<Vec<PluginView>> {
        Json(self.0.plugins.plugins.values().map(Into::into).collect())
    }
}
