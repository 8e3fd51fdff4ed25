//! What the host offers a plugin, linked from the WIT package (`ports/wit/host.wit`): the step's
//! log, signature checks with secrets the plugin names but never reads, its non-secret
//! configuration, and outbound HTTP.
//!
//! Outbound HTTP goes through the egress policy of `egress.rs`: only to the hosts the plugin's
//! manifest allows (none without a manifest), never to internal or metadata addresses, with the
//! tenant's credentials attached by the host. Every attempt is recorded for the call's report.

use std::{collections::BTreeMap, sync::Arc, time::Instant};

use hmac::{Hmac, Mac as _};
use sha2::Digest as _;

wasmtime::component::bindgen!({
    path: "../../ports/wit",
    world: "maxai:ports/host",
    imports: { default: async },
});

use maxai::ports::{config, crypto, log};
pub(crate) use maxai::ports::{http, log::Level};

use crate::{
    egress::{Credential, Egress, HttpCall, Scope},
    manifest::Manifest,
};

/// Most log lines one call keeps, and the longest line.
const MAX_LOG_LINES: usize = 200;
const MAX_LOG_LINE: usize = 2048;

/// What one call may reach through its imports, given by the caller of the plugin.
#[derive(Clone, Debug, Default)]
pub struct CallEnv {
    /// Secrets by the name a plugin may use in `verify-hmac` (webhook signing secrets).
    pub secrets: Arc<BTreeMap<String, Vec<u8>>>,
    /// The plugin's non-secret configuration for this tenant.
    pub config: Arc<BTreeMap<String, String>>,
    /// The tenant's credentials for the plugin's hosts, by the host pattern of the manifest
    /// (`api.twilio.com`, `*.example.com`); the host attaches them, the plugin never reads them.
    pub credentials: Arc<BTreeMap<String, Credential>>,
}

/// A line the plugin logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// `debug`, `info`, `warn` or `error`.
    pub level: &'static str,
    /// What it said (cut at 2 KiB).
    pub message: String,
}

/// The imports' side of a call's state.
pub(crate) struct Imports {
    pub(crate) env: CallEnv,
    pub(crate) log: Vec<LogLine>,
    /// The host's HTTP client and egress settings.
    egress: Arc<Egress>,
    /// The plugin's manifest, for its allowed hosts.
    manifest: Option<Arc<Manifest>>,
    /// When the call must be over.
    deadline: Option<Instant>,
    /// Every request the plugin sent or tried to send.
    pub(crate) http: Vec<HttpCall>,
}

impl Imports {
    /// One call's imports: what `env` gives, the host's egress, the plugin's manifest (its
    /// allowed hosts) and the call's deadline.
    pub(crate) fn new(
        env: CallEnv,
        egress: Arc<Egress>,
        manifest: Option<Arc<Manifest>>,
        deadline: Option<Instant>,
    ) -> Self {
        Self { env, log: Vec::new(), egress, manifest, deadline, http: Vec::new() }
    }
}

impl log::Host for Imports {
    async fn log(&mut self, level: Level, mut message: String) {
        if self.log.len() >= MAX_LOG_LINES {
            return;
        }
        if message.len() > MAX_LOG_LINE {
            let mut cut = MAX_LOG_LINE;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
        }
        let level = match level {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        self.log.push(LogLine { level, message });
    }
}

impl config::Host for Imports {
    async fn get(&mut self, key: String) -> Option<String> {
        self.env.config.get(&key).cloned()
    }

