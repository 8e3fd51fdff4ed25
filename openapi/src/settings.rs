//! The gateway's configuration, read once in `main`: a YAML file (`--config`) < environment
//! (`MAXAI_*`, and `DATABASE_URL`) < command-line flags, then defaults.

use std::{
    net::{Ipv4Addr, SocketAddr, SocketAddrV4},
    path::PathBuf,
};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// Where the embedded database lives when nothing else is configured.
pub const DEFAULT_DATABASE: &str = "./.maxai/maxai.db";
/// The plugins when none are configured: the prebuilt ones of the repository.
pub const DEFAULT_PLUGINS_DIR: &str = "plugins/dist";
/// Where compiled plugins are kept between starts.
pub const PLUGIN_CACHE_DIR: &str = "./.maxai/plugin-cache";
/// Where the gateway listens when nothing else is configured.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 8080));

/// Flags (and their environment variables) shared by the commands that need configuration.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct SettingsArgs {
    /// A YAML configuration file (the lowest layer).
    #[arg(long, env = "MAXAI_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "MAXAI_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// `postgres://…`, or a SQLite file path (also read from `DATABASE_URL`).
    #[arg(long, env = "MAXAI_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Most database connections open at once.
    #[arg(long, env = "MAXAI_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<usize>,
    /// Secret that signs access tokens (at least 32 characters); generated and stored on first
    /// start when unset.
    #[arg(long, env = "MAXAI_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MAXAI_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Seed the demo tenant on first start (default true).
    #[arg(long, env = "MAXAI_DEMO_TENANT")]
    pub demo_tenant: Option<bool>,
    /// Log format: `text` or `json`.
    #[arg(long, env = "MAXAI_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Email of the platform admin created on first start.
    #[arg(long, env = "MAXAI_BOOTSTRAP_ADMIN_EMAIL")]
    pub bootstrap_admin_email: Option<String>,
    /// Password of that admin (a random one is generated and printed once when unset).
    #[arg(long, env = "MAXAI_BOOTSTRAP_ADMIN_PASSWORD", hide_env_values = true)]
    pub bootstrap_admin_password: Option<String>,
    /// Issuer of external OpenID Connect tokens to accept.
    #[arg(long, env = "MAXAI_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// Audience those tokens must carry.
    #[arg(long, env = "MAXAI_OIDC_AUDIENCE")]
    pub oidc_audience: Option<String>,
    /// Where the issuer publishes its keys (default: from its discovery document).
    #[arg(long, env = "MAXAI_OIDC_JWKS_URL")]
    pub oidc_jwks_url: Option<String>,
    /// The claim holding the roles (dots walk into objects: `realm_access.roles`).
    #[arg(long, env = "MAXAI_OIDC_ROLES_CLAIM")]
    pub oidc_roles_claim: Option<String>,
    /// Where the plugins are: `<id>.wasm` beside `<id>.toml`, as `maxai plugins build` writes
    /// them (default `plugins/dist`).
    #[arg(long, env = "MAXAI_PLUGINS_DIR")]
    pub plugins_dir: Option<PathBuf>,
}

/// Log output format.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// An external OpenID Connect issuer whose tokens the API accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// `iss` of its tokens.
    pub issuer: String,
    /// `aud` they must carry.
    pub audience: String,
    /// Its JWKS; discovered from `<issuer>/.well-known/openid-configuration` when absent.
    pub jwks_url: Option<String>,
    /// The roles claim.
    #[serde(default = "default_roles_claim")]
    pub roles_claim: String,
}

fn default_roles_claim() -> String {
    "roles".into()
}

/// The configuration file: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    db_max_connections: Option<usize>,
    jwt_secret: Option<String>,
    max_body_bytes: Option<usize>,
    demo_tenant: Option<bool>,
    log_format: Option<LogFormat>,
    oidc: Option<OidcConfig>,
    plugins_dir: Option<PathBuf>,
}

/// The effective configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Database URL or SQLite path.
    pub database_url: String,
    /// Pool size.
    pub db_max_connections: usize,
    /// Access token signing secret, if configured.
    pub jwt_secret: Option<String>,
    /// Body size limit.
    pub max_body_bytes: usize,
    /// Seed the demo tenant on first start.
    pub demo_tenant: bool,
    /// Log format.
    pub log_format: LogFormat,
    /// External issuer.
    pub oidc: Option<OidcConfig>,
    /// Where the plugins are.
    pub plugins_dir: PathBuf,
    /// The first platform admin's email and password, when chosen by the operator.
    pub bootstrap_admin: Option<(String, String)>,
}

