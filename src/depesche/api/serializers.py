"""Articles, sections and tags as API schemas."""

from __future__ import annotations

import nh3
from django.conf import settings
from django.utils.html import escape
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from depesche.api.schemas import ArticleDetailOut, ArticleOut, SectionRef, TagRef
from depesche.newsroom.models import ArticlePage

BODY_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "a", "b", "strong", "i", "em", "br", "blockquote"}


def absolute_url(page: Page) -> str:
    """The page's URL on DEPESCHE_BASE_URL, whatever the Site record says about host and port."""
    parts = page.get_url_parts()
    return settings.BASE_URL + (parts[2] if parts else page.url_path)


def article_out(article: ArticlePage) -> ArticleOut:
    section = article.section
    return ArticleOut(
        id=article.pk,
        url=absolute_url(article),
        headline=article.title,
        teaser=article.teaser,
        section=SectionRef(slug=section.slug, title=section.title) if section else None,
        tags=[
            TagRef(slug=item.tag.slug, name=item.tag.name) for item in article.tagged_items.all()
        ],
        byline=article.byline,
        published_at=article.first_published_at,
        updated_at=article.updated_at or article.first_published_at,
        reading_minutes=article.reading_minutes,
    )


def body_html(article: ArticlePage) -> str:
    """Text blocks as HTML sanitised to a small set of tags; images and embeds are left out."""
    parts: list[str] = []
    for block in article.body:
        if block.block_type == "paragraph":
            parts.append(expand_db_html(block.value.source))
        elif block.block_type == "subheading":
            parts.append(f"<h2>{escape(block.value)}</h2>")
        elif block.block_type == "quote":
            parts.append(f"<blockquote><p>{escape(block.value['quote'])}</p></blockquote>")
    return nh3.clean("\n".join(parts), tags=BODY_TAGS, attributes={"a": {"href"}})


def article_detail_out(article: ArticlePage) -> ArticleDetailOut:
    return ArticleDetailOut(
        **article_out(article).model_dump(),
        body_text=article.body_text(),
        body_html=body_html(article),
    )
