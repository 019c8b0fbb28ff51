"""Reads about readers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from depesche.audience import links
from depesche.audience.models import (
    REACHABLE,
    AuthorFollow,
    OptInRequest,
    Subscriber,
    TagFollow,
)
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


def _followed_ids_for_request(
    request: HttpRequest, model: type[TagFollow] | type[AuthorFollow], column: str
) -> set[int]:
    """The ids in `column` of the active follows (`model`) of the reader recognised on this
    browser; read once per request, however many [+] controls the page shows."""
    memo = f"_depesche_followed_{column}"
    if not hasattr(request, memo):
        reader = reader_from_request(request)
        found: set[int] = set()
        if reader is not None:
            rows = model._default_manager.filter(subscriber=reader, active=True)
            found = set(rows.values_list(column, flat=True))
        setattr(request, memo, found)
    followed: set[int] = getattr(request, memo)
    return followed


def followed_tag_ids_for_request(request: HttpRequest) -> set[int]:
    """The tags the reader recognised on this browser follows by email."""
    return _followed_ids_for_request(request, TagFollow, "tag_id")


def followed_author_ids_for_request(request: HttpRequest) -> set[int]:
    """The authors the reader recognised on this browser follows by email."""
    return _followed_ids_for_request(request, AuthorFollow, "author_id")


def reader_has_anything(subscriber: Subscriber) -> bool:
    """Whether an "unsubscribe from everything" would end something for this reader."""
    return (
        subscriber.status in REACHABLE
        or subscriber.subscriptions.filter(active=True).exists()
        or subscriber.follows.exists()
        or subscriber.author_follows.exists()
    )
