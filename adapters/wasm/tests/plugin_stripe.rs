//! The Stripe plugin (`plugins/stripe`): the payments port against a fake of Stripe's REST API v1
//! and Stripe's webhooks against vectors signed by Stripe's own Python SDK.
//!
//! The fake answers like Stripe: it wants the secret key as a bearer token, form bodies, the
//! pinned `Stripe-Version`, and (the plugin's own contract) an `Idempotency-Key` on every POST; it
//! refuses parameters Stripe does not document for the endpoint and requires the ones Stripe
//! requires (checked against stripe-python 16.1's request types), with Stripe's error bodies. Its
//! answers follow Stripe's API reference. The webhook vectors are
//! `plugins/vectors/stripe.json`, made by `plugins/vectors/generate_stripe.py`.

#[path = "plugins/harness.rs"]
mod harness;

use maxai_ports::{
    TenantId,
    call::PortError,
    payments::{
        CheckoutKind, CreateCheckout, CreateCustomer, GetPaymentStatus, LineItem, ListInvoices, Money,
        PaymentStatus, Payments as _, Refund,
    },
};
use maxai_wasm::{CanonicalEvent, Credential, PluginAdapter, WebhookRejection};
use serde_json::{Value, json};

use harness::{Answer, Env, Fake, Recorded, call, incoming, install, ports};

const KEY: &str = "sk_test_51Mz9dWLkdIwHu7ixKeyOfTheTenant";
const API_VERSION: &str = "2026-10-28.endive";
const HOOK_URL: &str = "https://gw.example.com/v1/hooks/t_01/stripe";

fn vectors() -> Value {
    serde_json::from_str(include_str!("plugins/vectors/stripe.json")).expect("stripe.json")
}

fn env_with_secret(secret: &str) -> Env {
    Env {
        credentials: [("api.stripe.com".into(), Credential::Token(KEY.into()))].into(),
        secrets: [("webhook_secret".into(), secret.as_bytes().to_vec())].into(),
        ..Env::default()
    }
}

fn env() -> Env {
    env_with_secret(vectors()["secret"].as_str().expect("secret"))
}

// ---- the fake -------------------------------------------------------------------------------

/// Stripe's error answer.
fn stripe_error(status: u16, kind: &str, code: Option<&str>, message: &str, param: Option<&str>) -> Answer {
    let mut error = json!({ "type": kind, "message": message });
    if let Some(code) = code {
        error["code"] = json!(code);
        error["doc_url"] = json!(format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")));
    }
    if let Some(param) = param {
        error["param"] = json!(param);
    }
    error["request_log_url"] = json!("https://dashboard.stripe.com/test/logs/req_5b5cTestLog01");
    Answer::json(status, json!({ "error": error }))
}

fn invalid(code: &str, message: &str, param: &str) -> Answer {
    stripe_error(400, "invalid_request_error", Some(code), message, Some(param))
}

/// A form key with indices and metadata keys generalized: `line_items[0][quantity]` is
/// `line_items[][quantity]`, `metadata[order]` is `metadata[*]`.
fn shape(key: &str) -> String {
    if key.starts_with("metadata[") {
        return "metadata[*]".into();
    }
    let mut parts = key.split('[');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let index =
            part.strip_suffix(']').is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()));
        out.push_str(if index { "[]" } else { "[" });
        if !index {
            out.push_str(part);
        }
    }
    out
}

const PRICE_DATA: [&str; 4] = [
    "line_items[][quantity]",
    "line_items[][price_data][currency]",
    "line_items[][price_data][unit_amount]",
    "line_items[][price_data][product_data][name]",
];

