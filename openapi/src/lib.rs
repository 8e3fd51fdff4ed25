//! The HTTP API of the gateway (poem + poem-openapi) and its composition: [`Gateway::start`]
//! opens the store, migrates it, runs first start and builds the endpoint that `maxai serve`
//! listens with. This crate is the only one that knows the wire format.

pub mod api;
pub mod bootstrap;
pub mod error;
pub mod metrics;
pub mod middleware;
pub mod oidc;
pub mod plugins;
pub mod settings;
pub mod state;

use std::sync::Arc;

use maxai_core::auth::{throttle::LoginThrottle, token::TokenSigner};
use maxai_db::{PoolOptions, SqlStore};
use maxai_ports::store::Store;
use poem::{Endpoint, EndpointExt as _, Route};
use poem_openapi::OpenApiService;

use crate::{settings::Settings, state::AppState};

/// The API's title in the OpenAPI document.
pub const API_TITLE: &str = "MaxAI Gateway API";

/// The OpenAPI service over every operation.
pub fn openapi_service(state: Arc<AppState>) -> OpenApiService<api::Api, ()> {
    OpenApiService::new(api::api(state), API_TITLE, env!("CARGO_PKG_VERSION"))
        .description("Multi-tenant integration gateway for AI employees. Errors are `{\"error\": {\"code\", \"message\", \"details\", \"request_id\"}}`; lists take `limit` and `cursor`.")
}

/// The OpenAPI document (what `/openapi.json` serves), pretty-printed.
pub fn openapi_spec() -> anyhow::Result<String> {
    // the document needs the operations, not their state: an in-memory SQLite pool that is never
    // connected stands in for the store
    let state = Arc::new(AppState {
        store: Arc::new(SqlStore::open(":memory:", PoolOptions::default())?),
        signer: TokenSigner::new(&[0; 32]),
        throttle: LoginThrottle::default(),
        metrics: Arc::default(),
        oidc: None,
        plugins: Arc::default(),
    });
    Ok(openapi_service(state).spec())
}

/// The whole HTTP endpoint: the API, its document and docs UI, wrapped in the middleware.
pub fn endpoint(state: Arc<AppState>, max_body_bytes: usize) -> impl Endpoint + 'static {
    let service = openapi_service(state.clone());
    let spec = service.spec_endpoint();
    let docs = service.swagger_ui();
    let metrics = state.metrics.clone();
    Route::new().nest("/", service).at("/openapi.json", spec).nest("/docs", docs).data(state).around(
        move |endpoint, req| {
            let metrics = metrics.clone();
            middleware::around(endpoint, req, metrics, max_body_bytes)
        },
    )
}

/// A started gateway: its state and what first start did.
pub struct Gateway {
    /// The shared state.
    pub state: Arc<AppState>,
    /// What first start did.
    pub first_start: bootstrap::FirstStart,
    /// Migrations applied now.
    pub migrations: Vec<String>,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
}

impl Gateway {
    /// Opens and migrates the store, runs first start, and builds the state.
    pub async fn start(settings: &Settings) -> anyhow::Result<Self> {
        let options = PoolOptions { max_connections: settings.db_max_connections, ..PoolOptions::default() };
        let store = SqlStore::open(&settings.database_url, options)?;
        let migrations = store.migrate().await?;
        let backend = store.backend_name();
        let store: Arc<dyn Store> = Arc::new(store);
        let key = bootstrap::signing_key(store.as_ref(), settings).await?;
        let first_start = bootstrap::first_start(store.as_ref(), settings).await?;
        let state = Arc::new(AppState {
            store,
            signer: TokenSigner::new(&key),
            throttle: LoginThrottle::default(),
            metrics: Arc::default(),
            oidc: settings.oidc.as_ref().map(oidc::OidcVerifier::new),
            plugins: Arc::new(install_plugins(settings).await?),
        });
        Ok(Gateway { state, first_start, migrations, backend })
    }
}

/// Installs the plugins of the configured directory, compiling each once (then from the cache).
/// A plugin that does not install is logged and left out; no directory means no plugins.
async fn install_plugins(settings: &Settings) -> anyhow::Result<maxai_wasm::Installed> {
    let dir = settings.plugins_dir.clone();
    if !dir.is_dir() {
        tracing::info!(dir = %dir.display(), "no plugins directory: no plugins installed");
        return Ok(maxai_wasm::Installed::default());
    }
    let host_settings = maxai_wasm::HostSettings {
        cache_dir: Some(settings::PLUGIN_CACHE_DIR.into()),
        ..maxai_wasm::HostSettings::default()
    };
    let host = maxai_wasm::PluginHost::new(host_settings)?;
    let installed = tokio::task::spawn_blocking(move || maxai_wasm::Installed::from_dir(&host, &dir)).await?;
    for plugin in installed.plugins.values() {
        let version = plugin.manifest().map(|m| m.version.as_str()).unwrap_or_default();
        tracing::info!(plugin = plugin.name(), version, "plugin installed");
    }
    for (file, why) in &installed.refused {
        tracing::warn!(file, why, "plugin refused");
    }
    Ok(installed)
}
