//! The GoHighLevel plugin (`plugins/gohighlevel`) against a fake of the LeadConnector API v2: the
//! fake checks what GoHighLevel's OpenAPI reference requires of each request (bearer token,
//! `Version: 2021-07-28`, JSON bodies and their required fields) and answers with the reference's
//! example bodies. Webhooks are checked with vectors signed by test Ed25519 and RSA keys and
//! verified by GoHighLevel's own SDK (`plugins/vectors/generate_gohighlevel.py`), the keys reaching
//! the plugin through its configuration as GoHighLevel's published keys would.

#[path = "plugins/harness.rs"]
mod harness;

use maxai_ports::{
    TenantId,
    call::PortError,
    crm::{
        AddNote, CreateOpportunity, Crm as _, GetContact, ListPipelines, OpportunityStatus, SearchContacts,
        UpdateOpportunity, UpsertContact,
    },
    payments::Money,
};
use maxai_wasm::{Credential, PluginAdapter, WebhookRejection};
use serde_json::{Value, json};

use harness::{Answer, Env, Fake, Recorded, call, incoming, install, ports};

const HOST: &str = "services.leadconnectorhq.com";
const LOCATION: &str = "ve9EPM428h8vShlRW1KT";
const TOKEN: &str = "pit-5e2b1c9a-7d3f-4e8a-b6c0-1f2a3b4c5d6e";
const CONTACT: &str = "seD4PfOuKoVMLkEZqohJ";

fn env_with(token: &str, config: &[(&str, &str)]) -> Env {
    Env {
        config: config.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
        credentials: [(HOST.into(), Credential::Token(token.into()))].into(),
        ..Env::default()
    }
}

fn env() -> Env {
    env_with(TOKEN, &[("location_id", LOCATION)])
}

// ---- the fake API ----

/// GoHighLevel's error body (`statusCode`, `message`, `error`).
fn error(status: u16, message: Value, error: &str) -> Answer {
    Answer::json(status, json!({ "statusCode": status, "message": message, "error": error }))
}

/// What every request must carry: the token the host attached, the version, JSON bodies.
fn refused(request: &Recorded) -> Option<Answer> {
    if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
        return Some(error(401, json!("Invalid JWT"), "Unauthorized"));
    }
    if request.header("version") != Some("2021-07-28") {
        return Some(error(400, json!("version header was not found"), "Bad Request"));
    }
    if !request.body.is_empty() && request.header("content-type") != Some("application/json") {
        return Some(error(400, json!("body must be JSON"), "Bad Request"));
    }
    None
}

/// The reference's `required` fields of a body, or the 422 GoHighLevel answers without them.
fn lacks(body: &Value, required: &[&str]) -> Option<Answer> {
    let missing: Vec<Value> = required
        .iter()
        .filter(|field| body.get(**field).is_none_or(Value::is_null))
        .map(|field| json!(format!("{field} should not be empty")))
        .collect();
    (!missing.is_empty()).then(|| error(422, Value::Array(missing), "Unprocessable Entity"))
}

/// A contact as the reference's `GetContectByIdSchema` example writes it.
fn contact_json(id: &str) -> Value {
    json!({
        "id": id, "name": "rubika deo", "locationId": LOCATION, "firstName": "rubika", "lastName": "Deo",
        "email": "rubika@deos.com", "emailLowerCase": "rubika@deos.com", "timezone": "Asia/Calcutta",
        "companyName": "DGS VolMAX", "phone": "+18832327657", "dnd": true, "type": "read",
        "source": "public api", "assignedTo": "ve9EPM428h8vShlRW1KT", "city": "ruDolomitebika",
        "tags": ["nisi sint commodo amet", "consequat"], "dateAdded": "2021-07-02T05:18:26.704Z",
        "dateUpdated": "2021-07-02T05:18:26.704Z",
        "customFields": [{ "id": "MgobCB14YMVKuE4Ka8p1", "value": "name" }, { "id": "Num1", "value": 100 }],
    })
}

