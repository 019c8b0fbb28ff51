"""Filling and managing the alerts' outbox: the fan-out when an article goes live, cancelling
and retrying. Sending is the engine's workers' part (delivery/sending.py, alerts/bundles.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from taggit.models import Tag

from depesche.alerts.models import ArticleAlert, Delivery
from depesche.audience.links import AUTHOR_PREFIX
from depesche.audience.models import AuthorFollow, Subscriber, Subscription, TagFollow
from depesche.newsroom.models import ArticlePageAuthor, ArticlePageTag, Author
from depesche.newsroom.selectors import article_is_public, article_public

logger = logging.getLogger(__name__)

_AGGREGATE = {
    "postgresql": "string_agg({column}, '{sep}' ORDER BY m.name)",
    "sqlite": "group_concat({column}, '{sep}')",
}


def _aggregate(column: str, sep: str) -> str:
    return _AGGREGATE[connection.vendor].format(column=column, sep=sep)


def _fanout_sql() -> str:
    """One INSERT … SELECT: a row per active reader (in a slice of subscriber ids) following
    any of the article's tags or authors. A reader who follows several of them gets one row:
    its kind is the most urgent of their frequencies, and it names every matched topic (tag
    names and author names; tag slugs and authors' "autor:<slug>" keys, links.author_key)."""
    follow = TagFollow._meta.db_table
    author_follow = AuthorFollow._meta.db_table
    subscriber = Subscriber._meta.db_table
    tagged = ArticlePageTag._meta.db_table
    written = ArticlePageAuthor._meta.db_table
    tag = Tag._meta.db_table
    author = Author._meta.db_table
    instant, daily = TagFollow.Frequency.INSTANT.value, TagFollow.Frequency.DAILY.value
    weekly = TagFollow.Frequency.WEEKLY.value
    return f"""
        INSERT INTO {Delivery._meta.db_table}
            (subscriber_id, article_id, kind, matched_tags, matched_slugs, status, attempts,
             next_attempt_at, created_at, last_error)
        SELECT m.subscriber_id, %(article)s,
               CASE WHEN SUM(CASE WHEN m.frequency = '{instant}' THEN 1 ELSE 0 END) > 0
                        THEN '{instant}'
                    WHEN SUM(CASE WHEN m.frequency = '{daily}' THEN 1 ELSE 0 END) > 0
                        THEN '{daily}'
                    ELSE '{weekly}' END,
               {_aggregate("m.name", ", ")}, {_aggregate("m.slug", ",")},
               %(pending)s, 0, %(now)s, %(now)s, ''
        FROM (
            SELECT f.subscriber_id, f.frequency, t.name AS name, t.slug AS slug
            FROM {follow} f
            JOIN {tag} t ON t.id = f.tag_id
            WHERE f.active = %(true)s
              AND f.subscriber_id > %(low)s AND f.subscriber_id <= %(high)s
              AND f.tag_id IN (SELECT tag_id FROM {tagged} WHERE content_object_id = %(article)s)
            UNION ALL
            SELECT af.subscriber_id, af.frequency, a.name AS name,
                   '{AUTHOR_PREFIX}' || a.slug AS slug
            FROM {author_follow} af
            JOIN {author} a ON a.id = af.author_id
            WHERE af.active = %(true)s
              AND af.subscriber_id > %(low)s AND af.subscriber_id <= %(high)s
              AND af.author_id IN (SELECT author_id FROM {written} WHERE page_id = %(article)s)
        ) m
        JOIN {subscriber} s ON s.id = m.subscriber_id
        WHERE s.status = %(active)s
        GROUP BY m.subscriber_id
        ON CONFLICT (subscriber_id, article_id) DO NOTHING
    """


# What an Eilmeldung's mail names as the reader's topic (their list: the Eilmeldungen).
BREAKING_TOPIC = "Eilmeldungen"


def _breaking_sql() -> str:
    """One INSERT … SELECT: an instant row per active reader (in the slice) who asked for the
    Eilmeldungen by email; a reader the topic fan-out already wrote keeps that row."""
    subscription = Subscription._meta.db_table
    subscriber = Subscriber._meta.db_table
    instant = TagFollow.Frequency.INSTANT.value
    return f"""
        INSERT INTO {Delivery._meta.db_table}
            (subscriber_id, article_id, kind, matched_tags, matched_slugs, status, attempts,
             next_attempt_at, created_at, last_error)
        SELECT l.subscriber_id, %(article)s, '{instant}', '{BREAKING_TOPIC}', '',
               %(pending)s, 0, %(now)s, %(now)s, ''
        FROM {subscription} l
        JOIN {subscriber} s ON s.id = l.subscriber_id
        WHERE l.purpose = %(breaking)s AND l.active = %(true)s
          AND s.status = %(active)s
          AND l.subscriber_id > %(low)s AND l.subscriber_id <= %(high)s
        ON CONFLICT (subscriber_id, article_id) DO NOTHING
    """


# Subscriber ids per fan-out statement: the first slice is small, so it commits (and the
# workers start sending) within a fraction of a second; each next one doubles, up to
# FANOUT_SLICE, so a million followers take few statements.
FANOUT_FIRST_SLICE = 2_000
FANOUT_SLICE = 50_000
# A fan-out that has made no progress for this long lost its worker; anyone may resume it.
FANOUT_STALL = timedelta(seconds=60)


def fanout_slice_bounds(*, first_id: int, covered_to: int) -> tuple[int, int]:
    """The id range (low, high] of a fan-out's next slice, by the doubling rule above (the
    email and the Web Push fan-outs alike)."""
    size = min(FANOUT_SLICE, max(FANOUT_FIRST_SLICE, 2 * (covered_to - first_id)))
    return covered_to, covered_to + size


def deliveries_enqueue_for_article(*, article_id: int) -> int:
    """Start (or resume) the alert fan-out of a newly published article; returns rows written.

    Set-based: one INSERT … SELECT per slice of subscriber ids, each committed on its own so
    sending starts while later slices are written; no subscriber is held in Python memory.
    Idempotent: the article's ArticleAlert records how far the fan-out got, so republishing, a
    second task run or a racing worker write nothing twice. An article not live when this runs
    is skipped; it alerts when it really goes live. One first published more than
    ALERT_MAX_AGE_HOURS ago (an imported archive) never alerts.
    """
    article = article_public(article_id=article_id)
    if article is None:
        # Taken down, only scheduled or behind a password or login: its real first
        # publication (or the lifted restriction) alerts.
        return 0
    with transaction.atomic():
        ids = Subscriber.objects.aggregate(first=Min("pk"), last=Max("pk"))
        start = (ids["first"] or 1) - 1
        alert, created = ArticleAlert.objects.get_or_create(
            article_id=article_id,
            defaults={
                "first_id": start,
                "covered_to": start,
                "last_id": ids["last"] or 0,
                "breaking": article.breaking,
            },
        )
        if created:
            published = article.first_published_at
            age = timedelta(hours=settings.ALERT_MAX_AGE_HOURS)
            if published and published < timezone.now() - age:
                # An imported archive article is news to nobody: no alert, now or later.
                logger.info(
                    "article %s published %s: too old to alert",
                    article_id,
                    published,
                    extra={"summarise": True},  # an imported archive: once, then counted
                )
                alert.finished_at = timezone.now()
                alert.save(update_fields=["finished_at"])
                return 0
    written = 0
    while True:
        step = _fanout_slice(article_id)
        if step is None:
            break
        written += step
    if written:
        logger.info("alert fan-out for article %s: %s deliveries", article_id, written)
    return written


def _fanout_slice(article_id: int) -> int | None:
    """Write the next slice of an article's fan-out; None once it is complete."""
    with transaction.atomic():
        # The row lock serialises concurrent runs (PostgreSQL); SQLite's writer lock does.
        alert = ArticleAlert.objects.select_for_update().filter(article_id=article_id).first()
        if alert is None or alert.finished_at is not None:
            return None
        if not article_is_public(article_id=article_id):
            # Taken down or restricted while fanning out: no more rows. The alert stays
            # unfinished, so lifting the restriction (which enqueues the fan-out) resumes it.
            return None
        low, high = fanout_slice_bounds(first_id=alert.first_id, covered_to=alert.covered_to)
        params: dict[str, Any] = {
            "article": article_id,
            "pending": Delivery.Status.PENDING.value,
            "now": timezone.now(),
            "true": True,
            "active": Subscriber.Status.ACTIVE.value,
            "low": low,
            "high": high,
        }
        with connection.cursor() as cursor:
            cursor.execute(_fanout_sql(), params)
            written = max(cursor.rowcount, 0)
            if alert.breaking:
                breaking = Subscription.Purpose.BREAKING.value
                cursor.execute(_breaking_sql(), {**params, "breaking": breaking})
                written += max(cursor.rowcount, 0)
        now = timezone.now()
        ArticleAlert.objects.filter(pk=alert.pk).update(
            covered_to=high,
            recipients=F("recipients") + written,
            progressed_at=now,
            finished_at=now if high >= alert.last_id else None,
        )
    return written


def fanouts_resume(*, now: datetime | None = None) -> int:
    """Finish fan-outs whose worker died half-way; returns the rows written."""
    cutoff = (now or timezone.now()) - FANOUT_STALL
    stalled = ArticleAlert.objects.filter(finished_at__isnull=True, progressed_at__lt=cutoff)
    return sum(
        deliveries_enqueue_for_article(article_id=article_id)
        for article_id in stalled.values_list("article_id", flat=True)
    )


def deliveries_cancel_for_article(*, article_id: int) -> int:
    """Cancel what has not gone out yet (the article was unpublished)."""
    return Delivery.objects.filter(article_id=article_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED
    )


def deliveries_cancel_for_articles(*, article_ids: list[int]) -> int:
    """Cancel what has not gone out yet of these articles (put behind a password or login)."""
    if not article_ids:
        return 0
    return Delivery.objects.filter(
        article_id__in=article_ids, status=Delivery.Status.PENDING
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
