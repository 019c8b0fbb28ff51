"""The Web Push transport's encryption (RFC 8291, aes128gcm), checked the way a browser reads it
(http_ece with the browser's private key), and what it does with keys it cannot use."""

from __future__ import annotations

import json

import http_ece
import pytest

from depesche.config import vapid
from depesche.config.vapid import b64url, b64url_decode
from depesche.delivery.webpush import RECORD_SIZE, PushSender, encrypt
from tests.support.pushservice import Browser

PAYLOAD = json.dumps({"title": "Netzagentur senkt Entgelte", "topic": "thema:energie"}).encode()


def test_the_browser_decrypts_what_it_is_sent(push_service):
    browser = Browser(push_service)
    keys = browser.subscription()["keys"]
    body = encrypt(PAYLOAD, p256dh=keys["p256dh"], auth=keys["auth"])
    assert browser.decrypt(body) == json.loads(PAYLOAD)
    # RFC 8188's header: salt (16), record size, the sender's key (65-byte point), one record
    # (the payload, its delimiter and the 16-byte tag).
    assert int.from_bytes(body[16:20], "big") == RECORD_SIZE
    assert body[20] == 65 and body[21] == 0x04
    assert len(body) == 16 + 4 + 1 + 65 + len(PAYLOAD) + 1 + 16
    # Someone else's keys open nothing.
    with pytest.raises(http_ece.ECEException):
        Browser(push_service).decrypt(body)


def test_every_message_has_its_own_salt_and_ephemeral_key(push_service):
    keys = Browser(push_service).subscription()["keys"]
    first, second = (encrypt(PAYLOAD, p256dh=keys["p256dh"], auth=keys["auth"]) for _ in "12")
    assert first[:16] != second[:16]  # salt
    assert first[21:86] != second[21:86]  # the server's public key
    assert first[86:] != second[86:]


@pytest.mark.parametrize(
    "p256dh",
    [
        "not base64!",
        b64url(b"\x04" + b"\x01" * 64),  # 65 bytes, but no point on P-256
        b64url(b"\x04" + b"\x01" * 10),  # too short
    ],
)
def test_keys_no_browser_could_have_made_fail_for_good_without_a_request(push_service, p256dh):
    browser = Browser(push_service)
    keys = browser.subscription()["keys"]
    with pytest.raises(ValueError):
        encrypt(PAYLOAD, p256dh=p256dh, auth=keys["auth"])
    sender = PushSender(private_key=vapid.new_private_key(), subject="mailto:x@example.org")
    result = sender.send(
        endpoint=browser.endpoint,
        p256dh=p256dh,
        auth=keys["auth"],
        payload=PAYLOAD,
        ttl=60,
        urgency="normal",
    )
    assert result.outcome == "failed" and result.error.startswith("not encryptable")
    assert push_service.received == []


def test_a_payload_larger_than_one_record_is_refused(push_service):
    keys = Browser(push_service).subscription()["keys"]
    assert len(b64url_decode(keys["auth"])) == 16
    fits = b"x" * (RECORD_SIZE - 17)
    assert len(encrypt(fits, p256dh=keys["p256dh"], auth=keys["auth"])) == 86 + RECORD_SIZE
    with pytest.raises(ValueError, match="larger than one record"):
        encrypt(fits + b"x", p256dh=keys["p256dh"], auth=keys["auth"])
