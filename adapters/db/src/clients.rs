//! [`ClientStore`] on SQL: a tenant's clients and their agents.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use maxai_ports::{
    AgentId, ClientId, StoreError, StoreResult, TenantId,
    audit::AuditContext,
    page::{Page, PageRequest},
    store::ClientStore,
    tenancy::{Agent, AgentFilter, AgentPatch, Client, ClientPatch, NewAgent, NewClient},
};
use serde_json::json;

use crate::{
    SqlStore,
    conn::{transaction, with_conn},
    record_audit,
    rows::{AgentRow, ClientRow, now, page_of},
    schema::{agents, clients},
};

#[derive(AsChangeset)]
#[diesel(table_name = clients)]
struct ClientChanges {
    name: Option<String>,
    external_ref: Option<Option<String>>,
    updated_at: chrono::NaiveDateTime,
}

#[derive(AsChangeset)]
#[diesel(table_name = agents)]
struct AgentChanges {
    name: Option<String>,
    channels: Option<String>,
    config: Option<String>,
    updated_at: chrono::NaiveDateTime,
}

#[async_trait]
impl ClientStore for SqlStore {
    async fn create_client(
        &self,
        tenant: TenantId,
        new: NewClient,
        context: &AuditContext,
    ) -> StoreResult<Client> {
        let at = now();
        let row = ClientRow {
            id: ClientId::new().to_string(),
            tenant_id: tenant.to_string(),
            name: new.name,
            external_ref: new.external_ref,
            created_at: at,
            updated_at: at,
        };
        transaction!(self, |conn| {
            let row: ClientRow = diesel::insert_into(clients::table)
                .values(&row)
                .returning(ClientRow::as_returning())
                .get_result(conn)
                .await?;
            let summary = json!({ "name": row.name, "external_ref": row.external_ref });
            record_audit!(conn, context, Some(tenant), "client.create", Some(row.id.clone()), summary);
            Client::try_from(row)
        })
    }

    async fn list_clients(
        &self,
        tenant: TenantId,
        only: Option<ClientId>,
        page: &PageRequest,
    ) -> StoreResult<Page<Client>> {
        let limit = page.limit();
        let rows: Vec<ClientRow> = with_conn!(self, |conn| {
            let mut query = clients::table
                .select(ClientRow::as_select())
                .filter(clients::tenant_id.eq(tenant.to_string()))
                .order(clients::id)
                .into_boxed();
            if let Some(only) = only {
                query = query.filter(clients::id.eq(only.to_string()));
            }
            if let Some(cursor) = &page.cursor {
                query = query.filter(clients::id.gt(cursor.clone()));
            }
            Ok(query.limit(i64::from(limit) + 1).load(conn).await?)
        })?;
        page_of(rows, limit, |c: &Client| c.id.to_string())
    }

    async fn get_client(&self, tenant: TenantId, id: ClientId) -> StoreResult<Client> {
        let row: ClientRow = with_conn!(self, |conn| {
            Ok(clients::table
                .select(ClientRow::as_select())
                .filter(clients::tenant_id.eq(tenant.to_string()))
                .filter(clients::id.eq(id.to_string()))
                .first(conn)
                .await?)
        })?;
        Client::try_from(row).map_err(|f| f.0)
    }

    async fn update_client(
        &self,
        tenant: TenantId,
        id: ClientId,
        patch: ClientPatch,
        context: &AuditContext,
    ) -> StoreResult<Client> {
        let summary = json!({ "name": patch.name, "external_ref": patch.external_ref });
        let changes = ClientChanges { name: patch.name, external_ref: patch.external_ref, updated_at: now() };
        transaction!(self, |conn| {
            let row: ClientRow = diesel::update(
                clients::table
                    .filter(clients::tenant_id.eq(tenant.to_string()))
                    .filter(clients::id.eq(id.to_string())),
            )
            .set(&changes)
            .returning(ClientRow::as_returning())
            .get_result(conn)
            .await?;
            record_audit!(conn, context, Some(tenant), "client.update", Some(id.to_string()), summary);
            Client::try_from(row)
        })
    }

    async fn delete_client(&self, tenant: TenantId, id: ClientId, context: &AuditContext) -> StoreResult<()> {
        transaction!(self, |conn| {
            let deleted = diesel::delete(
                clients::table
                    .filter(clients::tenant_id.eq(tenant.to_string()))
                    .filter(clients::id.eq(id.to_string())),
            )
            .execute(conn)
            .await?;
            if deleted == 0 {
                return Err(StoreError::NotFound.into());
            }
            record_audit!(conn, context, Some(tenant), "client.delete", Some(id.to_string()), json!({}));
            Ok(())
        })
    }

