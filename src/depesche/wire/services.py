"""Writes of the wire desk's delivery side: storing what push and poll deliver as receipts, and
processing a receipt into an article through the one import entry point.

Storing and processing are apart on purpose: a delivery is answered (push: 202; poll: the
acknowledgement to wireQ) as soon as its receipts are committed, and the import, which may
fetch pictures, runs later in the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from depesche.wire.formats.common import fingerprint
from depesche.wire.importing import Outcome, record_import
from depesche.wire.models import Feed, WireReceipt
from depesche.wire.receipts import ReceiptKeyError, receipt_key

logger = logging.getLogger(__name__)

# A receipt a worker claimed and did not finish within this time belongs to a worker that
# died (an import takes seconds, pictures included); one queued this long lost its task (the
# process stopped between the commit and the enqueue). The periodic poll task queues both
# again (receipts_requeue_stale).
STALE_AFTER = timedelta(minutes=15)

_STATE_OF = {Outcome.FAILED: WireReceipt.State.FAILED, Outcome.SKIPPED: WireReceipt.State.SKIPPED}


@dataclass(frozen=True)
class Rejected:
    position: int  # 1-based, as the records were delivered
    reason: str


@dataclass
class StoreResult:
    # Receipts new in this call, in delivery order: the ones to process.
    stored_ids: list[int] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    # 1-based positions of the records that now have a committed receipt (new or already
    # there): what a pull delivery may acknowledge.
    kept_positions: list[int] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return len(self.stored_ids)


@transaction.atomic
def receipts_store(*, feed: Feed, records: Sequence[Any]) -> StoreResult:
    """Store each record as a WireReceipt of `feed`, state queued.

    Idempotent: a record whose (id, version key) the feed already has, from an earlier delivery
    or earlier in `records`, is counted as a duplicate and neither stored nor processed again
    (concurrent deliveries of the same record meet at the unique constraint). A record without
    an id (or no JSON object) is rejected with its position and reason; the others are kept.
    Atomic: when the call returns outside an outer transaction, every kept row is committed.
    Enqueues nothing: the caller dispatches `stored_ids` (push on commit, poll after its
    acknowledgements)."""
    result = StoreResult()
    for position, raw in enumerate(records, start=1):
        try:
            record_id, version = receipt_key(raw)
        except ReceiptKeyError as exc:
            result.rejected.append(Rejected(position, str(exc)))
            continue
        receipt, created = WireReceipt.objects.get_or_create(
            feed=feed,
            record_id=record_id,
            version=version,
            defaults={"payload": raw, "fingerprint": fingerprint(raw)},
        )
        if created:
            result.stored_ids.append(receipt.pk)
        else:
            result.duplicates += 1
        result.kept_positions.append(position)
    return result


def receipt_process(*, receipt_id: int) -> str | None:
    """Import the record of one queued receipt and store the outcome (done, skipped or failed,
    the importer's message, processed_at). Returns the new state, or None when the receipt was
    not queued (already taken, finished, or gone).

    At most once per queueing: the receipt is claimed with a conditional UPDATE (queued →
    processing), which one caller wins, so the task may run twice or on two workers. A worker
    that dies after the claim leaves the receipt "processing"; receipts_requeue_stale queues
    it again after STALE_AFTER. The importer never raises for a bad record; an unexpected
    error is logged and stored as failed, so one broken record cannot block the queue."""
    claimed_at = timezone.now()
    claimed = WireReceipt.objects.filter(pk=receipt_id, state=WireReceipt.State.QUEUED).update(
        state=WireReceipt.State.PROCESSING, claimed_at=claimed_at
    )
    if not claimed:
        return None
    receipt = WireReceipt.objects.select_related("feed").get(pk=receipt_id)
    try:
        result = record_import(raw=receipt.payload, feed=receipt.feed)
    except Exception as exc:  # a bug or a database error, not a bad record: kept as failed
        logger.exception("wire receipt %s (%s) could not be processed", receipt_id, receipt)
        state, message = WireReceipt.State.FAILED, f"internal error: {type(exc).__name__}: {exc}"
    else:
        state = _STATE_OF.get(result.outcome, WireReceipt.State.DONE)
        message = result.message or _describe(result.outcome, result.article_id)
    # Only the claim this call made: a receipt queued again as stale and claimed by another
    # worker meanwhile is that worker's to finish.
    WireReceipt.objects.filter(
        pk=receipt_id, state=WireReceipt.State.PROCESSING, claimed_at=claimed_at
    ).update(state=state, message=message, processed_at=timezone.now())
    # A record the agency sent that could not be imported is the operator's to see.
    level = logging.WARNING if state == WireReceipt.State.FAILED else logging.INFO
    logger.log(level, "wire receipt %s (%s): %s %s", receipt_id, receipt, state, message)
    return str(state)


def _describe(outcome: Outcome, article_id: int | None) -> str:
    return f"{outcome} (article {article_id})" if article_id else str(outcome)


@transaction.atomic
def receipts_requeue_stale(*, now: datetime | None = None) -> list[int]:
    """Receipts whose processing was lost: "processing" (a dead worker's claim) or "queued"
    (a lost task) for longer than STALE_AFTER. Puts them back to queued, restarts their clock
    (claimed_at) and returns their ids for the caller to enqueue. Enqueuing one twice is
    harmless: receipt_process claims once."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = WireReceipt.objects.filter(
        Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, received_at__lt=cutoff),
        state__in=[WireReceipt.State.QUEUED, WireReceipt.State.PROCESSING],
    )
    ids = list(stale.values_list("pk", flat=True))
    # The same conditions again: a receipt a worker claimed since the read keeps its claim.
    if ids and stale.filter(pk__in=ids).update(state=WireReceipt.State.QUEUED, claimed_at=now):
        logger.warning("wire: %d stale receipt(s) queued again: %s", len(ids), ids)
    return ids


def feed_mark_polled(*, feed: Feed, at: datetime) -> None:
    """Record the time of the feed's last successful fetch (shown in the admin)."""
    Feed.objects.filter(pk=feed.pk).update(last_polled_at=at)
    feed.last_polled_at = at
