//! The WIT package in `ports/wit/` parses, and its port interfaces have exactly the operations of
//! the Rust catalog (`add_note` in Rust is `add-note` in WIT).

use std::{collections::BTreeSet, path::Path};

use maxai_ports::catalog;

fn package() -> (wit_parser::Resolve, wit_parser::PackageId) {
    let mut resolve = wit_parser::Resolve::default();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("wit");
    let (package, _) = resolve.push_dir(&dir).unwrap_or_else(|e| panic!("ports/wit does not parse: {e:?}"));
    (resolve, package)
}

#[test]
fn the_wit_ports_match_the_rust_catalog() {
    let (resolve, package) = package();
    let package = &resolve.packages[package];
    assert_eq!(package.name.to_string(), catalog::WIT_PACKAGE);
    assert_eq!(catalog::wit_interface("crm"), "maxai:ports/crm@0.1.0");
    let ports: BTreeSet<&str> = catalog::operations().map(|op| op.port).collect();
    for port in ports {
        let interface = package.interfaces.get(port).unwrap_or_else(|| panic!("no WIT interface `{port}`"));
        let in_wit: BTreeSet<String> = resolve.interfaces[*interface].functions.keys().cloned().collect();
        let in_rust: BTreeSet<String> =
            catalog::operations().filter(|op| op.port == port).map(|op| op.name.replace('_', "-")).collect();
        assert_eq!(in_wit, in_rust, "port `{port}`: WIT and Rust disagree");
    }
}

#[test]
fn the_host_offers_http_log_crypto_and_config_and_every_adapter_world_imports_only_that() {
    let (resolve, package) = package();
    let package = &resolve.packages[package];
    for interface in ["http", "log", "crypto", "config", "webhooks", "types"] {
        assert!(package.interfaces.contains_key(interface), "no interface `{interface}`");
    }
    let allowed: BTreeSet<&str> = ["types", "http", "log", "crypto", "config"].into();
    for (name, world) in &package.worlds {
        for key in resolve.worlds[*world].imports.keys() {
            let wit_parser::WorldKey::Interface(id) = key else { continue };
            let imported = resolve.interfaces[*id].name.as_deref().unwrap_or_default();
            assert!(allowed.contains(imported), "world `{name}` imports `{imported}`");
        }
    }
    assert!(package.worlds.contains_key("crm-adapter") && package.worlds.contains_key("webhook-source"));
}
