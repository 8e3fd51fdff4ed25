//! The OpenRouter plugin (`plugins/openrouter`): the LLM port against a fake of OpenRouter's chat
//! completions endpoint.
//!
//! The fake answers like OpenRouter: it wants the API key as a bearer token and a JSON body in the
//! OpenAI format, refuses what OpenRouter's API reference does not allow (unknown fields, roles,
//! tool calls whose arguments are not a string, tool messages without `tool_call_id`) with
//! OpenRouter's error body, and answers with the documented completion shape: text, or tool calls
//! with their arguments as JSON text, with `usage` including `cost` in credits.

#[path = "plugins/harness.rs"]
mod harness;

use maxai_ports::{
    call::PortError,
    llm::{ChatMessage, ChatRequest, Llm as _, Role, TokenUsage, ToolCall, ToolDefinition},
};
use maxai_wasm::Credential;
use serde_json::{Value, json};

use harness::{Answer, Env, Fake, Recorded, call, install, ports};

const KEY: &str = "sk-or-v1-5b5c000a0f3e4d2c1b0a99887766554433221100ffeeddccbbaa";
const PATH: &str = "/api/v1/chat/completions";

fn env_with(config: &[(&str, &str)]) -> Env {
    Env {
        credentials: [("openrouter.ai".into(), Credential::Token(KEY.into()))].into(),
        config: config.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        ..Env::default()
    }
}

fn env() -> Env {
    env_with(&[("app_url", "https://salon.example"), ("app_name", "Salon Assistant")])
}

// ---- the fake -------------------------------------------------------------------------------

fn openrouter_error(code: u16, message: &str, metadata: Option<Value>) -> Answer {
    let mut error = json!({ "code": code, "message": message });
    if let Some(metadata) = metadata {
        error["metadata"] = metadata;
    }
    Answer::json(code, json!({ "error": error }))
}

/// What OpenRouter would refuse in a chat completion request, as its 400 message.
fn refusal(body: &Value) -> Option<String> {
    let known = ["model", "messages", "temperature", "max_tokens", "tools", "tool_choice", "stream", "usage"];
    let object = body.as_object()?;
    if let Some(key) = object.keys().find(|k| !known.contains(&k.as_str())) {
        return Some(format!("Unrecognized key: \"{key}\""));
    }
    if !body["model"].is_string() {
        return Some("model: Expected string".into());
    }
    let messages = body["messages"].as_array().filter(|m| !m.is_empty());
    let Some(messages) = messages else { return Some("messages: Expected a non-empty array".into()) };
    messages
        .iter()
        .enumerate()
        .find_map(|(i, m)| message_refusal(m).map(|why| format!("messages[{i}]: {why}")))
        .or_else(|| {
            let tools =
                body.get("tools").map(|t| t.as_array().cloned().unwrap_or_default()).unwrap_or_default();
            tools
                .iter()
                .enumerate()
                .find_map(|(i, t)| tool_refusal(t).map(|why| format!("tools[{i}]: {why}")))
        })
}

fn message_refusal(message: &Value) -> Option<String> {
    let role = message["role"].as_str().unwrap_or_default();
    if !["system", "user", "assistant", "tool"].contains(&role) {
        return Some(format!("invalid role {}", message["role"]));
    }
    let calls = message.get("tool_calls").and_then(Value::as_array);
    let content_ok = message["content"].is_string() || (role == "assistant" && calls.is_some());
    if !content_ok {
        return Some("content: Expected string".into());
    }
    if role == "tool" && !message["tool_call_id"].is_string() {
        return Some("tool_call_id: Required".into());
    }
    calls.into_iter().flatten().find_map(|call| {
        let ok = call["id"].is_string()
            && call["type"] == "function"
            && call["function"]["name"].is_string()
            && call["function"]["arguments"].is_string();
        (!ok).then(|| format!("tool_calls: invalid call {call}"))
    })
}

fn tool_refusal(tool: &Value) -> Option<String> {
    let ok = tool["type"] == "function"
        && tool["function"]["name"].is_string()
        && tool["function"]["parameters"].is_object();
    (!ok).then(|| format!("invalid tool {tool}"))
}

