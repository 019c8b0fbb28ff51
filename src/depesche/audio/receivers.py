"""An article went live: read it aloud in the background."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published

from depesche.audio.scheduling import article_audio_queue
from depesche.audio.services import article_audio_withdraw
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.restrictions import deleted_with_page
from depesche.newsroom.selectors import article_ids_under


def on_article_published(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    # Wagtail also sends page_published when a new page is merely scheduled (not live yet).
    if not instance.live or not settings.ARTICLE_AUDIO:
        return
    article_audio_queue(article_ids=[instance.pk])


def on_restriction_changed(sender: type, instance: PageViewRestriction, **kwargs: Any) -> None:
    # Restricted: the MP3 goes (no public file of a restricted text). Lifted: it is made anew.
    # The build asks the gate itself, so a page still under another restriction stays silent.
    if deleted_with_page(**kwargs):
        return
    ids = article_ids_under(page=instance.page)
    if kwargs.get("signal") is post_save:
        transaction.on_commit(lambda: article_audio_withdraw(article_ids=ids))
    elif settings.ARTICLE_AUDIO:
        article_audio_queue(article_ids=ids)


def connect() -> None:
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            on_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"audio.restriction_{name}",
        )
    page_published.connect(
        on_article_published, sender=ArticlePage, dispatch_uid="audio.article_published"
    )
