//! Adapters that speak JSON, as plugins do: implement [`JsonAdapter::call_json`] once and
//! [`ViaJson`] gives every port trait, so the engine cannot tell such an adapter from a native
//! one.

use serde_json::Value;

use crate::call::{CallContext, PortError, PortResult};

/// An adapter that runs a port operation on its JSON input and answers its JSON output.
#[async_trait::async_trait]
pub trait JsonAdapter: Send + Sync {
    /// Runs `operation` (`crm.upsert_contact`) on `input`, the operation's input as JSON.
    async fn call_json(&self, call: &CallContext, operation: &'static str, input: Value)
    -> PortResult<Value>;
}

/// A [`JsonAdapter`] presented as the port traits: the input is written as JSON and the output
/// read back into the port's types, so an adapter answering the wrong shape fails as the adapter.
pub struct ViaJson<A>(pub A);

/// Reads what an adapter answered for `operation` into the port's output type.
pub fn decode_output<T: serde::de::DeserializeOwned>(operation: &str, output: Value) -> PortResult<T> {
    serde_json::from_value(output).map_err(|e| PortError::Adapter {
        message: format!("the output of `{operation}` does not match the port: {e}"),
    })
}
