//! The port catalog: every operation of every port with its effect and the JSON Schemas of its
//! input and output. Flows validate `use:` and `with:` against it, the API serves it, the docs
//! list it.
//!
//! Each port is declared once with [`define_port!`], which writes the trait, the port's catalog
//! entries and a JSON dispatcher from the same list, so the three cannot disagree.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

use crate::call::{PortError, PortResult};

/// The WIT package the ports are published as (`ports/wit`); a plugin exports the port `crm` as
/// the interface `maxai:ports/crm@0.1.0`.
pub const WIT_PACKAGE: &str = "maxai:ports@0.1.0";

/// The name a component exports the interface `name` (a port, or `webhooks`) under.
pub fn wit_interface(name: &str) -> String {
    let (package, version) = WIT_PACKAGE.split_once('@').unwrap_or((WIT_PACKAGE, ""));
    format!("{package}/{name}@{version}")
}

/// Every port, in the catalog's order (a plugin's manifest names the ones it implements).
pub const PORTS: [&str; 6] = ["crm", "messaging", "voice", "payments", "llm", "calendar"];

/// What an operation does to the world: flows and approvals treat the three differently (a
/// financial operation may need a supervisor, a read may be retried freely).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Reads; no side effect.
    Read,
    /// Changes something at the provider (a contact, a message sent).
    Write,
    /// Moves or commits money.
    Financial,
}

/// One operation of a port.
#[derive(Clone, Copy, Debug)]
pub struct OperationSpec {
    /// `port.operation`, as written in a flow's `use:`.
    pub id: &'static str,
    /// The port (`crm`, `messaging`, …).
    pub port: &'static str,
    /// The operation (`upsert_contact`, …).
    pub name: &'static str,
    /// What it does to the world.
    pub effect: Effect,
    /// One line for people.
    pub summary: &'static str,
    /// JSON Schema of the input.
    pub input_schema: fn() -> schemars::Schema,
    /// JSON Schema of the output.
    pub output_schema: fn() -> schemars::Schema,
}

/// Every operation of every port, port by port.
pub fn operations() -> impl Iterator<Item = &'static OperationSpec> {
    [
        crate::crm::OPERATIONS,
        crate::messaging::OPERATIONS,
        crate::voice::OPERATIONS,
        crate::payments::OPERATIONS,
        crate::llm::OPERATIONS,
        crate::calendar::OPERATIONS,
    ]
    .into_iter()
    .flatten()
}

/// The operation with this `port.operation` id.
pub fn find(id: &str) -> Option<&'static OperationSpec> {
    operations().find(|op| op.id == id)
}

/// The catalog as a Markdown table, one row per operation (printed in `ports/README.md`).
pub fn markdown() -> String {
    let mut out = String::from("| operation | effect | what it does |\n|---|---|---|\n");
    for op in operations() {
        let effect = match op.effect {
            Effect::Read => "read",
            Effect::Write => "write",
            Effect::Financial => "financial",
        };
        out.push_str(&format!("| `{}` | {effect} | {} |\n", op.id, op.summary));
    }
    out
}

/// Reads an operation's JSON input; a mismatch names the field.
pub fn decode<T: DeserializeOwned>(input: Value) -> PortResult<T> {
    serde_json::from_value(input).map_err(|e| PortError::Invalid { message: e.to_string() })
}

/// Writes an operation's output as JSON.
pub fn encode<T: Serialize>(output: T) -> PortResult<Value> {
    serde_json::to_value(output)
        .map_err(|e| PortError::Adapter { message: format!("unserializable output: {e}") })
}

