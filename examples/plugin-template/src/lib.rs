//! A CRM plugin for a made-up provider at api.example.com: the template `maxai plugins new`
//! copies. It reads contacts over JSON with the tenant's API key (attached by the host) and
//! verifies webhooks signed with HMAC-SHA256 in `x-example-signature`.

use maxai_plugin_sdk::{PortError, PortResult, Request, config_or, crypto, webhook};
use serde::Deserialize;

maxai_plugin_sdk::bindings!("maxai:ports/crm-adapter");

use exports::maxai::ports::{
    crm::{self, CallContext},
    webhooks::{self, CanonicalEvent, Incoming, WebhookError},
};

struct Plugin;

fn base_url() -> String {
    config_or("base_url", "https://api.example.com/v1")
}

/// A contact as the provider writes it.
#[derive(Deserialize)]
struct ProviderContact {
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

impl From<ProviderContact> for crm::Contact {
    fn from(c: ProviderContact) -> Self {
        crm::Contact {
            id: c.id,
            first_name: c.first_name,
            last_name: c.last_name,
            email: c.email,
            phone: c.phone,
            tags: c.tags,
            custom_fields: vec![],
            created_at: None,
        }
    }
}

fn not_supported(what: &str) -> PortError {
    PortError::Adapter(format!("the template plugin does not {what} yet"))
}

impl crm::Guest for Plugin {
    fn upsert_contact(_: CallContext, _: crm::UpsertContactRequest) -> PortResult<crm::Contact> {
        Err(not_supported("upsert contacts"))
    }

    fn get_contact(_: CallContext, id: String) -> PortResult<crm::Contact> {
        let response = Request::get(format!("{}/contacts/{id}", base_url())).send()?.ok()?;
        Ok(response.json::<ProviderContact>()?.into())
    }

    fn search_contacts(_: CallContext, _: crm::SearchContactsRequest) -> PortResult<crm::ContactPage> {
        Err(not_supported("search contacts"))
    }

    fn add_note(_: CallContext, _: String, _: String) -> PortResult<crm::Note> {
        Err(not_supported("add notes"))
    }

    fn create_opportunity(_: CallContext, _: crm::CreateOpportunityRequest) -> PortResult<crm::Opportunity> {
        Err(not_supported("create opportunities"))
    }

    fn update_opportunity(_: CallContext, _: crm::UpdateOpportunityRequest) -> PortResult<crm::Opportunity> {
        Err(not_supported("update opportunities"))
    }

    fn list_pipelines(_: CallContext) -> PortResult<Vec<crm::Pipeline>> {
        Ok(vec![])
    }
}

impl webhooks::Guest for Plugin {
    fn verify(req: Incoming) -> Result<(), WebhookError> {
        let signature = webhook::header(&req.headers, "x-example-signature")
            .and_then(|hex| maxai_plugin_sdk::hex::decode(hex).ok())
            .ok_or_else(|| WebhookError::BadSignature("missing x-example-signature".into()))?;
        // the secret stays in the host: the plugin names it
        if crypto::verify_hmac("webhook_secret", crypto::HmacAlgorithm::Sha256, &req.body, &signature) {
            Ok(())
        } else {
            Err(WebhookError::BadSignature("signature does not match".into()))
        }
    }

    fn normalize(req: Incoming) -> Result<Vec<CanonicalEvent>, WebhookError> {
        #[derive(Deserialize)]
        struct Event {
            id: String,
            contact_id: String,
        }
        let event: Event =
            maxai_plugin_sdk::from_json("the event", &req.body).map_err(WebhookError::Malformed)?;
        Ok(vec![CanonicalEvent {
            type_: "crm.contact.created".into(),
            subject: Some(event.contact_id.clone()),
            time: req.received_at,
            data: serde_json::json!({ "contact_id": event.contact_id }).to_string(),
            provider_event_id: Some(event.id),
        }])
    }
}

export!(Plugin);