fn upsert(body: &Value) -> Answer {
    if let Some(answer) = lacks(body, &["locationId"]) {
        return answer;
    }
    if body["locationId"] != LOCATION {
        return error(403, json!("The token does not have access to this location."), "Forbidden");
    }
    if body["email"].as_str().is_some_and(|email| !email.contains('@')) {
        return error(422, json!(["email must be an email"]), "Unprocessable Entity");
    }
    let mut contact = contact_json(CONTACT);
    for field in ["firstName", "lastName", "email", "phone", "tags", "source"] {
        if !body[field].is_null() {
            contact[field] = body[field].clone();
        }
    }
    if let Some(fields) = body["customFields"].as_array() {
        let read_back: Vec<Value> =
            fields.iter().map(|f| json!({ "id": f["id"], "value": f["field_value"] })).collect();
        contact["customFields"] = read_back.into();
    }
    Answer::json(200, json!({ "new": true, "contact": contact, "traceId": "b6c7a7ff-1a06-44bb" }))
}

fn get_contact(id: &str) -> Answer {
    match id {
        CONTACT => Answer::json(200, json!({ "contact": contact_json(CONTACT) })),
        "gone400" => error(400, json!("Contact not found"), "Bad Request"),
        "ratelimited" => {
            error(429, json!("Too many requests"), "Too Many Requests").with_header("Retry-After", "7")
        }
        "broken" => error(502, json!("Bad Gateway"), "Bad Gateway"),
        _ => error(404, json!(format!("Contact with id {id} not found")), "Not Found"),
    }
}

/// Two pages: the first ends with the sort values `[1711000000000, "c2"]`.
fn search(body: &Value) -> Answer {
    if let Some(answer) = lacks(body, &["locationId", "pageLimit"]) {
        return answer;
    }
    if body.get("page").is_some() && body.get("searchAfter").is_some() {
        return error(422, json!(["page cannot be used with searchAfter"]), "Unprocessable Entity");
    }
    let contact = |id: &str, after: i64| {
        let mut c = contact_json(id);
        c["searchAfter"] = json!([after, id]);
        c
    };
    match body.get("searchAfter") {
        None => Answer::json(
            200,
            json!({ "contacts": [contact("c1", 1712000000000), contact("c2", 1711000000000)], "total": 3 }),
        ),
        Some(after) if *after == json!([1711000000000_i64, "c2"]) => {
            Answer::json(200, json!({ "contacts": [contact("c3", 1710000000000)], "total": 3 }))
        }
        Some(_) => error(400, json!("Invalid searchAfter"), "Bad Request"),
    }
}

fn note(contact: &str, body: &Value) -> Answer {
    if let Some(answer) = lacks(body, &["body"]) {
        return answer;
    }
    Answer::json(
        201,
        json!({ "note": {
            "id": "HGPcayliwcdoUFzvbTok", "body": body["body"], "userId": "TUcmRxWrjqzJS8EjkxNK",
            "dateAdded": "2021-07-08T12:02:11.285Z", "contactId": contact,
        }}),
    )
}

const STATUSES: [&str; 5] = ["open", "won", "lost", "abandoned", "all"];

/// The reference's `SearchOpportunitiesResponseSchema` example, with what the request set.
fn opportunity_answer(status: u16, id: &str, body: &Value) -> Answer {
    let mut opportunity = json!({
        "id": id, "name": "testing", "monetaryValue": 500, "pipelineId": "VDm7RPYC2GLUvdpKmBfC",
        "pipelineStageId": "e93ba61a-53b3-45e7-985a-c7732dbcdb69", "assignedTo": "zT46WSCPbudrq4zhWMk6",
        "status": "open", "source": "", "lastStatusChangeAt": "2021-08-03T04:55:17.355Z",
        "createdAt": "2021-08-03T04:55:17.355Z", "updatedAt": "2021-08-03T04:55:17.355Z",
        "contactId": "zT46WSCPbudrq4zhWMk6", "locationId": LOCATION,
        "contact": { "id": "zT46WSCPbudrq4zhWMk6", "name": "John Deo", "email": "john@deo.com" },
    });
    for field in ["name", "monetaryValue", "pipelineId", "pipelineStageId", "status", "contactId"] {
        if !body[field].is_null() {
            opportunity[field] = body[field].clone();
        }
    }
    Answer::json(status, json!({ "opportunity": opportunity }))
}

