"""Reads behind the outbox's admin views: per-article summaries and the state of the queue.

Each function is a fixed, small number of queries whatever the number of rows: the article
list is one GROUP BY, the queue one GROUP BY per kind plus the latest errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone

from depesche.alerts.models import ArticlePush, Delivery, PushDelivery
from depesche.alerts.selectors import STATUSES, counts_per_status
from depesche.audience.models import TagFollow

# Rows whose last attempt went wrong: given up, refused for good, or waiting for a retry.
WITH_ERRORS = [Delivery.Status.FAILED, Delivery.Status.BOUNCED, Delivery.Status.PENDING]


def article_delivery_summaries() -> QuerySet[Any]:
    """One dict per article that has deliveries: `article_id`, `title`, `recipients`, a count
    per status (keyed by the status value), `first_sent`, `last_sent` and `started_at` (when
    its fan-out wrote the rows).

    A single GROUP BY over the outbox, unordered: callers order by any of the keys (ordering
    by `pk`, e.g. through `.first()`, would break the grouping).
    """
    return Delivery.objects.values("article_id", title=F("article__title")).annotate(
        recipients=Count("pk"),
        first_sent=Min("sent_at"),
        last_sent=Max("sent_at"),
        started_at=Min("created_at"),
        **counts_per_status(),
    )


def article_delivery_summary(*, article_id: int) -> dict[str, Any] | None:
    """The summary row of one article, or None before its fan-out (or if nobody followed)."""
    rows = list(article_delivery_summaries().filter(article_id=article_id).order_by())
    return rows[0] if rows else None


@dataclass(frozen=True)
class PushSummary:
    """An article's Web Push fan-out: browsers notified, a count per status, its urgency."""

    urgency: str
    recipients: int
    counts: dict[str, int]


def article_push_summary(*, article_id: int) -> PushSummary | None:
    """None before the article's push fan-out (two queries)."""
    push = ArticlePush.objects.filter(article_id=article_id).first()
    if push is None:
        return None
    rows = PushDelivery.objects.filter(article_id=article_id)
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    return PushSummary(
        urgency=push.urgency,
        recipients=sum(counts.values()),
        counts={status: counts.get(status, 0) for status in STATUSES},
    )


def deliveries_for_article(*, article_id: int) -> QuerySet[Delivery]:
    """An article's deliveries with the reader's address, unordered."""
    return Delivery.objects.filter(article_id=article_id).select_related("subscriber")


@dataclass(frozen=True)
class KindQueue:
    """The queue of one kind of alert (sofort, täglich, wöchentlich)."""

    kind: str
    label: str
    counts: dict[str, int]
    due: int
    oldest_pending: datetime | None


@dataclass(frozen=True)
class QueueOverview:
    now: datetime
    counts: dict[str, int]
    due: int
    oldest_pending: datetime | None
    kinds: list[KindQueue]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def queue_overview(*, now: datetime | None = None) -> QueueOverview:
    """Counts per status, the due pending rows (`next_attempt_at` ≤ now) and the oldest pending
    row's creation time, overall and per kind: daily and weekly alerts go out in batches,
    so an old pending row matters mostly for "sofort". One query.
    """
    now = now or timezone.now()
    pending = Q(status=Delivery.Status.PENDING)
    # Plain dicts: the per-status keys are built at run time.
    rows = cast(
        Iterable[dict[str, Any]],
        Delivery.objects.values("kind")
        .annotate(
            due=Count("pk", filter=pending & Q(next_attempt_at__lte=now)),
            oldest_pending=Min("created_at", filter=pending),
            **counts_per_status(),
        )
        .order_by(),
    )
    labels = dict(TagFollow.Frequency.choices)
    order = list(labels)  # sofort, täglich, wöchentlich
    kinds = sorted(
        (
            KindQueue(
                kind=row["kind"],
                label=str(labels.get(row["kind"], row["kind"])),
                counts={status: row[status] for status in STATUSES},
                due=row["due"],
                oldest_pending=row["oldest_pending"],
            )
            for row in rows
        ),
        key=lambda queue: order.index(queue.kind) if queue.kind in order else len(order),
    )
    oldest = [queue.oldest_pending for queue in kinds if queue.oldest_pending is not None]
    return QueueOverview(
        now=now,
        counts={status: sum(queue.counts[status] for queue in kinds) for status in STATUSES},
        due=sum(queue.due for queue in kinds),
        oldest_pending=min(oldest) if oldest else None,
        kinds=kinds,
    )


def deliveries_latest_errors(*, limit: int = 20) -> list[Delivery]:
    """The most recent errors: failed, bounced and pending-for-retry rows with a `last_error`.

    The outbox keeps no "last attempt" time, so "recent" means the latest `next_attempt_at`
    (for a retry the time it is due, otherwise the time the failed attempt was due). Each row
    carries `article_title` and its subscriber.
    """
    return list(
        Delivery.objects.filter(status__in=WITH_ERRORS)
        .exclude(last_error="")
        .select_related("subscriber")
        .annotate(article_title=F("article__title"))
        .order_by("-next_attempt_at", "-pk")[:limit]
    )
