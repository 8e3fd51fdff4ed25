//! The template plugin (`examples/plugin-template`): what every plugin gets from the host, tried
//! on the smallest one. A port call reaches the provider with the host's credential, the
//! provider's errors become port errors, and webhooks verify with a secret the plugin never sees.
//!
//! The plugin tests share `plugins/harness.rs`: the component comes from `plugins/dist/` (or
//! `MAXAI_PLUGIN_DIR`, where CI puts fresh builds), and the requests a plugin makes to its
//! provider go to a local fake through the host's development-mode upstream overrides, so the
//! plugin's code runs unchanged.

#[path = "plugins/harness.rs"]
mod harness;

use hmac::{Hmac, Mac as _};
use maxai_ports::{
    call::PortError,
    crm::{Crm as _, GetContact},
};
use maxai_wasm::{Credential, WebhookRejection};
use serde_json::json;

use harness::{Answer, Env, Fake, call, incoming, install, ports};

fn env() -> Env {
    Env {
        credentials: [("api.example.com".into(), Credential::Token("tok_live_123".into()))].into(),
        secrets: [("webhook_secret".into(), b"whsec_abc".to_vec())].into(),
        ..Env::default()
    }
}

#[tokio::test]
async fn a_port_call_reaches_the_provider_with_the_hosts_credential() {
    let fake = Fake::start(|request| match request.path.as_str() {
        "/v1/contacts/c1" => Answer::json(200, json!({ "id": "c1", "first_name": "Ada", "tags": ["vip"] })),
        _ => Answer::json(404, json!({ "message": "Contact not found" })),
    })
    .await;
    let crm = ports(&install("template", Some(&fake), env()));
    let contact = crm.get_contact(&call("k1"), GetContact { id: "c1".into() }).await.unwrap();
    assert_eq!((contact.id.as_str(), contact.first_name.as_deref()), ("c1", Some("Ada")));
    assert_eq!(contact.tags, ["vip"]);
    let request = fake.only();
    assert_eq!(
        (request.method.as_str(), request.header("authorization")),
        ("GET", Some("Bearer tok_live_123"))
    );

    let missing = crm.get_contact(&call("k2"), GetContact { id: "c9".into() }).await;
    assert_eq!(missing, Err(PortError::NotFound { message: "Contact not found".into() }));
}

