"""The mails a reader's own actions ask for: confirmation, "already subscribed", preference
link, welcome. Each is sent at most once however often its task runs (tasks.py)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from depesche.audience import emails
from depesche.audience.links import WEEKLY_LIST
from depesche.audience.models import OptInRequest, Subscriber, Subscription
from depesche.core.tokens import make_token

# How long a confirmation link holds (signup.optin_confirm checks it; the mail says it).
OPTIN_MAX_AGE = timedelta(hours=72)


def optin_mail_send(*, optin_id: int) -> bool:
    """The confirmation mail of one opt-in request; False if it went out before, was used, or
    the address is suppressed. The row lock makes a second, concurrent run find it sent."""
    with transaction.atomic():
        optin = (
            # PostgreSQL cannot lock the nullable side of an outer join (the optional tag,
            # author).
            OptInRequest.objects.select_for_update(of=("self", "subscriber"))
            .select_related("subscriber", "tag", "author")
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
                "valid_hours": int(OPTIN_MAX_AGE.total_seconds()) // 3600,
            },
        )
        message.send()
        optin.mailed_at = timezone.now()
        optin.save(update_fields=["mailed_at"])
    return True


def already_subscribed_note_send(*, subscriber_id: int) -> bool:
    """The note asked for by the latest sign-up; False if it went out since it was asked for."""
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


def preference_link_send(*, subscriber_id: int) -> bool:
    """A fresh preference link; False for a reader erased since it was asked for."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    # Not is_suppressed: bounced and complained readers may still ask for their data.
    if subscriber is None or subscriber.status == Subscriber.Status.ERASED:
        return False
    emails.build("preference_link", subscriber, {}).send()
    return True


def welcome_mail_send(*, subscriber_id: int) -> bool:
    """Once per Wochenrückblick subscription, however often confirmed or run."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("subscriber")
            .filter(
                subscriber_id=subscriber_id,
                purpose=WEEKLY_LIST,
                active=True,
                welcomed_at__isnull=True,
            )
            .first()
        )
        if subscription is None or subscription.subscriber.is_suppressed:
            return False
        emails.build("welcome", subscription.subscriber, {}, list_id=WEEKLY_LIST).send()
        subscription.welcomed_at = timezone.now()
        subscription.save(update_fields=["welcomed_at"])
    return True
