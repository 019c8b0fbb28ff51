"""Background work for readers: each task takes IDs, calls one operation, is safe to run twice."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from depesche.audience import emails
from depesche.audience.models import OptInRequest, Subscriber
from depesche.audience.services import WEEKLY, optins_purge_unconfirmed
from depesche.core.tokens import make_token


@task()
def optin_mail_send_task(optin_id: int) -> bool:
    """The confirmation mail of one opt-in request; sent once even if the task runs twice."""
    with transaction.atomic():
        optin = (
            OptInRequest.objects.select_for_update()
            .select_related("subscriber", "tag")
            .filter(pk=optin_id, mailed_at__isnull=True, used_at__isnull=True)
            .first()
        )
        if optin is None or optin.subscriber.is_suppressed:
            return False
        token = make_token("optin", optin.nonce)
        message = emails.build(
            "confirm",
            optin.subscriber,
            {
                "optin": optin,
                "confirm_url": emails.absolute(reverse("audience:confirm", args=[token])),
                "valid_hours": 72,
            },
        )
        message.send()
        optin.mailed_at = timezone.now()
        optin.save(update_fields=["mailed_at"])
    return True


@task()
def already_subscribed_note_task(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.is_suppressed:
        return False
    emails.build("already_subscribed", subscriber, {}).send()
    return True


@task()
def preference_link_send_task(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.is_suppressed:
        return False
    emails.build("preference_link", subscriber, {}).send()
    return True


@task()
def welcome_mail_send_task(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.is_suppressed:
        return False
    if not subscriber.subscriptions.filter(purpose=WEEKLY, active=True).exists():
        return False
    emails.build("welcome", subscriber, {}, list_id=WEEKLY).send()
    return True


@task()
def optins_purge_task() -> int:
    return optins_purge_unconfirmed()
