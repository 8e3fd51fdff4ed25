//! The Retell AI plugin (`plugins/retell`): the voice port against a fake of Retell's API that
//! checks what Retell's API reference requires (bearer API key, JSON bodies with `from_number`
//! and `to_number`, the voice-channel filter of `list-agents`, its pagination) and answers with
//! Retell's call objects and error bodies; and Retell's webhooks, signed by Retell's own Python
//! SDK (`plugins/vectors/generate_retell.py` wrote `retell.json`).

#[path = "plugins/harness.rs"]
mod harness;

use std::collections::BTreeMap;

use maxai_ports::{
    TenantId,
    call::PortError,
    voice::{CallStatus, CreateCall, GetCall, ListVoiceAgents, Voice as _},
};
use maxai_wasm::{CanonicalEvent, Credential, WebhookRejection};
use serde_json::{Value, json};

use harness::{Answer, Env, Fake, Recorded, call, incoming, install, ports};

const API_KEY: &str = "key_0a1b2c3d4e5f60718293a4b5c6d7";
const CALL_ID: &str = "call_119c0a8f82b6d3fd5d11e5d3ba8";
const AGENT_ID: &str = "agent_1ffdb9717444d0e77346838911";
const HOOK: &str = "https://gw.example.com/v1/hooks/t_01/retell";

fn env() -> Env {
    Env {
        credentials: [("api.retellai.com".into(), Credential::Token(API_KEY.into()))].into(),
        ..Env::default()
    }
}

/// Retell's error body.
fn retell_error(status: u16, message: &str) -> Answer {
    Answer::json(status, json!({ "status": "error", "message": message }))
}

/// A phone call object as Retell writes it.
fn call_object(status: &str, to: &str, agent_id: &str) -> Value {
    json!({
        "call_type": "phone_call",
        "from_number": "+14157774444",
        "to_number": to,
        "direction": "outbound",
        "call_id": CALL_ID,
        "agent_id": agent_id,
        "agent_version": 3,
        "call_status": status,
        "metadata": {},
        "retell_llm_dynamic_variables": {},
        "opt_out_sensitive_data_storage": false,
    })
}

fn ended_call() -> Value {
    let mut call = call_object("ended", "+12137774445", AGENT_ID);
    let extra = json!({
        "start_timestamp": 1_795_442_580_000_i64,
        "end_timestamp": 1_795_442_695_500_i64,
        "duration_ms": 115_500,
        "disconnection_reason": "agent_hangup",
        "transcript": "Agent: Hi, this is Ava.\nUser: Hello!\n",
        "recording_url": "https://dxc03zgurdly9.cloudfront.net/a1b2/recording.wav",
    });
    for (k, v) in extra.as_object().expect("object") {
        call[k] = v.clone();
    }
    call
}

fn agent(id: &str, name: &str) -> Value {
    json!({
        "agent_id": id,
        "agent_name": name,
        "channel": "voice",
        "is_suspended": false,
        "tags": {},
        "user_modified_timestamp": 1_703_413_636_133_i64,
    })
}

/// A small Retell API: it refuses what Retell refuses, with Retell's error bodies.
fn retell_api(request: &Recorded) -> Answer {
    if request.header("authorization") != Some(format!("Bearer {API_KEY}").as_str()) {
        return retell_error(401, "API key is missing or invalid.");
    }
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/v2/create-phone-call") => create_phone_call(request),
        ("GET", path) if path == format!("/v2/get-call/{CALL_ID}") => Answer::json(200, ended_call()),
        ("GET", path) if path.starts_with("/v2/get-call/") => {
            retell_error(422, "Cannot find requested asset under given api key.")
        }
        ("POST", "/v2/list-agents") => list_agents(request),
        _ => retell_error(404, "Not Found"),
    }
}

fn create_phone_call(request: &Recorded) -> Answer {
    if request.header("content-type") != Some("application/json") {
        return retell_error(400, "Invalid request format, please check API reference.");
    }
    let body = request.json();
    let (Some(_), Some(to)) = (body["from_number"].as_str(), body["to_number"].as_str()) else {
        return retell_error(400, "Invalid request format, please check API reference.");
    };
    match to {
        "+15005550009" => retell_error(429, "Account rate limited, please throttle your requests.")
            .with_header("Retry-After", "3"),
        "+15005550500" => retell_error(500, "An unexpected server error occurred."),
        "+15005550402" => retell_error(402, "Trial has ended, please add payment method."),
        _ => {
            let agent = body["override_agent_id"].as_str().unwrap_or("agent_bound_to_number");
            let mut call = call_object("registered", to, agent);
            call["metadata"] = body.get("metadata").cloned().unwrap_or(json!({}));
            Answer::json(201, call)
        }
    }
}

