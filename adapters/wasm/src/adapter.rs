//! A plugin presented as the port traits and as a webhook source. [`PluginAdapter`] implements
//! [`JsonAdapter`], so `ViaJson(adapter)` is a `Crm`, a `Messaging`, … and the engine cannot tell
//! it from a native adapter. Its exports are found and type-checked once, at install.

use std::{collections::BTreeMap, sync::Arc};

use maxai_ports::{
    TenantId,
    adapter::JsonAdapter,
    call::{CallContext, PortError, PortResult},
};
use serde_json::{Map, Value};
use wasmtime::{
    Store,
    component::{
        Component, ComponentExportIndex, ComponentType, Instance, Lift, Lower, Val, types::ComponentItem,
    },
};

use crate::{
    CallEnv, CallLimits, CallReport, Plugin, PluginError, PluginHost,
    host::{CallState, Failure, Invocation},
    manifest::Manifest,
    wit::{InputShape, OutputShape, PORTS},
};

/// The exports of an installed plugin, found once.
#[derive(Debug, Default)]
pub(crate) struct Exports {
    /// Each operation of each declared port, by catalog id.
    operations: BTreeMap<&'static str, ComponentExportIndex>,
    /// `verify` and `normalize` of `webhooks`, when declared.
    webhooks: Option<(ComponentExportIndex, ComponentExportIndex)>,
}

impl Exports {
    /// Finds every export the manifest promises and checks its signature against `ports/wit`.
    pub(crate) fn bind(component: &Component, manifest: &Manifest) -> Result<Self, String> {
        let function = |interface: &str, name: &str| {
            let (_, instance) = component
                .get_export(None, interface)
                .ok_or_else(|| format!("the component does not export `{interface}`"))?;
            match component.get_export(Some(&instance), name) {
                Some((ComponentItem::ComponentFunc(func), index)) => Ok((func, index)),
                _ => Err(format!("`{interface}` has no function `{name}`")),
            }
        };
        let mut exports = Exports::default();
        for (id, operation) in &PORTS.operations {
            let port = id.split('.').next().unwrap_or_default();
            if !manifest.ports.iter().any(|declared| declared == port) {
                continue;
            }
            let (func, index) = function(&operation.interface, &operation.function)?;
            PORTS
                .check(&operation.signature, &func)
                .map_err(|e| format!("`{}` in `{}` {e}", operation.function, operation.interface))?;
            exports.operations.insert(id, index);
        }
        if manifest.webhooks {
            let interface = maxai_ports::catalog::wit_interface("webhooks");
            let mut found = vec![];
            for name in ["verify", "normalize"] {
                let (func, index) = function(&interface, name)?;
                PORTS
                    .check(&PORTS.webhooks[name], &func)
                    .map_err(|e| format!("`{name}` in `{interface}` {e}"))?;
                found.push(index);
            }
            exports.webhooks = Some((found[0], found[1]));
        }
        Ok(exports)
    }
}

/// Gives a call the tenant's configuration, webhook secrets and credentials for a plugin.
#[async_trait::async_trait]
pub trait CallEnvSource: Send + Sync {
    /// What `plugin`'s calls for `tenant` may reach.
    async fn env_for(&self, tenant: TenantId, plugin: &Plugin) -> PortResult<CallEnv>;
}

/// The same environment for every tenant (tests, a single-tenant development setup).
#[async_trait::async_trait]
impl CallEnvSource for CallEnv {
    async fn env_for(&self, _: TenantId, _: &Plugin) -> PortResult<CallEnv> {
        Ok(self.clone())
    }
}

/// Told about every finished call, failed ones included: what it used (fuel for metering), what
/// it logged and which requests it made (a refused one is for the audit log).
pub trait CallObserver: Send + Sync {
    /// One call of `operation` (`crm.upsert_contact`, `webhooks`) for `tenant` ended.
    fn observe(&self, tenant: TenantId, operation: &str, report: &CallReport<()>);
}

/// An installed plugin, bound to the host that runs it and to where its tenants' settings come
/// from.
#[derive(Clone)]
pub struct PluginAdapter {
    host: Arc<PluginHost>,
    plugin: Plugin,
    env: Arc<dyn CallEnvSource>,
    observer: Option<Arc<dyn CallObserver>>,
    limits: CallLimits,
}

impl PluginAdapter {
    /// Binds an installed `plugin` (see [`PluginHost::install`]); its calls get the manifest's
    /// limits.
    pub fn new(host: Arc<PluginHost>, plugin: Plugin, env: Arc<dyn CallEnvSource>) -> Self {
        let limits = plugin.manifest().map(|m| m.limits).unwrap_or_default();
        Self { host, plugin, env, observer: None, limits }
    }

