"""Absolute public URLs: always on settings.BASE_URL, never on the request's host or the
Wagtail Site record, so feeds, sitemaps and tags name the same origin as links in mails."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from wagtail.models import Page, Site

# Paths crawlers have no business in: the admin, readers' own settings and tokens, the mail
# catcher, counters, webhooks and internal search results (endless, thin pages). robots.txt
# disallows them and pages under them get no canonical link.
PRIVATE_PREFIXES = (
    "/admin/",
    "/abo/",
    "/newsletter/bestaetigen/",
    "/newsletter/danke/",
    "/_mail/",
    "/anzeige/",  # ad click redirects: a crawler's visit is no click
    "/zaehler/",
    "/anymail/",
    "/i18n/",
    "/suche/",
)

LOGO = "depesche/logo.png"  # 600 × 60 px: the publisher logo size Google News asks for
LOGO_SIZE = (600, 60)
SHARE_IMAGE = "depesche/share.png"  # 1200 × 630 px: social cards of pages without an image
SHARE_IMAGE_SIZE = (1200, 630)


def absolute(path: str) -> str:
    """`path` on BASE_URL; already absolute URLs (e.g. media on a CDN) stay as they are."""
    if path.startswith(("http://", "https://")):
        return path
    if path.startswith("//"):
        return f"{urlsplit(settings.BASE_URL).scheme}:{path}"
    return settings.BASE_URL + path


def page_url(page: Page, request: HttpRequest | None = None) -> str:
    """The page's absolute public URL. Pass the request: Wagtail caches the site root paths
    on it, so many pages cost no extra queries."""
    _site_id, _root_url, path = page.get_url_parts(request) or (None, None, None)
    return absolute(path or "/")


class PagePaths:
    """A page's public path from its `url_path` alone, as Wagtail's routing makes it
    (`Page.get_url_parts`): for lists of rows too long to hold as page objects (a sitemap of
    50,000 articles). Read the site roots once per list."""

    def __init__(self) -> None:
        # Most specific root first, as Wagtail orders them; the first that contains the page wins.
        self._roots = [root.root_path for root in Site.get_site_root_paths()]
        self._serve = reverse("wagtail_serve", args=("",))

    def path(self, url_path: str) -> str:
        for root in self._roots:
            if url_path.startswith(root):
                return self._serve + url_path[len(root) :]
        return "/"  # outside every site: as page_url() answers for a page without a URL


def static_url(name: str) -> str:
    return absolute(static(name))


def is_private(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES)
