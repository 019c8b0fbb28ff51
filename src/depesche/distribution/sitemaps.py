"""sitemap.xml (a sitemap index past SITEMAP_MAX_URLS) and the Google News sitemap, on Django's
sitemap framework.

Not wagtail.contrib.sitemaps: it builds URLs from the Wagtail Site record's host, while every
public URL here is on settings.BASE_URL. Locations still come from Wagtail's page routing
(`get_url_parts`, or for article rows the same rule in links.PagePaths), so they match the
URLs the site serves.

Each sitemap's paginator (Django's) pages in the database (LIMIT/OFFSET), and articles and tags
come as plain rows: one file costs at most SITEMAP_MAX_URLS small dicts, whatever the archive.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from wagtail.models import Page

from depesche.distribution import selectors
from depesche.distribution.links import PagePaths, page_url
from depesche.distribution.structured_data import article_modified
from depesche.newsroom.models import ArticlePage


class BaseUrlSitemap(Sitemap):  # type: ignore[type-arg]
    """Locations on BASE_URL; made per request so Wagtail can cache its root paths on it."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        self.request = request
        base = urlsplit(settings.BASE_URL)
        self.protocol = base.scheme or "https"
        self._domain = base.netloc + base.path

    @property
    def limit(self) -> int:  # type: ignore[override]
        return int(settings.SITEMAP_MAX_URLS)

    @cached_property
    def paginator(self) -> Paginator:  # type: ignore[override,type-arg]
        # Django makes a new paginator (and counts again) on every access; one per request.
        # items() is all there is: no i18n alternates.
        return Paginator(self.items(), self.limit)  # type: ignore[arg-type]

    def get_domain(self, site: Any = None) -> str:
        return self._domain

    def page_lastmod(self, page: int) -> datetime | None:
        """The newest lastmod among the URLs of file `page` (1-based) of this sitemap."""
        raise NotImplementedError

    def _slice(self, page: int) -> dict[str, int]:
        return {"offset": (page - 1) * self.limit, "limit": self.limit}


class PageSitemap(BaseUrlSitemap):
    """Home page, sections and legal pages."""

    def items(self) -> Any:
        return selectors.sitemap_pages()

    def location(self, item: Page) -> str:
        return page_url(item, self.request).removeprefix(settings.BASE_URL)

    def lastmod(self, item: Page) -> datetime | None:
        return item.last_published_at

    def page_lastmod(self, page: int) -> datetime | None:
        return selectors.sitemap_newest(
            selectors.sitemap_pages(), field="last_published_at", **self._slice(page)
        )


class ArticleSitemap(BaseUrlSitemap):
    """Every public article; lastmod is the reader-visible update ("Aktualisiert")."""

    def items(self) -> Any:
        return selectors.sitemap_article_rows()

    @cached_property
    def _paths(self) -> PagePaths:
        return PagePaths()

    def location(self, item: dict[str, Any]) -> str:
        return self._paths.path(item["url_path"])

    def lastmod(self, item: dict[str, Any]) -> datetime | None:
        return item["lastmod"]  # type: ignore[no-any-return]

    def page_lastmod(self, page: int) -> datetime | None:
        return selectors.sitemap_newest(
            selectors.sitemap_article_rows(), field="lastmod", **self._slice(page)
        )


class TagSitemap(BaseUrlSitemap):
    """Tag pages with public articles; lastmod is their newest article's publication."""

    def items(self) -> Any:
        return selectors.sitemap_tag_rows()

    def location(self, item: dict[str, Any]) -> str:
        return reverse("tag", args=[item["slug"]])

    def lastmod(self, item: dict[str, Any]) -> datetime | None:
        return item["lastmod"]  # type: ignore[no-any-return]

    def page_lastmod(self, page: int) -> datetime | None:
        return selectors.sitemap_newest(
            selectors.sitemap_tag_rows(), field="lastmod", **self._slice(page)
        )


def sitemaps_for(request: HttpRequest) -> dict[str, BaseUrlSitemap]:
    """The sections of sitemap.xml by name (the name is in the index's file URLs)."""
    return {
        "pages": PageSitemap(request),
        "articles": ArticleSitemap(request),
        "tags": TagSitemap(request),
    }


class NewsSitemap(BaseUrlSitemap):
    """The Google News sitemap: articles of the last 48 hours, newest first, at most
    selectors.NEWS_MAX_URLS (one file: Google's limit is below the protocol's)."""

    @property
    def limit(self) -> int:  # type: ignore[override]
        return selectors.NEWS_MAX_URLS

    def items(self) -> Any:
        return selectors.news_articles()

    def location(self, item: ArticlePage) -> str:
        return page_url(item, self.request).removeprefix(settings.BASE_URL)

    def lastmod(self, item: ArticlePage) -> datetime | None:
        return article_modified(item)
