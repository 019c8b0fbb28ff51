"""Push delivery: `POST /wire/<feed>/` with `Authorization: Bearer <secret>` and JSON records.

A machine endpoint: JSON answers in English (like the importer's messages), no CSRF token, no
session. Records are stored as receipts and answered 202; the worker imports them.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from depesche.wire.selectors import feed_for_push
from depesche.wire.services import receipts_store
from depesche.wire.tasks import receipts_enqueue

logger = logging.getLogger(__name__)


class BadBody(ValueError):
    """The request body is no delivery; the message says why."""


@csrf_exempt
@never_cache
@require_POST
def push(request: HttpRequest, slug: str) -> JsonResponse:
    # Unknown, inactive and push-less feeds look the same: the answer does not tell which.
    feed = feed_for_push(slug=slug)
    if feed is None:
        return _error(404, "not found")
    if not _authorised(request, feed.secret):
        response = _error(401, "missing or wrong bearer token")
        response["WWW-Authenticate"] = 'Bearer realm="wire"'
        return response
    if request.content_type != "application/json":
        return _error(415, "Content-Type must be application/json")
    limit = settings.WIRE_PUSH_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _error(400, "invalid Content-Length")
    # Read from the stream, not request.body: that refuses anything above Django's
    # DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) whatever our own limit says.
    body = b"" if declared > limit else request.read(limit + 1)
    if declared > limit or len(body) > limit:
        return _error(413, f"body larger than {limit} bytes")
    try:
        records = _records(body)
    except BadBody as exc:
        return _error(400, str(exc))
    stored = receipts_store(feed=feed, records=records)
    receipts_enqueue(stored.stored_ids)
    logger.info(
        "wire push %s: %d accepted, %d duplicates, %d rejected",
        feed.slug,
        stored.accepted,
        stored.duplicates,
        len(stored.rejected),
    )
    answer = {
        "accepted": stored.accepted,
        "duplicates": stored.duplicates,
        "rejected": [{"position": r.position, "reason": r.reason} for r in stored.rejected],
    }
    nothing_taken = stored.accepted == 0 and stored.duplicates == 0
    return JsonResponse(answer, status=400 if nothing_taken and stored.rejected else 202)


def _authorised(request: HttpRequest, secret: str) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    # Bytes: compare_digest refuses str with non-ASCII characters.
    return hmac.compare_digest(token.strip().encode(), secret.encode())


def _records(body: bytes) -> list[Any]:
    """The delivered records: one object, a list, or {"entries": [...]} (wireQ's shape)."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise BadBody(f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    except UnicodeDecodeError as exc:
        raise BadBody(f"invalid JSON: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        entries = data.get("entries")
        if "entries" in data and isinstance(entries, list):
            return entries
        return [data]
    raise BadBody('expected a record, a list of records or {"entries": [...]}')


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)
