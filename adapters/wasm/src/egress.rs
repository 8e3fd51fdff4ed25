//! Outbound HTTP for plugins: the egress policy (the manifest's list of hosts, refused address
//! ranges checked on the address actually connected to, redirects followed by hand and checked
//! again, a size cap, timeouts) and the tenant's credentials, attached by the host so that a
//! plugin never reads them.

use std::{
    collections::BTreeMap,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::{Duration, Instant},
};

use base64::Engine as _;
use reqwest::{
    Method, Url,
    header::{ACCEPT_ENCODING, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, LOCATION},
};

use crate::{
    imports::http::{HttpError, Request, Response},
    manifest::{AllowedHost, CredentialAttachment},
};

/// Where plugins may send requests, and how much they may get back.
#[derive(Clone, Debug)]
pub struct EgressSettings {
    /// A developer's machine: plain `http` to loopback, loopback and private addresses, and the
    /// upstream overrides are allowed. Never in production.
    pub development: bool,
    /// In development mode only: an allowed host name mapped to a loopback base URL
    /// (`api.twilio.com` → `http://127.0.0.1:4010`) where its requests go instead, with their
    /// path and query. The list of hosts and the credentials are those of the original host, so
    /// local fakes stand in for providers without changing plugin code.
    pub upstream_overrides: BTreeMap<String, String>,
    /// Largest response body (default 4 MiB).
    pub max_response_bytes: usize,
    /// Most redirects followed for one request (default 5).
    pub max_redirects: u32,
    /// The timeout of a request that asks for none (default 10 s).
    pub default_timeout: Duration,
    /// The longest timeout a request may ask for (default 30 s).
    pub max_timeout: Duration,
}

impl Default for EgressSettings {
    fn default() -> Self {
        Self {
            development: false,
            upstream_overrides: BTreeMap::new(),
            max_response_bytes: 4 << 20,
            max_redirects: 5,
            default_timeout: Duration::from_secs(10),
            max_timeout: Duration::from_secs(30),
        }
    }
}

/// A tenant's credential for one allowed host: held by the host, attached to requests there as
/// the manifest says, never shown to the plugin (nor printed: `Debug` shows `[redacted]`).
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key or access token (for the `bearer`, `header` and `query` attachments).
    Token(String),
    /// A user name and password (for the `basic` attachment).
    Basic {
        /// The user name (Twilio's account SID).
        username: String,
        /// The password (Twilio's auth token).
        password: String,
    },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Token(_) => f.write_str("Token([redacted])"),
            Self::Basic { .. } => f.write_str("Basic { username: [redacted], password: [redacted] }"),
        }
    }
}

/// One request a plugin sent or tried to send, in the call's report. The `Denied` ones are what
/// the caller writes to the audit log (this crate has no database). Holds no body, query string
/// or credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpCall {
    /// As the plugin gave it (`GET` after a redirect that turns a request into a `GET`).
    pub method: String,
    /// The host asked for (before any upstream override); empty when the URL does not parse.
    pub host: String,
    /// The path, without the query string (queries may carry keys).
    pub path: String,
    /// The response's status, when one came.
    pub status: Option<u16>,
    /// How long it took.
    pub millis: u64,
    /// How it ended.
    pub outcome: HttpOutcome,
}

/// How a request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpOutcome {
    /// A response came (whatever its status).
    Ok,
    /// The policy refused it; why.
    Denied(String),
    /// It ran past its timeout.
    Timeout,
    /// The response was larger than allowed.
    TooLarge,
    /// Connection, TLS or protocol failure.
    Transport,
}

/// What one call's requests may use.
pub(crate) struct Scope<'s> {
    /// The plugin's allowed hosts (none without a manifest).
    pub(crate) hosts: &'s [AllowedHost],
    /// The tenant's credentials by host pattern.
    pub(crate) credentials: &'s BTreeMap<String, Credential>,
    /// When the call must be over.
    pub(crate) deadline: Option<Instant>,
}

