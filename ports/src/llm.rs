//! The LLM port: chat completions with tools, reporting token usage and cost (OpenRouter first).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::define_port;

define_port! {
    /// A large language model behind an OpenAI-compatible chat API.
    pub trait Llm = "llm" {
        Read fn chat(ChatRequest) -> ChatResponse = "Completes a chat: text or tool calls, with token usage and cost.";
    }
}

/// Who says a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Instructions.
    System,
    /// The customer or the flow.
    User,
    /// The model.
    Assistant,
    /// A tool's result.
    Tool,
}

/// A message of the conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatMessage {
    /// Who says it.
    pub role: Role,
    /// What is said.
    pub content: String,
    /// For `tool` messages: the call this answers.
    pub tool_call_id: Option<String>,
    /// For `assistant` messages: the tools it called.
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
}

/// A tool the model may call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolDefinition {
    /// Its name.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// JSON Schema of its arguments.
    pub parameters: Value,
}

/// A call of a tool by the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolCall {
    /// The call's id.
    pub id: String,
    /// The tool.
    pub name: String,
    /// Its arguments.
    pub arguments: Value,
}

/// Input of `llm.chat`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// The model (`anthropic/claude-sonnet-4`, `openai/gpt-4o-mini`).
    pub model: String,
    /// The conversation so far.
    pub messages: Vec<ChatMessage>,
    /// Sampling temperature, 0 to 2.
    pub temperature: Option<f64>,
    /// Most tokens to generate.
    pub max_tokens: Option<u32>,
    /// Tools the model may call.
    #[serde(default)]
    pub tools: Vec<ToolDefinition>,
}

/// Tokens used by a completion (for metering).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TokenUsage {
    /// Tokens read.
    pub prompt_tokens: u64,
    /// Tokens written.
    pub completion_tokens: u64,
    /// Both.
    pub total_tokens: u64,
}

/// Output of `llm.chat`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChatResponse {
    /// The model that answered (it can differ from the one asked, behind a router).
    pub model: String,
    /// The text, unless the model only called tools.
    pub text: Option<String>,
    /// The tools it called.
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    /// Why it stopped (`stop`, `length`, `tool_calls`).
    pub finish_reason: Option<String>,
    /// Tokens used.
    pub usage: TokenUsage,
    /// What it cost in millionths of a US dollar, when the provider reports it.
    pub cost_micro_usd: Option<u64>,
}
