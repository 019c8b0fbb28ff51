"""Readers' emails: German HTML + plain text, List-Unsubscribe on everything non-transactional."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from depesche.audience import links
from depesche.audience.models import Subscriber


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def preference_url(subscriber: Subscriber) -> str:
    """A preference link valid for 30 days (audience/links.py)."""
    token = links.reader_token_for(subscriber)
    return absolute(reverse("audience:preference-link", args=[token]))


def unsubscribe_url(subscriber: Subscriber, list_id: str) -> str:
    token = links.unsubscribe_token(public_id=subscriber.public_id, list_id=list_id)
    return absolute(reverse("audience:one-click", args=[token]))


def unsubscribe_mailto(subscriber: Subscriber, list_id: str) -> str:
    token = links.unsubscribe_token(public_id=subscriber.public_id, list_id=list_id)
    return f"mailto:{settings.UNSUBSCRIBE_MAILTO}?subject={quote('unsubscribe ' + token)}"


def list_unsubscribe_headers(subscriber: Subscriber, list_id: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058 headers: one click in the mail client unsubscribes this list. The
    mailto: part only where mail to that address reaches us (the email service's inbound
    webhook, audience/webhooks.py); settings.UNSUBSCRIBE_MAILTO is empty otherwise."""
    targets = [f"<{unsubscribe_url(subscriber, list_id)}>"]
    if settings.UNSUBSCRIBE_MAILTO:
        targets.append(f"<{unsubscribe_mailto(subscriber, list_id)}>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


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
