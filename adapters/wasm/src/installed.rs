//! The plugins a gateway runs: every `<id>.wasm` of a directory with its `<id>.toml` beside it (as
//! `maxai plugins build` writes them to `plugins/dist`), installed at start. A plugin that does not
//! install is reported and left out; the others run.

use std::{collections::BTreeMap, path::Path};

use crate::{Manifest, Plugin, PluginError, PluginHost};

/// What installing a directory gave.
#[derive(Default)]
pub struct Installed {
    /// The installed plugins by id.
    pub plugins: BTreeMap<String, Plugin>,
    /// The files that did not install, and why.
    pub refused: Vec<(String, String)>,
}

impl Installed {
    /// Installs every plugin of `dir` into `host`; a directory that does not exist holds none.
    pub fn from_dir(host: &PluginHost, dir: &Path) -> Installed {
        let mut installed = Installed::default();
        let Ok(entries) = std::fs::read_dir(dir) else { return installed };
        let mut components: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
            .collect();
        components.sort();
        for component in components {
            let name = component.file_name().unwrap_or_default().to_string_lossy().into_owned();
            match install_file(host, &component) {
                Ok(plugin) => {
                    installed.plugins.insert(plugin.name().to_owned(), plugin);
                }
                Err(why) => installed.refused.push((name, why)),
            }
        }
        installed
    }
}

fn install_file(host: &PluginHost, component: &Path) -> Result<Plugin, String> {
    let manifest_path = component.with_extension("toml");
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("no manifest beside it ({}: {e})", manifest_path.display()))?;
    let manifest = Manifest::parse(&text).map_err(|problems| {
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        format!("invalid manifest: {}", problems.join("; "))
    })?;
    let expected = component.file_stem().unwrap_or_default().to_string_lossy();
    if manifest.id != expected {
        return Err(format!("its manifest names it `{}`, not `{expected}`", manifest.id));
    }
    let wasm = std::fs::read(component).map_err(|e| e.to_string())?;
    host.install(manifest, &wasm).map_err(|e: PluginError| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dist_directory_installs_and_a_broken_plugin_is_refused_alone() {
        let host = PluginHost::new(crate::HostSettings { max_instances: 4, ..Default::default() }).unwrap();
        let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plugins/dist");
        let dir = tempfile::tempdir().unwrap();
        for id in ["template", "twilio"] {
            for ext in ["wasm", "toml"] {
                std::fs::copy(dist.join(format!("{id}.{ext}")), dir.path().join(format!("{id}.{ext}")))
                    .unwrap();
            }
        }
        // a component under another plugin's manifest: its exports do not match
        std::fs::copy(dist.join("twilio.wasm"), dir.path().join("broken.wasm")).unwrap();
        let manifest = std::fs::read_to_string(dist.join("template.toml")).unwrap();
        std::fs::write(
            dir.path().join("broken.toml"),
            manifest.replace("id = \"template\"", "id = \"broken\""),
        )
        .unwrap();
        std::fs::copy(dist.join("twilio.wasm"), dir.path().join("orphan.wasm")).unwrap();

        let installed = Installed::from_dir(&host, dir.path());
        assert_eq!(installed.plugins.keys().collect::<Vec<_>>(), ["template", "twilio"]);
        let refused: Vec<&str> = installed.refused.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(refused, ["broken.wasm", "orphan.wasm"], "{:?}", installed.refused);
        assert!(installed.refused[0].1.contains("crm"), "{:?}", installed.refused[0]);
        assert!(installed.refused[1].1.contains("no manifest"), "{:?}", installed.refused[1]);
        assert!(Installed::from_dir(&host, &dir.path().join("missing")).plugins.is_empty());
    }
}