fn bad_status(body: &Value) -> Option<Answer> {
    let status = body.get("status")?;
    (!STATUSES.iter().any(|s| status == s)).then(|| {
        error(
            422,
            json!(["status must be one of the following values: open, won, lost, abandoned, all"]),
            "Unprocessable Entity",
        )
    })
}

fn create_opportunity(body: &Value) -> Answer {
    let required = ["pipelineId", "locationId", "name", "status", "contactId"];
    if let Some(answer) = lacks(body, &required).or_else(|| bad_status(body)) {
        return answer;
    }
    if body["pipelineId"] == "unknown" {
        return error(400, json!("Bad Request"), "Bad Request");
    }
    opportunity_answer(201, "yWQobCRIhRguQtD2llvk", body)
}

fn update_opportunity(id: &str, body: &Value) -> Answer {
    if let Some(answer) = bad_status(body) {
        return answer;
    }
    if body.get("locationId").is_some() || body.get("contactId").is_some() {
        return error(422, json!(["property locationId should not exist"]), "Unprocessable Entity");
    }
    opportunity_answer(200, id, body)
}

fn pipelines(request: &Recorded) -> Answer {
    if request.query("locationId") != Some(LOCATION) {
        return error(422, json!(["locationId should not be empty"]), "Unprocessable Entity");
    }
    Answer::json(
        200,
        json!({ "pipelines": [{
            "id": "aWdODOBVOlH1RUFKWQke", "name": "new pipeline", "showInFunnel": false,
            "showInPieChart": true, "locationId": LOCATION,
            "stages": [
                { "id": "7915dedc-8f18-44d5-8bc3-77c04e994a10", "name": "Booked", "position": 1 },
                { "id": "e93ba61a-53b3-45e7-985a-c7732dbcdb69", "name": "New lead", "position": 0 },
            ],
        }]}),
    )
}

/// The fake API: the routes this plugin uses, each as GoHighLevel's reference describes it.
fn provider(request: &Recorded) -> Answer {
    if let Some(answer) = refused(request) {
        return answer;
    }
    let body = if request.body.is_empty() { Value::Null } else { request.json() };
    let parts: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    match (request.method.as_str(), parts.as_slice()) {
        ("POST", ["contacts", "upsert"]) => upsert(&body),
        ("POST", ["contacts", "search"]) => search(&body),
        ("GET", ["contacts", id]) => get_contact(id),
        ("POST", ["contacts", id, "notes"]) => note(id, &body),
        ("POST", ["opportunities", ""]) => create_opportunity(&body),
        ("GET", ["opportunities", "pipelines"]) => pipelines(request),
        ("PUT", ["opportunities", id]) => update_opportunity(id, &body),
        _ => error(404, json!(format!("Cannot {} {}", request.method, request.path)), "Not Found"),
    }
}

async fn fake() -> Fake {
    Fake::start(provider).await
}

fn usd(amount_minor: i64) -> Option<Money> {
    Some(Money { amount_minor, currency: "usd".into() })
}

// ---- the port ----

#[tokio::test]
async fn upsert_posts_the_contact_to_the_location_and_reads_back_what_ghl_keeps() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let contact = crm
        .upsert_contact(
            &call("k1"),
            UpsertContact {
                first_name: Some("Ada".into()),
                last_name: None,
                email: Some("ada@example.com".into()),
                phone: Some("+15551230000".into()),
                tags: vec!["missed call".into()],
                custom_fields: [("MgobCB14YMVKuE4Ka8p1".into(), "gold".into())].into(),
                source: Some("missed call".into()),
            },
        )
        .await
        .unwrap();
    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/contacts/upsert"));
    assert_eq!(
        request.json(),
        json!({
            "locationId": LOCATION, "firstName": "Ada", "email": "ada@example.com", "phone": "+15551230000",
            "source": "missed call", "tags": ["missed call"],
            "customFields": [{ "id": "MgobCB14YMVKuE4Ka8p1", "field_value": "gold" }],
        })
    );
    assert_eq!(contact.id, CONTACT);
    assert_eq!((contact.first_name.as_deref(), contact.last_name.as_deref()), (Some("Ada"), Some("Deo")));
    assert_eq!(
        (contact.email.as_deref(), contact.phone.as_deref()),
        (Some("ada@example.com"), Some("+15551230000"))
    );
    assert_eq!(contact.tags, ["missed call"]);
    assert_eq!(contact.custom_fields, [("MgobCB14YMVKuE4Ka8p1".into(), "gold".into())].into());
    assert_eq!(contact.created_at.map(|t| t.to_rfc3339()).as_deref(), Some("2021-07-02T05:18:26.704+00:00"));
}

