//! `maxai`: the gateway's command line: `serve`, `migrate`, `config`, `openapi`, `plugins`,
//! `version`.

use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use maxai_openapi::{
    Gateway, endpoint, openapi_spec,
    settings::{LogFormat, Settings, SettingsArgs, mask_url_password},
};
use poem::{Server, listener::TcpListener};
use tracing_subscriber::EnvFilter;

/// How long in-flight requests may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

#[derive(Parser)]
#[command(
    name = "maxai",
    version,
    about = "MaxAI Gateway: multi-tenant integration gateway for AI employees"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the gateway (SQLite at ./.maxai/maxai.db unless DATABASE_URL says otherwise).
    Serve(SettingsArgs),
    /// Applies pending database migrations and exits.
    Migrate(SettingsArgs),
    /// Prints the effective configuration, secrets masked.
    Config(SettingsArgs),
    /// Prints the OpenAPI document.
    Openapi,
    /// Builds, checks, inspects and scaffolds plugins (see plugins/README.md).
    Plugins {
        #[command(subcommand)]
        command: maxai_openapi::plugins::PluginsCommand,
    },
    /// Prints the version.
    Version,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve(args) => serve(Settings::load(&args)?).await,
        Command::Migrate(args) => {
            let settings = Settings::load(&args)?;
            init_logging(settings.log_format);
            let store = maxai_db::SqlStore::open(&settings.database_url, maxai_db::PoolOptions::default())?;
            let applied = store.migrate().await?;
            say(&format!(
                "{}: {} migration(s) applied {applied:?}",
                mask_url_password(&settings.database_url),
                applied.len()
            ));
            Ok(())
        }
        Command::Config(args) => {
            say(&Settings::load(&args)?.masked_yaml()?);
            Ok(())
        }
        Command::Openapi => {
            say(&openapi_spec()?);
            Ok(())
        }
        Command::Plugins { command } => maxai_openapi::plugins::run(command),
        Command::Version => {
            say(&format!("maxai {}", env!("CARGO_PKG_VERSION")));
            Ok(())
        }
    }
}

/// Writes a line for the operator on standard output.
#[allow(clippy::print_stdout)]
fn say(text: &str) {
    println!("{text}");
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env("MAXAI_LOG").unwrap_or_else(|_| EnvFilter::new("info,poem=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    init_logging(settings.log_format);
    let gateway = Gateway::start(&settings).await.context("cannot start the gateway")?;
    tracing::info!(backend = gateway.backend, migrations = ?gateway.migrations, "storage ready");
    if let Some(email) = &gateway.first_start.admin_email {
        match &gateway.first_start.generated_password {
            Some(password) => say(&format!(
                "First start: created platform admin {email} with password {password}\n\
                 (shown once; set MAXAI_BOOTSTRAP_ADMIN_EMAIL and MAXAI_BOOTSTRAP_ADMIN_PASSWORD to choose them)"
            )),
            None => say(&format!("First start: created platform admin {email}")),
        }
        if gateway.first_start.demo_seeded {
            say("First start: seeded the demo tenant `demo` (Demo Dental Group)");
        }
    }
    let app = endpoint(gateway.state, settings.max_body_bytes);
    let listener = TcpListener::bind(settings.listen);
    say(&format!(
        "MaxAI Gateway listening on http://{0} ({1}); API docs at http://{0}/docs, OpenAPI at http://{0}/openapi.json",
        settings.listen, gateway.backend
    ));
    Server::new(listener)
        .run_with_graceful_shutdown(app, shutdown_signal(), Some(SHUTDOWN_GRACE))
        .await
        .context("server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