fn completion(model: &str, finish_reason: &str, message: Value, cost: Option<f64>) -> Value {
    let mut usage = json!({
        "prompt_tokens": 194, "completion_tokens": 26, "total_tokens": 220,
        "prompt_tokens_details": { "cached_tokens": 0 }, "completion_tokens_details": { "reasoning_tokens": 0 }
    });
    if let Some(cost) = cost {
        usage["cost"] = json!(cost);
        usage["cost_details"] = json!({ "upstream_inference_cost": null });
    }
    json!({
        "id": "gen-1795442700-Qm3tXk8yPzR1aB2cD4eF",
        "provider": "OpenAI",
        "model": model,
        "object": "chat.completion",
        "created": 1795442700,
        "choices": [{
            "logprobs": null, "finish_reason": finish_reason, "native_finish_reason": finish_reason,
            "index": 0, "message": message
        }],
        "system_fingerprint": "fp_560af6e559",
        "usage": usage
    })
}

/// The model calls `get_weather` unless the conversation already has its result.
fn answer(body: &Value) -> Answer {
    let model = body["model"].as_str().unwrap_or_default();
    let has_result = body["messages"].as_array().is_some_and(|m| m.iter().any(|m| m["role"] == "tool"));
    let message = match (body.get("tools").is_some(), has_result) {
        (true, false) => json!({
            "role": "assistant", "content": "", "refusal": null, "reasoning": null,
            "tool_calls": [{
                "index": 0, "id": "call_Xw2Xoz3Pbla1o7lr3kQ8ThCp", "type": "function",
                "function": { "name": "get_weather", "arguments": "{\"location\":\"Boston, MA\",\"unit\":\"celsius\"}" }
            }]
        }),
        _ => {
            json!({ "role": "assistant", "content": "It is 21 °C and sunny in Boston.", "refusal": null, "reasoning": null })
        }
    };
    let finish = if message["tool_calls"].is_array() { "tool_calls" } else { "stop" };
    let cost = (model != "meta-llama/llama-3.3-70b-instruct:free").then_some(0.00021);
    Answer::json(200, completion(model, finish, message, cost))
}

/// A stand-in for openrouter.ai.
fn openrouter(request: &Recorded) -> Answer {
    if request.header("authorization") != Some(&format!("Bearer {KEY}")) {
        return openrouter_error(401, "No auth credentials found", None);
    }
    if (request.method.as_str(), request.path.as_str()) != ("POST", PATH) {
        return openrouter_error(404, "Not Found", None);
    }
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body: Value = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => return openrouter_error(400, &format!("Invalid JSON: {e}"), None),
    };
    match refusal(&body) {
        Some(why) => openrouter_error(400, &why, None),
        None => answer(&body),
    }
}

fn text(role: Role, content: &str) -> ChatMessage {
    ChatMessage { role, content: content.into(), tool_call_id: None, tool_calls: vec![] }
}

