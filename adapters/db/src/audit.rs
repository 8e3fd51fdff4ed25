//! [`AuditStore`] on SQL: the append-only audit log (the database refuses updates and deletes).

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use maxai_ports::{
    StoreResult, TenantId,
    audit::{AuditContext, AuditEntry, AuditFilter, NewAuditEntry},
    page::{Page, PageRequest},
    store::AuditStore,
};

use crate::{
    SqlStore,
    conn::with_conn,
    rows::{AuditRow, page_of, to_naive},
    schema::audit_log,
};

#[async_trait]
impl AuditStore for SqlStore {
    async fn append_audit(&self, entry: NewAuditEntry, context: &AuditContext) -> StoreResult<()> {
        let row = AuditRow::new(entry, context);
        with_conn!(self, |conn| {
            diesel::insert_into(audit_log::table).values(&row).execute(conn).await?;
            Ok(())
        })
    }

    async fn list_audit(
        &self,
        tenant: Option<TenantId>,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        let limit = page.limit();
        let rows: Vec<AuditRow> = with_conn!(self, |conn| {
            let mut query = audit_log::table.select(AuditRow::as_select()).order(audit_log::id).into_boxed();
            query = match tenant {
                Some(tenant) => query.filter(audit_log::tenant_id.eq(tenant.to_string())),
                None => query.filter(audit_log::tenant_id.is_null()),
            };
            if let Some(actor) = &filter.actor {
                query = query.filter(audit_log::actor.eq(actor.clone()));
            }
            match filter.action.as_deref() {
                Some(prefix) if prefix.ends_with('.') => {
                    let pattern =
                        format!("{}%", prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
                    query = query.filter(audit_log::action.like(pattern).escape('\\'));
                }
                Some(action) => query = query.filter(audit_log::action.eq(action.to_owned())),
                None => {}
            }
            if let Some(since) = filter.since {
                query = query.filter(audit_log::at.ge(to_naive(since)));
            }
            if let Some(until) = filter.until {
                query = query.filter(audit_log::at.lt(to_naive(until)));
            }
            if let Some(cursor) = &page.cursor {
                query = query.filter(audit_log::id.gt(cursor.clone()));
            }
            Ok(query.limit(i64::from(limit) + 1).load(conn).await?)
        })?;
        page_of(rows, limit, |e: &AuditEntry| e.id.to_string())
    }
}
