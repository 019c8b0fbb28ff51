"""Workers: claim due mails of every registered kind, send them through the sender pool,
record the outcome.

Inside a worker one thread talks to the database (claims, records: delivery/outbox.py) and
ALERT_SMTP_CONNECTIONS sender threads (delivery/pool.py) each keep one connection open, fill
the prepared message of an article or digest for a reader and send it. What a kind of mail is
(which rows, what message) comes from the registry (delivery/kinds.py): this module knows no
product.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from depesche.delivery.kinds import MailKind, registered
from depesche.delivery.outbox import Claimed, Outcome, cancel, claim, record, release_stale_claims
from depesche.delivery.pool import SMTP_JOB, Job, SenderPool
from depesche.delivery.rendering import Prepared, Recipient
from depesche.delivery.transports import BATCH_SIZE

logger = logging.getLogger(__name__)

# Outcomes are written in chunks of FLUSH_EVERY (or every FLUSH_SECONDS).
FLUSH_EVERY = 25
FLUSH_SECONDS = 0.2


def _prepare(kind: MailKind, key: int) -> Prepared | str | None:
    """The prepared message of one article or digest; None when it is no longer to be sent
    (taken down or restricted: the gate), or the error that prevented it."""
    try:
        return kind.prepare(key)
    except Exception as exc:  # one article's message must not hold up the others
        logger.exception("%s %s: message could not be prepared", kind.key, key)
        return f"render: {exc}"


def _dispatch(
    pool: SenderPool,
    rows: list[Claimed],
    prepared: dict[int, Prepared | str | None],
    kind: MailKind,
) -> int:
    """Queue claimed rows for the senders; rows of readers no longer active, and of what is no
    longer public, are cancelled.

    Rows whose article (or digest) could not be prepared go back to the queue with the
    outbox's backoff (an editor's correction or a fix may cure it), failed after
    ALERT_MAX_ATTEMPTS like any other error.
    """
    for key in {row.key for row in rows} - set(prepared):
        prepared[key] = _prepare(kind, key)
    # Unsubscribed or suppressed since the fan-out, or what they were to get is no longer
    # public: never send.
    cancel(
        kind.model,
        [row.delivery_id for row in rows if not row.active or prepared[row.key] is None],
    )
    unprepared = Outcome()
    by_message: dict[int, tuple[Prepared, list[tuple[int, Recipient]]]] = {}
    for row in rows:
        message = prepared[row.key]
        if not row.active or message is None:
            continue
        if isinstance(message, str):
            unprepared.add(row.delivery_id, row.subscriber_id, "retry", message)
            continue
        recipient = Recipient(
            row.subscriber_id,
            row.email,
            row.matched_tags,
            row.matched_slugs,
            row.public_id,
            row.token_version,
        )
        by_message.setdefault(row.key, (message, []))[1].append((row.delivery_id, recipient))
    if len(unprepared):
        record(unprepared, kind.model)
        # Prepared again when these rows are due again: an editor's correction may cure it.
        for key in {row.key for row in rows if isinstance(prepared[row.key], str)}:
            del prepared[key]
    size = BATCH_SIZE if pool.field else SMTP_JOB
    queued = 0
    for message, readers in by_message.values():
        for i in range(0, len(readers), size):
            pool.jobs.put(Job(message, readers[i : i + size]))
        queued += len(readers)
    return queued


def send_due(
    *, kind: MailKind | None = None, batch_size: int = 500, connections: int | None = None
) -> int:
    """Claim and send due mails of `kind` (of every registered kind when None, one after the
    other) until none are due; returns messages sent."""
    kinds = registered() if kind is None else [kind]
    return sum(
        _send_due(kind=each, batch_size=batch_size, connections=connections) for each in kinds
    )


def _send_due(*, kind: MailKind, batch_size: int, connections: int | None) -> int:
    """Claim and send due mails of one kind until none are due; returns messages sent.

    The next batch is claimed while the senders still work on the last one, so the
    connections never idle while there is work.
    """
    pool = SenderPool(connections or settings.ALERT_SMTP_CONNECTIONS)
    prepared: dict[int, Prepared | str | None] = {}
    outcome = Outcome()
    sent = outstanding = 0
    drained = False
    last_flush = time.monotonic()
    try:
        while True:
            if not drained and outstanding < batch_size:
                rows = claim(kind=kind, limit=batch_size)
                drained = not rows
                outstanding += _dispatch(pool, rows, prepared, kind)
            if outstanding == 0:
                if drained:
                    return sent
                continue
            outstanding -= pool.collect(outcome, timeout=FLUSH_SECONDS)
            now = time.monotonic()
            if len(outcome) >= FLUSH_EVERY or not outstanding or now - last_flush > FLUSH_SECONDS:
                record(outcome, kind.model)
                pool.recorded(len(outcome))
                sent += len(outcome.sent)
                outcome, last_flush = Outcome(), now
    finally:
        pool.close()
        if len(outcome):
            record(outcome, kind.model)  # what went out is written down, even on failure
        # Sent since the last collect: written by the next flush of this loop or, after a
        # crash, resent once the lease ends (bounded by UNRECORDED_MAX).
        leftover = Outcome()
        pool.collect(leftover, timeout=0)
        if len(leftover):
            record(leftover, kind.model)


def work_once() -> int:
    """One round of the worker's delivery loop: stale claims go back to the queue, each kind's
    round work runs (e.g. resuming fan-outs), then every kind's due mails are sent."""
    release_stale_claims()
    for kind in registered():
        if kind.each_round is not None:
            kind.each_round()
    return send_due()
