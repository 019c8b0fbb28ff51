"""The sender pool: threads that each keep one connection open and send jobs of readers.

Only the worker's main thread touches the database (claims, records); the senders fill a
prepared message for each reader and send it. Senders stop when UNRECORDED_MAX messages are
sent but not yet recorded, so at most that many can go out twice after a crash (the Message-ID
is the same for both copies).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from dataclasses import dataclass

from depesche.core.text import mask_addresses
from depesche.delivery.outbox import Outcome
from depesche.delivery.rendering import MessageRefused, Prepared, Recipient, checked_address
from depesche.delivery.transports import Sender, batch_field, uses_smtp

logger = logging.getLogger(__name__)

# Senders wait when a worker has UNRECORDED_MAX sent-but-unrecorded messages, which bounds
# duplicates after a crash.
UNRECORDED_MAX = 200
# Readers a sender thread takes at once over SMTP (one message each): handing over messages
# one by one between threads costs more CPU than rendering them.
SMTP_JOB = 10


@dataclass
class Job:
    """Readers of one article for one sender: one reader, or a batch for an email service."""

    prepared: Prepared
    rows: list[tuple[int, Recipient]]  # (delivery id, reader)


class Slots:
    """Counts messages sent but not yet recorded; senders wait while UNRECORDED_MAX are."""

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.condition = threading.Condition()

    def acquire(self, count: int) -> None:
        with self.condition:
            self.condition.wait_for(lambda: self.free >= count)
            self.free -= count

    def release(self, count: int) -> None:
        with self.condition:
            self.free += count
            self.condition.notify_all()


def _unbuildable(
    delivery_id: int, recipient: Recipient, exc: Exception
) -> tuple[int, int, str, str]:
    error = mask_addresses(f"build: {exc}")
    logger.warning("delivery %s not sent: %s", delivery_id, error)
    return delivery_id, recipient.subscriber_id, "failed", error


def _run_job(sender: Sender, job: Job, field: str) -> list[tuple[int, int, str, str]]:
    """Send one job; (delivery id, subscriber id, result, error) per reader.

    A reader whose message cannot be built fails alone; the others of the job still go out.
    """
    results = []
    ready = []
    for delivery_id, recipient in job.rows:
        try:
            checked_address(recipient.email)
        except MessageRefused as exc:
            results.append(_unbuildable(delivery_id, recipient, exc))
        else:
            ready.append((delivery_id, recipient))
    if field:
        if ready:
            outcomes = sender.send_batch(job.prepared.as_batch([r for _, r in ready], field))
            results += [
                (delivery_id, r.subscriber_id, *outcomes.get(r.email, ("retry", "no status")))
                for delivery_id, r in ready
            ]
        return results
    smtp = uses_smtp()
    for delivery_id, recipient in ready:
        email = None
        try:
            if smtp:
                data = job.prepared.render(recipient)
            else:
                data, email = b"", job.prepared.as_email(recipient)
        except Exception as exc:  # this reader's message only; the job goes on
            results.append(_unbuildable(delivery_id, recipient, exc))
            continue
        result, error = sender.send(recipient.email, data, email=email)
        results.append((delivery_id, recipient.subscriber_id, result, error))
    return results


class SenderPool:
    """Sender threads, each with one kept-open connection, fed from a queue of jobs.

    Only the worker's main thread touches the database; senders render and send.
    """

    def __init__(self, size: int) -> None:
        self.jobs: queue.Queue[Job | None] = queue.Queue()
        # One item per finished job, not per message: fewer thread wake-ups.
        self.results: queue.Queue[list[tuple[int, int, str, str]]] = queue.Queue()
        self.slots = Slots(UNRECORDED_MAX)
        self.field = batch_field()
        self.threads = [
            threading.Thread(target=self._run, name=f"smtp-{i}", daemon=True) for i in range(size)
        ]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        sender = Sender()
        try:
            while (job := self.jobs.get()) is not None:
                self.slots.acquire(len(job.rows))
                try:
                    results = _run_job(sender, job, self.field)
                except Exception as exc:  # a rendering bug must not kill the thread
                    # No traceback: the exception's text may hold the readers' addresses.
                    error = mask_addresses(f"render: {type(exc).__name__}: {exc}")
                    logger.error("alerts could not be sent: %s", error)
                    results = [(d, r.subscriber_id, "retry", error) for d, r in job.rows]
                self.results.put(results)
        finally:
            sender.close()

    def collect(self, outcome: Outcome, *, timeout: float) -> int:
        """Move finished jobs into `outcome` (waiting up to `timeout` for the first)."""
        got = 0
        try:
            items = self.results.get(timeout=timeout)
            while True:
                for item in items:
                    outcome.add(*item)
                got += len(items)
                items = self.results.get_nowait()
        except queue.Empty:
            return got

    def recorded(self, count: int) -> None:
        self.slots.release(count)

    def close(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:  # jobs not started stay claimed; their lease returns them
                self.jobs.get_nowait()
        for _ in self.threads:
            self.jobs.put(None)
        self.slots.release(UNRECORDED_MAX)  # no sender may wait for a slot forever
        for thread in self.threads:
            thread.join()
