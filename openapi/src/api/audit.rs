//! Reading the audit log: a tenant's entries, or the platform's own (logins, users, flags).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use maxai_core::Action;
use maxai_ports::audit::AuditFilter;
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{ApiTags, BearerAuth, page, views::AuditList};
use crate::{error::ApiResult, state::AppState};

pub struct AuditApi(pub Arc<AppState>);

fn filter(
    actor: Option<String>,
    action: Option<String>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> AuditFilter {
    AuditFilter { actor, action, since, until }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Audit")]
impl AuditApi {
    /// Lists a tenant's audit entries, oldest first. `action` ending with `.` matches a prefix
    /// (`client.`).
    #[oai(path = "/tenants/:tenant/audit", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn tenant_audit(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        actor: Query<Option<String>>,
        action: Query<Option<String>>,
        since: Query<Option<DateTime<Utc>>>,
        until: Query<Option<DateTime<Utc>>>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<AuditList>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::AuditRead, None).await?;
        let filter = filter(actor.0, action.0, since.0, until.0);
        Ok(Json(self.0.store.list_audit(Some(tenant.id), &filter, &page(limit.0, cursor.0)).await?.into()))
    }

    /// Lists platform-level audit entries (logins, users, flag defaults): platform staff.
    #[oai(path = "/audit", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn platform_audit(
        &self,
        auth: BearerAuth,
        actor: Query<Option<String>>,
        action: Query<Option<String>>,
        since: Query<Option<DateTime<Utc>>>,
        until: Query<Option<DateTime<Utc>>>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<AuditList>> {
        self.0.platform(&auth.0, Action::AuditRead)?;
        let filter = filter(actor.0, action.0, since.0, until.0);
        Ok(Json(self.0.store.list_audit(None, &filter, &page(limit.0, cursor.0)).await?.into()))
    }
}
