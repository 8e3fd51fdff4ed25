//! The external OpenID Connect issuer: fetches its JWKS (found through its discovery document
//! unless configured), caches it, and refetches it when a token names a key it does not know,
//! at most once every 30 seconds.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use maxai_core::auth::oidc::{self, ExternalIdentity, OidcError, OidcSettings};
use tokio::sync::RwLock;

use crate::settings::OidcConfig;

const REFETCH_INTERVAL: Duration = Duration::from_secs(30);

struct Keys {
    set: JwkSet,
    fetched: Option<Instant>,
}

/// Verifies tokens of one external issuer.
pub struct OidcVerifier {
    settings: OidcSettings,
    jwks_url: Option<String>,
    http: reqwest::Client,
    keys: RwLock<Keys>,
}

impl OidcVerifier {
    /// A verifier for the configured issuer; nothing is fetched until the first token.
    pub fn new(config: &OidcConfig) -> Self {
        Self {
            settings: OidcSettings {
                issuer: config.issuer.clone(),
                audience: config.audience.clone(),
                roles_claim: config.roles_claim.clone(),
            },
            jwks_url: config.jwks_url.clone(),
            http: reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap_or_default(),
            keys: RwLock::new(Keys { set: JwkSet { keys: vec![] }, fetched: None }),
        }
    }

    /// Verifies a token of the issuer.
    pub async fn verify(&self, token: &str) -> Result<ExternalIdentity, OidcError> {
        if maxai_core::auth::token::unverified_issuer(token).as_deref() != Some(self.settings.issuer.as_str())
        {
            return Err(OidcError::Invalid("not from the configured issuer".into()));
        }
        let first = oidc::verify(token, &self.keys.read().await.set, &self.settings);
        match first {
            Err(OidcError::UnknownKey(_)) if self.refetch().await => {
                oidc::verify(token, &self.keys.read().await.set, &self.settings)
            }
            other => other,
        }
    }

    /// Refetches the key set unless that was done recently; whether it was refetched.
    async fn refetch(&self) -> bool {
        let mut keys = self.keys.write().await;
        if keys.fetched.is_some_and(|at| at.elapsed() < REFETCH_INTERVAL) {
            return false;
        }
        keys.fetched = Some(Instant::now());
        match self.fetch().await {
            Ok(set) => {
                keys.set = set;
                true
            }
            Err(error) => {
                tracing::warn!(issuer = %self.settings.issuer, %error, "cannot fetch the issuer's keys");
                false
            }
        }
    }

    async fn fetch(&self) -> Result<JwkSet, reqwest::Error> {
        let url = match &self.jwks_url {
            Some(url) => url.clone(),
            None => {
                let discovery = format!(
                    "{}/.well-known/openid-configuration",
                    self.settings.issuer.trim_end_matches('/')
                );
                let document: serde_json::Value =
                    self.http.get(discovery).send().await?.error_for_status()?.json().await?;
                document.get("jwks_uri").and_then(|u| u.as_str()).unwrap_or_default().to_owned()
            }
        };
        self.http.get(url).send().await?.error_for_status()?.json().await
    }
}
