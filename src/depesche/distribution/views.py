"""Sitemaps and robots.txt; the feeds are classes in feeds.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from depesche.distribution.links import PRIVATE_PREFIXES, absolute
from depesche.distribution.sitemaps import BaseUrlSitemap, NewsSitemap, sitemaps_for

SITEMAP_TEMPLATE = "distribution/sitemap.xml"


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page in one file while they fit (SITEMAP_MAX_URLS); past that a sitemap
    index, which crawlers follow from the same URL."""
    sitemaps = sitemaps_for(request)
    total = sum(site.paginator.count for site in sitemaps.values())
    if total <= settings.SITEMAP_MAX_URLS:
        return sitemap_views.sitemap(request, dict(sitemaps), template_name=SITEMAP_TEMPLATE)
    return _sitemap_index(request, sitemaps)


@sitemap_views.x_robots_tag
def _sitemap_index(request: HttpRequest, sitemaps: dict[str, BaseUrlSitemap]) -> HttpResponse:
    """One entry per file of each section, each with the newest lastmod of its URLs (one
    aggregate query per file); Last-Modified as Django's sitemap views set it."""
    entries: list[dict[str, Any]] = []
    for section, site in sitemaps.items():
        if site.paginator.count == 0:
            continue
        location = absolute(reverse("distribution:sitemap-section", args=[section]))
        for page in site.paginator.page_range:
            entries.append(
                {
                    "location": location if page == 1 else f"{location}?p={page}",
                    "lastmod": site.page_lastmod(page),
                }
            )
    response = TemplateResponse(
        request,
        "distribution/sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
    )
    lastmods = [entry["lastmod"] for entry in entries]
    if lastmods and all(lastmods):
        response["Last-Modified"] = http_date(max(lastmods).timestamp())
    return response


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One file of the sitemap index: section `section`, page `?p=` (default 1); 404 for an
    unknown section or page."""
    sitemaps = sitemaps_for(request)
    if section not in sitemaps:
        raise Http404("No sitemap section")
    return sitemap_views.sitemap(
        request, dict(sitemaps), section=section, template_name=SITEMAP_TEMPLATE
    )


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
