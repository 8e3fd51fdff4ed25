//! The CRM port: contacts, notes, opportunities and pipelines (GoHighLevel first).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{catalog::define_port, payments::Money};

define_port! {
    /// A customer-relationship system, as the tenant's agents use it.
    pub trait Crm = "crm" {
        Write fn upsert_contact(UpsertContact) -> Contact = "Creates a contact, or updates the one with the same phone or email.";
        Read fn get_contact(GetContact) -> Contact = "Gets a contact by id.";
        Read fn search_contacts(SearchContacts) -> ContactPage = "Finds contacts by free text, phone or email.";
        Write fn add_note(AddNote) -> Note = "Adds a note to a contact.";
        Write fn create_opportunity(CreateOpportunity) -> Opportunity = "Opens an opportunity for a contact in a pipeline stage.";
        Write fn update_opportunity(UpdateOpportunity) -> Opportunity = "Moves an opportunity or changes its status or value.";
        Read fn list_pipelines(ListPipelines) -> Pipelines = "Lists the pipelines and their stages.";
    }
}

/// A contact, as stored by the CRM.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contact {
    /// The CRM's id.
    pub id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone, E.164 (`+15551234567`).
    pub phone: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Custom fields by key.
    #[serde(default)]
    pub custom_fields: BTreeMap<String, String>,
    /// When the CRM created it.
    pub created_at: Option<DateTime<Utc>>,
}

/// Input of `crm.upsert_contact`: at least a phone or an email.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpsertContact {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email; matches an existing contact.
    pub email: Option<String>,
    /// Phone, E.164; matches an existing contact.
    pub phone: Option<String>,
    /// Tags to add.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Custom fields to set.
    #[serde(default)]
    pub custom_fields: BTreeMap<String, String>,
    /// Where the contact came from (`missed call`, `web form`).
    pub source: Option<String>,
}

/// Input of `crm.get_contact`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetContact {
    /// The CRM's id.
    pub id: String,
}

/// Input of `crm.search_contacts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchContacts {
    /// Free text (name, email, phone).
    pub query: Option<String>,
    /// Exact phone, E.164.
    pub phone: Option<String>,
    /// Exact email.
    pub email: Option<String>,
    /// Most contacts to return (the adapter caps it at the provider's page size).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of contacts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ContactPage {
    /// The contacts.
    pub contacts: Vec<Contact>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// Input of `crm.add_note`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddNote {
    /// The contact.
    pub contact_id: String,
    /// The note.
    pub body: String,
}

/// A note on a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    /// The CRM's id.
    pub id: String,
    /// The contact.
    pub contact_id: String,
    /// The note.
    pub body: String,
}

/// Whether an opportunity is still open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityStatus {
    /// Being worked.
    Open,
    /// Won.
    Won,
    /// Lost.
    Lost,
    /// Given up.
    Abandoned,
}

/// Input of `crm.create_opportunity`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOpportunity {
    /// The pipeline.
    pub pipeline_id: String,
    /// The stage within it.
    pub stage_id: String,
    /// The contact.
    pub contact_id: String,
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: Option<Money>,
    /// Its status (default `open`).
    pub status: Option<OpportunityStatus>,
}

/// Input of `crm.update_opportunity`; absent fields stay as they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOpportunity {
    /// The opportunity.
    pub id: String,
    /// New stage.
    pub stage_id: Option<String>,
    /// New status.
    pub status: Option<OpportunityStatus>,
    /// New value.
    pub value: Option<Money>,
    /// New name.
    pub name: Option<String>,
}

/// An opportunity (a deal).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Opportunity {
    /// The CRM's id.
    pub id: String,
    /// The pipeline.
    pub pipeline_id: String,
    /// The stage.
    pub stage_id: String,
    /// The contact.
    pub contact_id: String,
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: Option<Money>,
    /// Its status.
    pub status: OpportunityStatus,
}

/// Input of `crm.list_pipelines` (none needed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPipelines {}

/// The CRM's pipelines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pipelines {
    /// The pipelines.
    pub pipelines: Vec<Pipeline>,
}

/// A pipeline and its stages, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pipeline {
    /// The CRM's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its stages, in order.
    pub stages: Vec<Stage>,
}

/// A stage of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Stage {
    /// The CRM's id.
    pub id: String,
    /// Its name.
    pub name: String,
}
