//! The test gateway: a real database per test (SQLite in a temporary folder, or a fresh
//! PostgreSQL database), the real endpoint, and helpers to log in and create things.
//!
//! PostgreSQL comes from `MAXAI_TEST_DATABASE_URL` (a URL of a role that may create databases)
//! or, when `initdb` and `pg_ctl` are installed, from a throwaway cluster the tests start once
//! and reuse (as the `postgres` user when running as root). Without either, the PostgreSQL half
//! of each test reports that it was skipped.

use std::{path::PathBuf, process::Command, sync::OnceLock};

use maxai_openapi::{
    Gateway, endpoint,
    settings::{Settings, SettingsArgs},
};
use poem::{
    EndpointExt as _,
    endpoint::BoxEndpoint,
    test::{TestClient, TestResponse},
};
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@example.test";
pub const PASSWORD: &str = "a long test password";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub client: TestClient<BoxEndpoint<'static, poem::Response>>,
    pub admin: String,
    _dir: tempfile::TempDir,
}

/// Runs `test` against a fresh gateway on `backend`.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_with(backend, |_| {}, test).await;
}

/// Like [`run`], with settings changed by `configure` first.
pub async fn run_with<F, Fut>(backend: Backend, configure: impl FnOnce(&mut SettingsArgs), test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temporary folder");
    let database_url = match backend {
        Backend::Sqlite => dir.path().join("maxai.db").display().to_string(),
        Backend::Postgres => match postgres_database() {
            Some(url) => url,
            None => {
                eprintln!("skipped on PostgreSQL: set MAXAI_TEST_DATABASE_URL or install initdb and pg_ctl");
                return;
            }
        },
    };
    let mut args = SettingsArgs {
        database_url: Some(database_url),
        jwt_secret: Some("a test signing secret of at least 32 characters".into()),
        demo_tenant: Some(false),
        max_body_bytes: Some(64 * 1024),
        bootstrap_admin_email: Some(ADMIN_EMAIL.into()),
        bootstrap_admin_password: Some(PASSWORD.into()),
        ..SettingsArgs::default()
    };
    configure(&mut args);
    let settings = Settings::load(&args).expect("settings");
    let gateway = Gateway::start(&settings).await.expect("gateway starts");
    let endpoint = endpoint(gateway.state, settings.max_body_bytes).map_to_response().boxed();
    let client = TestClient::new(endpoint);
    let admin = login_with(&client, ADMIN_EMAIL, PASSWORD).await;
    test(TestApp { client, admin, _dir: dir }).await;
}

async fn login_with(
    client: &TestClient<BoxEndpoint<'static, poem::Response>>,
    email: &str,
    password: &str,
) -> String {
    let response = client
        .post("/v1/auth/login")
        .body_json(&json!({ "email": email, "password": password }))
        .send()
        .await;
    response.assert_status_is_ok();
    let body: Value = response.json().await.value().deserialize();
    body["access_token"].as_str().expect("access token").to_owned()
}

impl TestApp {
    pub async fn login(&self, email: &str) -> String {
        login_with(&self.client, email, PASSWORD).await
    }

    /// Sends a request as `token` and returns the status and the JSON body (`null` if none).
    pub async fn call(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let request = match method {
            "GET" => self.client.get(path),
            "POST" => self.client.post(path),
            "PATCH" => self.client.patch(path),
            "PUT" => self.client.put(path),
            "DELETE" => self.client.delete(path),
            other => panic!("method {other}"),
        }
        .header("authorization", format!("Bearer {token}"));
        let response = match body {
            Some(body) => request.body_json(&body).send().await,
            None => request.send().await,
        };
        split(response).await
    }

