//! The Twilio plugin (`plugins/twilio`): the messaging port against a fake of Twilio's Messages
//! API that checks what Twilio's API reference requires (basic auth with the account SID and
//! auth token, a form body with `To`, `From` or `MessagingServiceSid`, `Body` or `MediaUrl`) and
//! answers with Twilio's message resources and error bodies; and Twilio's webhooks, signed by
//! Twilio's own Python SDK (`plugins/vectors/generate_twilio.py` wrote `twilio.json`).

#[path = "plugins/harness.rs"]
mod harness;

use base64::Engine as _;
use maxai_ports::{
    TenantId,
    call::PortError,
    messaging::{GetMessageStatus, MessageStatus, Messaging as _, SendMessage},
};
use maxai_wasm::{CanonicalEvent, Credential, WebhookRejection};
use serde_json::{Value, json};

use harness::{Answer, Env, Fake, Recorded, call, incoming, install, ports};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "12345abcdef67890twiliotokenabcd";
const MESSAGES: &str = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages";
const RECEIVED_AT: &str = "2026-11-23T14:05:00Z";

fn env(config: &[(&str, &str)]) -> Env {
    Env {
        config: config.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        credentials: [(
            "api.twilio.com".into(),
            Credential::Basic { username: ACCOUNT.into(), password: AUTH_TOKEN.into() },
        )]
        .into(),
        ..Env::default()
    }
}

fn configured() -> Env {
    env(&[("account_sid", ACCOUNT)])
}

/// Twilio's error body.
fn twilio_error(status: u16, code: u32, message: &str) -> Answer {
    let more_info = format!("https://www.twilio.com/docs/errors/{code}");
    Answer::json(
        status,
        json!({ "code": code, "message": message, "more_info": more_info, "status": status }),
    )
}

/// A message resource as Twilio writes it (counts as strings, dates in RFC 2822).
fn message(sid: &str, status: &str, to: &str, from: Option<&str>, body: &str, segments: &str) -> Value {
    json!({
        "account_sid": ACCOUNT,
        "api_version": "2010-04-01",
        "body": body,
        "date_created": "Mon, 23 Nov 2026 14:05:00 +0000",
        "date_sent": null,
        "date_updated": "Mon, 23 Nov 2026 14:05:00 +0000",
        "direction": "outbound-api",
        "error_code": null,
        "error_message": null,
        "from": from,
        "messaging_service_sid": "MG0123456789abcdef0123456789abcdef",
        "num_media": "0",
        "num_segments": segments,
        "price": null,
        "price_unit": "USD",
        "sid": sid,
        "status": status,
        "subresource_uris": { "media": format!("{MESSAGES}/{sid}/Media.json") },
        "to": to,
        "uri": format!("{MESSAGES}/{sid}.json"),
    })
}

fn basic_auth() -> String {
    let pair = format!("{ACCOUNT}:{AUTH_TOKEN}");
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
}

/// A small Messages API: it refuses what Twilio refuses, with Twilio's codes.
fn messages_api(request: &Recorded) -> Answer {
    if request.header("authorization") != Some(basic_auth().as_str()) {
        return twilio_error(401, 20003, "Authenticate");
    }
    let create = format!("{MESSAGES}.json");
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", path) if path == create => create_message(request),
        ("GET", path) if path == format!("{MESSAGES}/SM5ca8d4bd2d7fa35e3b0a9d2b0e3f9a01.json") => {
            Answer::json(
                200,
                message("SM5ca8d4bd2d7fa35e3b0a9d2b0e3f9a01", "delivered", "+15558675310", None, "Hi", "2"),
            )
        }
        ("GET", path) if path == format!("{MESSAGES}/SM00000000000000000000000000000bad.json") => {
            let mut body =
                message("SM00000000000000000000000000000bad", "undelivered", "+1", None, "Hi", "1");
            body["error_code"] = json!(30003);
            body["error_message"] = json!("Unreachable destination handset");
            Answer::json(200, body)
        }
        _ => twilio_error(404, 20404, &format!("The requested resource {} was not found", request.path)),
    }
}

