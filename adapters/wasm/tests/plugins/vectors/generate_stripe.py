"""Webhook vectors for the Stripe plugin's tests, made and checked by Stripe's own SDK.

    pip install stripe==16.1.0
    python3 generate_stripe.py > stripe.json

Every event body is signed with `stripe.WebhookSignature.generate_signature_header` (HMAC-SHA256
of "<t>.<body>" under the endpoint secret), and every vector is checked with
`stripe.Webhook.construct_event` at the time of receipt: the ones marked valid pass, the others
raise `SignatureVerificationError` (or fail to parse, for the malformed body). The event objects
follow Stripe's API reference and its OpenAPI fixtures (github.com/stripe/openapi).
"""

import json
import sys
import time
from unittest import mock

import stripe

SECRET = "whsec_test_5b5c000aMaxAIGatewayEndpointSecret"
OLD_SECRET = "whsec_test_rolledAwaySecretOfTheSameEndpoint00"
RECEIVED_AT = "2026-11-23T14:05:00Z"
NOW = 1795442700  # RECEIVED_AT in Unix seconds
SIGNED_AT = NOW - 42
CREATED = NOW - 45


def envelope(event_id, kind, obj):
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": CREATED,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": "req_Q5bQ1yHdBQq7Zs", "idempotency_key": "7f9c2e1a-0b4d-4e56-9d1c-3f0a6b2e8c71"},
        "type": kind,
    }


def checkout_session(session_id, payment_link):
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": 3300,
        "amount_total": 3300,
        "cancel_url": None if payment_link else "https://salon.example/cancel",
        "client_reference_id": None,
        "created": CREATED - 120,
        "currency": "eur",
        "customer": None if payment_link else "cus_QXg1o8vcGmoR32",
        "customer_details": {
            "address": {"city": None, "country": "DE", "line1": None, "line2": None, "postal_code": None, "state": None},
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        },
        "customer_email": None,
        "expires_at": CREATED + 86280,
        "livemode": False,
        "metadata": {"order": "A-1001"},
        "mode": "payment",
        "payment_intent": "pi_3QbXtQB7WZ01zgkW1sKq9v3c",
        "payment_link": payment_link,
        "payment_method_types": ["card"],
        "payment_status": "paid",
        "status": "complete",
        "success_url": "https://salon.example/thanks",
        "url": None,
    }


def invoice(paid):
    return {
        "id": "in_1Pgc6tB7WZ01zgkWu9fdqL6I",
        "object": "invoice",
        "account_country": "DE",
        "amount_due": 1000,
        "amount_paid": 1000 if paid else 0,
        "amount_remaining": 0 if paid else 1000,
        "attempt_count": 1,
        "attempted": True,
        "billing_reason": "subscription_cycle",
        "collection_method": "charge_automatically",
        "created": CREATED - 3600,
        "currency": "usd",
        "customer": "cus_QXg1o8vcGmoR32",
        "customer_email": "ada@example.com",
        "customer_name": "Ada Lovelace",
        "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1PgafmB7WZ01zgkW/test_YWNjdF8xUGdhZm1CN1daMDF6Z2tX",
        "invoice_pdf": "https://pay.stripe.com/invoice/acct_1PgafmB7WZ01zgkW/test_YWNjdF8xUGdhZm1CN1daMDF6Z2tX/pdf",
        "livemode": False,
        "metadata": {"plan": "pro"},
        "number": "7FE1103-0001",
        "paid": paid,
        "status": "paid" if paid else "open",
        "subtotal": 1000,
        "total": 1000,
    }


def payment_intent(succeeded):
    error = {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "generic_decline",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": "Your card was declined.",
    }
    return {
        "id": "pi_3QbXtQB7WZ01zgkW1sKq9v3c",
        "object": "payment_intent",
        "amount": 3300,
        "amount_capturable": 0,
        "amount_received": 3300 if succeeded else 0,
        "capture_method": "automatic",
        "created": CREATED - 60,
        "currency": "eur",
        "customer": "cus_QXg1o8vcGmoR32",
        "description": None,
        "last_payment_error": None if succeeded else error,
        "latest_charge": "ch_3QbXtQB7WZ01zgkW1bV0Ud7n",
        "livemode": False,
        "metadata": {"order": "A-1001"},
        "payment_method": "pm_1QbXtPB7WZ01zgkWxG0J6Kq2",
        "status": "succeeded" if succeeded else "requires_payment_method",
    }


