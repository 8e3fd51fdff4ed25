//! The source hash of a plugin: SHA-256 over the files of ours that its build reads (the plugin's
//! directory, the SDK, the WIT package, and its workspace's `Cargo.toml`, lockfile and
//! `.cargo/config.toml`), so `maxai plugins check` tells a stale
//! `plugins/dist` without building anything. Only paths and contents go in, never the toolchain
//! or the machine, so every machine computes the same hash. It does not cover crates.io sources:
//! the lockfile pins those.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::{Context as _, bail};
use sha2::{Digest as _, Sha256};

/// The repository root above `start`: the first directory that holds `ports/wit/worlds.wit`.
pub fn find_repo(start: &Path) -> anyhow::Result<PathBuf> {
    let start = start.canonicalize().with_context(|| format!("{}", start.display()))?;
    start
        .ancestors()
        .find(|dir| dir.join("ports/wit/worlds.wit").is_file())
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "{} is not inside the MaxAI Gateway repository (no ports/wit/worlds.wit above it); \
                 run this from the repository",
                start.display()
            )
        })
}

/// `dir` relative to `repo`, with `/` between components (`plugins/twilio`).
pub fn relative(repo: &Path, dir: &Path) -> anyhow::Result<String> {
    let dir = dir.canonicalize().with_context(|| format!("{}", dir.display()))?;
    let Ok(rest) = dir.strip_prefix(repo) else {
        bail!("{} is outside the repository {}", dir.display(), repo.display());
    };
    Ok(rest.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

/// The root of the workspace the crate in `plugin_dir` builds in: the nearest directory whose
/// `Cargo.toml` has a `[workspace]` table (the crate's own, or `plugins/`). Its lockfile, profiles
/// and `.cargo/config.toml` (the plugins' stack size) shape the build.
pub fn workspace_root(repo: &Path, plugin_dir: &Path) -> anyhow::Result<PathBuf> {
    let plugin_dir = plugin_dir.canonicalize().with_context(|| format!("{}", plugin_dir.display()))?;
    for dir in plugin_dir.ancestors().take_while(|dir| dir.starts_with(repo)) {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else { continue };
        let table: toml::Table = toml::from_str(&text).with_context(|| format!("{}", manifest.display()))?;
        if table.contains_key("workspace") {
            return Ok(dir.to_path_buf());
        }
    }
    bail!("{}: no Cargo.toml with a [workspace] table at or above it", plugin_dir.display())
}

/// Every file that goes into the hash, by path relative to `repo`.
pub fn source_files(repo: &Path, plugin_dir: &Path) -> anyhow::Result<BTreeMap<String, PathBuf>> {
    let mut files = BTreeMap::new();
    let mut add = |path: PathBuf| -> anyhow::Result<()> {
        files.insert(relative(repo, &path)?, path);
        Ok(())
    };
    for path in files_under(plugin_dir)? {
        add(path)?;
    }
    for path in files_under(&repo.join("plugins/sdk"))? {
        add(path)?;
    }
    for path in files_under(&repo.join("ports/wit"))? {
        if path.extension().is_some_and(|ext| ext == "wit") && path.parent() == Some(&repo.join("ports/wit"))
        {
            add(path)?;
        }
    }
    let root = workspace_root(repo, plugin_dir)?;
    for build_file in ["Cargo.toml", "Cargo.lock", ".cargo/config.toml"] {
        if root.join(build_file).is_file() {
            add(root.join(build_file))?;
        }
    }
    Ok(files)
}

/// The source hash of the plugin in `plugin_dir`, hex.
pub fn source_hash(repo: &Path, plugin_dir: &Path) -> anyhow::Result<String> {
    let mut hasher = Sha256::new();
    for (name, path) in source_files(repo, plugin_dir)? {
        let contents = std::fs::read(&path).with_context(|| format!("{}", path.display()))?;
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update((contents.len() as u64).to_le_bytes());
        hasher.update(&contents);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The files under `dir`, skipping `target/` directories.
fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = vec![];
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
            let entry = entry.with_context(|| format!("{}", dir.display()))?;
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    pending.push(path);
                }
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A repository with the parts the hash reads and one plugin of the `plugins` workspace.
    pub(crate) fn fake_repo() -> tempfile::TempDir {
        let repo = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = repo.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("ports/wit/worlds.wit", "package maxai:ports@0.1.0;");
        write("ports/wit/deps/ignored.wit", "not read");
        write("ports/README.md", "not read");
        write("plugins/Cargo.toml", "[workspace]\nmembers = [\"sdk\", \"acme\"]\n");
        write("plugins/Cargo.lock", "# lock\n");
        write("plugins/.cargo/config.toml", "# stack size\n");
        write("plugins/sdk/src/lib.rs", "// sdk");
        write("plugins/acme/Cargo.toml", "[package]\nname = \"maxai-plugin-acme\"\n");
        write("plugins/acme/plugin.toml", "id = \"acme\"\n");
        write("plugins/acme/src/lib.rs", "// acme");
        write("plugins/acme/target/release/x.wasm", "built");
        repo
    }

    #[test]
    fn the_hash_covers_the_plugin_the_sdk_the_wit_and_the_workspaces_build_files() {
        let dir = fake_repo();
        let repo = find_repo(dir.path()).unwrap();
        let files: Vec<String> =
            source_files(&repo, &repo.join("plugins/acme")).unwrap().into_keys().collect();
        assert_eq!(
            files,
            [
                "plugins/.cargo/config.toml",
                "plugins/Cargo.lock",
                "plugins/Cargo.toml",
                "plugins/acme/Cargo.toml",
                "plugins/acme/plugin.toml",
                "plugins/acme/src/lib.rs",
                "plugins/sdk/src/lib.rs",
                "ports/wit/worlds.wit"
            ]
        );
    }

    #[test]
    fn the_hash_changes_with_any_source_and_nothing_else() {
        let dir = fake_repo();
        let repo = find_repo(dir.path()).unwrap();
        let acme = repo.join("plugins/acme");
        let before = source_hash(&repo, &acme).unwrap();
        assert_eq!(before, source_hash(&repo, &acme).unwrap());
        std::fs::write(acme.join("target/release/x.wasm"), "rebuilt").unwrap();
        std::fs::write(repo.join("ports/README.md"), "edited").unwrap();
        assert_eq!(before, source_hash(&repo, &acme).unwrap(), "build output and docs are not sources");
        for changed in [
            "plugins/sdk/src/lib.rs",
            "ports/wit/worlds.wit",
            "plugins/Cargo.lock",
            "plugins/.cargo/config.toml",
        ] {
            let previous = source_hash(&repo, &acme).unwrap();
            std::fs::write(repo.join(changed), "changed").unwrap();
            assert_ne!(previous, source_hash(&repo, &acme).unwrap(), "{changed}");
        }
    }

    #[test]
    fn a_crate_that_is_its_own_workspace_is_its_own_root() {
        let dir = fake_repo();
        let repo = find_repo(dir.path()).unwrap();
        let own = repo.join("examples/own");
        std::fs::create_dir_all(&own).unwrap();
        std::fs::write(own.join("Cargo.toml"), "[package]\nname = \"own\"\n\n[workspace]\n").unwrap();
        assert_eq!(workspace_root(&repo, &own).unwrap(), own);
        assert_eq!(workspace_root(&repo, &repo.join("plugins/acme")).unwrap(), repo.join("plugins"));
    }

    #[test]
    fn outside_the_repository_is_an_error_that_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let error = find_repo(dir.path()).unwrap_err().to_string();
        assert!(error.contains("not inside the MaxAI Gateway repository"), "{error}");
    }
}
