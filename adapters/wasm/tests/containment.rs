//! Containment: a plugin that loops, burns fuel, grows memory, traps or imports what the host
//! does not offer fails that call only, with the right error, and other calls keep their speed.
//! The guests are components written in WAT.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use maxai_wasm::{CallEnv, CallLimits, HostSettings, PluginError, PluginHost};

const LOOP: &str = r#"(component
  (core module $m (func (export "run") (loop $again (br $again))))
  (core instance $i (instantiate $m))
  (func (export "run") (canon lift (core func $i "run"))))"#;

const ADD: &str = r#"(component
  (core module $m (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add"))))"#;

/// Asks for 32 MiB more memory and traps when it does not get it (as a Rust guest's allocator
/// would).
const GREEDY: &str = r#"(component
  (core module $m
    (memory 1)
    (func (export "run")
      (if (i32.eq (memory.grow (i32.const 512)) (i32.const -1)) (then unreachable))))
  (core instance $i (instantiate $m))
  (func (export "run") (canon lift (core func $i "run"))))"#;

const TRAPS: &str = r#"(component
  (core module $m (func (export "run") unreachable))
  (core instance $i (instantiate $m))
  (func (export "run") (canon lift (core func $i "run"))))"#;

const IMPORTS_UNKNOWN: &str = r#"(component
  (import "read-secrets" (func $read))
  (core func $lowered (canon lower (func $read)))
  (core module $m (import "host" "read" (func)) (func (export "run")))
  (core instance $i (instantiate $m (with "host" (instance (export "read" (func $lowered))))))
  (func (export "run") (canon lift (core func $i "run"))))"#;

/// Exports the messaging interface (with a stand-in function) and nothing else.
const MESSAGING_ONLY: &str = r#"(component
  (core module $m (func (export "f")))
  (core instance $i (instantiate $m))
  (func $f (canon lift (core func $i "f")))
  (instance $messaging (export "ping" (func $f)))
  (export "maxai:ports/messaging@0.1.0" (instance $messaging)))"#;

fn host() -> PluginHost {
    PluginHost::new(HostSettings { max_instances: 64, ..HostSettings::default() }).unwrap()
}

