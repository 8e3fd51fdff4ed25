//! Logging in, throttling, refresh rotation with reuse detection, logout, deactivation.

use serde_json::json;

use crate::harness::{ADMIN_EMAIL, PASSWORD, TestApp};

async fn login(app: &TestApp, email: &str, password: &str) -> (u16, serde_json::Value) {
    app.call("", "POST", "/v1/auth/login", Some(json!({ "email": email, "password": password }))).await
}

async fn login_is_case_insensitive_and_wrong_passwords_are_refused(app: TestApp) {
    let (status, body) = login(&app, &ADMIN_EMAIL.to_uppercase(), PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let (status, body) = login(&app, ADMIN_EMAIL, "a wrong password!").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (status, _) = login(&app, "nobody@example.test", PASSWORD).await;
    assert_eq!(status, 401);
    let (_, me) = app.call(&app.admin, "GET", "/v1/me", None).await;
    assert_eq!(me["user"]["email"], ADMIN_EMAIL);
    assert_eq!(me["platform_role"], "admin");
    assert!(me["user"].get("password_hash").is_none());
    let (_, audit) = app.call(&app.admin, "GET", "/v1/audit?action=auth.login_failed", None).await;
    assert_eq!(audit["data"].as_array().unwrap().len(), 2, "{audit}");
}

async fn repeated_failures_slow_down_the_account(app: TestApp) {
    for _ in 0..5 {
        assert_eq!(login(&app, ADMIN_EMAIL, "a wrong password!").await.0, 401);
    }
    let (status, body) = login(&app, ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    let response = app
        .client
        .post("/v1/auth/login")
        .body_json(&json!({ "email": ADMIN_EMAIL, "password": PASSWORD }))
        .send()
        .await;
    response.assert_status(poem::http::StatusCode::TOO_MANY_REQUESTS);
    response.assert_header_exist("retry-after");
}

async fn refresh_rotates_and_reuse_revokes_the_session(app: TestApp) {
    let (_, first) = login(&app, ADMIN_EMAIL, PASSWORD).await;
    let old = first["refresh_token"].clone();
    let (status, second) =
        app.call("", "POST", "/v1/auth/refresh", Some(json!({ "refresh_token": old }))).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], old);
    // presenting the used token again revokes the whole family, the new token included
    let (status, _) = app.call("", "POST", "/v1/auth/refresh", Some(json!({ "refresh_token": old }))).await;
    assert_eq!(status, 401);
    let newer = second["refresh_token"].clone();
    let (status, _) = app.call("", "POST", "/v1/auth/refresh", Some(json!({ "refresh_token": newer }))).await;
    assert_eq!(status, 401);
    let (_, audit) = app.call(&app.admin, "GET", "/v1/audit?action=auth.refresh_reused", None).await;
    assert_eq!(audit["data"].as_array().unwrap().len(), 1);
}

async fn logout_ends_the_session(app: TestApp) {
    let (_, session) = login(&app, ADMIN_EMAIL, PASSWORD).await;
    let token = session["refresh_token"].clone();
    let (status, _) = app.call("", "POST", "/v1/auth/logout", Some(json!({ "refresh_token": token }))).await;
    assert_eq!(status, 200);
    let (status, _) = app.call("", "POST", "/v1/auth/refresh", Some(json!({ "refresh_token": token }))).await;
    assert_eq!(status, 401);
}

async fn deactivated_users_are_refused_at_once(app: TestApp) {
    let tenant = app.create_tenant("acme").await;
    let token = app.member(&tenant, "viewer@example.test", "viewer", None).await;
    assert_eq!(app.call(&token, "GET", "/v1/me", None).await.0, 200);
    let (_, me) = app.call(&token, "GET", "/v1/me", None).await;
    let user = me["user"]["id"].as_str().unwrap().to_owned();
    let (status, _) = app.call(&app.admin, "POST", &format!("/v1/users/{user}/deactivate"), None).await;
    assert_eq!(status, 200);
    assert_eq!(app.call(&token, "GET", "/v1/me", None).await.0, 401);
    assert_eq!(login(&app, "viewer@example.test", PASSWORD).await.0, 401);
}

async fn me_lists_every_membership_in_order(app: TestApp) {
    let first = app.create_tenant("first").await;
    let second = app.create_tenant("second").await;
    let token = app.member(&first, "both@example.test", "viewer", None).await;
    let (_, me) = app.call(&token, "GET", "/v1/me", None).await;
    let user = me["user"]["id"].clone();
    let body = json!({ "user_id": user, "role": "editor" });
    assert_eq!(
        app.call(&app.admin, "POST", &format!("/v1/tenants/{second}/members"), Some(body)).await.0,
        200
    );
    let (_, me) = app.call(&token, "GET", "/v1/me", None).await;
    let memberships: Vec<_> = me["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["tenant_id"].as_str().unwrap().to_owned(), m["role"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(memberships, [(first, "viewer".to_owned()), (second, "editor".to_owned())]);
    assert_eq!(app.call(&token, "GET", "/v1/tenants/second/clients", None).await.0, 200);
}

async fn requests_without_credentials_are_401(app: TestApp) {
    let response = app.client.get("/v1/tenants").send().await;
    response.assert_status(poem::http::StatusCode::UNAUTHORIZED);
    assert_eq!(app.call("not-a-token", "GET", "/v1/me", None).await.0, 401);
}

crate::on_both_databases!(
    login_is_case_insensitive_and_wrong_passwords_are_refused,
    repeated_failures_slow_down_the_account,
    refresh_rotates_and_reuse_revokes_the_session,
    logout_ends_the_session,
    deactivated_users_are_refused_at_once,
    me_lists_every_membership_in_order,
    requests_without_credentials_are_401,
);