#[tokio::test]
async fn an_upsert_needs_a_phone_or_an_email_and_the_location() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let nameless = UpsertContact {
        first_name: Some("Ada".into()),
        last_name: None,
        email: None,
        phone: None,
        tags: vec![],
        custom_fields: Default::default(),
        source: None,
    };
    let refused = crm.upsert_contact(&call("k1"), nameless.clone()).await;
    assert!(matches!(refused, Err(PortError::Invalid { .. })), "{refused:?}");

    let unconfigured = ports(&install("gohighlevel", Some(&fake), env_with(TOKEN, &[])));
    let with_email = UpsertContact { email: Some("ada@example.com".into()), ..nameless };
    let refused = unconfigured.upsert_contact(&call("k2"), with_email).await;
    assert!(
        matches!(&refused, Err(PortError::Invalid { message }) if message.contains("location_id")),
        "{refused:?}"
    );
    assert!(fake.received().is_empty());
}

#[tokio::test]
async fn get_contact_reads_ghls_fields_into_the_ports() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let contact = crm.get_contact(&call("k1"), GetContact { id: CONTACT.into() }).await.unwrap();
    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", &*format!("/contacts/{CONTACT}")));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!((contact.first_name.as_deref(), contact.last_name.as_deref()), (Some("rubika"), Some("Deo")));
    assert_eq!(
        (contact.email.as_deref(), contact.phone.as_deref()),
        (Some("rubika@deos.com"), Some("+18832327657"))
    );
    assert_eq!(contact.tags, ["nisi sint commodo amet", "consequat"]);
    assert_eq!(
        contact.custom_fields,
        [("MgobCB14YMVKuE4Ka8p1".into(), "name".into()), ("Num1".into(), "100".into())].into()
    );

    let sneaky = crm.get_contact(&call("k2"), GetContact { id: "../locations/x".into() }).await;
    assert!(matches!(sneaky, Err(PortError::Invalid { .. })), "{sneaky:?}");
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn search_filters_by_phone_and_pages_with_search_after() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let first = SearchContacts {
        query: Some("rubika".into()),
        phone: Some("+18832327657".into()),
        email: None,
        limit: Some(2),
        cursor: None,
    };
    let page = crm.search_contacts(&call("k1"), first.clone()).await.unwrap();
    assert_eq!(page.contacts.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c1", "c2"]);
    let cursor = page.next_cursor.expect("a full page has a next one");
    let last =
        crm.search_contacts(&call("k2"), SearchContacts { cursor: Some(cursor), ..first }).await.unwrap();
    assert_eq!(last.contacts.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c3"]);
    assert_eq!(last.next_cursor, None);

    let requests = fake.received();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "POST" && r.path == "/contacts/search"));
    let filters = json!([{ "field": "phone", "operator": "eq", "value": "+18832327657" }]);
    assert_eq!(
        requests[0].json(),
        json!({ "locationId": LOCATION, "pageLimit": 2, "query": "rubika", "filters": filters })
    );
    assert_eq!(requests[1].json()["searchAfter"], json!([1711000000000_i64, "c2"]));

    let forged =
        SearchContacts { query: None, phone: None, email: None, limit: None, cursor: Some("2".into()) };
    let refused = crm.search_contacts(&call("k3"), forged).await;
    assert!(matches!(refused, Err(PortError::Invalid { .. })), "{refused:?}");
}