/// The client every call shares (redirects off, no proxy, the guarded resolver) and the settings.
pub(crate) struct Egress {
    client: reqwest::Client,
    settings: EgressSettings,
    overrides: BTreeMap<String, Url>,
}

impl Egress {
    /// Builds the client.
    pub(crate) fn new(settings: EgressSettings) -> Result<Self, String> {
        Self::with_names(settings, BTreeMap::new())
    }

    /// Builds the client with names answered without asking DNS (for tests of what the resolver
    /// refuses).
    fn with_names(settings: EgressSettings, names: BTreeMap<String, Vec<IpAddr>>) -> Result<Self, String> {
        let resolver = GuardedResolver { development: settings.development, names };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .referer(false)
            .dns_resolver(Arc::new(resolver))
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        let overrides = usable_overrides(&settings);
        Ok(Self { client, settings, overrides })
    }

    /// Sends `request` under the policy, following redirects, and records every attempt in
    /// `calls`.
    pub(crate) async fn send(
        &self,
        scope: &Scope<'_>,
        request: Request,
        calls: &mut Vec<HttpCall>,
    ) -> Result<Response, HttpError> {
        let deadline = self.deadline(scope.deadline, request.timeout_ms);
        let secrets = Secrets::of(scope.credentials);
        let mut step = Step {
            method: request.method,
            url: request.url,
            headers: &request.headers,
            body: request.body,
            first_host: None,
        };
        let mut redirects = 0;
        loop {
            let started = Instant::now();
            let mut status = None;
            let result = self.attempt(scope, &secrets, &step, deadline, &mut status).await;
            let call = HttpCall::of(&step, status, started.elapsed(), &result);
            let host = call.host.clone();
            calls.push(call);
            let (status, location) = match result? {
                Answer::Final(response) => return Ok(response),
                Answer::Redirect { status, location } => (status, location),
            };
            if redirects == self.settings.max_redirects {
                return Err(HttpError::Transport(format!("stopped after {redirects} redirects")));
            }
            redirects += 1;
            step.first_host.get_or_insert(host);
            step.follow(status, location);
        }
    }

    /// When the request must be over: its own timeout (or the default), at most the longest
    /// allowed and at most the call's deadline.
    fn deadline(&self, call: Option<Instant>, timeout_ms: Option<u32>) -> Instant {
        let asked = timeout_ms.map_or(self.settings.default_timeout, |ms| Duration::from_millis(ms.into()));
        let own = Instant::now() + asked.min(self.settings.max_timeout);
        call.map_or(own, |call| own.min(call))
    }

    /// One request, without following a redirect. `status` is set as soon as a response comes.
    async fn attempt(
        &self,
        scope: &Scope<'_>,
        secrets: &Secrets,
        step: &Step<'_>,
        deadline: Instant,
        status: &mut Option<u16>,
    ) -> Result<Answer, HttpError> {
        let method = Method::from_bytes(step.method.as_bytes())
            .map_err(|_| HttpError::Transport(format!("`{}` is not an HTTP method", step.method)))?;
        if method == Method::CONNECT || method == Method::TRACE {
            return Err(HttpError::Denied(format!("the method {method} is not allowed")));
        }
        let url =
            Url::parse(&step.url).map_err(|e| HttpError::Denied(format!("the URL does not parse: {e}")))?;
        let target = self.check(scope, &url).map_err(HttpError::Denied)?;
        let other_host = step.first_host.as_ref().is_some_and(|first| *first != target.host);
        let mut headers = plugin_headers(step.headers, other_host).map_err(HttpError::Transport)?;
        let connect =
            target.credentials(scope.credentials, secrets, &mut headers).map_err(HttpError::Denied)?;
        let mut request = self.client.request(method, connect).headers(headers);
        if let Some(body) = &step.body {
            request = request.body(body.clone());
        }
        let exchange = self.exchange(request, &url, secrets, status);
        tokio::time::timeout_at(deadline.into(), exchange).await.unwrap_or(Err(HttpError::Timeout))
    }

