"""Background work of the wire desk: processing receipts, polling the feeds' queues."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction
from django_tasks import task

from depesche.wire.polling import poll_feed
from depesche.wire.selectors import feeds_to_poll
from depesche.wire.services import receipt_process, receipts_requeue_stale

logger = logging.getLogger(__name__)


@task()
def wire_receipt_process_task(receipt_id: int) -> str | None:
    """Import one stored record. Safe twice: the receipt is claimed once."""
    return receipt_process(receipt_id=receipt_id)


def receipts_enqueue(receipt_ids: Sequence[int]) -> None:
    """A task per receipt, once the transaction that stored them committed (at once outside
    one): a worker must never look for a receipt row it cannot see yet."""
    ids = list(receipt_ids)

    def enqueue() -> None:
        for receipt_id in ids:
            wire_receipt_process_task.enqueue(receipt_id=receipt_id)

    if ids:
        transaction.on_commit(enqueue)


@task()
def wire_poll_task() -> int:
    """Every DEPESCHE_WIRE_POLL_INTERVAL seconds (settings.PERIODIC_TASKS): queue stale receipts
    again, then fetch every active feed with a URL. Returns the records stored."""
    receipts_enqueue(receipts_requeue_stale())
    stored = 0
    for feed in feeds_to_poll():
        result = poll_feed(feed=feed, dispatch=receipts_enqueue)
        for error in result.errors:
            logger.warning("wire poll %s: %s", feed.slug, error)
        stored += result.stored
    return stored