#[tokio::test]
async fn add_note_posts_the_body_to_the_contacts_notes() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let note = crm
        .add_note(
            &call("k1"),
            AddNote { contact_id: CONTACT.into(), body: "Called back, wants a quote".into() },
        )
        .await
        .unwrap();
    let request = fake.only();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", &*format!("/contacts/{CONTACT}/notes"))
    );
    assert_eq!(request.json(), json!({ "body": "Called back, wants a quote" }));
    assert_eq!(
        (note.id.as_str(), note.contact_id.as_str(), note.body.as_str()),
        ("HGPcayliwcdoUFzvbTok", CONTACT, "Called back, wants a quote")
    );
}

#[tokio::test]
async fn opportunities_are_created_with_a_decimal_value_and_read_back_in_minor_units() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let created = crm
        .create_opportunity(
            &call("k1"),
            CreateOpportunity {
                pipeline_id: "VDm7RPYC2GLUvdpKmBfC".into(),
                stage_id: "7915dedc-8f18-44d5-8bc3-77c04e994a10".into(),
                contact_id: CONTACT.into(),
                name: "Roof repair".into(),
                value: usd(123_450),
                status: None,
            },
        )
        .await
        .unwrap();
    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/opportunities/"));
    assert_eq!(
        request.json(),
        json!({
            "locationId": LOCATION, "pipelineId": "VDm7RPYC2GLUvdpKmBfC",
            "pipelineStageId": "7915dedc-8f18-44d5-8bc3-77c04e994a10", "contactId": CONTACT,
            "name": "Roof repair", "status": "open", "monetaryValue": 1234.5,
        })
    );
    assert_eq!(created.id, "yWQobCRIhRguQtD2llvk");
    assert_eq!(
        (created.pipeline_id.as_str(), created.contact_id.as_str()),
        ("VDm7RPYC2GLUvdpKmBfC", CONTACT)
    );
    assert_eq!(created.stage_id, "7915dedc-8f18-44d5-8bc3-77c04e994a10");
    assert_eq!((created.name.as_str(), created.status), ("Roof repair", OpportunityStatus::Open));
    assert_eq!(created.value, usd(123_450));
}

#[tokio::test]
async fn an_update_sends_only_what_changes() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let won = crm
        .update_opportunity(
            &call("k1"),
            UpdateOpportunity {
                id: "yWQobCRIhRguQtD2llvk".into(),
                stage_id: None,
                status: Some(OpportunityStatus::Won),
                value: usd(99),
                name: None,
            },
        )
        .await
        .unwrap();
    let request = fake.only();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("PUT", "/opportunities/yWQobCRIhRguQtD2llvk")
    );
    assert_eq!(request.json(), json!({ "status": "won", "monetaryValue": 0.99 }));
    assert_eq!((won.status, won.value), (OpportunityStatus::Won, usd(99)));
    assert_eq!((won.name.as_str(), won.contact_id.as_str()), ("testing", "zT46WSCPbudrq4zhWMk6"));

    let nothing = UpdateOpportunity {
        id: "yWQobCRIhRguQtD2llvk".into(),
        stage_id: None,
        status: None,
        value: None,
        name: None,
    };
    let refused = crm.update_opportunity(&call("k2"), nothing).await;
    assert!(matches!(refused, Err(PortError::Invalid { .. })), "{refused:?}");
}

