//! The CRM port on GoHighLevel's LeadConnector API v2: the requests, GoHighLevel's JSON, and
//! how each maps to the port's types.

use maxai_plugin_sdk::{
    Money, PortError, PortResult, Request, Response, config_or, config_required, request::error_message,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::{
    exports::maxai::ports::crm::{
        Contact, ContactPage, CreateOpportunityRequest, Note, Opportunity, OpportunityStatus, Pipeline,
        SearchContactsRequest, Stage, UpdateOpportunityRequest, UpsertContactRequest,
    },
    money,
};

const BASE_URL: &str = "https://services.leadconnectorhq.com";
/// The API version every request names (the `Version` header).
const API_VERSION: &str = "2021-07-28";
/// `pageLimit` when the caller gives no limit.
const DEFAULT_PAGE: u32 = 20;
/// The largest `pageLimit` contact search takes.
const MAX_PAGE: u32 = 500;

/// A request to the API, with the version header.
fn api(method: &'static str, path: &str) -> Request {
    Request::new(method, format!("{BASE_URL}{path}"))
        .header("Version", API_VERSION)
        .header("Accept", "application/json")
}

/// Sends it; a non-success is the port error for it. GoHighLevel's reference lists 400, not 404,
/// among the answers for a record: a 400 that says "not found" is `not-found`.
fn send(request: Request) -> PortResult<Response> {
    let response = request.send()?;
    if response.status == 400 {
        let message = error_message(&response.body);
        if message.to_ascii_lowercase().contains("not found") {
            return Err(PortError::NotFound(message));
        }
    }
    response.ok()
}

/// An id that goes into a path: GoHighLevel's ids are letters, digits, `-` and `_`.
fn segment(id: &str) -> PortResult<&str> {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        Ok(id)
    } else {
        Err(PortError::Invalid(format!("`{id}` is not a GoHighLevel id")))
    }
}

fn location_id() -> PortResult<String> {
    config_required("location_id")
}

/// The sub-account's currency, lower case.
fn currency() -> String {
    config_or("currency", "usd").to_ascii_lowercase()
}

// ---- contacts ----

/// A contact as GoHighLevel writes it (contact endpoints and search results).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhlContact {
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    tags: Option<Vec<String>>,
    custom_fields: Option<Vec<GhlCustomField>>,
    date_added: Option<String>,
    /// In search results: the sort values that continue the search after this contact.
    search_after: Option<Value>,
}

#[derive(Deserialize)]
struct GhlCustomField {
    id: String,
    #[serde(default)]
    value: Value,
}

/// A custom field's value as text: strings as they are, anything else as JSON.
fn field_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

impl From<GhlContact> for Contact {
    fn from(c: GhlContact) -> Self {
        let custom_fields = c.custom_fields.unwrap_or_default();
        Contact {
            id: c.id,
            first_name: c.first_name,
            last_name: c.last_name,
            email: c.email,
            phone: c.phone,
            tags: c.tags.unwrap_or_default(),
            custom_fields: custom_fields
                .into_iter()
                .filter_map(|f| Some((f.id, field_text(f.value)?)))
                .collect(),
            created_at: c.date_added,
        }
    }
}

#[derive(Deserialize)]
struct ContactEnvelope {
    contact: GhlContact,
}

/// The body of `POST /contacts/upsert`.
fn upsert_body(location_id: &str, input: UpsertContactRequest) -> Value {
    let mut body = Map::new();
    body.insert("locationId".into(), location_id.into());
    let fields = [
        ("firstName", input.first_name),
        ("lastName", input.last_name),
        ("email", input.email),
        ("phone", input.phone),
        ("source", input.source),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            body.insert(key.into(), value.into());
        }
    }
    if !input.tags.is_empty() {
        body.insert("tags".into(), input.tags.into());
    }
    if !input.custom_fields.is_empty() {
        let fields: Vec<Value> = input
            .custom_fields
            .into_iter()
            .map(|(id, value)| json!({ "id": id, "field_value": value }))
            .collect();
        body.insert("customFields".into(), fields.into());
    }
    Value::Object(body)
}

