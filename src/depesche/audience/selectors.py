"""Reads about readers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from depesche.audience import links
from depesche.audience.models import OptInRequest, Subscriber, TagFollow
from depesche.core.tokens import TokenInvalid

# Named in the settings: the page cache (newsroom, below audience) must know it too.
READER_COOKIE: str = settings.READER_COOKIE_NAME


def reader_from_request(request: HttpRequest) -> Subscriber | None:
    """The reader recognised on this browser by the signed cookie (at most 30 days old, not
    revoked by "forget this device"). Bounced and complained readers are recognised too: they
    still see, export and erase their data; every path that mails or subscribes checks the
    status itself."""
    if not hasattr(request, "_depesche_reader"):
        reader = None
        raw = request.COOKIES.get(READER_COOKIE)
        if raw:
            try:
                reader = links.reader_from_token(token=raw, purpose=links.READER)
            except TokenInvalid:
                reader = None
        request._depesche_reader = reader  # type: ignore[attr-defined]
    return request._depesche_reader  # type: ignore[attr-defined]


def optin_is_open(*, nonce: str) -> bool:
    """True while the opt-in request exists and its link has not been used."""
    return OptInRequest.objects.filter(nonce=nonce, used_at__isnull=True).exists()


def followed_tag_ids(subscriber: Subscriber | None) -> set[int]:
    if subscriber is None:
        return set()
    return set(
        TagFollow.objects.filter(subscriber=subscriber, active=True).values_list(
            "tag_id", flat=True
        )
    )


def followed_tag_ids_for_request(request: HttpRequest) -> set[int]:
    if not hasattr(request, "_depesche_followed"):
        request._depesche_followed = followed_tag_ids(reader_from_request(request))  # type: ignore[attr-defined]
    return request._depesche_followed  # type: ignore[attr-defined]


def deliveries_for_export(*, subscriber: Subscriber) -> list[dict[str, Any]]:
    """Alerts queued or sent to the reader (the outbox rows; no message bodies are kept)."""
    from depesche.delivery.models import Delivery

    return [
        {
            "article": row["article__title"],
            "kind": row["kind"],
            "matched_tags": row["matched_tags"],
            "status": row["status"],
            "created_at": row["created_at"].isoformat(),
            "sent_at": row["sent_at"].isoformat() if row["sent_at"] else None,
        }
        for row in Delivery.objects.filter(subscriber=subscriber)
        .order_by("created_at")
        .values("article__title", "kind", "matched_tags", "status", "created_at", "sent_at")
    ]
