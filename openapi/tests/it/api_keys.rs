//! API keys: shown once, stored as a hash, limited to their scopes and tenant, revoked at once.

use serde_json::json;

use crate::harness::TestApp;

async fn keys_work_within_their_scopes_until_revoked(app: TestApp) {
    let acme = app.create_tenant("acme").await;
    let other = app.create_tenant("other").await;
    let client = app.create_client(&app.admin, &acme, "Clinic").await;
    let (status, created) = app
        .call(
            &app.admin,
            "POST",
            &format!("/v1/tenants/{acme}/api-keys"),
            Some(json!({ "name": "portal", "scopes": ["clients:read"] })),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("mxk_"));
    assert!(created["api_key"].get("hash").is_none());

    assert_eq!(app.call(&key, "GET", &format!("/v1/tenants/{acme}/clients/{client}"), None).await.0, 200);
    assert_eq!(app.call(&key, "GET", "/v1/tenants/acme/clients", None).await.0, 200);
    let (status, _) = app.call(&key, "POST", "/v1/tenants/acme/clients", Some(json!({ "name": "x" }))).await;
    assert_eq!(status, 404, "a scope the key lacks looks like nothing there");
    assert_eq!(app.call(&key, "GET", &format!("/v1/tenants/{other}/clients"), None).await.0, 404);
    assert_eq!(app.call(&key, "GET", "/v1/tenants", None).await.0, 403);

    let (_, list) = app.call(&app.admin, "GET", "/v1/tenants/acme/api-keys", None).await;
    let listed = &list["data"][0];
    assert!(listed["last_used_at"].is_string(), "{listed}");
    assert!(!list.to_string().contains(&key), "the key is never shown again");

    let id = created["api_key"]["id"].as_str().unwrap();
    let (status, revoked) =
        app.call(&app.admin, "DELETE", &format!("/v1/tenants/acme/api-keys/{id}"), None).await;
    assert_eq!(status, 200);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(app.call(&key, "GET", "/v1/tenants/acme/clients", None).await.0, 401);
}

async fn keys_never_get_more_than_their_creator(app: TestApp) {
    let acme = app.create_tenant("acme").await;
    let admin_of_acme = app.member(&acme, "admin@acme.test", "admin", None).await;
    let (status, body) = app
        .call(
            &admin_of_acme,
            "POST",
            "/v1/tenants/acme/api-keys",
            Some(json!({ "name": "k", "scopes": ["tenants:create"] })),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = app
        .call(
            &admin_of_acme,
            "POST",
            "/v1/tenants/acme/api-keys",
            Some(json!({ "name": "k", "scopes": ["no:such"] })),
        )
        .await;
    assert_eq!(status, 400);
    let (status, created) = app
        .call(
            &admin_of_acme,
            "POST",
            "/v1/tenants/acme/api-keys",
            Some(json!({ "name": "k", "scopes": ["*"] })),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let key = created["key"].as_str().unwrap();
    // a key with api_keys:write can only hand out what it has itself
    let (status, _) = app
        .call(
            key,
            "POST",
            "/v1/tenants/acme/api-keys",
            Some(json!({ "name": "k2", "scopes": ["clients:read"] })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) =
        app.call(key, "PUT", "/v1/tenants/acme/feature-flags/x", Some(json!({ "enabled": true }))).await;
    assert_eq!(status, 404, "keys never act as platform staff");
}

async fn expired_keys_are_refused(app: TestApp) {
    app.create_tenant("acme").await;
    let (status, _) = app
        .call(
            &app.admin,
            "POST",
            "/v1/tenants/acme/api-keys",
            Some(json!({ "name": "k", "scopes": ["*"], "expires_at": "2020-01-01T00:00:00Z" })),
        )
        .await;
    assert_eq!(status, 400, "an expiry in the past is refused at creation");
}

crate::on_both_databases!(
    keys_work_within_their_scopes_until_revoked,
    keys_never_get_more_than_their_creator,
    expired_keys_are_refused,
);
