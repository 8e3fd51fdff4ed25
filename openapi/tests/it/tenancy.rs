//! Tenants, clients, agents and members through the API, with their audit entries.

use serde_json::json;

use crate::harness::TestApp;

async fn tenants_are_created_by_admins_and_named_by_id_or_slug(app: TestApp) {
    let id = app.create_tenant("acme").await;
    let (status, by_slug) = app.call(&app.admin, "GET", "/v1/tenants/acme", None).await;
    assert_eq!(status, 200);
    assert_eq!(by_slug["id"], id.as_str());
    assert_eq!(app.call(&app.admin, "GET", &format!("/v1/tenants/{id}"), None).await.1["slug"], "acme");
    let (status, body) =
        app.call(&app.admin, "POST", "/v1/tenants", Some(json!({ "slug": "acme", "name": "again" }))).await;
    assert_eq!(status, 409, "{body}");
    let owner = app.member(&id, "owner@acme.test", "owner", None).await;
    let (status, _) =
        app.call(&owner, "POST", "/v1/tenants", Some(json!({ "slug": "mine", "name": "x" }))).await;
    assert_eq!(status, 403);
    let (status, renamed) = app
        .call(&app.admin, "PATCH", "/v1/tenants/acme", Some(json!({ "name": "Acme Dental", "plan": "pro" })))
        .await;
    assert_eq!(status, 200);
    assert_eq!((renamed["name"].as_str(), renamed["plan"].as_str()), (Some("Acme Dental"), Some("pro")));
    let (_, list) = app.call(&app.admin, "GET", "/v1/tenants", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

async fn suspended_tenants_refuse_their_members(app: TestApp) {
    let id = app.create_tenant("acme").await;
    let viewer = app.member(&id, "viewer@acme.test", "viewer", None).await;
    assert_eq!(app.call(&viewer, "GET", "/v1/tenants/acme/clients", None).await.0, 200);
    let (status, suspended) = app.call(&app.admin, "POST", "/v1/tenants/acme/suspend", None).await;
    assert_eq!((status, suspended["status"].as_str()), (200, Some("suspended")));
    let (status, body) = app.call(&viewer, "GET", "/v1/tenants/acme/clients", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("tenant_suspended")));
    assert_eq!(
        app.call(&app.admin, "GET", "/v1/tenants/acme/clients", None).await.0,
        200,
        "staff still see it"
    );
    app.call(&app.admin, "POST", "/v1/tenants/acme/activate", None).await;
    assert_eq!(app.call(&viewer, "GET", "/v1/tenants/acme/clients", None).await.0, 200);
}

async fn clients_and_agents_round_trip_and_paginate(app: TestApp) {
    app.create_tenant("acme").await;
    let editor = {
        let (_, t) = app.call(&app.admin, "GET", "/v1/tenants/acme", None).await;
        app.member(t["id"].as_str().unwrap(), "editor@acme.test", "editor", None).await
    };
    let mut ids = vec![];
    for n in 0..5 {
        ids.push(app.create_client(&editor, "acme", &format!("Clinic {n}")).await);
    }
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/tenants/acme/clients?limit=2&cursor={c}"),
            None => "/v1/tenants/acme/clients?limit=2".into(),
        };
        let (status, page) = app.call(&editor, "GET", &path, None).await;
        assert_eq!(status, 200);
        seen.extend(page["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ids, "three pages, in creation order, nothing twice");

    let (status, patched) = app
        .call(
            &editor,
            "PATCH",
            &format!("/v1/tenants/acme/clients/{}", ids[0]),
            Some(json!({ "name": "Renamed" })),
        )
        .await;
    assert_eq!((status, patched["name"].as_str()), (200, Some("Renamed")));

    let agent = app.create_agent(&editor, "acme", &ids[0], "Ava").await;
    let path = format!("/v1/tenants/acme/agents/{agent}");
    let (_, got) = app.call(&editor, "GET", &path, None).await;
    assert_eq!((got["version"].as_i64(), got["config"]["voice"].as_str()), (Some(1), Some("calm")));
    let (status, v2) =
        app.call(&editor, "PATCH", &path, Some(json!({ "name": "Ava 2", "expected_version": 1 }))).await;
    assert_eq!((status, v2["version"].as_i64()), (200, Some(2)));
    let (status, body) = app
        .call(&editor, "PATCH", &path, Some(json!({ "name": "lost update", "expected_version": 1 })))
        .await;
    assert_eq!(status, 409, "{body}");
    let (_, filtered) =
        app.call(&editor, "GET", &format!("/v1/tenants/acme/agents?client_id={}", ids[1]), None).await;
    assert_eq!(filtered["data"].as_array().unwrap().len(), 0);

    assert_eq!(
        app.call(&editor, "DELETE", &format!("/v1/tenants/acme/clients/{}", ids[0]), None).await.0,
        200
    );
    assert_eq!(app.call(&editor, "GET", &path, None).await.0, 404, "a client's agents go with it");
}

async fn client_scoped_members_see_only_their_client(app: TestApp) {
    let tenant = app.create_tenant("acme").await;
    let mine = app.create_client(&app.admin, &tenant, "Mine").await;
    let theirs = app.create_client(&app.admin, &tenant, "Theirs").await;
    let their_agent = app.create_agent(&app.admin, &tenant, &theirs, "Bob").await;
    let scoped = app.member(&tenant, "scoped@acme.test", "editor", Some(&mine)).await;
    let (_, list) = app.call(&scoped, "GET", "/v1/tenants/acme/clients", None).await;
    let names: Vec<_> =
        list["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Mine"]);
    assert_eq!(app.call(&scoped, "GET", &format!("/v1/tenants/acme/clients/{theirs}"), None).await.0, 404);
    assert_eq!(
        app.call(&scoped, "GET", &format!("/v1/tenants/acme/agents/{their_agent}"), None).await.0,
        404
    );
    app.create_agent(&scoped, "acme", &mine, "Ava").await;
    let body = json!({ "client_id": theirs, "name": "sneaky" });
    assert_eq!(app.call(&scoped, "POST", "/v1/tenants/acme/agents", Some(body)).await.0, 404);
    let (_, agents) = app.call(&scoped, "GET", "/v1/tenants/acme/agents", None).await;
    assert_eq!(agents["data"].as_array().unwrap().len(), 1);
}

async fn owners_guard_the_owner_role(app: TestApp) {
    let tenant = app.create_tenant("acme").await;
    let owner = app.member(&tenant, "owner@acme.test", "owner", None).await;
    let admin = app.member(&tenant, "admin@acme.test", "admin", None).await;
    app.create_user("new@acme.test").await;
    let (status, _) = app
        .call(
            &admin,
            "POST",
            "/v1/tenants/acme/members",
            Some(json!({ "email": "NEW@acme.test", "role": "owner" })),
        )
        .await;
    assert_eq!(status, 403, "an admin cannot make owners");
    let (status, _) = app
        .call(
            &admin,
            "POST",
            "/v1/tenants/acme/members",
            Some(json!({ "email": "new@acme.test", "role": "viewer" })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call(
            &admin,
            "POST",
            "/v1/tenants/acme/members",
            Some(json!({ "email": "new@acme.test", "role": "viewer" })),
        )
        .await;
    assert_eq!(status, 409);
    let (_, me) = app.call(&owner, "GET", "/v1/me", None).await;
    let owner_id = me["user"]["id"].as_str().unwrap().to_owned();
    let (status, body) =
        app.call(&owner, "DELETE", &format!("/v1/tenants/acme/members/{owner_id}"), None).await;
    assert_eq!(status, 409, "the last owner stays: {body}");
    let (status, _) = app
        .call(
            &owner,
            "PATCH",
            &format!("/v1/tenants/acme/members/{owner_id}"),
            Some(json!({ "role": "viewer" })),
        )
        .await;
    assert_eq!(status, 409);
    let (_, members) = app.call(&owner, "GET", "/v1/tenants/acme/members", None).await;
    assert_eq!(members["data"].as_array().unwrap().len(), 3);
}

async fn every_write_is_audited_with_its_request_id(app: TestApp) {
    app.create_tenant("acme").await;
    let response = app
        .client
        .post("/v1/tenants/acme/clients")
        .header("authorization", format!("Bearer {}", app.admin))
        .header("x-request-id", "req-audit-42")
        .body_json(&json!({ "name": "Clinic", "external_ref": "loc-1" }))
        .send()
        .await;
    response.assert_status_is_ok();
    response.assert_header("x-request-id", "req-audit-42");
    let (_, audit) = app.call(&app.admin, "GET", "/v1/tenants/acme/audit?action=client.", None).await;
    let entry = &audit["data"][0];
    assert_eq!(entry["action"], "client.create");
    assert_eq!(entry["request_id"], "req-audit-42");
    assert!(entry["actor"].as_str().unwrap().starts_with("user:"));
    assert_eq!(entry["summary"]["external_ref"], "loc-1");
    let (_, none) = app.call(&app.admin, "GET", "/v1/tenants/acme/audit?actor=user:nobody", None).await;
    assert_eq!(none["data"].as_array().unwrap().len(), 0);
}

async fn feature_flags_default_and_override(app: TestApp) {
    app.create_tenant("acme").await;
    let body = json!({ "description": "New inbox", "enabled": false });
    assert_eq!(app.call(&app.admin, "PUT", "/v1/feature-flags/new_inbox", Some(body)).await.0, 200);
    let (_, flags) = app.call(&app.admin, "GET", "/v1/tenants/acme/feature-flags", None).await;
    assert_eq!(flags[0]["enabled"], false);
    let (status, flag) = app
        .call(&app.admin, "PUT", "/v1/tenants/acme/feature-flags/new_inbox", Some(json!({ "enabled": true })))
        .await;
    assert_eq!((status, flag["enabled"].as_bool()), (200, Some(true)));
    app.call(&app.admin, "PUT", "/v1/tenants/acme/feature-flags/new_inbox", Some(json!({ "enabled": null })))
        .await;
    let (_, flags) = app.call(&app.admin, "GET", "/v1/tenants/acme/feature-flags", None).await;
    assert_eq!(flags[0]["tenant_override"], serde_json::Value::Null);
    let (status, _) = app
        .call(&app.admin, "PUT", "/v1/tenants/acme/feature-flags/missing", Some(json!({ "enabled": true })))
        .await;
    assert_eq!(status, 404);
}

async fn the_port_catalog_is_served_with_its_schemas(app: TestApp) {
    assert_eq!(app.call("", "GET", "/v1/ports", None).await.0, 401);
    let (status, ops) = app.call(&app.admin, "GET", "/v1/ports", None).await;
    assert_eq!(status, 200);
    let refund = ops.as_array().unwrap().iter().find(|op| op["id"] == "payments.refund").unwrap();
    assert_eq!(refund["effect"], "financial");
    assert_eq!(refund["input_schema"]["required"], json!(["payment_id"]));
    assert_eq!(ops.as_array().unwrap().len(), maxai_ports::catalog::operations().count());
}

async fn health_readiness_and_metrics_answer(app: TestApp) {
    assert_eq!(app.call("", "GET", "/healthz", None).await.0, 200);
    assert_eq!(app.call("", "GET", "/readyz", None).await.0, 200);
    let response = app.client.get("/metrics").send().await;
    response.assert_status_is_ok();
    let text = response.0.into_body().into_string().await.unwrap();
    assert!(text.contains("maxai_http_requests_total{status=\"2xx\"}"), "{text}");
}

crate::on_both_databases!(
    tenants_are_created_by_admins_and_named_by_id_or_slug,
    suspended_tenants_refuse_their_members,
    clients_and_agents_round_trip_and_paginate,
    client_scoped_members_see_only_their_client,
    owners_guard_the_owner_role,
    every_write_is_audited_with_its_request_id,
    feature_flags_default_and_override,
    the_port_catalog_is_served_with_its_schemas,
    health_readiness_and_metrics_answer,
);
