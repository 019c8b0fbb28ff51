"""Reads of readership: daily counts for the Wochenrückblick, the "Meistgelesen" lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, cast

from django.db.models import Sum

from depesche.newsroom.models import ArticlePage
from depesche.newsroom.selectors import articles_public
from depesche.readership.models import ArticleViews, MostRead


def views_by_day_range(*, article_ids: list[int], first: date, last: date) -> dict[int, int]:
    """Reads per article on the Berlin days first…last (inclusive); one GROUP BY."""
    rows = (
        ArticleViews.objects.filter(article_id__in=article_ids, day__gte=first, day__lte=last)
        .values("article_id")
        .annotate(total=Sum("count"))
    )
    return {row["article_id"]: row["total"] for row in rows}


@dataclass(frozen=True)
class MostReadItem:
    rank: int
    article: ArticlePage
    views: int


@dataclass(frozen=True)
class MostReadList:
    window: Literal["24h", "7d"]  # MostRead.Window
    computed_at: datetime | None
    items: list[MostReadItem]


def mostread_scope(*, section_id: int | None) -> str:
    return MostRead.SITE if section_id is None else str(section_id)


def mostread_list(*, section_id: int | None = None) -> MostReadList:
    """The "Meistgelesen" list of a section (None: site-wide) as the last aggregation left it,
    with the gate checked again now: an article restricted or unpublished since drops out at
    once (the ranks stay as computed, so a gap may show in `rank`; the box numbers itself).
    One query, whatever the list's length."""
    rows = list(
        MostRead.objects.filter(
            scope=mostread_scope(section_id=section_id),
            article__in=articles_public().order_by().values("pk"),
        )
        .select_related("article")
        .defer("article__body")  # a headline link needs no body (a StreamField, costly to load)
        .order_by("rank")
    )
    items = [MostReadItem(rank=row.rank, article=row.article, views=row.views) for row in rows]
    return MostReadList(
        window=cast(Literal["24h", "7d"], rows[0].window if rows else MostRead.Window.DAY.value),
        computed_at=rows[0].computed_at if rows else None,
        items=items,
    )
