"""Reads of the alerts' outbox: per-article and overall counts for operators; a reader's
rows for their data export."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Min, Q

from depesche.alerts.models import Delivery
from depesche.audience.models import Subscriber

# Every status of an alert row, in the order of Delivery.Status (the admin's columns).
STATUSES: list[str] = Delivery.Status.values


def counts_per_status() -> dict[str, Count]:
    """Aggregates counting rows of each status, for `annotate` (keyed by the status value)."""
    return {status: Count("pk", filter=Q(status=status)) for status in STATUSES}


def delivery_counts(*, article_id: int | None = None) -> dict[str, int]:
    rows = Delivery.objects.all()
    if article_id is not None:
        rows = rows.filter(article_id=article_id)
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def articles_with_deliveries(*, limit: int = 20) -> list[dict[str, Any]]:
    """Newest fan-outs with recipients, per-status counts and first/last send time."""
    rows = (
        Delivery.objects.values("article_id", "article__title")
        .annotate(
            recipients=Count("pk"),
            first_sent=Min("sent_at"),
            last_sent=Max("sent_at"),
            **counts_per_status(),
        )
        .order_by("-article_id")[:limit]
    )
    return [dict(row) for row in rows]


def deliveries_for_export(subscriber: Subscriber) -> list[dict[str, Any]]:
    """Alerts queued or sent to the reader (the outbox rows; no message bodies are kept): the
    "deliveries" part of audience's data export (registered in AlertsConfig.ready())."""
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
