"""schema.org NewsArticle JSON-LD for article pages, and its safe serialisation."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from depesche.distribution.links import LOGO, LOGO_SIZE, absolute, static_url
from depesche.newsroom.bylines import byline_names
from depesche.newsroom.models import ArticlePage, Author

logger = logging.getLogger(__name__)

SOCIAL_RENDITION = "width-1200"  # Google and social cards want images at least 1200 px wide

# What json_script escapes: inside <script> no "</script>", "<!--" or "&" can take effect.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
# "Anna Beispiel, Ben Muster und Cem Test" names three authors.


@dataclass(frozen=True)
class SocialImage:
    url: str
    width: int | None
    height: int | None
    alt: str = ""


def iso(value: datetime | None) -> str | None:
    """W3C/ISO 8601 in Berlin time, to the second: `2026-11-25T09:40:00+01:00`."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def article_modified(article: ArticlePage) -> datetime | None:
    """The reader-visible update ("Aktualisiert"), else the publication."""
    return article.updated_at or article.first_published_at


def article_image(article: ArticlePage) -> SocialImage | None:
    """The article's lead picture (Aufmacherbild), else the first image block of the body, as
    a large rendition; None without one."""
    if article.image is not None:
        return _social_image(article, article.image, article.image_alt or article.image_caption)
    for block in article.body:
        if block.block_type != "image" or not block.value.get("image"):
            continue
        image = block.value["image"]
        # No alt text: a body image's title is often a file name, not a description.
        return _social_image(article, image, "")
    return None


def _social_image(article: ArticlePage, image: Any, alt: str) -> SocialImage | None:
    try:
        rendition = image.get_rendition(SOCIAL_RENDITION)
    except OSError:  # a missing or unreadable file (SourceImageIOError) must not break the page
        logger.exception("No rendition of image %s for article %s", image.pk, article.pk)
        return None
    return SocialImage(absolute(rendition.url), rendition.width, rendition.height, alt)


def publisher() -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "logo": {
            "@type": "ImageObject",
            "url": static_url(LOGO),
            "width": LOGO_SIZE[0],
            "height": LOGO_SIZE[1],
        },
    }


def authors(
    byline: str, people: list[Author] | None = None
) -> list[dict[str, Any]] | dict[str, Any]:
    """The article's authors with their pages; else the people named in the byline; without
    either the publication is the author."""
    if people:
        return [
            {
                "@type": "Person",
                "name": person.name,
                "url": absolute(reverse("author", args=[person.slug])),
            }
            for person in people
        ]
    # Read as the importer reads bylines: "Von Anna Beispiel, dpa" names one person.
    names = byline_names(byline)
    if not names:
        return {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")}
    return [{"@type": "Person", "name": name} for name in names]


def news_article(
    article: ArticlePage,
    *,
    canonical: str,
    tags: list[str],
    image: SocialImage,
    people: list[Author] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.teaser,
        "datePublished": iso(article.first_published_at),
        "dateModified": iso(article_modified(article)),
        "author": authors(article.byline, people),
        "publisher": publisher(),
        "image": {"@type": "ImageObject", "url": image.url},
        "isAccessibleForFree": True,
        "inLanguage": "de",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
    }
    if image.width and image.height:
        data["image"].update(width=image.width, height=image.height)
    if article.section:
        data["articleSection"] = article.section.title
    if tags:
        data["keywords"] = tags
    return data


def json_ld(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> that no value can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
