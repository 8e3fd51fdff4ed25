//! A tenant's API keys: created (the key is shown once), listed without secrets, revoked.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use maxai_core::{Action, Resource, auth::api_key, authorize};
use maxai_ports::{ApiKeyId, tenancy::NewApiKey};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags, BearerAuth, page,
    views::{ApiKeyList, ApiKeyView},
};
use crate::{
    error::{ApiError, ApiResult},
    state::{AppState, audit_context},
};

pub struct ApiKeyApi(pub Arc<AppState>);

/// A new API key.
#[derive(Object)]
struct CreateApiKey {
    /// What it is for.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: String,
    /// What it may do: `clients:read`, `agents:write`, … or `*` for everything the creator may
    /// do in the tenant. A key never gets more than its creator has.
    #[oai(validator(min_items = 1, max_items = 32))]
    scopes: Vec<String>,
    /// When it stops working (default: never).
    expires_at: Option<DateTime<Utc>>,
}

/// A new key, with its secret: shown this once.
#[derive(Object)]
struct CreatedApiKey {
    /// Send as `Authorization: Bearer …`. Store it now: it cannot be shown again.
    key: String,
    /// The stored key.
    api_key: ApiKeyView,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::ApiKeys")]
impl ApiKeyApi {
    /// Creates an API key; the response holds the key, once.
    #[oai(path = "/tenants/:tenant/api-keys", method = "post")]
    async fn create(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        body: Json<CreateApiKey>,
    ) -> ApiResult<Json<CreatedApiKey>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::ApiKeyWrite, None).await?;
        let body = body.0;
        let resource = Resource::Tenant { tenant: tenant.id, client: None };
        for scope in &body.scopes {
            let granted: Vec<Action> = if scope == "*" {
                Action::all().filter(|a| a.grantable_to_keys()).collect()
            } else {
                match Action::from_scope(scope).filter(|a| a.grantable_to_keys()) {
                    Some(action) => vec![action],
                    None => return Err(ApiError::invalid(format!("unknown scope `{scope}`"))),
                }
            };
            if granted.into_iter().any(|action| authorize(&auth.0, action, resource).is_err()) {
                return Err(ApiError::invalid(format!("scope `{scope}` is more than you may grant")));
            }
        }
        if body.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Err(ApiError::invalid("`expires_at` is in the past"));
        }
        let minted = api_key::mint();
        let new = NewApiKey {
            id: ApiKeyId::new(),
            name: body.name,
            prefix: minted.prefix,
            hash: minted.hash,
            scopes: body.scopes,
            expires_at: body.expires_at,
        };
        let stored = self.0.store.create_api_key(tenant.id, new, &audit_context(&auth.0)).await?;
        Ok(Json(CreatedApiKey { key: minted.key, api_key: stored.into() }))
    }

    /// Lists the keys, revoked ones included, without their secrets.
    #[oai(path = "/tenants/:tenant/api-keys", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ApiKeyList>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::ApiKeyRead, None).await?;
        Ok(Json(self.0.store.list_api_keys(tenant.id, &page(limit.0, cursor.0)).await?.into()))
    }

    /// Revokes a key: refused from the next request on.
    #[oai(path = "/tenants/:tenant/api-keys/:key", method = "delete")]
    async fn revoke(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        key: Path<String>,
    ) -> ApiResult<Json<ApiKeyView>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::ApiKeyWrite, None).await?;
        let id: ApiKeyId = key.parse().map_err(|_| ApiError::not_found())?;
        Ok(Json(self.0.store.revoke_api_key(tenant.id, id, &audit_context(&auth.0)).await?.into()))
    }
}
