"""An article went live or was taken down: start or cancel its alerts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.signals import page_published, page_unpublished

from depesche.newsroom.models import ArticlePage


def on_article_published(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    # Wagtail also sends page_published when a new page is merely scheduled (not live yet).
    if not instance.live:
        return
    # After commit: the worker must see the published article and its tags.
    from depesche.delivery.tasks import alerts_fanout_task

    article_id = instance.pk
    transaction.on_commit(lambda: alerts_fanout_task.enqueue(article_id=article_id))


def on_article_unpublished(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    from depesche.delivery.services import deliveries_cancel_for_article

    deliveries_cancel_for_article(article_id=instance.pk)


def connect() -> None:
    page_published.connect(
        on_article_published, sender=ArticlePage, dispatch_uid="delivery.article_published"
    )
    page_unpublished.connect(
        on_article_unpublished, sender=ArticlePage, dispatch_uid="delivery.article_unpublished"
    )
