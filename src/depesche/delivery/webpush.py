"""The Web Push transport: one encrypted request per browser (RFC 8291, aes128gcm) to its push
service, signed with our VAPID key (RFC 8292), with TTL and Urgency (RFC 8030).

pywebpush encrypts (`encrypt`, RFC 8291's aes128gcm through http_ece) in the sending loop's
thread, and the message is posted with a connection thread's `requests` session, so the
connections only send (see delivery/push_sending.py). What the push service's answer means for
the outbox is decided here: 201 delivered, 404/410 the subscription is gone,
429 and 5xx (and no answer at all) retry, honouring Retry-After, any other status failed for
good.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import http_ece
import requests
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

# A push service answers within seconds or not at all.
TIMEOUT_SECONDS = 10.0
# How long our VAPID token (the JWT) is valid; RFC 8292 allows at most 24 hours.
TOKEN_HOURS = 12
# A token is signed anew when less than this is left of it.
TOKEN_RENEW_SECONDS = 3600
# RFC 8188 record size in the aes128gcm header: a notification (at most 4 KB at any push
# service) is one record.
RECORD_SIZE = 4096


@dataclass(frozen=True)
class PushResult:
    """What a push service said: "sent", "gone" (forget the browser), "retry" (after
    `retry_after` seconds, if it said so) or "failed" (never retried)."""

    outcome: str
    status: int | None = None
    retry_after: float | None = None
    error: str = ""


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    return max(0.0, (when - current).total_seconds())


def result_for(
    status: int, headers: dict[str, str] | requests.structures.CaseInsensitiveDict[str], body: str
) -> PushResult:
    """The outcome of a push service's answer."""
    if status in (200, 201, 202):
        return PushResult("sent", status)
    error = f"push service: {status} {body[:200]}".strip()
    if status in (404, 410):
        return PushResult("gone", status, error=error)
    if status == 429 or status >= 500:
        return PushResult("retry", status, retry_after_seconds(headers.get("Retry-After")), error)
    return PushResult("failed", status, error=error)


def encrypt(payload: bytes, *, p256dh: str, auth: str) -> bytes:
    """`payload` encrypted for one browser (RFC 8291 with RFC 8188's aes128gcm, by pywebpush and
    http_ece: a fresh ephemeral P-256 key and salt per message): the body of its push request.
    ValueError when its keys are none a browser could have made, or the payload is larger than
    one record."""
    if len(payload) > RECORD_SIZE - 17:  # the padding delimiter and the GCM tag
        raise ValueError("payload larger than one record")
    subscription = {"endpoint": "", "keys": {"p256dh": p256dh, "auth": auth}}
    try:
        encoded = WebPusher(subscription).encode(payload, content_encoding="aes128gcm")
    except (ValueError, WebPushException, http_ece.ECEException) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from exc
    body: bytes = encoded["body"]
    return body


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


class PushSender:
    """Sends Web Push requests; safe to share between threads (one HTTP session per thread,
    kept open: most browsers of a site share a handful of push services)."""

    def __init__(self, *, private_key: str, subject: str) -> None:
        self._vapid = Vapid02.from_string(private_key=private_key)
        self._subject = subject
        self._tokens: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._proxy_cache: dict[str, dict[str, str]] = {}

    def _session(self, origin: str) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            # requests reads the proxy variables (and ~/.netrc) anew for every request when it
            # trusts the environment: a fifth of a notification's CPU time. They are read once
            # per push service instead (_proxies) and the CA bundle once here; a push service
            # never takes .netrc credentials (it has our VAPID token).
            session.trust_env = False
            session.verify = (
                os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
            )
        # The session is this thread's own: setting its proxies for this request is safe.
        session.proxies = self._proxies(origin)
        return session

    def _proxies(self, origin: str) -> dict[str, str]:
        """The proxies the environment names for this push service (NO_PROXY honoured, it
        goes by host), looked up once per origin."""
        proxies = self._proxy_cache.get(origin)
        if proxies is None:
            proxies = self._proxy_cache[origin] = requests.utils.get_environ_proxies(origin)
        return proxies

    def authorization(self, endpoint: str, *, now: float | None = None) -> dict[str, str]:
        """The VAPID header for the endpoint's push service: a JWT whose `aud` is the
        endpoint's origin, valid TOKEN_HOURS, signed once and reused until an hour is left."""
        audience = _origin(endpoint)
        now = time.time() if now is None else now
        with self._lock:
            cached = self._tokens.get(audience)
            if cached is not None and cached[0] - now > TOKEN_RENEW_SECONDS:
                return cached[1]
            expires = int(now) + TOKEN_HOURS * 3600
            claims = {"sub": self._subject, "aud": audience, "exp": expires}
            headers = {key: str(value) for key, value in self._vapid.sign(claims).items()}
            self._tokens[audience] = (expires, headers)
            return headers

    def send(
        self,
        *,
        endpoint: str,
        p256dh: str,
        auth: str,
        payload: bytes,
        ttl: int,
        urgency: str,
    ) -> PushResult:
        """Encrypt `payload` for this browser and hand it to its push service."""
        try:
            body = encrypt(payload, p256dh=p256dh, auth=auth)
        except ValueError as exc:
            return unencryptable(exc)
        return self.post(endpoint=endpoint, body=body, ttl=ttl, urgency=urgency)

    def post(self, *, endpoint: str, body: bytes, ttl: int, urgency: str) -> PushResult:
        """Hand a message encrypted for its browser (`encrypt`) to its push service."""
        headers = {
            **self.authorization(endpoint),
            "TTL": str(ttl),
            "Urgency": urgency,
            "Content-Encoding": "aes128gcm",
        }
        try:
            response = self._session(_origin(endpoint)).post(
                endpoint, data=body, headers=headers, timeout=TIMEOUT_SECONDS
            )
        except requests.RequestException as exc:
            return PushResult("retry", error=f"push service unreachable: {exc}")
        return result_for(response.status_code, response.headers, response.text)


def unencryptable(exc: ValueError) -> PushResult:
    """The outcome for keys (or a payload) `encrypt` refused: failed, never retried (the same
    keys fail again)."""
    return PushResult("failed", error=f"not encryptable: {exc}")
