//! [`PluginHost`]: the engine (component model, pooling allocator with keep-resident memory,
//! epoch interruption, fuel), the loading of components into [`Plugin`]s, and calls, each in a
//! fresh store and instance.

use std::{
    marker::PhantomData,
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use sha2::{Digest as _, Sha256};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, Trap, UpdateDeadline,
    component::{ComponentNamedList, Instance, InstancePre, Lift, Linker, Lower},
};

use crate::{
    adapter::Exports,
    cache::CodeCache,
    egress::{Egress, EgressSettings, HttpCall},
    error::PluginError,
    imports::{CallEnv, Imports, LogLine},
    limits::{CallLimits, Limiter},
    manifest::Manifest,
};

/// How the host is sized.
#[derive(Clone, Debug)]
pub struct HostSettings {
    /// Plugin instances alive at once (calls in flight), across all tenants.
    pub max_instances: u32,
    /// The largest memory any plugin may be given (each call's cap is at most this).
    pub max_memory_bytes: usize,
    /// How often the deadline clock ticks; a looping plugin is stopped within one tick of its
    /// deadline.
    pub epoch_tick: Duration,
    /// Where compiled components are kept; nothing is kept when absent.
    pub cache_dir: Option<PathBuf>,
    /// Where plugins may send requests.
    pub egress: EgressSettings,
}

impl Default for HostSettings {
    fn default() -> Self {
        Self {
            max_instances: 256,
            max_memory_bytes: 64 << 20,
            epoch_tick: Duration::from_millis(10),
            cache_dir: None,
            egress: EgressSettings::default(),
        }
    }
}

/// What a store holds: the limiter and this call's imports, so nothing can pass between calls or
/// tenants.
pub(crate) struct CallState {
    limiter: Limiter,
    imports: Imports,
}

/// A loaded plugin: its code compiled and linked once, instantiated afresh for every call.
#[derive(Clone)]
pub struct Plugin {
    name: Arc<str>,
    hash: Arc<str>,
    pre: InstancePre<CallState>,
    manifest: Option<Arc<Manifest>>,
    pub(crate) exports: Arc<Exports>,
}

impl Plugin {
    /// The name it was loaded under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// SHA-256 of the component, hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Its manifest, when it was installed with one.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_deref()
    }
}

/// The output of a call and what it used.
#[derive(Debug, Clone, PartialEq)]
pub struct CallReport<R> {
    /// What the export returned.
    pub output: R,
    /// Fuel burned (for metering as compute units).
    pub fuel_used: u64,
    /// Wall-clock time, instantiation included.
    pub elapsed: Duration,
    /// What the plugin logged.
    pub log: Vec<LogLine>,
    /// Every request the plugin sent or tried to send, in order (one per redirect followed).
    /// The caller writes the `Denied` ones to the audit log: this crate has no database.
    pub http: Vec<HttpCall>,
}

impl CallReport<()> {
    /// The report of a call that returned `output`.
    pub fn with_output<R>(self, output: R) -> CallReport<R> {
        CallReport {
            output,
            fuel_used: self.fuel_used,
            elapsed: self.elapsed,
            log: self.log,
            http: self.http,
        }
    }
}

/// Runs plugin components.
pub struct PluginHost {
    engine: Engine,
    linker: Linker<CallState>,
    cache: Option<CodeCache>,
    max_memory_bytes: usize,
    egress: Arc<Egress>,
}