fn create_message(request: &Recorded) -> Answer {
    if request.header("content-type") != Some("application/x-www-form-urlencoded") {
        return twilio_error(400, 20001, "Unsupported content type");
    }
    let form = request.form();
    let get = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let Some(to) = get("To") else { return twilio_error(400, 21604, "A 'To' phone number is required.") };
    let from = get("From");
    if from.is_none() && get("MessagingServiceSid").is_none() {
        return twilio_error(400, 21603, "A 'From' phone number is required.");
    }
    if get("Body").is_none() && get("MediaUrl").is_none() {
        return twilio_error(400, 21602, "Message body is required.");
    }
    match to {
        "+15005550001" => twilio_error(400, 21211, "Invalid 'To' Phone Number: +15005550001"),
        "+15005550009" => twilio_error(429, 20429, "Too Many Requests").with_header("Retry-After", "7"),
        "+15005550500" => Answer::json(500, json!({ "message": "Internal Server Error" })),
        _ => Answer::json(
            201,
            message("SM5ca8d4bd2d7fa35e3b0a9d2b0e3f9a01", "queued", to, from, get("Body").unwrap_or(""), "1"),
        ),
    }
}

fn send(to: &str, from: Option<&str>, media: &[&str]) -> SendMessage {
    SendMessage {
        to: to.into(),
        from: from.map(Into::into),
        body: "Your appointment is confirmed for 3pm & see you soon".into(),
        media_urls: media.iter().map(|m| (*m).to_owned()).collect(),
    }
}

#[tokio::test]
async fn send_message_posts_twilios_form_with_the_hosts_basic_auth() {
    let fake = Fake::start(messages_api).await;
    let messaging = ports(&install("twilio", Some(&fake), configured()));
    let media = ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.png"];
    let receipt = messaging
        .send_message(&call("k1"), send("+15558675310", Some("+15017122661"), &media))
        .await
        .unwrap();
    assert_eq!(receipt.id, "SM5ca8d4bd2d7fa35e3b0a9d2b0e3f9a01");
    assert_eq!(receipt.status, MessageStatus::Queued);
    assert_eq!((receipt.segments, receipt.error_code), (Some(1), None));

    let request = fake.only();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", format!("{MESSAGES}.json").as_str())
    );
    assert_eq!(request.header("authorization"), Some(basic_auth().as_str()));
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    let expected = [
        ("To", "+15558675310"),
        ("From", "+15017122661"),
        ("Body", "Your appointment is confirmed for 3pm & see you soon"),
        ("MediaUrl", "https://cdn.example.com/a.jpg"),
        ("MediaUrl", "https://cdn.example.com/b.png"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    assert_eq!(request.form(), expected);
    assert!(String::from_utf8_lossy(&request.body).contains("To=%2B15558675310"), "form-encoded `+`");
}

#[tokio::test]
async fn the_default_sender_may_be_a_messaging_service() {
    let fake = Fake::start(messages_api).await;
    let config = [("account_sid", ACCOUNT), ("default_from", "MG0123456789abcdef0123456789abcdef")];
    let messaging = ports(&install("twilio", Some(&fake), env(&config)));
    messaging.send_message(&call("k1"), send("+15558675310", None, &[])).await.unwrap();
    let form = fake.only().form();
    assert!(form.contains(&("MessagingServiceSid".into(), "MG0123456789abcdef0123456789abcdef".into())));
    assert!(!form.iter().any(|(k, _)| k == "From"), "{form:?}");

    let numbered = [("account_sid", ACCOUNT), ("default_from", "+15017122661")];
    let fake = Fake::start(messages_api).await;
    let messaging = ports(&install("twilio", Some(&fake), env(&numbered)));
    messaging.send_message(&call("k2"), send("+15558675310", None, &[])).await.unwrap();
    assert!(fake.only().form().contains(&("From".into(), "+15017122661".into())));
}

#[tokio::test]
async fn missing_settings_are_invalid_before_any_request() {
    let fake = Fake::start(messages_api).await;
    let messaging = ports(&install("twilio", Some(&fake), configured()));
    let no_sender = messaging.send_message(&call("k1"), send("+15558675310", None, &[])).await;
    assert!(matches!(no_sender, Err(PortError::Invalid { ref message }) if message.contains("default_from")));

    let unconfigured = ports(&install("twilio", Some(&fake), env(&[])));
    let no_account =
        unconfigured.send_message(&call("k2"), send("+15558675310", Some("+15017122661"), &[])).await;
    assert!(matches!(no_account, Err(PortError::Invalid { ref message }) if message.contains("account_sid")));
    let bad_id =
        messaging.get_message_status(&call("k3"), GetMessageStatus { id: "../../Calls".into() }).await;
    assert!(matches!(bad_id, Err(PortError::Invalid { .. })), "{bad_id:?}");
    assert!(fake.received().is_empty(), "{:?}", fake.received());
}

#[tokio::test]
async fn get_message_status_reads_segments_and_error_codes() {
    let fake = Fake::start(messages_api).await;
    let messaging = ports(&install("twilio", Some(&fake), configured()));
    let id = "SM5ca8d4bd2d7fa35e3b0a9d2b0e3f9a01";
    let delivered =
        messaging.get_message_status(&call("k1"), GetMessageStatus { id: id.into() }).await.unwrap();
    assert_eq!(delivered.id, id);
    assert_eq!(
        (delivered.status, delivered.segments, delivered.error_code),
        (MessageStatus::Delivered, Some(2), None)
    );
    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.clone()), ("GET", format!("{MESSAGES}/{id}.json")));
    assert_eq!(request.header("authorization"), Some(basic_auth().as_str()));

    let id = "SM00000000000000000000000000000bad".to_owned();
    let failed = messaging.get_message_status(&call("k2"), GetMessageStatus { id }).await.unwrap();
    assert_eq!(failed.status, MessageStatus::Undelivered);
    assert_eq!(failed.error_code.as_deref(), Some("30003"));
}

