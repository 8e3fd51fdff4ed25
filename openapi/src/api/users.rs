//! User accounts, created and (de)activated by platform admins.

use std::sync::Arc;

use maxai_core::{Action, auth::password};
use maxai_ports::{UserId, tenancy::NewUser};
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{
    ApiTags, BearerAuth,
    views::{PlatformRoleView, UserView},
};
use crate::{
    error::{ApiError, ApiResult},
    state::{AppState, audit_context},
};

pub struct UserApi(pub Arc<AppState>);

/// A new user account.
#[derive(Object)]
struct CreateUser {
    /// Email (unique, in any case).
    #[oai(validator(pattern = r"^[^@\s]+@[^@\s]+$", max_length = 320))]
    email: String,
    /// Display name.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: String,
    /// Initial password, at least 12 characters.
    #[oai(validator(max_length = 1024))]
    password: String,
    /// Platform role, for the operator's own staff.
    platform_role: Option<PlatformRoleView>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Users")]
impl UserApi {
    /// Creates a user account (platform admin). Add it to tenants through their members.
    #[oai(path = "/users", method = "post")]
    async fn create(&self, auth: BearerAuth, body: Json<CreateUser>) -> ApiResult<Json<UserView>> {
        self.0.platform(&auth.0, Action::UserManage)?;
        let body = body.0;
        let plain = body.password;
        let password_hash = tokio::task::spawn_blocking(move || password::hash_password(&plain))
            .await
            .map_err(ApiError::internal)?
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        let new = NewUser {
            email: body.email,
            name: body.name,
            password_hash,
            platform_role: body.platform_role.map(Into::into),
        };
        Ok(Json(self.0.store.create_user(new, &audit_context(&auth.0)).await?.into()))
    }

    /// Deactivates a user: refused at once, sessions revoked.
    #[oai(path = "/users/:user/deactivate", method = "post")]
    async fn deactivate(&self, auth: BearerAuth, user: Path<String>) -> ApiResult<Json<UserView>> {
        self.set_active(auth, &user, false).await
    }

    /// Reactivates a user.
    #[oai(path = "/users/:user/activate", method = "post")]
    async fn activate(&self, auth: BearerAuth, user: Path<String>) -> ApiResult<Json<UserView>> {
        self.set_active(auth, &user, true).await
    }
}

impl UserApi {
    async fn set_active(&self, auth: BearerAuth, user: &str, active: bool) -> ApiResult<Json<UserView>> {
        self.0.platform(&auth.0, Action::UserManage)?;
        let id: UserId = user.parse().map_err(|_| ApiError::not_found())?;
        Ok(Json(self.0.store.set_user_active(id, active, &audit_context(&auth.0)).await?.into()))
    }
}
