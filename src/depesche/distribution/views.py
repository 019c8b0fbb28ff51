"""Sitemaps and robots.txt; the feeds are classes in feeds.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from depesche.distribution.links import PRIVATE_PREFIXES, absolute
from depesche.distribution.sitemaps import (
    ArticleSitemap,
    NewsSitemap,
    PageSitemap,
    TagSitemap,
)


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    sitemaps: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
        "pages": PageSitemap(request),
        "articles": ArticleSitemap(request),
        "tags": TagSitemap(request),
    }
    return sitemap_views.sitemap(request, sitemaps, template_name="distribution/sitemap.xml")


@require_GET
def news_sitemap(request: HttpRequest) -> HttpResponse:
    sitemaps: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {"news": NewsSitemap(request)}
    response = sitemap_views.sitemap(
        request, sitemaps, template_name="distribution/sitemap_news.xml"
    )
    # A TemplateResponse, rendered later: the publication name joins its context.
    if response.context_data is not None:
        response.context_data["publication_name"] = settings.SITE_NAME
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES]
    lines += [
        "",
        f"Sitemap: {absolute(reverse('distribution:sitemap'))}",
        f"Sitemap: {absolute(reverse('distribution:sitemap-news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
