"""Reads for feeds and sitemaps, built on the newsroom's selectors (same ordering, same joins)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django.db.models import Count, F, Max, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page

from depesche.newsroom import selectors as newsroom
from depesche.newsroom.models import ArticlePage, ArticlePageAuthor, Author, HomePage, SectionPage

FEED_ITEMS = 50
NEWS_WINDOW = timedelta(hours=48)  # Google News sitemaps list articles of the last two days
NEWS_MAX_URLS = 1000  # and at most 1,000 of them


def _for_feed(articles: QuerySet[ArticlePage]) -> list[ArticlePage]:
    # Tags become the items' categories, authors their author: one prefetch query each for all
    # items. `articles` come through the newsroom's gate: nothing behind a password or login.
    authors = Prefetch("article_authors", ArticlePageAuthor.objects.select_related("author"))
    return list(articles.prefetch_related("tags", authors)[:FEED_ITEMS])


def feed_articles_latest() -> list[ArticlePage]:
    return _for_feed(newsroom.articles_public())


def feed_articles_in_section(*, section: SectionPage) -> list[ArticlePage]:
    return _for_feed(newsroom.articles_in_section(section_id=section.pk))


def feed_articles_for_tag(*, tag: Tag) -> list[ArticlePage]:
    # The tag's newest ids from its index range first: the cost does not grow with the archive.
    ids = list(newsroom.article_ids_for_tag(tag=tag)[:FEED_ITEMS])
    return _for_feed(newsroom.articles_public().filter(pk__in=ids))


def feed_articles_for_author(*, author: Author) -> list[ArticlePage]:
    ids = list(newsroom.article_ids_for_author(author=author)[:FEED_ITEMS])
    return _for_feed(newsroom.articles_public().filter(pk__in=ids))


def author_public_by_slug(*, slug: str) -> Author | None:
    return newsroom.author_public(slug=slug)


def section_live_by_slug(*, slug: str) -> SectionPage | None:
    pages = newsroom.pages_public().type(SectionPage).specific()
    return cast(SectionPage | None, pages.filter(slug=slug).order_by("path").first())


def home_page() -> HomePage | None:
    return newsroom.home_page()


def tag_public_by_slug(*, slug: str) -> Tag | None:
    return newsroom.tag_public(slug=slug)


def sitemap_pages() -> QuerySet[Page]:
    """Live, public pages other than articles (home, sections, legal pages), in tree order."""
    return newsroom.pages_public().filter(depth__gt=1).not_type(ArticlePage).order_by("path")


def sitemap_article_rows() -> QuerySet[ArticlePage, dict[str, Any]]:
    """Public articles as rows of `url_path` and `lastmod` (the reader-visible update, else the
    publication), in id order: plain rows, not pages, so a sitemap file of 50,000 costs no
    page objects; and in id order so new articles join the last file of a sitemap index and
    the earlier files (and their lastmod) stay as they were."""
    return (
        newsroom.articles_public()
        .order_by("pk")
        .annotate(lastmod=Coalesce("updated_at", "first_published_at"))
        .values("url_path", "lastmod")
    )


def sitemap_tag_rows() -> QuerySet[Tag, dict[str, Any]]:
    """Tags with at least one public article, as rows of `slug` and `lastmod` (the first
    publication of the tag's newest public article), by slug."""
    return newsroom.tags_public_with_newest().order_by("slug").values("slug", lastmod=F("newest"))


def sitemap_totals(rows: QuerySet[Any, Any], *, field: str) -> tuple[int, Any]:
    """How many `rows`, and their newest `field`: one aggregate query."""
    found = rows.order_by().aggregate(count=Count("pk"), newest=Max(field))
    return found["count"], found["newest"]


def sitemap_newest(rows: QuerySet[Any, Any], *, field: str, offset: int, limit: int) -> Any:
    """The newest `field` among rows offset … offset+limit of `rows` (one sitemap file of an
    index): one aggregate over the slice, in the database."""
    return rows[offset : offset + limit].aggregate(newest=Max(field))["newest"]


def news_articles(*, now: datetime | None = None) -> list[ArticlePage]:
    """Articles first published within NEWS_WINDOW, newest first, at most NEWS_MAX_URLS."""
    since = (now or timezone.now()) - NEWS_WINDOW
    return list(newsroom.articles_public().filter(first_published_at__gte=since)[:NEWS_MAX_URLS])
