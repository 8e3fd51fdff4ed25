//! A tenant's agents: the AI employees of its clients.

use std::sync::Arc;

use maxai_core::{Action, Resource};
use maxai_ports::{
    AgentId,
    tenancy::{Agent, AgentFilter, AgentPatch, NewAgent},
};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use serde_json::Value;

use super::{
    ApiTags, BearerAuth,
    clients::client_id,
    page,
    views::{AgentList, AgentView},
};
use crate::{
    error::{ApiError, ApiResult},
    state::{AppState, audit_context},
};

pub struct AgentApi(pub Arc<AppState>);

/// A new agent.
#[derive(Object)]
struct CreateAgent {
    /// The client it works for.
    client_id: String,
    /// Display name.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: String,
    /// Channels: `sms`, `voice`, `chat`, `whatsapp`.
    #[oai(default, validator(max_items = 8))]
    channels: Vec<Channel>,
    /// Free-form configuration (persona, voice, prompts).
    #[oai(default)]
    config: Option<Value>,
}

/// Changes to an agent; absent fields stay as they are.
#[derive(Object)]
struct UpdateAgent {
    /// New display name.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Option<String>,
    /// New channels.
    #[oai(validator(max_items = 8))]
    channels: Option<Vec<Channel>>,
    /// New configuration.
    config: Option<Value>,
    /// Refuse the change (409) unless the agent is still at this version.
    expected_version: Option<i64>,
}

/// A channel an agent answers on.
#[derive(poem_openapi::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
enum Channel {
    /// Text messages.
    Sms,
    /// Phone calls.
    Voice,
    /// Web chat.
    Chat,
    /// WhatsApp.
    Whatsapp,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Voice => "voice",
            Channel::Chat => "chat",
            Channel::Whatsapp => "whatsapp",
        }
    }
}

/// The channels' names, each once, in the order given.
fn channel_names(channels: Vec<Channel>) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(channels.len());
    for name in channels.into_iter().map(Channel::as_str) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

fn agent_id(raw: &str) -> ApiResult<AgentId> {
    raw.parse().map_err(|_| ApiError::not_found())
}

impl AgentApi {
    /// Loads an agent and checks the action against its client, so that a member narrowed to
    /// another client sees nothing.
    async fn agent_for(
        &self,
        auth: &BearerAuth,
        tenant: &str,
        agent: &str,
        action: Action,
    ) -> ApiResult<Agent> {
        let id = agent_id(agent)?;
        let scoped = self.0.tenant_for(&auth.0, tenant, Action::TenantRead, None).await?;
        let agent = self.0.store.get_agent(scoped.id, id).await?;
        let resource = Resource::Tenant { tenant: scoped.id, client: Some(agent.client_id) };
        maxai_core::authorize(&auth.0, action, resource)?;
        Ok(agent)
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Agents")]
impl AgentApi {
    /// Creates an agent for one of the tenant's clients.
    #[oai(path = "/tenants/:tenant/agents", method = "post")]
    async fn create(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        body: Json<CreateAgent>,
    ) -> ApiResult<Json<AgentView>> {
        let body = body.0;
        let client = client_id(&body.client_id)?;
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::AgentWrite, Some(client)).await?;
        let new = NewAgent {
            client_id: client,
            name: body.name,
            channels: channel_names(body.channels),
            config: body.config.unwrap_or_else(|| serde_json::json!({})),
        };
        Ok(Json(self.0.store.create_agent(tenant.id, new, &audit_context(&auth.0)).await?.into()))
    }

    /// Lists agents, optionally of one client.
    #[oai(path = "/tenants/:tenant/agents", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        #[oai(name = "client_id")] client: Query<Option<String>>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<AgentList>> {
        let wanted = client.0.as_deref().map(client_id).transpose()?;
        let tenant = self.0.tenant_for(&auth.0, &tenant, Action::AgentRead, wanted).await?;
        let filter = AgentFilter { client_id: wanted.or(auth.0.client_scope(tenant.id)) };
        Ok(Json(self.0.store.list_agents(tenant.id, &filter, &page(limit.0, cursor.0)).await?.into()))
    }

    /// Gets an agent.
    #[oai(path = "/tenants/:tenant/agents/:agent", method = "get")]
    async fn get(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        agent: Path<String>,
    ) -> ApiResult<Json<AgentView>> {
        Ok(Json(self.agent_for(&auth, &tenant, &agent, Action::AgentRead).await?.into()))
    }

    /// Changes an agent; its version grows by one.
    #[oai(path = "/tenants/:tenant/agents/:agent", method = "patch")]
    async fn update(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        agent: Path<String>,
        body: Json<UpdateAgent>,
    ) -> ApiResult<Json<AgentView>> {
        let agent = self.agent_for(&auth, &tenant, &agent, Action::AgentWrite).await?;
        let body = body.0;
        let patch = AgentPatch {
            name: body.name,
            channels: body.channels.map(channel_names),
            config: body.config,
            expected_version: body.expected_version,
        };
        let updated =
            self.0.store.update_agent(agent.tenant_id, agent.id, patch, &audit_context(&auth.0)).await?;
        Ok(Json(updated.into()))
    }

    /// Deletes an agent.
    #[oai(path = "/tenants/:tenant/agents/:agent", method = "delete")]
    async fn delete(
        &self,
        auth: BearerAuth,
        tenant: Path<String>,
        agent: Path<String>,
    ) -> ApiResult<Json<Value>> {
        let agent = self.agent_for(&auth, &tenant, &agent, Action::AgentWrite).await?;
        self.0.store.delete_agent(agent.tenant_id, agent.id, &audit_context(&auth.0)).await?;
        Ok(Json(serde_json::json!({ "deleted": true })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_named_once_in_order() {
        let names = channel_names(vec![Channel::Voice, Channel::Sms, Channel::Voice, Channel::Whatsapp]);
        assert_eq!(names, ["voice", "sms", "whatsapp"]);
    }
}
