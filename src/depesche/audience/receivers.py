"""The consent texts shown change when a legal page or the newsletter texts change.

(What the email service reports, bounces and mail to the List-Unsubscribe address, is the
outbox's: delivery/webhooks.py.)"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from wagtail.signals import page_published, page_unpublished

from depesche.audience.models import NewsletterSettings
from depesche.audience.texts import shown_texts_forget
from depesche.newsroom.models import LegalPage


def on_texts_changed(sender: type, **kwargs: Any) -> None:
    shown_texts_forget()


def connect() -> None:
    for signal in (page_published, page_unpublished):
        signal.connect(on_texts_changed, sender=LegalPage, dispatch_uid=f"audience.{signal}")
    post_save.connect(
        on_texts_changed, sender=NewsletterSettings, dispatch_uid="audience.settings_saved"
    )
