//! The plugin host's figures for BENCHMARKS.md: a fresh instance plus a trivial call, and
//! loading a component by compiling it against loading it from the compiled-code cache.
//!
//! Run with `cargo bench -p maxai-wasm --bench calls`.

#![allow(missing_docs, clippy::unwrap_used)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use maxai_wasm::{CallLimits, HostSettings, PluginHost};

const ADD: &str = r#"(component
  (core module $m (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add"))))"#;

fn fresh_instance_per_call(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let host = PluginHost::new(HostSettings::default()).unwrap();
    let plugin = host.load("add", ADD.as_bytes()).unwrap();
    let limits = CallLimits { deadline: Duration::from_secs(5), ..CallLimits::default() };
    c.bench_function("fresh instance + trivial call", |b| {
        b.to_async(&runtime).iter(|| async {
            host.call::<(u32, u32), (u32,)>(&plugin, limits, "add", (1, 2)).await.unwrap().output
        })
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
}

/// The component in binary form, as a plugin file would be.
fn wat_bytes() -> Vec<u8> {
    wat::parse_str(ADD).unwrap()
}

criterion_group!(benches, fresh_instance_per_call, loading);
criterion_main!(benches);
