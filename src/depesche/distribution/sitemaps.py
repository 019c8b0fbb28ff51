"""sitemap.xml (a sitemap index past SITEMAP_MAX_URLS) and the Google News sitemap, on Django's
sitemap classes.

Not wagtail.contrib.sitemaps: it builds URLs from the Wagtail Site record's host, while every
public URL here is on settings.BASE_URL. Locations still come from Wagtail's page routing
(`get_url_parts`, or for article rows the same rule in links.PagePaths), so they match the
URLs the site serves.

A file of up to 50,000 URLs is written by `urlset_xml`, not by Django's sitemap view and
template: Django keeps a dict per URL and renders them all through the template, about 70 MB
and many seconds for 50,000 articles. Here the rows of one file come from the database in
chunks (LIMIT/OFFSET for the file, a cursor within it) and only the XML text is kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.models import Page

from depesche.distribution import selectors
from depesche.distribution.links import PagePaths, page_url
from depesche.distribution.structured_data import article_modified, iso
from depesche.newsroom.models import ArticlePage

CHUNK = 2_000  # rows per database round trip while a file is written


class BaseUrlSitemap(Sitemap):  # type: ignore[type-arg]
    """Locations on BASE_URL; made per request so Wagtail can cache its root paths on it."""

    lastmod_field = ""  # the column (or annotation) lastmod() reads, for the files' newest

    def __init__(self, request: HttpRequest | None = None) -> None:
        self.request = request
        base = urlsplit(settings.BASE_URL)
        self.protocol = base.scheme or "https"
        self._domain = base.netloc + base.path

    @property
    def limit(self) -> int:  # type: ignore[override]
        return int(settings.SITEMAP_MAX_URLS)

    def get_domain(self, site: Any = None) -> str:
        return self._domain

    def items(self) -> QuerySet[Any, Any]:
        raise NotImplementedError

    def location(self, item: Any) -> str:
        raise NotImplementedError

    def lastmod(self, item: Any) -> datetime | None:
        raise NotImplementedError

    def totals(self) -> tuple[int, datetime | None]:
        """How many URLs, and the newest lastmod among them (one query)."""
        return selectors.sitemap_totals(self.items(), field=self.lastmod_field)

    def pages(self, count: int) -> int:
        """Files of at most `limit` URLs for `count` URLs (an empty sitemap is one file)."""
        return max(1, math.ceil(count / self.limit))

    def page_lastmod(self, page: int) -> datetime | None:
        """The newest lastmod among the URLs of file `page` (1-based) of this sitemap."""
        offset = (page - 1) * self.limit
        return selectors.sitemap_newest(
            self.items(), field=self.lastmod_field, offset=offset, limit=self.limit
        )

    def page_urls(self, page: int) -> Iterator[tuple[str, datetime | None]]:
        """(absolute location, lastmod) of each URL of file `page`, read in chunks."""
        offset = (page - 1) * self.limit
        rows: QuerySet[Any, Any] = self.items()[offset : offset + self.limit]
        origin = f"{self.protocol}://{self._domain}"
        for item in rows.iterator(chunk_size=CHUNK):
            yield origin + self.location(item), self.lastmod(item)


class PageSitemap(BaseUrlSitemap):
    """Home page, sections and legal pages."""

    lastmod_field = "last_published_at"

    def items(self) -> Any:
        return selectors.sitemap_pages()

    def location(self, item: Page) -> str:
        return page_url(item, self.request).removeprefix(settings.BASE_URL)

    def lastmod(self, item: Page) -> datetime | None:
        return item.last_published_at


class ArticleSitemap(BaseUrlSitemap):
    """Every public article; lastmod is the reader-visible update ("Aktualisiert")."""

    lastmod_field = "lastmod"

    def items(self) -> Any:
        return selectors.sitemap_article_rows()

    @cached_property
    def _paths(self) -> PagePaths:
        return PagePaths()

    def location(self, item: dict[str, Any]) -> str:
        return self._paths.path(item["url_path"])

    def lastmod(self, item: dict[str, Any]) -> datetime | None:
        return item["lastmod"]  # type: ignore[no-any-return]


class TagSitemap(BaseUrlSitemap):
    """Tag pages with public articles; lastmod is their newest article's publication."""

    lastmod_field = "lastmod"

    def items(self) -> Any:
        return selectors.sitemap_tag_rows()

    @cached_property
    def _prefix(self) -> str:
        return reverse("tag", args=["-"]).removesuffix("-/")

    def location(self, item: dict[str, Any]) -> str:
        # One reverse() for all (50,000 would cost as much as the rest of the file), and the
        # slug quoted as reverse() quotes it.
        return f"{self._prefix}{quote(item['slug'], safe=RFC3986_SUBDELIMS + '~:@')}/"

    def lastmod(self, item: dict[str, Any]) -> datetime | None:
        return item["lastmod"]  # type: ignore[no-any-return]


def sitemaps_for(request: HttpRequest) -> dict[str, BaseUrlSitemap]:
    """The sections of sitemap.xml by name (the name is in the index's file URLs)."""
    return {
        "pages": PageSitemap(request),
        "articles": ArticleSitemap(request),
        "tags": TagSitemap(request),
    }


def urlset_xml(sitemaps: list[BaseUrlSitemap], *, page: int) -> bytes:
    """File `page` of each of `sitemaps` as one <urlset>; memory holds the text, not the rows."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    for sitemap in sitemaps:
        for location, lastmod in sitemap.page_urls(page):
            stamp = f"\n    <lastmod>{iso(lastmod)}</lastmod>" if lastmod else ""
            parts.append(f"  <url>\n    <loc>{escape(location)}</loc>{stamp}\n  </url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode()


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
