//! The five provider plugins, run by the host against local servers that check the request
//! shapes each provider documents, and their webhook verifiers against signatures made with each
//! provider's published algorithm.
//!
//! The components come from `plugins/dist/` (or from `MAXAI_PLUGIN_DIR`, where CI puts fresh
//! builds); the requests a plugin makes to its provider go to a local fake through the host's
//! development-mode upstream overrides, so the plugin's code runs unchanged.

mod harness;
mod template;
