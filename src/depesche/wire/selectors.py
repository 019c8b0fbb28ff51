"""Reads of the wire desk's delivery side."""

from __future__ import annotations

from django.db.models import QuerySet

from depesche.wire.models import Feed


def feed_for_push(*, slug: str) -> Feed | None:
    """The feed that accepts push delivery at /wire/<slug>/: active and with a secret."""
    return Feed.objects.filter(slug=slug, active=True).exclude(secret="").first()


def feeds_to_poll() -> QuerySet[Feed]:
    """Active feeds with a queue URL, for the periodic poll."""
    return Feed.objects.filter(active=True).exclude(url="").order_by("pk")