    /// The same plugin with a step's own limits: each may only lower the manifest's (a step can
    /// ask for a shorter deadline, never a longer one).
    pub fn with_step_limits(mut self, step: CallLimits) -> Self {
        self.limits = CallLimits {
            deadline: self.limits.deadline.min(step.deadline),
            fuel: self.limits.fuel.min(step.fuel),
            memory_bytes: self.limits.memory_bytes.min(step.memory_bytes),
        };
        self
    }

    /// Reports every call to `observer`.
    pub fn with_observer(mut self, observer: Arc<dyn CallObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The plugin.
    pub fn plugin(&self) -> &Plugin {
        &self.plugin
    }

    fn observe(&self, tenant: TenantId, operation: &str, usage: &CallReport<()>) {
        if let Some(observer) = &self.observer {
            observer.observe(tenant, operation, usage);
        }
    }

    /// Verifies a webhook request's signature and turns it into canonical events, in one call.
    pub async fn handle_webhook(
        &self,
        tenant: TenantId,
        request: Incoming,
    ) -> Result<Vec<CanonicalEvent>, WebhookRejection> {
        let Some((verify, normalize)) = self.plugin.exports.webhooks else {
            return Err(WebhookRejection::NotASource);
        };
        let env = self.env.env_for(tenant, &self.plugin).await.map_err(WebhookRejection::Env)?;
        let (outcome, usage) =
            self.host.run(&self.plugin, self.limits, &env, WebhookCall { verify, normalize, request }).await;
        self.observe(tenant, "webhooks", &usage);
        let events = outcome.map_err(WebhookRejection::Plugin)?.map_err(|e| match e {
            WebhookError::BadSignature(why) => WebhookRejection::BadSignature(why),
            WebhookError::Malformed(why) => WebhookRejection::Malformed(why),
        })?;
        events
            .into_iter()
            .map(|event| {
                let data = serde_json::from_str(&event.data).map_err(|e| {
                    WebhookRejection::Plugin(PluginError::Trap {
                        plugin: self.plugin.name().into(),
                        message: format!("event `{}` carries data that is not JSON: {e}", event.kind),
                    })
                })?;
                Ok(CanonicalEvent {
                    kind: event.kind,
                    subject: event.subject,
                    time: event.time,
                    data,
                    provider_event_id: event.provider_event_id,
                })
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl JsonAdapter for PluginAdapter {
    async fn call_json(
        &self,
        call: &CallContext,
        operation: &'static str,
        input: Value,
    ) -> PortResult<Value> {
        let (Some(shape), Some(function)) =
            (PORTS.operations.get(operation), self.plugin.exports.operations.get(operation))
        else {
            return Err(PortError::UnknownOperation { operation: operation.into() });
        };
        let invalid = |message: String| PortError::Invalid { message };
        let mut params = vec![call_context(call)];
        match &shape.input {
            InputShape::Record(ty) => params.push(PORTS.to_val(*ty, &input).map_err(invalid)?),
            InputShape::Params(named) => {
                for (name, ty) in named {
                    let key = name.replace('-', "_");
                    let value = input.get(&key).unwrap_or(&Value::Null);
                    params.push(PORTS.to_val(*ty, value).map_err(|e| invalid(format!("`{key}`: {e}")))?);
                }
            }
        }
        let env = self.env.env_for(call.tenant, &self.plugin).await?;
        let (outcome, usage) =
            self.host.run(&self.plugin, self.limits, &env, DynamicCall { function: *function, params }).await;
        self.observe(call.tenant, operation, &usage);
        let wrong = |message: String| PortError::Adapter {
            message: format!("plugin `{}` answered `{operation}` wrongly: {message}", self.plugin.name()),
        };
        match outcome? {
            Val::Result(Ok(Some(ok))) => {
                let value = PORTS.to_json(shape.ok, &ok).map_err(wrong)?;
                Ok(match &shape.output {
                    OutputShape::Record => value,
                    OutputShape::Wrapped(key) => Value::Object(Map::from_iter([(key.clone(), value)])),
                })
            }
            Val::Result(Err(Some(error))) => Err(port_error(*error)),
            other => Err(wrong(format!("{other:?}"))),
        }
    }
}

/// The `call-context` record.
fn call_context(call: &CallContext) -> Val {
    let id = |id: Option<String>| Val::Option(id.map(|id| Box::new(Val::String(id))));
    Val::Record(vec![
        ("tenant".into(), Val::String(call.tenant.to_string())),
        ("client".into(), id(call.client.map(|c| c.to_string()))),
        ("agent".into(), id(call.agent.map(|a| a.to_string()))),
        ("idempotency-key".into(), Val::String(call.idempotency_key.clone())),
    ])
}

/// A `port-error` as the port's error.
fn port_error(error: Val) -> PortError {
    let text = |payload: Option<Box<Val>>| match payload.map(|p| *p) {
        Some(Val::String(message)) => message,
        other => format!("{other:?}"),
    };
    let Val::Variant(case, payload) = error else {
        return PortError::Adapter { message: format!("unreadable port error {error:?}") };
    };
    match case.as_str() {
        "invalid" => PortError::Invalid { message: text(payload) },
        "not-found" => PortError::NotFound { message: text(payload) },
        "unauthorized" => PortError::Unauthorized { message: text(payload) },
        "rate-limited" => PortError::RateLimited {
            retry_after_secs: match payload.map(|p| *p) {
                Some(Val::Option(Some(secs))) => match *secs {
                    Val::U64(secs) => Some(secs),
                    _ => None,
                },
                _ => None,
            },
        },
        "unavailable" => PortError::Unavailable { message: text(payload) },
        "timeout" => PortError::Timeout,
        "provider" => match payload.map(|p| *p) {
            Some(Val::Tuple(pair)) => match pair.as_slice() {
                [Val::U16(status), Val::String(message)] => {
                    PortError::Provider { status: *status, message: message.clone() }
                }
                _ => PortError::Adapter { message: format!("unreadable provider error {pair:?}") },
            },
            other => PortError::Adapter { message: format!("unreadable provider error {other:?}") },
        },
        _ => PortError::Adapter { message: text(payload) },
    }
}

/// One operation's export called with component values.
struct DynamicCall {
    function: ComponentExportIndex,
    params: Vec<Val>,
}

impl Invocation for DynamicCall {
    type Output = Val;

    async fn invoke(self, store: &mut Store<CallState>, instance: Instance) -> Result<Val, Failure> {
        let func = instance
            .get_func(&mut *store, self.function)
            .ok_or_else(|| Failure::Missing("the bound export is gone".into()))?;
        let mut results = [Val::Bool(false)];
        func.call_async(&mut *store, &self.params, &mut results).await.map_err(Failure::Run)?;
        let [result] = results;
        Ok(result)
    }
}

/// A webhook request, as the plugin's `webhooks` interface receives it.
#[derive(Clone, Debug, PartialEq, Eq, ComponentType, Lower)]
#[component(record)]
pub struct Incoming {
    /// `POST`, or `GET` for a verification handshake.
    pub method: String,
    /// The full URL the provider called (Twilio's signature covers it).
    pub url: String,
    /// The request's headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// When the gateway received it, RFC 3339.
    #[component(name = "received-at")]
    pub received_at: String,
}

/// A canonical event a plugin made of a webhook (design §7).
#[derive(Clone, Debug, PartialEq)]
pub struct CanonicalEvent {
    /// `messaging.sms.received`, `voice.call.ended`, …
    pub kind: String,
    /// What it is about (a contact, a call), when the provider says.
    pub subject: Option<String>,
    /// When it happened, RFC 3339.
    pub time: String,
    /// The event's data.
    pub data: Value,
    /// The provider's own id, for deduplication.
    pub provider_event_id: Option<String>,
}

/// Why a webhook request is not accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WebhookRejection {
    /// Missing, malformed or wrong signature, or a stale timestamp (answered 401).
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// The body cannot be read (answered 400).
    #[error("malformed request: {0}")]
    Malformed(String),
    /// The plugin does not declare `webhooks`.
    #[error("this plugin does not receive webhooks")]
    NotASource,
    /// The tenant's settings could not be read.
    #[error("{0}")]
    Env(PortError),
    /// The plugin failed.
    #[error(transparent)]
    Plugin(PluginError),
}

#[derive(ComponentType, Lift)]
#[component(record)]
struct EventVal {
    #[component(name = "type")]
    kind: String,
    subject: Option<String>,
    time: String,
    data: String,
    #[component(name = "provider-event-id")]
    provider_event_id: Option<String>,
}

#[derive(ComponentType, Lift)]
#[component(variant)]
enum WebhookError {
    #[component(name = "bad-signature")]
    BadSignature(String),
    #[component(name = "malformed")]
    Malformed(String),
}

/// `verify`, then `normalize` when the signature holds, on one instance.
struct WebhookCall {
    verify: ComponentExportIndex,
    normalize: ComponentExportIndex,
    request: Incoming,
}

impl Invocation for WebhookCall {
    type Output = Result<Vec<EventVal>, WebhookError>;

    async fn invoke(self, store: &mut Store<CallState>, instance: Instance) -> Result<Self::Output, Failure> {
        let missing = |e: wasmtime::Error| Failure::Missing(format!("{e:#}"));
        let verify = instance
            .get_typed_func::<(&Incoming,), (Result<(), WebhookError>,)>(&mut *store, self.verify)
            .map_err(missing)?;
        let (verified,) = verify.call_async(&mut *store, (&self.request,)).await.map_err(Failure::Run)?;
        if let Err(error) = verified {
            return Ok(Err(error));
        }
        let normalize = instance
            .get_typed_func::<(&Incoming,), (Result<Vec<EventVal>, WebhookError>,)>(
                &mut *store,
                self.normalize,
            )
            .map_err(missing)?;
        let (events,) = normalize.call_async(&mut *store, (&self.request,)).await.map_err(Failure::Run)?;
        Ok(events)
    }
}
