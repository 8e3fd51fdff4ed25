"""Webhook vectors for the GoHighLevel plugin's tests, signed with test keys and checked by
GoHighLevel's own Python SDK.

    pip install gohighlevel-api-client==3.0.0 cryptography
    python3 generate_gohighlevel.py > gohighlevel.json

GoHighLevel signs the raw JSON body with its private keys: Ed25519 in `X-GHL-Signature` and,
legacy, RSA-SHA256 with PKCS#1 v1.5 padding in `x-wh-signature`, both base64. Only GoHighLevel
holds those private keys, so the vectors are signed here with generated key pairs (the
`cryptography` package) that the tests hand the plugin through its configuration. Every
signature is then checked with the SDK's `WebhookManager.verify_ed25519_signature` and
`verify_signature` (package `gohighlevel-api-client`, module `highlevel.webhook`): the valid ones
pass and the tampered or wrongly signed ones fail (the stale, untimed and malformed ones are
well signed: the plugin refuses them for their content). The bodies follow the examples of GoHighLevel's
webhook events documentation (ContactCreate, InboundMessage, AppointmentCreate), with the
`timestamp` and `webhookId` its webhook authentication guide adds, and are kept as the exact bytes
sent (indented, not re-serialised), since the signature covers those bytes.
"""

import base64
import contextlib
import json
import sys
from importlib.metadata import version

import cryptography
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from highlevel.logging import Logger
from highlevel.webhook.webhook_manager import WebhookManager

RECEIVED_AT = "2025-01-28T14:35:40Z"
SIGNED_AT = "2025-01-28T14:35:00.000Z"
STALE_AT = "2025-01-28T14:29:00.000Z"  # 6 min 40 s before RECEIVED_AT

# Fixed Ed25519 seeds, so the keys are the same on every run; RSA keys are fresh each time.
ED25519_SEED = bytes(range(32))
OTHER_ED25519_SEED = bytes(range(100, 132))


def ed25519_key(seed):
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed)


def public_bytes(private):
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def pem(private):
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


ED = ed25519_key(ED25519_SEED)
OTHER_ED = ed25519_key(OTHER_ED25519_SEED)
RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign_ed25519(private, body):
    return base64.b64encode(private.sign(body.encode())).decode()


