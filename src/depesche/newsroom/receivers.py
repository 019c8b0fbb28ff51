"""Wagtail's publication signals are the one hook for "an article went live"."""

from __future__ import annotations

from typing import Any

from wagtail.signals import page_published, post_page_move

from depesche.newsroom.models import ArticlePage


def on_article_published(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    # Runs inside the publishing flow (admin, scheduled go-live, import) so "Aktualisiert"
    # is right before anyone reads the page.
    # Wagtail also sends page_published when a new page is merely scheduled (not live yet).
    if not instance.live:
        return
    from depesche.newsroom.services import article_publication_record

    article_publication_record(article=instance)


def on_article_moved(sender: type, instance: Any, parent_page_after: Any, **kwargs: Any) -> None:
    # Wagtail saves a moved page as a plain Page, so ArticlePage.save() never sees the new parent.
    from depesche.newsroom.services import article_section_record

    article_section_record(article_id=instance.pk, section_id=parent_page_after.pk)


def connect() -> None:
    page_published.connect(
        on_article_published, sender=ArticlePage, dispatch_uid="newsroom.article_published"
    )
    post_page_move.connect(
        on_article_moved, sender=ArticlePage, dispatch_uid="newsroom.article_moved"
    )
