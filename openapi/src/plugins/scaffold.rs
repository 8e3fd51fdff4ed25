//! `maxai plugins new`: a new plugin crate in the plugins workspace, made from
//! `examples/plugin-template`: its `Cargo.toml` (as a workspace member), its `plugin.toml` (the
//! chosen port) and a `src/lib.rs` whose every operation is a stub generated from the port's WIT.
//! It refuses a bad name and never overwrites a directory.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, bail};

use maxai_ports::catalog::PORTS;

use super::{build::read_manifest, stubs::plugin_source};

/// Names that are directories of `plugins/` already, for other things.
const RESERVED: [&str; 4] = ["sdk", "dist", "target", "template"];

/// Makes `<dir>/<name>`, a plugin of `port`, and adds it to `<dir>/Cargo.toml`'s members.
/// Returns the new directory.
pub fn scaffold(repo: &Path, dir: &Path, name: &str, port: &str, webhooks: bool) -> anyhow::Result<PathBuf> {
    check_name(name)?;
    if !PORTS.contains(&port) {
        bail!("unknown port `{port}` (known: {})", PORTS.join(", "));
    }
    let wit = repo.join("ports/wit");
    let world_exports_webhooks = std::fs::read_to_string(wit.join("worlds.wit"))
        .with_context(|| format!("{}", wit.display()))?
        .split("world ")
        .find(|world| world.starts_with(&format!("{port}-adapter ")))
        .is_some_and(|world| world.split('}').next().unwrap_or_default().contains("export webhooks;"));
    if webhooks && !world_exports_webhooks {
        bail!(
            "the {port} port's world (maxai:ports/{port}-adapter) does not export webhooks; drop --webhooks"
        );
    }
    let target = dir.join(name);
    if target.exists() {
        bail!("{} already exists: choose another name, or remove it first", target.display());
    }
    let workspace = dir.join("Cargo.toml");
    let workspace_text = std::fs::read_to_string(&workspace)
        .ok()
        .filter(|text| text.contains("[workspace]"))
        .with_context(|| {
            format!(
                "{} is not the plugins workspace (no Cargo.toml with [workspace]); pass --dir plugins",
                dir.display()
            )
        })?;
    let template = repo.join("examples/plugin-template");

    let cargo_toml = cargo_toml(&template, &workspace_text, name)?;
    let plugin_toml = plugin_toml(&template, name, port, webhooks)?;
    let lib = plugin_source(&wit, name, port, webhooks)?;
    let members = add_member(&workspace_text, name)?;

    std::fs::create_dir_all(target.join("src"))
        .with_context(|| format!("cannot create {}", target.display()))?;
    std::fs::write(target.join("Cargo.toml"), cargo_toml)?;
    std::fs::write(target.join("plugin.toml"), plugin_toml)?;
    std::fs::write(target.join("src/lib.rs"), lib)?;
    read_manifest(&target.join("plugin.toml"))?;
    std::fs::write(&workspace, members).with_context(|| format!("{}", workspace.display()))?;
    // rustfmt finds the repository's rustfmt.toml; without rustfmt the file is merely unformatted
    let _ = Command::new("rustfmt").args(["--edition", "2024"]).arg(target.join("src/lib.rs")).status();
    Ok(target)
}

/// A plugin name is an id: lower-case letters, digits and dashes, starting with a letter.
fn check_name(name: &str) -> anyhow::Result<()> {
    let valid = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        bail!(
            "`{name}` is not a plugin name: use lower-case letters, digits and dashes, starting with a letter (acme, acme-crm)"
        );
    }
    if RESERVED.contains(&name) {
        bail!("`{name}` is taken by the plugins workspace; choose another name");
    }
    Ok(())
}

