"""Every write concerning readers: sign-up, double opt-in, follows, withdrawal, erasure,
and what the email service reports (bounces, complaints)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from taggit.models import Tag

from depesche.audience.models import (
    ConsentRecord,
    OptInRequest,
    Subscriber,
    Subscription,
    SuppressedAddress,
    TagFollow,
    TextVersion,
)
from depesche.core.tokens import TokenInvalid, read_token

logger = logging.getLogger(__name__)

OPTIN_MAX_AGE = timedelta(hours=72)
UNCONFIRMED_RETENTION = timedelta(days=7)
NOTE_INTERVAL = timedelta(days=1)
WEEKLY = Subscription.Purpose.WEEKLY.value
ALL_LISTS = "alle"


class ConsentMissing(Exception):
    """A sign-up without the consent checkbox ticked."""


class OptInAlreadyUsed(Exception):
    """The confirmation link was used before."""


class NotConfirmed(Exception):
    """The reader's address is not confirmed (or no longer subscribed): a double opt-in is due."""


@dataclass
class Visit:
    """Where a request came from, as the ledger keeps it."""

    source: str
    ip: str = ""
    user_agent: str = ""


def email_normalise(raw: str) -> str:
    return raw.strip().lower()


def address_hash(email: str) -> str:
    """Salted hash of an address: recognisable again, but not readable."""
    key = settings.HASH_SALT.encode()
    return hmac.new(key, email_normalise(email).encode(), hashlib.sha256).hexdigest()


def purpose_for(*, weekly: bool, tag: Tag | None) -> str:
    return WEEKLY if weekly else f"thema:{tag.slug}" if tag else ALL_LISTS


def _ledger(
    subscriber: Subscriber,
    action: str,
    purpose: str,
    visit: Visit,
    *,
    consent_text: TextVersion | None = None,
    privacy_text: TextVersion | None = None,
    terms_text: TextVersion | None = None,
    nonce: str = "",
) -> ConsentRecord:
    return ConsentRecord.objects.create(
        subscriber=subscriber,
        email=subscriber.email,
        action=action,
        purpose=purpose,
        consent_text=consent_text,
        privacy_text=privacy_text,
        terms_text=terms_text,
        source=visit.source,
        request_nonce=nonce,
        ip_truncated=visit.ip,
        user_agent=visit.user_agent,
    )