fn list_agents(request: &Recorded) -> Answer {
    let voice_only = json!({ "op": "eq", "type": "string", "value": "voice" });
    if request.json()["filter_criteria"]["channel"] != voice_only || request.query("limit") != Some("1000") {
        return retell_error(400, "Invalid request format, please check API reference.");
    }
    match request.query("pagination_key") {
        None => Answer::json(
            200,
            json!({
                "items": [agent(AGENT_ID, "Reminders"), agent("agent_2b", "Reception")],
                "has_more": true,
                "pagination_key": "agent_2b",
            }),
        ),
        Some("agent_2b") => {
            Answer::json(200, json!({ "items": [agent("agent_3c", "After hours")], "has_more": false }))
        }
        Some(_) => retell_error(400, "Invalid pagination key."),
    }
}

fn create(to: &str, agent_id: Option<&str>) -> CreateCall {
    CreateCall {
        to: to.into(),
        from: "+14157774444".into(),
        agent_id: agent_id.map(Into::into),
        variables: BTreeMap::new(),
        metadata: BTreeMap::new(),
    }
}

#[tokio::test]
async fn create_call_posts_retells_body_with_the_bearer_key() {
    let fake = Fake::start(retell_api).await;
    let voice = ports(&install("retell", Some(&fake), env()));
    let input = CreateCall {
        variables: [("first_name".to_owned(), "Zoë".to_owned())].into(),
        metadata: [("contact_id".to_owned(), json!("c_42")), ("attempt".to_owned(), json!(2))].into(),
        ..create("+12137774445", Some(AGENT_ID))
    };
    let placed = voice.create_call(&call("step-7f3a"), input).await.unwrap();
    assert_eq!((placed.id.as_str(), placed.status), (CALL_ID, CallStatus::Registered));
    assert_eq!(placed.agent_id.as_deref(), Some(AGENT_ID));
    assert_eq!((placed.from.as_deref(), placed.to.as_deref()), (Some("+14157774444"), Some("+12137774445")));
    assert_eq!((placed.started_at, placed.ended_at, placed.duration_ms), (None, None, None));
    assert_eq!(placed.transcript, None);

    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v2/create-phone-call"));
    assert_eq!(request.header("authorization"), Some(format!("Bearer {API_KEY}").as_str()));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({
            "from_number": "+14157774444",
            "to_number": "+12137774445",
            "override_agent_id": AGENT_ID,
            "retell_llm_dynamic_variables": { "first_name": "Zoë" },
            "metadata": { "contact_id": "c_42", "attempt": 2 },
            "idempotency_key": "step-7f3a",
        })
    );
}

#[tokio::test]
async fn create_call_leaves_out_what_is_not_given() {
    let fake = Fake::start(retell_api).await;
    let voice = ports(&install("retell", Some(&fake), env()));
    let placed = voice.create_call(&call("k1"), create("+12137774445", None)).await.unwrap();
    assert_eq!(placed.agent_id.as_deref(), Some("agent_bound_to_number"));
    assert_eq!(
        fake.only().json(),
        json!({ "from_number": "+14157774444", "to_number": "+12137774445", "idempotency_key": "k1" })
    );
}

