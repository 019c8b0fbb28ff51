"""Reads for the Wochenrückblick: the period's articles with their reads, choices for editors."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from depesche.core.timefmt import BERLIN
from depesche.digest.grouping import ArticleDoc
from depesche.digest.models import Digest, DigestTopic
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.selectors import article_ids_public, articles_public, public_q
from depesche.readership.selectors import views_by_day_range


def articles_published(*, start: datetime, end: datetime) -> QuerySet[ArticlePage]:
    """Public articles (the newsroom's gate) first published in [start, end), oldest first."""
    return (
        articles_public()
        .filter(first_published_at__gte=start, first_published_at__lt=end)
        .order_by("first_published_at", "pk")
    )


def views_by_article(*, article_ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    """Reads per article on the Berlin days the period touches; one GROUP BY."""
    first = start.astimezone(BERLIN).date()
    last = (end - timedelta(microseconds=1)).astimezone(BERLIN).date()
    return views_by_day_range(article_ids=article_ids, first=first, last=last)


def article_docs(*, start: datetime, end: datetime) -> list[ArticleDoc]:
    """What grouping needs of each article of the period: texts, tags, flag and reads.
    Three queries whatever the number of articles (pages, tags, reads)."""
    articles = list(articles_published(start=start, end=end).prefetch_related("tags"))
    views = views_by_article(article_ids=[a.pk for a in articles], start=start, end=end)
    return [
        ArticleDoc(
            id=article.pk,
            headline=article.title,
            teaser=article.teaser,
            body=article.body_text(),
            tags=frozenset(tag.name for tag in article.tags.all()),
            published_at=article.first_published_at,
            top_topic=article.top_topic,
            views=views.get(article.pk, 0),
        )
        for article in articles
    ]


def article_choices(*, digest: Digest) -> QuerySet[ArticlePage]:
    """Articles an editor may attach to a topic: the period's public ones, and any already
    attached (so an article unpublished since stays visible instead of silently dropping)."""
    chosen = []
    if digest.pk:
        rows = DigestTopic.objects.filter(digest=digest).values_list("articles", flat=True)
        chosen = [pk for pk in rows if pk is not None]
    # Public ones only (the gate): a restricted article's headline would go out by email.
    query = Q(live=True, first_published_at__gte=digest.period_start) & public_q()
    query &= Q(first_published_at__lt=digest.period_end)
    if chosen:
        query |= Q(pk__in=chosen)
    return ArticlePage.objects.filter(query).order_by("-first_published_at")


def topics_to_publish(*, digest: Digest) -> list[DigestTopic]:
    """The digest's topics in order, without any topic naming an article that is no longer
    public (taken down or restricted since the build: the newsroom's gate): its headline and
    summary may quote that article, so neither the mail nor the podcast may carry it.
    Two queries."""
    topics = list(digest.topics.order_by("sort_order").prefetch_related("articles"))
    public = article_ids_public([a.pk for topic in topics for a in topic.articles.all()])
    return [t for t in topics if all(a.pk in public for a in t.articles.all())]