impl Settings {
    /// Layers the file, the environment and the flags (already merged by clap), then defaults.
    pub fn load(args: &SettingsArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read configuration {}", path.display()))?;
                serde_yaml::from_str::<FileSettings>(&text)
                    .with_context(|| format!("configuration {}", path.display()))?
            }
            None => FileSettings::default(),
        };
        let database_url = args
            .database_url
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()))
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE.into());
        let oidc = match (&args.oidc_issuer, &args.oidc_audience) {
            (Some(issuer), Some(audience)) => Some(OidcConfig {
                issuer: issuer.clone(),
                audience: audience.clone(),
                jwks_url: args.oidc_jwks_url.clone(),
                roles_claim: args.oidc_roles_claim.clone().unwrap_or_else(default_roles_claim),
            }),
            (None, None) => file.oidc,
            _ => anyhow::bail!("an OpenID Connect issuer needs both an issuer and an audience"),
        };
        let settings = Settings {
            listen: args.listen.or(file.listen).unwrap_or(DEFAULT_LISTEN),
            database_url,
            db_max_connections: args.db_max_connections.or(file.db_max_connections).unwrap_or(16),
            jwt_secret: args.jwt_secret.clone().or(file.jwt_secret),
            max_body_bytes: args.max_body_bytes.or(file.max_body_bytes).unwrap_or(1024 * 1024),
            demo_tenant: args.demo_tenant.or(file.demo_tenant).unwrap_or(true),
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            oidc,
            plugins_dir: args
                .plugins_dir
                .clone()
                .or(file.plugins_dir)
                .unwrap_or_else(|| DEFAULT_PLUGINS_DIR.into()),
            bootstrap_admin: args.bootstrap_admin_email.clone().zip(args.bootstrap_admin_password.clone()),
        };
        if settings.jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            anyhow::bail!("the JWT secret must have at least 32 characters");
        }
        Ok(settings)
    }

    /// The configuration as YAML, with every secret masked.
    pub fn masked_yaml(&self) -> anyhow::Result<String> {
        let mut masked = self.clone();
        masked.jwt_secret = masked.jwt_secret.map(|_| "********".into());
        masked.database_url = mask_url_password(&masked.database_url);
        masked.bootstrap_admin = masked.bootstrap_admin.map(|(email, _)| (email, "********".into()));
        Ok(serde_yaml::to_string(&masked)?)
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:********@host/db`.
pub fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.rsplit_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:********@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_defaults_fill_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("maxai.yaml");
        std::fs::write(&path, "listen: 0.0.0.0:9000\nmax_body_bytes: 2048\ndemo_tenant: false\n").unwrap();
        let args = SettingsArgs {
            config: Some(path),
            max_body_bytes: Some(4096),
            database_url: Some("/tmp/x.db".into()),
            ..Default::default()
        };
        let settings = Settings::load(&args).unwrap();
        assert_eq!(settings.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(settings.max_body_bytes, 4096);
        assert!(!settings.demo_tenant);
        assert_eq!(settings.db_max_connections, 16);
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused_with_their_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("maxai.yaml");
        std::fs::write(&path, "listen: 0.0.0.0:9000\nlisten_port: 1\n").unwrap();
        let error = Settings::load(&SettingsArgs { config: Some(path), ..Default::default() }).unwrap_err();
        let text = format!("{error:#}");
        assert!(text.contains("unknown field `listen_port`") && text.contains("line 2"), "{text}");
    }

    #[test]
    fn secrets_are_masked() {
        let args = SettingsArgs {
            database_url: Some("postgres://maxai:hunter2@db/maxai".into()),
            jwt_secret: Some("x".repeat(40)),
            ..Default::default()
        };
        let yaml = Settings::load(&args).unwrap().masked_yaml().unwrap();
        assert!(!yaml.contains("hunter2") && !yaml.contains(&"x".repeat(40)), "{yaml}");
        assert!(yaml.contains("postgres://maxai:********@db/maxai"));
    }
}