#[tokio::test]
async fn webhooks_verify_with_a_secret_the_plugin_only_names() {
    let adapter = install("template", None, env());
    let body = br#"{"id":"evt_1","contact_id":"c1"}"#;
    let signature = hex::encode(
        Hmac::<sha2::Sha256>::new_from_slice(b"whsec_abc")
            .unwrap()
            .chain_update(body)
            .finalize()
            .into_bytes(),
    );
    let request = |signature: &str, body: &[u8]| {
        incoming(
            "https://gw.test/v1/hooks/t/example",
            &[("X-Example-Signature", signature)],
            body,
            "2026-11-23T14:05:00Z",
        )
    };
    let tenant = maxai_ports::TenantId::new();
    let events = adapter.handle_webhook(tenant, request(&signature, body)).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].kind.as_str(), events[0].provider_event_id.as_deref()),
        ("crm.contact.created", Some("evt_1"))
    );
    assert_eq!(events[0].data, json!({ "contact_id": "c1" }));

    let tampered =
        adapter.handle_webhook(tenant, request(&signature, br#"{"id":"evt_1","contact_id":"c2"}"#)).await;
    assert!(matches!(tampered, Err(WebhookRejection::BadSignature(_))), "{tampered:?}");
    let unsigned = adapter.handle_webhook(tenant, request("", body)).await;
    assert!(matches!(unsigned, Err(WebhookRejection::BadSignature(_))), "{unsigned:?}");
}

/// Keeps what it is told of every call.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(String, maxai_wasm::CallReport<()>)>>);

impl maxai_wasm::CallObserver for Recorder {
    fn observe(&self, _: maxai_ports::TenantId, operation: &str, report: &maxai_wasm::CallReport<()>) {
        self.0.lock().expect("not poisoned").push((operation.to_owned(), report.clone()));
    }
}

#[tokio::test]
async fn the_observer_hears_of_fuel_and_requests_and_a_refused_host_reaches_nothing() {
    let fake = Fake::start(|_| Answer::json(200, json!({ "id": "c1" }))).await;
    let recorder = std::sync::Arc::new(Recorder::default());
    let adapter = install("template", Some(&fake), env()).with_observer(recorder.clone());
    ports(&adapter).get_contact(&call("k1"), GetContact { id: "c1".into() }).await.unwrap();

    // the tenant's configuration points the plugin somewhere its manifest does not allow
    let mut elsewhere = env();
    elsewhere.config.insert("base_url".into(), "https://evil.example.net/v1".into());
    let refused = install("template", Some(&fake), elsewhere).with_observer(recorder.clone());
    let outcome = ports(&refused).get_contact(&call("k2"), GetContact { id: "c1".into() }).await;
    assert!(
        matches!(&outcome, Err(PortError::Adapter { message }) if message.contains("evil.example.net")),
        "{outcome:?}"
    );
    assert_eq!(fake.received().len(), 1, "the refused request reached nothing");

    let calls = recorder.0.lock().unwrap();
    assert_eq!(calls.len(), 2);
    let (operation, report) = &calls[0];
    assert_eq!(operation, "crm.get_contact");
    assert!(report.fuel_used > 0, "fuel is reported for metering");
    assert_eq!((report.http[0].host.as_str(), report.http[0].status), ("api.example.com", Some(200)));
    // what the caller writes to the audit log
    assert!(
        matches!(&calls[1].1.http[0].outcome, maxai_wasm::HttpOutcome::Denied(why) if why.contains("evil.example.net")),
        "{:?}",
        calls[1].1.http
    );
}

#[tokio::test]
async fn a_failed_call_is_still_reported_with_the_fuel_it_burned() {
    let mut manifest = harness::manifest("template");
    manifest.limits.fuel = 100;
    let host = std::sync::Arc::new(maxai_wasm::PluginHost::new(maxai_wasm::HostSettings::default()).unwrap());
    let plugin = host.install(manifest, &harness::component("template")).unwrap();
    let recorder = std::sync::Arc::new(Recorder::default());
    let env = std::sync::Arc::new(maxai_wasm::CallEnv::default());
    let adapter = maxai_wasm::PluginAdapter::new(host, plugin, env).with_observer(recorder.clone());
    let outcome = ports(&adapter).list_pipelines(&call("k"), maxai_ports::crm::ListPipelines {}).await;
    assert!(
        matches!(&outcome, Err(PortError::Adapter { message }) if message.contains("fuel budget of 100")),
        "{outcome:?}"
    );
    let calls = recorder.0.lock().unwrap();
    assert_eq!(calls.len(), 1, "the failed call is reported");
    assert_eq!(calls[0].1.fuel_used, 100, "and metered: it burned its whole budget");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_may_shorten_the_deadline_but_not_lengthen_it() {
    // the provider takes a second to answer
    let fake = Fake::start(|_| {
        std::thread::sleep(std::time::Duration::from_secs(1));
        Answer::json(200, json!({ "id": "c1" }))
    })
    .await;
    let adapter = install("template", Some(&fake), env());
    let step =
        maxai_wasm::CallLimits { deadline: std::time::Duration::from_millis(200), ..Default::default() };
    let started = std::time::Instant::now();
    let hurried = ports(&adapter.clone().with_step_limits(step));
    let outcome = hurried.get_contact(&call("k"), GetContact { id: "c1".into() }).await;
    assert_eq!(outcome, Err(PortError::Timeout));
    assert!(started.elapsed() < std::time::Duration::from_millis(700), "{:?}", started.elapsed());

    // a plugin whose manifest allows 300 ms: a step asking for a minute still gets 300 ms
    let mut manifest = harness::manifest("template");
    manifest.limits.deadline = std::time::Duration::from_millis(300);
    let settings = maxai_wasm::HostSettings {
        egress: maxai_wasm::EgressSettings {
            development: true,
            upstream_overrides: [("api.example.com".to_owned(), fake.base.clone())].into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let host = std::sync::Arc::new(maxai_wasm::PluginHost::new(settings).unwrap());
    let plugin = host.install(manifest, &harness::component("template")).unwrap();
    let credentials = [("api.example.com".to_owned(), Credential::Token("tok".into()))].into();
    let env = maxai_wasm::CallEnv { credentials: std::sync::Arc::new(credentials), ..Default::default() };
    let patient =
        maxai_wasm::CallLimits { deadline: std::time::Duration::from_secs(60), ..Default::default() };
    let adapter =
        maxai_wasm::PluginAdapter::new(host, plugin, std::sync::Arc::new(env)).with_step_limits(patient);
    let started = std::time::Instant::now();
    let outcome = ports(&adapter).get_contact(&call("k"), GetContact { id: "c1".into() }).await;
    assert_eq!(outcome, Err(PortError::Timeout));
    assert!(started.elapsed() < std::time::Duration::from_millis(900), "{:?}", started.elapsed());
}
