//! The gateway's own access tokens: short-lived JWTs signed with HS256, and the opaque,
//! rotating refresh tokens that renew them.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use maxai_ports::UserId;
use serde::{Deserialize, Serialize};

use super::secret::{random_token, sha256_hex};

/// The `iss` of the gateway's own tokens.
pub const ISSUER: &str = "maxai-gateway";
/// The `aud` of the gateway's own tokens.
pub const AUDIENCE: &str = "maxai-api";
/// How long an access token lives.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// How long a refresh token lives (each rotation starts a new period).
pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user.
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expires at (seconds).
    pub exp: i64,
    /// Token id.
    pub jti: String,
}

/// An access token that does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid access token: {0}")]
pub struct InvalidToken(pub String);

/// Signs and checks access tokens with one HS256 key.
pub struct TokenSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner(<redacted>)")
    }
}

impl TokenSigner {
    /// A signer over `key` (at least 32 bytes of secret).
    pub fn new(key: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 5;
        Self { encoding: EncodingKey::from_secret(key), decoding: DecodingKey::from_secret(key), validation }
    }

    /// A new access token for `user`, valid for [`ACCESS_TOKEN_TTL`].
    pub fn issue(&self, user: UserId, now: DateTime<Utc>) -> Result<String, InvalidToken> {
        let claims = AccessClaims {
            sub: user.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now.timestamp(),
            exp: (now + ACCESS_TOKEN_TTL).timestamp(),
            jti: random_token(12),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| InvalidToken(e.to_string()))
    }

    /// The user of a valid, unexpired token.
    pub fn verify(&self, token: &str) -> Result<UserId, InvalidToken> {
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| InvalidToken(e.to_string()))?;
        data.claims.sub.parse().map_err(|_| InvalidToken("subject is not a user id".into()))
    }
}

/// Whether a JWT claims to come from the gateway itself (read without verifying, only to route it
/// to the right verifier).
pub fn is_own_token(token: &str) -> bool {
    unverified_issuer(token).as_deref() == Some(ISSUER)
}

/// The `iss` claim of a JWT, read without verifying the signature.
pub fn unverified_issuer(token: &str) -> Option<String> {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get("iss")?.as_str().map(str::to_owned)
}

/// A new refresh token: hand out `token`, store `hash`.
pub fn mint_refresh_token() -> (String, String) {
    let token = random_token(32);
    let hash = sha256_hex(&token);
    (token, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_name_their_user() {
        let signer = TokenSigner::new(&[7; 32]);
        let user = UserId::new();
        let token = signer.issue(user, Utc::now()).unwrap();
        assert!(is_own_token(&token));
        assert_eq!(signer.verify(&token), Ok(user));
    }

    #[test]
    fn expired_or_foreign_tokens_fail() {
        let signer = TokenSigner::new(&[7; 32]);
        let old = signer.issue(UserId::new(), Utc::now() - Duration::hours(1)).unwrap();
        assert!(signer.verify(&old).is_err());
        let other = TokenSigner::new(&[8; 32]).issue(UserId::new(), Utc::now()).unwrap();
        assert!(signer.verify(&other).is_err());
        assert!(signer.verify("not.a.token").is_err());
    }
}