    /// Sends the request and reads the answer: a redirect to follow, or the response with every
    /// credential value redacted.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        url: &Url,
        secrets: &Secrets,
        status: &mut Option<u16>,
    ) -> Result<Answer, HttpError> {
        let response = request.send().await.map_err(|e| transport(e, secrets))?;
        *status = Some(response.status().as_u16());
        if let Some(answer) = redirect(&response, url) {
            return Ok(answer);
        }
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (name.as_str().to_owned(), secrets.redact_str(&String::from_utf8_lossy(value.as_bytes())))
            })
            .collect();
        let body = read_body(response, self.settings.max_response_bytes, secrets).await?;
        Ok(Answer::Final(Response { status, headers, body: secrets.redact(&body) }))
    }

    /// Whether the policy lets a request for `url` go out, and where it goes.
    fn check<'s>(&self, scope: &Scope<'s>, url: &Url) -> Result<Target<'s>, String> {
        let host = host_name(url).ok_or("the URL has no host")?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "the URL for `{host}` carries a user name or password; the host attaches credentials"
            ));
        }
        if let Ok(ip) = host.parse::<IpAddr>()
            && let Some(reason) = refusal(ip, self.settings.development)
        {
            return Err(format!("`{host}` is refused: plugins may not reach {reason} addresses"));
        }
        match url.scheme() {
            "https" => {}
            "http" if self.settings.development && is_loopback_name(&host) => {}
            "http" => return Err(format!("plain http to `{host}` is not allowed: use https")),
            other => return Err(format!("the scheme `{other}` is not allowed for `{host}`: use https")),
        }
        let allowed = allowed_entry(scope.hosts, &host)
            .ok_or_else(|| format!("`{host}` is not on this plugin's list of allowed hosts"))?;
        let mut connect = match self.overrides.get(&host) {
            Some(base) => overridden(base, url),
            None => url.clone(),
        };
        connect.set_fragment(None);
        Ok(Target { host, allowed, connect })
    }
}

/// One request of a chain of redirects.
struct Step<'r> {
    method: String,
    url: String,
    headers: &'r [(String, String)],
    body: Option<Vec<u8>>,
    /// The host of the first request, once a redirect has been followed.
    first_host: Option<String>,
}

impl Step<'_> {
    /// Turns the step into the request a redirect asks for: `303` (and `301`/`302` after a
    /// `POST`) continue as a `GET` without the body, `307` and `308` repeat the request.
    fn follow(&mut self, status: u16, location: String) {
        let method = self.method.to_ascii_uppercase();
        if (status == 303 && method != "HEAD") || (matches!(status, 301 | 302) && method == "POST") {
            self.method = "GET".into();
            self.body = None;
        }
        self.url = location;
    }
}

impl HttpCall {
    /// The record of one attempt: host and path only, and how it ended.
    fn of(step: &Step<'_>, status: Option<u16>, took: Duration, result: &Result<Answer, HttpError>) -> Self {
        let (host, path) = Url::parse(&step.url)
            .map(|url| (host_name(&url).unwrap_or_default(), url.path().to_owned()))
            .unwrap_or_default();
        let outcome = match result {
            Ok(_) => HttpOutcome::Ok,
            Err(HttpError::Denied(why)) => HttpOutcome::Denied(why.clone()),
            Err(HttpError::Timeout) => HttpOutcome::Timeout,
            Err(HttpError::TooLarge) => HttpOutcome::TooLarge,
            Err(HttpError::Transport(_)) => HttpOutcome::Transport,
        };
        let millis = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
        Self { method: step.method.clone(), host, path, status, millis, outcome }
    }
}

/// What came back from one request.
enum Answer {
    Final(Response),
    Redirect { status: u16, location: String },
}

/// A request the policy lets go out.
struct Target<'s> {
    /// The host asked for, lower case.
    host: String,
    /// Its entry in the manifest.
    allowed: &'s AllowedHost,
    /// Where the request goes (the upstream override, in development mode).
    connect: Url,
}

