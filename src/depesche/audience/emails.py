"""Readers' emails: German HTML + plain text, List-Unsubscribe on everything non-transactional."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from depesche.audience.models import Subscriber
from depesche.core.tokens import make_token


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def preference_url(subscriber: Subscriber) -> str:
    return absolute(reverse("audience:preference-link", args=[make_token("prefs", subscriber.pk)]))


def unsubscribe_url(subscriber: Subscriber, list_id: str) -> str:
    token = make_token("unsubscribe", {"s": subscriber.pk, "l": list_id})
    return absolute(reverse("audience:one-click", args=[token]))


def unsubscribe_mailto(subscriber: Subscriber, list_id: str) -> str:
    token = make_token("unsubscribe", {"s": subscriber.pk, "l": list_id})
    return f"mailto:{settings.UNSUBSCRIBE_MAILTO}?subject={quote('unsubscribe ' + token)}"


def list_unsubscribe_headers(subscriber: Subscriber, list_id: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058 headers: one click in the mail client unsubscribes this list."""
    return {
        "List-Unsubscribe": (
            f"<{unsubscribe_url(subscriber, list_id)}>, <{unsubscribe_mailto(subscriber, list_id)}>"
        ),
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
