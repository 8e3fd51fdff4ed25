//! The toolchain that builds plugins for `wasm32-unknown-unknown`: rustup's, when the target is
//! installed, or else Debian's `rustc-web` with the standard library built from `rust-web-src`.
//! It only chooses and configures `cargo`; what to build is the caller's.

use std::{path::Path, process::Command};

use anyhow::bail;

/// The target plugins are built for.
pub const TARGET: &str = "wasm32-unknown-unknown";

/// How to install a toolchain, for error messages.
const HOW_TO_INSTALL: &str = "no toolchain can build plugins for wasm32-unknown-unknown: install the \
     target with `rustup target add wasm32-unknown-unknown`, or Debian's toolchain with \
     `apt-get install -y rustc-web cargo-web rust-web-src lld`";

/// A toolchain that builds for [`TARGET`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolchain {
    /// rustup's, with the target installed.
    Rustup,
    /// Debian's `rustc-web` and `cargo-web`, building the standard library (`-Zbuild-std`) and
    /// linking with `wasm-ld`.
    Debian,
}

impl Toolchain {
    /// The toolchain to use in `dir`, or an error saying how to install one.
    pub fn detect(dir: &Path) -> anyhow::Result<Self> {
        let rustup = Command::new("rustup").args(["target", "list", "--installed"]).current_dir(dir).output();
        if let Ok(output) = rustup
            && output.status.success()
            && String::from_utf8_lossy(&output.stdout).lines().any(|line| line.trim() == TARGET)
        {
            return Ok(Self::Rustup);
        }
        if Path::new("/usr/bin/cargo").is_file() && Path::new("/usr/bin/rustc").is_file() {
            let has_linker =
                Command::new("wasm-ld").arg("--version").output().is_ok_and(|o| o.status.success());
            let sysroot = Command::new("/usr/bin/rustc").args(["--print", "sysroot"]).output();
            let has_std_source = sysroot.is_ok_and(|o| {
                Path::new(String::from_utf8_lossy(&o.stdout).trim())
                    .join("lib/rustlib/src/rust/library")
                    .is_dir()
            });
            if has_linker && has_std_source {
                return Ok(Self::Debian);
            }
        }
        bail!(HOW_TO_INSTALL)
    }

    /// `cargo` of this toolchain, for commands that do not build (`metadata`).
    pub fn cargo(self) -> Command {
        match self {
            Self::Rustup => Command::new("cargo"),
            Self::Debian => Command::new("/usr/bin/cargo"),
        }
    }

    /// `cargo <subcommand>` for [`TARGET`] (`build`, `check`, `clippy`), configured for this
    /// toolchain.
    pub fn cargo_for_target(self, subcommand: &str) -> Command {
        let mut command = self.cargo();
        command.arg(subcommand);
        if self == Self::Debian {
            command
                .env("RUSTC_BOOTSTRAP", "1")
                .env("RUSTC", "/usr/bin/rustc")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld")
                .arg("-Zbuild-std=std,panic_abort");
        }
        command.args(["--target", TARGET]);
        command
    }
}

impl std::fmt::Display for Toolchain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Rustup => "rustup",
            Self::Debian => "Debian's rustc-web",
        })
    }
}
