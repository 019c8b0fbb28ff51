"""An article went live: read it aloud in the background."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from wagtail.signals import page_published

from depesche.newsroom.models import ArticlePage


def on_article_published(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    # Wagtail also sends page_published when a new page is merely scheduled (not live yet).
    if not instance.live or not settings.ARTICLE_AUDIO:
        return
    from depesche.audio.tasks import article_audio_task

    article_id = instance.pk
    transaction.on_commit(lambda: article_audio_task.enqueue(article_id=article_id))


def connect() -> None:
    page_published.connect(
        on_article_published, sender=ArticlePage, dispatch_uid="audio.article_published"
    )