#[tokio::test]
async fn get_call_maps_an_ended_call() {
    let fake = Fake::start(retell_api).await;
    let voice = ports(&install("retell", Some(&fake), env()));
    let ended = voice.get_call(&call("k1"), GetCall { id: CALL_ID.into() }).await.unwrap();
    assert_eq!((ended.id.as_str(), ended.status), (CALL_ID, CallStatus::Ended));
    // 2026-11-23T14:03:00Z and 14:04:55.500Z
    assert_eq!(ended.started_at.map(|t| t.timestamp_millis()), Some(1_795_442_580_000));
    assert_eq!(ended.ended_at.map(|t| t.timestamp_millis()), Some(1_795_442_695_500));
    assert_eq!(ended.duration_ms, Some(115_500));
    assert_eq!(ended.disconnection_reason.as_deref(), Some("agent_hangup"));
    assert_eq!(ended.transcript.as_deref(), Some("Agent: Hi, this is Ava.\nUser: Hello!\n"));
    let request = fake.only();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/v2/get-call/call_119c0a8f82b6d3fd5d11e5d3ba8")
    );
    assert_eq!(request.header("authorization"), Some(format!("Bearer {API_KEY}").as_str()));
}

#[tokio::test]
async fn list_voice_agents_pages_through_the_voice_channel() {
    let fake = Fake::start(retell_api).await;
    let voice = ports(&install("retell", Some(&fake), env()));
    let listed = voice.list_voice_agents(&call("k1"), ListVoiceAgents {}).await.unwrap();
    let agents: Vec<(&str, &str)> = listed.agents.iter().map(|a| (a.id.as_str(), a.name.as_str())).collect();
    assert_eq!(agents, [(AGENT_ID, "Reminders"), ("agent_2b", "Reception"), ("agent_3c", "After hours")]);
    let requests = fake.received();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert!(requests.iter().all(|r| r.method == "POST" && r.path == "/v2/list-agents"));
    assert_eq!(
        (requests[0].query("pagination_key"), requests[1].query("pagination_key")),
        (None, Some("agent_2b"))
    );
}

#[tokio::test]
async fn retell_errors_become_port_errors() {
    let fake = Fake::start(retell_api).await;
    let voice = ports(&install("retell", Some(&fake), env()));
    let unknown = voice.get_call(&call("k1"), GetCall { id: "call_unknown".into() }).await;
    assert_eq!(
        unknown,
        Err(PortError::NotFound { message: "Cannot find requested asset under given api key.".into() })
    );
    let limited = voice.create_call(&call("k2"), create("+15005550009", None)).await;
    assert_eq!(limited, Err(PortError::RateLimited { retry_after_secs: Some(3) }));
    let down = voice.create_call(&call("k3"), create("+15005550500", None)).await;
    assert!(matches!(down, Err(PortError::Unavailable { .. })), "{down:?}");
    let unpaid = voice.create_call(&call("k4"), create("+15005550402", None)).await;
    assert!(
        matches!(unpaid, Err(PortError::Provider { status: 402, ref message }) if message.contains("Trial"))
    );

    let mut wrong = env();
    wrong.credentials.insert("api.retellai.com".into(), Credential::Token("key_revoked".into()));
    let refused = ports(&install("retell", Some(&fake), wrong))
        .list_voice_agents(&call("k6"), ListVoiceAgents {})
        .await;
    assert_eq!(refused, Err(PortError::Unauthorized { message: "API key is missing or invalid.".into() }));

    let before = fake.received().len();
    let unsafe_id = voice.get_call(&call("k7"), GetCall { id: "../list-agents".into() }).await;
    assert!(matches!(unsafe_id, Err(PortError::Invalid { .. })), "{unsafe_id:?}");
    assert_eq!(fake.received().len(), before, "an unsafe id sends nothing");
}

#[tokio::test]
async fn a_body_retell_refuses_is_invalid() {
    let fake =
        Fake::start(|_: &Recorded| retell_error(400, "Invalid request format, please check API reference."))
            .await;
    let voice = ports(&install("retell", Some(&fake), env()));
    let refused = voice.create_call(&call("k1"), create("+12137774445", None)).await;
    assert_eq!(
        refused,
        Err(PortError::Invalid { message: "Invalid request format, please check API reference.".into() })
    );
}

// --- webhooks ----------------------------------------------------------------------------------

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/plugins/vectors/retell.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("retell.json")).expect("JSON")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("vector field {key} is not text"))
}

/// A vector's body and signature header.
fn vector(name: &str) -> (Vec<u8>, String) {
    let all = vectors();
    let v = all["vectors"].as_array().and_then(|vs| vs.iter().find(|v| v["name"] == name).cloned());
    let v = v.unwrap_or_else(|| panic!("no vector {name}"));
    (text(&v, "body").as_bytes().to_vec(), text(&v["headers"], "X-Retell-Signature").to_owned())
}

