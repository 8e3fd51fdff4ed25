//! Snapshots of the error bodies: one shape, a stable code, the request id, never a 500 for bad
//! input.

use serde_json::{Value, json};

use crate::harness::TestApp;

fn snapshot(name: &str, status: u16, body: Value) {
    insta::assert_json_snapshot!(name, json!({ "status": status, "body": body }), {
        ".body.error.request_id" => "[request-id]",
    });
}

async fn error_bodies_have_one_shape(app: TestApp) {
    app.create_tenant("acme").await;
    let auth = format!("Bearer {}", app.admin);

    let response = app
        .client
        .post("/v1/tenants")
        .header("authorization", &auth)
        .content_type("application/json")
        .body("{\"slug\": \"broken\"")
        .send()
        .await;
    let (status, body) = crate::harness::split(response).await;
    snapshot("malformed_json", status, body);

    let (status, body) =
        app.call(&app.admin, "POST", "/v1/tenants", Some(json!({ "slug": "Not A Slug", "name": "x" }))).await;
    snapshot("field_fails_validation", status, body);

    let (status, body) = app.call(&app.admin, "POST", "/v1/tenants", Some(json!({ "slug": "acme-2" }))).await;
    snapshot("missing_field", status, body);

    let (status, body) = app
        .call(
            &app.admin,
            "POST",
            "/v1/users",
            Some(json!({ "email": "a@b.test", "name": "a", "password": "short" })),
        )
        .await;
    snapshot("password_too_short", status, body);

    let (status, body) = app.call("wrong", "GET", "/v1/me", None).await;
    snapshot("unauthenticated", status, body);

    let (status, body) = app.call(&app.admin, "GET", "/v1/tenants/nowhere/clients", None).await;
    snapshot("unknown_tenant", status, body);

    let (status, body) = app.call(&app.admin, "GET", "/v1/tenants/acme/clients/not-an-id", None).await;
    snapshot("malformed_id", status, body);

    let (status, body) =
        app.call(&app.admin, "POST", "/v1/tenants", Some(json!({ "slug": "acme", "name": "dup" }))).await;
    snapshot("duplicate_slug", status, body);

    let (_, acme) = app.call(&app.admin, "GET", "/v1/tenants/acme", None).await;
    let viewer = app.member(acme["id"].as_str().unwrap(), "v@acme.test", "viewer", None).await;
    let (status, body) = app.call(&viewer, "GET", "/v1/tenants", None).await;
    snapshot("needs_platform_role", status, body);

    let big = json!({ "name": "x".repeat(70 * 1024) });
    let (status, body) = app.call(&app.admin, "POST", "/v1/tenants/acme/clients", Some(big)).await;
    snapshot("payload_too_large", status, body);

    let (status, body) = app.call(&app.admin, "GET", "/v1/no-such-route", None).await;
    snapshot("unknown_route", status, body);
}

async fn a_request_id_is_returned_and_generated_when_absent(app: TestApp) {
    let response = app.client.get("/healthz").send().await;
    let id = response.0.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36);
    let response = app.client.get("/healthz").header("x-request-id", "bad id with spaces").send().await;
    let id = response.0.headers().get("x-request-id").unwrap().to_str().unwrap();
    assert_ne!(id, "bad id with spaces", "malformed incoming ids are replaced");
}

crate::on_both_databases!(error_bodies_have_one_shape, a_request_id_is_returned_and_generated_when_absent);