    pub async fn create_tenant(&self, slug: &str) -> String {
        let (status, body) =
            self.call(&self.admin, "POST", "/v1/tenants", Some(json!({ "slug": slug, "name": slug }))).await;
        assert_eq!(status, 200, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_user(&self, email: &str) -> String {
        let (status, body) = self
            .call(
                &self.admin,
                "POST",
                "/v1/users",
                Some(json!({ "email": email, "name": email, "password": PASSWORD })),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// A new user with `role` in `tenant`, logged in.
    pub async fn member(&self, tenant: &str, email: &str, role: &str, client: Option<&str>) -> String {
        let user = self.create_user(email).await;
        let (status, body) = self
            .call(
                &self.admin,
                "POST",
                &format!("/v1/tenants/{tenant}/members"),
                Some(json!({ "user_id": user, "role": role, "client_id": client })),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        self.login(email).await
    }

    pub async fn create_client(&self, token: &str, tenant: &str, name: &str) -> String {
        let (status, body) = self
            .call(token, "POST", &format!("/v1/tenants/{tenant}/clients"), Some(json!({ "name": name })))
            .await;
        assert_eq!(status, 200, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_agent(&self, token: &str, tenant: &str, client: &str, name: &str) -> String {
        let body =
            json!({ "client_id": client, "name": name, "channels": ["sms"], "config": { "voice": "calm" } });
        let (status, body) =
            self.call(token, "POST", &format!("/v1/tenants/{tenant}/agents"), Some(body)).await;
        assert_eq!(status, 200, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }
}

pub async fn split(response: TestResponse) -> (u16, Value) {
    let status = response.0.status().as_u16();
    let text = response.0.into_body().into_string().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The URL of a new, empty PostgreSQL database, if PostgreSQL is available.
fn postgres_database() -> Option<String> {
    let admin = postgres_admin_url()?;
    let name = format!("maxai_test_{}", uuid::Uuid::now_v7().simple());
    let created = Command::new("psql")
        .args([admin.as_str(), "-v", "ON_ERROR_STOP=1", "-qc", &format!("CREATE DATABASE {name}")])
        .output()
        .expect("psql runs");
    assert!(
        created.status.success(),
        "cannot create a test database: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    let (base, _) = admin.rsplit_once('/').expect("database URL with a path");
    Some(format!("{base}/{name}"))
}

fn postgres_admin_url() -> Option<String> {
    static URL: OnceLock<Option<String>> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("MAXAI_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => throwaway_cluster(),
    })
    .clone()
}

/// Starts (or finds running) a throwaway PostgreSQL cluster for the tests, on port 55432.
fn throwaway_cluster() -> Option<String> {
    const PORT: &str = "55432";
    let initdb = which("initdb")?;
    let pg_ctl = which("pg_ctl")?;
    let as_root = Command::new("id").arg("-u").output().ok().is_some_and(|o| o.stdout.starts_with(b"0\n"));
    let dir = std::env::temp_dir().join("maxai-test-postgres");
    let run = |program: &PathBuf, args: &[&str]| {
        let mut command = if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        command.args(args).output().ok()
    };
    let data = dir.join("data");
    let data_str = data.display().to_string();
    if !data.join("PG_VERSION").exists() {
        std::fs::create_dir_all(&dir).ok()?;
        if as_root {
            Command::new("chown").args(["-R", "postgres", &dir.display().to_string()]).status().ok()?;
        }
        let init = run(&initdb, &["-D", &data_str, "-U", "postgres", "--auth=trust", "-E", "UTF8"])?;
        if !init.status.success() {
            eprintln!("initdb failed: {}", String::from_utf8_lossy(&init.stderr));
            return None;
        }
    }
    let status = run(&pg_ctl, &["-D", &data_str, "status"])?;
    if !status.status.success() {
        let options = format!("-p {PORT} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", dir.display());
        let log = dir.join("postgres.log").display().to_string();
        let start = run(&pg_ctl, &["-D", &data_str, "-o", &options, "-l", &log, "-w", "start"])?;
        if !start.status.success() {
            eprintln!("pg_ctl start failed: {}", String::from_utf8_lossy(&start.stderr));
            return None;
        }
    }
    Some(format!("postgres://postgres@127.0.0.1:{PORT}/postgres"))
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::harness::run($crate::harness::Backend::Sqlite, super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::harness::run($crate::harness::Backend::Postgres, super::$name).await;
                }
            )*
        }
    };
}
