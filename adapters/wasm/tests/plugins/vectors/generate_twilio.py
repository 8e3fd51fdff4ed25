"""Makes twilio.json: Twilio webhook requests signed by Twilio's own Python SDK.

    pip install twilio
    python3 generate_twilio.py > twilio.json

Each vector is a request as the gateway receives it (URL, content type, body, headers). The
signatures come from `twilio.request_validator.RequestValidator.compute_signature`, the body
hashes from its `compute_hash`, and every vector is checked with the SDK's `validate` before it
is written.
"""

import json
from importlib.metadata import version
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

AUTH_TOKEN = "12345abcdef67890twiliotokenabcd"
SHARED_KEY = "whsk_shared_secret_0123456789"
HOOK = "https://gw.example.com/v1/hooks/t_01/twilio"
ACCOUNT = "AC0123456789abcdef0123456789abcdef"

INBOUND = {
    "ToCountry": "US",
    "ToState": "CA",
    "SmsMessageSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "NumMedia": "0",
    "ToCity": "SAN FRANCISCO",
    "FromZip": "94105",
    "SmsSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "FromState": "CA",
    "SmsStatus": "received",
    "FromCity": "SAN FRANCISCO",
    "Body": "Hi, is my appointment still on for 3pm? Reply YES & I'll be there",
    "FromCountry": "US",
    "To": "+15017122661",
    "MessagingServiceSid": "MG0123456789abcdef0123456789abcdef",
    "ToZip": "94105",
    "NumSegments": "1",
    "MessageSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "AccountSid": ACCOUNT,
    "From": "+15558675310",
    "ApiVersion": "2010-04-01",
}

MMS = {
    **INBOUND,
    "MessageSid": "MM90c6fc909d8504d45ecdb3a3d5b3556e",
    "SmsMessageSid": "MM90c6fc909d8504d45ecdb3a3d5b3556e",
    "SmsSid": "MM90c6fc909d8504d45ecdb3a3d5b3556e",
    "Body": "",
    "NumMedia": "2",
    "MediaUrl0": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages/MM90c6fc909d8504d45ecdb3a3d5b3556e/Media/ME0000000000000000000000000000000a",
    "MediaContentType0": "image/jpeg",
    "MediaUrl1": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages/MM90c6fc909d8504d45ecdb3a3d5b3556e/Media/ME0000000000000000000000000000000b",
    "MediaContentType1": "image/png",
}


def status(message_status, **extra):
    return {
        "SmsSid": "SM5ca8d4bd2d7fa35e3b0a9d2b0e3f9a01",
        "SmsStatus": message_status,
        "MessageStatus": message_status,
        "To": "+15558675310",
        "MessagingServiceSid": "MG0123456789abcdef0123456789abcdef",
        "MessageSid": "SM5ca8d4bd2d7fa35e3b0a9d2b0e3f9a01",
        "AccountSid": ACCOUNT,
        "From": "+15017122661",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def form_vector(name, url, params, signed_url=None, key=AUTH_TOKEN, algorithm=None, settings=None):
    validator = RequestValidator(key)
    signature = validator.compute_signature(signed_url or url, params, algorithm)
    assert validator.validate(url, params, signature, algorithm), name
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    if settings:
        headers["X-Twilio-Webhooks-Signature-Settings"] = settings
    return {"name": name, "url": url, "body": urlencode(params), "headers": headers}


def json_vector(name, body):
    validator = RequestValidator(AUTH_TOKEN)
    url = f"{HOOK}?bodySHA256={validator.compute_hash(body)}"
    signature = validator.compute_signature(url, {})
    assert validator.validate(url, body, signature), name
    headers = {"Content-Type": "application/json", "X-Twilio-Signature": signature}
    return {"name": name, "url": url, "body": body, "headers": headers}


def main():
    vectors = [
        form_vector("inbound_sms", HOOK, INBOUND),
        form_vector("inbound_mms", HOOK + "?route=a&b=1", MMS),
        form_vector("status_sent", HOOK, status("sent")),
        form_vector("status_delivered", HOOK, status("delivered")),
        form_vector("status_undelivered", HOOK, status("undelivered", ErrorCode="30003")),
        # Twilio signed with the default port while the request line has none
        form_vector("signed_with_port", HOOK, INBOUND, signed_url=HOOK.replace(".com/", ".com:443/")),
        form_vector(
            "shared_key_sha256",
            HOOK,
            status("read"),
            key=SHARED_KEY,
            algorithm="HMAC_SHA256",
            settings="key=webhooks_sharedkey_01,algorithm=HMAC_SHA256",
        ),
        # correctly signed, but no message in it
        form_vector("no_message_sid", HOOK, {"AccountSid": ACCOUNT, "Body": "hello"}),
        json_vector("json_body", json.dumps({"account_sid": ACCOUNT, "event": "example", "n": 1})),
    ]
    document = {
        "source": f"twilio {version('twilio')} (PyPI), twilio.request_validator.RequestValidator",
        "auth_token": AUTH_TOKEN,
        "shared_key": SHARED_KEY,
        "vectors": vectors,
    }
    print(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
