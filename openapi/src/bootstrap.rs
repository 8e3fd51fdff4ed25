//! First start: the access-token signing key, the first platform admin, and the demo tenant.

use maxai_core::auth::{password, secret::random_token};
use maxai_ports::{
    audit::AuditContext,
    roles::{PlatformRole, TenantRole},
    store::Store,
    tenancy::{NewAgent, NewClient, NewMembership, NewTenant, NewUser, User},
};
use serde::Deserialize;

use crate::settings::Settings;

/// The demo tenant's description, from `examples/demo/tenant.yaml`.
const DEMO_TENANT: &str = include_str!("../../examples/demo/tenant.yaml");

/// The setting under which a generated signing key is kept, shared by every gateway on the database.
const SIGNING_KEY_SETTING: &str = "jwt_signing_key";

/// What first start did, for the operator.
pub struct FirstStart {
    /// The admin created now, if any.
    pub admin_email: Option<String>,
    /// The generated password, to print once.
    pub generated_password: Option<String>,
    /// Whether the demo tenant was seeded.
    pub demo_seeded: bool,
}

/// The access-token signing key: configured, or generated once and stored.
pub async fn signing_key(store: &dyn Store, settings: &Settings) -> anyhow::Result<Vec<u8>> {
    Ok(match &settings.jwt_secret {
        Some(secret) => secret.as_bytes().to_vec(),
        None => store.setting_or_insert(SIGNING_KEY_SETTING, &random_token(48)).await?.into_bytes(),
    })
}

/// Creates the first platform admin (and the demo tenant) when there are no users yet.
pub async fn first_start(store: &dyn Store, settings: &Settings) -> anyhow::Result<FirstStart> {
    let mut outcome = FirstStart { admin_email: None, generated_password: None, demo_seeded: false };
    if store.count_users().await? > 0 {
        return Ok(outcome);
    }
    let (email, plain, generated) = match settings.bootstrap_admin.clone() {
        Some((email, password)) => (email, password, false),
        None => ("admin@localhost".to_owned(), random_token(18), true),
    };
    let hashed = {
        let plain = plain.clone();
        tokio::task::spawn_blocking(move || password::hash_password(&plain)).await??
    };
    let context = AuditContext::system();
    let new = NewUser {
        email: email.clone(),
        name: "Platform admin".into(),
        password_hash: hashed,
        platform_role: Some(PlatformRole::Admin),
    };
    let admin = store.create_user(new, &context).await?;
    outcome.admin_email = Some(email);
    outcome.generated_password = generated.then_some(plain);
    if settings.demo_tenant {
        seed_demo(store, &admin, &context).await?;
        outcome.demo_seeded = true;
    }
    Ok(outcome)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    tenant: DemoTenant,
    clients: Vec<DemoClient>,
    feature_flags: Vec<DemoFlag>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTenant {
    slug: String,
    name: String,
    plan: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoClient {
    name: String,
    external_ref: Option<String>,
    agents: Vec<DemoAgent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAgent {
    name: String,
    channels: Vec<String>,
    config: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFlag {
    key: String,
    description: String,
    enabled: bool,
}

async fn seed_demo(store: &dyn Store, owner: &User, context: &AuditContext) -> anyhow::Result<()> {
    let demo: Demo = serde_yaml::from_str(DEMO_TENANT)?;
    let tenant = store
        .create_tenant(
            NewTenant { slug: demo.tenant.slug, name: demo.tenant.name, plan: demo.tenant.plan },
            context,
        )
        .await?;
    let owner = NewMembership { user_id: owner.id, role: TenantRole::Owner, client_id: None };
    store.add_member(tenant.id, owner, context).await?;
    for client in demo.clients {
        let created = store
            .create_client(
                tenant.id,
                NewClient { name: client.name, external_ref: client.external_ref },
                context,
            )
            .await?;
        for agent in client.agents {
            let new = NewAgent {
                client_id: created.id,
                name: agent.name,
                channels: agent.channels,
                config: agent.config,
            };
            store.create_agent(tenant.id, new, context).await?;
        }
    }
    for flag in demo.feature_flags {
        store.set_flag_default(&flag.key, &flag.description, flag.enabled, context).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_tenant_file_parses() {
        let demo: Demo = serde_yaml::from_str(DEMO_TENANT).unwrap();
        assert_eq!(demo.tenant.slug, "demo");
        assert!(!demo.clients.is_empty());
    }
}
