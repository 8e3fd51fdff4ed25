//! The plugin host's figures for BENCHMARKS.md: a fresh instance plus a trivial call (a hand-made
//! guest, and a real plugin built from Rust through the port traits), and loading a component by
//! compiling it against loading it from the compiled-code cache.
//!
//! Run with `cargo bench -p maxai-wasm --bench calls`.

#![allow(missing_docs, clippy::unwrap_used)]

use std::{sync::Arc, time::Duration};

use criterion::{Criterion, criterion_group, criterion_main};
use maxai_ports::{
    adapter::ViaJson,
    call::CallContext,
    crm::{Crm as _, ListPipelines, UpsertContact},
};
use maxai_wasm::{CallEnv, CallLimits, HostSettings, Manifest, PluginAdapter, PluginHost};

const ADD: &str = r#"(component
  (core module $m (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add"))))"#;

/// A guest shaped like a real plugin: 17 pages (1.06 MiB) of linear memory, a bump `realloc`,
/// and an export taking a string (as a JSON payload would be passed).
const TEXT: &str = r#"(component
  (core module $m
    (memory (export "memory") 17)
    (global $heap (mut i32) (i32.const 65536))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      (local.set $at (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get 3)))
      (local.get $at))
    (func (export "len") (param i32 i32) (result i32) local.get 1))
  (core instance $i (instantiate $m))
  (func (export "len") (param "text" string) (result u32)
    (canon lift (core func $i "len") (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))"#;

fn fresh_instance_per_call(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let host = PluginHost::new(HostSettings::default()).unwrap();
    let plugin = host.load("add", ADD.as_bytes()).unwrap();
    let limits = CallLimits { deadline: Duration::from_secs(5), ..CallLimits::default() };
    c.bench_function("fresh instance + trivial call", |b| {
        b.to_async(&runtime).iter(|| async {
            host.call::<(u32, u32), (u32,)>(&plugin, limits, &CallEnv::default(), "add", (1, 2))
                .await
                .unwrap()
                .output
        })
    });
    let text = host.load("text", TEXT.as_bytes()).unwrap();
    for (label, size) in [("16 B", 16), ("100 KB", 100 * 1024)] {
        let payload = "x".repeat(size);
        c.bench_function(&format!("fresh instance (1 MiB memory) + call with a {label} string"), |b| {
            b.to_async(&runtime).iter(|| async {
                host.call::<(&str,), (u32,)>(&text, limits, &CallEnv::default(), "len", (payload.as_str(),))
                    .await
                    .unwrap()
                    .output
            })
        });
    }
}

/// The template plugin (`examples/plugin-template`) as built into `plugins/dist`.
fn template() -> (Vec<u8>, Manifest) {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plugins/dist");
    let wasm = std::fs::read(dist.join("template.wasm")).unwrap();
    let manifest = Manifest::parse(&std::fs::read_to_string(dist.join("template.toml")).unwrap()).unwrap();
    (wasm, manifest)
}

fn port_calls_through_a_real_plugin(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let host = Arc::new(PluginHost::new(HostSettings::default()).unwrap());
    let (wasm, manifest) = template();
    let plugin = host.install(manifest, &wasm).unwrap();
    let crm = ViaJson(PluginAdapter::new(host, plugin, Arc::new(CallEnv::default())));
    let call = CallContext {
        tenant: maxai_ports::TenantId::new(),
        client: None,
        agent: None,
        idempotency_key: "run/step".into(),
    };
    c.bench_function("port call through a Rust plugin: crm.list_pipelines", |b| {
        b.to_async(&runtime).iter(|| async { crm.list_pipelines(&call, ListPipelines {}).await.unwrap() })
    });
    let big = UpsertContact {
        first_name: Some("Ada".into()),
        last_name: None,
        email: Some("ada@example.com".into()),
        phone: None,
        tags: vec![],
        custom_fields: (0..1000).map(|i| (format!("field_{i:04}"), "x".repeat(90))).collect(),
        source: None,
    };
    c.bench_function("port call through a Rust plugin: crm.upsert_contact with 100 KB of fields", |b| {
        b.to_async(&runtime).iter(|| async { crm.upsert_contact(&call, big.clone()).await.unwrap_err() })
    });
}

fn loading(c: &mut Criterion) {
    let wasm = wat_bytes();
    let cold = PluginHost::new(HostSettings { max_instances: 4, ..HostSettings::default() }).unwrap();
    c.bench_function("load: compile", |b| b.iter(|| cold.load("add", &wasm).unwrap()));
    let dir = tempfile::tempdir().unwrap();
    let settings =
        HostSettings { max_instances: 4, cache_dir: Some(dir.path().to_owned()), ..HostSettings::default() };
    let cached = PluginHost::new(settings).unwrap();
    cached.load("add", &wasm).unwrap();
    c.bench_function("load: from the compiled-code cache", |b| b.iter(|| cached.load("add", &wasm).unwrap()));

    let (plugin, _) = template();
    c.bench_function("load a 166 KB Rust plugin: compile", |b| {
        b.iter(|| cold.load("template", &plugin).unwrap())
    });
    cached.load("template", &plugin).unwrap();
    c.bench_function("load a 166 KB Rust plugin: from the cache", |b| {
        b.iter(|| cached.load("template", &plugin).unwrap())
    });
}

/// The component in binary form, as a plugin file would be.
fn wat_bytes() -> Vec<u8> {
    wat::parse_str(ADD).unwrap()
}

criterion_group!(benches, fresh_instance_per_call, port_calls_through_a_real_plugin, loading);
criterion_main!(benches);
