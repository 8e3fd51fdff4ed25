//! The calendar port: free slots and bookings (Google Calendar and CRM calendars).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::define_port;

define_port! {
    /// Appointments with the tenant's staff.
    pub trait Calendar = "calendar" {
        Read fn free_slots(FreeSlots) -> Slots = "Lists the free slots of a calendar in a time range.";
        Write fn book_appointment(BookAppointment) -> Appointment = "Books an appointment in a free slot.";
    }
}

/// Input of `calendar.free_slots`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FreeSlots {
    /// The calendar.
    pub calendar_id: String,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// Length of the slot wanted, in minutes.
    pub duration_minutes: u32,
    /// IANA time zone to present slots in (`America/Chicago`); the calendar's when absent.
    pub time_zone: Option<String>,
}

/// Free slots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Slots {
    /// The slots, in time order.
    pub slots: Vec<Slot>,
}

/// A free slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Slot {
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
}

/// Input of `calendar.book_appointment`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookAppointment {
    /// The calendar.
    pub calendar_id: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Title.
    pub title: String,
    /// The CRM contact it is for.
    pub contact_id: Option<String>,
    /// Attendee email, for an invitation.
    pub attendee_email: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// A booked appointment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Appointment {
    /// The provider's id.
    pub id: String,
    /// The calendar.
    pub calendar_id: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// `confirmed`, `tentative` or `cancelled`.
    pub status: String,
}
