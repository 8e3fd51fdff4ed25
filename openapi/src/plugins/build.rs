//! `maxai plugins build`: cargo builds a plugin crate for `wasm32-unknown-unknown` in release,
//! the module is made a component in-process, the component is installed into a plugin host
//! under its manifest (so one whose exports do not match its declared ports is refused here, not
//! in production), and the component and manifest land in the dist directory with their record.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use maxai_wasm::{HostSettings, Manifest, PluginHost};

use super::{
    dist::{self, Entry},
    source_hash::{find_repo, relative, source_hash},
    toolchain::{TARGET, Toolchain},
};

/// What a build produced.
#[derive(Clone, Debug)]
pub struct Built {
    /// The plugin's id.
    pub id: String,
    /// Where the component was written.
    pub component: PathBuf,
    /// Its record in `manifest.json`.
    pub entry: Entry,
}

impl std::fmt::Display for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {} {} from {}: {} ({} KiB, sha256 {})",
            self.id,
            self.entry.version,
            self.entry.source,
            self.component.display(),
            self.entry.bytes.div_ceil(1024),
            self.entry.component_sha256
        )
    }
}

/// Builds the plugin crate in `dir` into `out`.
pub fn build(dir: &Path, out: &Path) -> anyhow::Result<Built> {
    let manifest_path = dir.join("plugin.toml");
    if !dir.join("Cargo.toml").is_file() || !manifest_path.is_file() {
        bail!(
            "{} is not a plugin: a plugin directory has Cargo.toml and plugin.toml \
             (`maxai plugins new <name> --port <port>` makes one)",
            dir.display()
        );
    }
    let repo = find_repo(dir)?;
    let manifest = read_manifest(&manifest_path)?;
    let toolchain = Toolchain::detect(dir)?;
    let module = cargo_build(toolchain, dir)?;
    let core = std::fs::read(&module).with_context(|| format!("{}", module.display()))?;
    let component = maxai_wasm::componentize(&core).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}\n(a plugin generates its bindings with `maxai_plugin_sdk::bindings!(\"maxai:ports/<port>-adapter\")` \
             and ends with `export!(Plugin);`)",
            module.display()
        )
    })?;
    let id = manifest.id.clone();
    let version = manifest.version.clone();
    verify(manifest, &component)?;

    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let wasm_path = out.join(format!("{id}.wasm"));
    std::fs::write(&wasm_path, &component).with_context(|| format!("{}", wasm_path.display()))?;
    let toml_path = out.join(format!("{id}.toml"));
    std::fs::copy(&manifest_path, &toml_path).with_context(|| format!("{}", toml_path.display()))?;
    let entry = Entry {
        bytes: component.len() as u64,
        component_sha256: dist::sha256(&component),
        source: relative(&repo, dir)?,
        // after the build: cargo may have written the lockfile
        source_sha256: source_hash(&repo, dir)?,
        version,
    };
    let mut record = dist::read_record(out)?;
    record.insert(id.clone(), entry.clone());
    dist::write_record(out, &record)?;
    Ok(Built { id, component: wasm_path, entry })
}

/// Parses a `plugin.toml`, listing every problem.
pub fn read_manifest(path: &Path) -> anyhow::Result<Manifest> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    Manifest::parse(&text).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        anyhow::anyhow!("{} is not a valid plugin manifest:\n{}", path.display(), lines.join("\n"))
    })
}

/// Installs `component` under `manifest` in a plugin host, as the gateway will.
pub fn verify(manifest: Manifest, component: &[u8]) -> anyhow::Result<()> {
    let settings = HostSettings { max_instances: 1, ..HostSettings::default() };
    let host = PluginHost::new(settings)?;
    host.install(manifest, component)?;
    Ok(())
}

/// Runs cargo and returns the path of the core module it built.
fn cargo_build(toolchain: Toolchain, dir: &Path) -> anyhow::Result<PathBuf> {
    let cargo_toml = dir.join("Cargo.toml");
    let status = toolchain
        .cargo_for_target("build")
        .args(["--release", "--lib", "--manifest-path"])
        .arg(&cargo_toml)
        // from the crate's directory, so that its workspace's `.cargo/config.toml` applies
        .current_dir(dir)
        .status()
        .with_context(|| format!("cannot run cargo ({toolchain})"))?;
    if !status.success() {
        bail!("cargo could not build {} for {TARGET} ({toolchain}); its errors are above", dir.display());
    }
    let output = toolchain
        .cargo()
        .args(["metadata", "--format-version", "1", "--no-deps", "--manifest-path"])
        .arg(&cargo_toml)
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).context("cargo metadata")?;
    module_path(&metadata, &cargo_toml.canonicalize()?)
}

/// `<target dir>/wasm32-unknown-unknown/release/<lib name>.wasm` of the package at `cargo_toml`.
fn module_path(metadata: &serde_json::Value, cargo_toml: &Path) -> anyhow::Result<PathBuf> {
    let target_dir =
        metadata["target_directory"].as_str().context("cargo metadata has no target_directory")?;
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["manifest_path"].as_str().is_some_and(|m| Path::new(m) == cargo_toml))
        .with_context(|| format!("cargo metadata does not list {}", cargo_toml.display()))?;
    let lib = package["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "cdylib")))
        .and_then(|t| t["name"].as_str())
        .with_context(|| {
            format!(
                "{} builds no cdylib: add `[lib] crate-type = [\"cdylib\", \"rlib\"]`",
                cargo_toml.display()
            )
        })?;
    Ok(Path::new(target_dir).join(TARGET).join("release").join(format!("{}.wasm", lib.replace('-', "_"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> (Manifest, Vec<u8>) {
        let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/dist");
        let manifest = read_manifest(&dist.join("template.toml")).unwrap();
        (manifest, std::fs::read(dist.join("template.wasm")).unwrap())
    }

    #[test]
    fn the_template_installs_under_its_manifest() {
        let (manifest, component) = template();
        verify(manifest, &component).unwrap();
    }

    #[test]
    fn a_component_that_lacks_a_declared_port_is_refused_with_the_hosts_error() {
        let (mut manifest, component) = template();
        manifest.ports = vec!["messaging".into()];
        let error = verify(manifest, &component).unwrap_err().to_string();
        assert!(
            error.contains("declares maxai:ports/messaging@0.1.0 but the component does not export it"),
            "{error}"
        );
    }

    #[test]
    fn an_invalid_manifest_lists_its_problems() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plugin.toml");
        std::fs::write(&path, "id = \"Acme\"\nversion = \"1\"\nports = [\"fax\"]\n").unwrap();
        let error = read_manifest(&path).unwrap_err().to_string();
        for problem in ["id:", "version:", "ports[0]: unknown port `fax`"] {
            assert!(error.contains(problem), "{error}");
        }
    }

    #[test]
    fn the_module_is_found_under_the_target_directory_by_the_lib_name() {
        let metadata = serde_json::json!({
            "target_directory": "/t",
            "packages": [{
                "manifest_path": "/r/plugins/acme-crm/Cargo.toml",
                "targets": [{ "name": "maxai-plugin-acme-crm", "kind": ["cdylib", "rlib"] }],
            }],
        });
        let path = module_path(&metadata, Path::new("/r/plugins/acme-crm/Cargo.toml")).unwrap();
        assert_eq!(path, Path::new("/t/wasm32-unknown-unknown/release/maxai_plugin_acme_crm.wasm"));
        let error = module_path(&metadata, Path::new("/r/x/Cargo.toml")).unwrap_err().to_string();
        assert!(error.contains("does not list"), "{error}");
    }
}
