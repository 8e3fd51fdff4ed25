//! Compiled code on disk: compiling a component with Cranelift takes from tens to hundreds of
//! milliseconds, loading the compiled artifact well under one. Artifacts are keyed by the
//! component's SHA-256 and the engine's compatibility hash, so a new wasmtime or different
//! engine settings never load old code.

use std::{
    hash::{DefaultHasher, Hash as _, Hasher as _},
    path::{Path, PathBuf},
};

use wasmtime::{Engine, component::Component};

/// A folder of compiled components for one engine configuration.
pub(crate) struct CodeCache {
    dir: PathBuf,
    engine_key: String,
}

impl CodeCache {
    pub(crate) fn new(dir: &Path, engine: &Engine) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Ok(Self { dir: dir.to_owned(), engine_key: format!("{:016x}", hasher.finish()) })
    }

    /// The component, from the cache when it is there, else compiled and stored. Whether it came
    /// from the cache is returned too.
    pub(crate) fn load(
        &self,
        engine: &Engine,
        wasm: &[u8],
        hash: &str,
    ) -> wasmtime::Result<(Component, bool)> {
        let path = self.dir.join(format!("{hash}-{}.cwasm", self.engine_key));
        if path.exists() {
            match deserialize(engine, &path) {
                Ok(component) => return Ok((component, true)),
                Err(error) => tracing::warn!(path = %path.display(), %error, "ignoring a cached artifact"),
            }
        }
        let component = Component::new(engine, wasm)?;
        let compiled = component.serialize()?;
        // write then rename, so a reader never sees half an artifact
        let partial = path.with_extension(format!("{}.partial", std::process::id()));
        if let Err(error) = std::fs::write(&partial, compiled).and_then(|()| std::fs::rename(&partial, &path))
        {
            tracing::warn!(path = %path.display(), %error, "cannot store a compiled artifact");
        }
        Ok((component, false))
    }
}

/// Loads an artifact this host wrote.
#[allow(unsafe_code)]
fn deserialize(engine: &Engine, path: &Path) -> wasmtime::Result<Component> {
    // SAFETY: wasmtime requires that the bytes were produced by `serialize` of a compatible
    // engine and not tampered with. Only this cache writes this folder, with names keyed by the
    // component's hash and the engine's compatibility hash, and wasmtime checks the engine
    // compatibility again. Whoever can write the cache folder can also replace the gateway's
    // binary, so the folder must have the binary's protection (it is under the data folder).
    unsafe { Component::deserialize_file(engine, path) }
}
