"""A reader's data rights: export everything stored (GDPR Art. 15 and 20), erase the reader
(Art. 17), "forget this device"; and the purge of sign-ups never confirmed.

Higher apps store more about a reader (delivery: the outbox rows); they add their part of the
export through `export_section_register`, so this app never imports them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from depesche.audience.ledger import address_hash
from depesche.audience.models import ConsentRecord, OptInRequest, Subscriber, SuppressedAddress

UNCONFIRMED_RETENTION = timedelta(days=7)

ExportSection = Callable[[Subscriber], Any]
_EXPORT_SECTIONS: dict[str, ExportSection] = {}


def export_section_register(name: str, read: ExportSection) -> None:
    """Add `name` to every export, read by `read(subscriber)` (JSON-ready). Called from an
    app's ready(); registering a name again replaces it."""
    _EXPORT_SECTIONS[name] = read


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def subscriber_export(*, subscriber: Subscriber) -> dict[str, Any]:
    """Everything stored about the reader (GDPR Art. 15 and 20), as JSON-ready data."""
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
        "author_follows": [
            {
                "author": f.author.name,
                "frequency": f.frequency,
                "active": f.active,
                "created_at": _iso(f.created_at),
                "confirmed_at": _iso(f.confirmed_at),
            }
            for f in subscriber.author_follows.select_related("author")
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
        **{name: read(subscriber) for name, read in _EXPORT_SECTIONS.items()},
    }


@transaction.atomic
def subscriber_erase(*, subscriber: Subscriber) -> None:
    """GDPR Art. 17: remove the reader; keep the ledger as proof under a salted hash and
    suppress the address so it is never mailed again.

    Afterwards the suppression entry (reason "erased", the strongest there is) is all that is
    left of the address: a late bounce or complaint finds no reader and writes nothing
    (delivery/suppression.py). Everything hanging off the reader (lists, follows, queued
    mail) goes with the row."""
    email_hash = address_hash(subscriber.email)
    ConsentRecord.objects.filter(subscriber=subscriber).erase(email_hash=email_hash)
    SuppressedAddress.objects.update_or_create(
        email_hash=email_hash, defaults={"reason": Subscriber.Status.ERASED}
    )
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
