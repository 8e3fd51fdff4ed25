//! Logging in with email and password, refreshing (rotating) and logging out, and `GET /v1/me`.

use std::{sync::Arc, time::Instant};

use chrono::Utc;
use maxai_core::{
    auth::{password, token},
    policy::Credential,
};
use maxai_ports::{
    StoreError, UserId,
    audit::NewAuditEntry,
    tenancy::{RefreshToken, User},
};
use poem_openapi::{Object, OpenApi, payload::Json};
use serde_json::json;

use super::{
    ApiTags, BearerAuth,
    views::{PlatformRoleView, RoleView, UserView},
};
use crate::{
    error::{ApiError, ApiResult},
    middleware::current_client_addr,
    state::{AppState, audit_context_of},
};

pub struct AuthApi(pub Arc<AppState>);

/// Email and password.
#[derive(Object)]
struct LoginRequest {
    /// Email, in any case.
    #[oai(validator(max_length = 320))]
    email: String,
    /// Password.
    #[oai(validator(max_length = 1024))]
    password: String,
}

/// A refresh token to exchange or revoke.
#[derive(Object)]
struct RefreshRequest {
    /// The refresh token of the last login or refresh.
    #[oai(validator(max_length = 512))]
    refresh_token: String,
}

/// Tokens for a session.
#[derive(Object)]
struct TokenPair {
    /// Send as `Authorization: Bearer …`.
    access_token: String,
    /// Always `Bearer`.
    token_type: String,
    /// Seconds until the access token expires.
    expires_in: i64,
    /// Exchange at `/v1/auth/refresh` for a new pair; single use.
    refresh_token: String,
}

/// A tenant the caller belongs to.
#[derive(Object)]
struct MyMembership {
    /// The tenant.
    tenant_id: String,
    /// The role.
    role: RoleView,
    /// The client the caller is narrowed to.
    client_id: Option<String>,
}

/// The caller.
#[derive(Object)]
struct Me {
    /// `user:<id>`, `api_key:<id>` or `oidc:<subject>`.
    actor: String,
    /// The user account, for password users.
    user: Option<UserView>,
    /// Platform role.
    platform_role: Option<PlatformRoleView>,
    /// Tenant roles.
    memberships: Vec<MyMembership>,
    /// For API keys: the tenant and scopes.
    api_key_tenant_id: Option<String>,
    /// For API keys: the scopes.
    scopes: Vec<String>,
}

impl AuthApi {
    fn issue_session(&self, user: &User, family: uuid::Uuid) -> ApiResult<(TokenPair, RefreshToken)> {
        let now = Utc::now();
        let access_token = self.0.signer.issue(user.id, now).map_err(ApiError::internal)?;
        let (refresh_token, hash) = token::mint_refresh_token();
        let stored = RefreshToken {
            id: uuid::Uuid::now_v7(),
            user_id: user.id,
            family_id: family,
            token_hash: hash,
            expires_at: now + token::REFRESH_TOKEN_TTL,
            used_at: None,
            revoked_at: None,
        };
        let pair = TokenPair {
            access_token,
            token_type: "Bearer".into(),
            expires_in: token::ACCESS_TOKEN_TTL.num_seconds(),
            refresh_token,
        };
        Ok((pair, stored))
    }

