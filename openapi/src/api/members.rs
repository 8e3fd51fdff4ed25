//! Who belongs to a tenant, with which role and optional client scope.
//!
//! Only an owner (or a platform admin) grants, changes or removes the owner role, and the last
//! owner cannot leave or be demoted.

use std::sync::Arc;

use maxai_core::{Action, Principal};
use maxai_ports::{
    ClientId, StoreError, TenantId, UserId,
    roles::TenantRole,
    tenancy::{Membership, NewMembership},
};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags, BearerAuth,
    clients::client_id,
    page,
    views::{MemberList, RoleView},
};
use crate::{
    error::{ApiError, ApiResult, ErrorCode},
    state::{AppState, audit_context, is_platform_admin},
};

pub struct MemberApi(pub Arc<AppState>);

/// A user to add: by id or by email.
#[derive(Object)]
struct AddMember {
    /// The user's id.
    user_id: Option<String>,
    /// Or the user's email.
    #[oai(validator(max_length = 320))]
    email: Option<String>,
    /// Their role.
    role: RoleView,
    /// Narrow them to one client.
    client_id: Option<String>,
}

/// A member's new role and client scope.
#[derive(Object)]
struct UpdateMember {
    /// The role.
    role: RoleView,
    /// The client scope (absent: the whole tenant).
    client_id: Option<String>,
}

/// A membership as changed.
#[derive(Object)]
struct MembershipView {
    /// The user.
    user_id: String,
    /// The role.
    role: RoleView,
    /// The client scope.
    client_id: Option<String>,
}

impl From<Membership> for MembershipView {
    fn from(m: Membership) -> Self {
        MembershipView {
            user_id: m.user_id.to_string(),
            role: m.role.into(),
            client_id: m.client_id.map(|c| c.to_string()),
        }
    }
}

fn user_id(raw: &str) -> ApiResult<UserId> {
    raw.parse().map_err(|_| ApiError::not_found())
}

fn optional_client(raw: Option<&str>) -> ApiResult<Option<ClientId>> {
    raw.map(client_id).transpose()
}

impl MemberApi {
    /// Owner grants are for owners and platform admins.
    fn may_touch_owners(&self, principal: &Principal, tenant: TenantId) -> ApiResult<()> {
        let is_owner =
            principal.grant(tenant).is_some_and(|g| g.role == TenantRole::Owner && g.client.is_none());
        if is_owner || is_platform_admin(principal) {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::Forbidden, "only an owner can grant or take the owner role"))
        }
    }

    async fn keep_an_owner(&self, tenant: TenantId, leaving: &Membership) -> ApiResult<()> {
        if leaving.role == TenantRole::Owner && self.0.store.count_owners(tenant).await? <= 1 {
            return Err(ApiError::new(ErrorCode::Conflict, "a tenant must keep at least one owner"));
        }
        Ok(())
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Members")]
impl MemberApi {
    /// Adds a user to the tenant with a role.
    #[oai(path = "/tenants/:tenant/members", method = "post")]
    async fn add(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        body: Json<AddMember>,
    ) -> ApiResult<Json<MembershipView>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::MemberWrite, None).await?;
        let body = body.0;
        let role = TenantRole::from(body.role);
        if role == TenantRole::Owner {
            self.may_touch_owners(&auth.0, tenant.id)?;
        }
        let user = match (body.user_id.as_deref(), body.email.as_deref()) {
            (Some(id), None) => self.0.store.get_user(user_id(id)?).await,
            (None, Some(email)) => self.0.store.find_user_by_email(email).await,
            _ => return Err(ApiError::invalid("give exactly one of `user_id` and `email`")),
        };
        let user = match user {
            Err(StoreError::NotFound) => return Err(ApiError::invalid("no such user")),
            other => other?,
        };
        let new =
            NewMembership { user_id: user.id, role, client_id: optional_client(body.client_id.as_deref())? };
        let added = match self.0.store.add_member(tenant.id, new, &audit_context(&auth.0)).await {
            Err(StoreError::Conflict(_)) => {
                return Err(ApiError::new(ErrorCode::Conflict, "the user is already a member"));
            }
            other => other?,
        };
        Ok(Json(added.into()))
    }

    /// Lists the members.
    #[oai(path = "/tenants/:tenant/members", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<MemberList>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::MemberRead, None).await?;
        Ok(Json(self.0.store.list_members(tenant.id, &page(limit.0, cursor.0)).await?.into()))
    }

    /// Changes a member's role or client scope.
    #[oai(path = "/tenants/:tenant/members/:user", method = "patch")]
    async fn update(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        user: Path<String>,
        body: Json<UpdateMember>,
    ) -> ApiResult<Json<MembershipView>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::MemberWrite, None).await?;
        let user = user_id(&user)?;
        let current = self.0.store.membership(tenant.id, user).await?;
        let role = TenantRole::from(body.0.role);
        if role == TenantRole::Owner || current.role == TenantRole::Owner {
            self.may_touch_owners(&auth.0, tenant.id)?;
        }
        if role != TenantRole::Owner {
            self.keep_an_owner(tenant.id, &current).await?;
        }
        let client = optional_client(body.0.client_id.as_deref())?;
        let changed =
            self.0.store.update_member(tenant.id, user, role, client, &audit_context(&auth.0)).await?;
        Ok(Json(changed.into()))
    }

    /// Removes a member.
    #[oai(path = "/tenants/:tenant/members/:user", method = "delete")]
    async fn remove(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        user: Path<String>,
    ) -> ApiResult<Json<serde_json::Value>> {
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::MemberWrite, None).await?;
        let user = user_id(&user)?;
        let current = self.0.store.membership(tenant.id, user).await?;
        if current.role == TenantRole::Owner {
            self.may_touch_owners(&auth.0, tenant.id)?;
            self.keep_an_owner(tenant.id, &current).await?;
        }
        self.0.store.remove_member(tenant.id, user, &audit_context(&auth.0)).await?;
        Ok(Json(serde_json::json!({ "removed": true })))
    }
}
