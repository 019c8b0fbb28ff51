"""VAPID keys (RFC 8292) for Web Push: a P-256 key pair, written as browsers and py-vapid expect.

The private key is the raw 32-byte scalar, the public key the 65-byte uncompressed point, both
base64url without padding: the public one is the `applicationServerKey` a browser subscribes
with, the private one signs the JWT every push request carries.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


class VapidKeyInvalid(ValueError):
    """A configured VAPID key is not a base64url P-256 key."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Base64url with or without padding; ValueError when it is none."""
    text = text.strip()
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not base64url: {exc}") from exc


def new_private_key() -> str:
    """A fresh private key (`depesche generate-vapid`)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def public_key(private: str) -> str:
    """The public key belonging to `private`; VapidKeyInvalid when `private` is no key."""
    try:
        raw = b64url_decode(private)
        if len(raw) != 32:
            raise ValueError(f"{len(raw)} bytes, not 32")
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except ValueError as exc:
        raise VapidKeyInvalid(f"not a base64url P-256 private key ({exc})") from exc
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)