/// The new crate's `Cargo.toml`: the template's package as a member of the plugins workspace (its
/// own `[workspace]` and profile dropped, its dependencies from the workspace's).
fn cargo_toml(template: &Path, workspace: &str, name: &str) -> anyhow::Result<String> {
    let path = template.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let table: toml::Table = toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
    let workspace: toml::Table = toml::from_str(workspace).context("plugins/Cargo.toml")?;
    let shared = workspace.get("workspace").and_then(|w| w.get("dependencies")).and_then(|d| d.as_table());
    let mut dependencies = String::new();
    for dependency in table.get("dependencies").and_then(|d| d.as_table()).into_iter().flat_map(|d| d.keys())
    {
        if !shared.is_some_and(|shared| shared.contains_key(dependency)) {
            bail!(
                "the template depends on `{dependency}`, which plugins/Cargo.toml's [workspace.dependencies] lacks: add it there"
            );
        }
        dependencies.push_str(&format!("{dependency}.workspace = true\n"));
    }
    Ok(format!(
        "[package]\n\
         name = \"maxai-plugin-{name}\"\n\
         version.workspace = true\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         publish.workspace = true\n\
         \n\
         [lib]\n\
         crate-type = [\"cdylib\", \"rlib\"]\n\
         \n\
         [dependencies]\n\
         {dependencies}\
         \n\
         [lints]\n\
         workspace = true\n"
    ))
}

/// The new `plugin.toml`: the template's, with the new id, port and webhooks.
fn plugin_toml(template: &Path, name: &str, port: &str, webhooks: bool) -> anyhow::Result<String> {
    let path = template.join("plugin.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(|line| match line.split('=').next().map(str::trim) {
            Some("id") if !line.starts_with(' ') => format!("id = \"{name}\""),
            Some("ports") => format!("ports = [\"{port}\"]"),
            Some("webhooks") => format!("webhooks = {webhooks}"),
            _ => line.to_owned(),
        })
        .collect();
    Ok(lines.join("\n") + "\n")
}

