"""What a page tells crawlers and social networks: canonical URL, feed links, Open Graph and
Twitter card tags, and the article's JSON-LD. Built from the template context, with no queries
of its own on non-article pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.models import Page

from depesche.distribution import structured_data
from depesche.distribution.links import (
    SHARE_IMAGE,
    SHARE_IMAGE_SIZE,
    absolute,
    is_private,
    page_url,
    static_url,
)
from depesche.newsroom import selectors as newsroom
from depesche.newsroom.models import ArticlePage, Author, HomePage, SectionPage


@dataclass
class PageMeta:
    canonical: str | None = None
    feeds: list[tuple[str, str, str]] = field(default_factory=list)  # (type, title, href)
    properties: list[tuple[str, str]] = field(default_factory=list)  # Open Graph
    names: list[tuple[str, str]] = field(default_factory=list)  # Twitter card
    json_ld: SafeString | None = None


def canonical_url(request: HttpRequest, page: Page | None) -> str | None:
    """The page's own URL on BASE_URL. Query strings are dropped (tracking parameters,
    filters), except `?page=N` beyond the first page: page 2 of a section lists other articles
    than page 1, so it is its own canonical page (pointing it at page 1 would hide them)."""
    if is_private(request.path):
        return None
    url = page_url(page, request) if page is not None else absolute(request.path)
    number = request.GET.get("page", "")
    if number.isdigit() and int(number) > 1:
        url += f"?page={int(number)}"
    return url


def _feeds(kind: str, title: str, *args: str) -> list[tuple[str, str, str]]:
    return [
        (
            "application/rss+xml",
            f"{title} (RSS)",
            absolute(reverse(f"distribution:{kind}-rss", args=args)),
        ),
        (
            "application/atom+xml",
            f"{title} (Atom)",
            absolute(reverse(f"distribution:{kind}-atom", args=args)),
        ),
    ]


def _tag_of(context: Mapping[Any, Any], request: HttpRequest) -> Tag | None:
    match = request.resolver_match
    tag = context.get("tag")
    if match is not None and match.view_name == "tag" and isinstance(tag, Tag):
        return tag
    return None


def _author_of(context: Mapping[Any, Any], request: HttpRequest) -> Author | None:
    match = request.resolver_match
    author = context.get("author")
    if match is not None and match.view_name == "author" and isinstance(author, Author):
        return author
    return None


def page_meta(context: Mapping[Any, Any]) -> PageMeta:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return PageMeta()
    page = context.get("page")
    if not isinstance(page, Page):
        page = None
    meta = PageMeta(canonical=canonical_url(request, page))
    if meta.canonical is None:
        return meta
    site = str(settings.SITE_NAME)
    tag = _tag_of(context, request)
    author = _author_of(context, request)

    title = description = None
    image: structured_data.SocialImage | None = None
    if isinstance(page, ArticlePage):
        title = page.seo_title or page.title
        description = page.search_description or page.teaser
        image = structured_data.article_image(page)
    elif isinstance(page, HomePage):
        title = site
        description = page.search_description or page.claim
    elif page is not None:
        title = page.seo_title or page.title
        description = page.search_description or getattr(page, "description", "")
    elif tag is not None:
        title = tag.name
        description = _("Alle Artikel zum Thema %(tag)s") % {"tag": tag.name}
    elif author is not None:
        title = author.name
        description = author.bio or _("Alle Artikel von %(author)s") % {"author": author.name}

    if isinstance(page, SectionPage):
        meta.feeds += _feeds("section", f"{site} – {page.title}", page.slug)
    elif tag is not None:
        meta.feeds += _feeds("tag", f"{site} – {tag.name}", tag.slug)
    elif author is not None:
        meta.feeds += _feeds("author", f"{site} – {author.name}", author.slug)
    meta.feeds += _feeds("latest", site)

    if title is None:  # a page we know too little about for a share card
        return meta
    shown = image or structured_data.SocialImage(static_url(SHARE_IMAGE), *SHARE_IMAGE_SIZE)
    meta.properties = [
        ("og:site_name", site),
        ("og:locale", "de_DE"),
        ("og:type", "article" if isinstance(page, ArticlePage) else "website"),
        ("og:title", title),
        ("og:url", meta.canonical),
        ("og:image", shown.url),
    ]
    if shown.width and shown.height:
        meta.properties += [
            ("og:image:width", str(shown.width)),
            ("og:image:height", str(shown.height)),
        ]
    if shown.alt:
        meta.properties.append(("og:image:alt", shown.alt))
    if description:
        meta.properties.append(("og:description", description))
    meta.names = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title),
    ]
    if description:
        meta.names.append(("twitter:description", description))
    meta.names.append(("twitter:image", shown.url))
    if shown.alt:
        meta.names.append(("twitter:image:alt", shown.alt))

    if isinstance(page, ArticlePage):
        # The page's context already holds the tags; reading them again would cost a query.
        known = context.get("article_tags")
        tags = [t.name for t in (known if known is not None else page.tags.all())]
        meta.properties += _article_properties(page, tags)
        people = context.get("article_authors")
        if people is None:
            people = newsroom.authors_of_article(article=page)
        meta.json_ld = structured_data.json_ld(
            structured_data.news_article(
                page, canonical=meta.canonical, tags=tags, image=shown, people=people
            )
        )
    return meta


def _article_properties(article: ArticlePage, tags: list[str]) -> list[tuple[str, str]]:
    properties = []
    published = structured_data.iso(article.first_published_at)
    modified = structured_data.iso(structured_data.article_modified(article))
    if published:
        properties.append(("article:published_time", published))
    if modified:
        properties.append(("article:modified_time", modified))
    if article.section:
        properties.append(("article:section", article.section.title))
    properties += [("article:tag", name) for name in tags]
    return properties