#[tokio::test]
async fn twilio_errors_become_port_errors() {
    let fake = Fake::start(messages_api).await;
    let messaging = ports(&install("twilio", Some(&fake), configured()));
    let to = |number: &str| send(number, Some("+15017122661"), &[]);

    let invalid = messaging.send_message(&call("k1"), to("+15005550001")).await;
    assert_eq!(
        invalid,
        Err(PortError::Invalid { message: "21211: Invalid 'To' Phone Number: +15005550001".into() })
    );
    let limited = messaging.send_message(&call("k2"), to("+15005550009")).await;
    assert_eq!(limited, Err(PortError::RateLimited { retry_after_secs: Some(7) }));
    let down = messaging.send_message(&call("k3"), to("+15005550500")).await;
    assert!(matches!(down, Err(PortError::Unavailable { .. })), "{down:?}");
    let missing = messaging.get_message_status(&call("k4"), GetMessageStatus { id: "SM404".into() }).await;
    assert!(
        matches!(missing, Err(PortError::NotFound { ref message }) if message.starts_with("20404: ")),
        "{missing:?}"
    );

    let mut wrong = configured();
    wrong.credentials.insert(
        "api.twilio.com".into(),
        Credential::Basic { username: ACCOUNT.into(), password: "not-the-token".into() },
    );
    let refused =
        ports(&install("twilio", Some(&fake), wrong)).send_message(&call("k5"), to("+15558675310")).await;
    assert_eq!(refused, Err(PortError::Unauthorized { message: "20003: Authenticate".into() }));
}

// --- webhooks ----------------------------------------------------------------------------------

struct Vector {
    url: String,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/plugins/vectors/twilio.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("twilio.json")).expect("JSON")
}

/// A string field of a vector.
fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("vector field {key} is not text"))
}

fn vector(name: &str) -> Vector {
    let all = vectors();
    let v = all["vectors"].as_array().and_then(|vs| vs.iter().find(|v| v["name"] == name).cloned());
    let v = v.unwrap_or_else(|| panic!("no vector {name}"));
    let headers = v["headers"].as_object().expect("headers");
    Vector {
        url: text(&v, "url").to_owned(),
        body: text(&v, "body").as_bytes().to_vec(),
        headers: headers.keys().map(|k| (k.clone(), text(&v["headers"], k).to_owned())).collect(),
    }
}

fn webhook_env(secrets: &[(&str, &str)]) -> Env {
    Env {
        secrets: secrets.iter().map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec())).collect(),
        ..configured()
    }
}

fn secrets_env() -> Env {
    let all = vectors();
    let (token, shared) = (text(&all, "auth_token"), text(&all, "shared_key"));
    webhook_env(&[("auth_token", token), ("shared_key", shared)])
}