/// Declares a port: its trait (one async method per operation, each taking the
/// [`CallContext`](crate::call::CallContext) first), its implementation for every
/// [`ViaJson`](crate::adapter::ViaJson) adapter, its `OPERATIONS` for the catalog, and `invoke`,
/// which runs an operation by name on JSON.
macro_rules! define_port {
    (
        $(#[$meta:meta])*
        pub trait $trait:ident = $port:literal {
            $( $effect:ident fn $op:ident($input:ty) -> $output:ty = $summary:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[async_trait::async_trait]
        pub trait $trait: Send + Sync {
            $(
                #[doc = $summary]
                async fn $op(
                    &self,
                    call: &$crate::call::CallContext,
                    input: $input,
                ) -> $crate::call::PortResult<$output>;
            )*
        }

        /// The port's operations, for the catalog.
        pub const OPERATIONS: &[$crate::catalog::OperationSpec] = &[$(
            $crate::catalog::OperationSpec {
                id: concat!($port, ".", stringify!($op)),
                port: $port,
                name: stringify!($op),
                effect: $crate::catalog::Effect::$effect,
                summary: $summary,
                input_schema: || schemars::schema_for!($input),
                output_schema: || schemars::schema_for!($output),
            },
        )*];

        #[async_trait::async_trait]
        impl<A: $crate::adapter::JsonAdapter> $trait for $crate::adapter::ViaJson<A> {
            $(
                async fn $op(
                    &self,
                    call: &$crate::call::CallContext,
                    input: $input,
                ) -> $crate::call::PortResult<$output> {
                    const OPERATION: &str = concat!($port, ".", stringify!($op));
                    let output = self.0.call_json(call, OPERATION, $crate::catalog::encode(input)?).await?;
                    $crate::adapter::decode_output(OPERATION, output)
                }
            )*
        }

        /// Runs the operation `name` of the port on a JSON input and returns its JSON output.
        pub async fn invoke(
            port: &dyn $trait,
            call: &$crate::call::CallContext,
            name: &str,
            input: serde_json::Value,
        ) -> $crate::call::PortResult<serde_json::Value> {
            match name {
                $(stringify!($op) => {
                    let input: $input = $crate::catalog::decode(input)?;
                    $crate::catalog::encode(port.$op(call, input).await?)
                })*
                other => Err($crate::call::PortError::UnknownOperation {
                    operation: format!("{}.{}", $port, other),
                }),
            }
        }
    };
}
pub(crate) use define_port;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_operation_is_listed_once_with_object_schemas() {
        let mut ids = HashSet::new();
        for op in operations() {
            assert!(ids.insert(op.id), "{} twice", op.id);
            assert_eq!(op.id, format!("{}.{}", op.port, op.name));
            for schema in [(op.input_schema)(), (op.output_schema)()] {
                let schema = schema.as_value();
                assert_eq!(schema["type"], "object", "{}: {schema}", op.id);
            }
        }
        assert_eq!(ids.len(), 20);
        let mut ports: Vec<&str> = operations().map(|op| op.port).collect();
        ports.dedup();
        assert_eq!(ports, PORTS, "PORTS lists every port of the catalog, in order");
        assert_eq!(find("crm.upsert_contact").map(|op| op.effect), Some(Effect::Write));
        assert!(find("crm.nothing").is_none());
    }

    #[test]
    fn the_catalog_in_the_readme_matches_the_code() {
        let readme = include_str!("../README.md");
        let table = readme
            .split_once("<!-- port-catalog:start -->\n")
            .and_then(|(_, rest)| rest.split_once("<!-- port-catalog:end -->"))
            .map(|(table, _)| table)
            .expect("ports/README.md has the catalog markers");
        assert_eq!(table.trim(), markdown().trim(), "update the catalog in ports/README.md");
    }

    #[test]
    fn money_moving_operations_are_financial() {
        let financial: Vec<&str> =
            operations().filter(|op| op.effect == Effect::Financial).map(|op| op.id).collect();
        assert_eq!(financial, ["payments.create_checkout", "payments.refund"]);
    }

    #[test]
    fn input_schemas_refuse_unknown_keys_and_name_required_ones() {
        let schema = (find("messaging.send_message").unwrap().input_schema)();
        let schema = schema.as_value();
        assert_eq!(schema["additionalProperties"], false, "{schema}");
        let required: Vec<&str> =
            schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(required, ["to", "body"]);
    }

    /// A messaging port that answers from memory and remembers what it was asked.
    struct InMemoryMessaging(std::sync::Mutex<Vec<(String, crate::messaging::SendMessage)>>);

    #[async_trait::async_trait]
    impl crate::messaging::Messaging for InMemoryMessaging {
        async fn send_message(
            &self,
            call: &crate::call::CallContext,
            input: crate::messaging::SendMessage,
        ) -> PortResult<crate::messaging::MessageReceipt> {
            self.0.lock().unwrap().push((call.idempotency_key.clone(), input));
            Ok(crate::messaging::MessageReceipt {
                id: "SM1".into(),
                status: crate::messaging::MessageStatus::Queued,
                segments: Some(1),
                error_code: None,
            })
        }

        async fn get_message_status(
            &self,
            _: &crate::call::CallContext,
            input: crate::messaging::GetMessageStatus,
        ) -> PortResult<crate::messaging::MessageReceipt> {
            Err(PortError::NotFound { message: input.id })
        }
    }

    #[tokio::test]
    async fn invoke_runs_operations_on_json_and_names_bad_fields() {
        let port = InMemoryMessaging(Default::default());
        let call = crate::call::CallContext {
            tenant: crate::TenantId::new(),
            client: None,
            agent: None,
            idempotency_key: "run-1/step-text".into(),
        };
        let sent = crate::messaging::invoke(
            &port,
            &call,
            "send_message",
            serde_json::json!({ "to": "+15551230000", "body": "We missed your call" }),
        )
        .await
        .unwrap();
        assert_eq!(sent["status"], "queued");
        assert_eq!(port.0.lock().unwrap()[0].0, "run-1/step-text");

        let missing =
            crate::messaging::invoke(&port, &call, "send_message", serde_json::json!({ "body": "x" })).await;
        assert!(
            matches!(&missing, Err(PortError::Invalid { message }) if message.contains("`to`")),
            "{missing:?}"
        );
        let unknown_key = serde_json::json!({ "to": "+1", "body": "x", "priority": "high" });
        let refused = crate::messaging::invoke(&port, &call, "send_message", unknown_key).await;
        assert!(
            matches!(&refused, Err(PortError::Invalid { message }) if message.contains("priority")),
            "{refused:?}"
        );
        let not_found =
            crate::messaging::invoke(&port, &call, "get_message_status", serde_json::json!({ "id": "SM9" }))
                .await;
        assert_eq!(not_found, Err(PortError::NotFound { message: "SM9".into() }));
        let no_such = crate::messaging::invoke(&port, &call, "fax", serde_json::json!({})).await;
        assert_eq!(no_such, Err(PortError::UnknownOperation { operation: "messaging.fax".into() }));
        assert_eq!(port.0.lock().unwrap().len(), 1, "refused inputs reach no adapter");
    }

    /// A JSON adapter that answers every operation with what it is given under its name.
    struct Canned(serde_json::Map<String, Value>);

    #[async_trait::async_trait]
    impl crate::adapter::JsonAdapter for Canned {
        async fn call_json(
            &self,
            call: &crate::call::CallContext,
            operation: &'static str,
            input: Value,
        ) -> PortResult<Value> {
            assert_eq!(call.idempotency_key, "k");
            assert!(input.is_object(), "the input arrives as JSON: {input}");
            self.0.get(operation).cloned().ok_or(PortError::NotFound { message: operation.into() })
        }
    }

    #[tokio::test]
    async fn a_json_adapter_is_every_port_and_a_wrong_answer_is_its_failure() {
        use crate::messaging::Messaging as _;
        let receipt = serde_json::json!({ "id": "SM1", "status": "sent", "segments": 2, "error_code": null });
        let adapter = crate::adapter::ViaJson(Canned(serde_json::Map::from_iter([
            ("messaging.send_message".to_owned(), receipt),
            ("messaging.get_message_status".to_owned(), serde_json::json!({ "id": "SM1", "status": "lost" })),
        ])));
        let call = crate::call::CallContext {
            tenant: crate::TenantId::new(),
            client: None,
            agent: None,
            idempotency_key: "k".into(),
        };
        let input = crate::messaging::SendMessage {
            to: "+15551230000".into(),
            from: None,
            body: "hi".into(),
            media_urls: vec![],
        };
        let sent = adapter.send_message(&call, input).await.unwrap();
        assert_eq!((sent.status, sent.segments), (crate::messaging::MessageStatus::Sent, Some(2)));
        let wrong =
            adapter.get_message_status(&call, crate::messaging::GetMessageStatus { id: "SM1".into() }).await;
        assert!(
            matches!(&wrong, Err(PortError::Adapter { message }) if message.contains("messaging.get_message_status") && message.contains("lost")),
            "{wrong:?}"
        );
    }
}
