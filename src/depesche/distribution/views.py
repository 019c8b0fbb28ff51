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
from depesche.distribution.sitemaps import (
    BaseUrlSitemap,
    NewsSitemap,
    sitemaps_for,
    urlset_xml,
)


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page in one file while they fit (SITEMAP_MAX_URLS); past that a sitemap
    index, which crawlers follow from the same URL."""
    sitemaps = sitemaps_for(request)
    totals = {name: site.totals() for name, site in sitemaps.items()}
    if sum(count for count, _newest in totals.values()) <= settings.SITEMAP_MAX_URLS:
        newest = [newest for count, newest in totals.values() if count]
        return _urlset(list(sitemaps.values()), page=1, lastmods=newest)
    return _sitemap_index(request, sitemaps, {name: count for name, (count, _) in totals.items()})


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One file of the sitemap index: section `section`, page `?p=` (default 1); 404 for an
    unknown section or page, as Django's sitemap views answer."""
    site = sitemaps_for(request).get(section)
    if site is None:
        raise Http404("No sitemap section")
    try:
        page = int(request.GET.get("p", "1"))
    except ValueError:  # not a number, or one of thousands of digits
        page = 0
    count, _newest = site.totals()
    if not 1 <= page <= site.pages(count):
        raise Http404("No such sitemap page")
    return _urlset([site], page=page, lastmods=[site.page_lastmod(page)])


def _urlset(sitemaps: list[BaseUrlSitemap], *, page: int, lastmods: list[Any]) -> HttpResponse:
    response = HttpResponse(urlset_xml(sitemaps, page=page), content_type="application/xml")
    _headers(response, lastmods)
    return response


def _headers(response: HttpResponse, lastmods: list[Any]) -> None:
    """The headers Django's sitemap views set: X-Robots-Tag, and Last-Modified when every
    (non-empty) part has a date."""
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    if lastmods and all(lastmods):
        response["Last-Modified"] = http_date(max(lastmods).timestamp())


def _sitemap_index(
    request: HttpRequest, sitemaps: dict[str, BaseUrlSitemap], counts: dict[str, int]
) -> HttpResponse:
    """One entry per file of each section, each with the newest lastmod of its URLs (one
    aggregate query per file)."""
    entries: list[dict[str, Any]] = []
    for section, site in sitemaps.items():
        if counts[section] == 0:
            continue
        location = absolute(reverse("distribution:sitemap-section", args=[section]))
        for page in range(1, site.pages(counts[section]) + 1):
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
    _headers(response, [entry["lastmod"] for entry in entries])
    return response


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
