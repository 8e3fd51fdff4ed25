//! The operations of the API, one module per resource, and what they share: the bearer
//! security scheme, pagination parameters and the wire types in [`views`].

mod agents;
mod api_keys;
mod audit;
mod auth;
mod clients;
mod flags;
mod health;
mod members;
mod plugins;
mod ports;
mod tenants;
mod users;
pub mod views;

use std::sync::Arc;

use maxai_core::Principal;
use maxai_ports::page::PageRequest;
use poem::{IntoResponse as _, Request};
use poem_openapi::{SecurityScheme, Tags, auth::Bearer};

use crate::state::AppState;

/// Every operation group, for [`poem_openapi::OpenApiService`].
pub type Api = (
    health::HealthApi,
    auth::AuthApi,
    tenants::TenantApi,
    users::UserApi,
    clients::ClientApi,
    agents::AgentApi,
    members::MemberApi,
    ports::PortApi,
    plugins::PluginApi,
    api_keys::ApiKeyApi,
    audit::AuditApi,
    flags::FlagApi,
);

/// All operation groups, sharing one state.
pub fn api(state: Arc<AppState>) -> Api {
    (
        health::HealthApi(state.clone()),
        auth::AuthApi(state.clone()),
        tenants::TenantApi(state.clone()),
        users::UserApi(state.clone()),
        clients::ClientApi(state.clone()),
        agents::AgentApi(state.clone()),
        members::MemberApi(state.clone()),
        ports::PortApi,
        plugins::PluginApi(state.clone()),
        api_keys::ApiKeyApi(state.clone()),
        audit::AuditApi(state.clone()),
        flags::FlagApi(state),
    )
}

/// How the operations are grouped in the documentation.
#[derive(Tags)]
pub enum ApiTags {
    /// Liveness, readiness and metrics.
    Health,
    /// Logging in, refreshing and logging out.
    Auth,
    /// Tenants (platform staff).
    Tenants,
    /// User accounts (platform staff).
    Users,
    /// A tenant's clients (sub-accounts).
    Clients,
    /// A tenant's AI employees.
    Agents,
    /// Who belongs to a tenant, with which role.
    Members,
    /// A tenant's API keys.
    ApiKeys,
    /// The audit log.
    Audit,
    /// Feature flags.
    FeatureFlags,
    /// The integration ports and their operations.
    Ports,
    /// The installed plugins (provider adapters).
    Plugins,
}

/// `Authorization: Bearer <token>`: an access token from `/v1/auth/login`, an API key
/// (`mxk_…`), or a token of the configured OpenID Connect issuer.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_bearer")]
pub struct BearerAuth(pub Principal);

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let state = req
        .data::<Arc<AppState>>()
        .ok_or_else(|| poem::Error::from_string("no state", poem::http::StatusCode::INTERNAL_SERVER_ERROR))?;
    state.authenticate(&bearer.token).await.map_err(|e| poem::Error::from_response(e.into_response()))
}

/// The `limit` and `cursor` query parameters of every list.
pub fn page(limit: Option<u32>, cursor: Option<String>) -> PageRequest {
    PageRequest { limit, cursor }
}