    async fn audit_auth(&self, actor: String, action: &str, summary: serde_json::Value) -> ApiResult<()> {
        let entry = NewAuditEntry { tenant_id: None, action: action.into(), target: None, summary };
        Ok(self.0.store.append_audit(entry, &audit_context_of(actor)).await?)
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Logs in with email and password. Repeated failures, per account and per address, make
    /// the caller wait (429 with `Retry-After`).
    #[oai(path = "/auth/login", method = "post")]
    async fn login(&self, body: Json<LoginRequest>) -> ApiResult<Json<TokenPair>> {
        let address = current_client_addr().unwrap_or_default();
        let email = body.email.trim().to_lowercase();
        if let Some(wait) = self.0.throttle.wait(&email, &address, Instant::now()) {
            return Err(ApiError::rate_limited(wait.as_secs().max(1)));
        }
        let user = match self.0.store.find_user_by_email(&email).await {
            Ok(user) => Some(user),
            Err(StoreError::NotFound) => None,
            Err(other) => return Err(other.into()),
        };
        let password = body.password.clone();
        let (user, verified) = tokio::task::spawn_blocking(move || match user {
            Some(user) => {
                let ok = password::verify_password(&password, &user.password_hash);
                (Some(user), ok)
            }
            None => {
                password::verify_nothing(&password);
                (None, false)
            }
        })
        .await
        .map_err(ApiError::internal)?;
        let user = match user {
            Some(user) if verified && user.active => user,
            user => {
                self.0.throttle.failed(&email, &address, Instant::now());
                self.0.metrics.failed_login();
                let actor = user.map_or_else(|| "anonymous".into(), |u| format!("user:{}", u.id));
                self.audit_auth(actor, "auth.login_failed", json!({ "email": email })).await?;
                return Err(ApiError::unauthenticated());
            }
        };
        self.0.throttle.succeeded(&email);
        let (pair, stored) = self.issue_session(&user, uuid::Uuid::now_v7())?;
        self.0.store.insert_refresh_token(stored).await?;
        self.audit_auth(format!("user:{}", user.id), "auth.login", json!({})).await?;
        Ok(Json(pair))
    }

    /// Exchanges a refresh token for a new pair. Each refresh token works once: presenting a used
    /// one again revokes every token of its session.
    #[oai(path = "/auth/refresh", method = "post")]
    async fn refresh(&self, body: Json<RefreshRequest>) -> ApiResult<Json<TokenPair>> {
        let hash = maxai_core::auth::secret::sha256_hex(&body.refresh_token);
        let stored = match self.0.store.find_refresh_token(&hash).await {
            Err(StoreError::NotFound) => return Err(ApiError::unauthenticated()),
            other => other?,
        };
        let now = Utc::now();
        let actor = format!("user:{}", stored.user_id);
        if stored.used_at.is_some() {
            self.0.store.revoke_refresh_family(stored.family_id, now).await?;
            self.audit_auth(actor, "auth.refresh_reused", json!({ "family": stored.family_id })).await?;
            return Err(ApiError::unauthenticated());
        }
        if stored.revoked_at.is_some() || stored.expires_at <= now {
            return Err(ApiError::unauthenticated());
        }
        let user = self.0.store.get_user(stored.user_id).await?;
        if !user.active {
            return Err(ApiError::unauthenticated());
        }
        let (pair, next) = self.issue_session(&user, stored.family_id)?;
        match self.0.store.rotate_refresh_token(stored.id, now, next).await {
            Ok(()) => Ok(Json(pair)),
            Err(StoreError::Conflict(_)) => {
                // a concurrent exchange of the same token won: treat as reuse
                self.0.store.revoke_refresh_family(stored.family_id, now).await?;
                self.audit_auth(actor, "auth.refresh_reused", json!({ "family": stored.family_id })).await?;
                Err(ApiError::unauthenticated())
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Ends the session of a refresh token (every token of it stops working).
    #[oai(path = "/auth/logout", method = "post")]
    async fn logout(&self, body: Json<RefreshRequest>) -> ApiResult<Json<serde_json::Value>> {
        let hash = maxai_core::auth::secret::sha256_hex(&body.refresh_token);
        match self.0.store.find_refresh_token(&hash).await {
            Ok(stored) => {
                self.0.store.revoke_refresh_family(stored.family_id, Utc::now()).await?;
                self.audit_auth(format!("user:{}", stored.user_id), "auth.logout", json!({})).await?;
            }
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
        Ok(Json(json!({ "logged_out": true })))
    }

    /// Who the caller is: account, platform role, tenant roles, or API key scopes.
    #[oai(path = "/me", method = "get")]
    async fn me(&self, auth: BearerAuth) -> ApiResult<Json<Me>> {
        let principal = auth.0;
        let user = match principal.actor.strip_prefix("user:").and_then(|id| id.parse::<UserId>().ok()) {
            Some(id) => Some(self.0.store.get_user(id).await?.into()),
            None => None,
        };
        let mut me = Me {
            actor: principal.actor.clone(),
            user,
            platform_role: principal.platform_role().map(Into::into),
            memberships: vec![],
            api_key_tenant_id: None,
            scopes: vec![],
        };
        match principal.credential {
            Credential::Person { grants, .. } => {
                me.memberships = grants
                    .into_iter()
                    .map(|g| MyMembership {
                        tenant_id: g.tenant.to_string(),
                        role: g.role.into(),
                        client_id: g.client.map(|c| c.to_string()),
                    })
                    .collect();
            }
            Credential::ApiKey { tenant, scopes } => {
                me.api_key_tenant_id = Some(tenant.to_string());
                me.scopes = scopes;
            }
        }
        Ok(Json(me))
    }
}