impl Target<'_> {
    /// Attaches the tenant's credential for this host, when the manifest attaches one here, and
    /// returns the URL to connect to. A plugin's own `Authorization` (and its header or
    /// parameter of the credential's name) is replaced; a URL that carries a credential of this
    /// call is refused, so a redirect cannot move one to another host.
    fn credentials(
        self,
        credentials: &BTreeMap<String, Credential>,
        secrets: &Secrets,
        headers: &mut HeaderMap,
    ) -> Result<Url, String> {
        let Target { host, allowed, mut connect } = self;
        if let Some(CredentialAttachment::Query { name }) = &allowed.credential {
            remove_query_parameter(&mut connect, name);
        }
        if secrets.appear_in(connect.as_str()) {
            return Err(format!("the URL for `{host}` carries a credential of this tenant; it is not sent"));
        }
        let Some(attachment) = &allowed.credential else { return Ok(connect) };
        let credential = credentials
            .get(&allowed.host)
            .ok_or_else(|| format!("no credentials for {host} in this tenant's connection"))?;
        headers.remove(AUTHORIZATION);
        let header = |headers: &mut HeaderMap, name: HeaderName, value: String| {
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| format!("the credential for {host} cannot be sent in a header"))?;
            value.set_sensitive(true);
            headers.insert(name, value);
            Ok::<_, String>(())
        };
        match (attachment, credential) {
            (CredentialAttachment::Bearer, Credential::Token(token)) => {
                header(headers, AUTHORIZATION, format!("Bearer {token}"))?;
            }
            (CredentialAttachment::Basic, Credential::Basic { username, password }) => {
                header(headers, AUTHORIZATION, format!("Basic {}", basic(username, password)))?;
            }
            (CredentialAttachment::Header { name }, Credential::Token(token)) => {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("`{name}` is not a header name"))?;
                header(headers, name, token.clone())?;
            }
            (CredentialAttachment::Query { name }, Credential::Token(token)) => {
                connect.query_pairs_mut().append_pair(name, token);
            }
            (_, credential) => {
                let kind = match credential {
                    Credential::Token(_) => "a token",
                    Credential::Basic { .. } => "a user name and password",
                };
                return Err(format!(
                    "the credential for {host} is {kind}, which the manifest's attachment there cannot use"
                ));
            }
        }
        Ok(connect)
    }
}

/// `user:password` in base64, as `Authorization: Basic` carries it.
fn basic(username: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
}

/// Headers the host sets itself or that belong to the connection: never taken from a plugin.
/// `Accept-Encoding` is the host's so that bodies come uncompressed and can be redacted.
const HOST_HEADERS: [&str; 11] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "proxy-authorization",
    "proxy-connection",
    "accept-encoding",
];

/// A plugin's own headers that do not follow a redirect to another host.
const PERSONAL_HEADERS: [&str; 2] = ["authorization", "cookie"];

/// The plugin's headers as they go out.
fn plugin_headers(headers: &[(String, String)], other_host: bool) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("`{name}` is not a header name"))?;
        if HOST_HEADERS.contains(&name.as_str()) || (other_host && PERSONAL_HEADERS.contains(&name.as_str()))
        {
            continue;
        }
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of `{name}` is not a header value"))?;
        map.append(name, value);
    }
    map.insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    Ok(map)
}

/// Removes the query parameter `name`, leaving the rest of the query as it was when it has none.
fn remove_query_parameter(url: &mut Url, name: &str) {
    if !url.query_pairs().any(|(key, _)| key == name) {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| key != name)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}

/// The redirect a response asks for, resolved against the URL the plugin asked for.
fn redirect(response: &reqwest::Response, base: &Url) -> Option<Answer> {
    let status = response.status().as_u16();
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let location = base.join(location).ok()?.into();
    Some(Answer::Redirect { status, location })
}

