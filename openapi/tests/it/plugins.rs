//! The gateway installs the prebuilt plugins of `plugins/dist` at start and lists them, with the
//! ports they implement and where they may send requests, to any authenticated caller.

use std::path::Path;

use serde_json::Value;

use crate::harness::{Backend, TestApp, run_with};

async fn lists_the_installed_plugins(app: TestApp) {
    let (status, plugins) = app.call(&app.admin, "GET", "/v1/plugins", None).await;
    assert_eq!(status, 200, "{plugins}");
    let ids: Vec<&str> = plugins.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["gohighlevel", "openrouter", "retell", "stripe", "template", "twilio"]);
    let twilio = plugins.as_array().unwrap().iter().find(|p| p["id"] == "twilio").unwrap();
    assert_eq!(twilio["ports"], serde_json::json!(["messaging"]));
    assert_eq!(twilio["webhooks"], true);
    assert_eq!(twilio["hosts"][0], serde_json::json!({ "host": "api.twilio.com", "credential": "basic" }));
    assert_eq!(twilio["sha256"].as_str().map(str::len), Some(64));
    let openrouter = plugins.as_array().unwrap().iter().find(|p| p["id"] == "openrouter").unwrap();
    assert_eq!(
        (openrouter["ports"][0].as_str(), &openrouter["webhooks"]),
        (Some("llm"), &Value::Bool(false))
    );

    let (status, _) = app.call("not-a-token", "GET", "/v1/plugins", None).await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prebuilt_plugins_are_installed_at_start() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/dist");
    run_with(Backend::Sqlite, |args| args.plugins_dir = Some(dist), lists_the_installed_plugins).await;
}