impl PluginHost {
    /// Builds the engine and starts its deadline clock (a thread that stops with the host).
    pub fn new(settings: HostSettings) -> Result<Self, PluginError> {
        let invalid = |message: String| PluginError::Invalid { plugin: "-".into(), message };
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(settings.max_instances)
            .total_core_instances(settings.max_instances * 4)
            .total_memories(settings.max_instances * 2)
            .total_tables(settings.max_instances * 2)
            .total_stacks(settings.max_instances)
            .max_memory_size(settings.max_memory_bytes)
            // reuse memory by memset instead of madvise: 1.5-3.6x more calls per second
            .linear_memory_keep_resident(2 << 20)
            .table_keep_resident(512 << 10);
        let mut config = Config::new();
        config
            .epoch_interruption(true)
            .consume_fuel(true)
            .max_wasm_stack(512 << 10)
            .memory_reservation(settings.max_memory_bytes as u64)
            .memory_guard_size(64 << 10)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(|e| invalid(format!("engine: {e}")))?;
        let ticker = engine.weak();
        let tick = settings.epoch_tick;
        std::thread::Builder::new()
            .name("plugin-deadlines".into())
            .spawn(move || {
                while let Some(engine) = ticker.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(tick);
                }
            })
            .map_err(|e| invalid(format!("deadline clock: {e}")))?;
        let cache = match &settings.cache_dir {
            Some(dir) => Some(
                CodeCache::new(dir, &engine).map_err(|e| invalid(format!("cache {}: {e}", dir.display())))?,
            ),
            None => None,
        };
        let mut linker = Linker::new(&engine);
        crate::imports::link(&mut linker, |state: &mut CallState| &mut state.imports)
            .map_err(|e| invalid(format!("host imports: {e}")))?;
        let egress = Arc::new(Egress::new(settings.egress).map_err(invalid)?);
        Ok(Self { linker, engine, cache, max_memory_bytes: settings.max_memory_bytes, egress })
    }

    /// Compiles (or loads from the cache) and links a component. A component that imports
    /// anything the host does not offer is refused here, before it ever runs.
    pub fn load(&self, name: &str, wasm: &[u8]) -> Result<Plugin, PluginError> {
        let invalid = |message: String| PluginError::Invalid { plugin: name.into(), message };
        let hash = hex::encode(Sha256::digest(wasm));
        let component = match &self.cache {
            Some(cache) => cache.load(&self.engine, wasm, &hash).map(|(component, _)| component),
            None => wasmtime::component::Component::new(&self.engine, wasm),
        }
        .map_err(|e| invalid(format!("{e:#}")))?;
        let pre = self.linker.instantiate_pre(&component).map_err(|e| invalid(format!("{e:#}")))?;
        Ok(Plugin { name: name.into(), hash: hash.into(), pre, manifest: None, exports: Default::default() })
    }

    /// Loads a component under its manifest, refusing it unless it exports every interface the
    /// manifest declares (each port, and `webhooks`) with exactly the functions and types of
    /// `ports/wit`.
    pub fn install(&self, manifest: Manifest, wasm: &[u8]) -> Result<Plugin, PluginError> {
        let mut plugin = self.load(&manifest.id, wasm)?;
        let component = plugin.pre.component().component_type();
        let exported: Vec<&str> = component.exports(&self.engine).map(|(name, _)| name).collect();
        let missing: Vec<String> = manifest
            .required_exports()
            .into_iter()
            .filter(|name| !exported.contains(&name.as_str()))
            .collect();
        if !missing.is_empty() {
            return Err(PluginError::Invalid {
                plugin: manifest.id,
                message: format!(
                    "the manifest declares {} but the component does not export it (it exports: {})",
                    missing.join(", "),
                    if exported.is_empty() { "nothing".to_owned() } else { exported.join(", ") }
                ),
            });
        }
        let exports = Exports::bind(plugin.pre.component(), &manifest)
            .map_err(|message| PluginError::Invalid { plugin: manifest.id.clone(), message })?;
        plugin.exports = Arc::new(exports);
        plugin.manifest = Some(Arc::new(manifest));
        Ok(plugin)
    }

    /// Calls the export `function` of a fresh instance of `plugin` within `limits`, with what
    /// `env` gives its imports.
    pub async fn call<P, R>(
        &self,
        plugin: &Plugin,
        limits: CallLimits,
        env: &CallEnv,
        function: &str,
        params: P,
    ) -> Result<CallReport<R>, PluginError>
    where
        P: ComponentNamedList + Lower + Send + Sync,
        R: ComponentNamedList + Lift + Send + Sync + 'static,
    {
        let (outcome, usage) =
            self.run(plugin, limits, env, TypedCall { function, params, results: PhantomData }).await;
        outcome.map(|output| usage.with_output(output))
    }

    /// Runs `invocation` on a fresh instance of `plugin`: a new store with the memory cap, the
    /// fuel budget and the deadline, and what `env` gives the imports. What the call used (fuel,
    /// log, requests) comes back whether it succeeded or not: a plugin that loops is still
    /// metered, and its refused requests still audited.
    pub(crate) async fn run<I: Invocation>(
        &self,
        plugin: &Plugin,
        limits: CallLimits,
        env: &CallEnv,
        invocation: I,
    ) -> (Result<I::Output, PluginError>, CallReport<()>) {
        let started = Instant::now();
        let memory_bytes = limits.memory_bytes.min(self.max_memory_bytes);
        let imports = Imports::new(
            env.clone(),
            self.egress.clone(),
            plugin.manifest.clone(),
            Some(started + limits.deadline),
        );
        let mut store = Store::new(&self.engine, CallState { limiter: Limiter::new(memory_bytes), imports });
        store.limiter(|state| &mut state.limiter);
        let failed = |message: String| PluginError::Trap { plugin: plugin.name().into(), message };
        // every tick, a call before its deadline yields to the scheduler (so a looping plugin
        // shares its thread) and a call past it is interrupted
        let deadline = started + limits.deadline;
        store.epoch_deadline_callback(move |_| {
            Ok(if Instant::now() >= deadline { UpdateDeadline::Interrupt } else { UpdateDeadline::Yield(1) })
        });
        store.set_epoch_deadline(1);

        let run = async {
            store.set_fuel(limits.fuel).map_err(Failure::Run)?;
            let instance = plugin.pre.instantiate_async(&mut store).await.map_err(Failure::Run)?;
            invocation.invoke(&mut store, instance).await
        };
        // a backstop in case the guest sits in a host call that does not tick
        let outcome = tokio::time::timeout(limits.deadline + Duration::from_millis(250), run).await;
        let deadline_passed =
            || PluginError::Deadline { plugin: plugin.name().into(), deadline: limits.deadline };
        let outcome = match outcome {
            Err(_) => Err(deadline_passed()),
            Ok(Ok(output)) => Ok(output),
            Ok(Err(Failure::Missing(message))) => {
                Err(PluginError::Invalid { plugin: plugin.name().into(), message })
            }
            Ok(Err(Failure::Run(error))) => Err(match error.downcast_ref::<Trap>() {
                Some(Trap::Interrupt) => deadline_passed(),
                Some(Trap::OutOfFuel) => {
                    PluginError::OutOfFuel { plugin: plugin.name().into(), budget: limits.fuel }
                }
                _ if store.data().limiter.refused_memory => {
                    PluginError::MemoryLimit { plugin: plugin.name().into(), limit_bytes: memory_bytes }
                }
                _ => failed(format!("{error:#}")),
            }),
        };
        let usage = CallReport {
            output: (),
            fuel_used: limits.fuel.saturating_sub(store.get_fuel().unwrap_or(limits.fuel)),
            elapsed: started.elapsed(),
            log: std::mem::take(&mut store.data_mut().imports.log),
            http: std::mem::take(&mut store.data_mut().imports.http),
        };
        (outcome, usage)
    }
}