fn received_at() -> String {
    text(&vectors(), "received_at").to_owned()
}

fn secrets(key: &str) -> Env {
    Env { secrets: [("api_key".to_owned(), key.as_bytes().to_vec())].into(), ..env() }
}

async fn deliver(
    env: Env,
    signature: Option<&str>,
    body: &[u8],
    received_at: &str,
) -> Result<Vec<CanonicalEvent>, WebhookRejection> {
    let mut headers = vec![("Content-Type", "application/json")];
    headers.extend(signature.map(|s| ("X-Retell-Signature", s)));
    let adapter = install("retell", None, env);
    adapter.handle_webhook(TenantId::new(), incoming(HOOK, &headers, body, received_at)).await
}

async fn deliver_vector(name: &str) -> Result<Vec<CanonicalEvent>, WebhookRejection> {
    let (body, signature) = vector(name);
    deliver(secrets(API_KEY), Some(&signature), &body, &received_at()).await
}

fn one(events: Vec<CanonicalEvent>) -> CanonicalEvent {
    assert_eq!(events.len(), 1, "{events:?}");
    events.into_iter().next().expect("one event")
}

fn bad_signature(result: &Result<Vec<CanonicalEvent>, WebhookRejection>) -> bool {
    matches!(result, Err(WebhookRejection::BadSignature(_)))
}

#[tokio::test]
async fn every_sdk_signed_request_is_judged_as_the_sdk_does() {
    assert_eq!(text(&vectors(), "api_key"), API_KEY);
    let all = vectors();
    for v in all["vectors"].as_array().expect("vectors") {
        let name = text(v, "name");
        let result = deliver_vector(name).await;
        match name {
            "stale" | "future" => assert!(bad_signature(&result), "{name}: {result:?}"),
            "not_json" => assert!(matches!(result, Err(WebhookRejection::Malformed(_))), "{result:?}"),
            _ => assert!(result.is_ok(), "{name}: {result:?}"),
        }
    }
}

#[tokio::test]
async fn call_started_is_a_started_event() {
    let event = one(deliver_vector("call_started").await.unwrap());
    assert_eq!(event.kind, "voice.call.started");
    assert_eq!(event.subject.as_deref(), Some(CALL_ID));
    assert_eq!(event.time, "2026-11-23T14:03:00.000Z");
    assert_eq!(event.provider_event_id, Some(format!("{CALL_ID}:call_started")));
    assert_eq!(
        event.data,
        json!({
            "call_id": CALL_ID,
            "call_type": "phone_call",
            "agent_id": AGENT_ID,
            "agent_version": 3,
            "status": "ongoing",
            "provider_status": "ongoing",
            "direction": "outbound",
            "from": "+14157774444",
            "to": "+12137774445",
            "started_at": "2026-11-23T14:03:00.000Z",
            "ended_at": null,
            "duration_ms": null,
            "disconnection_reason": null,
            "transcript": null,
            "recording_url": null,
            "metadata": { "contact_id": "c_42", "campaign": "reminders" },
            "variables": { "first_name": "Zoë" },
            "cost": null,
        })
    );
}

#[tokio::test]
async fn call_ended_carries_the_outcome_and_cost() {
    let event = one(deliver_vector("call_ended").await.unwrap());
    assert_eq!(event.kind, "voice.call.ended");
    assert_eq!(event.subject.as_deref(), Some(CALL_ID));
    assert_eq!(event.time, "2026-11-23T14:04:55.500Z");
    assert_eq!(event.provider_event_id, Some(format!("{CALL_ID}:call_ended")));
    let data = &event.data;
    assert_eq!((data["status"].as_str(), data["provider_status"].as_str()), (Some("ended"), Some("ended")));
    assert_eq!(data["started_at"], "2026-11-23T14:03:00.000Z");
    assert_eq!(data["ended_at"], "2026-11-23T14:04:55.500Z");
    assert_eq!(data["duration_ms"], 115_500);
    assert_eq!(data["disconnection_reason"], "agent_hangup");
    assert!(text(data, "transcript").starts_with("Agent: Hi Zoë, this is Ava"));
    assert_eq!(data["recording_url"], "https://dxc03zgurdly9.cloudfront.net/a1b2/recording.wav");
    assert_eq!(data["cost"]["combined_cost"], 115.5);
    assert_eq!(data["cost"]["total_duration_seconds"], 116);
    assert!(data.get("analysis").is_none(), "no analysis before call_analyzed: {data}");
}