    async fn create_agent(
        &self,
        tenant: TenantId,
        new: NewAgent,
        context: &AuditContext,
    ) -> StoreResult<Agent> {
        let at = now();
        let row = AgentRow {
            id: AgentId::new().to_string(),
            tenant_id: tenant.to_string(),
            client_id: new.client_id.to_string(),
            name: new.name,
            channels: serde_json::Value::from(new.channels).to_string(),
            config: new.config.to_string(),
            version: 1,
            created_at: at,
            updated_at: at,
        };
        transaction!(self, |conn| {
            // the client must be this tenant's: another tenant's client does not exist here
            let owned: i64 = clients::table
                .filter(clients::tenant_id.eq(tenant.to_string()))
                .filter(clients::id.eq(&row.client_id))
                .count()
                .get_result(conn)
                .await?;
            if owned == 0 {
                return Err(StoreError::NotFound.into());
            }
            let row: AgentRow = diesel::insert_into(agents::table)
                .values(&row)
                .returning(AgentRow::as_returning())
                .get_result(conn)
                .await?;
            let summary = json!({ "name": row.name, "client_id": row.client_id, "channels": row.channels });
            record_audit!(conn, context, Some(tenant), "agent.create", Some(row.id.clone()), summary);
            Agent::try_from(row)
        })
    }

    async fn list_agents(
        &self,
        tenant: TenantId,
        filter: &AgentFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Agent>> {
        let limit = page.limit();
        let rows: Vec<AgentRow> = with_conn!(self, |conn| {
            let mut query = agents::table
                .select(AgentRow::as_select())
                .filter(agents::tenant_id.eq(tenant.to_string()))
                .order(agents::id)
                .into_boxed();
            if let Some(client) = filter.client_id {
                query = query.filter(agents::client_id.eq(client.to_string()));
            }
            if let Some(cursor) = &page.cursor {
                query = query.filter(agents::id.gt(cursor.clone()));
            }
            Ok(query.limit(i64::from(limit) + 1).load(conn).await?)
        })?;
        page_of(rows, limit, |a: &Agent| a.id.to_string())
    }

    async fn get_agent(&self, tenant: TenantId, id: AgentId) -> StoreResult<Agent> {
        let row: AgentRow = with_conn!(self, |conn| {
            Ok(agents::table
                .select(AgentRow::as_select())
                .filter(agents::tenant_id.eq(tenant.to_string()))
                .filter(agents::id.eq(id.to_string()))
                .first(conn)
                .await?)
        })?;
        Agent::try_from(row).map_err(|f| f.0)
    }

    async fn update_agent(
        &self,
        tenant: TenantId,
        id: AgentId,
        patch: AgentPatch,
        context: &AuditContext,
    ) -> StoreResult<Agent> {
        let summary = json!({ "name": patch.name, "channels": patch.channels, "config_changed": patch.config.is_some() });
        let expected = patch.expected_version;
        let changes = AgentChanges {
            name: patch.name,
            channels: patch.channels.map(|c| serde_json::Value::from(c).to_string()),
            config: patch.config.map(|c| c.to_string()),
            updated_at: now(),
        };
        transaction!(self, |conn| {
            let current: i64 = agents::table
                .select(agents::version)
                .filter(agents::tenant_id.eq(tenant.to_string()))
                .filter(agents::id.eq(id.to_string()))
                .first(conn)
                .await?;
            if expected.is_some_and(|v| v != current) {
                return Err(StoreError::Conflict(format!("agent is at version {current}")).into());
            }
            let row: AgentRow = diesel::update(
                agents::table.filter(agents::id.eq(id.to_string())).filter(agents::version.eq(current)),
            )
            .set((&changes, agents::version.eq(current + 1)))
            .returning(AgentRow::as_returning())
            .get_result(conn)
            .await?;
            record_audit!(conn, context, Some(tenant), "agent.update", Some(id.to_string()), summary);
            Agent::try_from(row)
        })
    }

    async fn delete_agent(&self, tenant: TenantId, id: AgentId, context: &AuditContext) -> StoreResult<()> {
        transaction!(self, |conn| {
            let deleted = diesel::delete(
                agents::table
                    .filter(agents::tenant_id.eq(tenant.to_string()))
                    .filter(agents::id.eq(id.to_string())),
            )
            .execute(conn)
            .await?;
            if deleted == 0 {
                return Err(StoreError::NotFound.into());
            }
            record_audit!(conn, context, Some(tenant), "agent.delete", Some(id.to_string()), json!({}));
            Ok(())
        })
    }
}
