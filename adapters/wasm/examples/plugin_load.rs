//! Figures for BENCHMARKS.md that criterion does not give: 200 concurrent port calls spread over
//! 50 tenants (throughput, p50, p99 per call), and the memory each concurrent plugin instance
//! holds while it waits on its provider.
//!
//! Run with `cargo run --release -p maxai-wasm --example plugin_load`.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

use maxai_ports::{
    TenantId,
    adapter::ViaJson,
    call::{CallContext, PortResult},
    crm::{Crm as _, GetContact, ListPipelines},
};
use maxai_wasm::{
    CallEnv, CallEnvSource, Credential, EgressSettings, HostSettings, Manifest, Plugin, PluginAdapter,
    PluginHost,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const TENANTS: usize = 50;
const CONCURRENT: usize = 200;
const ROUNDS: usize = 50;

/// Each tenant's own credential and configuration.
struct Tenants(HashMap<TenantId, CallEnv>);

#[async_trait::async_trait]
impl CallEnvSource for Tenants {
    async fn env_for(&self, tenant: TenantId, _: &Plugin) -> PortResult<CallEnv> {
        Ok(self.0[&tenant].clone())
    }
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    statm.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 4096
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A provider that answers every request with a contact after `delay`.
async fn slow_provider(delay: Duration) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                tokio::time::sleep(delay).await;
                let body = br#"{"id":"c1","first_name":"Ada","tags":[]}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body).await;
            });
        }
    });
    base
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plugins/dist");
    let wasm = std::fs::read(dist.join("template.wasm")).unwrap();
    let manifest = Manifest::parse(&std::fs::read_to_string(dist.join("template.toml")).unwrap()).unwrap();
    let provider = slow_provider(Duration::from_millis(400)).await;
    let egress = EgressSettings {
        development: true,
        upstream_overrides: BTreeMap::from([("api.example.com".to_owned(), provider)]),
        ..EgressSettings::default()
    };
    let host = Arc::new(
        PluginHost::new(HostSettings { max_instances: 256, egress, ..HostSettings::default() }).unwrap(),
    );
    let plugin = host.install(manifest, &wasm).unwrap();
    let tenants: Vec<TenantId> = (0..TENANTS).map(|_| TenantId::new()).collect();
    let envs = tenants
        .iter()
        .enumerate()
        .map(|(i, tenant)| {
            let credential = Credential::Token(format!("tok_tenant_{i:04}"));
            let env = CallEnv {
                credentials: Arc::new(BTreeMap::from([("api.example.com".to_owned(), credential)])),
                config: Arc::new(BTreeMap::from([("region".to_owned(), format!("r{i}"))])),
                ..CallEnv::default()
            };
            (*tenant, env)
        })
        .collect();
    let crm = Arc::new(ViaJson(PluginAdapter::new(host, plugin, Arc::new(Tenants(envs)))));
    let call = |i: usize| CallContext {
        tenant: tenants[i % TENANTS],
        client: None,
        agent: None,
        idempotency_key: format!("run/{i}"),
    };

    // 200 concurrent calls over 50 tenants, round after round
    let mut latencies = Vec::with_capacity(CONCURRENT * ROUNDS);
    crm.list_pipelines(&call(0), ListPipelines {}).await.unwrap();
    let started = Instant::now();
    for _ in 0..ROUNDS {
        let tasks: Vec<_> = (0..CONCURRENT)
            .map(|i| {
                let (crm, call) = (crm.clone(), call(i));
                // from the moment the call is asked for: waiting for a worker counts
                let asked = Instant::now();
                tokio::spawn(async move {
                    crm.list_pipelines(&call, ListPipelines {}).await.unwrap();
                    asked.elapsed()
                })
            })
            .collect();
        for task in tasks {
            latencies.push(task.await.unwrap());
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "{CONCURRENT} concurrent calls over {TENANTS} tenants, {ROUNDS} rounds: {:.0} calls/s, p50 {:.1} ms, p99 {:.1} ms",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
    );

    // memory while 200 instances are alive at once, each waiting on its provider
    crm.get_contact(&call(0), GetContact { id: "c1".into() }).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let idle = resident_bytes();
    let tasks: Vec<_> = (0..CONCURRENT)
        .map(|i| {
            let (crm, call) = (crm.clone(), call(i));
            tokio::spawn(async move { crm.get_contact(&call, GetContact { id: "c1".into() }).await.unwrap() })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(250)).await;
    let busy = resident_bytes();
    for task in tasks {
        task.await.unwrap();
    }
    println!(
        "{CONCURRENT} instances alive at once: resident memory {:.1} MiB idle, {:.1} MiB busy, {:.0} KiB per instance",
        idle as f64 / (1 << 20) as f64,
        busy as f64 / (1 << 20) as f64,
        busy.saturating_sub(idle) as f64 / 1024.0 / CONCURRENT as f64,
    );
}