/// `plugins/Cargo.toml` with `name` added to its `members`.
fn add_member(workspace: &str, name: &str) -> anyhow::Result<String> {
    let start = workspace.find("members").context("plugins/Cargo.toml has no `members`")?;
    let close =
        start + workspace[start..].find(']').context("plugins/Cargo.toml: `members` is not closed")?;
    let before = workspace[..close].trim_end();
    let insert = if before.ends_with('[') {
        format!("\"{name}\"")
    } else if workspace[start..close].contains('\n') {
        let comma = if before.ends_with(',') { "" } else { "," };
        format!("{comma}\n    \"{name}\",\n")
    } else {
        format!(", \"{name}\"")
    };
    let edited = format!("{before}{insert}{}", &workspace[close..]);
    let table: toml::Table = toml::from_str(&edited).context("adding the member to plugins/Cargo.toml")?;
    let listed =
        table["workspace"]["members"].as_array().is_some_and(|m| m.iter().any(|m| m.as_str() == Some(name)));
    if !listed {
        bail!("could not add `{name}` to the members of plugins/Cargo.toml; add it by hand");
    }
    Ok(edited)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::toolchain::Toolchain;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
    }

    /// Copies `from` to `to`, without `target/` directories.
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.path().is_dir() {
                if entry.file_name() != "target" {
                    copy_dir(&entry.path(), &to.join(entry.file_name()));
                }
            } else {
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
    }

    /// A copy of what a scaffold needs: the WIT, the template, and the plugins workspace with
    /// only the SDK as a member (the other plugins are not ours to compile here).
    fn sandbox() -> tempfile::TempDir {
        let sandbox = tempfile::tempdir().unwrap();
        let (repo, root) = (repo(), sandbox.path());
        copy_dir(&repo.join("ports/wit"), &root.join("ports/wit"));
        copy_dir(&repo.join("examples/plugin-template"), &root.join("examples/plugin-template"));
        copy_dir(&repo.join("plugins/sdk"), &root.join("plugins/sdk"));
        std::fs::copy(repo.join("plugins/Cargo.lock"), root.join("plugins/Cargo.lock")).unwrap();
        let workspace = std::fs::read_to_string(repo.join("plugins/Cargo.toml")).unwrap();
        let start = workspace.find("members").unwrap();
        let end = start + workspace[start..].find(']').unwrap() + 1;
        let only_sdk = format!("{}members = [\"sdk\"]{}", &workspace[..start], &workspace[end..]);
        std::fs::write(root.join("plugins/Cargo.toml"), only_sdk).unwrap();
        sandbox
    }

    #[test]
    fn a_new_plugin_joins_the_workspace_with_its_port() {
        let sandbox = sandbox();
        let plugins = sandbox.path().join("plugins");
        let dir = scaffold(sandbox.path(), &plugins, "acme", "crm", true).unwrap();
        let manifest = read_manifest(&dir.join("plugin.toml")).unwrap();
        assert_eq!(
            (manifest.id.as_str(), manifest.ports.as_slice(), manifest.webhooks),
            ("acme", &["crm".to_owned()][..], true)
        );
        let cargo = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(cargo.contains("name = \"maxai-plugin-acme\"") && !cargo.contains("[workspace]"), "{cargo}");
        assert!(cargo.contains("maxai-plugin-sdk.workspace = true"), "{cargo}");
        let workspace = std::fs::read_to_string(plugins.join("Cargo.toml")).unwrap();
        assert!(workspace.contains("members = [\"sdk\", \"acme\"]"), "{workspace}");
        let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
        assert!(lib.contains("impl crm::Guest for Plugin"), "{lib}");
    }

    #[test]
    fn bad_names_existing_directories_and_impossible_webhooks_are_refused() {
        let sandbox = sandbox();
        let plugins = sandbox.path().join("plugins");
        for name in ["Acme", "1acme", "acme_crm", "acme-", "", "sdk"] {
            let error = scaffold(sandbox.path(), &plugins, name, "crm", false).unwrap_err().to_string();
            assert!(error.contains("plugin name") || error.contains("is taken"), "{name}: {error}");
        }
        let error = scaffold(sandbox.path(), &plugins, "sdk2", "fax", false).unwrap_err().to_string();
        assert!(error.contains("unknown port `fax`"), "{error}");
        let error = scaffold(sandbox.path(), &plugins, "acme", "llm", true).unwrap_err().to_string();
        assert!(error.contains("does not export webhooks; drop --webhooks"), "{error}");
        std::fs::create_dir(plugins.join("acme")).unwrap();
        let error = scaffold(sandbox.path(), &plugins, "acme", "crm", false).unwrap_err().to_string();
        assert!(error.contains("already exists"), "{error}");
        let error = scaffold(sandbox.path(), sandbox.path(), "acme", "crm", false).unwrap_err().to_string();
        assert!(error.contains("is not the plugins workspace"), "{error}");
    }

    #[test]
    fn members_are_added_in_either_layout() {
        let one_line = add_member("[workspace]\nmembers = [\"sdk\"]\n", "acme").unwrap();
        assert_eq!(one_line, "[workspace]\nmembers = [\"sdk\", \"acme\"]\n");
        let lines = add_member("[workspace]\nmembers = [\n    \"sdk\",\n]\n", "acme").unwrap();
        assert_eq!(lines, "[workspace]\nmembers = [\n    \"sdk\",\n    \"acme\",\n]\n");
    }

    /// A scaffold of every port compiles for wasm32 (when a toolchain for it is installed).
    #[test]
    fn a_scaffold_of_every_port_compiles() {
        let sandbox = sandbox();
        let Ok(toolchain) = Toolchain::detect(sandbox.path()) else {
            eprintln!("skipped: no toolchain builds for wasm32-unknown-unknown here");
            return;
        };
        let plugins = sandbox.path().join("plugins");
        let mut check = toolchain.cargo_for_target("check");
        for port in PORTS {
            let webhooks = !matches!(port, "llm" | "calendar");
            scaffold(sandbox.path(), &plugins, &format!("acme-{port}"), port, webhooks).unwrap();
            check.args(["-p", &format!("maxai-plugin-acme-{port}")]);
        }
        // a target directory that outlives the sandbox, so later runs are quick
        let target = std::env::var_os("MAXAI_PLUGIN_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("maxai-plugin-scaffold-target"));
        let output = check
            .args(["--offline", "--message-format", "short"])
            .current_dir(&plugins)
            .env("CARGO_TARGET_DIR", target)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "cargo check failed:\n{stderr}");
        let warnings: Vec<&str> = stderr.lines().filter(|line| line.contains("warning")).collect();
        assert!(warnings.is_empty(), "{stderr}");
    }
}