/// Reads the body in chunks, refusing it once it is larger than `max`.
async fn read_body(
    mut response: reqwest::Response,
    max: usize,
    secrets: &Secrets,
) -> Result<Vec<u8>, HttpError> {
    if response.content_length().is_some_and(|length| length > max as u64) {
        return Err(HttpError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(e, secrets))? {
        if body.len() + chunk.len() > max {
            return Err(HttpError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A client error for the plugin: a refused address is `Denied`; otherwise the message, without
/// the URL (a query may carry a key) and with any credential redacted.
fn transport(error: reqwest::Error, secrets: &Secrets) -> HttpError {
    if error.is_timeout() {
        return HttpError::Timeout;
    }
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<RefusedAddress>() {
            return HttpError::Denied(refused.to_string());
        }
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    HttpError::Transport(secrets.redact_str(&message))
}

/// The host of a URL, lower case, without a trailing dot or the brackets of an IPv6 address.
fn host_name(url: &Url) -> Option<String> {
    let host = url.host_str()?.trim_start_matches('[').trim_end_matches(']').trim_end_matches('.');
    Some(host.to_ascii_lowercase())
}

/// Loopback by name or address.
fn is_loopback_name(host: &str) -> bool {
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host == "localhost" || host.ends_with(".localhost"),
    }
}

/// The manifest's entry for `host` (lower case): an exact entry, else the closest `*.` entry.
fn allowed_entry<'h>(hosts: &'h [AllowedHost], host: &str) -> Option<&'h AllowedHost> {
    hosts.iter().find(|allowed| allowed.host.eq_ignore_ascii_case(host)).or_else(|| {
        hosts
            .iter()
            .filter(|allowed| matches_pattern(&allowed.host, host))
            .max_by_key(|allowed| allowed.host.len())
    })
}

/// Whether `host` (lower case) matches `pattern`: the same name, or for `*.example.com` any name
/// under `example.com` (not `example.com` itself).
fn matches_pattern(pattern: &str, host: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(domain) => host.strip_suffix(domain).is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
        None => pattern == host,
    }
}

/// The upstream overrides the settings allow: in development mode only, to loopback only.
fn usable_overrides(settings: &EgressSettings) -> BTreeMap<String, Url> {
    let mut usable = BTreeMap::new();
    for (host, base) in &settings.upstream_overrides {
        let url = Url::parse(base).ok();
        let loopback = url.as_ref().and_then(host_name).is_some_and(|name| is_loopback_name(&name));
        match url {
            Some(url) if settings.development && loopback && matches!(url.scheme(), "http" | "https") => {
                usable.insert(host.to_ascii_lowercase(), url);
            }
            _ => tracing::warn!(
                host,
                base,
                "upstream override ignored: only loopback URLs, and only in development mode"
            ),
        }
    }
    usable
}

/// `base` + the path and query of `url`.
fn overridden(base: &Url, url: &Url) -> Url {
    let mut to = base.clone();
    to.set_path(&format!("{}{}", base.path().trim_end_matches('/'), url.path()));
    to.set_query(url.query());
    to
}

/// Addresses of cloud metadata services, refused even in development mode.
const METADATA_V4: [Ipv4Addr; 2] = [Ipv4Addr::new(169, 254, 169, 254), Ipv4Addr::new(100, 100, 100, 200)];
const METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);

/// Why a plugin may not reach `ip`, if it may not. IPv4 addresses inside IPv6 (mapped, NAT64)
/// are judged as IPv4.
pub(crate) fn refusal(ip: IpAddr, development: bool) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => refusal_v4(ip, development),
        IpAddr::V6(ip) => match embedded_v4(ip) {
            Some(v4) => refusal_v4(v4, development),
            None => refusal_v6(ip, development),
        },
    }
}

fn refusal_v4(ip: Ipv4Addr, development: bool) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if METADATA_V4.contains(&ip) {
        Some("cloud metadata")
    } else if a == 0 {
        Some("unspecified")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if development {
        None
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some("private")
    } else {
        None
    }
}