fn weather_tool() -> ToolDefinition {
    ToolDefinition {
        name: "get_weather".into(),
        description: "Current weather at a place".into(),
        parameters: json!({
            "type": "object",
            "properties": { "location": { "type": "string" }, "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] } },
            "required": ["location"]
        }),
    }
}

fn chat(model: &str, messages: Vec<ChatMessage>, tools: Vec<ToolDefinition>) -> ChatRequest {
    ChatRequest { model: model.into(), messages, temperature: None, max_tokens: None, tools }
}

// ---- the port --------------------------------------------------------------------------------

#[tokio::test]
async fn a_text_completion_reports_its_tokens_and_its_cost() {
    let fake = Fake::start(openrouter).await;
    let llm = ports(&install("openrouter", Some(&fake), env()));
    let input = ChatRequest {
        temperature: Some(0.2),
        max_tokens: Some(300),
        ..chat(
            "openai/gpt-4o-mini",
            vec![text(Role::System, "You answer briefly."), text(Role::User, "Weather in Boston?")],
            vec![],
        )
    };
    let response = llm.chat(&call("k1"), input).await.unwrap();
    assert_eq!(response.model, "openai/gpt-4o-mini");
    assert_eq!(response.text.as_deref(), Some("It is 21 °C and sunny in Boston."));
    assert!(response.tool_calls.is_empty());
    assert_eq!(response.finish_reason.as_deref(), Some("stop"));
    assert_eq!(response.usage, TokenUsage { prompt_tokens: 194, completion_tokens: 26, total_tokens: 220 });
    assert_eq!(response.cost_micro_usd, Some(210), "0.00021 credits are 210 millionths of a dollar");

    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", PATH));
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(request.header("http-referer"), Some("https://salon.example"));
    assert_eq!(request.header("x-title"), Some("Salon Assistant"));
    assert_eq!(
        request.json(),
        json!({
            "model": "openai/gpt-4o-mini",
            "messages": [
                { "role": "system", "content": "You answer briefly." },
                { "role": "user", "content": "Weather in Boston?" }
            ],
            "temperature": 0.2,
            "max_tokens": 300
        })
    );
}

#[tokio::test]
async fn tool_calls_go_round_with_their_arguments_as_json() {
    let fake = Fake::start(openrouter).await;
    let llm = ports(&install("openrouter", Some(&fake), env()));
    let question = vec![text(Role::User, "Weather in Boston?")];
    let first = llm
        .chat(&call("k1"), chat("openai/gpt-4o-mini", question.clone(), vec![weather_tool()]))
        .await
        .unwrap();
    assert_eq!(first.text, None, "an empty content is no text");
    assert_eq!(first.finish_reason.as_deref(), Some("tool_calls"));
    let expected_call = ToolCall {
        id: "call_Xw2Xoz3Pbla1o7lr3kQ8ThCp".into(),
        name: "get_weather".into(),
        arguments: json!({ "location": "Boston, MA", "unit": "celsius" }),
    };
    assert_eq!(first.tool_calls, std::slice::from_ref(&expected_call));
    assert_eq!(
        fake.only().json()["tools"],
        json!([{
            "type": "function",
            "function": { "name": "get_weather", "description": "Current weather at a place", "parameters": weather_tool().parameters }
        }])
    );

    let mut conversation = question;
    conversation.push(ChatMessage {
        role: Role::Assistant,
        content: String::new(),
        tool_call_id: None,
        tool_calls: first.tool_calls,
    });
    conversation.push(ChatMessage {
        role: Role::Tool,
        content: r#"{"temperature":21,"sky":"sunny"}"#.into(),
        tool_call_id: Some("call_Xw2Xoz3Pbla1o7lr3kQ8ThCp".into()),
        tool_calls: vec![],
    });
    let second =
        llm.chat(&call("k2"), chat("openai/gpt-4o-mini", conversation, vec![weather_tool()])).await.unwrap();
    assert_eq!(second.text.as_deref(), Some("It is 21 °C and sunny in Boston."));

    let sent = fake.received()[1].json();
    let assistant = &sent["messages"][1];
    assert_eq!(assistant["role"], "assistant");
    assert_eq!(assistant["content"], Value::Null, "an assistant that only calls tools says nothing");
    let call = &assistant["tool_calls"][0];
    assert_eq!(
        (call["id"].clone(), call["type"].clone()),
        (json!("call_Xw2Xoz3Pbla1o7lr3kQ8ThCp"), json!("function"))
    );
    assert_eq!(call["function"]["name"], "get_weather");
    let arguments = call["function"]["arguments"].as_str().expect("arguments are a JSON string");
    assert_eq!(serde_json::from_str::<Value>(arguments).unwrap(), expected_call.arguments);
    assert_eq!(
        sent["messages"][2],
        json!({ "role": "tool", "content": "{\"temperature\":21,\"sky\":\"sunny\"}", "tool_call_id": "call_Xw2Xoz3Pbla1o7lr3kQ8ThCp" })
    );
}

#[tokio::test]
async fn without_configuration_there_are_no_attribution_headers_and_a_free_model_has_no_cost() {
    let fake = Fake::start(openrouter).await;
    let llm = ports(&install("openrouter", Some(&fake), env_with(&[])));
    let input = chat("meta-llama/llama-3.3-70b-instruct:free", vec![text(Role::User, "Hi")], vec![]);
    let response = llm.chat(&call("k"), input).await.unwrap();
    assert_eq!(response.cost_micro_usd, None, "no cost reported, none made up");
    let request = fake.only();
    assert_eq!((request.header("http-referer"), request.header("x-title")), (None, None));
}

#[tokio::test]
async fn a_model_whose_arguments_are_not_json_is_the_adapters_failure() {
    let fake = Fake::start(|request| {
        let message = json!({
            "role": "assistant", "content": null,
            "tool_calls": [{ "id": "call_1", "type": "function", "function": { "name": "get_weather", "arguments": "{\"location\": \"Bost" } }]
        });
        Answer::json(200, completion(request.json()["model"].as_str().unwrap_or_default(), "tool_calls", message, Some(0.0001)))
    })
    .await;
    let llm = ports(&install("openrouter", Some(&fake), env()));
    let result = llm
        .chat(&call("k"), chat("openai/gpt-4o-mini", vec![text(Role::User, "Hi")], vec![weather_tool()]))
        .await;
    assert!(
        matches!(&result, Err(PortError::Adapter { message }) if message.contains("not JSON")),
        "{result:?}"
    );
}

async fn error_for(answer: impl Fn() -> Answer + Send + Sync + 'static) -> PortError {
    let fake = Fake::start(move |_| answer()).await;
    let llm = ports(&install("openrouter", Some(&fake), env()));
    let input = chat("openai/gpt-4o-mini", vec![text(Role::User, "Hi")], vec![]);
    llm.chat(&call("k"), input).await.expect_err("an error")
}

#[tokio::test]
async fn openrouter_errors_become_port_errors() {
    let fake = Fake::start(openrouter).await;
    let wrong_key = Env {
        credentials: [("openrouter.ai".into(), Credential::Token("sk-or-v1-revoked".into()))].into(),
        ..env()
    };
    let llm = ports(&install("openrouter", Some(&fake), wrong_key));
    let refused =
        llm.chat(&call("k"), chat("openai/gpt-4o-mini", vec![text(Role::User, "Hi")], vec![])).await;
    assert_eq!(refused, Err(PortError::Unauthorized { message: "No auth credentials found".into() }));

    let llm = ports(&install("openrouter", Some(&fake), env()));
    let orphan_result =
        ChatMessage { role: Role::Tool, content: "21".into(), tool_call_id: None, tool_calls: vec![] };
    let invalid = llm.chat(&call("k"), chat("openai/gpt-4o-mini", vec![orphan_result], vec![])).await;
    assert_eq!(invalid, Err(PortError::Invalid { message: "messages[0]: tool_call_id: Required".into() }));

    let no_credits = error_for(|| {
        openrouter_error(402, "This request requires more credits, or fewer max_tokens. You requested up to 4096 tokens, but can only afford 1024.", None)
    })
    .await;
    assert!(
        matches!(no_credits, PortError::Provider { status: 402, ref message } if message.contains("more credits")),
        "{no_credits:?}"
    );

    let flagged = error_for(|| {
        let metadata = json!({ "reasons": ["harassment"], "flagged_input": "…", "provider_name": "OpenAI", "model_slug": "openai/gpt-4o-mini" });
        openrouter_error(403, "openai/gpt-4o-mini requires moderation on OpenAI. Your input was flagged for \"harassment\".", Some(metadata))
    })
    .await;
    assert!(
        matches!(flagged, PortError::Provider { status: 403, ref message } if message.ends_with("([\"harassment\"])")),
        "{flagged:?}"
    );

    assert_eq!(error_for(|| openrouter_error(408, "Request timed out", None)).await, PortError::Timeout);
    let limited = error_for(|| {
        openrouter_error(429, "Rate limit exceeded: free-models-per-min.", None)
            .with_header("Retry-After", "7")
    })
    .await;
    assert_eq!(limited, PortError::RateLimited { retry_after_secs: Some(7) });
    let down = error_for(|| {
        openrouter_error(502, "Provider returned error", Some(json!({ "provider_name": "OpenAI" })))
    })
    .await;
    assert_eq!(down, PortError::Unavailable { message: "502: Provider returned error".into() });
    let no_provider =
        error_for(|| openrouter_error(503, "No endpoints found that support tool use.", None)).await;
    assert!(matches!(no_provider, PortError::Unavailable { .. }), "{no_provider:?}");

    // an error while the model was generating comes with status 200
    let midway = error_for(|| {
        Answer::json(200, json!({ "id": "gen-1", "model": "openai/gpt-4o-mini", "choices": [], "error": { "code": 502, "message": "Upstream stream ended unexpectedly" } }))
    })
    .await;
    assert!(
        matches!(midway, PortError::Unavailable { ref message } if message.contains("Upstream")),
        "{midway:?}"
    );
}
