"""The one suppression path: what a bounce, a complaint or an unsubscribe does to a reader.

Bounces come from our own sends (sending.py, bundles.py) and from the email service's tracking
webhook (webhooks.py), complaints and unsubscribes from the webhook; all of them end here.
A reader's status and the address's SuppressedAddress entry keep the strongest reason so far,
erased > complained > bounced > unsubscribed > pending/active (audience.models.STATUS_RANK),
and never move back down.
"""

from __future__ import annotations

import logging

from django.db import transaction

from depesche.audience.ledger import Visit, address_hash, email_normalise
from depesche.audience.models import (
    SUPPRESSED,
    Subscriber,
    SuppressedAddress,
    status_stronger,
)
from depesche.audience.selectors import reader_has_anything
from depesche.audience.subscriptions import unsubscribe_all
from depesche.core.text import mask_addresses
from depesche.delivery.services import deliveries_cancel_for_subscriber

logger = logging.getLogger(__name__)

Status = Subscriber.Status
REASONS = frozenset({Status.BOUNCED, Status.COMPLAINED, Status.UNSUBSCRIBED})
# The ledger's source of a withdrawal the email service reported.
WEBHOOK_VISIT = Visit(source="webhook")


@transaction.atomic
def address_suppress(
    *,
    reason: str,
    subscriber_id: int | None = None,
    email: str | None = None,
    detail: str = "",
) -> bool:
    """Record that the reader (by id, or by address) bounced, complained or unsubscribed.

    - "bounced": the reader becomes bounced; their lists stay as they were (they withdrew
      nothing), but nothing is ever sent to the address again.
    - "complained": every list ends with a withdrawal in the ledger (source "webhook"), and the
      reader becomes complained; for good, like a bounce.
    - "unsubscribed": every list ends like in the preference center; a suppressed reader stays
      suppressed.

    The status only ever rises (audience.models.STATUS_RANK): a bounce after a complaint leaves
    the complaint, a complaint after a bounce wins. A bounced or complained reader's address
    gets a SuppressedAddress entry (salted hash) with the same reason, raised likewise. In every
    case the reader's queued and failed mails are cancelled.

    Idempotent: a repeated event writes nothing more. Atomic, with the reader's row locked.
    Returns False when no reader has the address: erased (only the hashed entry is left, and it
    stays as it is) or never known; nothing is written then. Raises ValueError for another
    reason, or unless exactly one of `subscriber_id` and `email` is given.
    """
    if reason not in REASONS:
        raise ValueError(f"not a suppression reason: {reason!r}")
    if (subscriber_id is None) == (email is None):
        raise ValueError("name the reader by exactly one of subscriber_id and email")
    readers = Subscriber.objects.select_for_update()
    if subscriber_id is not None:
        readers = readers.filter(pk=subscriber_id)
    else:
        readers = readers.filter(email=email_normalise(email or ""))
    subscriber = readers.first()
    if subscriber is None:
        return False
    if reason == Status.UNSUBSCRIBED:
        if reader_has_anything(subscriber):
            unsubscribe_all(subscriber=subscriber, visit=WEBHOOK_VISIT)
    elif status_stronger(reason, subscriber.status):
        if reason == Status.COMPLAINED:
            unsubscribe_all(subscriber=subscriber, visit=WEBHOOK_VISIT)
        subscriber.status = reason
        subscriber.save(update_fields=["status", "updated_at"])
    if subscriber.status in SUPPRESSED:
        _entry_raise(email_hash=address_hash(subscriber.email), reason=subscriber.status)
    cancelled = deliveries_cancel_for_subscriber(subscriber_id=subscriber.pk)
    logger.info(
        "reader %s: %s%s, %s queued mails cancelled",
        subscriber.pk,
        reason,
        f" ({mask_addresses(detail)})" if detail else "",
        cancelled,
    )
    return True


def _entry_raise(*, email_hash: str, reason: str) -> None:
    """The address's entry says `reason` unless it already says something stronger."""
    entry, created = SuppressedAddress.objects.select_for_update().get_or_create(
        email_hash=email_hash, defaults={"reason": reason}
    )
    if not created and status_stronger(reason, entry.reason):
        entry.reason = reason
        entry.save(update_fields=["reason"])
