"""Browsers that follow topics by Web Push: subscribing, unsubscribing, what one follows.

A browser sends its PushSubscription (endpoint and keys, as `PushSubscription.toJSON()` gives
them) with every call: the endpoint names it, and the `auth` secret, which only that browser
and we know, proves it is the same browser. Topics are "thema:<tag slug>", "autor:<author
slug>" and "eilmeldungen".
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from taggit.models import Tag

from depesche.audience.models import PushSubscription, PushTopic
from depesche.config.vapid import b64url_decode
from depesche.core.net import is_loopback_host
from depesche.newsroom.models import Author
from depesche.newsroom.selectors import author_public, tag_public

BREAKING = PushTopic.Kind.BREAKING.value
TAG_PREFIX = f"{PushTopic.Kind.TAG.value}:"
AUTHOR_PREFIX = f"{PushTopic.Kind.AUTHOR.value}:"
# A browser follows a handful of topics; the bound keeps one request from writing thousands.
MAX_TOPICS = 100
MAX_ENDPOINT = 2000


class PushInvalid(ValueError):
    """The request's subscription or topics are not what a browser sends; the message says
    what is wrong (shown to the caller as a 400)."""


@dataclass(frozen=True)
class BrowserSubscription:
    endpoint: str
    p256dh: str
    auth: str

    @property
    def endpoint_hash(self) -> str:
        return hashlib.sha256(self.endpoint.encode()).hexdigest()


def _key(keys: dict[str, Any], name: str, size: int, field: str) -> str:
    value = keys.get(name)
    if not isinstance(value, str):
        raise PushInvalid(f"{field}.keys.{name} is missing")
    try:
        raw = b64url_decode(value)
    except ValueError as exc:
        raise PushInvalid(f"{field}.keys.{name} is not base64url") from exc
    if len(raw) != size:
        raise PushInvalid(f"{field}.keys.{name} has {len(raw)} bytes, not {size}")
    return value.rstrip("=")


def _endpoint_allowed(endpoint: str, field: str) -> None:
    """https on a public host: the worker POSTs to it (see PUSH_ALLOW_LOCAL_ENDPOINTS)."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if settings.PUSH_ALLOW_LOCAL_ENDPOINTS and parts.scheme in ("http", "https") and host:
        return
    if parts.scheme != "https" or not host:
        raise PushInvalid(f"{field}.endpoint must be an https URL")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if is_loopback_host(host) or "." not in host:
            raise PushInvalid(f"{field}.endpoint must be a public host") from None
        return
    if not address.is_global:
        raise PushInvalid(f"{field}.endpoint must be a public host")


