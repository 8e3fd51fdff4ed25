//! The Twilio plugin: the messaging port over Twilio's Messages API, and Twilio's webhooks.
//!
//! - `send-message` posts a form to `/2010-04-01/Accounts/{account_sid}/Messages.json` (`To`,
//!   `From` or `MessagingServiceSid`, `Body`, one `MediaUrl` per attachment); `get-message-status`
//!   reads `/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json`. The host attaches the
//!   account SID and auth token as basic auth; `account_sid` (required) and `default_from` are
//!   the tenant's configuration. Twilio's Messages API takes no idempotency key, so a retried
//!   send can send twice: the engine's retry policy has to know that.
//! - Webhooks: inbound messages become `messaging.sms.received` and status callbacks
//!   `messaging.sms.status`. `X-Twilio-Signature` is checked with the tenant's auth token,
//!   held by the host under the secret name `auth_token` (or `shared_key` for SharedKey-signed
//!   webhooks); see [`signature`]. Twilio signs no timestamp, so replays are caught by the
//!   gateway's deduplication on `provider_event_id`.

mod api;
mod events;
mod signature;

use maxai_plugin_sdk::{PortResult, Request, config, config_required, crypto, form, webhook};

maxai_plugin_sdk::bindings!("maxai:ports/messaging-adapter");

use exports::maxai::ports::{
    messaging::{self, CallContext, MessageReceipt, SendMessageRequest},
    webhooks::{self, CanonicalEvent, Incoming, WebhookError},
};

const API: &str = "https://api.twilio.com/2010-04-01";

struct Plugin;

/// `https://api.twilio.com/2010-04-01/Accounts/{account_sid}/Messages`.
fn messages_url() -> PortResult<String> {
    let account_sid = config_required("account_sid")?;
    api::checked_sid("account_sid", &account_sid)?;
    Ok(format!("{API}/Accounts/{account_sid}/Messages"))
}

/// Sends a request and reads the message Twilio answers with.
fn message(request: Request) -> PortResult<MessageReceipt> {
    let response = request.send()?;
    if !(200..300).contains(&response.status) {
        return Err(api::error(&response));
    }
    Ok(api::receipt(response.json()?))
}

impl messaging::Guest for Plugin {
    fn send_message(_: CallContext, input: SendMessageRequest) -> PortResult<MessageReceipt> {
        let default_from = config::get("default_from");
        let pairs = api::send_form(&input, default_from.as_deref())?;
        message(Request::post(format!("{}.json", messages_url()?)).form(&pairs))
    }

    fn get_message_status(_: CallContext, id: String) -> PortResult<MessageReceipt> {
        let sid = api::checked_sid("message id", &id)?;
        message(Request::get(format!("{}/{sid}.json", messages_url()?)))
    }
}

impl webhooks::Guest for Plugin {
    fn verify(req: Incoming) -> Result<(), WebhookError> {
        let bad = WebhookError::BadSignature;
        let signature = webhook::header(&req.headers, "x-twilio-signature")
            .ok_or_else(|| bad("missing X-Twilio-Signature".into()))?;
        let signature = signature::decode(signature).map_err(bad)?;
        let settings = webhook::header(&req.headers, "x-twilio-webhooks-signature-settings");
        let (secret, algorithm) = signature::key(settings).map_err(bad)?;
        let content_type = webhook::header(&req.headers, "content-type");
        let params = match signature::body_hash(&req.url) {
            Some(expected) => {
                let actual = maxai_plugin_sdk::hex::encode(crypto::sha256(&req.body));
                if !signature::same(&actual, &expected.to_ascii_lowercase()) {
                    return Err(bad("the body does not match bodySHA256".into()));
                }
                String::new()
            }
            None => signature::form_params(content_type, &req.body).map_err(bad)?,
        };
        let signed = signature::url_variants(&req.url).into_iter().any(|url| {
            crypto::verify_hmac(secret, algorithm, format!("{url}{params}").as_bytes(), &signature)
        });
        if signed { Ok(()) } else { Err(bad("signature does not match".into())) }
    }

    fn normalize(req: Incoming) -> Result<Vec<CanonicalEvent>, WebhookError> {
        let content_type = webhook::header(&req.headers, "content-type");
        if !signature::is_form(content_type) {
            // JSON webhooks (bodySHA256) come from other Twilio products: nothing for this port
            let content_type = content_type.unwrap_or_default();
            maxai_plugin_sdk::info(&format!("twilio: no events in a `{content_type}` webhook"));
            return Ok(vec![]);
        }
        events::normalize(&form::parse(&req.body), &req.received_at).map_err(WebhookError::Malformed)
    }
}

export!(Plugin);
