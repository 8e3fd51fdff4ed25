//! `maxai plugins inspect`: what a component exports and imports, which ports it implements and
//! whether it has webhooks, and what the manifest beside it grants (hosts and credential kinds,
//! configuration keys, limits). It reads the component's own type information; it runs nothing.

use std::path::Path;

use anyhow::{Context as _, bail};
use maxai_wasm::{CredentialAttachment, Manifest};
use serde::Serialize;
use wit_parser::{WorldItem, decoding::DecodedWasm};

use super::{build::read_manifest, dist::sha256};

/// What `inspect` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Inspection {
    /// The file.
    pub file: String,
    /// Its size.
    pub bytes: usize,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// The interfaces (and functions) it exports.
    pub exports: Vec<String>,
    /// The interfaces (and functions) it imports.
    pub imports: Vec<String>,
    /// The ports whose interface it exports.
    pub ports: Vec<String>,
    /// Whether it exports `webhooks`.
    pub webhooks: bool,
    /// The manifest beside it (`<id>.toml`), when there is one.
    pub manifest: Option<ManifestSummary>,
}

/// What a manifest grants.
#[derive(Clone, Debug, Serialize)]
pub struct ManifestSummary {
    /// The manifest's file.
    pub file: String,
    /// The plugin's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// The ports it declares.
    pub ports: Vec<String>,
    /// Whether it declares webhooks.
    pub webhooks: bool,
    /// Where it may send requests, and how credentials are attached there.
    pub hosts: Vec<HostGrant>,
    /// Its configuration keys.
    pub config: Vec<ConfigKeySummary>,
    /// Its limits per call.
    pub limits: Limits,
    /// Where the manifest and the component disagree (the host would refuse the install).
    pub mismatches: Vec<String>,
}

/// A host the plugin may call.
#[derive(Clone, Debug, Serialize)]
pub struct HostGrant {
    /// `api.twilio.com`, `*.example.com`.
    pub host: String,
    /// `bearer`, `basic`, `header X-Api-Key`, `query key`, or none.
    pub credential: Option<String>,
}

/// A configuration key.
#[derive(Clone, Debug, Serialize)]
pub struct ConfigKeySummary {
    /// The key.
    pub key: String,
    /// What it is for.
    pub description: String,
    /// Whether a binding must set it.
    pub required: bool,
}

/// Limits per call.
#[derive(Clone, Debug, Serialize)]
pub struct Limits {
    /// Wall-clock deadline.
    pub deadline_ms: u128,
    /// Fuel budget.
    pub fuel: u64,
    /// Memory cap.
    pub memory_mib: usize,
}

/// Inspects the component at `path`.
pub fn inspect(path: &Path) -> anyhow::Result<Inspection> {
    let bytes = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
    if !bytes.starts_with(b"\0asm") {
        bail!("{} is not WebAssembly", path.display());
    }
    if bytes.get(4..8) == Some(&[1, 0, 0, 0]) {
        bail!(
            "{} is a core WebAssembly module, not a component: build plugins with \
             `maxai plugins build <dir>`, which makes the component",
            path.display()
        );
    }
    let DecodedWasm::Component(resolve, world) = wit_parser::decoding::decode(&bytes)
        .with_context(|| format!("{} is not a valid component", path.display()))?
    else {
        bail!("{} is a WIT package, not a component", path.display());
    };
    let world = &resolve.worlds[world];
    let names = |items: &wit_parser::IndexMap<wit_parser::WorldKey, WorldItem>| -> Vec<String> {
        items
            .iter()
            .filter_map(|(key, item)| match item {
                WorldItem::Interface { id, .. } => {
                    Some(resolve.id_of(*id).unwrap_or_else(|| resolve.name_world_key(key)))
                }
                WorldItem::Function(f) => Some(format!("func {}", f.name)),
                WorldItem::Type { .. } => None,
            })
            .collect()
    };
    let exports = names(&world.exports);
    let imports = names(&world.imports);
    let ports: Vec<String> = maxai_ports::catalog::PORTS
        .iter()
        .filter(|port| exports.contains(&maxai_ports::catalog::wit_interface(port)))
        .map(|port| port.to_string())
        .collect();
    let webhooks = exports.contains(&maxai_ports::catalog::wit_interface("webhooks"));
    let manifest = match path.file_stem() {
        Some(stem) => {
            let beside = path.with_file_name(format!("{}.toml", stem.to_string_lossy()));
            if beside.is_file() { Some(summarize(&beside, read_manifest(&beside)?, &exports)) } else { None }
        }
        None => None,
    };
    Ok(Inspection {
        file: path.display().to_string(),
        bytes: bytes.len(),
        sha256: sha256(&bytes),
        exports,
        imports,
        ports,
        webhooks,
        manifest,
    })
}

