//! Retell's call webhooks (`{"event": …, "call": {…}}`) as canonical events: `call_started`,
//! `call_ended` and `call_analyzed` become `voice.call.started`, `voice.call.ended` and
//! `voice.call.analyzed`, deduplicated on `<call_id>:<event>`. The opt-in events
//! (`transcript_updated`, `transfer_*`) have no canonical type and give no events.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    api::{self, Call},
    exports::maxai::ports::webhooks::CanonicalEvent,
};

#[derive(Deserialize)]
struct Webhook {
    event: String,
    call: Call,
}

/// The canonical events of a webhook body.
pub fn normalize(body: &[u8], received_at: &str) -> Result<Vec<CanonicalEvent>, String> {
    let webhook: Webhook = maxai_plugin_sdk::from_json("the Retell webhook", body)?;
    let kind = match webhook.event.as_str() {
        "call_started" => "voice.call.started",
        "call_ended" => "voice.call.ended",
        "call_analyzed" => "voice.call.analyzed",
        _ => return Ok(vec![]),
    };
    if webhook.call.call_id.is_empty() {
        return Err("the call has no call_id".into());
    }
    let call = webhook.call;
    let at = match kind {
        "voice.call.started" => call.start_timestamp,
        _ => call.end_timestamp.or(call.start_timestamp),
    };
    Ok(vec![CanonicalEvent {
        type_: kind.into(),
        subject: Some(call.call_id.clone()),
        time: at.map_or_else(|| received_at.to_owned(), maxai_plugin_sdk::time::rfc3339_ms),
        provider_event_id: Some(format!("{}:{}", call.call_id, webhook.event)),
        data: data(call, kind == "voice.call.analyzed").to_string(),
    }])
}

/// The event's data: the port's view of the call, plus what metering and flows use.
fn data(call: Call, analyzed: bool) -> Value {
    let null_if_empty = |v: Value| if v.as_object().is_some_and(|o| o.is_empty()) { Value::Null } else { v };
    let mut data = json!({
        "call_id": call.call_id,
        "call_type": call.call_type,
        "agent_id": call.agent_id,
        "agent_version": call.agent_version,
        "status": api::status_name(api::status(&call.call_status)),
        "provider_status": call.call_status,
        "direction": call.direction,
        "from": call.from_number,
        "to": call.to_number,
        "started_at": call.start_timestamp.map(maxai_plugin_sdk::time::rfc3339_ms),
        "ended_at": call.end_timestamp.map(maxai_plugin_sdk::time::rfc3339_ms),
        "duration_ms": call.duration_ms,
        "disconnection_reason": call.disconnection_reason,
        "transcript": call.transcript,
        "recording_url": call.recording_url,
        "metadata": null_if_empty(call.metadata),
        "variables": null_if_empty(call.retell_llm_dynamic_variables),
        "cost": call.call_cost,
    });
    if analyzed {
        data["analysis"] = call.call_analysis;
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_in_events_give_nothing_and_broken_bodies_are_errors() {
        let body = br#"{"event":"transcript_updated","call":{"call_id":"c1","call_status":"ongoing"}}"#;
        assert!(normalize(body, "2026-11-23T14:05:00Z").unwrap().is_empty());
        assert!(normalize(b"{", "2026-11-23T14:05:00Z").is_err());
        assert!(normalize(br#"{"event":"call_ended"}"#, "2026-11-23T14:05:00Z").is_err());
    }
}
