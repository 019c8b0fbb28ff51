"""An article went live or was taken down: start or cancel its alerts, by email and by Web
Push."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from depesche.alerts.push import push_cancel_for_articles
from depesche.alerts.services import deliveries_cancel_for_article, deliveries_cancel_for_articles
from depesche.alerts.tasks import alerts_fanout_task, push_fanout_task
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.restrictions import deleted_with_page
from depesche.newsroom.selectors import article_ids_under


def on_article_published(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    # Wagtail also sends page_published when a new page is merely scheduled (not live yet).
    if not instance.live:
        return
    # After commit: the worker must see the published article and its tags.
    article_id = instance.pk
    transaction.on_commit(lambda: _fan_out(article_id))


def _fan_out(article_id: int) -> None:
    # Push first: a notification is wanted within seconds, and both tasks share the queue.
    push_fanout_task.enqueue(article_id=article_id)
    alerts_fanout_task.enqueue(article_id=article_id)


def on_article_unpublished(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    deliveries_cancel_for_article(article_id=instance.pk)
    push_cancel_for_articles(article_ids=[instance.pk])


def on_restriction_saved(sender: type, instance: PageViewRestriction, **kwargs: Any) -> None:
    # Behind a password or login now: what has not gone out yet never will.
    ids = article_ids_under(page=instance.page)
    transaction.on_commit(partial(deliveries_cancel_for_articles, article_ids=ids))
    transaction.on_commit(partial(push_cancel_for_articles, article_ids=ids))


def on_restriction_deleted(sender: type, instance: PageViewRestriction, **kwargs: Any) -> None:
    # Public now: recent articles alert as on publication (the fan-out checks the gate again
    # and never writes a reader's row twice); older ones are news to nobody.
    if deleted_with_page(**kwargs):
        return
    since = timezone.now() - timedelta(hours=settings.ALERT_MAX_AGE_HOURS)
    ids = article_ids_under(page=instance.page, published_since=since)

    def enqueue() -> None:
        for article_id in ids:
            _fan_out(article_id)

    transaction.on_commit(enqueue)


def connect() -> None:
    post_save.connect(
        on_restriction_saved, sender=PageViewRestriction, dispatch_uid="alerts.restricted"
    )
    post_delete.connect(
        on_restriction_deleted, sender=PageViewRestriction, dispatch_uid="alerts.unrestricted"
    )
    page_published.connect(
        on_article_published, sender=ArticlePage, dispatch_uid="alerts.article_published"
    )
    page_unpublished.connect(
        on_article_unpublished, sender=ArticlePage, dispatch_uid="alerts.article_unpublished"
    )