def refunded_charge():
    return {
        "id": "ch_3QbXtQB7WZ01zgkW1bV0Ud7n",
        "object": "charge",
        "amount": 3300,
        "amount_captured": 3300,
        "amount_refunded": 1000,
        "captured": True,
        "created": CREATED - 60,
        "currency": "eur",
        "customer": "cus_QXg1o8vcGmoR32",
        "livemode": False,
        "metadata": {"order": "A-1001"},
        "paid": True,
        "payment_intent": "pi_3QbXtQB7WZ01zgkW1sKq9v3c",
        "refunded": False,
        "status": "succeeded",
    }


EVENTS = [
    envelope("evt_1QbXu0B7WZ01zgkWcLink001", "checkout.session.completed",
             checkout_session("cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY",
                              "plink_1Pgc78B7WZ01zgkWC75kX0jg")),
    envelope("evt_1QbXu0B7WZ01zgkWcSess002", "checkout.session.completed",
             checkout_session("cs_test_b1Qw9bZ0ZqgZ7o0PzF0bY8sQ5mJ3rKp2LcT6uVwXyZaB4cD5eF6gH7iJ8k", None)),
    envelope("evt_1QbXu1B7WZ01zgkWinvPaid3", "invoice.paid", invoice(True)),
    envelope("evt_1QbXu1B7WZ01zgkWinvFail4", "invoice.payment_failed", invoice(False)),
    envelope("evt_3QbXtQB7WZ01zgkW0piOk005", "payment_intent.succeeded", payment_intent(True)),
    envelope("evt_3QbXtQB7WZ01zgkW0piFail6", "payment_intent.payment_failed", payment_intent(False)),
    envelope("evt_3QbXtQB7WZ01zgkW0chRef07", "charge.refunded", refunded_charge()),
    envelope("evt_1QbXu2B7WZ01zgkWcusNew08", "customer.created",
             {"id": "cus_QXg1o8vcGmoR32", "object": "customer", "email": "ada@example.com"}),
]


def sign(body, secret, timestamp=SIGNED_AT):
    return stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)


def sdk_accepts(body, header):
    with mock.patch("time.time", return_value=NOW):
        try:
            stripe.Webhook.construct_event(body, header, SECRET)
            return True
        except (stripe.SignatureVerificationError, ValueError):
            return False


def rotated_header(body):
    """Signed while the secret is rolled: the old secret's v1 first, then the current one's."""
    old = stripe.WebhookSignature._compute_signature(f"{SIGNED_AT}.{body}", OLD_SECRET)
    new = stripe.WebhookSignature._compute_signature(f"{SIGNED_AT}.{body}", SECRET)
    return f"t={SIGNED_AT},v1={old},v1={new}"


def main():
    events = []
    for event in EVENTS:
        body = json.dumps(event, indent=2)
        header = sign(body, SECRET)
        assert sdk_accepts(body, header), event["type"]
        events.append({"type": event["type"], "id": event["id"], "body": body, "header": header})

    body = events[4]["body"]
    cases = [
        {"name": "rotated_secret", "body": body, "header": rotated_header(body), "valid": True},
        {"name": "only_the_old_secret", "body": body, "header": sign(body, OLD_SECRET), "valid": False},
        {"name": "stale", "body": body, "header": sign(body, SECRET, NOW - 301), "valid": False},
        {"name": "just_in_tolerance", "body": body, "header": sign(body, SECRET, NOW - 300), "valid": True},
    ]
    for case in cases:
        assert sdk_accepts(case["body"], case["header"]) == case["valid"], case["name"]

    malformed = '{"id": "evt_1QbXu3B7WZ01zgkWbroken9", "type": "invoice.paid", "data": '
    malformed_header = sign(malformed, SECRET)
    assert not sdk_accepts(malformed, malformed_header)
    # the signature itself is right: only the body cannot be read
    with mock.patch("time.time", return_value=NOW):
        stripe.WebhookSignature.verify_header(malformed, malformed_header, SECRET, 300)
    cases.append({"name": "malformed_body", "body": malformed, "header": malformed_header, "valid": True})

    json.dump({
        "generator": f"stripe-python {stripe.VERSION}",
        "secret": SECRET,
        "received_at": RECEIVED_AT,
        "signed_at": SIGNED_AT,
        "events": events,
        "cases": cases,
    }, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