async fn deliver(
    env: Env,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Vec<CanonicalEvent>, WebhookRejection> {
    let adapter = install("twilio", None, env);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    adapter.handle_webhook(TenantId::new(), incoming(url, &headers, body, RECEIVED_AT)).await
}

async fn deliver_vector(name: &str) -> Result<Vec<CanonicalEvent>, WebhookRejection> {
    let v = vector(name);
    deliver(secrets_env(), &v.url, &v.headers, &v.body).await
}

fn one(events: Vec<CanonicalEvent>) -> CanonicalEvent {
    assert_eq!(events.len(), 1, "{events:?}");
    events.into_iter().next().expect("one event")
}

#[tokio::test]
async fn every_sdk_signed_request_verifies() {
    let all = vectors();
    for v in all["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let result = deliver_vector(name).await;
        match name {
            "no_message_sid" => assert!(matches!(result, Err(WebhookRejection::Malformed(_))), "{result:?}"),
            _ => assert!(result.is_ok(), "{name}: {result:?}"),
        }
    }
}

#[tokio::test]
async fn an_inbound_sms_is_a_received_event() {
    let event = one(deliver_vector("inbound_sms").await.unwrap());
    assert_eq!(event.kind, "messaging.sms.received");
    assert_eq!(event.subject.as_deref(), Some("+15558675310"));
    assert_eq!(event.time, RECEIVED_AT);
    assert_eq!(event.provider_event_id.as_deref(), Some("SM1f0e8ae6ade43cb3c0ce4525424e404f"));
    assert_eq!(
        event.data,
        json!({
            "message_sid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
            "account_sid": ACCOUNT,
            "messaging_service_sid": "MG0123456789abcdef0123456789abcdef",
            "from": "+15558675310",
            "to": "+15017122661",
            "body": "Hi, is my appointment still on for 3pm? Reply YES & I'll be there",
            "segments": 1,
            "media": [],
            "profile_name": null,
        })
    );
}

#[tokio::test]
async fn an_inbound_mms_lists_its_media() {
    let event = one(deliver_vector("inbound_mms").await.unwrap());
    assert_eq!(event.kind, "messaging.sms.received");
    assert_eq!(event.provider_event_id.as_deref(), Some("MM90c6fc909d8504d45ecdb3a3d5b3556e"));
    assert_eq!(event.data["body"], "");
    let media = event.data["media"].as_array().unwrap();
    assert_eq!(media.len(), 2);
    assert_eq!(media[0]["content_type"], "image/jpeg");
    assert_eq!(media[1]["content_type"], "image/png");
    assert!(media[1]["url"].as_str().unwrap().ends_with("/Media/ME0000000000000000000000000000000b"));
}

#[tokio::test]
async fn each_status_callback_is_an_event_of_its_own() {
    let sid = "SM5ca8d4bd2d7fa35e3b0a9d2b0e3f9a01";
    let sent = one(deliver_vector("status_sent").await.unwrap());
    let delivered = one(deliver_vector("status_delivered").await.unwrap());
    let undelivered = one(deliver_vector("status_undelivered").await.unwrap());
    for (event, status) in [(&sent, "sent"), (&delivered, "delivered"), (&undelivered, "undelivered")] {
        assert_eq!(event.kind, "messaging.sms.status");
        assert_eq!(event.subject.as_deref(), Some(sid));
        assert_eq!(event.time, RECEIVED_AT);
        assert_eq!(event.provider_event_id, Some(format!("{sid}:{status}")));
        assert_eq!(event.data["status"], status);
        assert_eq!(event.data["provider_status"], status);
        assert_eq!(
            (event.data["from"].as_str(), event.data["to"].as_str()),
            (Some("+15017122661"), Some("+15558675310"))
        );
    }
    assert_eq!(sent.data["error_code"], Value::Null);
    assert_eq!(undelivered.data["error_code"], "30003");
    assert_eq!(undelivered.data["account_sid"], ACCOUNT);
    // `read` (WhatsApp) counts as delivered, and keeps Twilio's word
    let read = one(deliver_vector("shared_key_sha256").await.unwrap());
    assert_eq!(
        (read.data["status"].as_str(), read.data["provider_status"].as_str()),
        (Some("delivered"), Some("read"))
    );
}

#[tokio::test]
async fn the_signature_covers_url_body_and_token() {
    let v = vector("inbound_sms");
    let tampered = String::from_utf8(v.body.clone()).unwrap().replace("3pm", "4pm");
    let result = deliver(secrets_env(), &v.url, &v.headers, tampered.as_bytes()).await;
    assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "tampered body: {result:?}");
    let extra = format!("{}&Injected=1", String::from_utf8(v.body.clone()).unwrap());
    let result = deliver(secrets_env(), &v.url, &v.headers, extra.as_bytes()).await;
    assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "added parameter: {result:?}");
    let other_url = v.url.replace("t_01", "t_02");
    let result = deliver(secrets_env(), &other_url, &v.headers, &v.body).await;
    assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "other URL: {result:?}");
    let wrong = webhook_env(&[("auth_token", "a-different-auth-token")]);
    let result = deliver(wrong, &v.url, &v.headers, &v.body).await;
    assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "wrong token: {result:?}");
    let no_secret = deliver(webhook_env(&[]), &v.url, &v.headers, &v.body).await;
    assert!(matches!(no_secret, Err(WebhookRejection::BadSignature(_))), "no secret: {no_secret:?}");
}

