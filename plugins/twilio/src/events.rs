//! Twilio's messaging webhooks as canonical events: an inbound message is
//! `messaging.sms.received` (deduplicated on its `MessageSid`), a status callback is
//! `messaging.sms.status` (deduplicated on `MessageSid:MessageStatus`, so that each transition
//! is an event of its own). Twilio's requests carry no time, so events take the time the gateway
//! received them.

use maxai_plugin_sdk::form;
use serde_json::{Value, json};

use crate::{api, exports::maxai::ports::webhooks::CanonicalEvent};

/// The canonical events of a form-encoded webhook; none for requests of other Twilio products
/// (voice calls, say).
pub fn normalize(pairs: &[(String, String)], received_at: &str) -> Result<Vec<CanonicalEvent>, String> {
    let get = |key: &str| form::get(pairs, key).filter(|v| !v.is_empty());
    if get("CallSid").is_some() && get("MessageSid").is_none() {
        return Ok(vec![]);
    }
    let sid = get("MessageSid")
        .or_else(|| get("SmsSid"))
        .ok_or_else(|| "the webhook has no MessageSid".to_owned())?;
    let status = get("MessageStatus").filter(|s| !matches!(*s, "received" | "receiving"));
    let event = match status {
        Some(status) => status_event(pairs, sid, status),
        None => received_event(pairs, sid)?,
    };
    Ok(vec![CanonicalEvent { time: received_at.to_owned(), ..event }])
}

/// A value of the form, as JSON (`null` when absent or empty).
fn field(pairs: &[(String, String)], key: &str) -> Value {
    form::get(pairs, key).filter(|v| !v.is_empty()).map_or(Value::Null, |v| Value::String(v.to_owned()))
}

/// A count of the form, as a JSON number.
fn count(pairs: &[(String, String)], key: &str) -> Value {
    form::get(pairs, key).and_then(|v| v.parse::<u32>().ok()).map_or(Value::Null, Value::from)
}

fn received_event(pairs: &[(String, String)], sid: &str) -> Result<CanonicalEvent, String> {
    let from = form::get(pairs, "From").filter(|v| !v.is_empty()).ok_or("the inbound message has no From")?;
    let media_count = form::get(pairs, "NumMedia").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    let media: Vec<Value> = (0..media_count)
        .map(|i| {
            json!({
                "url": field(pairs, &format!("MediaUrl{i}")),
                "content_type": field(pairs, &format!("MediaContentType{i}")),
            })
        })
        .collect();
    let data = json!({
        "message_sid": sid,
        "account_sid": field(pairs, "AccountSid"),
        "messaging_service_sid": field(pairs, "MessagingServiceSid"),
        "from": from,
        "to": field(pairs, "To"),
        "body": form::get(pairs, "Body").unwrap_or_default(),
        "segments": count(pairs, "NumSegments"),
        "media": media,
        "profile_name": field(pairs, "ProfileName"),
    });
    Ok(CanonicalEvent {
        type_: "messaging.sms.received".into(),
        subject: Some(from.to_owned()),
        time: String::new(),
        data: data.to_string(),
        provider_event_id: Some(sid.to_owned()),
    })
}

fn status_event(pairs: &[(String, String)], sid: &str, status: &str) -> CanonicalEvent {
    let data = json!({
        "message_sid": sid,
        "account_sid": field(pairs, "AccountSid"),
        "messaging_service_sid": field(pairs, "MessagingServiceSid"),
        "status": status_name(status),
        "provider_status": status,
        "error_code": field(pairs, "ErrorCode"),
        "from": field(pairs, "From"),
        "to": field(pairs, "To"),
    });
    CanonicalEvent {
        type_: "messaging.sms.status".into(),
        subject: Some(sid.to_owned()),
        time: String::new(),
        data: data.to_string(),
        provider_event_id: Some(format!("{sid}:{status}")),
    }
}

/// The port's name of a Twilio status (`delivered`, `undelivered`, …).
fn status_name(status: &str) -> &'static str {
    use crate::exports::maxai::ports::messaging::MessageStatus as S;
    match api::status(status) {
        S::Queued => "queued",
        S::Sending => "sending",
        S::Sent => "sent",
        S::Delivered => "delivered",
        S::Undelivered => "undelivered",
        S::Failed => "failed",
        S::Received => "received",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn each_status_transition_is_its_own_event() {
        let sent = pairs(&[("MessageSid", "SM1"), ("MessageStatus", "sent")]);
        let delivered = pairs(&[("MessageSid", "SM1"), ("MessageStatus", "delivered")]);
        let a = normalize(&sent, "2026-11-23T14:05:00Z").unwrap();
        let b = normalize(&delivered, "2026-11-23T14:05:00Z").unwrap();
        assert_eq!(a[0].provider_event_id.as_deref(), Some("SM1:sent"));
        assert_eq!(b[0].provider_event_id.as_deref(), Some("SM1:delivered"));
    }

    #[test]
    fn a_webhook_without_a_message_sid_is_malformed() {
        assert!(normalize(&pairs(&[("Body", "hi")]), "2026-11-23T14:05:00Z").is_err());
        assert!(normalize(&pairs(&[("CallSid", "CA1")]), "2026-11-23T14:05:00Z").unwrap().is_empty());
    }
}
