"""Articles, sections and tags as API schemas."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from django.conf import settings
from wagtail.models import Page

from depesche.api.schemas import ArticleDetailOut, ArticleOut, SectionRef, TagRef
from depesche.newsroom.models import ArticlePage

# What body_html keeps of the page's markup: text, figures with their pictures and captions,
# and embeds' iframes. Scripts go (with their content): a client shows this HTML in its own
# origin, where a provider's script (X, Instagram) would run with the client's rights; such an
# embed keeps its quoted text and link, as the page shows it without JavaScript.
BODY_TAGS = {
    "p", "h2", "h3", "ul", "ol", "li", "a", "b", "strong", "i", "em", "br", "blockquote",
    "figure", "figcaption", "img", "span", "div", "iframe",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "iframe": {"src", "width", "height", "title", "allow", "allowfullscreen", "frameborder"},
}
URL_ATTRIBUTES = {("a", "href"), ("img", "src"), ("iframe", "src")}


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


def _absolute(value: str) -> str:
    """A URL in the body made absolute on DEPESCHE_BASE_URL: an API client has no page to
    resolve "/media/…" or "/politik/…" against."""
    if value.startswith("//"):
        return f"{urlsplit(settings.BASE_URL).scheme}:{value}"
    if value.startswith("/"):
        return settings.BASE_URL + value
    return value


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    return _absolute(value) if (tag, attribute) in URL_ATTRIBUTES else value


def body_html(article: ArticlePage) -> str:
    """The body as the article page renders it (the same block templates: image renditions
    with alt text, caption and credit; embeds' oEmbed HTML or the page's fallback link),
    sanitised to BODY_TAGS, with every link and picture on DEPESCHE_BASE_URL."""
    html = "\n".join(str(block.render()).strip() for block in article.body)
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        clean_content_tags={"script", "style"},
        attributes=BODY_ATTRIBUTES,
        attribute_filter=_url_filter,
    )


def article_detail_out(article: ArticlePage) -> ArticleDetailOut:
    return ArticleDetailOut(
        **article_out(article).model_dump(),
        body_text=article.body_text(),
        body_html=body_html(article),
    )
