//! The role × endpoint matrix, written out by hand (not derived from the policy table) so that a
//! change of the policy shows up here as a failing row.

use serde_json::json;

use crate::harness::TestApp;

/// Callers, in the order of the expectation columns.
const CALLERS: [&str; 8] =
    ["owner", "admin", "editor", "supervisor", "operator", "viewer", "support", "key:clients:read"];

/// (method, path, body, expected status per caller)
fn rows(client: &str) -> Vec<(&'static str, String, Option<serde_json::Value>, [u16; 8])> {
    let name = json!({ "name": "row" });
    vec![
        ("GET", "/v1/tenants/acme".into(), None, [200, 200, 200, 200, 200, 200, 200, 404]),
        ("GET", "/v1/tenants/acme/clients".into(), None, [200, 200, 200, 200, 200, 200, 200, 200]),
        (
            "POST",
            "/v1/tenants/acme/clients".into(),
            Some(name.clone()),
            [200, 200, 200, 404, 404, 404, 404, 404],
        ),
        ("GET", "/v1/tenants/acme/agents".into(), None, [200, 200, 200, 200, 200, 200, 200, 404]),
        (
            "POST",
            "/v1/tenants/acme/agents".into(),
            Some(json!({ "client_id": client, "name": "row" })),
            [200, 200, 200, 404, 404, 404, 404, 404],
        ),
        ("GET", "/v1/tenants/acme/members".into(), None, [200, 200, 404, 404, 404, 404, 200, 404]),
        ("GET", "/v1/tenants/acme/api-keys".into(), None, [200, 200, 404, 404, 404, 404, 200, 404]),
        ("GET", "/v1/tenants/acme/audit".into(), None, [200, 200, 404, 404, 404, 404, 200, 404]),
        ("GET", "/v1/tenants/acme/feature-flags".into(), None, [200, 200, 200, 200, 200, 200, 200, 404]),
        (
            "PUT",
            "/v1/tenants/acme/feature-flags/beta".into(),
            Some(json!({ "enabled": true })),
            [404, 404, 404, 404, 404, 404, 404, 404],
        ),
        ("PATCH", "/v1/tenants/acme".into(), Some(name.clone()), [404, 404, 404, 404, 404, 404, 404, 404]),
        (
            "POST",
            "/v1/tenants".into(),
            Some(json!({ "slug": "new", "name": "n" })),
            [403, 403, 403, 403, 403, 403, 403, 403],
        ),
        ("GET", "/v1/tenants".into(), None, [403, 403, 403, 403, 403, 403, 200, 403]),
        ("GET", "/v1/audit".into(), None, [403, 403, 403, 403, 403, 403, 200, 403]),
        (
            "POST",
            "/v1/users".into(),
            Some(json!({ "email": "x@y.test", "name": "x", "password": "long enough password" })),
            [403, 403, 403, 403, 403, 403, 403, 403],
        ),
    ]
}

async fn every_role_gets_what_the_matrix_says(app: TestApp) {
    let tenant = app.create_tenant("acme").await;
    let client = app.create_client(&app.admin, &tenant, "Clinic").await;
    app.call(
        &app.admin,
        "PUT",
        "/v1/feature-flags/beta",
        Some(json!({ "description": "beta", "enabled": false })),
    )
    .await;
    let mut tokens = vec![];
    for role in &CALLERS[..6] {
        tokens.push(app.member(&tenant, &format!("{role}@acme.test"), role, None).await);
    }
    let (status, _) = app
        .call(
            &app.admin,
            "POST",
            "/v1/users",
            Some(json!({ "email": "support@staff.test", "name": "s", "password": crate::harness::PASSWORD, "platform_role": "support" })),
        )
        .await;
    assert_eq!(status, 200);
    tokens.push(app.login("support@staff.test").await);
    let (_, key) = app
        .call(
            &app.admin,
            "POST",
            "/v1/tenants/acme/api-keys",
            Some(json!({ "name": "k", "scopes": ["clients:read"] })),
        )
        .await;
    tokens.push(key["key"].as_str().unwrap().to_owned());

    let mut mismatches = vec![];
    for (method, path, body, expected) in rows(&client) {
        for ((caller, token), want) in CALLERS.iter().zip(&tokens).zip(expected) {
            let (got, response) = app.call(token, method, &path, body.clone()).await;
            if got != want {
                mismatches.push(format!("{caller:>16} {method} {path}: want {want}, got {got} {response}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "\n{}", mismatches.join("\n"));
}

crate::on_both_databases!(every_role_gets_what_the_matrix_says);