def _has_already(subscriber: Subscriber, *, weekly: bool, tag: Tag | None) -> bool:
    if subscriber.status != Subscriber.Status.ACTIVE:
        return False
    if weekly and not subscriber.subscriptions.filter(purpose=WEEKLY, active=True).exists():
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
) -> None:
    """Record the consent and send one confirmation mail (after commit).

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
    if _has_already(subscriber, weekly=weekly, tag=tag):
        now = timezone.now()
        if subscriber.noted_at is None or now - subscriber.noted_at >= NOTE_INTERVAL:
            subscriber.noted_at = now
            subscriber.save(update_fields=["noted_at", "updated_at"])
            _after_commit("already_subscribed_note_task", subscriber_id=subscriber.pk)
        return
    nonce = secrets.token_hex(16)
    _ledger(
        subscriber,
        ConsentRecord.Action.CONSENT,
        purpose_for(weekly=weekly, tag=tag),
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
        frequency=frequency,
        source=visit.source,
    )
    _after_commit("optin_mail_send_task", optin_id=optin.pk)


def _after_commit(task_name: str, **kwargs: Any) -> None:
    from depesche.audience import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.enqueue(**kwargs))


@transaction.atomic
def optin_confirm(*, token: str, visit: Visit) -> Subscriber:
    """Activate what the opt-in asked for and record the confirmation.

    Raises TokenExpired (older than 72 h), TokenInvalid (tampered, or the request is gone)
    or OptInAlreadyUsed.
    """
    nonce = read_token("optin", token, max_age=int(OPTIN_MAX_AGE.total_seconds()))
    optin = (
        # PostgreSQL cannot lock the nullable side of an outer join (the optional tag).
        OptInRequest.objects.select_for_update(of=("self", "subscriber"))
        .select_related("subscriber", "tag")
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
            purpose=WEEKLY,
            defaults={"active": True, "confirmed_at": now, "ended_at": None},
        )
    if optin.tag is not None:
        TagFollow.objects.update_or_create(
            subscriber=subscriber,
            tag=optin.tag,
            defaults={"active": True, "confirmed_at": now, "frequency": optin.frequency},
        )
    consent = ConsentRecord.objects.filter(
        request_nonce=nonce, action=ConsentRecord.Action.CONSENT
    ).first()
    _ledger(
        subscriber,
        ConsentRecord.Action.CONFIRMATION,
        purpose_for(weekly=optin.weekly, tag=optin.tag),
        visit,
        consent_text=consent.consent_text if consent else None,
        privacy_text=consent.privacy_text if consent else None,
        terms_text=consent.terms_text if consent else None,
        nonce=nonce,
    )
    if optin.weekly:
        _after_commit("welcome_mail_send_task", subscriber_id=subscriber.pk)
    return subscriber


@transaction.atomic
def follow_tag(
    *,
    subscriber: Subscriber,
    tag: Tag,
    consent_text: TextVersion,
    privacy_text: TextVersion | None,
    visit: Visit,
    frequency: str = TagFollow.Frequency.INSTANT,
) -> TagFollow:
    """One-click follow for a reader whose address is confirmed. Raises NotConfirmed."""
    if subscriber.status != Subscriber.Status.ACTIVE:
        raise NotConfirmed
    follow, created = TagFollow.objects.get_or_create(
        subscriber=subscriber,
        tag=tag,
        defaults={"active": True, "confirmed_at": timezone.now(), "frequency": frequency},
    )
    reactivated = not created and not follow.active
    if reactivated:
        follow.active = True
        follow.confirmed_at = timezone.now()
        follow.save(update_fields=["active", "confirmed_at"])
    if created or reactivated:
        _ledger(
            subscriber,
            ConsentRecord.Action.CONSENT,
            purpose_for(weekly=False, tag=tag),
            visit,
            consent_text=consent_text,
            privacy_text=privacy_text,
        )
    return follow


def follow_frequency_set(*, subscriber: Subscriber, follow_id: int, frequency: str) -> TagFollow:
    """Raises TagFollow.DoesNotExist for a follow that is not the reader's."""
    if frequency not in TagFollow.Frequency.values:
        raise ValueError(f"unknown frequency {frequency!r}")
    follow = TagFollow.objects.get(pk=follow_id, subscriber=subscriber)
    follow.frequency = frequency
    follow.save(update_fields=["frequency"])
    return follow


@transaction.atomic
def follow_end(*, subscriber: Subscriber, tag: Tag, visit: Visit) -> bool:
    """Stop following `tag`; records the withdrawal. False if there was nothing to end."""
    deleted, _ = TagFollow.objects.filter(subscriber=subscriber, tag=tag).delete()
    if deleted:
        _ledger(subscriber, ConsentRecord.Action.WITHDRAWAL, f"thema:{tag.slug}", visit)
    return bool(deleted)


@transaction.atomic
def weekly_set(
    *,
    subscriber: Subscriber,
    on: bool,
    visit: Visit,
    consent_text: TextVersion | None = None,
    privacy_text: TextVersion | None = None,
) -> None:
    """Switch the Wochenrückblick on (confirmed readers only: raises NotConfirmed) or off."""
    now = timezone.now()
    current = subscriber.subscriptions.filter(purpose=WEEKLY, active=True).exists()
    if on == current:
        return
    if on:
        if subscriber.status != Subscriber.Status.ACTIVE:
            raise NotConfirmed
        Subscription.objects.update_or_create(
            subscriber=subscriber,
            purpose=WEEKLY,
            defaults={"active": True, "confirmed_at": now, "ended_at": None},
        )
        _ledger(
            subscriber,
            ConsentRecord.Action.CONSENT,
            WEEKLY,
            visit,
            consent_text=consent_text,
            privacy_text=privacy_text,
        )
    else:
        subscriber.subscriptions.filter(purpose=WEEKLY).update(active=False, ended_at=now)
        _ledger(subscriber, ConsentRecord.Action.WITHDRAWAL, WEEKLY, visit)