/// What is done with a fresh instance: call one export, typed or dynamically.
pub(crate) trait Invocation: Send {
    /// What the export gives back.
    type Output: Send;

    /// Calls the export on `instance`.
    fn invoke(
        self,
        store: &mut Store<CallState>,
        instance: Instance,
    ) -> impl Future<Output = Result<Self::Output, Failure>> + Send;
}

/// A call of an export by name with statically typed parameters and results.
struct TypedCall<'a, P, R> {
    function: &'a str,
    params: P,
    results: PhantomData<fn() -> R>,
}

impl<P, R> Invocation for TypedCall<'_, P, R>
where
    P: ComponentNamedList + Lower + Send + Sync,
    R: ComponentNamedList + Lift + Send + Sync + 'static,
{
    type Output = R;

    async fn invoke(self, store: &mut Store<CallState>, instance: Instance) -> Result<R, Failure> {
        let func = instance
            .get_typed_func::<P, R>(&mut *store, self.function)
            .map_err(|e| Failure::Missing(format!("{e:#}")))?;
        func.call_async(store, self.params).await.map_err(Failure::Run)
    }
}

/// A call that failed before (`Missing`) or while (`Run`) running the guest.
pub(crate) enum Failure {
    Missing(String),
    Run(wasmtime::Error),
}
