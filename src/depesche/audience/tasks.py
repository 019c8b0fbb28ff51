"""Background work for readers: each task takes IDs, calls one operation, is safe to run twice."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from depesche.audience import emails
from depesche.audience.models import OptInRequest, Subscriber, Subscription
from depesche.audience.services import WEEKLY, optins_purge_unconfirmed
from depesche.core.tokens import make_token


@task()
def optin_mail_send_task(optin_id: int) -> bool:
    """The confirmation mail of one opt-in request; sent once even if the task runs twice."""
    with transaction.atomic():
        optin = (
            # PostgreSQL cannot lock the nullable side of an outer join (the optional tag).
            OptInRequest.objects.select_for_update(of=("self", "subscriber"))
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
    """The note asked for by the latest sign-up; a second run finds it sent."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or subscriber.is_suppressed or subscriber.noted_at is None:
            return False
        if subscriber.note_mailed_at and subscriber.note_mailed_at >= subscriber.noted_at:
            return False
        emails.build("already_subscribed", subscriber, {}).send()
        subscriber.note_mailed_at = timezone.now()
        subscriber.save(update_fields=["note_mailed_at"])
    return True


@task()
def preference_link_send_task(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    # Not is_suppressed: bounced and complained readers may still ask for their data.
    if subscriber is None or subscriber.status == Subscriber.Status.ERASED:
        return False
    emails.build("preference_link", subscriber, {}).send()
    return True


@task()
def welcome_mail_send_task(subscriber_id: int) -> bool:
    """Once per Wochenrückblick subscription, however often confirmed or run."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("subscriber")
            .filter(
                subscriber_id=subscriber_id, purpose=WEEKLY, active=True, welcomed_at__isnull=True
            )
            .first()
        )
        if subscription is None or subscription.subscriber.is_suppressed:
            return False
        emails.build("welcome", subscription.subscriber, {}, list_id=WEEKLY).send()
        subscription.welcomed_at = timezone.now()
        subscription.save(update_fields=["welcomed_at"])
    return True


@task()
def optins_purge_task() -> int:
    return optins_purge_unconfirmed()
