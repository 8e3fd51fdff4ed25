//! The Retell AI plugin: the voice port over Retell's API, and Retell's call webhooks.
//!
//! - `create-call` is `POST https://api.retellai.com/v2/create-phone-call` (`from_number`,
//!   `to_number`, `override_agent_id`, `retell_llm_dynamic_variables`, `metadata`, and the step's
//!   `idempotency_key`); `get-call` is `GET /v2/get-call/{call_id}`; `list-voice-agents` pages
//!   through `POST /v2/list-agents` filtered to the voice channel. The host attaches the tenant's
//!   API key as a bearer token.
//! - Webhooks: `call_started`, `call_ended`, `call_analyzed` become `voice.call.started`,
//!   `voice.call.ended`, `voice.call.analyzed`. `x-retell-signature` is checked with the tenant's
//!   Retell API key, held by the host under the secret name `api_key`, and refused more than five
//!   minutes from the time of receipt; see [`signature`].

mod api;
mod events;
mod signature;

use maxai_plugin_sdk::{PortResult, Request, crypto, webhook};
use serde_json::json;

maxai_plugin_sdk::bindings!("maxai:ports/voice-adapter");

use exports::maxai::ports::{
    voice::{self, CallContext, CreateCallRequest, PhoneCall, VoiceAgent},
    webhooks::{self, CanonicalEvent, Incoming, WebhookError},
};

const API: &str = "https://api.retellai.com";
/// Agents per page (Retell's maximum), and pages at most: 50,000 agents.
const PAGE_SIZE: u32 = 1000;
const MAX_PAGES: usize = 50;

struct Plugin;

/// Sends a request and reads Retell's answer as `T`.
fn answer<T: serde::de::DeserializeOwned>(request: Request) -> PortResult<T> {
    let response = request.send()?;
    if !(200..300).contains(&response.status) {
        return Err(api::error(&response));
    }
    response.json()
}

impl voice::Guest for Plugin {
    fn create_call(call: CallContext, input: CreateCallRequest) -> PortResult<PhoneCall> {
        let body = api::create_body(&input, &call.idempotency_key)?;
        let created: api::Call = answer(Request::post(format!("{API}/v2/create-phone-call")).json(&body))?;
        Ok(api::phone_call(created))
    }

    fn get_call(_: CallContext, id: String) -> PortResult<PhoneCall> {
        let id = api::checked_id("call id", &id)?;
        Ok(api::phone_call(answer(Request::get(format!("{API}/v2/get-call/{id}")))?))
    }

    fn list_voice_agents(_: CallContext) -> PortResult<Vec<VoiceAgent>> {
        let filter =
            json!({ "filter_criteria": { "channel": { "op": "eq", "type": "string", "value": "voice" } } });
        let mut agents = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let request = Request::post(format!("{API}/v2/list-agents"))
                .query("limit", PAGE_SIZE)
                .query_opt("pagination_key", cursor.as_deref())
                .json(&filter);
            let page: api::AgentPage = answer(request)?;
            agents.extend(page.items.into_iter().map(VoiceAgent::from));
            match page.pagination_key.filter(|key| page.has_more && !key.is_empty()) {
                Some(key) => cursor = Some(key),
                None => return Ok(agents),
            }
        }
        maxai_plugin_sdk::warn(&format!("retell: stopped listing agents after {MAX_PAGES} pages"));
        Ok(agents)
    }
}

impl webhooks::Guest for Plugin {
    fn verify(req: Incoming) -> Result<(), WebhookError> {
        let bad = WebhookError::BadSignature;
        let header = webhook::header(&req.headers, "x-retell-signature")
            .ok_or_else(|| bad("missing x-retell-signature".into()))?;
        let signed = signature::parse(header).map_err(bad)?;
        if !signature::is_fresh(signed.timestamp_ms, &req.received_at) {
            return Err(bad("the signature's timestamp is more than five minutes away".into()));
        }
        let message = signature::signed_message(&req.body, signed.timestamp_ms);
        if crypto::verify_hmac(signature::SECRET, crypto::HmacAlgorithm::Sha256, &message, &signed.digest) {
            Ok(())
        } else {
            Err(bad("signature does not match".into()))
        }
    }

    fn normalize(req: Incoming) -> Result<Vec<CanonicalEvent>, WebhookError> {
        events::normalize(&req.body, &req.received_at).map_err(WebhookError::Malformed)
    }
}

export!(Plugin);