pub fn upsert_contact(input: UpsertContactRequest) -> PortResult<Contact> {
    if input.phone.is_none() && input.email.is_none() {
        return Err(PortError::Invalid("a contact needs a phone or an email to be upserted".into()));
    }
    let body = upsert_body(&location_id()?, input);
    let response = send(api("POST", "/contacts/upsert").json(&body))?;
    Ok(response.json::<ContactEnvelope>()?.contact.into())
}

pub fn get_contact(id: &str) -> PortResult<Contact> {
    let response = send(api("GET", &format!("/contacts/{}", segment(id)?)))?;
    Ok(response.json::<ContactEnvelope>()?.contact.into())
}

/// The body of `POST /contacts/search`, and the page size it asks for.
fn search_body(location_id: &str, input: SearchContactsRequest) -> PortResult<(Value, u32)> {
    let page_limit = input.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let mut body = Map::new();
    body.insert("locationId".into(), location_id.into());
    body.insert("pageLimit".into(), page_limit.into());
    if let Some(query) = input.query.filter(|q| !q.is_empty()) {
        body.insert("query".into(), query.into());
    }
    let filters: Vec<Value> = [("phone", input.phone), ("email", input.email)]
        .into_iter()
        .filter_map(|(field, value)| Some(json!({ "field": field, "operator": "eq", "value": value? })))
        .collect();
    if !filters.is_empty() {
        body.insert("filters".into(), filters.into());
    }
    if let Some(cursor) = input.cursor {
        body.insert("searchAfter".into(), parse_cursor(&cursor)?);
    }
    Ok((Value::Object(body), page_limit))
}

/// A cursor is the JSON text of GoHighLevel's `searchAfter` values.
fn parse_cursor(cursor: &str) -> PortResult<Value> {
    match serde_json::from_str::<Value>(cursor) {
        Ok(value @ Value::Array(_)) => Ok(value),
        _ => Err(PortError::Invalid(format!("`{cursor}` is not a cursor this plugin gave"))),
    }
}

#[derive(Deserialize)]
struct SearchAnswer {
    #[serde(default)]
    contacts: Vec<GhlContact>,
}

/// A full page continues after its last contact; a shorter one is the last.
fn contact_page(answer: SearchAnswer, page_limit: u32) -> ContactPage {
    let full = answer.contacts.len() >= page_limit as usize;
    let next_cursor = answer
        .contacts
        .last()
        .filter(|_| full)
        .and_then(|last| last.search_after.as_ref())
        .filter(|after| after.as_array().is_some_and(|a| !a.is_empty()))
        .map(Value::to_string);
    ContactPage { contacts: answer.contacts.into_iter().map(Contact::from).collect(), next_cursor }
}

pub fn search_contacts(input: SearchContactsRequest) -> PortResult<ContactPage> {
    let (body, page_limit) = search_body(&location_id()?, input)?;
    let response = send(api("POST", "/contacts/search").json(&body))?;
    Ok(contact_page(response.json()?, page_limit))
}

// ---- notes ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhlNote {
    id: String,
    body: Option<String>,
    contact_id: Option<String>,
}

#[derive(Deserialize)]
struct NoteEnvelope {
    note: GhlNote,
}

pub fn add_note(contact_id: &str, body: &str) -> PortResult<Note> {
    let path = format!("/contacts/{}/notes", segment(contact_id)?);
    let response = send(api("POST", &path).json(&json!({ "body": body })))?;
    let note = response.json::<NoteEnvelope>()?.note;
    Ok(Note {
        id: note.id,
        contact_id: note.contact_id.unwrap_or_else(|| contact_id.to_owned()),
        body: note.body.unwrap_or_else(|| body.to_owned()),
    })
}

