"""Reads for feeds and sitemaps, built on the newsroom's selectors (same ordering, same joins)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from django.db.models import QuerySet
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page
from wagtail.query import PageQuerySet

from depesche.newsroom import selectors as newsroom
from depesche.newsroom.models import ArticlePage, SectionPage

FEED_ITEMS = 50
NEWS_WINDOW = timedelta(hours=48)  # Google News sitemaps list articles of the last two days
NEWS_MAX_URLS = 1000  # and at most 1,000 of them


def _for_feed(articles: QuerySet[ArticlePage]) -> list[ArticlePage]:
    # Tags become the items' categories: one prefetch query for all items. Articles behind a
    # password or login stay out of syndication.
    return list(_public(articles).prefetch_related("tags")[:FEED_ITEMS])


def feed_articles_latest() -> list[ArticlePage]:
    return _for_feed(newsroom.articles_live())


def feed_articles_in_section(*, section: SectionPage) -> list[ArticlePage]:
    return _for_feed(newsroom.articles_in_section(section_id=section.pk))


def feed_articles_for_tag(*, tag: Tag) -> list[ArticlePage]:
    # The tag's newest ids from its index range first: the cost does not grow with the archive.
    # Twice as many as shown: articles behind a password or login drop out after.
    ids = list(newsroom.article_ids_for_tag(tag=tag)[: 2 * FEED_ITEMS])
    return _for_feed(newsroom.articles_live().filter(pk__in=ids))


def section_live_by_slug(*, slug: str) -> SectionPage | None:
    return SectionPage.objects.live().public().filter(slug=slug).order_by("path").first()


def sitemap_pages() -> QuerySet[Page]:
    """Live, public pages other than articles (home, sections, legal pages), in tree order."""
    return Page.objects.live().public().filter(depth__gt=1).not_type(ArticlePage).order_by("path")


def _public(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """Without articles behind a password or login (Wagtail's view restrictions)."""
    return cast(PageQuerySet, articles).public()


def sitemap_articles() -> QuerySet[ArticlePage]:
    return _public(newsroom.articles_live())


def sitemap_tags() -> QuerySet[Tag]:
    """Tags with at least one live article: the tag pages worth crawling."""
    return Tag.objects.filter(
        pk__in=ArticlePage.objects.live().values("tagged_items__tag_id"),
    ).order_by("slug")


def news_articles(*, now: datetime | None = None) -> list[ArticlePage]:
    """Articles first published within NEWS_WINDOW, newest first, at most NEWS_MAX_URLS."""
    since = (now or timezone.now()) - NEWS_WINDOW
    return list(
        _public(newsroom.articles_live()).filter(first_published_at__gte=since)[:NEWS_MAX_URLS]
    )
