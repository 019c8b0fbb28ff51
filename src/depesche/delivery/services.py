"""Writes of the engine that are not a worker's: a reader's queued mails, of every kind."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import QuerySet

from depesche.delivery.kinds import outbox_models
from depesche.delivery.models import CANCELLABLE, OutboxRow

logger = logging.getLogger(__name__)


def deliveries_cancel_for_subscriber(*, subscriber_id: int) -> int:
    """The reader is suppressed: nothing queued goes out, of any registered kind of mail.
    Failed rows too, or a later "retry failed" would put them back in the queue."""
    cancelled = 0
    for model in outbox_models():
        # Any: the concrete model has the `subscriber` field the abstract row only promises.
        rows: QuerySet[Any] = model._default_manager.filter(status__in=CANCELLABLE)
        cancelled += rows.filter(subscriber_id=subscriber_id).update(
            status=OutboxRow.Status.CANCELLED
        )
    return cancelled
