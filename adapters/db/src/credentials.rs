//! [`CredentialStore`] on SQL: API keys and rotating refresh tokens, all stored as hashes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use maxai_ports::{
    ApiKeyId, StoreError, StoreResult, TenantId,
    audit::AuditContext,
    page::{Page, PageRequest},
    store::CredentialStore,
    tenancy::{ApiKey, NewApiKey, RefreshToken},
};
use serde_json::json;

use crate::{
    SqlStore,
    conn::{transaction, with_conn},
    record_audit,
    rows::{ApiKeyRow, RefreshTokenRow, now, page_of, to_naive},
    schema::{api_keys, refresh_tokens},
};

#[async_trait]
impl CredentialStore for SqlStore {
    async fn create_api_key(
        &self,
        tenant: TenantId,
        new: NewApiKey,
        context: &AuditContext,
    ) -> StoreResult<ApiKey> {
        let row = ApiKeyRow {
            id: new.id.to_string(),
            tenant_id: tenant.to_string(),
            name: new.name,
            prefix: new.prefix,
            hash: new.hash,
            scopes: serde_json::Value::from(new.scopes).to_string(),
            created_by: context.actor.clone(),
            last_used_at: None,
            expires_at: new.expires_at.map(to_naive),
            revoked_at: None,
            created_at: now(),
        };
        transaction!(self, |conn| {
            let row: ApiKeyRow = diesel::insert_into(api_keys::table)
                .values(&row)
                .returning(ApiKeyRow::as_returning())
                .get_result(conn)
                .await?;
            let summary = json!({ "name": row.name, "prefix": row.prefix, "scopes": row.scopes, "expires_at": row.expires_at });
            record_audit!(conn, context, Some(tenant), "api_key.create", Some(row.id.clone()), summary);
            ApiKey::try_from(row)
        })
    }

    async fn list_api_keys(&self, tenant: TenantId, page: &PageRequest) -> StoreResult<Page<ApiKey>> {
        let limit = page.limit();
        let rows: Vec<ApiKeyRow> = with_conn!(self, |conn| {
            let mut query = api_keys::table
                .select(ApiKeyRow::as_select())
                .filter(api_keys::tenant_id.eq(tenant.to_string()))
                .order(api_keys::id)
                .into_boxed();
            if let Some(cursor) = &page.cursor {
                query = query.filter(api_keys::id.gt(cursor.clone()));
            }
            Ok(query.limit(i64::from(limit) + 1).load(conn).await?)
        })?;
        page_of(rows, limit, |k: &ApiKey| k.id.to_string())
    }

    async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        context: &AuditContext,
    ) -> StoreResult<ApiKey> {
        transaction!(self, |conn| {
            let row: ApiKeyRow = diesel::update(
                api_keys::table
                    .filter(api_keys::tenant_id.eq(tenant.to_string()))
                    .filter(api_keys::id.eq(id.to_string())),
            )
            .set(
                api_keys::revoked_at.eq(diesel::dsl::case_when(api_keys::revoked_at.is_null(), Some(now()))
                    .otherwise(api_keys::revoked_at)),
            )
            .returning(ApiKeyRow::as_returning())
            .get_result(conn)
            .await?;
            record_audit!(
                conn,
                context,
                Some(tenant),
                "api_key.revoke",
                Some(id.to_string()),
                json!({ "name": row.name })
            );
            ApiKey::try_from(row)
        })
    }

    async fn find_api_key(&self, prefix: &str) -> StoreResult<ApiKey> {
        let row: ApiKeyRow = with_conn!(self, |conn| {
            Ok(api_keys::table
                .select(ApiKeyRow::as_select())
                .filter(api_keys::prefix.eq(prefix))
                .first(conn)
                .await?)
        })?;
        ApiKey::try_from(row).map_err(|f| f.0)
    }

    async fn touch_api_key(&self, id: ApiKeyId, at: DateTime<Utc>) -> StoreResult<()> {
        with_conn!(self, |conn| {
            diesel::update(api_keys::table.find(id.to_string()))
                .set(api_keys::last_used_at.eq(to_naive(at)))
                .execute(conn)
                .await?;
            Ok(())
        })
    }

    async fn insert_refresh_token(&self, token: RefreshToken) -> StoreResult<()> {
        let row = RefreshTokenRow::from(token);
        with_conn!(self, |conn| {
            diesel::insert_into(refresh_tokens::table).values(&row).execute(conn).await?;
            Ok(())
        })
    }

    async fn find_refresh_token(&self, token_hash: &str) -> StoreResult<RefreshToken> {
        let row: RefreshTokenRow = with_conn!(self, |conn| {
            Ok(refresh_tokens::table
                .select(RefreshTokenRow::as_select())
                .filter(refresh_tokens::token_hash.eq(token_hash))
                .first(conn)
                .await?)
        })?;
        RefreshToken::try_from(row).map_err(|f| f.0)
    }

    async fn rotate_refresh_token(
        &self,
        used: uuid::Uuid,
        at: DateTime<Utc>,
        next: RefreshToken,
    ) -> StoreResult<()> {
        let next = RefreshTokenRow::from(next);
        transaction!(self, |conn| {
            // only one exchange of a token can win: the update claims it while it is unused
            let claimed = diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::id.eq(used.to_string()))
                    .filter(refresh_tokens::used_at.is_null())
                    .filter(refresh_tokens::revoked_at.is_null()),
            )
            .set(refresh_tokens::used_at.eq(to_naive(at)))
            .execute(conn)
            .await?;
            if claimed == 0 {
                return Err(StoreError::Conflict("refresh token already used".into()).into());
            }
            diesel::insert_into(refresh_tokens::table).values(&next).execute(conn).await?;
            Ok(())
        })
    }

    async fn revoke_refresh_family(&self, family: uuid::Uuid, at: DateTime<Utc>) -> StoreResult<()> {
        with_conn!(self, |conn| {
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::family_id.eq(family.to_string()))
                    .filter(refresh_tokens::revoked_at.is_null()),
            )
            .set(refresh_tokens::revoked_at.eq(to_naive(at)))
            .execute(conn)
            .await?;
            Ok(())
        })
    }
}
