"""The page cache: public pages (home, sections, tags, articles) rendered once per site
generation and served from Django's cache; purges for a CDN or reverse proxy.

Correctness rests on one site-wide generation: every cache key contains it, and every publish,
unpublish, delete or move replaces it (`pages_changed`), so after a change no cached page of
the old state is ever looked up again (teaser lists and "Mehr zum Thema" included).

Personal state never enters the cache: a request carrying a session, reader or messages
cookie (or credentials) bypasses the cache, and a response is stored only if rendering it used
no CSRF token, no CSP nonce, wrote no session and set no cookie. Ads are cached with the page:
their beacon counts each impression, and a changed campaign calls `pages_changed` too. A page
is kept no longer than until a campaign it could show starts or ends (`page_expires_by`).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from depesche.core.etags import etag_of, if_none_match

GENERATION_KEY = "pages:generation"
_CACHEABLE = "_depesche_page_cacheable"
_EXPIRES = "_depesche_page_expires"
# Cookies that make a page personal: the login (Wagtail userbar, editors), the recognised
# reader (follow [+] state and forms with CSRF tokens), flash messages.
_MESSAGES_COOKIE = "messages"


def _personal_cookies() -> set[str]:
    # The reader cookie's name is a setting (as the session's is): newsroom is below audience.
    return {settings.SESSION_COOKIE_NAME, settings.READER_COOKIE_NAME, _MESSAGES_COOKIE}


def _new_generation() -> str:
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def generation() -> str:
    """The current site generation; a new one if the cache lost it (every page then misses)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = _new_generation()
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY) or value
    return str(value)


def pages_changed(*, urls: Iterable[str] = ()) -> None:
    """Invalidate every cached page (a new generation) and purge `urls` from the CDN/proxy.

    Idempotent; call it after the change is committed (readers in between may cache the old
    state under the old generation only). The purge runs as a task when
    DEPESCHE_FRONTEND_CACHE_URL is set."""
    cache.set(GENERATION_KEY, _new_generation(), None)
    urls = sorted(set(urls))
    if urls and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        purge_urls_from_cache(urls)


def urls_for_page(page: Any) -> list[str]:
    """The public URLs showing `page`: itself, home, and for an article its section and tags."""
    urls = [page.get_full_url()]
    site = page.get_site()
    if site is not None:
        urls.append(site.root_url.rstrip("/") + "/")
    specific = getattr(page, "specific", page)
    # Articles are the pages with tags. Asked of the page rather than by importing ArticlePage:
    # the page models import this module (their pages are cacheable), so this one must not
    # import them back.
    if hasattr(specific, "tags"):
        parent = specific.get_parent()
        if parent is not None:
            urls.append(parent.get_full_url())
        urls.extend(_tag_urls(specific.tags.values_list("slug", flat=True)))
    if hasattr(specific, "article_authors"):
        urls.extend(author_urls(specific.article_authors.values_list("author__slug", flat=True)))
    return [url for url in urls if url]


def author_urls(slugs: Iterable[str]) -> list[str]:
    """The author pages of `slugs` (their first page; later pages share the generation)."""
    from django.urls import reverse

    base = settings.BASE_URL.rstrip("/")
    return [base + reverse("author", args=[slug]) for slug in slugs]


def _tag_urls(slugs: Iterable[str]) -> list[str]:
    from django.urls import reverse

    base = settings.BASE_URL.rstrip("/")
    return [base + reverse("tag", args=[slug]) for slug in slugs]


def urls_for_subtree(page: Any) -> list[str]:
    """The public URLs showing `page` or any live page below it (a restriction set on a
    section covers its articles): each page's own URL, plus home, section and tag pages."""
    from taggit.models import Tag
    from wagtail.models import Page

    urls = set(urls_for_page(page))
    below = Page.objects.live().descendant_of(page)
    urls.update(url for child in below.iterator() if (url := child.get_full_url()))
    # The tag pages listing any of those articles (one query for all of them).
    slugs = Tag.objects.filter(
        newsroom_articlepagetag_items__content_object__path__startswith=page.path
    ).values_list("slug", flat=True)
    urls.update(_tag_urls(slugs.distinct()))
    return sorted(urls)


def cacheable(response: HttpResponse) -> HttpResponse:
    """Mark a public page's response as one the page cache may keep."""
    setattr(response, _CACHEABLE, True)
    return response


def page_expires_by(request: HttpRequest, when: datetime | None) -> None:
    """Part of the page being rendered changes by itself at `when` (an ad campaign starts or
    ends): the cache and a CDN keep it no longer. None: no such moment."""
    if when is None:
        return
    current: datetime | None = getattr(request, _EXPIRES, None)
    if current is None or when < current:
        setattr(request, _EXPIRES, when)


def _lifetime(request: HttpRequest, seconds: int) -> int:
    when: datetime | None = getattr(request, _EXPIRES, None)
    if when is None:
        return seconds
    return max(0, min(seconds, math.floor((when - timezone.now()).total_seconds())))


def _is_personal(request: HttpRequest) -> bool:
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    return any(name in request.COOKIES for name in _personal_cookies())


def _used_personal_state(request: HttpRequest, response: HttpResponseBase) -> bool:
    session = getattr(request, "session", None)
    return bool(
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or isinstance(getattr(request, "_csp_nonce", None), str)
        or (session is not None and session.modified)
        or response.cookies
    )


def _key(request: HttpRequest, gen: str) -> str:
    where = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"pages:{gen}:{get_language() or ''}:{where}"


def _public_headers(response: HttpResponseBase, etag: str, seconds: int) -> None:
    response["ETag"] = etag
    # Browsers revalidate every time (a cheap 304); a CDN may keep it, purged on publish.
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds, must_revalidate=True)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


class PageCacheMiddleware:
    """Innermost middleware: every other middleware (security headers, CSP, sessions, CSRF)
    still runs for a cached page; only routing and rendering are skipped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD") or _is_personal(request):
            return self._uncached(request)
        key = _key(request, generation())
        entry = cache.get(key)
        if entry is not None:
            if if_none_match(request, entry["etag"]):
                response: HttpResponseBase = HttpResponseNotModified()
            else:
                response = HttpResponse(entry["content"], content_type=entry["content_type"])
            left = math.floor(entry.get("expires", time.time() + seconds) - time.time())
            _public_headers(response, entry["etag"], max(0, min(seconds, left)))
            return response
        response = self.get_response(request)
        if not (
            getattr(response, _CACHEABLE, False)
            and request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not _used_personal_state(request, response)
        ):
            return self._private(response)
        lifetime = _lifetime(request, seconds)
        if lifetime < 1:  # an ad changes within the second: not worth keeping
            return self._private(response)
        assert isinstance(response, HttpResponse)
        etag = etag_of(response.content)
        entry = {
            "content": response.content,
            "content_type": response["Content-Type"],
            "etag": etag,
            "expires": time.time() + lifetime,
        }
        cache.set(key, entry, lifetime)
        _public_headers(response, etag, lifetime)
        if if_none_match(request, etag):
            not_modified = HttpResponseNotModified()
            _public_headers(not_modified, etag, lifetime)
            return not_modified
        return response

    def _uncached(self, request: HttpRequest) -> HttpResponseBase:
        return self._private(self.get_response(request))

    @staticmethod
    def _private(response: HttpResponseBase) -> HttpResponseBase:
        # A page that may carry someone's state must not be kept by a CDN or proxy either.
        if getattr(response, _CACHEABLE, False):
            patch_cache_control(response, private=True, no_cache=True)
        return response
