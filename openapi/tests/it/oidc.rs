//! External OpenID Connect tokens, checked against a real local issuer (`oauth2-mock-server`,
//! installed with `npm ci` in `openapi/tests/oidc`; without it these tests report a skip).

use std::{
    io::{BufRead as _, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
};

use serde_json::{Value, json};

use crate::harness::{Backend, TestApp, run_with};

/// The issuer process, stopped when dropped.
struct Issuer {
    child: Child,
    url: String,
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_issuer() -> Option<Issuer> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    if !dir.join("node_modules/oauth2-mock-server").exists() {
        eprintln!("skipped: run `npm ci` in openapi/tests/oidc to test against a real OpenID Connect issuer");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
    let child = Command::new("node")
        .arg("issuer.mjs")
        .arg(port.to_string())
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    // from here on, dropping the issuer stops the process
    let mut issuer = Issuer { child, url: String::new() };
    let mut line = String::new();
    BufReader::new(issuer.child.stdout.take()?).read_line(&mut line).ok()?;
    issuer.url = line.trim().strip_prefix("ready ")?.to_owned();
    Some(issuer)
}

async fn token(issuer: &Issuer, sub: &str, aud: &str, roles: Value) -> String {
    let form =
        [("grant_type", "client_credentials"), ("sub", sub), ("aud", aud), ("roles", &roles.to_string())];
    let response: Value = reqwest::Client::new()
        .post(format!("{}/token", issuer.url))
        .form(&form)
        .send()
        .await
        .expect("issuer answers")
        .json()
        .await
        .expect("token response");
    response["access_token"].as_str().expect("access token").to_owned()
}

async fn with_issuer(backend: Backend, test: impl AsyncFnOnce(TestApp, &Issuer)) {
    let Some(issuer) = start_issuer() else { return };
    let url = issuer.url.clone();
    run_with(
        backend,
        |args| {
            args.oidc_issuer = Some(url);
            args.oidc_audience = Some("maxai-api".into());
        },
        async |app| test(app, &issuer).await,
    )
    .await;
}

async fn external_tokens_carry_their_roles(backend: Backend) {
    with_issuer(backend, async |app, issuer| {
        let tenant = app.create_tenant("acme").await;
        let editor = token(issuer, "alice", "maxai-api", json!(["acme:editor", "elsewhere:owner"])).await;
        let (status, me) = app.call(&editor, "GET", "/v1/me", None).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["actor"], "oidc:alice");
        assert_eq!(me["memberships"][0]["tenant_id"], tenant.as_str());
        assert_eq!(me["memberships"][0]["role"], "editor");
        assert_eq!(
            app.call(&editor, "POST", "/v1/tenants/acme/clients", Some(json!({ "name": "c" }))).await.0,
            200
        );
        assert_eq!(app.call(&editor, "GET", "/v1/tenants/acme/members", None).await.0, 404);
        let (_, audit) = app.call(&app.admin, "GET", "/v1/tenants/acme/audit?actor=oidc:alice", None).await;
        assert_eq!(audit["data"][0]["action"], "client.create");

        let staff = token(issuer, "bob", "maxai-api", json!(["maxai:support"])).await;
        assert_eq!(app.call(&staff, "GET", "/v1/tenants", None).await.0, 200);
        assert_eq!(
            app.call(&staff, "POST", "/v1/tenants", Some(json!({ "slug": "x1", "name": "x" }))).await.0,
            403
        );
    })
    .await;
}

async fn foreign_or_tampered_tokens_are_refused(backend: Backend) {
    with_issuer(backend, async |app, issuer| {
        let wrong_audience = token(issuer, "alice", "someone-else", json!(["maxai:admin"])).await;
        assert_eq!(app.call(&wrong_audience, "GET", "/v1/me", None).await.0, 401);
        let good = token(issuer, "alice", "maxai-api", json!(["maxai:support"])).await;
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].replacen('e', "f", 1);
        assert_eq!(app.call(&parts.join("."), "GET", "/v1/me", None).await.0, 401);
        assert_eq!(app.call(&good, "GET", "/v1/me", None).await.0, 200);
    })
    .await;
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn external_tokens_carry_their_roles() {
        super::external_tokens_carry_their_roles(crate::harness::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn foreign_or_tampered_tokens_are_refused() {
        super::foreign_or_tampered_tokens_are_refused(crate::harness::Backend::Sqlite).await;
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn external_tokens_carry_their_roles() {
        super::external_tokens_carry_their_roles(crate::harness::Backend::Postgres).await;
    }
}