def sign_rsa(private, body):
    return base64.b64encode(private.sign(body.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def body(event):
    """The bytes GoHighLevel sends: indented JSON, so a re-serialisation would not match."""
    return json.dumps(event, indent=2, ensure_ascii=False)


def contact_create(timestamp=SIGNED_AT):
    return {
        "type": "ContactCreate",
        "timestamp": timestamp,
        "webhookId": "6f9a3c2e-1b4d-4e8a-9c7f-2d5e8b1a0c01",
        "locationId": "ve9EPM428h8vShlRW1KT",
        "id": "nmFmQEsNgz6AVpgLVUJ0",
        "address1": "3535 1st St N",
        "city": "Dolomite",
        "state": "AL",
        "companyName": "Loram ipsum",
        "country": "DE",
        "source": "xyz form",
        "dateAdded": "2025-01-28T14:34:58.193Z",
        "dateOfBirth": "2000-01-05T00:00:00.000Z",
        "dnd": True,
        "email": "johndeo@gmail.com",
        "name": "John Deo",
        "firstName": "John",
        "lastName": "Deo",
        "phone": "+919509597501",
        "postalCode": "452001",
        "tags": ["id magna sed Lorem", "Duis dolor commodo aliqua"],
        "website": "https://www.google.com/",
        "attachments": [],
        "assignedTo": "nmFmQEsNgz6AVpgLVUJ0",
        "customFields": [{"id": "BcdmQEsNgz6AVpgLVUJ0", "value": "XYZ Corp"}],
    }


def inbound_sms():
    return {
        "type": "InboundMessage",
        "timestamp": SIGNED_AT,
        "webhookId": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e02",
        "locationId": "l1C08ntBrFjLS0elLIYU",
        "attachments": [],
        "body": "Est-ce que jeudi 15 h vous convient ? ✓",
        "contactId": "cI08i1Bls3iTB9bKgFJh",
        "contentType": "text/plain",
        "conversationId": "fcanlLgpbQgQhderivVs",
        "dateAdded": "2025-01-28T14:34:59.750Z",
        "direction": "inbound",
        "messageType": "SMS",
        "messageId": "tyW42xCD0HQpb3hhfLcx",
        "status": "delivered",
        "conversationProviderId": "cI08i1Bls3iTB9bKgF01",
    }


def inbound_call():
    # GoHighLevel's documentation labels this inbound call `OutboundMessage`
    return {
        "type": "OutboundMessage",
        "timestamp": SIGNED_AT,
        "webhookId": "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a03",
        "locationId": "0d48aEf7q67DAu134bpy",
        "attachments": ["https://example.com/recordings/call.mp3"],
        "contactId": "gblakL5aYQC4glDtP1r2t3",
        "conversationId": "SGDqZrzmwTr19d10aHkt9F",
        "dateAdded": "2025-01-28T14:30:00.250Z",
        "direction": "inbound",
        "messageType": "CALL",
        "userId": "xsmF1xxhmC92ZpL1lj7aLa",
        "messageId": "QkNS0DNje0FjoLQdD5O3",
        "status": "completed",
        "callDuration": 120,
        "callStatus": "completed",
    }


def appointment_create():
    return {
        "type": "AppointmentCreate",
        "timestamp": SIGNED_AT,
        "webhookId": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c04",
        "locationId": "0007BWpSzSwfiuSl0tR2",
        "appointment": {
            "id": "0007BWpSzSwfiuSl0tR2",
            "address": "https://example.com/meeting",
            "title": "Appointment with GHL Dev team",
            "calendarId": "BqTwX8QFwXzpegMve9EQ",
            "contactId": "9NkT25Vor1v4aQatFsv2",
            "groupId": "9NkT25Vor1v4aQatFsv2",
            "appointmentStatus": "confirmed",
            "assignedUserId": "YlWd2wuCAZQzh2cH1fVZ",
            "users": ["YlWd2wuCAZQzh2cH1fVZ", "9NkT25Vor1v4aQatFsv2"],
            "notes": "Some dummy note",
            "source": "booking_widget",
            "startTime": "2025-02-03T16:00:00+05:30",
            "endTime": "2025-02-03T16:30:00+05:30",
            "dateAdded": "2025-01-28T20:04:59+05:30",
            "dateUpdated": "2025-01-28T20:04:59+05:30",
        },
    }


def case(name, text, headers, expect, why):
    """`expect`: "events" (accepted), "bad_signature" (answered 401) or "malformed" (400)."""
    return {"name": name, "body": text, "headers": headers, "expect": expect, "why": why}


def cases():
    contact, sms, call, appointment = (
        body(contact_create()),
        body(inbound_sms()),
        body(inbound_call()),
        body(appointment_create()),
    )
    stale = body(contact_create(STALE_AT))
    tampered = contact.replace("johndeo@gmail.com", "attacker@example.com")
    deleted = body({"type": "ContactDelete", "timestamp": SIGNED_AT, "webhookId": "d3", "id": "nmFmQEsNgz6AVpgLVUJ0"})
    untimed = body({k: v for k, v in contact_create().items() if k != "timestamp"})
    untyped = body({k: v for k, v in contact_create().items() if k != "type"})
    broken = '{"type": "ContactCreate", "timestamp": "' + SIGNED_AT + '", "id": '
    return [
        case("contact_create", contact, {"X-GHL-Signature": sign_ed25519(ED, contact)}, "events", "Ed25519"),
        case("inbound_sms", sms, {"X-GHL-Signature": sign_ed25519(ED, sms)}, "events", "Ed25519"),
        case("inbound_call", call, {"X-GHL-Signature": sign_ed25519(ED, call)}, "events", "Ed25519"),
        case("appointment_create", appointment, {"x-wh-signature": sign_rsa(RSA, appointment)}, "events", "RSA legacy"),
        case("contact_create_rsa", contact, {"x-wh-signature": sign_rsa(RSA, contact)}, "events", "RSA legacy"),
        case(
            "both_headers",
            contact,
            {"X-GHL-Signature": sign_ed25519(ED, contact), "x-wh-signature": sign_rsa(OTHER_RSA, contact)},
            "events",
            "X-GHL-Signature decides when present",
        ),
        case(
            "bad_ed25519_good_rsa",
            contact,
            {"X-GHL-Signature": sign_ed25519(OTHER_ED, contact), "x-wh-signature": sign_rsa(RSA, contact)},
            "bad_signature",
            "no falling back to the legacy header",
        ),
        case("tampered", tampered, {"X-GHL-Signature": sign_ed25519(ED, contact)}, "bad_signature", "body changed"),
        case("tampered_rsa", tampered, {"x-wh-signature": sign_rsa(RSA, contact)}, "bad_signature", "body changed"),
        case("wrong_key", contact, {"X-GHL-Signature": sign_ed25519(OTHER_ED, contact)}, "bad_signature", "other key"),
        case("wrong_key_rsa", contact, {"x-wh-signature": sign_rsa(OTHER_RSA, contact)}, "bad_signature", "other key"),
        case("stale", stale, {"X-GHL-Signature": sign_ed25519(ED, stale)}, "bad_signature", "timestamp 6 min 40 s old"),
        case("untimed", untimed, {"X-GHL-Signature": sign_ed25519(ED, untimed)}, "bad_signature", "no timestamp"),
        case("unsigned", contact, {}, "bad_signature", "no signature header"),
        case("empty_signature", contact, {"X-GHL-Signature": ""}, "bad_signature", "empty header"),
        case("not_base64", contact, {"X-GHL-Signature": "%%%not base64%%%"}, "bad_signature", "not base64"),
        case("broken_json", broken, {"X-GHL-Signature": sign_ed25519(ED, broken)}, "malformed", "cut-off JSON"),
        case("untyped", untyped, {"X-GHL-Signature": sign_ed25519(ED, untyped)}, "malformed", "no type"),
        case("contact_delete", deleted, {"X-GHL-Signature": sign_ed25519(ED, deleted)}, "events", "not read: no event"),
    ]


def sdk_accepts(manager, vector, keys):
    headers = {k.lower(): v for k, v in vector["headers"].items()}
    if "x-ghl-signature" in headers:
        return manager.verify_ed25519_signature(vector["body"], headers["x-ghl-signature"], keys["ed25519"])
    if "x-wh-signature" in headers:
        return manager.verify_signature(vector["body"], headers["x-wh-signature"], keys["rsa"])
    return False


def main():
    keys = {"ed25519": pem(ED), "rsa": pem(RSA)}
    manager = WebhookManager(Logger("error"), None, None)
    vectors = cases()
    for vector in vectors:
        with contextlib.redirect_stdout(sys.stderr):  # the SDK logs to stdout
            signed_ok = sdk_accepts(manager, vector, keys)
        # the stale, untimed and malformed vectors are well signed: something else is wrong
        expected = vector["expect"] != "bad_signature" or vector["name"] in ("stale", "untimed")
        assert signed_ok == expected, f"{vector['name']}: the SDK says {signed_ok}"
    out = {
        "made_by": "generate_gohighlevel.py",
        "checked_with": f"gohighlevel-api-client {version('gohighlevel-api-client')}",
        "signed_with": f"cryptography {cryptography.__version__}",
        "received_at": RECEIVED_AT,
        "ed25519_public_key_base64": base64.b64encode(public_bytes(ED)).decode(),
        "ed25519_public_key_hex": public_bytes(ED).hex(),
        "ed25519_public_key_pem": pem(ED),
        "rsa_public_key_pem": pem(RSA),
        "cases": vectors,
    }
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
