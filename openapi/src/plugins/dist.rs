//! `plugins/dist`: the prebuilt components (`<id>.wasm`), their manifests (`<id>.toml`) and
//! `manifest.json`, the record of what each was built from. `maxai plugins check` compares that
//! record with the sources; it never builds.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use maxai_wasm::Manifest;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::source_hash::{find_repo, relative, source_hash};

/// The record's file in a dist directory.
pub const RECORD: &str = "manifest.json";

/// What `manifest.json` records of one plugin. The fields are in alphabetical order, so the file's
/// keys are sorted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Size of the component.
    pub bytes: u64,
    /// SHA-256 of the component, hex.
    pub component_sha256: String,
    /// The plugin's directory, relative to the repository (`plugins/twilio`).
    pub source: String,
    /// The source hash (see `source_hash.rs`) at build time.
    pub source_sha256: String,
    /// The plugin's version, from its manifest.
    pub version: String,
}

/// `manifest.json`: plugin id → entry.
pub type Record = BTreeMap<String, Entry>;

/// Reads `<dist>/manifest.json`; empty when there is none yet.
pub fn read_record(dist: &Path) -> anyhow::Result<Record> {
    let path = dist.join(RECORD);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            serde_json::from_str(&text).with_context(|| format!("{} is not a dist record", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Record::new()),
        Err(e) => Err(e).with_context(|| format!("{}", path.display())),
    }
}

/// Writes `<dist>/manifest.json`: pretty, sorted keys, trailing newline.
pub fn write_record(dist: &Path, record: &Record) -> anyhow::Result<()> {
    let path = dist.join(RECORD);
    let text = serde_json::to_string_pretty(record)? + "\n";
    std::fs::write(&path, text).with_context(|| format!("{}", path.display()))
}

/// SHA-256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The plugin directories of the repository: each directory of `plugins/` with a `plugin.toml`,
/// then the template.
pub fn plugin_dirs(repo: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let plugins = repo.join("plugins");
    let mut dirs = vec![];
    for entry in std::fs::read_dir(&plugins).with_context(|| format!("{}", plugins.display()))? {
        let path = entry.with_context(|| format!("{}", plugins.display()))?.path();
        if path.join("plugin.toml").is_file() {
            dirs.push(path);
        }
    }
    dirs.sort();
    dirs.push(repo.join("examples/plugin-template"));
    Ok(dirs)
}

/// One plugin whose build in dist does not match its source, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    /// The plugin's id (or its directory, when its manifest cannot be read).
    pub id: String,
    /// Why (`source changed`, `not built`).
    pub reason: String,
}

/// Every plugin of the repository above `dist` whose build there is stale or missing.
pub fn check(dist: &Path) -> anyhow::Result<Vec<Stale>> {
    let repo = find_repo(dist)?;
    let record = read_record(dist)?;
    let mut stale = vec![];
    let mut flag = |id: &str, reason: &str| stale.push(Stale { id: id.into(), reason: reason.into() });
    for (id, entry) in &record {
        let source = repo.join(&entry.source);
        let component = std::fs::read(dist.join(format!("{id}.wasm")));
        if !source.join("plugin.toml").is_file() {
            flag(id, &format!("its source {} is gone", entry.source));
        } else if source_hash(&repo, &source)? != entry.source_sha256 {
            flag(id, "source changed");
        } else if !dist.join(format!("{id}.toml")).is_file() {
            flag(id, "manifest missing");
        } else if let Ok(component) = component {
            if sha256(&component) != entry.component_sha256 {
                flag(id, "component differs from its record");
            }
        } else {
            flag(id, "component missing");
        }
    }
    for dir in plugin_dirs(&repo)? {
        let path = dir.join("plugin.toml");
        let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
        match Manifest::parse(&text) {
            Ok(manifest) if !record.contains_key(&manifest.id) => flag(&manifest.id, "not built"),
            Ok(_) => {}
            Err(_) => flag(&relative(&repo, &dir)?, "plugin.toml is invalid"),
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::source_hash::tests::fake_repo;

    const ACME: &str = "id = \"acme\"\nversion = \"0.1.0\"\nports = [\"crm\"]\n";

    /// A fake repository whose dist holds an up-to-date build of `acme` (and the template).
    fn built() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = fake_repo();
        let repo = find_repo(dir.path()).unwrap();
        let dist = repo.join("plugins/dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(repo.join("plugins/acme/plugin.toml"), ACME).unwrap();
        let template = repo.join("examples/plugin-template");
        std::fs::create_dir_all(&template).unwrap();
        std::fs::write(template.join("Cargo.toml"), "[package]\n[workspace]\n").unwrap();
        std::fs::write(template.join("plugin.toml"), ACME.replace("acme", "template")).unwrap();
        let mut record = Record::new();
        for (id, source) in [("acme", "plugins/acme"), ("template", "examples/plugin-template")] {
            std::fs::write(dist.join(format!("{id}.wasm")), id).unwrap();
            std::fs::write(dist.join(format!("{id}.toml")), ACME).unwrap();
            let entry = Entry {
                bytes: id.len() as u64,
                component_sha256: sha256(id.as_bytes()),
                source: source.into(),
                source_sha256: source_hash(&repo, &repo.join(source)).unwrap(),
                version: "0.1.0".into(),
            };
            record.insert(id.into(), entry);
        }
        write_record(&dist, &record).unwrap();
        (dir, repo, dist)
    }

    #[test]
    fn the_record_is_pretty_sorted_json_with_a_trailing_newline() {
        let (_dir, _repo, dist) = built();
        let text = std::fs::read_to_string(dist.join(RECORD)).unwrap();
        assert!(
            text.starts_with("{\n  \"acme\": {\n    \"bytes\": 4,\n    \"component_sha256\": \""),
            "{text}"
        );
        assert!(text.contains("\"source\": \"plugins/acme\",\n    \"source_sha256\": \""), "{text}");
        assert!(text.ends_with("\"version\": \"0.1.0\"\n  }\n}\n"), "{text}");
        assert_eq!(read_record(&dist).unwrap().len(), 2);
    }

    #[test]
    fn a_fresh_dist_passes_the_check() {
        let (_dir, _repo, dist) = built();
        assert_eq!(check(&dist).unwrap(), []);
    }

    #[test]
    fn every_stale_or_missing_plugin_is_listed() {
        let (_dir, repo, dist) = built();
        std::fs::write(repo.join("plugins/acme/src/lib.rs"), "// changed").unwrap();
        std::fs::remove_file(dist.join("template.wasm")).unwrap();
        std::fs::create_dir_all(repo.join("plugins/newer")).unwrap();
        std::fs::write(repo.join("plugins/newer/plugin.toml"), ACME.replace("acme", "newer")).unwrap();
        let stale: Vec<String> =
            check(&dist).unwrap().into_iter().map(|s| format!("{}: {}", s.id, s.reason)).collect();
        assert_eq!(stale, ["acme: source changed", "template: component missing", "newer: not built"]);
    }

    #[test]
    fn a_change_to_the_sdk_makes_every_plugin_stale() {
        let (_dir, repo, dist) = built();
        std::fs::write(repo.join("plugins/sdk/src/lib.rs"), "// changed").unwrap();
        let ids: Vec<String> = check(&dist).unwrap().into_iter().map(|s| s.id).collect();
        assert_eq!(ids, ["acme", "template"]);
    }
}
