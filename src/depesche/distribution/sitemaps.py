"""sitemap.xml and the Google News sitemap, on Django's sitemap framework.

Not wagtail.contrib.sitemaps: it builds URLs from the Wagtail Site record's host, while every
public URL here is on settings.BASE_URL. Locations still come from Wagtail's page routing
(`get_url_parts`), so they match the URLs the site serves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest
from django.urls import reverse
from taggit.models import Tag
from wagtail.models import Page

from depesche.distribution import selectors
from depesche.distribution.links import page_url
from depesche.distribution.structured_data import article_modified
from depesche.newsroom.models import ArticlePage


class BaseUrlSitemap(Sitemap):  # type: ignore[type-arg]
    """Locations on BASE_URL; made per request so Wagtail can cache its root paths on it."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        self.request = request
        base = urlsplit(settings.BASE_URL)
        self.protocol = base.scheme or "https"
        self._domain = base.netloc + base.path

    def get_domain(self, site: Any = None) -> str:
        return self._domain


class PageSitemap(BaseUrlSitemap):
    """Home page, sections and legal pages."""

    def items(self) -> Any:
        return selectors.sitemap_pages()

    def location(self, item: Page) -> str:
        return self._path(page_url(item, self.request))

    def lastmod(self, item: Page) -> datetime | None:
        return item.last_published_at

    def _path(self, url: str) -> str:
        # Django prepends protocol and domain itself.
        return url.removeprefix(settings.BASE_URL)


class ArticleSitemap(PageSitemap):
    """Every live article; lastmod is the reader-visible update ("Aktualisiert")."""

    def items(self) -> Any:
        return selectors.sitemap_articles()

    def lastmod(self, item: ArticlePage) -> datetime | None:  # type: ignore[override]
        return article_modified(item)


class TagSitemap(BaseUrlSitemap):
    def items(self) -> Any:
        return selectors.sitemap_tags()

    def location(self, item: Tag) -> str:
        return reverse("tag", args=[item.slug])


class NewsSitemap(ArticleSitemap):
    """The Google News sitemap: articles of the last 48 hours, at most 1,000."""

    limit = selectors.NEWS_MAX_URLS

    def items(self) -> Any:
        return selectors.news_articles()
