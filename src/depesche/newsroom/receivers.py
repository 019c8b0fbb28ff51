"""Wagtail's publication signals are the one hook for "an article went live"."""

from __future__ import annotations

from typing import Any

from wagtail.signals import page_published

from depesche.newsroom.models import ArticlePage


def on_article_published(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    # Runs inside the publishing flow (admin, scheduled go-live, import) so "Aktualisiert"
    # is right before anyone reads the page.
    from depesche.newsroom.services import article_publication_record

    article_publication_record(article=instance)


def connect() -> None:
    page_published.connect(
        on_article_published, sender=ArticlePage, dispatch_uid="newsroom.article_published"
    )