/// The parameters the fake accepts at an endpoint (a subset of what Stripe documents there),
/// and the ones it requires of every line item.
fn documented(path: &str) -> Option<(Vec<&'static str>, &'static [&'static str])> {
    let mut known = vec!["metadata[*]"];
    let required: &[&str] = match path {
        "/v1/customers" => {
            known.extend(["email", "name", "phone", "description"]);
            &[]
        }
        "/v1/checkout/sessions" => {
            known.extend(["mode", "customer", "success_url", "cancel_url"]);
            known.extend(PRICE_DATA);
            &PRICE_DATA
        }
        "/v1/payment_links" => {
            known.extend(["after_completion[type]", "after_completion[redirect][url]"]);
            known.extend(PRICE_DATA);
            &PRICE_DATA
        }
        "/v1/refunds" => {
            known.extend(["payment_intent", "charge", "amount", "reason"]);
            &[]
        }
        _ => return None,
    };
    Some((known, required))
}

/// What Stripe would refuse in a POST form, with Stripe's answer.
fn check_form(path: &str, form: &[(String, String)]) -> Result<(), Answer> {
    let (known, item_fields) = documented(path).ok_or_else(|| {
        stripe_error(
            404,
            "invalid_request_error",
            None,
            &format!("Unrecognized request URL (POST: {path})."),
            None,
        )
    })?;
    let value = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    for (key, v) in form {
        if !known.contains(&shape(key).as_str()) {
            return Err(invalid("parameter_unknown", &format!("Received unknown parameter: {key}"), key));
        }
        let integer = ["amount", "quantity]", "unit_amount]"].iter().any(|k| key.ends_with(k));
        if integer && v.parse::<i64>().is_err() {
            return Err(invalid("parameter_invalid_integer", &format!("Invalid integer: {v}"), key));
        }
    }
    let items = form.iter().filter(|(k, _)| k.ends_with("][quantity]")).count();
    if !item_fields.is_empty() && items == 0 {
        return Err(invalid("parameter_missing", "Missing required param: line_items.", "line_items"));
    }
    for i in 0..items {
        for field in item_fields {
            let key = field.replacen("[]", &format!("[{i}]"), 1);
            if value(&key).is_none() {
                return Err(invalid("parameter_missing", &format!("Missing required param: {key}."), &key));
            }
        }
    }
    if path == "/v1/refunds" && value("payment_intent").or(value("charge")).is_none() {
        return Err(invalid(
            "parameter_missing",
            "One of the following params should be provided for this request: payment_intent or charge.",
            "payment_intent",
        ));
    }
    if let Some(reason) =
        value("reason").filter(|r| !["duplicate", "fraudulent", "requested_by_customer"].contains(r))
    {
        return Err(invalid(
            "parameter_invalid_string",
            &format!(
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer ({reason})"
            ),
            "reason",
        ));
    }
    Ok(())
}

/// What Stripe (and the plugin's own contract) would refuse in any request.
fn check(request: &Recorded) -> Result<(), Answer> {
    if request.header("authorization") != Some(&format!("Bearer {KEY}")) {
        let message = "Invalid API Key provided: sk_test_********************";
        return Err(stripe_error(401, "invalid_request_error", None, message, None));
    }
    assert_eq!(request.header("stripe-version"), Some(API_VERSION), "{request:?}");
    if request.method == "POST" {
        assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
        assert!(request.header("idempotency-key").is_some_and(|k| !k.is_empty()), "no Idempotency-Key");
        check_form(&request.path, &request.form())?;
    } else {
        assert!(request.body.is_empty(), "a GET with a body");
    }
    Ok(())
}

fn form_value(request: &Recorded, key: &str) -> Value {
    request.form().into_iter().find(|(k, _)| k == key).map_or(Value::Null, |(_, v)| json!(v))
}

fn metadata(request: &Recorded) -> Value {
    let pairs = request.form().into_iter().filter_map(|(k, v)| {
        let key = k.strip_prefix("metadata[")?.strip_suffix(']')?.to_owned();
        Some((key, json!(v)))
    });
    Value::Object(pairs.collect())
}

fn customer(request: &Recorded) -> Answer {
    Answer::json(
        200,
        json!({
            "id": "cus_NffrFeUfNV2Hib", "object": "customer", "address": null, "balance": 0,
            "created": 1680893993, "currency": null, "default_source": null, "delinquent": false,
            "description": null, "email": form_value(request, "email"),
            "invoice_prefix": "0759376C", "livemode": false, "metadata": metadata(request),
            "name": form_value(request, "name"), "next_invoice_sequence": 1,
            "phone": form_value(request, "phone"), "preferred_locales": [], "shipping": null,
            "tax_exempt": "none", "test_clock": null
        }),
    )
}

fn checkout_session(request: &Recorded) -> Answer {
    let id = "cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u";
    Answer::json(
        200,
        json!({
            "id": id, "object": "checkout.session", "amount_subtotal": 3300, "amount_total": 3300,
            "cancel_url": form_value(request, "cancel_url"), "created": 1795442400, "currency": "eur",
            "customer": form_value(request, "customer"), "expires_at": 1795528800, "livemode": false,
            "metadata": metadata(request), "mode": "payment", "payment_intent": null,
            "payment_link": null, "payment_status": "unpaid", "status": "open",
            "success_url": form_value(request, "success_url"),
            "url": format!("https://checkout.stripe.com/c/pay/{id}#fidkdWxOYHwnPyd1blpxYHZxWjA0SDdPUW5JbmFMck1wMmx9")
        }),
    )
}

fn payment_link(request: &Recorded) -> Answer {
    Answer::json(
        200,
        json!({
            "id": "plink_1MoC3ULkdIwHu7ixZjtGpVl2", "object": "payment_link", "active": true,
            "after_completion": { "hosted_confirmation": { "custom_message": null }, "type": "hosted_confirmation" },
            "allow_promotion_codes": false, "billing_address_collection": "auto", "currency": "eur",
            "livemode": false, "metadata": metadata(request), "payment_method_types": null,
            "url": "https://buy.stripe.com/test_cN25nr0iZ7bUa7meUY"
        }),
    )
}

fn payment_intent(id: &str) -> Answer {
    let (status, error) = match id {
        "pi_3MtwBwLkdIwHu7ix28a3tqPa" => ("succeeded", Value::Null),
        "pi_new" => ("requires_payment_method", Value::Null),
        "pi_declined" => (
            "requires_payment_method",
            json!({ "type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined." }),
        ),
        "pi_3ds" => ("requires_action", Value::Null),
        "pi_confirming" => ("processing", Value::Null),
        "pi_canceled" => ("canceled", Value::Null),
        _ => {
            let message = format!("No such payment_intent: '{id}'");
            return stripe_error(
                404,
                "invalid_request_error",
                Some("resource_missing"),
                &message,
                Some("intent"),
            );
        }
    };
    Answer::json(
        200,
        json!({
            "id": id, "object": "payment_intent", "amount": 2000, "amount_capturable": 0,
            "amount_received": if status == "succeeded" { 2000 } else { 0 },
            "automatic_payment_methods": { "enabled": true }, "capture_method": "automatic",
            "client_secret": format!("{id}_secret_YrKJUKribcBjcG8HVhfZluoGH"),
            "confirmation_method": "automatic", "created": 1680800504, "currency": "usd",
            "customer": null, "last_payment_error": error, "livemode": false, "metadata": {},
            "payment_method_types": ["card"], "status": status
        }),
    )
}

fn refund(request: &Recorded) -> Answer {
    if form_value(request, "payment_intent") == json!("pi_refunded") {
        let message = "Charge ch_3MtwBwLkdIwHu7ix28a3tqPa has already been refunded.";
        return invalid("charge_already_refunded", message, "payment_intent");
    }
    let amount = form_value(request, "amount").as_str().map_or(2000, |a| a.parse().expect("integer"));
    Answer::json(
        200,
        json!({
            "id": "re_1Nispe2eZvKYlo2Cd31jOCgZ", "object": "refund", "amount": amount,
            "balance_transaction": "txn_1Nispe2eZvKYlo2CYezqFhEx", "charge": "ch_1NirD82eZvKYlo2CIvbtLWuY",
            "created": 1692942318, "currency": "usd", "destination_details": { "card": { "type": "refund" }, "type": "card" },
            "metadata": metadata(request), "payment_intent": form_value(request, "payment_intent"),
            "reason": form_value(request, "reason"), "receipt_number": null,
            "source_transfer_reversal": null, "status": "succeeded", "transfer_reversal": null
        }),
    )
}

fn stripe_invoice(id: &str, number: Value, status: &str, total: i64, created: i64) -> Value {
    json!({
        "id": id, "object": "invoice", "account_country": "US", "amount_due": total,
        "amount_paid": if status == "paid" { total } else { 0 }, "billing_reason": "manual",
        "collection_method": "charge_automatically", "created": created, "currency": "usd",
        "customer": "cus_NffrFeUfNV2Hib", "hosted_invoice_url": if status == "draft" { Value::Null } else {
            json!(format!("https://invoice.stripe.com/i/acct_1M2JTkLkdIwHu7ix/test_{id}"))
        },
        "livemode": false, "metadata": {}, "number": number, "status": status, "subtotal": total, "total": total
    })
}

/// Two pages, newest first: `starting_after` the second invoice gives the last one.
fn invoices(request: &Recorded) -> Answer {
    let (data, has_more) = match request.query("starting_after") {
        None => (
            vec![
                stripe_invoice(
                    "in_1MtHbELkdIwHu7ixl4OzzPMv",
                    json!("0759376C-0003"),
                    "open",
                    1500,
                    1795442400,
                ),
                stripe_invoice(
                    "in_1MtGmCLkdIwHu7ix6PgS6g8S",
                    json!("0759376C-0002"),
                    "paid",
                    2000,
                    1795356000,
                ),
            ],
            true,
        ),
        Some("in_1MtGmCLkdIwHu7ix6PgS6g8S") => (
            vec![stripe_invoice("in_1MsKjoLkdIwHu7ixo9zhM2zL", Value::Null, "draft", 700, 1795269600)],
            false,
        ),
        Some(other) => {
            let message = format!("No such invoice: '{other}'");
            return stripe_error(
                404,
                "invalid_request_error",
                Some("resource_missing"),
                &message,
                Some("starting_after"),
            );
        }
    };
    Answer::json(200, json!({ "object": "list", "url": "/v1/invoices", "has_more": has_more, "data": data }))
}

/// A stand-in for api.stripe.com.
fn stripe(request: &Recorded) -> Answer {
    if let Err(refusal) = check(request) {
        return refusal;
    }
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/v1/customers") => customer(request),
        ("POST", "/v1/checkout/sessions") => checkout_session(request),
        ("POST", "/v1/payment_links") => payment_link(request),
        ("POST", "/v1/refunds") => refund(request),
        ("GET", "/v1/invoices") => invoices(request),
        ("GET", path) if path.starts_with("/v1/payment_intents/") => {
            payment_intent(&path["/v1/payment_intents/".len()..])
        }
        (method, path) => {
            let message = format!("Unrecognized request URL ({method}: {path}).");
            stripe_error(404, "invalid_request_error", None, &message, None)
        }
    }
}