    async fn all(&mut self) -> Vec<(String, String)> {
        self.env.config.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

impl crypto::Host for Imports {
    async fn verify_hmac(
        &mut self,
        secret_ref: String,
        algorithm: crypto::HmacAlgorithm,
        message: Vec<u8>,
        signature: Vec<u8>,
    ) -> bool {
        let Some(secret) = self.env.secrets.get(&secret_ref) else { return false };
        // `verify_slice` compares in constant time
        match algorithm {
            crypto::HmacAlgorithm::Sha1 => Hmac::<sha1::Sha1>::new_from_slice(secret)
                .is_ok_and(|mac| mac.chain_update(&message).verify_slice(&signature).is_ok()),
            crypto::HmacAlgorithm::Sha256 => Hmac::<sha2::Sha256>::new_from_slice(secret)
                .is_ok_and(|mac| mac.chain_update(&message).verify_slice(&signature).is_ok()),
            crypto::HmacAlgorithm::Sha512 => Hmac::<sha2::Sha512>::new_from_slice(secret)
                .is_ok_and(|mac| mac.chain_update(&message).verify_slice(&signature).is_ok()),
        }
    }

    async fn verify_ed25519(&mut self, public_key: Vec<u8>, message: Vec<u8>, signature: Vec<u8>) -> bool {
        let (Ok(key), Ok(signature)) =
            (<[u8; 32]>::try_from(public_key.as_slice()), ed25519_dalek::Signature::from_slice(&signature))
        else {
            return false;
        };
        ed25519_dalek::VerifyingKey::from_bytes(&key)
            .is_ok_and(|key| key.verify_strict(&message, &signature).is_ok())
    }

    async fn verify_rsa_sha256(
        &mut self,
        public_key_pem: String,
        message: Vec<u8>,
        signature: Vec<u8>,
    ) -> bool {
        use rsa::{pkcs8::DecodePublicKey as _, signature::Verifier as _};
        let Ok(key) = rsa::RsaPublicKey::from_public_key_pem(&public_key_pem) else { return false };
        let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature.as_slice()) else { return false };
        rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key).verify(&message, &signature).is_ok()
    }

