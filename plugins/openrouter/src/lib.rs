//! The OpenRouter plugin: the LLM port on OpenRouter's OpenAI-compatible chat completions
//! (`POST https://openrouter.ai/api/v1/chat/completions`), with the tenant's API key attached by
//! the host as a bearer token. The cost OpenRouter reports (`usage.cost`, in credits, which are
//! US dollars) becomes the port's `cost_micro_usd`. Optional configuration: `app_url` and
//! `app_name`, sent as `HTTP-Referer` and `X-Title` for OpenRouter's app attribution.

mod wire;

use maxai_plugin_sdk::{CallContext, PortError, PortResult, Request, Response, config, request::error_for};

maxai_plugin_sdk::bindings!("maxai:ports/llm-adapter");

use exports::maxai::ports::llm::{self, ChatRequest, ChatResponse};

const CHAT_COMPLETIONS: &str = "https://openrouter.ai/api/v1/chat/completions";

/// How long a completion may take (the host's deadline caps it).
const TIMEOUT_MS: u32 = 55_000;

struct Plugin;

impl llm::Guest for Plugin {
    fn chat(_: CallContext, input: ChatRequest) -> PortResult<ChatResponse> {
        let body = wire::request(input)?;
        let mut request = Request::post(CHAT_COMPLETIONS).json(&body).timeout_ms(TIMEOUT_MS);
        for (key, header) in [("app_url", "HTTP-Referer"), ("app_name", "X-Title")] {
            if let Some(value) = config::get(key).filter(|v| !v.is_empty()) {
                request = request.header(header, value);
            }
        }
        let answer = request.send()?;
        if !(200..300).contains(&answer.status) {
            return Err(http_error(&answer));
        }
        match wire::response(answer.json()?) {
            Ok(response) => Ok(response),
            Err(wire::WireError::Adapter(why)) => Err(PortError::Adapter(why)),
            Err(wire::WireError::Provider(error)) => {
                let status = error.code.as_ref().and_then(|c| c.as_u64()).map_or(502, |c| c as u16);
                Err(port_error(status, None, &error))
            }
        }
    }
}

fn http_error(answer: &Response) -> PortError {
    let retry_after = answer.header("retry-after").and_then(|v| v.trim().parse().ok());
    #[derive(serde::Deserialize)]
    struct Body {
        error: wire::ErrorBody,
    }
    let error = serde_json::from_slice::<Body>(&answer.body).map(|b| b.error).unwrap_or_else(|_| {
        let text = String::from_utf8_lossy(&answer.body).chars().take(300).collect();
        wire::ErrorBody { message: Some(text), ..Default::default() }
    });
    port_error(answer.status, retry_after, &error)
}

/// OpenRouter's documented codes: 400 invalid, 401 bad key, 402 no credits (the provider's
/// refusal: the account needs money, not new credentials), 403 moderation or guardrail (also a
/// refusal), 408 timeout, 429 rate limited, 502 model down, 503 no provider available.
fn port_error(status: u16, retry_after: Option<u64>, error: &wire::ErrorBody) -> PortError {
    let mut message = error.message.clone().unwrap_or_else(|| "OpenRouter refused the request".into());
    if let Some(reasons) = error.metadata.as_ref().and_then(|m| m.get("reasons")) {
        message = format!("{message} ({reasons})");
    }
    match status {
        402 | 403 => PortError::Provider((status, message)),
        408 => PortError::Timeout,
        _ => error_for(status, message, retry_after),
    }
}

export!(Plugin);
