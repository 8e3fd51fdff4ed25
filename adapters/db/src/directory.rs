//! [`DirectoryStore`] on SQL: users and their memberships in tenants.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use maxai_ports::{
    ClientId, MembershipId, StoreError, StoreResult, TenantId, UserId,
    audit::AuditContext,
    page::{Page, PageRequest},
    roles::TenantRole,
    store::DirectoryStore,
    tenancy::{Member, Membership, NewMembership, NewUser, User},
};
use serde_json::json;

use crate::{
    SqlStore,
    conn::{transaction, with_conn},
    error::Fail,
    record_audit,
    rows::{MembershipRow, UserRow, convert, now},
    schema::{clients, memberships, refresh_tokens, users},
};

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn count_users(&self) -> StoreResult<u64> {
        let count: i64 = with_conn!(self, |conn| Ok(users::table.count().get_result(conn).await?))?;
        Ok(count.unsigned_abs())
    }

    async fn create_user(&self, new: NewUser, context: &AuditContext) -> StoreResult<User> {
        let at = now();
        let row = UserRow {
            id: UserId::new().to_string(),
            email: new.email.trim().to_lowercase(),
            name: new.name,
            password_hash: new.password_hash,
            platform_role: new.platform_role.map(|r| r.as_str().to_owned()),
            active: true,
            created_at: at,
            updated_at: at,
        };
        transaction!(self, |conn| {
            let row: UserRow = diesel::insert_into(users::table)
                .values(&row)
                .returning(UserRow::as_returning())
                .get_result(conn)
                .await?;
            let summary = json!({ "email": row.email, "platform_role": row.platform_role });
            record_audit!(conn, context, None, "user.create", Some(row.id.clone()), summary);
            User::try_from(row)
        })
    }

    async fn find_user_by_email(&self, email: &str) -> StoreResult<User> {
        let email = email.trim().to_lowercase();
        let row: UserRow = with_conn!(self, |conn| {
            Ok(users::table.select(UserRow::as_select()).filter(users::email.eq(&email)).first(conn).await?)
        })?;
        User::try_from(row).map_err(|f| f.0)
    }

    async fn get_user(&self, id: UserId) -> StoreResult<User> {
        let row: UserRow = with_conn!(self, |conn| {
            Ok(users::table.select(UserRow::as_select()).find(id.to_string()).first(conn).await?)
        })?;
        User::try_from(row).map_err(|f| f.0)
    }

    async fn set_user_active(&self, id: UserId, active: bool, context: &AuditContext) -> StoreResult<User> {
        transaction!(self, |conn| {
            let at = now();
            let row: UserRow = diesel::update(users::table.find(id.to_string()))
                .set((users::active.eq(active), users::updated_at.eq(at)))
                .returning(UserRow::as_returning())
                .get_result(conn)
                .await?;
            if !active {
                diesel::update(
                    refresh_tokens::table
                        .filter(refresh_tokens::user_id.eq(id.to_string()))
                        .filter(refresh_tokens::revoked_at.is_null()),
                )
                .set(refresh_tokens::revoked_at.eq(at))
                .execute(conn)
                .await?;
            }
            let action = if active { "user.activate" } else { "user.deactivate" };
            record_audit!(conn, context, None, action, Some(id.to_string()), json!({ "email": row.email }));
            User::try_from(row)
        })
    }

    async fn add_member(
        &self,
        tenant: TenantId,
        new: NewMembership,
        context: &AuditContext,
    ) -> StoreResult<Membership> {
        let row = MembershipRow {
            id: MembershipId::new().to_string(),
            user_id: new.user_id.to_string(),
            tenant_id: tenant.to_string(),
            role: new.role.as_str().to_owned(),
            client_id: new.client_id.map(|c| c.to_string()),
            created_at: now(),
        };
        transaction!(self, |conn| {
            ensure_client_of(conn, tenant, new.client_id).await?;
            let row: MembershipRow = diesel::insert_into(memberships::table)
                .values(&row)
                .returning(MembershipRow::as_returning())
                .get_result(conn)
                .await?;
            let summary = json!({ "user_id": row.user_id, "role": row.role, "client_id": row.client_id });
            record_audit!(conn, context, Some(tenant), "member.add", Some(row.user_id.clone()), summary);
            Membership::try_from(row)
        })
    }

    async fn list_members(&self, tenant: TenantId, page: &PageRequest) -> StoreResult<Page<Member>> {
        let limit = page.limit();
        let rows: Vec<(MembershipRow, (String, String, bool))> = with_conn!(self, |conn| {
            let mut query = memberships::table
                .inner_join(users::table)
                .select((MembershipRow::as_select(), (users::email, users::name, users::active)))
                .filter(memberships::tenant_id.eq(tenant.to_string()))
                .order(memberships::id)
                .into_boxed();
            if let Some(cursor) = &page.cursor {
                query = query.filter(memberships::id.gt(cursor.clone()));
            }
            Ok(query.limit(i64::from(limit) + 1).load(conn).await?)
        })?;
        let members = rows
            .into_iter()
            .map(|(row, (email, name, active))| {
                Ok(Member { membership: Membership::try_from(row)?, email, name, active })
            })
            .collect::<Result<Vec<_>, Fail>>()
            .map_err(|f| f.0)?;
        Ok(Page::from_overfetch(members, limit, |m: &Member| m.membership.id.to_string()))
    }

    async fn membership(&self, tenant: TenantId, user: UserId) -> StoreResult<Membership> {
        let row: MembershipRow = with_conn!(self, |conn| {
            Ok(memberships::table
                .select(MembershipRow::as_select())
                .filter(memberships::tenant_id.eq(tenant.to_string()))
                .filter(memberships::user_id.eq(user.to_string()))
                .first(conn)
                .await?)
        })?;
        Membership::try_from(row).map_err(|f| f.0)
    }

    async fn user_with_memberships(&self, user: UserId) -> StoreResult<(User, Vec<Membership>)> {
        let rows: Vec<(UserRow, Option<MembershipRow>)> = with_conn!(self, |conn| {
            Ok(users::table
                .left_join(memberships::table)
                .select((UserRow::as_select(), Option::<MembershipRow>::as_select()))
                .filter(users::id.eq(user.to_string()))
                .order(memberships::id)
                .load(conn)
                .await?)
        })?;
        let mut rows = rows.into_iter();
        let (first, membership) = rows.next().ok_or(StoreError::NotFound)?;
        let memberships = membership.into_iter().chain(rows.filter_map(|(_, m)| m)).collect();
        Ok((User::try_from(first).map_err(|f| f.0)?, convert(memberships).map_err(|f| f.0)?))
    }

    async fn update_member(
        &self,
        tenant: TenantId,
        user: UserId,
        role: TenantRole,
        client_id: Option<ClientId>,
        context: &AuditContext,
    ) -> StoreResult<Membership> {
        transaction!(self, |conn| {
            ensure_client_of(conn, tenant, client_id).await?;
            let row: MembershipRow = diesel::update(
                memberships::table
                    .filter(memberships::tenant_id.eq(tenant.to_string()))
                    .filter(memberships::user_id.eq(user.to_string())),
            )
            .set((
                memberships::role.eq(role.as_str()),
                memberships::client_id.eq(client_id.map(|c| c.to_string())),
            ))
            .returning(MembershipRow::as_returning())
            .get_result(conn)
            .await?;
            let summary = json!({ "role": role.as_str(), "client_id": client_id });
            record_audit!(conn, context, Some(tenant), "member.update", Some(user.to_string()), summary);
            Membership::try_from(row)
        })
    }

    async fn remove_member(&self, tenant: TenantId, user: UserId, context: &AuditContext) -> StoreResult<()> {
        transaction!(self, |conn| {
            let deleted = diesel::delete(
                memberships::table
                    .filter(memberships::tenant_id.eq(tenant.to_string()))
                    .filter(memberships::user_id.eq(user.to_string())),
            )
            .execute(conn)
            .await?;
            if deleted == 0 {
                return Err(StoreError::NotFound.into());
            }
            record_audit!(conn, context, Some(tenant), "member.remove", Some(user.to_string()), json!({}));
            Ok(())
        })
    }

    async fn count_owners(&self, tenant: TenantId) -> StoreResult<u64> {
        let count: i64 = with_conn!(self, |conn| {
            Ok(memberships::table
                .filter(memberships::tenant_id.eq(tenant.to_string()))
                .filter(memberships::role.eq(TenantRole::Owner.as_str()))
                .count()
                .get_result(conn)
                .await?)
        })?;
        Ok(count.unsigned_abs())
    }
}

/// Checks that a membership's client scope names a client of the same tenant.
async fn ensure_client_of<C>(conn: &mut C, tenant: TenantId, client: Option<ClientId>) -> Result<(), Fail>
where
    C: diesel_async::AsyncConnection,
    for<'q> diesel::dsl::Count<
        diesel::dsl::Filter<
            diesel::dsl::Filter<clients::table, diesel::dsl::Eq<clients::tenant_id, String>>,
            diesel::dsl::Eq<clients::id, String>,
        >,
    >: diesel_async::methods::LoadQuery<'q, C, i64>,
{
    let Some(client) = client else { return Ok(()) };
    let owned: i64 = clients::table
        .filter(clients::tenant_id.eq(tenant.to_string()))
        .filter(clients::id.eq(client.to_string()))
        .count()
        .get_result(conn)
        .await?;
    if owned == 0 {
        return Err(StoreError::NotFound.into());
    }
    Ok(())
}