@transaction.atomic
def unsubscribe_all(*, subscriber: Subscriber, visit: Visit) -> None:
    """End every subscription and follow; the address stays known but gets nothing more."""
    now = timezone.now()
    subscriber.subscriptions.update(active=False, ended_at=now)
    subscriber.follows.all().delete()
    if subscriber.status in {Subscriber.Status.ACTIVE, Subscriber.Status.PENDING}:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = now
    subscriber.save()
    _ledger(subscriber, ConsentRecord.Action.WITHDRAWAL, ALL_LISTS, visit)


def list_unsubscribe(*, subscriber: Subscriber, list_id: str, visit: Visit) -> None:
    """Unsubscribe exactly the list a message belonged to (RFC 8058 one-click)."""
    if list_id == WEEKLY:
        weekly_set(subscriber=subscriber, on=False, visit=visit)
    elif list_id.startswith("thema:"):
        # An alert names every followed tag it matched: "thema:energie,klima".
        slugs = [slug for slug in list_id.removeprefix("thema:").split(",") if slug]
        for tag in Tag.objects.filter(slug__in=slugs):
            follow_end(subscriber=subscriber, tag=tag, visit=visit)
    else:
        unsubscribe_all(subscriber=subscriber, visit=visit)


BOUNCE_REASONS = frozenset({"bounced", "rejected"})
COMPLAINT = "complained"
UNSUBSCRIBE = "unsubscribed"
SUPPRESSION_REASONS = BOUNCE_REASONS | {COMPLAINT, UNSUBSCRIBE}
WEBHOOK_VISIT = Visit(source="webhook")


@transaction.atomic
def subscriber_suppress(*, email: str, reason: str) -> bool:
    """Act on what the email service reported about an address; False if no reader has it.

    `reason` is an anymail event type: "bounced" or "rejected" mark the reader bounced, and
    "complained" complained (a withdrawal of everything in the ledger, every list ended); both
    are permanent, the address is never mailed again. "unsubscribed" ends every list like the
    preference center. In each case the reader's alerts not sent yet are cancelled.
    Idempotent: a repeated event writes nothing more. Raises ValueError for another reason.
    """
    if reason not in SUPPRESSION_REASONS:
        raise ValueError(f"not a suppression reason: {reason!r}")
    subscriber = Subscriber.objects.select_for_update().filter(email=email_normalise(email)).first()
    if subscriber is None:
        return False
    Status = Subscriber.Status
    if reason == COMPLAINT:
        if subscriber.status not in {Status.COMPLAINED, Status.ERASED}:
            unsubscribe_all(subscriber=subscriber, visit=WEBHOOK_VISIT)
            subscriber.status = Status.COMPLAINED
            subscriber.save(update_fields=["status", "updated_at"])
    elif reason == UNSUBSCRIBE:
        if _has_anything(subscriber):
            unsubscribe_all(subscriber=subscriber, visit=WEBHOOK_VISIT)
    elif not subscriber.is_suppressed:
        # A bounce keeps the lists as they were: the reader withdrew nothing.
        subscriber.status = Status.BOUNCED
        subscriber.save(update_fields=["status", "updated_at"])
    _deliveries_cancel(subscriber)
    logger.info("reader %s: %s reported by the email service", subscriber.pk, reason)
    return True


def _has_anything(subscriber: Subscriber) -> bool:
    return (
        subscriber.status in {Subscriber.Status.ACTIVE, Subscriber.Status.PENDING}
        or subscriber.subscriptions.filter(active=True).exists()
        or subscriber.follows.exists()
    )