// ---- opportunities ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhlOpportunity {
    id: String,
    name: Option<String>,
    monetary_value: Option<f64>,
    pipeline_id: Option<String>,
    pipeline_stage_id: Option<String>,
    status: Option<String>,
    contact_id: Option<String>,
    contact: Option<GhlOpportunityContact>,
}

#[derive(Deserialize)]
struct GhlOpportunityContact {
    id: Option<String>,
}

#[derive(Deserialize)]
struct OpportunityEnvelope {
    opportunity: GhlOpportunity,
}

fn status_name(status: OpportunityStatus) -> &'static str {
    match status {
        OpportunityStatus::Open => "open",
        OpportunityStatus::Won => "won",
        OpportunityStatus::Lost => "lost",
        OpportunityStatus::Abandoned => "abandoned",
    }
}

fn parse_status(status: &str) -> PortResult<OpportunityStatus> {
    match status {
        "open" => Ok(OpportunityStatus::Open),
        "won" => Ok(OpportunityStatus::Won),
        "lost" => Ok(OpportunityStatus::Lost),
        "abandoned" => Ok(OpportunityStatus::Abandoned),
        other => Err(PortError::Adapter(format!("unexpected opportunity status `{other}`"))),
    }
}

/// `monetaryValue` for a port value, which must be in the sub-account's currency.
fn monetary_value(value: &Money, currency: &str) -> PortResult<Value> {
    if !value.currency.eq_ignore_ascii_case(currency) {
        return Err(PortError::Invalid(format!(
            "the sub-account keeps opportunity values in {currency}, not {}",
            value.currency
        )));
    }
    Ok(money::to_decimal(value.amount_minor, currency))
}

fn opportunity(o: GhlOpportunity, currency: &str) -> PortResult<Opportunity> {
    Ok(Opportunity {
        id: o.id,
        pipeline_id: o.pipeline_id.unwrap_or_default(),
        stage_id: o.pipeline_stage_id.unwrap_or_default(),
        contact_id: o.contact_id.or(o.contact.and_then(|c| c.id)).unwrap_or_default(),
        name: o.name.unwrap_or_default(),
        value: o.monetary_value.map(|amount| Money {
            amount_minor: money::to_minor(amount, currency),
            currency: currency.into(),
        }),
        status: parse_status(o.status.as_deref().unwrap_or("open"))?,
    })
}

fn create_body(location_id: &str, input: &CreateOpportunityRequest, currency: &str) -> PortResult<Value> {
    let mut body = json!({
        "locationId": location_id,
        "pipelineId": input.pipeline_id,
        "pipelineStageId": input.stage_id,
        "contactId": input.contact_id,
        "name": input.name,
        "status": status_name(input.status.unwrap_or(OpportunityStatus::Open)),
    });
    if let Some(value) = &input.value {
        body["monetaryValue"] = monetary_value(value, currency)?;
    }
    Ok(body)
}

pub fn create_opportunity(input: CreateOpportunityRequest) -> PortResult<Opportunity> {
    let currency = currency();
    let body = create_body(&location_id()?, &input, &currency)?;
    let response = send(api("POST", "/opportunities/").json(&body))?;
    opportunity(response.json::<OpportunityEnvelope>()?.opportunity, &currency)
}

fn update_body(input: &UpdateOpportunityRequest, currency: &str) -> PortResult<Value> {
    let mut body = Map::new();
    if let Some(stage) = &input.stage_id {
        body.insert("pipelineStageId".into(), stage.as_str().into());
    }
    if let Some(status) = input.status {
        body.insert("status".into(), status_name(status).into());
    }
    if let Some(value) = &input.value {
        body.insert("monetaryValue".into(), monetary_value(value, currency)?);
    }
    if let Some(name) = &input.name {
        body.insert("name".into(), name.as_str().into());
    }
    if body.is_empty() {
        return Err(PortError::Invalid("nothing to change on the opportunity".into()));
    }
    Ok(Value::Object(body))
}

