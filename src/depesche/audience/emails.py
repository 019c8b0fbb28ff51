"""Readers' emails: German HTML + plain text, List-Unsubscribe on everything non-transactional."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from depesche.audience import links
from depesche.audience.links import list_unsubscribe_headers, unsubscribe_url
from depesche.audience.models import Subscriber


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def preference_url(subscriber: Subscriber) -> str:
    """A preference link valid for 30 days (audience/links.py)."""
    token = links.reader_token_for(subscriber)
    return absolute(reverse("audience:preference-link", args=[token]))


def build(
    name: str,
    subscriber: Subscriber,
    context: dict[str, Any],
    *,
    list_id: str | None = None,
) -> EmailMultiAlternatives:
    """Render audience/email/<name>.{subject,txt,html}; `list_id` marks a non-transactional
    mail, which carries the unsubscribe links and headers for that list."""
    ctx = {
        "site_name": settings.SITE_NAME,
        "base_url": settings.BASE_URL,
        "subscriber": subscriber,
        "preference_url": preference_url(subscriber),
        **context,
    }
    headers: dict[str, str] = {}
    if list_id is not None:
        ctx["unsubscribe_url"] = unsubscribe_url(subscriber, list_id)
        headers = list_unsubscribe_headers(subscriber, list_id)
    subject = " ".join(render_to_string(f"audience/email/{name}.subject", ctx).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"audience/email/{name}.txt", ctx),
        to=[subscriber.email],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"audience/email/{name}.html", ctx), "text/html")
    return message
