//! The host's imports as a plugin sees them: its log lines come back with the call, a
//! signature is checked against a secret the plugin only names, and outbound HTTP is refused.
//! The guests are components written in WAT, importing the interfaces of `ports/wit/host.wit`.

#![allow(clippy::unwrap_used)]

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use hmac::{Hmac, Mac as _};
use maxai_wasm::{CallEnv, CallLimits, HostSettings, LogLine, PluginHost};

fn host() -> PluginHost {
    PluginHost::new(HostSettings { max_instances: 8, ..HostSettings::default() }).unwrap()
}

fn limits() -> CallLimits {
    CallLimits { deadline: Duration::from_secs(2), ..CallLimits::default() }
}

/// Logs `hello from the guest` at `info`.
const LOGS: &str = r#"(component
  (type (instance
    (type (enum "debug" "info" "warn" "error"))
    (export "level" (type (eq 0)))
    (type (func (param "level" 1) (param "message" string)))
    (export "log" (func (type 2)))))
  (import "maxai:ports/log@0.1.0" (instance $log (type 0)))
  (core module $memory (memory (export "memory") 1))
  (core instance $mem (instantiate $memory))
  (alias export $log "log" (func $log-fn))
  (core func $log-lowered (canon lower (func $log-fn) (memory (core memory $mem "memory"))))
  (core module $m
    (import "host" "log" (func $log (param i32 i32 i32)))
    (import "env" "memory" (memory 1))
    (data (i32.const 16) "hello from the guest")
    (func (export "run") (call $log (i32.const 1) (i32.const 16) (i32.const 20))))
  (core instance $i (instantiate $m
    (with "host" (instance (export "log" (func $log-lowered))))
    (with "env" (instance $mem))))
  (func (export "run") (canon lift (core func $i "run"))))"#;

/// Asks the host whether `signature` (at 256, 32 bytes) is the HMAC-SHA256 of the message (at 64)
/// under the secret named `signing-secret` (at 16), and returns the answer.
fn verifier(signature: &[u8]) -> String {
    let escaped: String = signature.iter().map(|b| format!("\\{b:02x}")).collect();
    format!(
        r#"(component
  (type (instance
    (type $algorithms (enum "sha1" "sha256" "sha512"))
    (export "hmac-algorithm" (type $algorithm (eq $algorithms)))
    (type $bytes (list u8))
    (type $verify (func (param "secret-ref" string) (param "algorithm" $algorithm) (param "message" $bytes) (param "signature" $bytes) (result bool)))
    (export "verify-hmac" (func (type $verify)))))
  (import "maxai:ports/crypto@0.1.0" (instance $crypto (type 0)))
  (core module $memory (memory (export "memory") 1))
  (core instance $mem (instantiate $memory))
  (alias export $crypto "verify-hmac" (func $verify))
  (core func $verify-lowered (canon lower (func $verify) (memory (core memory $mem "memory"))))
  (core module $m
    (import "host" "verify-hmac" (func $verify (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
    (import "env" "memory" (memory 1))
    (data (i32.const 16) "signing-secret")
    (data (i32.const 64) "t=1700000000.{{\"id\":\"evt_1\"}}")
    (data (i32.const 256) "{escaped}")
    (func (export "check") (result i32)
      (call $verify (i32.const 16) (i32.const 14) (i32.const 1) (i32.const 64) (i32.const {len}) (i32.const 256) (i32.const 32))))
  (core instance $i (instantiate $m
    (with "host" (instance (export "verify-hmac" (func $verify-lowered))))
    (with "env" (instance $mem))))
  (func (export "check") (result bool) (canon lift (core func $i "check"))))"#,
        len = MESSAGE.len()
    )
}

const MESSAGE: &[u8] = b"t=1700000000.{\"id\":\"evt_1\"}";

fn hmac_sha256(secret: &[u8], message: &[u8]) -> Vec<u8> {
    Hmac::<sha2::Sha256>::new_from_slice(secret)
        .unwrap()
        .chain_update(message)
        .finalize()
        .into_bytes()
        .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plugins_log_comes_back_with_the_call() {
    let host = host();
    let plugin = host.load("logger", LOGS.as_bytes()).unwrap();
    let report = host.call::<(), ()>(&plugin, limits(), &CallEnv::default(), "run", ()).await.unwrap();
    assert_eq!(report.log, [LogLine { level: "info", message: "hello from the guest".into() }]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_are_checked_with_a_secret_the_plugin_only_names() {
    let secret = b"whsec_test_secret".to_vec();
    let env = CallEnv {
        secrets: Arc::new(BTreeMap::from([("signing-secret".to_owned(), secret.clone())])),
        ..CallEnv::default()
    };
    let host = host();
    let check = |signature: Vec<u8>| {
        let plugin = host.load("verifier", verifier(&signature).as_bytes()).unwrap();
        let env = env.clone();
        let host = &host;
        async move { host.call::<(), (bool,)>(&plugin, limits(), &env, "check", ()).await.unwrap().output.0 }
    };
    assert!(check(hmac_sha256(&secret, MESSAGE)).await, "the right signature verifies");
    assert!(
        !check(hmac_sha256(b"another secret", MESSAGE)).await,
        "a signature under another secret does not"
    );
    let mut tampered = hmac_sha256(&secret, MESSAGE);
    tampered[0] ^= 1;
    assert!(!check(tampered).await, "a tampered signature does not");
    // without the secret in the call's environment nothing verifies
    let plugin = host.load("verifier", verifier(&hmac_sha256(&secret, MESSAGE)).as_bytes()).unwrap();
    let report = host.call::<(), (bool,)>(&plugin, limits(), &CallEnv::default(), "check", ()).await.unwrap();
    assert!(!report.output.0);
}
