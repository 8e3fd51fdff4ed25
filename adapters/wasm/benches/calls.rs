//! The plugin host's figures for BENCHMARKS.md: a fresh instance plus a trivial call, and
//! loading a component by compiling it against loading it from the compiled-code cache.
//!
//! Run with `cargo bench -p maxai-wasm --bench calls`.

#![allow(missing_docs, clippy::unwrap_used)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use maxai_wasm::{CallEnv, CallLimits, HostSettings, PluginHost};

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
}

/// The component in binary form, as a plugin file would be.
fn wat_bytes() -> Vec<u8> {
    wat::parse_str(ADD).unwrap()
}

criterion_group!(benches, fresh_instance_per_call, loading);
criterion_main!(benches);