#[tokio::test]
async fn values_are_in_the_sub_accounts_currency() {
    let fake = fake().await;
    let euros = env_with(TOKEN, &[("location_id", LOCATION), ("currency", "EUR")]);
    let crm = ports(&install("gohighlevel", Some(&fake), euros));
    let dollars =
        UpdateOpportunity { id: "o1".into(), stage_id: None, status: None, value: usd(100), name: None };
    let refused = crm.update_opportunity(&call("k1"), dollars).await;
    assert!(
        matches!(&refused, Err(PortError::Invalid { message }) if message.contains("eur")),
        "{refused:?}"
    );
    assert!(fake.received().is_empty());

    let value = Some(Money { amount_minor: 5_000, currency: "eur".into() });
    let moved = crm
        .update_opportunity(
            &call("k2"),
            UpdateOpportunity {
                id: "o1".into(),
                stage_id: Some("s2".into()),
                status: None,
                value,
                name: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(fake.only().json(), json!({ "pipelineStageId": "s2", "monetaryValue": 50 }));
    assert_eq!(moved.value, Some(Money { amount_minor: 5_000, currency: "eur".into() }));
    assert_eq!(moved.stage_id, "s2");
}

#[tokio::test]
async fn pipelines_are_listed_for_the_location_with_their_stages_in_order() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let list = crm.list_pipelines(&call("k1"), ListPipelines {}).await.unwrap();
    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/opportunities/pipelines"));
    assert_eq!(request.query, [("locationId".to_owned(), LOCATION.to_owned())]);
    assert_eq!(list.pipelines.len(), 1);
    let pipeline = &list.pipelines[0];
    assert_eq!((pipeline.id.as_str(), pipeline.name.as_str()), ("aWdODOBVOlH1RUFKWQke", "new pipeline"));
    let stages: Vec<_> = pipeline.stages.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    assert_eq!(
        stages,
        [
            ("e93ba61a-53b3-45e7-985a-c7732dbcdb69", "New lead"),
            ("7915dedc-8f18-44d5-8bc3-77c04e994a10", "Booked")
        ]
    );
}

#[tokio::test]
async fn ghls_errors_become_port_errors() {
    let fake = fake().await;
    let crm = ports(&install("gohighlevel", Some(&fake), env()));
    let context = call("k");
    let get = |id: &str| crm.get_contact(&context, GetContact { id: id.into() });

    assert_eq!(
        get("nobody").await,
        Err(PortError::NotFound { message: "Contact with id nobody not found".into() })
    );
    assert_eq!(get("gone400").await, Err(PortError::NotFound { message: "Contact not found".into() }));
    assert_eq!(get("ratelimited").await, Err(PortError::RateLimited { retry_after_secs: Some(7) }));
    assert!(matches!(get("broken").await, Err(PortError::Unavailable { .. })));

    let bad_email = UpsertContact {
        first_name: None,
        last_name: None,
        email: Some("not-an-email".into()),
        phone: None,
        tags: vec![],
        custom_fields: Default::default(),
        source: None,
    };
    let unprocessable = crm.upsert_contact(&call("k"), bad_email).await;
    assert_eq!(unprocessable, Err(PortError::Invalid { message: "email must be an email".into() }));

    let unknown_pipeline = CreateOpportunity {
        pipeline_id: "unknown".into(),
        stage_id: "s1".into(),
        contact_id: CONTACT.into(),
        name: "x".into(),
        value: None,
        status: Some(OpportunityStatus::Lost),
    };
    let bad_request = crm.create_opportunity(&call("k"), unknown_pipeline).await;
    assert_eq!(bad_request, Err(PortError::Invalid { message: "Bad Request".into() }));

    let stranger =
        ports(&install("gohighlevel", Some(&fake), env_with("pit-revoked", &[("location_id", LOCATION)])));
    let refused = stranger.get_contact(&call("k"), GetContact { id: CONTACT.into() }).await;
    assert_eq!(refused, Err(PortError::Unauthorized { message: "Invalid JWT".into() }));
    assert_eq!(fake.received().last().and_then(|r| r.header("authorization")), Some("Bearer pit-revoked"));
}

// ---- webhooks ----

fn vectors() -> Value {
    serde_json::from_str(include_str!("plugins/vectors/gohighlevel.json")).expect("the vectors are JSON")
}

fn string(value: &Value) -> &str {
    value.as_str().expect("a string")
}

/// The plugin with the vectors' public keys in its configuration (the Ed25519 key as `key_form`).
fn receiver(vectors: &Value, key_form: &str) -> PluginAdapter {
    let config = [
        ("location_id", LOCATION),
        ("ed25519_public_key", string(&vectors[key_form])),
        ("rsa_public_key_pem", string(&vectors["rsa_public_key_pem"])),
    ];
    install("gohighlevel", None, env_with(TOKEN, &config))
}

fn vector<'a>(vectors: &'a Value, name: &str) -> &'a Value {
    vectors["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == name)
        .expect("a vector of that name")
}

