//! Loading a plugin from its build and its manifest, and a local HTTP server that records every
//! request and answers what the test says.

#![allow(dead_code)] // each plugin's tests use part of it

use std::{
    collections::BTreeMap,
    path::PathBuf,
    sync::{Arc, Mutex},
};

use maxai_ports::{TenantId, adapter::ViaJson, call::CallContext};
use maxai_wasm::{
    CallEnv, Credential, EgressSettings, HostSettings, Incoming, Manifest, PluginAdapter, PluginHost,
};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpListener,
};

/// A request as the fake provider received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query parameters, decoded.
    pub query: Vec<(String, String)>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn query(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The body as JSON (panics when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{} {}: body is not JSON: {e}", self.method, self.path))
    }

    /// The body as form pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }
}

/// What the fake answers.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = dyn Fn(&Recorded) -> Answer + Send + Sync;

/// A local stand-in for a provider's API.
pub struct Fake {
    pub base: String,
    received: Arc<Mutex<Vec<Recorded>>>,
}

impl Fake {
    /// Starts a server that answers every request with `handler`.
    pub async fn start(handler: impl Fn(&Recorded) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else { return };
                    let answer = handler(&request);
                    log.lock().expect("log").push(request);
                    let mut head = format!(
                        "HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                        answer.status,
                        answer.body.len()
                    );
                    for (name, value) in &answer.headers {
                        head.push_str(&format!("{name}: {value}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(&answer.body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Self { base, received }
    }

    /// Every request so far, in order.
    pub fn received(&self) -> Vec<Recorded> {
        self.received.lock().expect("log").clone()
    }

    /// The one request so far.
    pub fn only(&self) -> Recorded {
        let received = self.received();
        assert_eq!(received.len(), 1, "expected one request, got {received:#?}");
        received.into_iter().next().expect("one")
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    Some(Recorded { method, path: path.to_owned(), query, headers, body })
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the built plugins are: `$MAXAI_PLUGIN_DIR`, else `plugins/dist`.
fn build_dir() -> PathBuf {
    std::env::var_os("MAXAI_PLUGIN_DIR").map(PathBuf::from).unwrap_or_else(|| repo().join("plugins/dist"))
}

/// The built component of plugin `id` (`<id>.wasm`).
pub fn component(id: &str) -> Vec<u8> {
    let path = build_dir().join(format!("{id}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (build it with `maxai plugins build plugins/{id}`)", path.display())
    })
}

/// The manifest of plugin `id`, copied beside its component (`<id>.toml`).
pub fn manifest(id: &str) -> Manifest {
    let path = build_dir().join(format!("{id}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Manifest::parse(&text).unwrap_or_else(|problems| panic!("{}: {problems:?}", path.display()))
}

/// What a test gives the plugin: configuration, webhook secrets and credentials (by manifest
/// host).
#[derive(Default)]
pub struct Env {
    pub config: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, Vec<u8>>,
    pub credentials: BTreeMap<String, Credential>,
}

/// Plugin `id` installed in a development-mode host whose every manifest host is served by `fake`.
pub fn install(id: &str, fake: Option<&Fake>, env: Env) -> PluginAdapter {
    let manifest = manifest(id);
    let upstream_overrides = match fake {
        Some(fake) => manifest.hosts.iter().map(|h| (h.host.clone(), fake.base.clone())).collect(),
        None => BTreeMap::new(),
    };
    let settings = HostSettings {
        egress: EgressSettings { development: true, upstream_overrides, ..EgressSettings::default() },
        ..HostSettings::default()
    };
    let host = Arc::new(PluginHost::new(settings).expect("host"));
    let plugin = host.install(manifest, &component(id)).unwrap_or_else(|e| panic!("installing {id}: {e}"));
    let env = CallEnv {
        secrets: Arc::new(env.secrets),
        config: Arc::new(env.config),
        credentials: Arc::new(env.credentials),
    };
    PluginAdapter::new(host, plugin, Arc::new(env))
}

/// The plugin as the port traits.
pub fn ports(adapter: &PluginAdapter) -> ViaJson<PluginAdapter> {
    ViaJson(adapter.clone())
}

/// A call context with an idempotency key.
pub fn call(idempotency_key: &str) -> CallContext {
    CallContext {
        tenant: TenantId::new(),
        client: None,
        agent: None,
        idempotency_key: idempotency_key.into(),
    }
}

/// A webhook request as the gateway hands it to a plugin.
pub fn incoming(url: &str, headers: &[(&str, &str)], body: &[u8], received_at: &str) -> Incoming {
    Incoming {
        method: "POST".into(),
        url: url.into(),
        headers: headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), (*v).to_owned())).collect(),
        body: body.to_vec(),
        received_at: received_at.into(),
    }
}
