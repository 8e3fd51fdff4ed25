//! Turns a plugin's core module, as cargo builds it for `wasm32-unknown-unknown`, into a
//! component: wit-bindgen leaves the plugin's WIT world in a custom section, and
//! `wit-component` wraps the module in the component that world describes.

/// The component of a core module built with wit-bindgen bindings.
pub fn componentize(core_module: &[u8]) -> Result<Vec<u8>, String> {
    if core_module.starts_with(b"\0asm") && core_module.get(4..8) != Some(&[1, 0, 0, 0]) {
        return Err("this is already a component, not a core module".into());
    }
    wit_component::ComponentEncoder::default()
        .module(core_module)
        .and_then(|encoder| encoder.validate(true).encode())
        .map_err(|e| format!("cannot make a component of this module: {e:#}"))
}
