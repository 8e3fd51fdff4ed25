//! The plugin manifest (`plugin.toml`, beside the component): who the plugin is, which ports it
//! implements, where it may send requests and how the host attaches the tenant's credentials
//! there, its configuration keys and its limits. Parsed into a raw form that refuses unknown keys,
//! then validated with every problem reported at once.

use std::{collections::BTreeMap, time::Duration};

use serde::Deserialize;

use crate::limits::CallLimits;

/// How the host attaches the tenant's credentials to requests for one host.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CredentialAttachment {
    /// `Authorization: Bearer <token>` (OAuth access tokens, API keys).
    Bearer,
    /// `Authorization: Basic …` (Twilio's account SID and auth token).
    Basic,
    /// A header of the provider's own (`X-Api-Key`).
    Header {
        /// The header.
        name: String,
    },
    /// A query parameter (`?key=`).
    Query {
        /// The parameter.
        name: String,
    },
}

impl CredentialAttachment {
    /// `bearer`, `basic`, `header` or `query`.
    pub fn kind(&self) -> &'static str {
        match self {
            CredentialAttachment::Bearer => "bearer",
            CredentialAttachment::Basic => "basic",
            CredentialAttachment::Header { .. } => "header",
            CredentialAttachment::Query { .. } => "query",
        }
    }
}

/// A host the plugin may send requests to.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedHost {
    /// `api.twilio.com`, or `*.example.com` for its subdomains.
    pub host: String,
    /// How credentials are attached there; none when absent.
    pub credential: Option<CredentialAttachment>,
}

/// A configuration key of the plugin (non-secret: secrets are credentials).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigKey {
    /// What it is for.
    pub description: String,
    /// Whether a binding must set it.
    #[serde(default)]
    pub required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    id: String,
    version: String,
    #[serde(default)]
    ports: Vec<String>,
    #[serde(default)]
    webhooks: bool,
    #[serde(default)]
    hosts: Vec<AllowedHost>,
    #[serde(default)]
    config: BTreeMap<String, ConfigKey>,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    deadline_ms: Option<u64>,
    fuel: Option<u64>,
    memory_mib: Option<usize>,
}

/// A validated manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// `gohighlevel`: lower case, digits and dashes.
    pub id: String,
    /// `1.2.0`.
    pub version: String,
    /// The ports it implements (`crm`, …).
    pub ports: Vec<String>,
    /// Whether it verifies and normalizes webhooks.
    pub webhooks: bool,
    /// Where it may send requests.
    pub hosts: Vec<AllowedHost>,
    /// Its configuration keys.
    pub config: BTreeMap<String, ConfigKey>,
    /// Its default limits per call (a flow step may lower them).
    pub limits: CallLimits,
}

/// One thing wrong with a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestProblem {
    /// Where: `ports[1]`, `hosts[0].host`, or `line 3, column 1` for syntax.
    pub at: String,
    /// What.
    pub message: String,
}

impl std::fmt::Display for ManifestProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// The largest limits a manifest may ask for.
const MAX_DEADLINE: Duration = Duration::from_secs(60);
const MAX_MEMORY_MIB: usize = 256;

