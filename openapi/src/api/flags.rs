//! Feature flags: a global default per flag and a per-tenant override, set by platform admins.

use std::sync::Arc;

use maxai_core::Action;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{ApiTags, BearerAuth, views::FeatureFlagView};
use crate::{
    error::ApiResult,
    state::{AppState, audit_context},
};

pub struct FlagApi(pub Arc<AppState>);

/// A flag's global default.
#[derive(Object)]
struct FlagDefault {
    /// What the flag does.
    #[oai(validator(min_length = 1, max_length = 500))]
    description: String,
    /// On or off for tenants without an override.
    enabled: bool,
}

/// A tenant's override.
#[derive(Object)]
struct FlagOverride {
    /// On or off for this tenant; `null` removes the override.
    enabled: Option<bool>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::FeatureFlags")]
impl FlagApi {
    /// Lists every flag with its value for the tenant.
    #[oai(path = "/tenants/:tenant/feature-flags", method = "get")]
    async fn list(&self, auth: BearerAuth, tenant: Path<String>) -> ApiResult<Json<Vec<FeatureFlagView>>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::FlagRead, None).await?;
        let flags = self.0.store.list_flags(tenant.id).await?;
        Ok(Json(flags.into_iter().map(Into::into).collect()))
    }

    /// Sets or removes a tenant's override of a flag (platform admin).
    #[oai(path = "/tenants/:tenant/feature-flags/:key", method = "put")]
    async fn set_override(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        key: Path<String>,
        body: Json<FlagOverride>,
    ) -> ApiResult<Json<FeatureFlagView>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::FlagWrite, None).await?;
        let flag =
            self.0.store.set_flag_override(tenant.id, &key, body.0.enabled, &audit_context(&auth.0)).await?;
        Ok(Json(flag.into()))
    }

    /// Creates a flag or changes its global default (platform admin).
    #[oai(path = "/feature-flags/:key", method = "put")]
    async fn set_default(
        &self,
        auth: BearerAuth,
        key: Path<String>,
        body: Json<FlagDefault>,
    ) -> ApiResult<Json<serde_json::Value>> {
        self.0.platform(&auth.0, Action::FlagWrite)?;
        if key.is_empty()
            || key.len() > 64
            || !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(crate::error::ApiError::invalid("a flag key is snake_case, at most 64 characters"));
        }
        self.0
            .store
            .set_flag_default(&key, &body.0.description, body.0.enabled, &audit_context(&auth.0))
            .await?;
        Ok(Json(serde_json::json!({ "key": key.0, "enabled": body.0.enabled })))
    }
}
