//! What every handler shares: the store, the token signer, the login throttle, the metrics and
//! the external issuer; and the two steps most handlers start with: who is calling
//! ([`AppState::authenticate`]) and which tenant they act on ([`AppState::tenant_for`]).

use std::sync::Arc;

use chrono::{Duration, Utc};
use maxai_core::{
    Action, Principal, Resource,
    auth::{api_key, secret::constant_time_eq, throttle::LoginThrottle, token},
    authorize,
    policy::{Credential, Grant},
};
use maxai_ports::{
    ClientId, StoreError,
    audit::AuditContext,
    roles::PlatformRole,
    store::Store,
    tenancy::{Tenant, TenantRef, TenantStatus},
};

use crate::{
    error::{ApiError, ApiResult, ErrorCode},
    metrics::Metrics,
    middleware::{current_client_addr, current_request_id},
    oidc::OidcVerifier,
};

/// API keys record their last use at most this often, so that a busy key does not write on
/// every request.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

/// The shared state of the API.
pub struct AppState {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Signs and checks the gateway's own access tokens.
    pub signer: token::TokenSigner,
    /// Slows down repeated failed logins.
    pub throttle: LoginThrottle,
    /// Request counters.
    pub metrics: Arc<Metrics>,
    /// The external OpenID Connect issuer, if configured.
    pub oidc: Option<OidcVerifier>,
    /// The installed plugins.
    pub plugins: Arc<maxai_wasm::Installed>,
}

impl AppState {
    /// Who presents `bearer`: a user's access token, an API key, or an external token.
    pub async fn authenticate(&self, bearer: &str) -> ApiResult<Principal> {
        if let Some(prefix) = api_key::prefix_of(bearer) {
            return self.authenticate_key(prefix, bearer).await;
        }
        if token::is_own_token(bearer) {
            let user_id = self.signer.verify(bearer).map_err(|_| ApiError::unauthenticated())?;
            let (user, memberships) = match self.store.user_with_memberships(user_id).await {
                Err(StoreError::NotFound) => return Err(ApiError::unauthenticated()),
                other => other?,
            };
            if !user.active {
                return Err(ApiError::unauthenticated());
            }
            let grants = memberships
                .into_iter()
                .map(|m| Grant { tenant: m.tenant_id, role: m.role, client: m.client_id })
                .collect();
            return Ok(Principal {
                actor: format!("user:{}", user.id),
                credential: Credential::Person { platform_role: user.platform_role, grants },
            });
        }
        match &self.oidc {
            Some(oidc) => {
                let identity = oidc.verify(bearer).await.map_err(|_| ApiError::unauthenticated())?;
                let mut grants = Vec::new();
                for (slug, role) in identity.tenant_roles {
                    match self.store.find_tenant(&TenantRef::Slug(slug)).await {
                        Ok(tenant) => grants.push(Grant { tenant: tenant.id, role, client: None }),
                        Err(StoreError::NotFound) => {}
                        Err(other) => return Err(other.into()),
                    }
                }
                Ok(Principal {
                    actor: format!("oidc:{}", identity.subject),
                    credential: Credential::Person { platform_role: identity.platform_role, grants },
                })
            }
            None => Err(ApiError::unauthenticated()),
        }
    }

    async fn authenticate_key(&self, prefix: &str, presented: &str) -> ApiResult<Principal> {
        let key = match self.store.find_api_key(prefix).await {
            Err(StoreError::NotFound) => return Err(ApiError::unauthenticated()),
            other => other?,
        };
        let now = Utc::now();
        let valid = constant_time_eq(&maxai_core::auth::secret::sha256_hex(presented), &key.hash)
            && key.revoked_at.is_none()
            && key.expires_at.is_none_or(|at| at > now);
        if !valid {
            return Err(ApiError::unauthenticated());
        }
        if key.last_used_at.is_none_or(|at| now - at > LAST_USED_GRANULARITY) {
            self.store.touch_api_key(key.id, now).await?;
        }
        Ok(Principal {
            actor: format!("api_key:{}", key.id),
            credential: Credential::ApiKey { tenant: key.tenant_id, scopes: key.scopes },
        })
    }

    /// Resolves `{tenant}` (id or slug) and checks that `principal` may perform `action` there,
    /// on the resources of `client` when given, else of the caller's own client scope. Unknown
    /// tenants and denied actions are both 404; members of a suspended tenant get 403.
    pub async fn tenant_for(
        &self,
        principal: &Principal,
        tenant: &str,
        action: Action,
        client: Option<ClientId>,
    ) -> ApiResult<Tenant> {
        let tenant = self.store.find_tenant(&TenantRef::parse(tenant)).await?;
        let client = client.or_else(|| principal.client_scope(tenant.id));
        authorize(principal, action, Resource::Tenant { tenant: tenant.id, client })?;
        let staff = principal.platform_role().is_some();
        if tenant.status == TenantStatus::Suspended && !staff {
            return Err(ApiError::new(ErrorCode::TenantSuspended, "this tenant is suspended"));
        }
        Ok(tenant)
    }

    /// Checks a platform-level action; a denial is 403 (nothing to hide there).
    pub fn platform(&self, principal: &Principal, action: Action) -> ApiResult<()> {
        authorize(principal, action, Resource::Platform)
            .map_err(|_| ApiError::new(ErrorCode::Forbidden, "this needs a platform role"))
    }
}

/// The audit context of the current request, acted by `principal`.
pub fn audit_context(principal: &Principal) -> AuditContext {
    audit_context_of(principal.actor.clone())
}

/// The audit context of the current request, acted by `actor` (before anyone is authenticated,
/// as on login).
pub fn audit_context_of(actor: String) -> AuditContext {
    AuditContext { actor, request_id: current_request_id(), client_addr: current_client_addr() }
}

/// Whether the principal is a platform admin.
pub fn is_platform_admin(principal: &Principal) -> bool {
    principal.platform_role() == Some(PlatformRole::Admin)
}