#[tokio::test]
async fn call_analyzed_carries_the_analysis() {
    let event = one(deliver_vector("call_analyzed").await.unwrap());
    assert_eq!(event.kind, "voice.call.analyzed");
    assert_eq!(event.provider_event_id, Some(format!("{CALL_ID}:call_analyzed")));
    assert_eq!(event.time, "2026-11-23T14:04:55.500Z");
    let analysis = &event.data["analysis"];
    assert_eq!(analysis["call_summary"], "The customer confirmed the Tuesday 3pm appointment.");
    assert_eq!(
        (analysis["user_sentiment"].as_str(), analysis["call_successful"].as_bool()),
        (Some("Positive"), Some(true))
    );
    assert_eq!(analysis["custom_analysis_data"], json!({ "confirmed": true }));
}

#[tokio::test]
async fn an_unanswered_call_ends_in_error() {
    let event = one(deliver_vector("call_ended_no_answer").await.unwrap());
    assert_eq!(event.kind, "voice.call.ended");
    assert_eq!(event.time, "2026-11-23T14:04:55.500Z");
    assert_eq!(
        (event.data["status"].as_str(), event.data["provider_status"].as_str()),
        (Some("error"), Some("not_connected"))
    );
    assert_eq!(
        (event.data["started_at"].clone(), event.data["disconnection_reason"].clone()),
        (Value::Null, json!("dial_no_answer"))
    );
}

#[tokio::test]
async fn opt_in_events_verify_but_give_no_events() {
    assert_eq!(deliver_vector("transcript_updated").await.unwrap(), vec![]);
}

#[tokio::test]
async fn the_signature_covers_body_key_and_time() {
    let (body, signature) = vector("call_ended");
    let tampered = String::from_utf8(body.clone()).unwrap().replace("agent_hangup", "user_hangup");
    let result = deliver(secrets(API_KEY), Some(&signature), tampered.as_bytes(), &received_at()).await;
    assert!(bad_signature(&result), "tampered body: {result:?}");
    let result = deliver(secrets("key_someone_else"), Some(&signature), &body, &received_at()).await;
    assert!(bad_signature(&result), "wrong key: {result:?}");
    let result = deliver(Env::default(), Some(&signature), &body, &received_at()).await;
    assert!(bad_signature(&result), "no key: {result:?}");
    // the same request, six minutes later
    let result = deliver(secrets(API_KEY), Some(&signature), &body, "2026-11-23T14:11:00Z").await;
    assert!(
        matches!(result, Err(WebhookRejection::BadSignature(ref m)) if m.contains("five minutes")),
        "{result:?}"
    );
    // a timestamp that is not the one signed
    let (timestamp, digest) = signature.split_once(',').unwrap();
    let signed_ms: i64 = timestamp.trim_start_matches("v=").parse().unwrap();
    let moved = format!("v={},{digest}", signed_ms + 1);
    let result = deliver(secrets(API_KEY), Some(&moved), &body, &received_at()).await;
    assert!(bad_signature(&result), "moved timestamp {moved}: {result:?}");
}

#[tokio::test]
async fn a_missing_or_malformed_header_is_refused() {
    let (body, signature) = vector("call_started");
    let missing = deliver(secrets(API_KEY), None, &body, &received_at()).await;
    assert!(
        matches!(missing, Err(WebhookRejection::BadSignature(ref m)) if m.contains("missing")),
        "{missing:?}"
    );
    let digest_only = signature.split_once(',').unwrap().1.to_owned();
    for header in [digest_only.as_str(), "v=1795442698000", "v=1795442698000,d=zz", "garbage"] {
        let result = deliver(secrets(API_KEY), Some(header), &body, &received_at()).await;
        assert!(bad_signature(&result), "{header}: {result:?}");
    }
}

#[tokio::test]
async fn a_signed_body_that_is_not_a_webhook_is_malformed() {
    let result = deliver_vector("not_json").await;
    assert!(matches!(result, Err(WebhookRejection::Malformed(_))), "{result:?}");
}