def _deliveries_cancel(subscriber: Subscriber) -> int:
    # Lazily: the outbox's models import this app's models.
    from depesche.delivery.services import deliveries_cancel_for_subscriber

    return deliveries_cancel_for_subscriber(subscriber_id=subscriber.pk)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def subscriber_export(*, subscriber: Subscriber) -> dict[str, Any]:
    """Everything stored about the reader (GDPR Art. 15 and 20), as JSON-ready data."""
    from depesche.audience.selectors import deliveries_for_export

    return {
        "subscriber": {
            "email": subscriber.email,
            "status": subscriber.status,
            "created_at": _iso(subscriber.created_at),
            "confirmed_at": _iso(subscriber.confirmed_at),
            "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        },
        "subscriptions": [
            {
                "list": s.purpose,
                "active": s.active,
                "created_at": _iso(s.created_at),
                "confirmed_at": _iso(s.confirmed_at),
                "ended_at": _iso(s.ended_at),
            }
            for s in subscriber.subscriptions.all()
        ],
        "follows": [
            {
                "tag": f.tag.name,
                "frequency": f.frequency,
                "active": f.active,
                "created_at": _iso(f.created_at),
                "confirmed_at": _iso(f.confirmed_at),
            }
            for f in subscriber.follows.select_related("tag")
        ],
        "consent_ledger": [
            {
                "action": r.action,
                "purpose": r.purpose,
                "occurred_at": _iso(r.occurred_at),
                "source": r.source,
                "ip_truncated": r.ip_truncated,
                "user_agent": r.user_agent,
                "consent_text": r.consent_text.text if r.consent_text else None,
                "privacy_policy_version": r.privacy_text.sha256 if r.privacy_text else None,
                "terms_version": r.terms_text.sha256 if r.terms_text else None,
            }
            for r in subscriber.consents.select_related(
                "consent_text", "privacy_text", "terms_text"
            ).order_by("occurred_at")
        ],
        "deliveries": deliveries_for_export(subscriber=subscriber),
    }


@transaction.atomic
def subscriber_erase(*, subscriber: Subscriber, reason: str = "erasure") -> None:
    """GDPR Art. 17: remove the reader; keep the ledger as proof under a salted hash and
    suppress the address so it is never mailed again."""
    email_hash = address_hash(subscriber.email)
    ConsentRecord.objects.filter(subscriber=subscriber).erase(email_hash=email_hash)
    SuppressedAddress.objects.get_or_create(email_hash=email_hash, defaults={"reason": reason})
    subscriber.delete()


@transaction.atomic
def optins_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Remove readers who never confirmed within 7 days, and expired opt-in requests.

    Their consent records keep only the salted hash. Returns the number of readers removed.
    Idempotent.
    """
    cutoff = (now or timezone.now()) - UNCONFIRMED_RETENTION
    stale = list(
        Subscriber.objects.filter(status=Subscriber.Status.PENDING, created_at__lt=cutoff).exclude(
            optins__created_at__gte=cutoff
        )
    )
    for subscriber in stale:
        ConsentRecord.objects.filter(subscriber=subscriber).erase(
            email_hash=address_hash(subscriber.email)
        )
        subscriber.delete()
    OptInRequest.objects.filter(used_at__isnull=True, created_at__lt=cutoff).delete()
    return len(stale)


def reader_tokens_revoke(*, subscriber: Subscriber) -> None:
    """ "Forget this device": every reader cookie and preference link made so far stops working
    (on every browser). One-click unsubscribe links keep working. Idempotent enough: a second
    call revokes again, which changes nothing for the reader."""
    Subscriber.objects.filter(pk=subscriber.pk).update(token_version=F("token_version") + 1)
    subscriber.refresh_from_db(fields=["token_version"])


def preference_link_request(*, email: str) -> None:
    """Mail a preference link to a known reader; answers nothing either way.

    Bounced and complained readers get it too: they asked for it on the site, and it is their
    way to see, export and erase their data. Erased addresses are unknown by then."""
    subscriber = Subscriber.objects.filter(email=email_normalise(email)).first()
    if subscriber is None or subscriber.status == Subscriber.Status.ERASED:
        return
    if SuppressedAddress.objects.filter(email_hash=address_hash(subscriber.email)).exists():
        return
    _after_commit("preference_link_send_task", subscriber_id=subscriber.pk)
