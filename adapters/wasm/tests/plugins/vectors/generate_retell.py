"""Makes retell.json: Retell webhook requests signed by Retell's own Python SDK.

    pip install retell-sdk
    python3 generate_retell.py > retell.json

The signatures come from `retell.lib.webhook_auth.symmetric["sign"]` (HMAC-SHA256 of the raw
body followed by the timestamp in milliseconds, keyed with the API key), and every vector is
checked with the SDK's `verify` at the time the tests say the gateway received it.
"""

import json
from importlib.metadata import version

from retell.lib.webhook_auth import symmetric

API_KEY = "key_0a1b2c3d4e5f60718293a4b5c6d7"
# 2026-11-23T14:05:00Z, the time the tests receive the requests
RECEIVED_MS = 1795442700000
SIGNED_MS = RECEIVED_MS - 2_000
CALL_ID = "call_119c0a8f82b6d3fd5d11e5d3ba8"
AGENT_ID = "agent_1ffdb9717444d0e77346838911"
START_MS = 1795442580000  # 14:03:00
END_MS = 1795442695500  # 14:04:55.500

TRANSCRIPT = (
    "Agent: Hi Zoë, this is Ava from Bright Dental. Are you still good for Tuesday at 3pm?\n"
    "User: Yes, that works. Merci!\n"
    "Agent: Great, see you then."
)


def call(status, **extra):
    return {
        "call_type": "phone_call",
        "from_number": "+14157774444",
        "to_number": "+12137774445",
        "direction": "outbound",
        "call_id": CALL_ID,
        "agent_id": AGENT_ID,
        "agent_version": 3,
        "call_status": status,
        "metadata": {"contact_id": "c_42", "campaign": "reminders"},
        "retell_llm_dynamic_variables": {"first_name": "Zoë"},
        "start_timestamp": START_MS,
        "opt_out_sensitive_data_storage": False,
        **extra,
    }


ENDED = {
    "end_timestamp": END_MS,
    "duration_ms": END_MS - START_MS,
    "disconnection_reason": "agent_hangup",
    "transcript": TRANSCRIPT,
    "transcript_object": [
        {"role": "agent", "content": "Hi Zoë, this is Ava from Bright Dental.", "words": []},
        {"role": "user", "content": "Yes, that works. Merci!", "words": []},
    ],
    "recording_url": "https://dxc03zgurdly9.cloudfront.net/a1b2/recording.wav",
    "call_cost": {
        "product_costs": [{"product": "elevenlabs_tts", "unit_price": 1, "cost": 115.5}],
        "total_duration_seconds": 116,
        "total_duration_unit_price": 1,
        "combined_cost": 115.5,
    },
}

ANALYSIS = {
    "call_summary": "The customer confirmed the Tuesday 3pm appointment.",
    "in_voicemail": False,
    "user_sentiment": "Positive",
    "call_successful": True,
    "custom_analysis_data": {"confirmed": True},
}


def vector(name, event, call_object, timestamp=SIGNED_MS):
    body = json.dumps({"event": event, "call": call_object}, ensure_ascii=False)
    return signed(name, body, timestamp)


def signed(name, body, timestamp=SIGNED_MS):
    signature = symmetric["sign"](body, API_KEY, timestamp)
    fresh = symmetric["verify"](body, API_KEY, signature, {"timestamp": RECEIVED_MS})
    assert fresh == (abs(RECEIVED_MS - timestamp) <= 5 * 60 * 1000), name
    return {"name": name, "body": body, "headers": {"Content-Type": "application/json", "X-Retell-Signature": signature}}


def main():
    vectors = [
        vector("call_started", "call_started", call("ongoing")),
        vector("call_ended", "call_ended", call("ended", **ENDED)),
        vector("call_analyzed", "call_analyzed", call("ended", **ENDED, call_analysis=ANALYSIS)),
        vector(
            "call_ended_no_answer",
            "call_ended",
            call("not_connected", start_timestamp=None, end_timestamp=END_MS, disconnection_reason="dial_no_answer"),
        ),
        vector("transcript_updated", "transcript_updated", call("ongoing", transcript="Agent: Hi")),
        # signed six minutes before the gateway received it
        vector("stale", "call_started", call("ongoing"), timestamp=RECEIVED_MS - 6 * 60 * 1000),
        # signed six minutes after
        vector("future", "call_started", call("ongoing"), timestamp=RECEIVED_MS + 6 * 60 * 1000),
        # correctly signed, but not a webhook body
        signed("not_json", "event=call_started"),
    ]
    document = {
        "source": f"retell-sdk {version('retell-sdk')} (PyPI), retell.lib.webhook_auth",
        "api_key": API_KEY,
        "received_at": "2026-11-23T14:05:00Z",
        "vectors": vectors,
    }
    print(json.dumps(document, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
