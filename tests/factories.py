"""Test data: articles published through Wagtail's revisions, like the admin does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import factory
from wagtail.blocks import StreamValue

from depesche.newsroom.models import ArticlePage, SectionPage
from depesche.newsroom.services import article_dates_record


def paragraphs(*texts: str) -> list[tuple[str, Any]]:
    return [("paragraph", f"<p>{text}</p>") for text in texts]


class ArticlePageFactory(factory.Factory):
    """Builds an unsaved ArticlePage; use `publish_article` to put it live."""

    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Artikel Nummer {n}")
    teaser = "Ein kurzer Vorspann für den Test."
    byline = "Test Redaktion"


def save_draft_article(
    section: SectionPage,
    *,
    tags: list[str] | None = None,
    body: list[tuple[str, Any]] | None = None,
    **fields: Any,
) -> ArticlePage:
    """Create an article under `section` with a saved revision that was never published."""
    article = ArticlePageFactory.build(live=False, **fields)
    article.body = StreamValue(ArticlePage.body.field.stream_block, body or paragraphs("Text."))
    if tags:
        article.tags.set(tags)
    section.add_child(instance=article)
    article.save_revision()
    article.refresh_from_db()
    return article


def publish_article(
    section: SectionPage,
    *,
    tags: list[str] | None = None,
    body: list[tuple[str, Any]] | None = None,
    published_at: datetime | None = None,
    **fields: Any,
) -> ArticlePage:
    """Create an article under `section` and publish it; `published_at` backdates it."""
    article = save_draft_article(section, tags=tags, body=body, **fields)
    article.get_latest_revision().publish()
    if published_at is not None:
        article_dates_record(
            article_id=article.pk,
            first_published_at=published_at,
            last_published_at=published_at,
            updated_at=published_at,
        )
    article.refresh_from_db()
    return article


def words(count: int, word: str = "Wort") -> str:
    """`count` space-separated words, for bodies of a known length."""
    return " ".join([word] * count)


def make_image(title: str = "Testbild") -> Any:
    """A stored Wagtail image (generated PNG), for image blocks."""
    import wagtail_factories

    return wagtail_factories.ImageFactory(title=title)


def follower(
    email: str, *tags: str, frequency: str = "sofort", status: str = "active", active: bool = True
) -> Any:
    """A reader (created if new) following `tags` (created if new) at `frequency`."""
    from taggit.models import Tag

    from depesche.audience.models import Subscriber, TagFollow

    subscriber, _ = Subscriber.objects.get_or_create(email=email, defaults={"status": status})
    for name in tags:
        tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": name.lower()})
        TagFollow.objects.create(subscriber=subscriber, tag=tag, frequency=frequency, active=active)
    return subscriber
