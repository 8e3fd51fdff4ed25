//! GoHighLevel's webhook events as canonical events. Every payload names its `type`; the ones
//! read here are
//!
//! - `ContactCreate` → `crm.contact.created`, about the contact;
//! - `InboundMessage` → `crm.message.received`, about the contact, whatever the channel (SMS,
//!   call, email, Facebook, …): the channel is `data.channel`, GoHighLevel's `messageType`. A
//!   message that reached GoHighLevel is a CRM conversation's message, and a flow that also
//!   listens to the carrier's own webhooks must not see an SMS twice. GoHighLevel's documentation
//!   shows a call labelled `OutboundMessage` with `direction: inbound`; such an event is read as
//!   an inbound message too;
//! - `AppointmentCreate` → `calendar.appointment.created`, about the appointment's contact.
//!
//! Other types are acknowledged with no event. The event's id for deduplication is the body's
//! `webhookId`, else the message's or record's own id. Its time is when GoHighLevel says the
//! record was added, else the body's `timestamp`, else when the gateway received it, in UTC.

use serde_json::{Map, Value, json};

use crate::exports::maxai::ports::webhooks::{CanonicalEvent, WebhookError};

/// The canonical events of one webhook body.
pub fn normalize(body: &[u8], received_at: &str) -> Result<Vec<CanonicalEvent>, WebhookError> {
    let payload: Value = maxai_plugin_sdk::from_json("the webhook", body).map_err(WebhookError::Malformed)?;
    let Some(kind) = payload.get("type").and_then(Value::as_str) else {
        return Err(WebhookError::Malformed("the webhook has no `type`".into()));
    };
    let event = match kind {
        "ContactCreate" => Some(contact_created(&payload, received_at)),
        "InboundMessage" => Some(message_received(&payload, received_at)),
        "OutboundMessage" if text(&payload, "direction") == Some("inbound") => {
            Some(message_received(&payload, received_at))
        }
        "AppointmentCreate" => Some(appointment_created(&payload, received_at)?),
        _ => None,
    };
    Ok(event.into_iter().collect())
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// `key` of `value`, or JSON null.
fn field(value: &Value, key: &str) -> Value {
    value.get(key).cloned().unwrap_or(Value::Null)
}

/// When it happened: the first of `candidates` that is a time, else when it was received.
fn event_time(candidates: &[Option<&str>], received_at: &str) -> String {
    candidates
        .iter()
        .flatten()
        .find_map(|at| maxai_plugin_sdk::time::utc(at))
        .unwrap_or_else(|| maxai_plugin_sdk::time::utc(received_at).unwrap_or_else(|| received_at.to_owned()))
}

/// `webhookId`, else the record's own id.
fn event_id(payload: &Value, own_id: Option<&str>) -> Option<String> {
    text(payload, "webhookId").or(own_id).map(str::to_owned)
}

/// Custom fields `[{id, value}]` as an object by id, values as GoHighLevel wrote them.
fn custom_fields(payload: &Value) -> Value {
    let fields = payload.get("customFields").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let by_id: Map<String, Value> =
        fields.iter().filter_map(|f| Some((text(f, "id")?.to_owned(), field(f, "value")))).collect();
    Value::Object(by_id)
}

fn contact_created(payload: &Value, received_at: &str) -> CanonicalEvent {
    let id = text(payload, "id");
    let data = json!({
        "contact_id": id,
        "location_id": field(payload, "locationId"),
        "first_name": field(payload, "firstName"),
        "last_name": field(payload, "lastName"),
        "name": field(payload, "name"),
        "email": field(payload, "email"),
        "phone": field(payload, "phone"),
        "tags": payload.get("tags").cloned().unwrap_or_else(|| json!([])),
        "custom_fields": custom_fields(payload),
        "source": field(payload, "source"),
        "company_name": field(payload, "companyName"),
        "assigned_to": field(payload, "assignedTo"),
        "dnd": field(payload, "dnd"),
        "date_added": field(payload, "dateAdded"),
    });
    CanonicalEvent {
        type_: "crm.contact.created".into(),
        subject: id.map(str::to_owned),
        time: event_time(&[text(payload, "dateAdded"), text(payload, "timestamp")], received_at),
        data: data.to_string(),
        provider_event_id: event_id(payload, id),
    }
}

fn message_received(payload: &Value, received_at: &str) -> CanonicalEvent {
    let message_id = text(payload, "messageId").or(text(payload, "emailMessageId"));
    let data = json!({
        "message_id": message_id,
        "conversation_id": field(payload, "conversationId"),
        "contact_id": field(payload, "contactId"),
        "location_id": field(payload, "locationId"),
        "channel": field(payload, "messageType"),
        "direction": field(payload, "direction"),
        "body": field(payload, "body"),
        "content_type": field(payload, "contentType"),
        "status": field(payload, "status"),
        "attachments": payload.get("attachments").cloned().unwrap_or_else(|| json!([])),
        "subject": field(payload, "subject"),
        "from": field(payload, "from"),
        "to": field(payload, "to"),
        "call_duration": field(payload, "callDuration"),
        "call_status": field(payload, "callStatus"),
        "user_id": field(payload, "userId"),
        "conversation_provider_id": field(payload, "conversationProviderId"),
        "date_added": field(payload, "dateAdded"),
    });
    CanonicalEvent {
        type_: "crm.message.received".into(),
        subject: text(payload, "contactId").map(str::to_owned),
        time: event_time(&[text(payload, "dateAdded"), text(payload, "timestamp")], received_at),
        data: data.to_string(),
        provider_event_id: event_id(payload, message_id),
    }
}

fn appointment_created(payload: &Value, received_at: &str) -> Result<CanonicalEvent, WebhookError> {
    let appointment = payload
        .get("appointment")
        .filter(|a| a.is_object())
        .ok_or_else(|| WebhookError::Malformed("AppointmentCreate has no `appointment`".into()))?;
    let id = text(appointment, "id");
    let data = json!({
        "appointment_id": id,
        "calendar_id": field(appointment, "calendarId"),
        "contact_id": field(appointment, "contactId"),
        "location_id": field(payload, "locationId"),
        "title": field(appointment, "title"),
        "status": field(appointment, "appointmentStatus"),
        "start_time": field(appointment, "startTime"),
        "end_time": field(appointment, "endTime"),
        "assigned_user_id": field(appointment, "assignedUserId"),
        "users": appointment.get("users").cloned().unwrap_or_else(|| json!([])),
        "address": field(appointment, "address"),
        "notes": field(appointment, "notes"),
        "source": field(appointment, "source"),
        "group_id": field(appointment, "groupId"),
        "date_added": field(appointment, "dateAdded"),
    });
    Ok(CanonicalEvent {
        type_: "calendar.appointment.created".into(),
        subject: text(appointment, "contactId").map(str::to_owned),
        time: event_time(&[text(appointment, "dateAdded"), text(payload, "timestamp")], received_at),
        data: data.to_string(),
        provider_event_id: event_id(payload, id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_types_are_acknowledged_with_no_event() {
        let events = normalize(br#"{"type":"ContactDelete","id":"c1"}"#, "2025-01-28T14:35:00Z").unwrap();
        assert!(events.is_empty());
        let outbound = br#"{"type":"OutboundMessage","direction":"outbound","contactId":"c1"}"#;
        assert!(normalize(outbound, "2025-01-28T14:35:00Z").unwrap().is_empty());
        assert!(matches!(normalize(b"{}", "2025-01-28T14:35:00Z"), Err(WebhookError::Malformed(_))));
    }
}
