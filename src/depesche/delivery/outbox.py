"""The outbox operations every kind of mail shares: claim, record, release, backoff.

Any number of workers share the outbox: on PostgreSQL a claim is `SELECT … FOR UPDATE SKIP
LOCKED`, so two workers never take the same row; SQLite runs one worker. A claimed row is in
"sending" until its outcome is recorded; a worker that dies leaves its rows there and after
CLAIM_LEASE they go back to the queue, so a mail is never lost.

Instant mails (delivery/sending.py) and the alerts' daily and weekly bundles claim and record
through the same two functions here: `claim_ids` and `record`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from depesche.audience.models import Subscriber
from depesche.delivery.kinds import MailKind, all_outbox_models
from depesche.delivery.models import OutboxRow
from depesche.delivery.suppression import address_suppress

CLAIM_LEASE = timedelta(minutes=5)
Status = OutboxRow.Status


@dataclass
class Outcome:
    """What happened to claimed rows, to be written by `record`. Rows of one message (a
    reader's bundle) are recorded together: one backoff, one suppression."""

    sent: list[int] = field(default_factory=list)
    retry: list[tuple[list[int], str]] = field(default_factory=list)  # (rows, error)
    bounced: list[tuple[list[int], int, str]] = field(default_factory=list)  # (rows, reader, …)
    # Messages that could not be built (e.g. an address no header can carry): building them
    # again gives the same error, so they fail at once; `deliveries retry` queues them again.
    failed: list[tuple[int, str]] = field(default_factory=list)

    def __len__(self) -> int:
        """Rows (one per message for instant mails)."""
        return (
            len(self.sent)
            + sum(len(rows) for rows, _ in self.retry)
            + sum(len(rows) for rows, _, _ in self.bounced)
            + len(self.failed)
        )

    def add(self, row_id: int, subscriber_id: int, result: str, error: str) -> None:
        self.add_rows([row_id], subscriber_id, result, error)

    def add_rows(self, ids: list[int], subscriber_id: int, result: str, error: str) -> None:
        """The outcome of one message sent for the rows `ids` of one reader."""
        if result == "sent":
            self.sent += ids
        elif result == "bounced":
            self.bounced.append((ids, subscriber_id, error))
        elif result == "failed":
            self.failed += [(row_id, error) for row_id in ids]
        else:
            self.retry.append((ids, error))


@dataclass(frozen=True)
class Claimed:
    """A claimed row, as plain values: building model instances would cost the one database
    thread more than sending does."""

    delivery_id: int
    key: int  # what the message is about: the article (alerts), the digest (Wochenrückblick)
    subscriber_id: int
    email: str
    active: bool
    matched_tags: str
    matched_slugs: str
    public_id: str
    token_version: int


def claim_ids(
    *,
    model: type[OutboxRow],
    limit: int,
    now: datetime | None = None,
    per_reader: bool = False,
    **due: Any,
) -> list[int]:
    """Take due pending rows of `model` (matching `due`) for this worker; their ids.

    Up to `limit` rows, oldest first; with `per_reader`, every due row of up to `limit`
    readers (a reader's bundle is claimed whole). On PostgreSQL rows another worker holds are
    skipped, so no row is claimed twice.
    """
    now = now or timezone.now()
    # Any: the concrete model has the `subscriber` field the abstract row only promises.
    rows: QuerySet[Any] = model._default_manager.filter(
        status=Status.PENDING, next_attempt_at__lte=now, **due
    )
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        if per_reader:
            readers = list(
                rows.order_by("subscriber_id")
                .values_list("subscriber_id", flat=True)
                .distinct()[:limit]
            )
            locked = rows.filter(subscriber_id__in=readers).select_for_update(
                skip_locked=skip_locked
            )
            ids = list(locked.values_list("pk", flat=True))
        else:
            locked = rows.order_by("next_attempt_at", "pk").select_for_update(
                skip_locked=skip_locked
            )
            ids = list(locked.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        model._default_manager.filter(pk__in=ids).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return ids


def claim(*, kind: MailKind, limit: int) -> list[Claimed]:
    """Take up to `limit` due rows of `kind` for this worker, oldest first, as plain values."""
    model = kind.model
    ids = claim_ids(model=model, limit=limit, **kind.due)
    if not ids:
        return []
    fields = [
        "pk",
        f"{kind.key}_id",
        "subscriber_id",
        "subscriber__email",
        "subscriber__status",
        "subscriber__public_id",
        "subscriber__token_version",
    ]
    if kind.tagged:
        fields += ["matched_tags", "matched_slugs"]
    rows = model._default_manager.filter(pk__in=ids).values_list(*fields)
    claimed = []
    for pk, key, subscriber, email, status, public_id, version, *tags in rows:
        matched_tags, matched_slugs = tags or ["", ""]
        active = status == Subscriber.Status.ACTIVE
        claimed.append(
            Claimed(
                pk, key, subscriber, email, active, matched_tags, matched_slugs, public_id, version
            )
        )
    return claimed


def release_stale_claims(*, now: datetime | None = None) -> int:
    """Rows a dead worker left in "sending" go back to the queue (every registered kind, mail
    and push)."""
    cutoff = (now or timezone.now()) - CLAIM_LEASE
    return sum(
        model._default_manager.filter(status=Status.SENDING, claimed_at__lt=cutoff).update(
            status=Status.PENDING, claimed_at=None
        )
        for model in all_outbox_models()
    )


def backoff(attempts: int) -> timedelta:
    """Exponential with full jitter: about 30 s, 1 min, 2 min … capped at an hour."""
    base = min(3600.0, settings.ALERT_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(base / 2, base))


def cancel(model: type[OutboxRow], ids: list[int]) -> None:
    """Claimed rows that are no longer to be sent (reader gone, content withdrawn)."""
    if ids:
        model._default_manager.filter(pk__in=ids).update(status=Status.CANCELLED, claimed_at=None)


def record(outcome: Outcome, model: type[OutboxRow], *, now: datetime | None = None) -> None:
    """Write what happened to a chunk of claimed rows (few statements, whatever the size).

    A retried message goes back to the queue with one backoff for all its rows (from the most
    attempts among them), or fails once ALERT_MAX_ATTEMPTS are spent; a hard bounce
    suppresses the reader.
    """
    now = now or timezone.now()
    rows = model._default_manager
    with transaction.atomic():
        if outcome.sent:
            rows.filter(pk__in=outcome.sent).update(
                status=Status.SENT, sent_at=now, claimed_at=None, last_error=""
            )
        for ids, error in outcome.retry:
            attempts = dict(rows.filter(pk__in=ids).values_list("pk", "attempts"))
            if not attempts:
                continue
            spent = [pk for pk, count in attempts.items() if count >= settings.ALERT_MAX_ATTEMPTS]
            if spent:
                rows.filter(pk__in=spent).update(
                    status=Status.FAILED, claimed_at=None, last_error=error
                )
            again = [pk for pk in attempts if pk not in spent]
            if again:
                rows.filter(pk__in=again).update(
                    status=Status.PENDING,
                    claimed_at=None,
                    last_error=error,
                    next_attempt_at=now + backoff(max(attempts.values())),
                )
        for row_id, error in outcome.failed:
            rows.filter(pk=row_id).update(status=Status.FAILED, claimed_at=None, last_error=error)
        for ids, subscriber_id, error in outcome.bounced:
            rows.filter(pk__in=ids).update(status=Status.BOUNCED, claimed_at=None, last_error=error)
            # A hard bounce suppresses the address: nothing is ever sent to it again.
            address_suppress(reason="bounced", subscriber_id=subscriber_id, detail=error)