fn limits(deadline_ms: u64) -> CallLimits {
    CallLimits { deadline: Duration::from_millis(deadline_ms), ..CallLimits::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_returns_its_output_and_the_fuel_it_used() {
    let host = host();
    let add = host.load("add", ADD.as_bytes()).unwrap();
    assert_eq!(add.hash().len(), 64);
    let report = host
        .call::<(u32, u32), (u32,)>(&add, limits(1000), &CallEnv::default(), "add", (40, 2))
        .await
        .unwrap();
    assert_eq!(report.output, (42,));
    assert!(report.fuel_used > 0);
    let missing =
        host.call::<(u32, u32), (u32,)>(&add, limits(1000), &CallEnv::default(), "subtract", (1, 1)).await;
    assert!(matches!(missing, Err(PluginError::Invalid { .. })), "{missing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_loop_stops_within_100_ms_of_its_deadline() {
    let host = host();
    let looping = host.load("loop", LOOP.as_bytes()).unwrap();
    let started = Instant::now();
    let result = host.call::<(), ()>(&looping, limits(200), &CallEnv::default(), "run", ()).await;
    let elapsed = started.elapsed();
    assert!(matches!(result, Err(PluginError::Deadline { .. })), "{result:?}");
    assert!(
        elapsed >= Duration::from_millis(200) && elapsed < Duration::from_millis(300),
        "stopped after {elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuel_runs_out_before_the_deadline_when_the_budget_is_small() {
    let host = host();
    let looping = host.load("loop", LOOP.as_bytes()).unwrap();
    let budget = CallLimits { fuel: 1_000_000, ..limits(5000) };
    let result = host.call::<(), ()>(&looping, budget, &CallEnv::default(), "run", ()).await;
    assert_eq!(result, Err(PluginError::OutOfFuel { plugin: "loop".into(), budget: 1_000_000 }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_past_the_cap_is_a_memory_error() {
    let host = host();
    let greedy = host.load("greedy", GREEDY.as_bytes()).unwrap();
    let capped = CallLimits { memory_bytes: 16 << 20, ..limits(1000) };
    let result = host.call::<(), ()>(&greedy, capped, &CallEnv::default(), "run", ()).await;
    assert_eq!(result, Err(PluginError::MemoryLimit { plugin: "greedy".into(), limit_bytes: 16 << 20 }));
    // with room, the same plugin succeeds: the cap, not the plugin, made the difference
    let roomy = CallLimits { memory_bytes: 64 << 20, ..limits(1000) };
    assert!(host.call::<(), ()>(&greedy, roomy, &CallEnv::default(), "run", ()).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trap_is_a_trap_error_and_the_next_call_is_unaffected() {
    let host = host();
    let traps = host.load("traps", TRAPS.as_bytes()).unwrap();
    let result = host.call::<(), ()>(&traps, limits(1000), &CallEnv::default(), "run", ()).await;
    match result {
        Err(PluginError::Trap { plugin, message }) => {
            assert_eq!(plugin, "traps");
            assert!(message.contains("unreachable"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let add = host.load("add", ADD.as_bytes()).unwrap();
    assert_eq!(
        host.call::<(u32, u32), (u32,)>(&add, limits(1000), &CallEnv::default(), "add", (1, 2))
            .await
            .unwrap()
            .output,
        (3,)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_component_importing_what_the_host_does_not_offer_is_refused_at_load() {
    let result = host().load("greedy-for-secrets", IMPORTS_UNKNOWN.as_bytes());
    match result {
        Err(PluginError::Invalid { message, .. }) => assert!(message.contains("read-secrets"), "{message}"),
        other => panic!("loaded: {:?}", other.map(|p| p.name().to_owned())),
    }
    assert!(matches!(host().load("garbage", b"not wasm"), Err(PluginError::Invalid { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tenants_loop_does_not_slow_another_tenants_calls() {
    let host = std::sync::Arc::new(host());
    let looping = host.load("tenant-a-loop", LOOP.as_bytes()).unwrap();
    let add = host.load("tenant-b-add", ADD.as_bytes()).unwrap();
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    let mut baseline = vec![];
    for _ in 0..200 {
        baseline.push(
            host.call::<(u32, u32), (u32,)>(&add, limits(1000), &CallEnv::default(), "add", (1, 1))
                .await
                .unwrap()
                .elapsed,
        );
    }
    let spinning = {
        let (host, looping) = (host.clone(), looping.clone());
        // unlimited fuel: the deadline is what stops it
        let budget = CallLimits { fuel: u64::MAX, ..limits(1500) };
        tokio::spawn(
            async move { host.call::<(), ()>(&looping, budget, &CallEnv::default(), "run", ()).await },
        )
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut during = vec![];
    for _ in 0..200 {
        during.push(
            host.call::<(u32, u32), (u32,)>(&add, limits(1000), &CallEnv::default(), "add", (1, 1))
                .await
                .unwrap()
                .elapsed,
        );
    }
    assert!(!spinning.is_finished(), "the loop must still be running while we measure");
    let (before, under_load) = (median(baseline), median(during));
    assert!(
        under_load < before * 3 + Duration::from_millis(1),
        "median call went from {before:?} to {under_load:?} while another tenant's plugin looped"
    );
    let spun = spinning.await.unwrap();
    assert!(matches!(spun, Err(PluginError::Deadline { .. })), "{spun:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compiled_code_is_cached_on_disk_by_component_and_engine() {
    let dir = tempfile::tempdir().unwrap();
    let settings =
        HostSettings { max_instances: 8, cache_dir: Some(dir.path().to_owned()), ..HostSettings::default() };
    let first = PluginHost::new(settings.clone()).unwrap();
    let add = first.load("add", ADD.as_bytes()).unwrap();
    let cached: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert!(cached[0].to_string_lossy().starts_with(add.hash()));
    let second = PluginHost::new(settings).unwrap();
    let again = second.load("add", ADD.as_bytes()).unwrap();
    assert_eq!(
        second
            .call::<(u32, u32), (u32,)>(&again, limits(1000), &CallEnv::default(), "add", (2, 3))
            .await
            .unwrap()
            .output,
        (5,)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installing_checks_the_exports_against_the_manifest() {
    let manifest = |webhooks: bool| {
        maxai_wasm::Manifest::parse(&format!(
            "id = \"texter\"\nversion = \"1.0.0\"\nports = [\"messaging\"]\nwebhooks = {webhooks}\n"
        ))
        .unwrap()
    };
    let host = host();
    match host.install(manifest(true), MESSAGING_ONLY.as_bytes()) {
        Err(PluginError::Invalid { message, .. }) => {
            assert!(message.contains("maxai:ports/webhooks@0.1.0"), "{message}");
            assert!(message.contains("it exports: maxai:ports/messaging@0.1.0"), "{message}");
        }
        other => panic!("installed: {:?}", other.map(|p| p.name().to_owned())),
    }
    // the interface is there, but not the port's functions with the port's types
    match host.install(manifest(false), MESSAGING_ONLY.as_bytes()) {
        Err(PluginError::Invalid { message, .. }) => {
            assert!(message.contains("has no function `get-message-status`"), "{message}")
        }
        other => panic!("installed: {:?}", other.map(|p| p.name().to_owned())),
    }
    assert!(matches!(host.install(manifest(false), ADD.as_bytes()), Err(PluginError::Invalid { .. })));
}
