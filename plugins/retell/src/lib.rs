//! The retell plugin (being written).