fn refusal_v6(ip: Ipv6Addr, development: bool) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip == METADATA_V6 {
        Some("cloud metadata")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if development {
        None
    } else if ip.is_loopback() {
        Some("loopback")
    } else if first & 0xfe00 == 0xfc00 {
        Some("private")
    } else {
        None
    }
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`)
/// address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = ip.segments();
    let nat64 = segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    ip.to_ipv4_mapped().or_else(|| nat64.then(|| Ipv4Addr::from((u128::from(ip) & 0xffff_ffff) as u32)))
}

/// Resolves names and keeps only the addresses a plugin may reach, so the check is on the
/// address the connection goes to and a name that changes its answer cannot slip past.
struct GuardedResolver {
    development: bool,
    /// Names answered without asking DNS (tests only).
    names: BTreeMap<String, Vec<IpAddr>>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let development = self.development;
        let known = self.names.get(name.as_str()).cloned();
        let name = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = match known {
                Some(ips) => ips.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect(),
                None => tokio::net::lookup_host((name.as_str(), 0)).await?.collect(),
            };
            let (usable, refused): (Vec<SocketAddr>, Vec<SocketAddr>) =
                found.into_iter().partition(|addr| refusal(addr.ip(), development).is_none());
            match (usable.is_empty(), refused.first()) {
                (true, Some(addr)) => {
                    let reason = refusal(addr.ip(), development).unwrap_or_default();
                    Err(RefusedAddress { name, ip: addr.ip(), reason }.into())
                }
                _ => Ok(Box::new(usable.into_iter()) as reqwest::dns::Addrs),
            }
        })
    }
}

/// A name that resolves only to addresses a plugin may not reach.
#[derive(Debug)]
struct RefusedAddress {
    name: String,
    ip: IpAddr,
    reason: &'static str,
}

impl std::fmt::Display for RefusedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` resolves to {}: plugins may not reach {} addresses", self.name, self.ip, self.reason)
    }
}

impl std::error::Error for RefusedAddress {}

/// What a response must not show the plugin: every credential value of the call (tokens,
/// passwords, the base64 of user and password), as sent and as a query string carries it.
/// Values shorter than [`MIN_SECRET`] bytes are not searched for (they would mangle bodies).
struct Secrets(Vec<Vec<u8>>);

const MIN_SECRET: usize = 6;
const REDACTED: &[u8] = b"[redacted]";

impl Secrets {
    fn of(credentials: &BTreeMap<String, Credential>) -> Self {
        let values = credentials.values().flat_map(|credential| match credential {
            Credential::Token(token) => vec![token.clone()],
            Credential::Basic { username, password } => vec![password.clone(), basic(username, password)],
        });
        let mut secrets: Vec<Vec<u8>> = values
            .flat_map(|value| [query_encoded(&value), value])
            .filter(|value| value.len() >= MIN_SECRET)
            .map(String::into_bytes)
            .collect();
        // longest first, so that a secret inside another is not half replaced
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Self(secrets)
    }

    fn redact(&self, bytes: &[u8]) -> Vec<u8> {
        self.0.iter().fold(bytes.to_vec(), |text, secret| replace_all(&text, secret, REDACTED))
    }

    fn redact_str(&self, text: &str) -> String {
        String::from_utf8_lossy(&self.redact(text.as_bytes())).into_owned()
    }

    fn appear_in(&self, text: &str) -> bool {
        self.0.iter().any(|secret| text.as_bytes().windows(secret.len()).any(|window| window == secret))
    }
}

fn replace_all(text: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        if text[at..].starts_with(needle) {
            out.extend_from_slice(with);
            at += needle.len();
        } else {
            out.push(text[at]);
            at += 1;
        }
    }
    out
}

