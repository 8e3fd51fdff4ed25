//! `maxai plugins`: the tooling of plugin authors and CI: build a plugin crate into a checked
//! component (`build`), tell whether `plugins/dist` matches its sources (`check`), show what a
//! component implements and what its manifest grants (`inspect`), and start a new plugin from the
//! template (`new`). The plugin host itself is `maxai-wasm`; nothing here runs a plugin.

pub mod build;
pub mod dist;
pub mod inspect;
pub mod scaffold;
pub mod source_hash;
pub mod stubs;
pub mod toolchain;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Subcommand, ValueEnum};

/// `maxai plugins …`.
#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Builds a plugin crate (Cargo.toml + plugin.toml) into a checked component in the dist
    /// directory, and records it in its manifest.json.
    Build {
        /// The plugin's directory (`plugins/twilio`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        dir: Option<PathBuf>,
        /// Builds every plugin of `plugins/` that has a plugin.toml, and the template.
        #[arg(long)]
        all: bool,
        /// Where the component and its manifest go.
        #[arg(long, default_value = "plugins/dist")]
        out: PathBuf,
    },
    /// Fails, listing them, when a plugin of the dist directory is stale or missing.
    Check {
        /// The dist directory.
        #[arg(long, default_value = "plugins/dist")]
        dist: PathBuf,
    },
    /// Shows a component's interfaces and ports, and what the manifest beside it grants.
    Inspect {
        /// The component (`plugins/dist/twilio.wasm`).
        file: PathBuf,
        /// Prints JSON.
        #[arg(long)]
        json: bool,
    },
    /// Starts a plugin from the template, with a stub for every operation of its port.
    New {
        /// Its id and directory name (`acme`): lower-case letters, digits and dashes.
        name: String,
        /// The port it implements.
        #[arg(long, value_enum)]
        port: Port,
        /// Declares webhooks in plugin.toml (crm, messaging, voice and payments only).
        #[arg(long)]
        webhooks: bool,
        /// The plugins workspace it joins.
        #[arg(long, default_value = "plugins")]
        dir: PathBuf,
    },
}

/// A port a new plugin implements.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Port {
    /// Contacts, notes, opportunities.
    Crm,
    /// SMS and chat messages.
    Messaging,
    /// Phone calls by voice agents.
    Voice,
    /// Customers, checkouts, refunds, invoices.
    Payments,
    /// Chat completions.
    Llm,
    /// Free slots and appointments.
    Calendar,
}

impl Port {
    fn name(self) -> &'static str {
        match self {
            Self::Crm => "crm",
            Self::Messaging => "messaging",
            Self::Voice => "voice",
            Self::Payments => "payments",
            Self::Llm => "llm",
            Self::Calendar => "calendar",
        }
    }
}

/// Runs a `maxai plugins` command.
pub fn run(command: PluginsCommand) -> anyhow::Result<()> {
    match command {
        PluginsCommand::Build { dir: Some(dir), out, .. } => {
            say(&build::build(&dir, &out)?.to_string());
            Ok(())
        }
        PluginsCommand::Build { dir: None, out, .. } => build_all(&out),
        PluginsCommand::Check { dist } => {
            let stale = dist::check(&dist)?;
            if stale.is_empty() {
                let record = dist::read_record(&dist)?;
                let ids: Vec<&str> = record.keys().map(String::as_str).collect();
                say(&format!("{} is up to date: {}", dist.display(), ids.join(", ")));
                return Ok(());
            }
            let list: Vec<String> = stale.iter().map(|s| format!("{} ({})", s.id, s.reason)).collect();
            bail!("{} is stale: {} — run `maxai plugins build --all`", dist.display(), list.join(", "))
        }
        PluginsCommand::Inspect { file, json } => {
            let inspection = inspect::inspect(&file)?;
            say(&if json { serde_json::to_string_pretty(&inspection)? } else { inspection.to_string() });
            Ok(())
        }
        PluginsCommand::New { name, port, webhooks, dir } => {
            let repo = source_hash::find_repo(Path::new("."))?;
            let created = scaffold::scaffold(&repo, &dir, &name, port.name(), webhooks)?;
            say(&format!(
                "created {0} ({1} port{2}), a member of {3}/Cargo.toml; build it with \
                 `maxai plugins build {0}`",
                created.display(),
                port.name(),
                if webhooks { ", webhooks" } else { "" },
                dir.display()
            ));
            Ok(())
        }
    }
}

/// Builds every plugin of the repository into `out`, going on past failures and listing them.
fn build_all(out: &Path) -> anyhow::Result<()> {
    let repo = source_hash::find_repo(Path::new("."))?;
    let mut failed = vec![];
    for dir in dist::plugin_dirs(&repo)? {
        let shown = source_hash::relative(&repo, &dir)?;
        match build::build(&dir, out).with_context(|| format!("building {shown}")) {
            Ok(built) => say(&built.to_string()),
            Err(e) => {
                eprintln!("error: {e:#}");
                failed.push(shown);
            }
        }
    }
    if !failed.is_empty() {
        bail!("{} plugin(s) failed to build: {}", failed.len(), failed.join(", "));
    }
    Ok(())
}

/// Writes a line for the user on standard output.
#[allow(clippy::print_stdout)]
fn say(text: &str) {
    println!("{text}");
}
