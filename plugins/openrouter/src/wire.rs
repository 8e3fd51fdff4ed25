//! OpenRouter's chat completion request and answer as JSON (the OpenAI format), and the port's
//! records to and from it. Tool-call arguments are JSON text on both sides: the port's is parsed
//! and written back out, OpenRouter's is parsed, and text that is not JSON is refused.

use maxai_plugin_sdk::{PortError, PortResult};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::exports::maxai::ports::llm::{
    ChatMessage, ChatRequest, ChatResponse, Role, TokenUsage, ToolCall, ToolDefinition,
};

#[derive(Serialize, Debug)]
pub struct Request {
    model: String,
    messages: Vec<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<Tool>,
}

#[derive(Serialize, Debug)]
struct Message {
    role: &'static str,
    /// Null for an assistant message that only calls tools.
    content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_call_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<WireToolCall>,
}

#[derive(Serialize, Deserialize, Debug)]
struct WireToolCall {
    id: String,
    #[serde(rename = "type", default = "function")]
    kind: String,
    function: FunctionCall,
}

fn function() -> String {
    "function".into()
}

#[derive(Serialize, Deserialize, Debug)]
struct FunctionCall {
    name: String,
    /// A JSON document as a string.
    #[serde(default)]
    arguments: String,
}

#[derive(Serialize, Debug)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    function: FunctionDefinition,
}

#[derive(Serialize, Debug)]
struct FunctionDefinition {
    name: String,
    description: String,
    parameters: Value,
}

/// The body of `POST /api/v1/chat/completions` for a port request.
pub fn request(input: ChatRequest) -> PortResult<Request> {
    Ok(Request {
        model: input.model,
        messages: input.messages.into_iter().map(message).collect::<PortResult<_>>()?,
        temperature: input.temperature,
        max_tokens: input.max_tokens,
        tools: input.tools.into_iter().map(tool).collect::<PortResult<_>>()?,
    })
}

fn message(message: ChatMessage) -> PortResult<Message> {
    let role = match message.role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    };
    let tool_calls: Vec<WireToolCall> =
        message.tool_calls.into_iter().map(outgoing_call).collect::<PortResult<_>>()?;
    let content = match message.content.is_empty() && !tool_calls.is_empty() {
        true => None,
        false => Some(message.content),
    };
    Ok(Message { role, content, tool_call_id: message.tool_call_id, tool_calls })
}

fn outgoing_call(call: ToolCall) -> PortResult<WireToolCall> {
    let arguments = parse_json(&call.arguments).map_err(|e| {
        PortError::Invalid(format!("the arguments of tool call `{}` are not JSON: {e}", call.id))
    })?;
    Ok(WireToolCall {
        id: call.id,
        kind: function(),
        function: FunctionCall { name: call.name, arguments: arguments.to_string() },
    })
}

fn tool(tool: ToolDefinition) -> PortResult<Tool> {
    let parameters = parse_json(&tool.parameters).map_err(|e| {
        PortError::Invalid(format!("the parameters of tool `{}` are not JSON: {e}", tool.name))
    })?;
    Ok(Tool {
        kind: "function",
        function: FunctionDefinition { name: tool.name, description: tool.description, parameters },
    })
}

/// JSON text into a value; empty text is no arguments (`{}`), as some models write it.
fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    match text.trim() {
        "" => Ok(Value::Object(Default::default())),
        text => serde_json::from_str(text),
    }
}

/// OpenRouter's answer.
#[derive(Deserialize, Debug)]
pub struct Response {
    model: String,
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<Usage>,
    /// An error met while the model was generating (the status is then 200).
    pub error: Option<ErrorBody>,
}

#[derive(Deserialize, Debug)]
struct Choice {
    finish_reason: Option<String>,
    message: Option<AnswerMessage>,
    error: Option<ErrorBody>,
}

#[derive(Deserialize, Debug)]
struct AnswerMessage {
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<WireToolCall>,
}

#[derive(Deserialize, Debug, Default)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    total_tokens: u64,
    /// Credits, which are US dollars.
    cost: Option<f64>,
}

/// OpenRouter's error object: `{"code": 402, "message": "…", "metadata": {…}}`.
#[derive(Deserialize, Debug, Default)]
pub struct ErrorBody {
    pub code: Option<Value>,
    pub message: Option<String>,
    pub metadata: Option<Value>,
}

/// The port's answer, or the error OpenRouter put in a 200 answer.
pub fn response(answer: Response) -> Result<ChatResponse, WireError> {
    if let Some(error) = answer.error {
        return Err(WireError::Provider(error));
    }
    let choice =
        answer.choices.into_iter().next().ok_or(WireError::Adapter("the answer has no choices".into()))?;
    if let Some(error) = choice.error {
        return Err(WireError::Provider(error));
    }
    let message = choice.message.ok_or(WireError::Adapter("the answer's choice has no message".into()))?;
    let tool_calls = message.tool_calls.into_iter().map(incoming_call).collect::<Result<_, _>>()?;
    let usage = answer.usage.unwrap_or_default();
    Ok(ChatResponse {
        model: answer.model,
        text: message.content.filter(|text| !text.is_empty()),
        tool_calls,
        finish_reason: choice.finish_reason,
        usage: TokenUsage {
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            total_tokens: usage.total_tokens,
        },
        cost_micro_usd: usage.cost.and_then(micro_usd),
    })
}

/// Why an answer is not a completion.
#[derive(Debug)]
pub enum WireError {
    Provider(ErrorBody),
    Adapter(String),
}

fn incoming_call(call: WireToolCall) -> Result<ToolCall, WireError> {
    let arguments = parse_json(&call.function.arguments).map_err(|e| {
        WireError::Adapter(format!("the model's arguments for `{}` are not JSON: {e}", call.function.name))
    })?;
    Ok(ToolCall { id: call.id, name: call.function.name, arguments: arguments.to_string() })
}

/// Credits (US dollars) in millionths, rounded; none for a cost that is not a finite amount.
pub fn micro_usd(credits: f64) -> Option<u64> {
    let micro = (credits * 1_000_000.0).round();
    (micro.is_finite() && micro >= 0.0 && micro < u64::MAX as f64).then_some(micro as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_in_credits_become_micro_dollars() {
        assert_eq!(micro_usd(0.0000204), Some(20));
        assert_eq!(micro_usd(0.95), Some(950_000));
        assert_eq!(micro_usd(0.0), Some(0));
        assert_eq!(micro_usd(-1.0), None);
        assert_eq!(micro_usd(f64::NAN), None);
    }

    #[test]
    fn arguments_are_json_or_refused() {
        let call = |arguments: &str| WireToolCall {
            id: "call_1".into(),
            kind: "function".into(),
            function: FunctionCall { name: "book".into(), arguments: arguments.into() },
        };
        let parsed = incoming_call(call(r#"{ "day": "mon" }"#)).unwrap();
        assert_eq!(parsed.arguments, r#"{"day":"mon"}"#);
        assert_eq!(incoming_call(call("")).unwrap().arguments, "{}");
        assert!(matches!(incoming_call(call("{day: mon")), Err(WireError::Adapter(_))));
    }
}
