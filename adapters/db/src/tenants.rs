//! [`TenantStore`] on SQL.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use maxai_ports::{
    StoreResult, TenantId,
    audit::AuditContext,
    page::{Page, PageRequest},
    store::TenantStore,
    tenancy::{NewTenant, Tenant, TenantPatch, TenantRef, TenantStatus},
};
use serde_json::json;

use crate::{
    SqlStore,
    conn::{transaction, with_conn},
    record_audit,
    rows::{TenantRow, now, page_of},
    schema::tenants,
};

#[derive(AsChangeset)]
#[diesel(table_name = tenants)]
struct TenantChanges {
    name: Option<String>,
    plan: Option<String>,
    status: Option<String>,
    updated_at: chrono::NaiveDateTime,
}

#[async_trait]
impl TenantStore for SqlStore {
    async fn create_tenant(&self, new: NewTenant, context: &AuditContext) -> StoreResult<Tenant> {
        let at = now();
        let row = TenantRow {
            id: TenantId::new().to_string(),
            slug: new.slug,
            name: new.name,
            status: TenantStatus::Active.as_str().into(),
            plan: new.plan,
            created_at: at,
            updated_at: at,
        };
        transaction!(self, |conn| {
            let row: TenantRow = diesel::insert_into(tenants::table)
                .values(&row)
                .returning(TenantRow::as_returning())
                .get_result(conn)
                .await?;
            let tenant = Tenant::try_from(row)?;
            record_audit!(
                conn,
                context,
                Some(tenant.id),
                "tenant.create",
                Some(tenant.id.to_string()),
                json!({ "slug": tenant.slug, "name": tenant.name, "plan": tenant.plan }),
            );
            Ok(tenant)
        })
    }

    async fn list_tenants(&self, page: &PageRequest) -> StoreResult<Page<Tenant>> {
        let limit = page.limit();
        let rows: Vec<TenantRow> = with_conn!(self, |conn| {
            let mut query = tenants::table.select(TenantRow::as_select()).order(tenants::id).into_boxed();
            if let Some(cursor) = &page.cursor {
                query = query.filter(tenants::id.gt(cursor.clone()));
            }
            Ok(query.limit(i64::from(limit) + 1).load(conn).await?)
        })?;
        page_of(rows, limit, |t: &Tenant| t.id.to_string())
    }

    async fn find_tenant(&self, tenant: &TenantRef) -> StoreResult<Tenant> {
        let row: TenantRow = with_conn!(self, |conn| {
            let query = tenants::table.select(TenantRow::as_select()).into_boxed();
            let query = match tenant {
                TenantRef::Id(id) => query.filter(tenants::id.eq(id.to_string())),
                TenantRef::Slug(slug) => query.filter(tenants::slug.eq(slug.clone())),
            };
            Ok(query.first(conn).await?)
        })?;
        Tenant::try_from(row).map_err(|f| f.0)
    }

    async fn update_tenant(
        &self,
        id: TenantId,
        patch: TenantPatch,
        context: &AuditContext,
    ) -> StoreResult<Tenant> {
        let summary = json!({
            "name": patch.name,
            "plan": patch.plan,
            "status": patch.status.map(TenantStatus::as_str),
        });
        let action = match patch.status {
            Some(TenantStatus::Suspended) => "tenant.suspend",
            Some(TenantStatus::Active) => "tenant.activate",
            None => "tenant.update",
        };
        let changes = TenantChanges {
            name: patch.name,
            plan: patch.plan,
            status: patch.status.map(|s| s.as_str().to_owned()),
            updated_at: now(),
        };
        transaction!(self, |conn| {
            let row: TenantRow = diesel::update(tenants::table.filter(tenants::id.eq(id.to_string())))
                .set(&changes)
                .returning(TenantRow::as_returning())
                .get_result(conn)
                .await?;
            record_audit!(conn, context, Some(id), action, Some(id.to_string()), summary);
            Tenant::try_from(row)
        })
    }
}
