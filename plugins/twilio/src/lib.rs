//! The twilio plugin (being written).
