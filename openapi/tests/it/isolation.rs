//! Tenant isolation: a member of tenant A tries every tenant-scoped endpoint on tenant B's
//! resources, by B's path and through A's own path; every attempt is 404 and B is unchanged.

use serde_json::{Value, json};

use crate::harness::TestApp;

/// Everything of tenant `b` an admin can see, to compare before and after.
async fn snapshot(app: &TestApp, b: &str) -> Vec<Value> {
    let mut seen = vec![];
    for path in ["", "/clients", "/agents", "/members", "/api-keys", "/feature-flags"] {
        let (status, body) = app.call(&app.admin, "GET", &format!("/v1/tenants/{b}{path}"), None).await;
        assert_eq!(status, 200);
        seen.push(body);
    }
    let (_, audit) = app.call(&app.admin, "GET", &format!("/v1/tenants/{b}/audit?limit=200"), None).await;
    seen.push(json!(audit["data"].as_array().unwrap().len()));
    seen
}

async fn a_member_of_one_tenant_cannot_reach_another(app: TestApp) {
    let a = app.create_tenant("tenant-a").await;
    let b = app.create_tenant("tenant-b").await;
    let owner_a = app.member(&a, "owner@a.test", "owner", None).await;
    let b_client = app.create_client(&app.admin, &b, "B clinic").await;
    let b_agent = app.create_agent(&app.admin, &b, &b_client, "B agent").await;
    let b_user = app.create_user("member@b.test").await;
    app.call(
        &app.admin,
        "POST",
        &format!("/v1/tenants/{b}/members"),
        Some(json!({ "user_id": b_user, "role": "viewer" })),
    )
    .await;
    let (_, b_key) = app
        .call(
            &app.admin,
            "POST",
            &format!("/v1/tenants/{b}/api-keys"),
            Some(json!({ "name": "b", "scopes": ["*"] })),
        )
        .await;
    let b_key_id = b_key["api_key"]["id"].as_str().unwrap().to_owned();
    app.call(
        &app.admin,
        "PUT",
        "/v1/feature-flags/beta",
        Some(json!({ "description": "beta", "enabled": false })),
    )
    .await;
    let before = snapshot(&app, &b).await;

    let name = json!({ "name": "intruder" });
    let mut attempts: Vec<(&str, String, Option<Value>)> = vec![];
    for tenant in [b.clone(), "tenant-b".to_owned()] {
        let t = format!("/v1/tenants/{tenant}");
        attempts.extend([
            ("GET", t.clone(), None),
            ("PATCH", t.clone(), Some(name.clone())),
            ("POST", format!("{t}/suspend"), None),
            ("POST", format!("{t}/activate"), None),
            ("GET", format!("{t}/clients"), None),
            ("POST", format!("{t}/clients"), Some(name.clone())),
            ("GET", format!("{t}/clients/{b_client}"), None),
            ("PATCH", format!("{t}/clients/{b_client}"), Some(name.clone())),
            ("DELETE", format!("{t}/clients/{b_client}"), None),
            ("GET", format!("{t}/agents"), None),
            ("POST", format!("{t}/agents"), Some(json!({ "client_id": b_client, "name": "x" }))),
            ("GET", format!("{t}/agents/{b_agent}"), None),
            ("PATCH", format!("{t}/agents/{b_agent}"), Some(name.clone())),
            ("DELETE", format!("{t}/agents/{b_agent}"), None),
            ("GET", format!("{t}/members"), None),
            ("POST", format!("{t}/members"), Some(json!({ "email": "owner@a.test", "role": "owner" }))),
            ("PATCH", format!("{t}/members/{b_user}"), Some(json!({ "role": "owner" }))),
            ("DELETE", format!("{t}/members/{b_user}"), None),
            ("GET", format!("{t}/api-keys"), None),
            ("POST", format!("{t}/api-keys"), Some(json!({ "name": "x", "scopes": ["*"] }))),
            ("DELETE", format!("{t}/api-keys/{b_key_id}"), None),
            ("GET", format!("{t}/audit"), None),
            ("GET", format!("{t}/feature-flags"), None),
            ("PUT", format!("{t}/feature-flags/beta"), Some(json!({ "enabled": true }))),
        ]);
    }
    // B's resources through A's own path
    let own = format!("/v1/tenants/{a}");
    attempts.extend([
        ("GET", format!("{own}/clients/{b_client}"), None),
        ("PATCH", format!("{own}/clients/{b_client}"), Some(name.clone())),
        ("DELETE", format!("{own}/clients/{b_client}"), None),
        ("POST", format!("{own}/agents"), Some(json!({ "client_id": b_client, "name": "x" }))),
        ("GET", format!("{own}/agents/{b_agent}"), None),
        ("PATCH", format!("{own}/agents/{b_agent}"), Some(name.clone())),
        ("DELETE", format!("{own}/agents/{b_agent}"), None),
        ("PATCH", format!("{own}/members/{b_user}"), Some(json!({ "role": "viewer" }))),
        ("DELETE", format!("{own}/members/{b_user}"), None),
        ("DELETE", format!("{own}/api-keys/{b_key_id}"), None),
    ]);
    let mut leaks = vec![];
    for (method, path, body) in attempts {
        let (status, response) = app.call(&owner_a, method, &path, body).await;
        if status != 404 {
            leaks.push(format!("{method} {path} -> {status} {response}"));
        }
    }
    assert!(leaks.is_empty(), "tenant A reached tenant B:\n{}", leaks.join("\n"));
    assert_eq!(snapshot(&app, &b).await, before, "tenant B changed");

    // and B's key cannot reach A
    let key = b_key["key"].as_str().unwrap();
    assert_eq!(app.call(key, "GET", &format!("/v1/tenants/{a}/clients"), None).await.0, 404);
}

crate::on_both_databases!(a_member_of_one_tenant_cannot_reach_another);
