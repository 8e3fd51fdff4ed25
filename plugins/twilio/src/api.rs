//! Twilio's Messages API as the messaging port sees it: the form a send posts, the message
//! resource Twilio answers with, its statuses, and its error bodies.

use maxai_plugin_sdk::{PortError, PortResult, Response, request};
use serde::Deserialize;
use serde_json::Value;

use crate::exports::maxai::ports::messaging::{MessageReceipt, MessageStatus, SendMessageRequest};

/// A message resource, as far as the port needs it (Twilio writes counts as strings).
#[derive(Debug, Deserialize)]
pub struct Message {
    pub sid: String,
    pub status: String,
    #[serde(default)]
    pub num_segments: Value,
    #[serde(default)]
    pub error_code: Value,
}

/// An error body: `{"code": 21211, "message": "…", "more_info": "…", "status": 400}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    code: Option<u32>,
    message: Option<String>,
}

/// A SID (`AC…`, `SM…`, `MG…`) checked before it goes into a URL path.
pub fn checked_sid<'a>(what: &str, sid: &'a str) -> PortResult<&'a str> {
    if (2..=64).contains(&sid.len()) && sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(sid)
    } else {
        Err(PortError::Invalid(format!("`{sid}` is not a Twilio {what}")))
    }
}

/// The form of `POST …/Messages.json`. A sender starting with `MG` is a messaging service.
pub fn send_form(
    input: &SendMessageRequest,
    default_from: Option<&str>,
) -> PortResult<Vec<(String, String)>> {
    let from = input.from.as_deref().or(default_from).filter(|from| !from.is_empty()).ok_or_else(|| {
        PortError::Invalid("no sender: set `from` or the `default_from` configuration".into())
    })?;
    if input.body.is_empty() && input.media_urls.is_empty() {
        return Err(PortError::Invalid("a message needs a body or media".into()));
    }
    let sender = if from.starts_with("MG") { "MessagingServiceSid" } else { "From" };
    let mut pairs = vec![("To".to_owned(), input.to.clone()), (sender.to_owned(), from.to_owned())];
    if !input.body.is_empty() {
        pairs.push(("Body".to_owned(), input.body.clone()));
    }
    pairs.extend(input.media_urls.iter().map(|url| ("MediaUrl".to_owned(), url.clone())));
    Ok(pairs)
}

/// The port's status for one of Twilio's.
pub fn status(twilio: &str) -> MessageStatus {
    match twilio {
        "accepted" | "scheduled" | "queued" => MessageStatus::Queued,
        "sending" => MessageStatus::Sending,
        // some segments reached the handset and some did not: not a delivery
        "sent" | "partially_delivered" => MessageStatus::Sent,
        "delivered" | "read" => MessageStatus::Delivered,
        "undelivered" => MessageStatus::Undelivered,
        "failed" | "canceled" => MessageStatus::Failed,
        "receiving" | "received" => MessageStatus::Received,
        other => {
            // Twilio adds statuses without notice; a message it answered for is not final
            maxai_plugin_sdk::warn(&format!("twilio: unknown message status `{other}`, read as queued"));
            MessageStatus::Queued
        }
    }
}

/// A number or a numeric string, as Twilio writes `num_segments` and `error_code`.
fn number_text(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// The receipt for a message resource.
pub fn receipt(message: Message) -> MessageReceipt {
    MessageReceipt {
        id: message.sid,
        status: status(&message.status),
        segments: number_text(&message.num_segments).and_then(|n| n.parse().ok()),
        error_code: number_text(&message.error_code),
    }
}

/// The port error for a non-success answer, by Twilio's error code first, then by status.
pub fn error(response: &Response) -> PortError {
    let retry_after = response.header("retry-after").and_then(|v| v.trim().parse().ok());
    let body: Option<ErrorBody> = serde_json::from_slice(&response.body).ok();
    let code = body.as_ref().and_then(|b| b.code);
    let text = body.and_then(|b| b.message).unwrap_or_else(|| request::error_message(&response.body));
    let message = match code {
        Some(code) => format!("{code}: {text}"),
        None => text,
    };
    match code {
        Some(20003) => PortError::Unauthorized(message),
        Some(20404) => PortError::NotFound(message),
        Some(20429) => PortError::RateLimited(retry_after),
        Some(code) if is_invalid_input(code) => PortError::Invalid(message),
        _ => request::error_for(response.status, message, retry_after),
    }
}

/// Codes that say the message itself is wrong: bad or unreachable numbers, opted-out
/// recipients, bodies and media Twilio refuses (the 21xxx range of the Messages API).
fn is_invalid_input(code: u32) -> bool {
    (21201..=21299).contains(&code) || (21401..=21499).contains(&code) || (21601..=21699).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(from: Option<&str>, media: &[&str]) -> SendMessageRequest {
        SendMessageRequest {
            to: "+15558675310".into(),
            from: from.map(Into::into),
            body: "Hi".into(),
            media_urls: media.iter().map(|m| (*m).to_owned()).collect(),
        }
    }

    #[test]
    fn the_sender_is_a_number_or_a_messaging_service() {
        let pairs = send_form(&request(None, &["https://x.test/a.png"]), Some("MG123")).unwrap();
        let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["To", "MessagingServiceSid", "Body", "MediaUrl"]);
        let pairs = send_form(&request(Some("+15017122661"), &[]), Some("MG123")).unwrap();
        assert_eq!(pairs[1], ("From".to_owned(), "+15017122661".to_owned()));
        assert!(matches!(send_form(&request(None, &[]), None), Err(PortError::Invalid(_))));
    }

    #[test]
    fn segments_and_error_codes_are_read_from_strings_or_numbers() {
        let message: Message = serde_json::from_str(
            r#"{"sid":"SM1","status":"undelivered","num_segments":"2","error_code":30003}"#,
        )
        .unwrap();
        let receipt = receipt(message);
        assert_eq!(receipt.segments, Some(2));
        assert_eq!(receipt.error_code.as_deref(), Some("30003"));
        assert!(matches!(receipt.status, MessageStatus::Undelivered));
    }

    #[test]
    fn sids_go_into_paths_only_when_plain() {
        assert!(checked_sid("message id", "SM0123456789abcdef0123456789abcdef").is_ok());
        assert!(checked_sid("message id", "../Calls").is_err());
        assert!(checked_sid("message id", "").is_err());
    }
}