def parse_subscription(data: Any, field: str = "subscription") -> BrowserSubscription:
    """The subscription in a request body's `field` ({"subscription": {...}}); PushInvalid
    naming what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get(field), dict):
        raise PushInvalid(f"{field} is missing")
    raw = data[field]
    endpoint = raw.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise PushInvalid(f"{field}.endpoint is missing")
    if len(endpoint) > MAX_ENDPOINT:
        raise PushInvalid(f"{field}.endpoint is longer than {MAX_ENDPOINT} characters")
    _endpoint_allowed(endpoint, field)
    keys = raw.get("keys")
    if not isinstance(keys, dict):
        raise PushInvalid(f"{field}.keys is missing")
    # p256dh: an uncompressed P-256 point; auth: 16 random bytes (RFC 8291).
    return BrowserSubscription(
        endpoint, _key(keys, "p256dh", 65, field), _key(keys, "auth", 16, field)
    )


def parse_topics(data: Any, *, required: bool) -> list[str] | None:
    """The request's "topics" as given (each checked by `_resolve`); None when absent and not
    required."""
    topics = data.get("topics") if isinstance(data, dict) else None
    if topics is None and not required:
        return None
    if not isinstance(topics, list) or not topics:
        raise PushInvalid("topics must be a non-empty list")
    if len(topics) > MAX_TOPICS:
        raise PushInvalid(f"at most {MAX_TOPICS} topics")
    if not all(isinstance(topic, str) for topic in topics):
        raise PushInvalid("topics must be strings")
    return list(dict.fromkeys(topics))


def _resolve(topic: str) -> tuple[str, Tag | None, Author | None]:
    """(kind, tag, author) of a topic; PushInvalid for anything else. A tag or author only
    restricted or draft articles have is unknown here, as on their pages (the gate)."""
    if topic == BREAKING:
        return BREAKING, None, None
    if topic.startswith(TAG_PREFIX):
        tag = tag_public(slug=topic.removeprefix(TAG_PREFIX))
        if tag is not None:
            return PushTopic.Kind.TAG.value, tag, None
        raise PushInvalid(f"unknown topic: {topic}")
    if topic.startswith(AUTHOR_PREFIX):
        author = author_public(slug=topic.removeprefix(AUTHOR_PREFIX))
        if author is not None:
            return PushTopic.Kind.AUTHOR.value, None, author
        raise PushInvalid(f"unknown topic: {topic}")
    raise PushInvalid(
        f"unknown topic: {topic} (expected thema:<slug>, autor:<slug> or eilmeldungen)"
    )


def topic_name(kind: str, tag_slug: str | None, author_slug: str | None = None) -> str:
    if kind == PushTopic.Kind.TAG:
        return f"{TAG_PREFIX}{tag_slug}"
    if kind == PushTopic.Kind.AUTHOR:
        return f"{AUTHOR_PREFIX}{author_slug}"
    return kind


def push_topics(*, subscription: BrowserSubscription) -> list[str] | None:
    """The topics this browser follows, sorted; None when we hold no such subscription."""
    stored = _stored(subscription)
    if stored is None:
        return None
    rows = stored.topics.values_list("kind", "tag__slug", "author__slug")
    return sorted(topic_name(kind, tag, author) for kind, tag, author in rows)


def _stored(subscription: BrowserSubscription) -> PushSubscription | None:
    """Ours, if the browser proves it by its auth secret."""
    stored = PushSubscription.objects.filter(endpoint_hash=subscription.endpoint_hash).first()
    if stored is None or stored.auth != subscription.auth:
        return None
    return stored


def push_subscribe(*, subscription: BrowserSubscription, topics: list[str]) -> list[str]:
    """Follow `topics` from this browser (adding to what it follows); returns all it follows.

    Idempotent. The same endpoint with other keys is a new subscription of that push
    service's (the browser subscribed again): its keys replace the old ones and the old topics
    go, since their owner can no longer read our messages. Atomic: an unknown topic (PushInvalid)
    writes nothing.
    """
    resolved = [_resolve(topic) for topic in topics]
    with transaction.atomic():
        stored, created = PushSubscription.objects.select_for_update().get_or_create(
            endpoint_hash=subscription.endpoint_hash,
            defaults={
                "endpoint": subscription.endpoint,
                "p256dh": subscription.p256dh,
                "auth": subscription.auth,
            },
        )
        if not created and (stored.auth, stored.p256dh) != (subscription.auth, subscription.p256dh):
            stored.topics.all().delete()
            stored.auth, stored.p256dh = subscription.auth, subscription.p256dh
            stored.save(update_fields=["auth", "p256dh", "updated_at"])
        have = set(stored.topics.values_list("kind", "tag_id", "author_id"))
        PushTopic.objects.bulk_create(
            [
                PushTopic(subscription=stored, kind=kind, tag=tag, author=author)
                for kind, tag, author in resolved
                if (kind, tag and tag.pk, author and author.pk) not in have
            ]
        )
    return push_topics(subscription=subscription) or []


def push_unsubscribe(
    *, subscription: BrowserSubscription, topics: list[str] | None = None
) -> list[str] | None:
    """Stop `topics` for this browser, or everything (the subscription is deleted) when None
    or when nothing is left; returns what it still follows, None when we held no such
    subscription. Topics it does not follow are ignored; an unknown topic is PushInvalid."""
    with transaction.atomic():
        stored = _stored(subscription)
        if stored is None:
            return None
        if topics is not None:
            for topic in topics:
                if topic == BREAKING:
                    stored.topics.filter(kind=BREAKING).delete()
                elif topic.startswith(TAG_PREFIX):
                    stored.topics.filter(tag__slug=topic.removeprefix(TAG_PREFIX)).delete()
                elif topic.startswith(AUTHOR_PREFIX):
                    slug = topic.removeprefix(AUTHOR_PREFIX)
                    stored.topics.filter(author__slug=slug).delete()
                else:
                    raise PushInvalid(f"unknown topic: {topic}")
            if stored.topics.exists():
                return push_topics(subscription=subscription)
        stored.delete()
        return []


def push_renew(
    *, subscription: BrowserSubscription, replaces: BrowserSubscription
) -> list[str] | None:
    """The browser's push service replaced `replaces` by `subscription` (the service worker's
    `pushsubscriptionchange`): the topics move to the new subscription and the old one goes.
    Returns all the new one follows; None when we hold neither (the old one's auth secret
    proves the caller is the browser that followed them). A retried renewal answers as the
    first did."""
    if replaces.endpoint_hash == subscription.endpoint_hash:
        raise PushInvalid("replaces is the same subscription")
    with transaction.atomic():
        old = _stored(replaces)
        if old is None:
            return push_topics(subscription=subscription)
        rows = old.topics.values_list("kind", "tag__slug", "author__slug")
        # A tag or author no longer public is left behind: the browser did not choose it now.
        topics = [
            topic
            for topic in (topic_name(kind, tag, author) for kind, tag, author in rows)
            if _known(topic)
        ]
        old.delete()
        if not topics:
            return []
        return push_subscribe(subscription=subscription, topics=topics)


def _known(topic: str) -> bool:
    try:
        _resolve(topic)
    except PushInvalid:
        return False
    return True


def push_subscription_gone(*, subscription_id: int) -> None:
    """The push service says the subscription no longer exists (404/410): forget it."""
    PushSubscription.objects.filter(pk=subscription_id).delete()
