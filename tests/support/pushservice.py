"""A Web Push service on loopback (an HTTP server in the test, RFC 8030's push resource) and
browsers to subscribe to it: each with its own P-256 key pair and auth secret, able to decrypt
what it receives (RFC 8291, with http_ece), as a browser would."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from depesche.config.vapid import b64url, b64url_decode


@dataclass
class Received:
    """One request the push service received."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int


# An answer: (status, headers). A script maps a path to the answers it gives in turn (the last
# one from then on).
Answer = tuple[int, dict[str, str]]


@dataclass
class PushService:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    scripts: dict[str, list[Answer]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_request: Callable[[Received], None] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, path: str, *answers: Answer) -> None:
        """Answer requests to `path` with `answers` in turn, the last one from then on
        (unscripted paths get 201)."""
        self.scripts[path] = list(answers)

    def _next(self, path: str) -> Answer:
        with self.lock:
            script = self.scripts.get(path)
            if not script:
                return 201, {}
            return script.pop(0) if len(script) > 1 else script[0]

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def accepted(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status == 201]


def serve(service: PushService) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status, headers = service._next(self.path)
            # Header names are case-insensitive: kept in lower case.
            headers_in = {name.lower(): value for name, value in self.headers.items()}
            received = Received(self.path, headers_in, body, status)
            with service.lock:
                service.received.append(received)
            if service.on_request is not None:
                service.on_request(received)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            # A sender killed mid-request (the reliability test) resets its connections.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    service.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Browser:
    """A browser's side of a push subscription: the keys it gave and how it decrypts."""

    def __init__(self, service: PushService, name: str | None = None) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.path = f"/push/{name or b64url(os.urandom(9))}"
        self.endpoint = service.origin + self.path

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def subscription(self) -> dict[str, Any]:
        """As `PushSubscription.toJSON()` gives it."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict[str, Any]:
        """The payload of an aes128gcm message for this browser (fails for anyone else's)."""
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def jwt_claims(authorization: str) -> tuple[dict[str, Any], str]:
    """The claims of a "vapid t=<JWT>, k=<key>" header and its key, after checking the JWT's
    ES256 signature with that key."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = values["t"], values["k"]
    header_b64, claims_b64, signature_b64 = token.split(".")
    assert json.loads(b64url_decode(header_b64))["alg"] == "ES256"
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    raw = b64url_decode(signature_b64)
    signature = encode_dss_signature(
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    )
    public.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(b64url_decode(claims_b64)), key
