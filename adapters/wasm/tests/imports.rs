//! The host's imports as a plugin sees them: its log lines come back with the call, a
//! signature is checked against a secret the plugin only names, and outbound HTTP reaches only
//! the manifest's hosts, with the credential attached by the host and every request in the
//! call's report. The guests are components written in WAT, importing the interfaces of
//! `ports/wit/host.wit`.

#![allow(clippy::unwrap_used)]

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use hmac::{Hmac, Mac as _};
use maxai_wasm::{
    CallEnv, CallLimits, Credential, EgressSettings, HostSettings, HttpCall, HttpOutcome, LogLine, Manifest,
    PluginHost,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

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

/// Sends `GET url` through the host and returns the response's status, or 1000 + the case of the
/// error (0 denied, 1 timeout, 2 too large, 3 transport). Exports `run` and implements no port.
fn fetcher(url: &str) -> String {
    format!(
        r#"(component
  (type (instance
    (type $headers (list (tuple string string)))
    (type $request-def (record (field "method" string) (field "url" string) (field "headers" $headers)
      (field "body" (option (list u8))) (field "timeout-ms" (option u32))))
    (export "request" (type $request (eq $request-def)))
    (type $response-def (record (field "status" u16) (field "headers" $headers) (field "body" (list u8))))
    (export "response" (type $response (eq $response-def)))
    (type $error-def (variant (case "denied" string) (case "timeout") (case "too-large") (case "transport" string)))
    (export "http-error" (type $error (eq $error-def)))
    (type $send (func (param "req" $request) (result (result $response (error $error)))))
    (export "send" (func (type $send)))))
  (import "maxai:ports/http@0.1.0" (instance $http (type 0)))
  (core module $libc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 8192))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      (local.set $at (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                              (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $at) (local.get 3)))
      (local.get $at)))
  (core instance $libc (instantiate $libc))
  (alias export $http "send" (func $send))
  (core func $send-lowered (canon lower (func $send)
    (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (core module $m
    (import "host" "send" (func $send (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "env" "memory" (memory 1))
    (data (i32.const 16) "GET")
    (data (i32.const 32) "{url}")
    (func (export "run") (result i32)
      (call $send (i32.const 16) (i32.const 3) (i32.const 32) (i32.const {len})
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 1024))
      (if (result i32) (i32.load8_u (i32.const 1024))
        (then (i32.add (i32.const 1000) (i32.load8_u (i32.const 1028))))
        (else (i32.load16_u (i32.const 1028))))))
  (core instance $i (instantiate $m
    (with "host" (instance (export "send" (func $send-lowered))))
    (with "env" (instance $libc))))
  (func $run (result u32) (canon lift (core func $i "run")))
  (export "run" (func $run)))"#,
        len = url.len()
    )
}

/// Answers every request `200 ok` and keeps the request heads.
async fn recording_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let kept = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0; 1024];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            kept.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
            let response = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
            let _ = stream.write_all(response).await;
        }
    });
    (base, heads)
}

const CALLER: &str = r#"
id = "caller"
version = "1.0.0"
ports = ["crm"]

[[hosts]]
host = "api.example.com"
credential = { kind = "bearer" }
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_reaches_its_manifests_hosts_with_the_credential_the_host_attaches() {
    let (base, heads) = recording_server().await;
    let egress = EgressSettings {
        development: true,
        upstream_overrides: BTreeMap::from([("api.example.com".to_owned(), base)]),
        ..EgressSettings::default()
    };
    let host = PluginHost::new(HostSettings { max_instances: 8, egress, ..HostSettings::default() }).unwrap();
    // the fetcher implements no port: its manifest is there for its hosts
    let mut manifest = Manifest::parse(CALLER).unwrap();
    manifest.ports.clear();
    let env = CallEnv {
        credentials: Arc::new(BTreeMap::from([(
            "api.example.com".to_owned(),
            Credential::Token("tok_tenant_0123456789".into()),
        )])),
        ..CallEnv::default()
    };
    let run = |plugin| {
        let (host, env) = (&host, &env);
        async move { host.call::<(), (u32,)>(&plugin, limits(), env, "run", ()).await.unwrap() }
    };

    let plugin =
        host.install(manifest.clone(), fetcher("https://api.example.com/v1/contacts?limit=5").as_bytes());
    let report = run(plugin.unwrap()).await;
    assert_eq!(report.output, (200,));
    let seen = heads.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("GET /v1/contacts?limit=5 HTTP/1.1\r\n"), "{}", seen[0]);
    assert!(seen[0].contains("authorization: Bearer tok_tenant_0123456789\r\n"), "{}", seen[0]);
    assert_eq!(
        report.http,
        [HttpCall {
            method: "GET".into(),
            host: "api.example.com".into(),
            path: "/v1/contacts".into(),
            status: Some(200),
            millis: report.http[0].millis,
            outcome: HttpOutcome::Ok,
        }]
    );

    // a host off the manifest's list is denied, and the denial is in the report
    let report =
        run(host.install(manifest, fetcher("https://evil.example.net/steal").as_bytes()).unwrap()).await;
    assert_eq!(report.output, (1000,), "denied");
    assert!(matches!(&report.http[0].outcome, HttpOutcome::Denied(m) if m.contains("evil.example.net")));

    // a plugin loaded without a manifest reaches no host
    let report =
        run(host.load("bare", fetcher("https://api.example.com/v1/contacts").as_bytes()).unwrap()).await;
    assert_eq!(report.output, (1000,), "denied");
    assert_eq!(heads.lock().unwrap().len(), 1, "nothing more reached the server");
}
