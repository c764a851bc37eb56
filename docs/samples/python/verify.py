"""Verifies a Zorio webhook request with Python's standard library only (Python 3.8+).

In your receiver, check the signature on the raw body bytes before parsing the JSON, e.g. with
Flask: ``verify_standard_webhook(secret, {k.lower(): v for k, v in request.headers.items()},
request.get_data())``. Both functions take header names in lower case.

Run as a script it reads the raw body on stdin and the headers from a JSON file:
    ZORIO_WEBHOOK_SECRET=... python3 verify.py <zorio|standard> headers.json < body
"""
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import time

# Requests whose timestamp is further than this from the receiver's clock are refused.
TOLERANCE_SECONDS = 300


def _fresh(timestamp, now):
    if not isinstance(timestamp, str) or not re.fullmatch(r"[0-9]+", timestamp):
        return False
    return abs(now - int(timestamp)) <= TOLERANCE_SECONDS


def verify_zorio_signature(secret, headers, raw_body, now=None):
    """X-Zorio-Signature: "sha256=" + hex HMAC-SHA256(secret, raw body); X-Zorio-Timestamp fresh."""
    now = time.time() if now is None else now
    if not _fresh(headers.get("x-zorio-timestamp"), now):
        return False, "X-Zorio-Timestamp missing or more than 300 s off"
    match = re.fullmatch(r"sha256=([0-9a-fA-F]{64})", headers.get("x-zorio-signature", ""))
    if not match:
        return False, "X-Zorio-Signature missing or malformed"
    expected = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(match.group(1).lower(), expected):
        return False, "X-Zorio-Signature does not match"
    return True, None


def verify_standard_webhook(secret, headers, raw_body, now=None):
    """Standard Webhooks: one space-separated "v1,<base64>" entry of webhook-signature must be
    HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<raw body>")."""
    now = time.time() if now is None else now
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    if not msg_id or not _fresh(timestamp, now):
        return False, "webhook-id missing, or webhook-timestamp missing or stale"
    signed = msg_id.encode("utf-8") + b"." + timestamp.encode("ascii") + b"." + raw_body
    expected = base64.b64encode(
        hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()
    ).decode("ascii")
    for entry in headers.get("webhook-signature", "").split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode("utf-8"), expected.encode("ascii")):
            return True, None
    return False, "webhook-signature does not match"


def main():
    verifiers = {"zorio": verify_zorio_signature, "standard": verify_standard_webhook}
    secret = os.environ.get("ZORIO_WEBHOOK_SECRET")
    if len(sys.argv) != 3 or sys.argv[1] not in verifiers or not secret:
        print("usage: ZORIO_WEBHOOK_SECRET=... verify.py <zorio|standard> headers.json")
        return 2
    with open(sys.argv[2], encoding="utf-8") as f:
        headers = {k.lower(): v for k, v in json.load(f).items()}
    ok, reason = verifiers[sys.argv[1]](secret, headers, sys.stdin.buffer.read())
    print("verified" if ok else "rejected: " + reason)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
