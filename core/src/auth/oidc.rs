//! External identities: JWTs of an OpenID Connect issuer (Keycloak, say), checked against the
//! issuer's published keys (JWKS), with the roles read from a configured claim.
//!
//! Role values map onto ours: `maxai:admin` and `maxai:support` are platform roles;
//! `<tenant-slug>:<role>` (`acme:editor`) is a role in that tenant. Other values are ignored.
//! Fetching the JWKS is the caller's business (this crate does no IO).

use jsonwebtoken::{DecodingKey, Validation, jwk::JwkSet};
use maxai_ports::roles::{PlatformRole, TenantRole};
use serde_json::Value;

/// What the gateway needs to know about an external issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The `iss` the tokens carry.
    pub issuer: String,
    /// The `aud` they must be for.
    pub audience: String,
    /// The claim that holds the roles; dots walk into objects (`realm_access.roles`).
    pub roles_claim: String,
}

/// A verified external identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIdentity {
    /// The issuer's subject.
    pub subject: String,
    /// Platform role granted by the roles claim.
    pub platform_role: Option<PlatformRole>,
    /// Tenant roles by tenant slug.
    pub tenant_roles: Vec<(String, TenantRole)>,
}

/// Why an external token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    /// The token names a key the JWKS does not have (yet): refetch the JWKS, then retry once.
    #[error("unknown signing key `{0}`")]
    UnknownKey(String),
    /// Bad signature, wrong issuer or audience, expired, malformed.
    #[error("invalid token: {0}")]
    Invalid(String),
}

/// Verifies `token` against `keys` and reads its identity.
pub fn verify(token: &str, keys: &JwkSet, settings: &OidcSettings) -> Result<ExternalIdentity, OidcError> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| OidcError::Invalid(e.to_string()))?;
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid),
        None => keys.keys.first(),
    }
    .ok_or_else(|| OidcError::UnknownKey(header.kid.clone().unwrap_or_default()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| OidcError::Invalid(e.to_string()))?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[&settings.issuer]);
    validation.set_audience(&[&settings.audience]);
    validation.leeway = 30;
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|e| OidcError::Invalid(e.to_string()))?
        .claims;
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .ok_or_else(|| OidcError::Invalid("no subject".into()))?
        .to_owned();
    let roles = settings
        .roles_claim
        .split('.')
        .try_fold(&claims, |value, part| value.get(part))
        .and_then(Value::as_array)
        .map(|roles| roles.iter().filter_map(Value::as_str).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut identity = ExternalIdentity { subject, platform_role: None, tenant_roles: vec![] };
    for role in roles {
        match role.split_once(':') {
            Some(("maxai", platform)) => {
                let role = platform.parse::<PlatformRole>().ok();
                // admin wins over support when both are granted
                if identity.platform_role != Some(PlatformRole::Admin) {
                    identity.platform_role = role.or(identity.platform_role);
                }
            }
            Some((slug, tenant_role)) => {
                if let Ok(tenant_role) = tenant_role.parse() {
                    identity.tenant_roles.push((slug.to_owned(), tenant_role));
                }
            }
            None => {}
        }
    }
    Ok(identity)
}
