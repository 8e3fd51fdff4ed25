//! A tenant's clients (sub-accounts).

use std::sync::Arc;

use maxai_core::Action;
use maxai_ports::{
    ClientId,
    tenancy::{ClientPatch, NewClient},
};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags, BearerAuth, page,
    views::{ClientList, ClientView},
};
use crate::{
    error::{ApiError, ApiResult},
    state::{AppState, audit_context},
};

pub struct ClientApi(pub Arc<AppState>);

/// A new client.
#[derive(Object)]
struct CreateClient {
    /// Display name.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: String,
    /// The tenant's own reference for it (a CRM location id, say).
    #[oai(validator(max_length = 200))]
    external_ref: Option<String>,
}

/// Changes to a client; absent fields stay as they are.
#[derive(Object)]
struct UpdateClient {
    /// New display name.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Option<String>,
    /// New external reference.
    #[oai(validator(max_length = 200))]
    external_ref: Option<String>,
}

/// Parses a `{client}` path segment; a malformed id names nothing.
pub(super) fn client_id(raw: &str) -> ApiResult<ClientId> {
    raw.parse().map_err(|_| ApiError::not_found())
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Clients")]
impl ClientApi {
    /// Creates a client.
    #[oai(path = "/tenants/:tenant/clients", method = "post")]
    async fn create(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        body: Json<CreateClient>,
    ) -> ApiResult<Json<ClientView>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::ClientWrite, None).await?;
        let new = NewClient { name: body.0.name, external_ref: body.0.external_ref };
        Ok(Json(self.0.store.create_client(tenant.id, new, &audit_context(&auth.0)).await?.into()))
    }

    /// Lists clients (a member narrowed to a client sees only that one).
    #[oai(path = "/tenants/:tenant/clients", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ClientList>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::ClientRead, None).await?;
        let only = auth.0.client_scope(tenant.id);
        Ok(Json(self.0.store.list_clients(tenant.id, only, &page(limit.0, cursor.0)).await?.into()))
    }

    /// Gets a client.
    #[oai(path = "/tenants/:tenant/clients/:client", method = "get")]
    async fn get(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        client: Path<String>,
    ) -> ApiResult<Json<ClientView>> {
        let id = client_id(&client)?;
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::ClientRead, Some(id)).await?;
        Ok(Json(self.0.store.get_client(tenant.id, id).await?.into()))
    }

    /// Changes a client.
    #[oai(path = "/tenants/:tenant/clients/:client", method = "patch")]
    async fn update(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        client: Path<String>,
        body: Json<UpdateClient>,
    ) -> ApiResult<Json<ClientView>> {
        let id = client_id(&client)?;
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::ClientWrite, Some(id)).await?;
        let patch = ClientPatch { name: body.0.name, external_ref: body.0.external_ref.map(Some) };
        Ok(Json(self.0.store.update_client(tenant.id, id, patch, &audit_context(&auth.0)).await?.into()))
    }

    /// Deletes a client and its agents.
    #[oai(path = "/tenants/:tenant/clients/:client", method = "delete")]
    async fn delete(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        client: Path<String>,
    ) -> ApiResult<Json<serde_json::Value>> {
        let id = client_id(&client)?;
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::ClientWrite, Some(id)).await?;
        self.0.store.delete_client(tenant.id, id, &audit_context(&auth.0)).await?;
        Ok(Json(serde_json::json!({ "deleted": true })))
    }
}