async fn deliver(
    adapter: &PluginAdapter,
    vectors: &Value,
    case: &Value,
) -> Result<Vec<maxai_wasm::CanonicalEvent>, WebhookRejection> {
    let headers: Vec<(&str, &str)> =
        case["headers"].as_object().expect("headers").iter().map(|(n, v)| (n.as_str(), string(v))).collect();
    let request = incoming(
        "https://gw.test/v1/hooks/t/gohighlevel",
        &headers,
        string(&case["body"]).as_bytes(),
        string(&vectors["received_at"]),
    );
    adapter.handle_webhook(TenantId::new(), request).await
}

#[tokio::test]
async fn every_vector_is_accepted_or_refused_as_the_sdk_and_the_scheme_say() {
    let vectors = vectors();
    let adapter = receiver(&vectors, "ed25519_public_key_base64");
    for case in vectors["cases"].as_array().expect("cases") {
        let outcome = deliver(&adapter, &vectors, case).await;
        let name = string(&case["name"]);
        match string(&case["expect"]) {
            "events" => assert!(outcome.is_ok(), "{name}: {outcome:?}"),
            "bad_signature" => {
                assert!(matches!(outcome, Err(WebhookRejection::BadSignature(_))), "{name}: {outcome:?}")
            }
            "malformed" => {
                assert!(matches!(outcome, Err(WebhookRejection::Malformed(_))), "{name}: {outcome:?}")
            }
            other => panic!("{name}: unknown expectation {other}"),
        }
    }
}

#[tokio::test]
async fn the_ed25519_key_may_be_configured_as_pem_or_hex_and_defaults_to_ghls() {
    let vectors = vectors();
    let contact = vector(&vectors, "contact_create");
    for form in ["ed25519_public_key_pem", "ed25519_public_key_hex"] {
        let outcome = deliver(&receiver(&vectors, form), &vectors, contact).await;
        assert!(outcome.is_ok(), "{form}: {outcome:?}");
    }
    // without configuration the published keys apply, and they did not sign the test vectors
    let published = install("gohighlevel", None, env());
    for name in ["contact_create", "appointment_create"] {
        let outcome = deliver(&published, &vectors, vector(&vectors, name)).await;
        assert!(matches!(outcome, Err(WebhookRejection::BadSignature(_))), "{name}: {outcome:?}");
    }
}

async fn only_event(name: &str) -> maxai_wasm::CanonicalEvent {
    let vectors = vectors();
    let adapter = receiver(&vectors, "ed25519_public_key_base64");
    let mut events = deliver(&adapter, &vectors, vector(&vectors, name)).await.expect("a good webhook");
    assert_eq!(events.len(), 1, "{name}: {events:?}");
    events.remove(0)
}

#[tokio::test]
async fn contact_create_is_crm_contact_created() {
    let event = only_event("contact_create").await;
    assert_eq!(event.kind, "crm.contact.created");
    assert_eq!(event.subject.as_deref(), Some("nmFmQEsNgz6AVpgLVUJ0"));
    assert_eq!(event.time, "2025-01-28T14:34:58Z");
    assert_eq!(event.provider_event_id.as_deref(), Some("6f9a3c2e-1b4d-4e8a-9c7f-2d5e8b1a0c01"));
    assert_eq!(
        event.data,
        json!({
            "contact_id": "nmFmQEsNgz6AVpgLVUJ0", "location_id": "ve9EPM428h8vShlRW1KT",
            "first_name": "John", "last_name": "Deo", "name": "John Deo", "email": "johndeo@gmail.com",
            "phone": "+919509597501", "tags": ["id magna sed Lorem", "Duis dolor commodo aliqua"],
            "custom_fields": { "BcdmQEsNgz6AVpgLVUJ0": "XYZ Corp" }, "source": "xyz form",
            "company_name": "Loram ipsum", "assigned_to": "nmFmQEsNgz6AVpgLVUJ0", "dnd": true,
            "date_added": "2025-01-28T14:34:58.193Z",
        })
    );
}

