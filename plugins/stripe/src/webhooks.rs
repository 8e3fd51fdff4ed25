//! Stripe's webhooks. `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]` carries HMAC-SHA256 of
//! `"<t>.<raw body>"` under the endpoint's signing secret, which the host holds as
//! `webhook_secret`; any `v1` may match (Stripe signs with old and new secrets while one is
//! rolled), and `t` must be within 300 s of when the gateway received the request. Events become
//! canonical `payments.*` events; types the gateway does not use become none.

use maxai_plugin_sdk::{crypto, hex, webhook};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::exports::maxai::ports::webhooks::{CanonicalEvent, Incoming, WebhookError};

/// The name of the endpoint's signing secret at the host.
pub const SECRET: &str = "webhook_secret";

/// How far `t` may be from the time of receipt (the tolerance of Stripe's SDKs).
const TOLERANCE_SECS: i64 = 300;

pub fn verify(req: &Incoming) -> Result<(), WebhookError> {
    let bad = |why: &str| WebhookError::BadSignature(why.into());
    let header =
        webhook::header(&req.headers, "stripe-signature").ok_or_else(|| bad("no Stripe-Signature"))?;
    let (timestamp, signatures) = parse_signature_header(header).map_err(|why| bad(&why))?;
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(&req.body);
    let matches = signatures
        .iter()
        .any(|signature| crypto::verify_hmac(SECRET, crypto::HmacAlgorithm::Sha256, &signed, signature));
    if !matches {
        return Err(bad("no v1 signature matches the body"));
    }
    if !webhook::is_fresh(timestamp, &req.received_at, TOLERANCE_SECS) {
        return Err(bad("the signature's timestamp is more than 300 s from the time of receipt"));
    }
    Ok(())
}

/// The timestamp and the decodable `v1` signatures of a `Stripe-Signature` header (other schemes,
/// such as test-mode `v0`, are ignored).
pub fn parse_signature_header(header: &str) -> Result<(i64, Vec<Vec<u8>>), String> {
    let parts = webhook::signature_parts(header);
    let timestamp = parts
        .iter()
        .find(|(key, _)| *key == "t")
        .and_then(|(_, t)| t.parse::<i64>().ok())
        .ok_or("Stripe-Signature has no timestamp")?;
    let signatures: Vec<Vec<u8>> = parts
        .iter()
        .filter(|(key, _)| *key == "v1")
        .filter_map(|(_, signature)| hex::decode(signature).ok())
        .collect();
    if signatures.is_empty() {
        return Err("Stripe-Signature has no v1 signature".into());
    }
    Ok((timestamp, signatures))
}

/// The envelope of every Stripe event.
#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    created: i64,
    #[serde(default)]
    livemode: bool,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Map<String, Value>,
}

pub fn normalize(req: &Incoming) -> Result<Vec<CanonicalEvent>, WebhookError> {
    let event: Event =
        maxai_plugin_sdk::from_json("the Stripe event", &req.body).map_err(WebhookError::Malformed)?;
    let object = Value::Object(event.data.object);
    let Some((kind, mut data)) = canonical(&event.kind, &object) else { return Ok(vec![]) };
    data["livemode"] = json!(event.livemode);
    Ok(vec![CanonicalEvent {
        type_: kind.into(),
        subject: object["id"].as_str().map(str::to_owned),
        time: maxai_plugin_sdk::time::rfc3339(event.created),
        data: data.to_string(),
        provider_event_id: Some(event.id),
    }])
}

/// The canonical type and data of a Stripe event of type `kind` about `object`, when the gateway
/// uses that type.
fn canonical(kind: &str, object: &Value) -> Option<(&'static str, Value)> {
    Some(match kind {
        "checkout.session.completed" => ("payments.checkout.completed", checkout(object)),
        "invoice.paid" => ("payments.invoice.paid", invoice(object)),
        "invoice.payment_failed" => ("payments.invoice.payment_failed", invoice(object)),
        "payment_intent.succeeded" => ("payments.payment.succeeded", payment(object)),
        "payment_intent.payment_failed" => ("payments.payment.failed", payment(object)),
        "charge.refunded" => ("payments.refund.succeeded", refund(object)),
        _ => return None,
    })
}