/// `value` as a query string carries it (`application/x-www-form-urlencoded`).
fn query_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => char::from(b).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod live_tests;

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use reqwest::dns::Resolve as _;

    use super::*;

    #[test]
    fn refused_address_ranges() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            // (address, refusal in production, refusal in development)
            ("169.254.169.254", Some("cloud metadata"), Some("cloud metadata")),
            ("100.100.100.200", Some("cloud metadata"), Some("cloud metadata")),
            ("fd00:ec2::254", Some("cloud metadata"), Some("cloud metadata")),
            ("169.254.1.1", Some("link-local"), Some("link-local")),
            ("fe80::1", Some("link-local"), Some("link-local")),
            ("::ffff:169.254.169.254", Some("cloud metadata"), Some("cloud metadata")),
            ("64:ff9b::a9fe:a9fe", Some("cloud metadata"), Some("cloud metadata")),
            ("0.0.0.0", Some("unspecified"), Some("unspecified")),
            ("::", Some("unspecified"), Some("unspecified")),
            ("224.0.0.1", Some("multicast"), Some("multicast")),
            ("ff02::1", Some("multicast"), Some("multicast")),
            ("255.255.255.255", Some("broadcast"), Some("broadcast")),
            ("127.0.0.1", Some("loopback"), None),
            ("::1", Some("loopback"), None),
            ("::ffff:127.0.0.1", Some("loopback"), None),
            ("10.1.2.3", Some("private"), None),
            ("172.16.0.1", Some("private"), None),
            ("172.31.255.255", Some("private"), None),
            ("192.168.1.1", Some("private"), None),
            ("100.64.0.1", Some("private"), None),
            ("100.127.255.255", Some("private"), None),
            ("fc00::1", Some("private"), None),
            ("fd12:3456::1", Some("private"), None),
            ("172.32.0.1", None, None),
            ("100.128.0.1", None, None),
            ("8.8.8.8", None, None),
            ("2606:4700::1111", None, None),
        ];
        for (ip, production, development) in cases {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(refusal(ip, false), *production, "{ip} in production");
            assert_eq!(refusal(ip, true), *development, "{ip} in development");
        }
    }

    fn allowed(host: &str) -> AllowedHost {
        AllowedHost { host: host.into(), credential: None }
    }

    #[test]
    fn host_patterns_match_subdomains_only_and_ignore_case() {
        assert!(matches_pattern("*.example.com", "a.example.com"));
        assert!(matches_pattern("*.Example.com", "a.b.example.com"));
        assert!(!matches_pattern("*.example.com", "example.com"));
        assert!(!matches_pattern("*.example.com", "badexample.com"));
        assert!(!matches_pattern("*.example.com", "example.com.evil.net"));
        assert!(matches_pattern("API.example.com", "api.example.com"));
        assert!(!matches_pattern("api.example.com", "x.api.example.com"));
        let hosts = [allowed("*.example.com"), allowed("api.example.com"), allowed("*.eu.example.com")];
        assert_eq!(
            allowed_entry(&hosts, "api.example.com").map(|a| a.host.as_str()),
            Some("api.example.com")
        );
        assert_eq!(
            allowed_entry(&hosts, "x.eu.example.com").map(|a| a.host.as_str()),
            Some("*.eu.example.com")
        );
        assert_eq!(allowed_entry(&hosts, "x.example.com").map(|a| a.host.as_str()), Some("*.example.com"));
        assert_eq!(allowed_entry(&hosts, "example.org"), None);
        let url = Url::parse("https://API.Example.COM./v1").unwrap();
        assert_eq!(host_name(&url).as_deref(), Some("api.example.com"));
    }

    #[tokio::test]
    async fn the_resolver_refuses_loopback_names_outside_development_mode() {
        let resolve = |development: bool| {
            GuardedResolver { development, names: BTreeMap::new() }
                .resolve(reqwest::dns::Name::from_str("localhost").unwrap())
        };
        let refused = resolve(false).await.err().unwrap();
        let refused = refused.downcast_ref::<RefusedAddress>().unwrap();
        assert_eq!(refused.reason, "loopback");
        assert!(refused.to_string().contains("`localhost` resolves to"), "{refused}");
        let found: Vec<SocketAddr> = resolve(true).await.unwrap().collect();
        assert!(found.iter().all(|addr| addr.ip().is_loopback()) && !found.is_empty(), "{found:?}");
    }

    #[tokio::test]
    async fn the_resolver_keeps_only_the_addresses_it_may_connect_to() {
        let names = BTreeMap::from([(
            "mixed.example.com".to_owned(),
            vec!["10.0.0.1".parse().unwrap(), "93.184.215.14".parse().unwrap()],
        )]);
        let resolver = GuardedResolver { development: false, names };
        let found: Vec<IpAddr> = resolver
            .resolve(reqwest::dns::Name::from_str("mixed.example.com").unwrap())
            .await
            .unwrap()
            .map(|addr| addr.ip())
            .collect();
        assert_eq!(found, ["93.184.215.14".parse::<IpAddr>().unwrap()]);
    }

    #[test]
    fn credentials_print_redacted() {
        let token = Credential::Token("tok_live_123".into());
        let basic = Credential::Basic { username: "AC1".into(), password: "pw_live_456".into() };
        let printed = format!("{token:?} {basic:?}");
        assert_eq!(printed, "Token([redacted]) Basic { username: [redacted], password: [redacted] }");
    }

    #[test]
    fn secrets_are_redacted_everywhere_they_appear() {
        let credentials = BTreeMap::from([
            ("a.example.com".to_owned(), Credential::Token("tok+/=secret".into())),
            (
                "b.example.com".to_owned(),
                Credential::Basic { username: "AC1".into(), password: "pw_secret".into() },
            ),
            ("c.example.com".to_owned(), Credential::Token("short".into())),
        ]);
        let secrets = Secrets::of(&credentials);
        let text = format!(
            "tok+/=secret and ?key=tok%2B%2F%3Dsecret, Basic {}, pw_secret twice: pw_secret; AC1 short",
            basic("AC1", "pw_secret")
        );
        assert_eq!(
            secrets.redact_str(&text),
            "[redacted] and ?key=[redacted], Basic [redacted], [redacted] twice: [redacted]; AC1 short"
        );
        assert!(secrets.appear_in("https://x.example.com/?k=tok%2B%2F%3Dsecret"));
        assert!(!secrets.appear_in("https://x.example.com/?k=tok"));
    }

    #[test]
    fn overrides_are_honoured_in_development_mode_and_to_loopback_only() {
        let overrides = BTreeMap::from([
            ("api.example.com".to_owned(), "http://127.0.0.1:4010/fake".to_owned()),
            ("pay.example.com".to_owned(), "http://localhost:4011".to_owned()),
            ("evil.example.com".to_owned(), "http://10.0.0.1:80".to_owned()),
            ("bad.example.com".to_owned(), "not a url".to_owned()),
        ]);
        let settings = |development| EgressSettings {
            development,
            upstream_overrides: overrides.clone(),
            ..EgressSettings::default()
        };
        let usable = usable_overrides(&settings(true));
        assert_eq!(usable.keys().collect::<Vec<_>>(), ["api.example.com", "pay.example.com"]);
        assert!(usable_overrides(&settings(false)).is_empty());
        let url = Url::parse("https://api.example.com/v1/items?page=2").unwrap();
        assert_eq!(
            overridden(&usable["api.example.com"], &url).as_str(),
            "http://127.0.0.1:4010/fake/v1/items?page=2"
        );
    }

    #[test]
    fn a_plugins_query_parameter_of_the_credentials_name_is_removed() {
        let mut url = Url::parse("https://x.example.com/p?a=1&key=mine&b=2").unwrap();
        remove_query_parameter(&mut url, "key");
        assert_eq!(url.query(), Some("a=1&b=2"));
        let mut untouched = Url::parse("https://x.example.com/p?a=%20x&b").unwrap();
        remove_query_parameter(&mut untouched, "key");
        assert_eq!(untouched.query(), Some("a=%20x&b"));
        let mut only = Url::parse("https://x.example.com/p?key=mine").unwrap();
        remove_query_parameter(&mut only, "key");
        assert_eq!(only.as_str(), "https://x.example.com/p");
    }
}
