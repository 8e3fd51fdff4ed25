//! Tenants: created, listed, changed and suspended by platform staff; read by their members.

use std::sync::Arc;

use maxai_core::Action;
use maxai_ports::tenancy::{NewTenant, TenantPatch, TenantStatus};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags, BearerAuth, page,
    views::{TenantList, TenantView},
};
use crate::{
    error::ApiResult,
    state::{AppState, audit_context},
};

pub struct TenantApi(pub Arc<AppState>);

/// A new tenant.
#[derive(Object)]
struct CreateTenant {
    /// Unique, URL-safe name: lower-case letters, digits and dashes.
    #[oai(validator(pattern = "^[a-z0-9][a-z0-9-]{1,62}$"))]
    slug: String,
    /// Display name.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: String,
    /// Billing plan (default `starter`).
    #[oai(validator(min_length = 1, max_length = 64))]
    plan: Option<String>,
}

/// Changes to a tenant; absent fields stay as they are.
#[derive(Object)]
struct UpdateTenant {
    /// New display name.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Option<String>,
    /// New plan.
    #[oai(validator(min_length = 1, max_length = 64))]
    plan: Option<String>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Tenants")]
impl TenantApi {
    /// Creates a tenant (platform admin).
    #[oai(path = "/tenants", method = "post")]
    async fn create(&self, auth: BearerAuth, body: Json<CreateTenant>) -> ApiResult<Json<TenantView>> {
        self.0.platform(&auth.0, Action::TenantCreate)?;
        let body = body.0;
        let new = NewTenant {
            slug: body.slug,
            name: body.name,
            plan: body.plan.unwrap_or_else(|| "starter".into()),
        };
        Ok(Json(self.0.store.create_tenant(new, &audit_context(&auth.0)).await?.into()))
    }

    /// Lists every tenant (platform staff).
    #[oai(path = "/tenants", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<TenantList>> {
        self.0.platform(&auth.0, Action::TenantList)?;
        Ok(Json(self.0.store.list_tenants(&page(limit.0, cursor.0)).await?.into()))
    }

    /// Gets a tenant by id or slug.
    #[oai(path = "/tenants/:tenant", method = "get")]
    async fn get(&self, auth: BearerAuth, tenant: Path<String>) -> ApiResult<Json<TenantView>> {
        Ok(Json(self.0.tenant_for(&auth.0, &tenant, Action::TenantRead, None).await?.into()))
    }

    /// Renames a tenant or changes its plan (platform admin).
    #[oai(path = "/tenants/:tenant", method = "patch")]
    async fn update(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        body: Json<UpdateTenant>,
    ) -> ApiResult<Json<TenantView>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::TenantUpdate, None).await?;
        let patch = TenantPatch { name: body.0.name, plan: body.0.plan, status: None };
        Ok(Json(self.0.store.update_tenant(tenant.id, patch, &audit_context(&auth.0)).await?.into()))
    }

    /// Suspends a tenant: its members and keys are refused until it is reactivated.
    #[oai(path = "/tenants/:tenant/suspend", method = "post")]
    async fn suspend(&self, auth: BearerAuth, tenant: Path<String>) -> ApiResult<Json<TenantView>> {
        self.set_status(auth, tenant, TenantStatus::Suspended).await
    }

    /// Reactivates a suspended tenant.
    #[oai(path = "/tenants/:tenant/activate", method = "post")]
    async fn activate(&self, auth: BearerAuth, tenant: Path<String>) -> ApiResult<Json<TenantView>> {
        self.set_status(auth, tenant, TenantStatus::Active).await
    }
}

impl TenantApi {
    async fn set_status(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        status: TenantStatus,
    ) -> ApiResult<Json<TenantView>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::TenantUpdate, None).await?;
        let patch = TenantPatch { status: Some(status), ..TenantPatch::default() };
        Ok(Json(self.0.store.update_tenant(tenant.id, patch, &audit_context(&auth.0)).await?.into()))
    }
}