/// `{amount_minor, currency}` from an amount field and the object's currency, or null.
fn money(object: &Value, amount: &str) -> Value {
    match (object[amount].as_i64(), object["currency"].as_str()) {
        (Some(amount), Some(currency)) => json!({ "amount_minor": amount, "currency": currency }),
        _ => Value::Null,
    }
}

/// A Checkout Session: from a payment link when `payment_link` is set.
fn checkout(session: &Value) -> Value {
    let kind = if session["payment_link"].is_string() { "payment_link" } else { "checkout_session" };
    json!({
        "checkout_id": session["id"],
        "kind": kind,
        "payment_link_id": session["payment_link"],
        "customer_id": session["customer"],
        "customer_email": session["customer_details"]["email"],
        "payment_id": session["payment_intent"],
        "payment_status": session["payment_status"],
        "amount_total": money(session, "amount_total"),
        "metadata": session["metadata"],
    })
}

fn invoice(invoice: &Value) -> Value {
    json!({
        "invoice_id": invoice["id"],
        "number": invoice["number"],
        "customer_id": invoice["customer"],
        "customer_email": invoice["customer_email"],
        "status": invoice["status"],
        "total": money(invoice, "total"),
        "amount_paid": money(invoice, "amount_paid"),
        "amount_due": money(invoice, "amount_due"),
        "hosted_url": invoice["hosted_invoice_url"],
        "attempt_count": invoice["attempt_count"],
        "metadata": invoice["metadata"],
    })
}

/// A PaymentIntent; a failed one says why (`last_payment_error`).
fn payment(intent: &Value) -> Value {
    let error = &intent["last_payment_error"];
    let failure = match error.is_object() {
        true => {
            json!({ "code": error["code"], "decline_code": error["decline_code"], "message": error["message"] })
        }
        false => Value::Null,
    };
    json!({
        "payment_id": intent["id"],
        "customer_id": intent["customer"],
        "status": intent["status"],
        "amount": money(intent, "amount"),
        "failure": failure,
        "metadata": intent["metadata"],
    })
}

/// A refunded charge: how much of it is refunded so far, and whether all of it is.
fn refund(charge: &Value) -> Value {
    json!({
        "charge_id": charge["id"],
        "payment_id": charge["payment_intent"],
        "customer_id": charge["customer"],
        "amount": money(charge, "amount"),
        "amount_refunded": money(charge, "amount_refunded"),
        "fully_refunded": charge["refunded"],
        "metadata": charge["metadata"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_headers_give_the_timestamp_and_every_v1() {
        let (t, signatures) = parse_signature_header("t=1795442700,v1=00ff,v0=aa,v1=zz,v1=0102").unwrap();
        assert_eq!(t, 1_795_442_700);
        assert_eq!(signatures, [vec![0x00, 0xff], vec![0x01, 0x02]]);
        assert!(parse_signature_header("v1=00ff").is_err());
        assert!(parse_signature_header("t=1795442700,v0=00ff").is_err());
        assert!(parse_signature_header("t=soon,v1=00ff").is_err());
    }

    #[test]
    fn unknown_event_types_are_not_canonical() {
        assert!(canonical("customer.created", &json!({ "id": "cus_1" })).is_none());
        let (kind, data) = canonical(
            "charge.refunded",
            &json!({ "id": "ch_1", "amount": 5, "currency": "usd", "amount_refunded": 2 }),
        )
        .unwrap();
        assert_eq!(kind, "payments.refund.succeeded");
        assert_eq!(data["amount_refunded"], json!({ "amount_minor": 2, "currency": "usd" }));
    }
}
