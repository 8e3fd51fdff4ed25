//! The openrouter plugin (being written).