#[tokio::test]
async fn a_missing_or_unreadable_signature_is_refused() {
    let v = vector("inbound_sms");
    let unsigned: Vec<_> = v.headers.iter().filter(|(k, _)| k != "X-Twilio-Signature").cloned().collect();
    let result = deliver(secrets_env(), &v.url, &unsigned, &v.body).await;
    assert!(
        matches!(result, Err(WebhookRejection::BadSignature(ref m)) if m.contains("missing")),
        "{result:?}"
    );
    let mut garbled = unsigned.clone();
    garbled.push(("X-Twilio-Signature".into(), "not base64 at all!".into()));
    let result = deliver(secrets_env(), &v.url, &garbled, &v.body).await;
    assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "{result:?}");
}

#[tokio::test]
async fn the_url_is_tried_with_and_without_its_port() {
    // signed over `https://gw.example.com:443/…`, received as `https://gw.example.com/…`
    assert!(deliver_vector("signed_with_port").await.is_ok());
    let v = vector("inbound_sms");
    let with_port = v.url.replace(".com/", ".com:443/");
    assert!(deliver(secrets_env(), &with_port, &v.headers, &v.body).await.is_ok());
}

#[tokio::test]
async fn a_json_body_is_covered_by_its_hash() {
    let v = vector("json_body");
    let events = deliver(secrets_env(), &v.url, &v.headers, &v.body).await.unwrap();
    assert!(events.is_empty(), "no messaging events in a JSON webhook: {events:?}");
    let tampered = String::from_utf8(v.body.clone()).unwrap().replace("\"n\": 1", "\"n\": 2");
    let result = deliver(secrets_env(), &v.url, &v.headers, tampered.as_bytes()).await;
    assert!(
        matches!(result, Err(WebhookRejection::BadSignature(ref m)) if m.contains("bodySHA256")),
        "{result:?}"
    );
    // without the hash in the URL, a JSON body would be signed by nothing
    let unhashed = v.url.split('?').next().unwrap();
    let result = deliver(secrets_env(), unhashed, &v.headers, &v.body).await;
    assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "{result:?}");
}

#[tokio::test]
async fn shared_key_webhooks_use_their_own_secret_and_algorithm() {
    let v = vector("shared_key_sha256");
    let all = vectors();
    let token_only = webhook_env(&[("auth_token", all["auth_token"].as_str().unwrap())]);
    let result = deliver(token_only, &v.url, &v.headers, &v.body).await;
    assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "{result:?}");
    let mut unknown = v.headers.clone();
    unknown.retain(|(k, _)| k != "X-Twilio-Webhooks-Signature-Settings");
    unknown.push(("X-Twilio-Webhooks-Signature-Settings".into(), "key=k,algorithm=HMAC_MD5".into()));
    let result = deliver(secrets_env(), &v.url, &unknown, &v.body).await;
    assert!(
        matches!(result, Err(WebhookRejection::BadSignature(ref m)) if m.contains("HMAC_MD5")),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_signed_request_without_a_message_is_malformed() {
    let result = deliver_vector("no_message_sid").await;
    assert!(
        matches!(result, Err(WebhookRejection::Malformed(ref m)) if m.contains("MessageSid")),
        "{result:?}"
    );
}
