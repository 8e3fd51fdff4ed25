//! Retell's API as the voice port sees it: the body of `POST /v2/create-phone-call`, the call
//! object Retell answers with, the agents of `POST /v2/list-agents`, and Retell's error bodies
//! (`{"status": "error", "message": "…"}`).

use maxai_plugin_sdk::{PortError, PortResult, Response, request};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::exports::maxai::ports::voice::{CallStatus, CreateCallRequest, PhoneCall, VoiceAgent};

/// A call object, as far as the port and the events need it.
#[derive(Debug, Deserialize)]
pub struct Call {
    pub call_id: String,
    pub call_status: String,
    pub call_type: Option<String>,
    pub agent_id: Option<String>,
    pub agent_version: Option<Value>,
    pub direction: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub start_timestamp: Option<i64>,
    pub end_timestamp: Option<i64>,
    pub duration_ms: Option<u64>,
    pub disconnection_reason: Option<String>,
    pub transcript: Option<String>,
    pub recording_url: Option<String>,
    #[serde(default)]
    pub metadata: Value,
    #[serde(default)]
    pub retell_llm_dynamic_variables: Value,
    #[serde(default)]
    pub call_cost: Value,
    #[serde(default)]
    pub call_analysis: Value,
}

/// A page of `POST /v2/list-agents`.
#[derive(Debug, Deserialize)]
pub struct AgentPage {
    pub items: Vec<Agent>,
    #[serde(default)]
    pub has_more: bool,
    pub pagination_key: Option<String>,
}

/// An agent of the list.
#[derive(Debug, Deserialize)]
pub struct Agent {
    pub agent_id: String,
    pub agent_name: Option<String>,
}

impl From<Agent> for VoiceAgent {
    fn from(agent: Agent) -> Self {
        VoiceAgent { name: agent.agent_name.unwrap_or_default(), id: agent.agent_id }
    }
}

/// An id (`call_…`, `agent_…`) checked before it goes into a URL path.
pub fn checked_id<'a>(what: &str, id: &'a str) -> PortResult<&'a str> {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    if (1..=128).contains(&id.len()) && id.bytes().all(plain) {
        Ok(id)
    } else {
        Err(PortError::Invalid(format!("`{id}` is not a Retell {what}")))
    }
}

/// The body of `POST /v2/create-phone-call`. Retell keeps `idempotency_key` for an hour, so a
/// retried step does not place a second call.
pub fn create_body(input: &CreateCallRequest, idempotency_key: &str) -> PortResult<Value> {
    let mut body = Map::new();
    body.insert("from_number".into(), json!(input.from));
    body.insert("to_number".into(), json!(input.to));
    if let Some(agent_id) = input.agent_id.as_deref().filter(|id| !id.is_empty()) {
        body.insert("override_agent_id".into(), json!(agent_id));
    }
    if !input.variables.is_empty() {
        let variables: Map<String, Value> =
            input.variables.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        body.insert("retell_llm_dynamic_variables".into(), Value::Object(variables));
    }
    let metadata = metadata(&input.metadata)?;
    if !metadata.is_empty() {
        body.insert("metadata".into(), Value::Object(metadata));
    }
    if !idempotency_key.is_empty() {
        body.insert("idempotency_key".into(), json!(idempotency_key));
    }
    Ok(Value::Object(body))
}

/// The call's metadata: a JSON object, or nothing.
fn metadata(text: &str) -> PortResult<Map<String, Value>> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        _ => Err(PortError::Invalid("`metadata` must be a JSON object".into())),
    }
}

/// The port's status for one of Retell's.
pub fn status(retell: &str) -> CallStatus {
    match retell {
        "registered" => CallStatus::Registered,
        "ongoing" => CallStatus::Ongoing,
        "ended" => CallStatus::Ended,
        // `not_connected`: the call was never answered or could not be placed
        "error" | "not_connected" => CallStatus::Error,
        other => {
            maxai_plugin_sdk::warn(&format!("retell: unknown call status `{other}`, read as registered"));
            CallStatus::Registered
        }
    }
}

/// The port's name of a status, for events.
pub fn status_name(status: CallStatus) -> &'static str {
    match status {
        CallStatus::Registered => "registered",
        CallStatus::Ongoing => "ongoing",
        CallStatus::Ended => "ended",
        CallStatus::Error => "error",
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

/// The port's call for a call object.
pub fn phone_call(call: Call) -> PhoneCall {
    PhoneCall {
        status: status(&call.call_status),
        id: call.call_id,
        agent_id: non_empty(call.agent_id),
        from: non_empty(call.from_number),
        to: non_empty(call.to_number),
        started_at: call.start_timestamp.map(maxai_plugin_sdk::time::rfc3339_ms),
        ended_at: call.end_timestamp.map(maxai_plugin_sdk::time::rfc3339_ms),
        duration_ms: call.duration_ms,
        disconnection_reason: non_empty(call.disconnection_reason),
        transcript: non_empty(call.transcript),
    }
}

/// The port error for a non-success answer. Retell answers 422 "Cannot find requested asset
/// under given api key" for ids it does not know.
pub fn error(response: &Response) -> PortError {
    let message = request::error_message(&response.body);
    if response.status == 422 && message.to_ascii_lowercase().contains("cannot find") {
        return PortError::NotFound(message);
    }
    let retry_after = response.header("retry-after").and_then(|v| v.trim().parse().ok());
    request::error_for(response.status, message, retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(metadata: &str) -> CreateCallRequest {
        CreateCallRequest {
            to: "+12137774445".into(),
            from: "+14157774444".into(),
            agent_id: None,
            variables: vec![],
            metadata: metadata.into(),
        }
    }

    #[test]
    fn empty_parts_are_left_out_of_the_body() {
        let body = create_body(&request("{}"), "").unwrap();
        assert_eq!(body, json!({ "from_number": "+14157774444", "to_number": "+12137774445" }));
        assert!(matches!(create_body(&request("[1]"), "k"), Err(PortError::Invalid(_))));
    }

    #[test]
    fn ids_go_into_paths_only_when_plain() {
        assert!(checked_id("call id", "call_119c0a8f82b6d3fd5d11e5d3ba8").is_ok());
        assert!(checked_id("call id", "../list-agents").is_err());
    }
}
