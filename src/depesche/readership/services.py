"""Writes of readership: counting a read, and recomputing the "Meistgelesen" lists."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from depesche.core.timefmt import BERLIN
from depesche.newsroom.models import SectionPage
from depesche.newsroom.pagecache import pages_changed
from depesche.newsroom.selectors import (
    article_is_public,
    articles_public,
    home_page,
    sections_live,
)
from depesche.readership.models import ArticleViews, ArticleViewsHourly, MostRead

logger = logging.getLogger(__name__)


class ArticleNotFound(LookupError):
    """No public article with this id."""


# --- the view counter ---------------------------------------------------------------------------


def _upsert_sql(model: type[models.Model], bucket_field: str) -> str:
    """`INSERT … ON CONFLICT (article, bucket) DO UPDATE SET count = count + 1` for `model`."""
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        return str(quote(field.column or name))

    table = quote(model._meta.db_table)
    article, bucket_column, count = column("article"), column(bucket_field), column("count")
    return (
        f"INSERT INTO {table} ({article}, {bucket_column}, {count}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({article}, {bucket_column}) DO UPDATE SET {count} = {table}.{count} + 1"
    )


def article_view_record(*, article_id: int, now: datetime | None = None) -> None:
    """Count one read of a public article: in today's Berlin day and in the current UTC hour;
    ArticleNotFound for any other id.

    One statement per bucket, `INSERT … ON CONFLICT (article, bucket) DO UPDATE SET count =
    count + 1` (PostgreSQL and SQLite ≥ 3.24), both in one transaction: concurrent reads never
    lose a count or collide on the unique pair, and no row is read into Python.
    """
    if not article_is_public(article_id=article_id):
        raise ArticleNotFound(article_id)
    now = now or timezone.now()
    day = timezone.localtime(now, BERLIN).date()
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(ArticleViews, "day"),
            [article_id, connection.ops.adapt_datefield_value(day)],
        )
        cursor.execute(
            _upsert_sql(ArticleViewsHourly, "hour"),
            [article_id, connection.ops.adapt_datetimefield_value(hour)],
        )


# --- "Meistgelesen" -----------------------------------------------------------------------------

Ranking = list[tuple[int, int]]  # (article id, views), best first


def _views_since(since: datetime) -> dict[int, tuple[int, int]]:
    """Reads since `since` per public article: {article id: (section id, views)}; one GROUP BY
    over the hourly buckets, joined to the gate (restricted and unpublished articles drop)."""
    rows = (
        ArticleViewsHourly.objects.filter(
            hour__gte=since, article__in=articles_public().order_by().values("pk")
        )
        .values("article_id", "article__section_id")
        .annotate(views=Sum("count"))
        .values_list("article_id", "article__section_id", "views")
    )
    return {article_id: (section_id or 0, views) for article_id, section_id, views in rows}


def _rank(views: dict[int, tuple[int, int]], section_id: int | None) -> Ranking:
    """All of `views` (of one section, or all when `section_id` is None), most read first; on
    a tie the newer article (higher id) first, so the order is stable between runs."""
    chosen = [
        (article_id, count)
        for article_id, (section, count) in views.items()
        if section_id is None or section == section_id
    ]
    return sorted(chosen, key=lambda item: (-item[1], -item[0]))


def _enough(ranking: Ranking) -> bool:
    """Whether a 24-hour list is worth showing: MOSTREAD_SIZE articles and MOSTREAD_MIN_VIEWS
    reads in all (else a handful of reads would decide the box)."""
    total = sum(count for _, count in ranking)
    return len(ranking) >= settings.MOSTREAD_SIZE and total >= settings.MOSTREAD_MIN_VIEWS


def mostread_refresh(*, now: datetime | None = None) -> list[str]:
    """Recompute every "Meistgelesen" list (site-wide and one per live public section) from
    the hourly counts, and purge hourly counts older than MOSTREAD_KEEP_DAYS days.

    Per list: the MOSTREAD_SIZE public articles most read in the last 24 hours; when those are
    fewer than MOSTREAD_SIZE articles or MOSTREAD_MIN_VIEWS reads, the last 7 days instead.
    Atomic (readers see the old lists or the new ones, never a mix) and idempotent. Returns
    the scopes whose list of articles changed; only then, after the commit, the page cache
    is invalidated (home and those sections' URLs purged from a CDN).
    """
    now = now or timezone.now()
    size = settings.MOSTREAD_SIZE
    day = _views_since(now - timedelta(hours=24))
    week = _views_since(now - timedelta(days=7))
    sections = {section.pk: section for section in sections_live()}
    scopes: dict[str, int | None] = {MostRead.SITE: None}
    scopes.update({str(pk): pk for pk in sections})

    fresh: dict[str, tuple[str, Ranking]] = {}
    for scope, section_id in scopes.items():
        ranking = _rank(day, section_id)
        window = MostRead.Window.DAY
        if not _enough(ranking):
            ranking, window = _rank(week, section_id), MostRead.Window.WEEK
        fresh[scope] = (window, ranking[:size])

    with transaction.atomic():
        before: defaultdict[str, list[int]] = defaultdict(list)
        for scope, article_id in MostRead.objects.order_by("scope", "rank").values_list(
            "scope", "article_id"
        ):
            before[scope].append(article_id)
        # Upserted on (scope, rank) rather than deleted and inserted: two runs at once (a
        # worker restarted mid-run) overwrite each other instead of colliding on the pair.
        MostRead.objects.bulk_create(
            [
                MostRead(
                    scope=scope,
                    rank=rank,
                    article_id=article_id,
                    views=views,
                    window=window,
                    computed_at=now,
                )
                for scope, (window, ranking) in fresh.items()
                for rank, (article_id, views) in enumerate(ranking, start=1)
            ],
            update_conflicts=True,
            unique_fields=["scope", "rank"],
            update_fields=["article", "views", "window", "computed_at"],
        )
        stale = ~Q(scope__in=list(fresh))
        for scope, (_, ranking) in fresh.items():
            stale |= Q(scope=scope, rank__gt=len(ranking))
        MostRead.objects.filter(stale).delete()
        cutoff = now - timedelta(days=settings.MOSTREAD_KEEP_DAYS)
        purged, _ = ArticleViewsHourly.objects.filter(hour__lt=cutoff).delete()
        after = {scope: [pk for pk, _ in ranking] for scope, (_, ranking) in fresh.items()}
        changed = sorted(
            scope
            for scope in set(before) | set(after)
            if before.get(scope, []) != after.get(scope, [])
        )
        if changed:
            urls = _urls_showing(changed, sections)
            transaction.on_commit(lambda: pages_changed(urls=urls))
    logger.info(
        "Meistgelesen: %d Listen berechnet, %d geändert, %d Stundenzähler gelöscht",
        len(fresh),
        len(changed),
        purged,
    )
    return changed


def _urls_showing(scopes: list[str], sections: dict[int, SectionPage]) -> list[str]:
    """Home and the changed sections' pages. The page cache is one site generation, so every
    cached page (article pages, which show their section's list, too) is renewed anyway; a CDN
    keeps article pages until their max-age."""
    urls = []
    home = home_page()
    if home is not None and MostRead.SITE in scopes:
        urls.append(home.get_full_url())
    for scope in scopes:
        section = sections.get(int(scope)) if scope else None
        if section is not None:
            urls.append(section.get_full_url())
    return [url for url in urls if url]
