//! [`SettingsStore`] on SQL: feature flags (global default, per-tenant override) and platform
//! settings written once on first start.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use maxai_ports::{
    StoreError, StoreResult, TenantId, audit::AuditContext, store::SettingsStore, tenancy::FeatureFlag,
};
use serde_json::json;

use crate::{
    SqlStore,
    conn::{transaction, with_conn},
    record_audit,
    rows::now,
    schema::{feature_flag_overrides, feature_flags, settings},
};

#[async_trait]
impl SettingsStore for SqlStore {
    async fn list_flags(&self, tenant: TenantId) -> StoreResult<Vec<FeatureFlag>> {
        let rows: Vec<(String, String, bool, Option<bool>)> = with_conn!(self, |conn| {
            Ok(feature_flags::table
                .left_join(
                    feature_flag_overrides::table.on(feature_flag_overrides::key
                        .eq(feature_flags::key)
                        .and(feature_flag_overrides::tenant_id.eq(tenant.to_string()))),
                )
                .select((
                    feature_flags::key,
                    feature_flags::description,
                    feature_flags::enabled,
                    feature_flag_overrides::enabled.nullable(),
                ))
                .order(feature_flags::key)
                .load(conn)
                .await?)
        })?;
        Ok(rows
            .into_iter()
            .map(|(key, description, default_enabled, tenant_override)| FeatureFlag {
                key,
                description,
                default_enabled,
                tenant_override,
            })
            .collect())
    }

    async fn set_flag_default(
        &self,
        key: &str,
        description: &str,
        enabled: bool,
        context: &AuditContext,
    ) -> StoreResult<()> {
        let (key, description) = (key.to_owned(), description.to_owned());
        transaction!(self, |conn| {
            let at = now();
            diesel::insert_into(feature_flags::table)
                .values((
                    feature_flags::key.eq(&key),
                    feature_flags::description.eq(&description),
                    feature_flags::enabled.eq(enabled),
                    feature_flags::updated_at.eq(at),
                ))
                .on_conflict(feature_flags::key)
                .do_update()
                .set((
                    feature_flags::description.eq(&description),
                    feature_flags::enabled.eq(enabled),
                    feature_flags::updated_at.eq(at),
                ))
                .execute(conn)
                .await?;
            record_audit!(
                conn,
                context,
                None,
                "feature_flag.set_default",
                Some(key.clone()),
                json!({ "enabled": enabled })
            );
            Ok(())
        })
    }

    async fn set_flag_override(
        &self,
        tenant: TenantId,
        key: &str,
        enabled: Option<bool>,
        context: &AuditContext,
    ) -> StoreResult<FeatureFlag> {
        let key = key.to_owned();
        transaction!(self, |conn| {
            let (description, default_enabled): (String, bool) = feature_flags::table
                .select((feature_flags::description, feature_flags::enabled))
                .find(&key)
                .first(conn)
                .await?;
            let this_override = feature_flag_overrides::table
                .filter(feature_flag_overrides::tenant_id.eq(tenant.to_string()))
                .filter(feature_flag_overrides::key.eq(&key));
            match enabled {
                Some(enabled) => {
                    let at = now();
                    diesel::insert_into(feature_flag_overrides::table)
                        .values((
                            feature_flag_overrides::tenant_id.eq(tenant.to_string()),
                            feature_flag_overrides::key.eq(&key),
                            feature_flag_overrides::enabled.eq(enabled),
                            feature_flag_overrides::updated_at.eq(at),
                        ))
                        .on_conflict((feature_flag_overrides::tenant_id, feature_flag_overrides::key))
                        .do_update()
                        .set((
                            feature_flag_overrides::enabled.eq(enabled),
                            feature_flag_overrides::updated_at.eq(at),
                        ))
                        .execute(conn)
                        .await?;
                }
                None => {
                    diesel::delete(this_override).execute(conn).await?;
                }
            }
            record_audit!(
                conn,
                context,
                Some(tenant),
                "feature_flag.override",
                Some(key.clone()),
                json!({ "enabled": enabled })
            );
            Ok(FeatureFlag { key, description, default_enabled, tenant_override: enabled })
        })
    }

    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String> {
        let (key, value) = (key.to_owned(), value.to_owned());
        transaction!(self, |conn| {
            diesel::insert_into(settings::table)
                .values((settings::key.eq(&key), settings::value.eq(&value), settings::created_at.eq(now())))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
            Ok(settings::table.select(settings::value).find(&key).first(conn).await?)
        })
    }

    async fn ping(&self) -> StoreResult<()> {
        with_conn!(self, |conn| {
            diesel::sql_query("SELECT 1").execute(conn).await?;
            Ok(())
        })
        .map_err(|e| match e {
            StoreError::Internal(m) => StoreError::Unavailable(m),
            other => other,
        })
    }
}