fn eur(amount_minor: i64) -> Money {
    Money { amount_minor, currency: "eur".into() }
}

fn items() -> Vec<LineItem> {
    vec![
        LineItem { name: "Haircut".into(), unit_amount: eur(2500), quantity: 1 },
        LineItem { name: "Hair wash".into(), unit_amount: eur(400), quantity: 2 },
    ]
}

fn pairs(request: &Recorded) -> Vec<(String, String)> {
    request.form()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

const ITEM_PAIRS: [(&str, &str); 8] = [
    ("line_items[0][price_data][currency]", "eur"),
    ("line_items[0][price_data][unit_amount]", "2500"),
    ("line_items[0][price_data][product_data][name]", "Haircut"),
    ("line_items[0][quantity]", "1"),
    ("line_items[1][price_data][currency]", "eur"),
    ("line_items[1][price_data][unit_amount]", "400"),
    ("line_items[1][price_data][product_data][name]", "Hair wash"),
    ("line_items[1][quantity]", "2"),
];

// ---- the port --------------------------------------------------------------------------------

#[tokio::test]
async fn a_customer_is_a_form_post_with_the_key_the_version_and_the_idempotency_key() {
    let fake = Fake::start(stripe).await;
    let payments = ports(&install("stripe", Some(&fake), env()));
    let input = CreateCustomer {
        email: Some("ada@example.com".into()),
        name: Some("Ada Lovelace".into()),
        phone: Some("+4915112345678".into()),
        metadata: [("crm_id".to_owned(), "c_42".to_owned())].into(),
    };
    let customer = payments.create_customer(&call("step-7-try-1"), input).await.unwrap();
    assert_eq!(customer.id, "cus_NffrFeUfNV2Hib");
    assert_eq!(
        (customer.email.as_deref(), customer.name.as_deref()),
        (Some("ada@example.com"), Some("Ada Lovelace"))
    );

    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/customers"));
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(request.header("idempotency-key"), Some("step-7-try-1"));
    assert_eq!(request.header("stripe-version"), Some(API_VERSION));
    assert_eq!(
        pairs(&request),
        owned(&[
            ("email", "ada@example.com"),
            ("name", "Ada Lovelace"),
            ("phone", "+4915112345678"),
            ("metadata[crm_id]", "c_42")
        ])
    );
}

#[tokio::test]
async fn a_checkout_session_has_inline_prices_the_customer_and_both_urls() {
    let fake = Fake::start(stripe).await;
    let payments = ports(&install("stripe", Some(&fake), env()));
    let input = CreateCheckout {
        kind: CheckoutKind::CheckoutSession,
        customer_id: Some("cus_NffrFeUfNV2Hib".into()),
        line_items: items(),
        success_url: Some("https://salon.example/thanks".into()),
        cancel_url: Some("https://salon.example/cancel".into()),
        metadata: [("order".to_owned(), "A-1001".to_owned())].into(),
    };
    let checkout = payments.create_checkout(&call("k-session"), input).await.unwrap();
    assert_eq!(checkout.kind, CheckoutKind::CheckoutSession);
    assert_eq!(checkout.id, "cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u");
    assert!(checkout.url.starts_with("https://checkout.stripe.com/c/pay/cs_test_a11YY"), "{}", checkout.url);

    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/checkout/sessions"));
    assert_eq!(request.header("idempotency-key"), Some("k-session"));
    let mut expected = owned(&[("mode", "payment")]);
    expected.extend(owned(&ITEM_PAIRS));
    expected.extend(owned(&[
        ("customer", "cus_NffrFeUfNV2Hib"),
        ("success_url", "https://salon.example/thanks"),
        ("cancel_url", "https://salon.example/cancel"),
        ("metadata[order]", "A-1001"),
    ]));
    assert_eq!(pairs(&request), expected);
    // the brackets travel percent-encoded, as a form encoder writes them
    assert!(String::from_utf8_lossy(&request.body).contains("line_items%5B0%5D%5Bquantity%5D=1"));
}

#[tokio::test]
async fn a_payment_link_is_one_post_with_inline_prices_and_a_redirect_after_payment() {
    let fake = Fake::start(stripe).await;
    let payments = ports(&install("stripe", Some(&fake), env()));
    let input = CreateCheckout {
        kind: CheckoutKind::PaymentLink,
        customer_id: None,
        line_items: items(),
        success_url: Some("https://salon.example/thanks".into()),
        cancel_url: Some("https://salon.example/cancel".into()),
        metadata: [("order".to_owned(), "A-1002".to_owned())].into(),
    };
    let link = payments.create_checkout(&call("k-link"), input).await.unwrap();
    assert_eq!(
        (link.id.as_str(), link.kind, link.url.as_str()),
        (
            "plink_1MoC3ULkdIwHu7ixZjtGpVl2",
            CheckoutKind::PaymentLink,
            "https://buy.stripe.com/test_cN25nr0iZ7bUa7meUY"
        )
    );

    let request = fake.only();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/payment_links"));
    assert_eq!(request.header("idempotency-key"), Some("k-link"));
    let mut expected = owned(&ITEM_PAIRS);
    expected.extend(owned(&[
        ("after_completion[type]", "redirect"),
        ("after_completion[redirect][url]", "https://salon.example/thanks"),
        ("metadata[order]", "A-1002"),
    ]));
    assert_eq!(pairs(&request), expected, "a link has no cancel page and takes no customer");
}

#[tokio::test]
async fn checkouts_stripe_cannot_make_are_refused_before_any_request() {
    let fake = Fake::start(stripe).await;
    let payments = ports(&install("stripe", Some(&fake), env()));
    let link_for_a_customer = CreateCheckout {
        kind: CheckoutKind::PaymentLink,
        customer_id: Some("cus_NffrFeUfNV2Hib".into()),
        line_items: items(),
        success_url: None,
        cancel_url: None,
        metadata: Default::default(),
    };
    let refused = payments.create_checkout(&call("k1"), link_for_a_customer).await;
    assert!(
        matches!(&refused, Err(PortError::Invalid { message }) if message.contains("customer_id")),
        "{refused:?}"
    );
    let nothing_to_pay = CreateCheckout {
        kind: CheckoutKind::CheckoutSession,
        customer_id: None,
        line_items: vec![],
        success_url: None,
        cancel_url: None,
        metadata: Default::default(),
    };
    let refused = payments.create_checkout(&call("k2"), nothing_to_pay).await;
    assert!(
        matches!(&refused, Err(PortError::Invalid { message }) if message.contains("line_items")),
        "{refused:?}"
    );
    assert!(fake.received().is_empty());
}

#[tokio::test]
async fn payment_intent_statuses_become_the_ports() {
    let fake = Fake::start(stripe).await;
    let payments = ports(&install("stripe", Some(&fake), env()));
    let cases = [
        ("pi_3MtwBwLkdIwHu7ix28a3tqPa", PaymentStatus::Succeeded),
        ("pi_new", PaymentStatus::Pending),
        ("pi_declined", PaymentStatus::Failed),
        ("pi_3ds", PaymentStatus::RequiresAction),
        ("pi_confirming", PaymentStatus::Pending),
        ("pi_canceled", PaymentStatus::Canceled),
    ];
    for (id, status) in cases {
        let payment =
            payments.get_payment_status(&call("k"), GetPaymentStatus { id: id.into() }).await.unwrap();
        assert_eq!((payment.id.as_str(), payment.status), (id, status));
        assert_eq!(payment.amount, Money { amount_minor: 2000, currency: "usd".into() });
    }
    let received = fake.received();
    assert_eq!(received.len(), cases.len());
    for (request, (id, _)) in received.iter().zip(cases) {
        assert_eq!(
            (request.method.as_str(), request.path.clone()),
            ("GET", format!("/v1/payment_intents/{id}"))
        );
        assert!(request.query.is_empty() && request.header("idempotency-key").is_none());
    }

    let odd =
        payments.get_payment_status(&call("k"), GetPaymentStatus { id: "pi_1/../../customers".into() }).await;
    assert!(matches!(odd, Err(PortError::Invalid { .. })), "{odd:?}");
    assert_eq!(fake.received().len(), cases.len(), "an id that is no Stripe id is not sent");
}

#[tokio::test]
async fn refunds_name_the_payment_intent_or_the_charge_and_keep_free_reasons_in_metadata() {
    let fake = Fake::start(stripe).await;
    let payments = ports(&install("stripe", Some(&fake), env()));
    let partial = Refund {
        payment_id: "pi_3MtwBwLkdIwHu7ix28a3tqPa".into(),
        amount: Some(Money { amount_minor: 1000, currency: "usd".into() }),
        reason: Some("requested_by_customer".into()),
    };
    let receipt = payments.refund(&call("k-refund-1"), partial).await.unwrap();
    assert_eq!((receipt.id.as_str(), receipt.status.as_str()), ("re_1Nispe2eZvKYlo2Cd31jOCgZ", "succeeded"));
    assert_eq!(receipt.amount, Money { amount_minor: 1000, currency: "usd".into() });

    let whole = Refund {
        payment_id: "ch_3MtwBwLkdIwHu7ix28a3tqPa".into(),
        amount: None,
        reason: Some("double booking".into()),
    };
    let receipt = payments.refund(&call("k-refund-2"), whole).await.unwrap();
    assert_eq!(receipt.amount.amount_minor, 2000);

    let received = fake.received();
    assert!(received.iter().all(|r| (r.method.as_str(), r.path.as_str()) == ("POST", "/v1/refunds")));
    assert_eq!(received[0].header("idempotency-key"), Some("k-refund-1"));
    assert_eq!(
        pairs(&received[0]),
        owned(&[
            ("payment_intent", "pi_3MtwBwLkdIwHu7ix28a3tqPa"),
            ("amount", "1000"),
            ("reason", "requested_by_customer")
        ])
    );
    assert_eq!(received[1].header("idempotency-key"), Some("k-refund-2"));
    assert_eq!(
        pairs(&received[1]),
        owned(&[("charge", "ch_3MtwBwLkdIwHu7ix28a3tqPa"), ("metadata[reason]", "double booking")])
    );

    let again = Refund { payment_id: "pi_refunded".into(), amount: None, reason: None };
    let refused = payments.refund(&call("k-refund-3"), again).await;
    assert!(
        matches!(&refused, Err(PortError::Invalid { message }) if message.contains("already been refunded") && message.contains("charge_already_refunded")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn invoices_page_with_starting_after_the_last_id() {
    let fake = Fake::start(stripe).await;
    let payments = ports(&install("stripe", Some(&fake), env()));
    let first = ListInvoices { customer_id: Some("cus_NffrFeUfNV2Hib".into()), limit: Some(2), cursor: None };
    let page = payments.list_invoices(&call("k"), first).await.unwrap();
    assert_eq!(page.next_cursor.as_deref(), Some("in_1MtGmCLkdIwHu7ix6PgS6g8S"));
    assert_eq!(page.invoices.len(), 2);
    let newest = &page.invoices[0];
    assert_eq!(
        (newest.id.as_str(), newest.number.as_deref()),
        ("in_1MtHbELkdIwHu7ixl4OzzPMv", Some("0759376C-0003"))
    );
    assert_eq!(
        (newest.status.as_str(), &newest.total),
        ("open", &Money { amount_minor: 1500, currency: "usd".into() })
    );
    assert_eq!(
        newest.hosted_url.as_deref(),
        Some("https://invoice.stripe.com/i/acct_1M2JTkLkdIwHu7ix/test_in_1MtHbELkdIwHu7ixl4OzzPMv")
    );
    assert_eq!(newest.created_at.to_rfc3339(), "2026-11-23T14:00:00+00:00");

    let next = ListInvoices {
        customer_id: Some("cus_NffrFeUfNV2Hib".into()),
        limit: Some(2),
        cursor: page.next_cursor,
    };
    let last = payments.list_invoices(&call("k"), next).await.unwrap();
    assert_eq!(last.next_cursor, None);
    let draft = &last.invoices[0];
    assert_eq!(
        (draft.id.as_str(), draft.number.as_deref(), draft.status.as_str()),
        ("in_1MsKjoLkdIwHu7ixo9zhM2zL", None, "draft")
    );
    assert_eq!(draft.hosted_url, None);

    let received = fake.received();
    assert_eq!((received[0].method.as_str(), received[0].path.as_str()), ("GET", "/v1/invoices"));
    let query = |r: &Recorded| r.query.clone();
    assert_eq!(query(&received[0]), owned(&[("limit", "2"), ("customer", "cus_NffrFeUfNV2Hib")]));
    assert_eq!(
        query(&received[1]),
        owned(&[
            ("limit", "2"),
            ("customer", "cus_NffrFeUfNV2Hib"),
            ("starting_after", "in_1MtGmCLkdIwHu7ix6PgS6g8S")
        ])
    );

    let all = payments
        .list_invoices(&call("k"), ListInvoices { customer_id: None, limit: Some(500), cursor: None })
        .await;
    assert!(all.is_ok());
    assert_eq!(query(&fake.received()[2]), owned(&[("limit", "100")]), "Stripe's pages hold 100 at most");
}

/// A fake whose every answer is the same error.
async fn failing(answer: impl Fn() -> Answer + Send + Sync + 'static) -> PluginAdapter {
    let fake = Fake::start(move |_| answer()).await;
    // the fake's server task outlives the handle, for the adapter's calls
    install("stripe", Some(&fake), env())
}

async fn status_error(adapter: &PluginAdapter) -> PortError {
    let payments = ports(adapter);
    payments
        .get_payment_status(&call("k"), GetPaymentStatus { id: "pi_x".into() })
        .await
        .expect_err("an error")
}

#[tokio::test]
async fn stripe_errors_become_port_errors() {
    let fake = Fake::start(stripe).await;
    let payments = ports(&install("stripe", Some(&fake), env()));
    let missing = payments.get_payment_status(&call("k"), GetPaymentStatus { id: "pi_gone".into() }).await;
    assert_eq!(
        missing,
        Err(PortError::NotFound {
            message: "No such payment_intent: 'pi_gone' (resource_missing, param intent)".into()
        })
    );

    let wrong_key = Env {
        credentials: [("api.stripe.com".into(), Credential::Token("sk_test_revoked".into()))].into(),
        ..env()
    };
    let payments = ports(&install("stripe", Some(&fake), wrong_key));
    let refused = payments.get_payment_status(&call("k"), GetPaymentStatus { id: "pi_new".into() }).await;
    assert!(
        matches!(&refused, Err(PortError::Unauthorized { message }) if message.starts_with("Invalid API Key")),
        "{refused:?}"
    );

    let limited = failing(|| {
        let message = "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.";
        stripe_error(429, "invalid_request_error", Some("rate_limit"), message, None).with_header("Retry-After", "2")
    })
    .await;
    assert_eq!(status_error(&limited).await, PortError::RateLimited { retry_after_secs: Some(2) });

    let bad_integer =
        failing(|| invalid("parameter_invalid_integer", "Invalid integer: 12.5", "amount")).await;
    assert_eq!(
        status_error(&bad_integer).await,
        PortError::Invalid {
            message: "Invalid integer: 12.5 (parameter_invalid_integer, param amount)".into()
        }
    );

    let declined = failing(|| {
        Answer::json(402, json!({ "error": { "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds." } }))
    })
    .await;
    assert_eq!(
        status_error(&declined).await,
        PortError::Provider {
            status: 402,
            message: "Your card has insufficient funds. (card_declined)".into()
        }
    );

    let down = failing(|| stripe_error(500, "api_error", None, "An unknown error occurred", None)).await;
    assert!(matches!(status_error(&down).await, PortError::Unavailable { .. }));
}

// ---- webhooks --------------------------------------------------------------------------------

fn signed(header: &str, body: &[u8]) -> maxai_wasm::Incoming {
    let received_at = vectors()["received_at"].as_str().expect("received_at").to_owned();
    incoming(
        HOOK_URL,
        &[("Stripe-Signature", header), ("Content-Type", "application/json; charset=utf-8")],
        body,
        &received_at,
    )
}

fn event_vector(kind: &str, nth: usize) -> (String, String, String) {
    let vectors = vectors();
    let event = vectors["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == kind)
        .nth(nth)
        .unwrap_or_else(|| panic!("no vector for {kind}"))
        .clone();
    let text = |key: &str| event[key].as_str().expect(key).to_owned();
    (text("id"), text("body"), text("header"))
}

fn case(name: &str) -> (String, String, bool) {
    let vectors = vectors();
    let case =
        vectors["cases"].as_array().expect("cases").iter().find(|c| c["name"] == name).expect(name).clone();
    (
        case["body"].as_str().expect("body").into(),
        case["header"].as_str().expect("header").into(),
        case["valid"] == true,
    )
}

async fn one_event(adapter: &PluginAdapter, kind: &str, nth: usize) -> CanonicalEvent {
    let (id, body, header) = event_vector(kind, nth);
    let events = adapter.handle_webhook(TenantId::new(), signed(&header, body.as_bytes())).await;
    let mut events = events.unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert_eq!(events.len(), 1, "{kind}");
    let event = events.remove(0);
    assert_eq!(event.provider_event_id.as_deref(), Some(id.as_str()));
    assert_eq!(event.time, "2026-11-23T14:04:15Z", "the event's `created`");
    assert_eq!(event.data["livemode"], json!(false));
    event
}

fn money(amount_minor: i64, currency: &str) -> Value {
    json!({ "amount_minor": amount_minor, "currency": currency })
}

#[tokio::test]
async fn a_completed_checkout_normalizes_from_a_link_or_a_session() {
    let adapter = install("stripe", None, env());
    let link = one_event(&adapter, "checkout.session.completed", 0).await;
    assert_eq!(link.kind, "payments.checkout.completed");
    let session_id = "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY";
    assert_eq!(link.subject.as_deref(), Some(session_id));
    assert_eq!(link.data["checkout_id"], json!(session_id));
    assert_eq!(link.data["kind"], json!("payment_link"));
    assert_eq!(link.data["payment_link_id"], json!("plink_1Pgc78B7WZ01zgkWC75kX0jg"));
    assert_eq!(link.data["customer_id"], Value::Null);
    assert_eq!(link.data["customer_email"], json!("ada@example.com"));
    assert_eq!(link.data["payment_id"], json!("pi_3QbXtQB7WZ01zgkW1sKq9v3c"));
    assert_eq!(link.data["payment_status"], json!("paid"));
    assert_eq!(link.data["amount_total"], money(3300, "eur"));
    assert_eq!(link.data["metadata"], json!({ "order": "A-1001" }));

    let session = one_event(&adapter, "checkout.session.completed", 1).await;
    assert_eq!(session.data["kind"], json!("checkout_session"));
    assert_eq!(session.data["payment_link_id"], Value::Null);
    assert_eq!(session.data["customer_id"], json!("cus_QXg1o8vcGmoR32"));
}

#[tokio::test]
async fn invoice_events_normalize_paid_and_failed() {
    let adapter = install("stripe", None, env());
    let paid = one_event(&adapter, "invoice.paid", 0).await;
    assert_eq!(
        (paid.kind.as_str(), paid.subject.as_deref()),
        ("payments.invoice.paid", Some("in_1Pgc6tB7WZ01zgkWu9fdqL6I"))
    );
    assert_eq!(paid.data["invoice_id"], json!("in_1Pgc6tB7WZ01zgkWu9fdqL6I"));
    assert_eq!(paid.data["number"], json!("7FE1103-0001"));
    assert_eq!(paid.data["customer_id"], json!("cus_QXg1o8vcGmoR32"));
    assert_eq!(paid.data["customer_email"], json!("ada@example.com"));
    assert_eq!(paid.data["status"], json!("paid"));
    assert_eq!(paid.data["total"], money(1000, "usd"));
    assert_eq!(paid.data["amount_paid"], money(1000, "usd"));
    assert_eq!(paid.data["amount_due"], money(1000, "usd"));
    assert_eq!(
        paid.data["hosted_url"],
        json!("https://invoice.stripe.com/i/acct_1PgafmB7WZ01zgkW/test_YWNjdF8xUGdhZm1CN1daMDF6Z2tX")
    );
    assert_eq!(paid.data["attempt_count"], json!(1));
    assert_eq!(paid.data["metadata"], json!({ "plan": "pro" }));

    let failed = one_event(&adapter, "invoice.payment_failed", 0).await;
    assert_eq!(failed.kind, "payments.invoice.payment_failed");
    assert_eq!(failed.subject.as_deref(), Some("in_1Pgc6tB7WZ01zgkWu9fdqL6I"));
    assert_eq!(
        (failed.data["status"].clone(), failed.data["amount_paid"].clone()),
        (json!("open"), money(0, "usd"))
    );
}

#[tokio::test]
async fn payment_intent_events_normalize_with_the_reason_of_a_failure() {
    let adapter = install("stripe", None, env());
    let ok = one_event(&adapter, "payment_intent.succeeded", 0).await;
    assert_eq!(
        (ok.kind.as_str(), ok.subject.as_deref()),
        ("payments.payment.succeeded", Some("pi_3QbXtQB7WZ01zgkW1sKq9v3c"))
    );
    assert_eq!(ok.data["payment_id"], json!("pi_3QbXtQB7WZ01zgkW1sKq9v3c"));
    assert_eq!(ok.data["customer_id"], json!("cus_QXg1o8vcGmoR32"));
    assert_eq!(ok.data["status"], json!("succeeded"));
    assert_eq!(ok.data["amount"], money(3300, "eur"));
    assert_eq!(ok.data["failure"], Value::Null);
    assert_eq!(ok.data["metadata"], json!({ "order": "A-1001" }));

    let failed = one_event(&adapter, "payment_intent.payment_failed", 0).await;
    assert_eq!(failed.kind, "payments.payment.failed");
    assert_eq!(failed.data["status"], json!("requires_payment_method"));
    assert_eq!(
        failed.data["failure"],
        json!({ "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined." })
    );
}

#[tokio::test]
async fn a_refunded_charge_normalizes_to_a_refund() {
    let adapter = install("stripe", None, env());
    let refund = one_event(&adapter, "charge.refunded", 0).await;
    assert_eq!(
        (refund.kind.as_str(), refund.subject.as_deref()),
        ("payments.refund.succeeded", Some("ch_3QbXtQB7WZ01zgkW1bV0Ud7n"))
    );
    assert_eq!(refund.data["charge_id"], json!("ch_3QbXtQB7WZ01zgkW1bV0Ud7n"));
    assert_eq!(refund.data["payment_id"], json!("pi_3QbXtQB7WZ01zgkW1sKq9v3c"));
    assert_eq!(refund.data["customer_id"], json!("cus_QXg1o8vcGmoR32"));
    assert_eq!(refund.data["amount"], money(3300, "eur"));
    assert_eq!(refund.data["amount_refunded"], money(1000, "eur"));
    assert_eq!(refund.data["fully_refunded"], json!(false));
}

#[tokio::test]
async fn an_event_type_the_gateway_does_not_use_is_accepted_with_no_events() {
    let adapter = install("stripe", None, env());
    let (_, body, header) = event_vector("customer.created", 0);
    let events = adapter.handle_webhook(TenantId::new(), signed(&header, body.as_bytes())).await;
    assert_eq!(events, Ok(vec![]));
}

#[tokio::test]
async fn signatures_follow_stripes_sdk_on_every_vector() {
    let adapter = install("stripe", None, env());
    let vectors = vectors();
    assert!(vectors["generator"].as_str().is_some_and(|g| g.starts_with("stripe-python")));
    for event in vectors["events"].as_array().expect("events") {
        let (body, header) =
            (event["body"].as_str().expect("body"), event["header"].as_str().expect("header"));
        let result = adapter.handle_webhook(TenantId::new(), signed(header, body.as_bytes())).await;
        assert!(result.is_ok(), "{}: {result:?}", event["type"]);
    }
    for name in ["rotated_secret", "only_the_old_secret", "stale", "just_in_tolerance"] {
        let (body, header, valid) = case(name);
        let result = adapter.handle_webhook(TenantId::new(), signed(&header, body.as_bytes())).await;
        match valid {
            true => assert!(result.is_ok(), "{name}: {result:?}"),
            false => assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "{name}: {result:?}"),
        }
    }
}

#[tokio::test]
async fn tampered_unsigned_misheaded_and_wrongly_keyed_webhooks_are_refused() {
    let adapter = install("stripe", None, env());
    let (_, body, header) = event_vector("invoice.paid", 0);
    let bad = |result: Result<Vec<CanonicalEvent>, WebhookRejection>| {
        assert!(matches!(result, Err(WebhookRejection::BadSignature(_))), "{result:?}");
    };
    let tampered = body.replace("\"amount_paid\": 1000", "\"amount_paid\": 1");
    assert_ne!(tampered, body);
    bad(adapter.handle_webhook(TenantId::new(), signed(&header, tampered.as_bytes())).await);

    let unsigned = incoming(HOOK_URL, &[], body.as_bytes(), "2026-11-23T14:05:00Z");
    bad(adapter.handle_webhook(TenantId::new(), unsigned).await);
    let no_v1 = header.replace("v1=", "v0=");
    bad(adapter.handle_webhook(TenantId::new(), signed(&no_v1, body.as_bytes())).await);
    let no_time = header.split(',').filter(|p| !p.starts_with("t=")).collect::<Vec<_>>().join(",");
    bad(adapter.handle_webhook(TenantId::new(), signed(&no_time, body.as_bytes())).await);
    let other_time = header.replacen("t=1795442658", "t=1795442659", 1);
    assert_ne!(other_time, header);
    bad(adapter.handle_webhook(TenantId::new(), signed(&other_time, body.as_bytes())).await);

    let other_endpoint = install("stripe", None, env_with_secret("whsec_test_anotherEndpointsSecret0000000"));
    bad(other_endpoint.handle_webhook(TenantId::new(), signed(&header, body.as_bytes())).await);

    let (_, body, header) = event_vector("payment_intent.succeeded", 0);
    // signed 302 s after the time of receipt
    let future =
        incoming(HOOK_URL, &[("Stripe-Signature", &header)], body.as_bytes(), "2026-11-23T13:59:16Z");
    bad(adapter.handle_webhook(TenantId::new(), future).await);
}

#[tokio::test]
async fn a_signed_body_that_is_not_an_event_is_malformed() {
    let adapter = install("stripe", None, env());
    let (body, header, signature_valid) = case("malformed_body");
    assert!(signature_valid);
    let result = adapter.handle_webhook(TenantId::new(), signed(&header, body.as_bytes())).await;
    assert!(matches!(result, Err(WebhookRejection::Malformed(_))), "{result:?}");
}