#[tokio::test]
async fn an_inbound_sms_is_crm_message_received_with_its_channel() {
    let event = only_event("inbound_sms").await;
    assert_eq!(event.kind, "crm.message.received");
    assert_eq!(event.subject.as_deref(), Some("cI08i1Bls3iTB9bKgFJh"));
    assert_eq!(event.time, "2025-01-28T14:34:59Z");
    assert_eq!(event.provider_event_id.as_deref(), Some("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e02"));
    let data = &event.data;
    assert_eq!(data["channel"], "SMS");
    assert_eq!(data["body"], "Est-ce que jeudi 15 h vous convient ? ✓");
    assert_eq!(data["message_id"], "tyW42xCD0HQpb3hhfLcx");
    assert_eq!(data["conversation_id"], "fcanlLgpbQgQhderivVs");
    assert_eq!(data["contact_id"], "cI08i1Bls3iTB9bKgFJh");
    assert_eq!(data["location_id"], "l1C08ntBrFjLS0elLIYU");
    assert_eq!((&data["direction"], &data["status"]), (&json!("inbound"), &json!("delivered")));
    assert_eq!(data["content_type"], "text/plain");
    assert_eq!(data["attachments"], json!([]));
    assert_eq!(data["conversation_provider_id"], "cI08i1Bls3iTB9bKgF01");
    assert_eq!(data["call_duration"], Value::Null);
}

#[tokio::test]
async fn an_inbound_call_labelled_outbound_message_is_read_by_its_direction() {
    let event = only_event("inbound_call").await;
    assert_eq!(event.kind, "crm.message.received");
    assert_eq!(event.subject.as_deref(), Some("gblakL5aYQC4glDtP1r2t3"));
    assert_eq!(event.time, "2025-01-28T14:30:00Z");
    assert_eq!(event.provider_event_id.as_deref(), Some("7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a03"));
    let data = &event.data;
    assert_eq!((&data["channel"], &data["direction"]), (&json!("CALL"), &json!("inbound")));
    assert_eq!((&data["call_duration"], &data["call_status"]), (&json!(120), &json!("completed")));
    assert_eq!(data["attachments"], json!(["https://example.com/recordings/call.mp3"]));
    assert_eq!(
        (&data["user_id"], &data["message_id"]),
        (&json!("xsmF1xxhmC92ZpL1lj7aLa"), &json!("QkNS0DNje0FjoLQdD5O3"))
    );
}

#[tokio::test]
async fn appointment_create_is_calendar_appointment_created_in_utc() {
    let event = only_event("appointment_create").await;
    assert_eq!(event.kind, "calendar.appointment.created");
    assert_eq!(event.subject.as_deref(), Some("9NkT25Vor1v4aQatFsv2"));
    assert_eq!(event.time, "2025-01-28T14:34:59Z");
    assert_eq!(event.provider_event_id.as_deref(), Some("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c04"));
    assert_eq!(
        event.data,
        json!({
            "appointment_id": "0007BWpSzSwfiuSl0tR2", "calendar_id": "BqTwX8QFwXzpegMve9EQ",
            "contact_id": "9NkT25Vor1v4aQatFsv2", "location_id": "0007BWpSzSwfiuSl0tR2",
            "title": "Appointment with GHL Dev team", "status": "confirmed",
            "start_time": "2025-02-03T16:00:00+05:30", "end_time": "2025-02-03T16:30:00+05:30",
            "assigned_user_id": "YlWd2wuCAZQzh2cH1fVZ", "users": ["YlWd2wuCAZQzh2cH1fVZ", "9NkT25Vor1v4aQatFsv2"],
            "address": "https://example.com/meeting", "notes": "Some dummy note", "source": "booking_widget",
            "group_id": "9NkT25Vor1v4aQatFsv2", "date_added": "2025-01-28T20:04:59+05:30",
        })
    );
}

#[tokio::test]
async fn unread_event_types_are_acknowledged_with_no_event() {
    let vectors = vectors();
    let adapter = receiver(&vectors, "ed25519_public_key_base64");
    let events = deliver(&adapter, &vectors, vector(&vectors, "contact_delete")).await.unwrap();
    assert!(events.is_empty(), "{events:?}");
}