pub fn update_opportunity(input: UpdateOpportunityRequest) -> PortResult<Opportunity> {
    let currency = currency();
    let body = update_body(&input, &currency)?;
    let path = format!("/opportunities/{}", segment(&input.id)?);
    let response = send(api("PUT", &path).json(&body))?;
    opportunity(response.json::<OpportunityEnvelope>()?.opportunity, &currency)
}

// ---- pipelines ----

#[derive(Deserialize)]
struct GhlPipeline {
    id: String,
    name: Option<String>,
    stages: Option<Vec<GhlStage>>,
}

#[derive(Deserialize)]
struct GhlStage {
    id: String,
    name: Option<String>,
    position: Option<i64>,
}

#[derive(Deserialize)]
struct PipelinesAnswer {
    #[serde(default)]
    pipelines: Vec<GhlPipeline>,
}

/// A pipeline with its stages in GoHighLevel's order (`position`).
fn pipeline(p: GhlPipeline) -> Pipeline {
    let mut stages = p.stages.unwrap_or_default();
    stages.sort_by_key(|s| s.position.unwrap_or(i64::MAX));
    Pipeline {
        id: p.id,
        name: p.name.unwrap_or_default(),
        stages: stages.into_iter().map(|s| Stage { id: s.id, name: s.name.unwrap_or_default() }).collect(),
    }
}

pub fn list_pipelines() -> PortResult<Vec<Pipeline>> {
    let request = api("GET", "/opportunities/pipelines").query("locationId", location_id()?);
    let answer: PipelinesAnswer = send(request)?.json()?;
    Ok(answer.pipelines.into_iter().map(pipeline).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(limit: Option<u32>, cursor: Option<&str>) -> SearchContactsRequest {
        SearchContactsRequest {
            query: Some("ada".into()),
            phone: Some("+15551230000".into()),
            email: None,
            limit,
            cursor: cursor.map(str::to_owned),
        }
    }

    #[test]
    fn search_bodies_carry_the_filters_and_the_cursor() {
        let (body, limit) = search_body("loc1", search(Some(9999), Some(r#"[1705311000000,"c9"]"#))).unwrap();
        assert_eq!(limit, MAX_PAGE);
        assert_eq!(
            body,
            json!({
                "locationId": "loc1", "pageLimit": 500, "query": "ada",
                "filters": [{ "field": "phone", "operator": "eq", "value": "+15551230000" }],
                "searchAfter": [1705311000000_i64, "c9"],
            })
        );
        assert!(matches!(search_body("loc1", search(None, Some("page-2"))), Err(PortError::Invalid(_))));
    }

    #[test]
    fn a_full_page_continues_after_its_last_contact() {
        let answer = |n: usize| SearchAnswer {
            contacts: (0..n)
                .map(|i| {
                    serde_json::from_value(
                        json!({ "id": format!("c{i}"), "searchAfter": [i, format!("c{i}")] }),
                    )
                    .unwrap()
                })
                .collect(),
        };
        assert_eq!(contact_page(answer(2), 2).next_cursor.as_deref(), Some(r#"[1,"c1"]"#));
        assert_eq!(contact_page(answer(1), 2).next_cursor, None);
    }

    #[test]
    fn ids_in_paths_are_checked() {
        assert!(segment("ocQHyuzHvuMOe5N5jjXF").is_ok());
        assert!(segment("7915dedc-8f18-44d5").is_ok());
        assert!(segment("../locations").is_err());
        assert!(segment("").is_err());
    }

    #[test]
    fn stages_come_in_their_position_order() {
        let p: GhlPipeline = serde_json::from_value(json!({
            "id": "p1", "name": "Sales",
            "stages": [{ "id": "s2", "name": "Won", "position": 1 }, { "id": "s1", "name": "New", "position": 0 }],
        }))
        .unwrap();
        let names: Vec<_> = pipeline(p).stages.into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["New", "Won"]);
    }
}