    async fn sha256(&mut self, data: Vec<u8>) -> Vec<u8> {
        sha2::Sha256::digest(&data).to_vec()
    }
}

impl http::Host for Imports {
    async fn send(&mut self, request: http::Request) -> Result<http::Response, http::HttpError> {
        let hosts = self.manifest.as_deref().map_or(&[][..], |manifest| manifest.hosts.as_slice());
        let scope = Scope { hosts, credentials: &self.env.credentials, deadline: self.deadline };
        self.egress.send(&scope, request, &mut self.http).await
    }
}

/// Links every import into `linker`.
pub(crate) fn link<T: 'static + Send>(
    linker: &mut wasmtime::component::Linker<T>,
    imports: fn(&mut T) -> &mut Imports,
) -> wasmtime::Result<()> {
    // the world is called `host`; bindgen names its struct `Host_` to keep clear of the traits
    Host_::add_to_linker::<T, wasmtime::component::HasSelf<Imports>>(linker, imports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto::Host as _;
    use http::Host as _;

    fn imports() -> Imports {
        let egress = Egress::new(crate::egress::EgressSettings::default()).unwrap();
        Imports::new(CallEnv::default(), Arc::new(egress), None, None)
    }

    #[tokio::test]
    async fn outbound_http_without_a_manifest_is_refused_naming_the_host() {
        let request = http::Request {
            method: "GET".into(),
            url: "https://api.twilio.com/2010-04-01/Accounts?PageSize=5".into(),
            headers: vec![],
            body: None,
            timeout_ms: None,
        };
        let mut imports = imports();
        match imports.send(request).await {
            Err(http::HttpError::Denied(message)) => {
                assert!(message.contains("`api.twilio.com`"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        let [call] = imports.http.as_slice() else { panic!("{:?}", imports.http) };
        assert_eq!((call.host.as_str(), call.path.as_str()), ("api.twilio.com", "/2010-04-01/Accounts"));
        assert!(
            matches!(&call.outcome, crate::egress::HttpOutcome::Denied(m) if m.contains("api.twilio.com"))
        );
    }

    #[tokio::test]
    async fn ed25519_signatures_verify_only_for_their_key_and_message() {
        use ed25519_dalek::Signer as _;
        let signing = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let public = signing.verifying_key().to_bytes().to_vec();
        let signature = signing.sign(b"payload").to_bytes().to_vec();
        let mut imports = imports();
        assert!(imports.verify_ed25519(public.clone(), b"payload".to_vec(), signature.clone()).await);
        assert!(!imports.verify_ed25519(public.clone(), b"payloaD".to_vec(), signature.clone()).await);
        let other = ed25519_dalek::SigningKey::from_bytes(&[8; 32]).verifying_key().to_bytes().to_vec();
        assert!(!imports.verify_ed25519(other, b"payload".to_vec(), signature).await);
        assert!(
            !imports.verify_ed25519(public, b"payload".to_vec(), vec![0; 3]).await,
            "malformed signature"
        );
    }

    #[tokio::test]
    async fn sha256_and_unknown_secrets() {
        let mut imports = imports();
        assert_eq!(
            hex::encode(imports.sha256(b"abc".to_vec()).await),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let unknown = imports.verify_hmac("nope".into(), crypto::HmacAlgorithm::Sha256, vec![], vec![]).await;
        assert!(!unknown, "an unknown secret never verifies");
    }

    /// A public key and an RSASSA-PKCS1-v1_5 SHA-256 signature of `payload`, made with
    /// `openssl dgst -sha256 -sign` (the scheme of GoHighLevel's legacy `x-wh-signature`).
    const RSA_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAouuUTjZvE+POQQpy7VC1\nmTZaYhusEDNOaYHfcwgiFIDR7yxhqkhadCUpPUI5Xgx5CluB1kDxX8IYoPzo9Zsj\nIKPHLiRPRSLu834Hd5/73BDHqAolLnkzkd53/M+bCWYVOhj1DQ3H2mLRCiUZczXL\nar3j/CLhriw1wT7BSc+My2oNDurccw66UrRXtW89UR/J01uQ0jlKsYndlfmRe1S4\nXXBH9AD9PJ9PS5+xMIXZcy7VoSqYZ4lcGR40OCHuONUcDG9Hz4iu1ekwFyUj5Rku\nJFmvH1D18Suursf72PKhzx78h+kx+LrAJZgoF90PIVdwfBxpPhA5asc3fNO5AGQw\nzwIDAQAB\n-----END PUBLIC KEY-----\n";
    const RSA_SIGNATURE_OF_PAYLOAD: &str = "66a96630550347586396c7e7283a769744c4618a220718caeec994d5d8eeb98d8be8de16cd7e1469a2a73924cdd9da07b65b14e37354d71f442e0dd8c61dca6bf90ec69b2758167ddc8e4ffb8a1322fd5d77fcee72562cbac735dbc688096403374c2a759e232a55416ba7e3091fb05d785e2801c8f3c21d0f689f08672570eca1cb121e4d05755c55355e21d0a92b7439910e83dd08ea7fd55e9551baa5e91c56691364284f77e5be28b2079936ad7330cebd0a19934554c60efd1b5c6f459106a793acb166939b4b6782465704460162483e7da4a7ee9ec40fa0994f5162470a8658d434e59eb7f240fb836687a6b7d17f855d0ddd12df0711899132472c65";

    #[tokio::test]
    async fn rsa_sha256_signatures_made_by_openssl_verify() {
        let signature = hex::decode(RSA_SIGNATURE_OF_PAYLOAD).unwrap();
        let mut imports = imports();
        let key = RSA_PUBLIC_KEY.to_owned();
        assert!(imports.verify_rsa_sha256(key.clone(), b"payload".to_vec(), signature.clone()).await);
        assert!(!imports.verify_rsa_sha256(key.clone(), b"payloaD".to_vec(), signature.clone()).await);
        let mut tampered = signature.clone();
        tampered[10] ^= 1;
        assert!(!imports.verify_rsa_sha256(key, b"payload".to_vec(), tampered).await);
        assert!(!imports.verify_rsa_sha256("not a key".into(), b"payload".to_vec(), signature).await);
    }
}
