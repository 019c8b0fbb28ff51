"""The outbox row every kind of mail shares: its state in the workers' hands.

Each feature that sends mail (tag alerts, the Wochenrückblick) owns a concrete outbox model
built on `OutboxRow` and registers it as a kind of mail (delivery/kinds.py); the engine claims,
sends, retries and records rows of every registered kind the same way.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxRow(models.Model):
    """What every outbox row has: its state in the workers' hands.

    Concrete models add a `subscriber` foreign key (to audience.Subscriber) and the key of what
    is sent (an article, a digest), and index ("status", …, "next_attempt_at", "id"): workers
    claim "due pending rows" oldest first through that index.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("wartend")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        BOUNCED = "bounced", _("unzustellbar")
        CANCELLED = "cancelled", _("storniert")

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set when a worker claims the row; a row stuck in "sending" past its lease (the worker
    # died) goes back to the queue.
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True


# The status groups the engine and its kinds of mail ask about, named once.
# Waiting for a send (or failed, where a later "retry failed" would send it): what a
# suppression cancels.
CANCELLABLE = (OutboxRow.Status.PENDING, OutboxRow.Status.FAILED)
# Not finished: waiting or in a worker's hands.
UNFINISHED = (OutboxRow.Status.PENDING, OutboxRow.Status.SENDING)
