"""Filling and managing the outbox. Sending is the workers' part."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from depesche.audience.models import Subscriber, TagFollow
from depesche.delivery.models import ArticleAlert, Delivery
from depesche.newsroom.models import ArticlePage, ArticlePageTag

logger = logging.getLogger(__name__)

_AGGREGATE = {
    "postgresql": "string_agg({column}, '{sep}' ORDER BY t.name)",
    "sqlite": "group_concat({column}, '{sep}')",
}


def _aggregate(column: str, sep: str) -> str:
    return _AGGREGATE[connection.vendor].format(column=column, sep=sep)


def _fanout_sql() -> str:
    """One INSERT … SELECT: a row per active reader following any of the article's tags."""
    follow = TagFollow._meta.db_table
    subscriber = Subscriber._meta.db_table
    tagged = ArticlePageTag._meta.db_table
    tag = TagFollow._meta.get_field("tag").related_model._meta.db_table  # type: ignore[union-attr]
    instant, daily = TagFollow.Frequency.INSTANT.value, TagFollow.Frequency.DAILY.value
    weekly = TagFollow.Frequency.WEEKLY.value
    return f"""
        INSERT INTO {Delivery._meta.db_table}
            (subscriber_id, article_id, kind, matched_tags, matched_slugs, status, attempts,
             next_attempt_at, created_at, last_error)
        SELECT f.subscriber_id, %(article)s,
               CASE WHEN SUM(CASE WHEN f.frequency = '{instant}' THEN 1 ELSE 0 END) > 0
                        THEN '{instant}'
                    WHEN SUM(CASE WHEN f.frequency = '{daily}' THEN 1 ELSE 0 END) > 0
                        THEN '{daily}'
                    ELSE '{weekly}' END,
               {_aggregate("t.name", ", ")}, {_aggregate("t.slug", ",")},
               %(pending)s, 0, %(now)s, %(now)s, ''
        FROM {follow} f
        JOIN {subscriber} s ON s.id = f.subscriber_id
        JOIN {tag} t ON t.id = f.tag_id
        WHERE f.active = %(true)s
          AND s.status = %(active)s
          AND f.tag_id IN (SELECT tag_id FROM {tagged} WHERE content_object_id = %(article)s)
        GROUP BY f.subscriber_id
        ON CONFLICT (subscriber_id, article_id) DO NOTHING
    """


@transaction.atomic
def deliveries_enqueue_for_article(*, article_id: int) -> int:
    """Start the alert fan-out of a newly published article; returns the rows written.

    Set-based (one statement, no subscriber in Python memory) and idempotent: an article's
    fan-out runs once, so republishing, a second task run or a racing worker write nothing.
    An article not live when this runs is skipped; it alerts when it really goes live. One
    first published more than ALERT_MAX_AGE_HOURS ago (an imported archive) never alerts.
    """
    article = ArticlePage.objects.filter(pk=article_id).only("live", "first_published_at").first()
    if article is None or not article.live:
        return 0  # taken down (or only scheduled): its real first publication alerts
    alert, created = ArticleAlert.objects.get_or_create(article_id=article_id)
    if not created:
        return 0
    published = article.first_published_at
    if published and published < timezone.now() - timedelta(hours=settings.ALERT_MAX_AGE_HOURS):
        # An imported archive article is news to nobody: no alert, now or later.
        logger.info("article %s first published %s: too old to alert", article_id, published)
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _fanout_sql(),
            {
                "article": article_id,
                "pending": Delivery.Status.PENDING.value,
                "now": timezone.now(),
                "true": True,
                "active": Subscriber.Status.ACTIVE.value,
            },
        )
        written = max(cursor.rowcount, 0)
    ArticleAlert.objects.filter(pk=alert.pk).update(recipients=written)
    logger.info("alert fan-out for article %s: %s deliveries", article_id, written)
    return written


def deliveries_cancel_for_article(*, article_id: int) -> int:
    """Cancel what has not gone out yet (the article was unpublished)."""
    return Delivery.objects.filter(article_id=article_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED
    )


def deliveries_cancel_for_subscriber(*, subscriber_id: int) -> int:
    """The reader is suppressed: nothing queued goes out. Failed rows too, or a later
    "retry failed" would put them back in the queue."""
    return Delivery.objects.filter(
        subscriber_id=subscriber_id,
        status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED],
    ).update(status=Delivery.Status.CANCELLED)


def deliveries_retry_failed(*, article_id: int | None = None) -> int:
    """Put failed deliveries back in the queue with a fresh attempt budget."""
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
    if article_id is not None:
        failed = failed.filter(article_id=article_id)
    return failed.update(
        status=Delivery.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        last_error="",
    )
