//! The gohighlevel plugin (being written).
