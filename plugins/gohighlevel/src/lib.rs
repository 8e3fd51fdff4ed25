//! The GoHighLevel plugin: the CRM port on the LeadConnector API v2
//! (`https://services.leadconnectorhq.com`, `Version: 2021-07-28`) and GoHighLevel's webhooks.
//!
//! Every call works in one sub-account, the configuration's `location_id`; the host attaches the
//! tenant's OAuth access token as a bearer token. What each operation calls:
//!
//! | operation | request |
//! | --- | --- |
//! | `upsert-contact` | `POST /contacts/upsert` (`locationId` in the body) |
//! | `get-contact` | `GET /contacts/{id}` |
//! | `search-contacts` | `POST /contacts/search` (`locationId`, `pageLimit`, `query`, `filters`, `searchAfter`) |
//! | `add-note` | `POST /contacts/{contactId}/notes` |
//! | `create-opportunity` | `POST /opportunities/` |
//! | `update-opportunity` | `PUT /opportunities/{id}` |
//! | `list-pipelines` | `GET /opportunities/pipelines?locationId=` |
//!
//! Custom fields are keyed by GoHighLevel's custom field id, the key its contacts carry them by.
//! Opportunity values are `monetaryValue`, a decimal amount in the sub-account's currency (the
//! configuration's `currency`, default `usd`), turned into the port's minor units and back.
//! GoHighLevel has no idempotency header; contacts are upserted, so retries do not duplicate them.
//!
//! Webhooks: `X-GHL-Signature` is Ed25519 over the raw body (base64), checked with the
//! configuration's `ed25519_public_key`; the legacy `x-wh-signature` is RSA-SHA256 PKCS#1 v1.5
//! over the raw body (base64), checked with `rsa_public_key_pem`. Both default to the keys
//! GoHighLevel publishes; no secret is involved. See [`signature`] and [`events`].

mod api;
mod events;
mod money;
mod signature;

use maxai_plugin_sdk::PortResult;

maxai_plugin_sdk::bindings!("maxai:ports/crm-adapter");

use exports::maxai::ports::{
    crm::{self, CallContext},
    webhooks::{self, CanonicalEvent, Incoming, WebhookError},
};

struct Plugin;

impl crm::Guest for Plugin {
    fn upsert_contact(_: CallContext, input: crm::UpsertContactRequest) -> PortResult<crm::Contact> {
        api::upsert_contact(input)
    }

    fn get_contact(_: CallContext, id: String) -> PortResult<crm::Contact> {
        api::get_contact(&id)
    }

    fn search_contacts(_: CallContext, input: crm::SearchContactsRequest) -> PortResult<crm::ContactPage> {
        api::search_contacts(input)
    }

    fn add_note(_: CallContext, contact_id: String, body: String) -> PortResult<crm::Note> {
        api::add_note(&contact_id, &body)
    }

    fn create_opportunity(
        _: CallContext,
        input: crm::CreateOpportunityRequest,
    ) -> PortResult<crm::Opportunity> {
        api::create_opportunity(input)
    }

    fn update_opportunity(
        _: CallContext,
        input: crm::UpdateOpportunityRequest,
    ) -> PortResult<crm::Opportunity> {
        api::update_opportunity(input)
    }

    fn list_pipelines(_: CallContext) -> PortResult<Vec<crm::Pipeline>> {
        api::list_pipelines()
    }
}

impl webhooks::Guest for Plugin {
    fn verify(req: Incoming) -> Result<(), WebhookError> {
        signature::verify(&req)
    }

    fn normalize(req: Incoming) -> Result<Vec<CanonicalEvent>, WebhookError> {
        events::normalize(&req.body, &req.received_at)
    }
}

export!(Plugin);