fn summarize(file: &Path, manifest: Manifest, exports: &[String]) -> ManifestSummary {
    let mismatches = manifest
        .required_exports()
        .into_iter()
        .filter(|name| !exports.contains(name))
        .map(|name| format!("declares {name}, which the component does not export"))
        .collect();
    let hosts = manifest
        .hosts
        .iter()
        .map(|allowed| HostGrant {
            host: allowed.host.clone(),
            credential: allowed.credential.as_ref().map(|credential| match credential {
                CredentialAttachment::Header { name } | CredentialAttachment::Query { name } => {
                    format!("{} {name}", credential.kind())
                }
                CredentialAttachment::Bearer | CredentialAttachment::Basic => credential.kind().to_owned(),
            }),
        })
        .collect();
    let config = manifest
        .config
        .iter()
        .map(|(key, value)| ConfigKeySummary {
            key: key.clone(),
            description: value.description.clone(),
            required: value.required,
        })
        .collect();
    ManifestSummary {
        file: file.display().to_string(),
        id: manifest.id,
        version: manifest.version,
        ports: manifest.ports,
        webhooks: manifest.webhooks,
        hosts,
        config,
        limits: Limits {
            deadline_ms: manifest.limits.deadline.as_millis(),
            fuel: manifest.limits.fuel,
            memory_mib: manifest.limits.memory_bytes >> 20,
        },
        mismatches,
    }
}

impl std::fmt::Display for Inspection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let none = |list: &[String]| if list.is_empty() { "none".to_owned() } else { list.join(", ") };
        writeln!(f, "{}: component, {} bytes, sha256 {}", self.file, self.bytes, self.sha256)?;
        writeln!(f, "ports:    {}", none(&self.ports))?;
        writeln!(f, "webhooks: {}", if self.webhooks { "yes" } else { "no" })?;
        writeln!(f, "exports:")?;
        for name in &self.exports {
            writeln!(f, "  {name}")?;
        }
        writeln!(f, "imports:")?;
        for name in &self.imports {
            writeln!(f, "  {name}")?;
        }
        let Some(m) = &self.manifest else {
            return write!(f, "manifest: none beside it");
        };
        writeln!(f, "manifest: {} ({} {})", m.file, m.id, m.version)?;
        writeln!(f, "  ports:    {}", none(&m.ports))?;
        writeln!(f, "  webhooks: {}", if m.webhooks { "yes" } else { "no" })?;
        writeln!(f, "  hosts:")?;
        for grant in &m.hosts {
            let credential = grant.credential.as_deref().unwrap_or("no credential");
            writeln!(f, "    {} ({credential})", grant.host)?;
        }
        writeln!(f, "  config:")?;
        for key in &m.config {
            let required = if key.required { ", required" } else { "" };
            writeln!(f, "    {}{required}: {}", key.key, key.description)?;
        }
        write!(
            f,
            "  limits:   deadline {} ms, fuel {}, memory {} MiB",
            m.limits.deadline_ms, m.limits.fuel, m.limits.memory_mib
        )?;
        for mismatch in &m.mismatches {
            write!(f, "\n  MISMATCH: {mismatch} (the gateway would refuse to install it)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/dist/template.wasm")
    }

    #[test]
    fn the_template_implements_crm_with_webhooks_and_imports_only_the_host() {
        let inspection = inspect(&template()).unwrap();
        assert_eq!(inspection.ports, ["crm"]);
        assert!(inspection.webhooks);
        assert!(inspection.exports.contains(&"maxai:ports/crm@0.1.0".to_owned()), "{:?}", inspection.exports);
        assert!(
            inspection.imports.iter().all(|name| name.starts_with("maxai:ports/")),
            "{:?}",
            inspection.imports
        );
        let manifest = inspection.manifest.as_ref().unwrap();
        assert_eq!(
            (manifest.id.as_str(), manifest.limits.deadline_ms, manifest.limits.memory_mib),
            ("template", 10_000, 16)
        );
        assert_eq!(manifest.hosts[0].credential.as_deref(), Some("bearer"));
        assert_eq!(manifest.mismatches, Vec::<String>::new());
        let text = inspection.to_string();
        assert!(text.contains("api.example.com (bearer)"), "{text}");
        let json = serde_json::to_value(&inspection).unwrap();
        assert_eq!(json["manifest"]["config"][0]["key"], "base_url");
    }

    #[test]
    fn a_core_module_or_anything_else_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("module.wasm");
        std::fs::write(&module, wat::parse_str("(module)").unwrap()).unwrap();
        let error = inspect(&module).unwrap_err().to_string();
        assert!(error.contains("is a core WebAssembly module, not a component"), "{error}");
        let text = dir.path().join("notes.wasm");
        std::fs::write(&text, "hello").unwrap();
        assert!(inspect(&text).unwrap_err().to_string().contains("is not WebAssembly"));
    }
}
