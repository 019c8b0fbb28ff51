"""The consent texts shown change when a legal page or the newsletter texts change; the email
service reports bounces, complaints and unsubscribes, and passes on mail to the
List-Unsubscribe address."""

from __future__ import annotations

from typing import Any

from anymail.signals import inbound, tracking
from django.db.models.signals import post_save
from wagtail.signals import page_published, page_unpublished

from depesche.audience.models import NewsletterSettings
from depesche.audience.webhooks import on_inbound_message, on_tracking_event
from depesche.newsroom.models import LegalPage


def on_texts_changed(sender: type, **kwargs: Any) -> None:
    from depesche.audience.texts import shown_texts_forget

    shown_texts_forget()


def connect() -> None:
    tracking.connect(on_tracking_event, dispatch_uid="audience.email_service_tracking")
    inbound.connect(on_inbound_message, dispatch_uid="audience.email_service_inbound")
    for signal in (page_published, page_unpublished):
        signal.connect(on_texts_changed, sender=LegalPage, dispatch_uid=f"audience.{signal}")
    post_save.connect(
        on_texts_changed, sender=NewsletterSettings, dispatch_uid="audience.settings_saved"
    )