impl Manifest {
    /// Parses and validates `plugin.toml`, reporting every problem.
    pub fn parse(text: &str) -> Result<Self, Vec<ManifestProblem>> {
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            let at = match e.span() {
                Some(span) => {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    format!("line {line}, column {column}")
                }
                None => "manifest".into(),
            };
            vec![ManifestProblem { at, message: e.message().to_owned() }]
        })?;
        let mut problems = vec![];
        let mut problem = |at: String, message: String| problems.push(ManifestProblem { at, message });
        if !is_kebab(&raw.id) {
            problem("id".into(), format!("`{}` is not lower-case letters, digits and dashes", raw.id));
        }
        let numeric =
            raw.version.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        if raw.version.split('.').count() != 3 || !numeric {
            problem("version".into(), format!("`{}` is not MAJOR.MINOR.PATCH", raw.version));
        }
        let known = maxai_ports::catalog::PORTS;
        for (i, port) in raw.ports.iter().enumerate() {
            if !known.contains(&port.as_str()) {
                problem(
                    format!("ports[{i}]"),
                    format!("unknown port `{port}` (known: {})", known.join(", ")),
                );
            }
        }
        if raw.ports.is_empty() && !raw.webhooks {
            problem("ports".into(), "a plugin implements at least one port or webhooks".into());
        }
        for (i, allowed) in raw.hosts.iter().enumerate() {
            if !is_host_pattern(&allowed.host) {
                problem(
                    format!("hosts[{i}].host"),
                    format!(
                        "`{}` is not a host name (no scheme, port or path; `*.` only in front)",
                        allowed.host
                    ),
                );
            }
            if let Some(CredentialAttachment::Header { name } | CredentialAttachment::Query { name }) =
                &allowed.credential
                && (name.is_empty()
                    || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            {
                problem(
                    format!("hosts[{i}].credential.name"),
                    format!("`{name}` is not a header or parameter name"),
                );
            }
        }
        let defaults = CallLimits::default();
        let deadline = raw.limits.deadline_ms.map_or(defaults.deadline, Duration::from_millis);
        if deadline.is_zero() || deadline > MAX_DEADLINE {
            problem(
                "limits.deadline_ms".into(),
                format!("must be between 1 and {}", MAX_DEADLINE.as_millis()),
            );
        }
        let memory_mib = raw.limits.memory_mib.unwrap_or(defaults.memory_bytes >> 20);
        if memory_mib == 0 || memory_mib > MAX_MEMORY_MIB {
            problem("limits.memory_mib".into(), format!("must be between 1 and {MAX_MEMORY_MIB}"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Manifest {
            id: raw.id,
            version: raw.version,
            ports: raw.ports,
            webhooks: raw.webhooks,
            hosts: raw.hosts,
            config: raw.config,
            limits: CallLimits {
                deadline,
                fuel: raw.limits.fuel.unwrap_or(defaults.fuel),
                memory_bytes: memory_mib << 20,
            },
        })
    }

    /// The interfaces the component must export: each port, and `webhooks` when declared.
    pub fn required_exports(&self) -> Vec<String> {
        let webhooks = self.webhooks.then_some("webhooks");
        self.ports
            .iter()
            .map(String::as_str)
            .chain(webhooks)
            .map(maxai_ports::catalog::wit_interface)
            .collect()
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_host_pattern(host: &str) -> bool {
    let name = host.strip_prefix("*.").unwrap_or(host);
    name.contains('.')
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWILIO: &str = r#"
id = "twilio"
version = "1.0.0"
ports = ["messaging"]
webhooks = true

[[hosts]]
host = "api.twilio.com"
credential = { kind = "basic" }

[config.default_from]
description = "Sender number when a step names none"

[limits]
deadline_ms = 10000
memory_mib = 32
"#;

    #[test]
    fn a_good_manifest_parses_with_its_limits_and_required_exports() {
        let manifest = Manifest::parse(TWILIO).unwrap();
        assert_eq!(manifest.hosts[0].credential, Some(CredentialAttachment::Basic));
        assert_eq!(manifest.limits.deadline, Duration::from_secs(10));
        assert_eq!(manifest.limits.memory_bytes, 32 << 20);
        assert_eq!(
            manifest.required_exports(),
            ["maxai:ports/messaging@0.1.0", "maxai:ports/webhooks@0.1.0"]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = r#"
id = "Twilio!"
version = "1.0"
ports = ["messaging", "fax"]

[[hosts]]
host = "https://api.twilio.com/2010-04-01"

[[hosts]]
host = "api.example.com"
credential = { kind = "header", name = "X Api Key" }

[limits]
deadline_ms = 0
"#;
        let problems = Manifest::parse(bad).unwrap_err();
        let at: Vec<&str> = problems.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(
            at,
            ["id", "version", "ports[1]", "hosts[0].host", "hosts[1].credential.name", "limits.deadline_ms"],
            "{problems:?}"
        );
    }

    #[test]
    fn unknown_keys_are_refused_with_their_position() {
        let problems =
            Manifest::parse("id = \"x\"\nversion = \"1.0.0\"\nports = [\"crm\"]\nallow_all_hosts = true\n")
                .unwrap_err();
        assert_eq!(problems[0].at, "line 4, column 1");
        assert!(problems[0].message.contains("unknown field `allow_all_hosts`"), "{problems:?}");
    }
}
