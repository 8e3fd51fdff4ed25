//! The voice port: outbound calls by AI voice agents (Retell first).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::define_port;

define_port! {
    /// Phone calls placed and answered by voice agents.
    pub trait Voice = "voice" {
        Write fn create_call(CreateCall) -> Call = "Places an outbound call with a voice agent.";
        Read fn get_call(GetCall) -> Call = "Gets a call with its status and, once ended, its transcript.";
        Read fn list_voice_agents(ListVoiceAgents) -> VoiceAgents = "Lists the voice agents of the account.";
    }
}

/// Input of `voice.create_call`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCall {
    /// The number to call, E.164.
    pub to: String,
    /// The number to call from, E.164.
    pub from: String,
    /// The voice agent; the number's default agent when absent.
    pub agent_id: Option<String>,
    /// Values the agent's prompt can use (`{{first_name}}`).
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Free-form data echoed back in the call's events.
    #[serde(default)]
    pub metadata: BTreeMap<String, Value>,
}

/// Input of `voice.get_call`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetCall {
    /// The provider's call id.
    pub id: String,
}

/// Where a call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// Created, not yet ringing.
    Registered,
    /// In progress.
    Ongoing,
    /// Over.
    Ended,
    /// Could not be placed.
    Error,
}

/// A call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Call {
    /// The provider's id.
    pub id: String,
    /// Its status.
    pub status: CallStatus,
    /// The agent on the call.
    pub agent_id: Option<String>,
    /// Caller, E.164.
    pub from: Option<String>,
    /// Callee, E.164.
    pub to: Option<String>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Its length in milliseconds (for metering).
    pub duration_ms: Option<u64>,
    /// Why it ended (`user_hangup`, `dial_no_answer`, …).
    pub disconnection_reason: Option<String>,
    /// What was said, once it ended.
    pub transcript: Option<String>,
}

/// Input of `voice.list_voice_agents` (none needed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListVoiceAgents {}

/// The account's voice agents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoiceAgents {
    /// The agents.
    pub agents: Vec<VoiceAgent>,
}

/// A voice agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoiceAgent {
    /// The provider's id.
    pub id: String,
    /// Its name.
    pub name: String,
}
