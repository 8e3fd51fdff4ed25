//! The port catalog: every operation a flow step can `use:`, with its effect and the JSON
//! Schemas of its input and output.

use poem_openapi::{Enum, Object, OpenApi, payload::Json};
use serde_json::Value;

use super::{ApiTags, BearerAuth};

pub struct PortApi;

/// What an operation does to the world.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum EffectView {
    /// Reads; no side effect.
    Read,
    /// Changes something at the provider.
    Write,
    /// Moves or commits money.
    Financial,
}

/// One operation of a port.
#[derive(Object, Debug)]
pub struct OperationView {
    /// `port.operation`, as written in a flow's `use:`.
    id: String,
    /// The port.
    port: String,
    /// The operation.
    name: String,
    /// What it does to the world.
    effect: EffectView,
    /// One line for people.
    summary: String,
    /// JSON Schema of the input.
    input_schema: Value,
    /// JSON Schema of the output.
    output_schema: Value,
}

impl From<&maxai_ports::catalog::OperationSpec> for OperationView {
    fn from(op: &maxai_ports::catalog::OperationSpec) -> Self {
        use maxai_ports::catalog::Effect;
        OperationView {
            id: op.id.into(),
            port: op.port.into(),
            name: op.name.into(),
            effect: match op.effect {
                Effect::Read => EffectView::Read,
                Effect::Write => EffectView::Write,
                Effect::Financial => EffectView::Financial,
            },
            summary: op.summary.into(),
            input_schema: (op.input_schema)().to_value(),
            output_schema: (op.output_schema)().to_value(),
        }
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Ports")]
impl PortApi {
    /// Lists every port operation with its JSON Schemas (any authenticated caller).
    #[oai(path = "/ports", method = "get")]
    async fn list(&self, _auth: BearerAuth) -> Json<Vec<OperationView>> {
        Json(maxai_ports::catalog::operations().map(Into::into).collect())
    }
}
