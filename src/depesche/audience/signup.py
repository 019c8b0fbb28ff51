"""Sign-up and double opt-in: a consent is recorded, a confirmation mail sent, and the link in it
activates what was asked for. Also the preference link a known reader asks for by address."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from depesche.audience.ledger import Visit, address_hash, email_normalise, ledger_write, purpose_for
from depesche.audience.links import WEEKLY_LIST
from depesche.audience.mails import OPTIN_MAX_AGE
from depesche.audience.models import (
    AuthorFollow,
    ConsentRecord,
    OptInRequest,
    Subscriber,
    Subscription,
    SuppressedAddress,
    TagFollow,
    TextVersion,
)
from depesche.audience.tasks import (
    already_subscribed_note_task,
    optin_mail_send_task,
    preference_link_send_task,
    welcome_mail_send_task,
)
from depesche.core.tokens import TokenInvalid, read_token
from depesche.newsroom.models import Author

logger = logging.getLogger(__name__)

NOTE_INTERVAL = timedelta(days=1)


class ConsentMissing(Exception):
    """A sign-up without the consent checkbox ticked."""


class OptInAlreadyUsed(Exception):
    """The confirmation link was used before."""


def _has_already(
    subscriber: Subscriber, *, weekly: bool, tag: Tag | None, author: Author | None
) -> bool:
    if subscriber.status != Subscriber.Status.ACTIVE:
        return False
    if weekly and not subscriber.subscriptions.filter(purpose=WEEKLY_LIST, active=True).exists():
        return False
    if author and not subscriber.author_follows.filter(author=author, active=True).exists():
        return False
    return not (tag and not subscriber.follows.filter(tag=tag, active=True).exists())


@transaction.atomic
def signup_request(
    *,
    email: str,
    weekly: bool,
    tag: Tag | None,
    frequency: str,
    consent: bool,
    consent_text: TextVersion,
    privacy_text: TextVersion | None,
    terms_text: TextVersion | None,
    visit: Visit,
    author: Author | None = None,
) -> None:
    """Record the consent and send one confirmation mail (after commit). A sign-up is for one
    thing: the Wochenrückblick (`weekly`), a `tag` or an `author`.

    Answers nothing about the address (no enumeration): suppressed addresses silently get
    nothing; a reader who already has what they ask for gets an "already subscribed" note at
    most once a day instead of a second confirmation. Raises ConsentMissing.
    """
    if not consent:
        raise ConsentMissing
    email = email_normalise(email)
    if SuppressedAddress.objects.filter(email_hash=address_hash(email)).exists():
        logger.info("sign-up for a suppressed address ignored")
        return
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.is_suppressed:
        return
    if _has_already(subscriber, weekly=weekly, tag=tag, author=author):
        now = timezone.now()
        if subscriber.noted_at is None or now - subscriber.noted_at >= NOTE_INTERVAL:
            subscriber.noted_at = now
            subscriber.save(update_fields=["noted_at", "updated_at"])
            subscriber_id = subscriber.pk
            transaction.on_commit(
                lambda: already_subscribed_note_task.enqueue(subscriber_id=subscriber_id)
            )
        return
    nonce = secrets.token_hex(16)
    ledger_write(
        subscriber,
        ConsentRecord.Action.CONSENT,
        purpose_for(weekly=weekly, tag=tag, author=author),
        visit,
        consent_text=consent_text,
        privacy_text=privacy_text,
        terms_text=terms_text,
        nonce=nonce,
    )
    optin = OptInRequest.objects.create(
        subscriber=subscriber,
        nonce=nonce,
        weekly=weekly,
        tag=tag,
        author=author,
        frequency=frequency,
        source=visit.source,
    )
    optin_id = optin.pk
    transaction.on_commit(lambda: optin_mail_send_task.enqueue(optin_id=optin_id))


@transaction.atomic
def optin_confirm(*, token: str, visit: Visit) -> Subscriber:
    """Activate what the opt-in asked for and record the confirmation.

    Raises TokenExpired (older than 72 h), TokenInvalid (tampered, or the request is gone)
    or OptInAlreadyUsed.
    """
    nonce = read_token("optin", token, max_age=int(OPTIN_MAX_AGE.total_seconds()))
    optin = (
        # PostgreSQL cannot lock the nullable side of an outer join (the optional tag, author).
        OptInRequest.objects.select_for_update(of=("self", "subscriber"))
        .select_related("subscriber", "tag", "author")
        .filter(nonce=nonce)
        .first()
    )
    if optin is None or optin.subscriber.is_suppressed:
        raise TokenInvalid("no such opt-in request")
    if optin.used_at is not None:
        raise OptInAlreadyUsed
    now = timezone.now()
    optin.used_at = now
    optin.save(update_fields=["used_at"])
    subscriber = optin.subscriber
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.unsubscribed_at = None
    subscriber.save()
    if optin.weekly:
        Subscription.objects.update_or_create(
            subscriber=subscriber,
            purpose=WEEKLY_LIST,
            defaults={"active": True, "confirmed_at": now, "ended_at": None},
        )
    if optin.tag is not None:
        TagFollow.objects.update_or_create(
            subscriber=subscriber,
            tag=optin.tag,
            defaults={"active": True, "confirmed_at": now, "frequency": optin.frequency},
        )
    if optin.author is not None:
        AuthorFollow.objects.update_or_create(
            subscriber=subscriber,
            author=optin.author,
            defaults={"active": True, "confirmed_at": now, "frequency": optin.frequency},
        )
    consent = ConsentRecord.objects.filter(
        request_nonce=nonce, action=ConsentRecord.Action.CONSENT
    ).first()
    ledger_write(
        subscriber,
        ConsentRecord.Action.CONFIRMATION,
        purpose_for(weekly=optin.weekly, tag=optin.tag, author=optin.author),
        visit,
        consent_text=consent.consent_text if consent else None,
        privacy_text=consent.privacy_text if consent else None,
        terms_text=consent.terms_text if consent else None,
        nonce=nonce,
    )
    if optin.weekly:
        subscriber_id = subscriber.pk
        transaction.on_commit(lambda: welcome_mail_send_task.enqueue(subscriber_id=subscriber_id))
    return subscriber


def preference_link_request(*, email: str) -> None:
    """Mail a preference link to a known reader; answers nothing either way.

    Bounced and complained readers get it too: they asked for it on the site, and it is their
    way to see, export and erase their data. Erased addresses are unknown by then."""
    subscriber = Subscriber.objects.filter(email=email_normalise(email)).first()
    if subscriber is None or subscriber.status == Subscriber.Status.ERASED:
        return
    erased = SuppressedAddress.objects.filter(
        email_hash=address_hash(subscriber.email), reason=Subscriber.Status.ERASED
    )
    if erased.exists():
        return
    subscriber_id = subscriber.pk
    transaction.on_commit(lambda: preference_link_send_task.enqueue(subscriber_id=subscriber_id))
