//! The messaging port: SMS and MMS (Twilio first).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::define_port;

define_port! {
    /// Text messages to and from customers' phones.
    pub trait Messaging = "messaging" {
        Write fn send_message(SendMessage) -> MessageReceipt = "Sends an SMS, or an MMS when media is attached.";
        Read fn get_message_status(GetMessageStatus) -> MessageReceipt = "Gets a sent message's delivery status.";
    }
}

/// Input of `messaging.send_message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// Recipient, E.164.
    pub to: String,
    /// Sender number or messaging service; the connection's default when absent.
    pub from: Option<String>,
    /// The text.
    pub body: String,
    /// Public URLs of media to attach (makes it an MMS).
    #[serde(default)]
    pub media_urls: Vec<String>,
}

/// Input of `messaging.get_message_status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetMessageStatus {
    /// The provider's message id.
    pub id: String,
}

/// Where a message is on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Accepted, waiting to be sent.
    Queued,
    /// Being sent.
    Sending,
    /// Handed to the carrier.
    Sent,
    /// Delivered to the handset.
    Delivered,
    /// The carrier could not deliver it.
    Undelivered,
    /// Refused before sending.
    Failed,
    /// An inbound message.
    Received,
}

/// A message and its status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MessageReceipt {
    /// The provider's id.
    pub id: String,
    /// Its status.
    pub status: MessageStatus,
    /// Billable segments, when known (for metering).
    pub segments: Option<u32>,
    /// The provider's error code, when it failed.
    pub error_code: Option<String>,
}
