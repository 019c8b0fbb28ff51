"""Workers: claim due alerts, send them over kept-open SMTP connections, record the outcome.

Any number of workers share the outbox: on PostgreSQL a claim is `SELECT … FOR UPDATE SKIP
LOCKED`, so two workers never take the same row; SQLite runs one worker. Inside a worker one
thread talks to the database (claims, records) and ALERT_SMTP_CONNECTIONS sender threads each
keep one SMTP connection open, fill the article's prepared message for a reader and send it.

A worker that dies leaves its claimed rows in "sending"; after CLAIM_LEASE they go back to the
queue, so an alert is never lost. Senders stop when UNRECORDED_MAX messages are sent but not
yet recorded, so at most that many can go out twice after a crash; the Message-ID is the same
for both copies.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import random
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from depesche.audience.models import Subscriber, TagFollow
from depesche.delivery.models import Delivery
from depesche.delivery.rendering import POLICY, PreparedAlert, Recipient
from depesche.delivery.services import deliveries_cancel_for_subscriber, fanouts_resume
from depesche.newsroom.models import ArticlePage

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
# Outcomes are written in chunks of FLUSH_EVERY (or every FLUSH_SECONDS); senders wait when a
# worker has UNRECORDED_MAX sent-but-unrecorded messages, which bounds duplicates after a crash.
FLUSH_EVERY = 25
FLUSH_SECONDS = 0.2
UNRECORDED_MAX = 100


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    retry: list[tuple[int, str]] = field(default_factory=list)
    bounced: list[tuple[int, int, str]] = field(default_factory=list)  # (delivery, subscriber)

    def __len__(self) -> int:
        return len(self.sent) + len(self.retry) + len(self.bounced)

    def add(self, delivery_id: int, subscriber_id: int, result: str, error: str) -> None:
        if result == "sent":
            self.sent.append(delivery_id)
        elif result == "bounced":
            self.bounced.append((delivery_id, subscriber_id, error))
        else:
            self.retry.append((delivery_id, error))


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery, as plain values: building model instances would cost the one
    database thread more than sending does."""

    delivery_id: int
    article_id: int
    subscriber_id: int
    email: str
    active: bool
    matched_tags: str
    matched_slugs: str


def claim(*, limit: int) -> list[Claimed]:
    """Take up to `limit` due instant alerts for this worker, oldest first."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            Delivery.objects.filter(
                status=Delivery.Status.PENDING,
                kind=TagFollow.Frequency.INSTANT,
                next_attempt_at__lte=now,
            )
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(due)
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    rows = Delivery.objects.filter(pk__in=ids).values_list(
        "pk",
        "article_id",
        "subscriber_id",
        "subscriber__email",
        "subscriber__status",
        "matched_tags",
        "matched_slugs",
    )
    return [
        Claimed(pk, article, subscriber, email, status == Subscriber.Status.ACTIVE, tags, slugs)
        for pk, article, subscriber, email, status, tags, slugs in rows
    ]


def release_stale_claims(*, now=None) -> int:  # type: ignore[no-untyped-def]
    """Rows a dead worker left in "sending" go back to the queue."""
    cutoff = (now or timezone.now()) - CLAIM_LEASE
    return Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=cutoff).update(
        status=Delivery.Status.PENDING, claimed_at=None
    )


def backoff(attempts: int) -> timedelta:
    """Exponential with full jitter: about 30 s, 1 min, 2 min … capped at an hour."""
    base = min(3600.0, settings.ALERT_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(base / 2, base))


def _connect() -> smtplib.SMTP:
    cls = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    client = cls(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT)
    if settings.EMAIL_USE_TLS:
        client.starttls(context=ssl.create_default_context())
    if settings.EMAIL_HOST_USER:
        client.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    return client


class RawEmailMessage(EmailMessage):
    """A finished MIME message for Django's other mail backends (console, file, locmem)."""

    def __init__(self, to: str, data: bytes) -> None:
        super().__init__(to=[to])
        self.data = data

    def message(self, *, policy: Any = None) -> Any:  # noqa: ARG002
        return message_from_bytes(self.data, policy=POLICY)


def _uses_smtp() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"


class Sender:
    """One kept-open SMTP connection; reconnects after a connection error."""

    def __init__(self) -> None:
        self.client: smtplib.SMTP | None = None
        self.sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]

    def send(self, to: str, data: bytes) -> tuple[str, str]:
        """("sent" | "retry" | "bounced", error text)."""
        if not _uses_smtp():
            try:
                get_connection().send_messages([RawEmailMessage(to, data)])
                return "sent", ""
            except Exception as exc:  # any backend failure is worth another try
                logger.warning("mail backend failed: %s", exc)
                return "retry", f"backend: {exc}"
        try:
            if self.client is None:
                self.client = _connect()
            self.client.sendmail(self.sender, [to], data)
            return "sent", ""
        except smtplib.SMTPRecipientsRefused as exc:
            code, message = next(iter(exc.recipients.values()))
            return _by_code(code, message)
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            return _by_code(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            return "retry", f"connection: {exc}"

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.client.quit()
            self.client = None


def _by_code(code: int, message: bytes | str) -> tuple[str, str]:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return ("bounced" if 500 <= code < 600 else "retry"), f"{code} {text}"


def record(outcome: Outcome) -> None:
    """Write what happened to a chunk of deliveries (few statements, whatever the size)."""
    now = timezone.now()
    with transaction.atomic():
        if outcome.sent:
            Delivery.objects.filter(pk__in=outcome.sent).update(
                status=Delivery.Status.SENT, sent_at=now, claimed_at=None, last_error=""
            )
        for delivery_id, error in outcome.retry:
            row = Delivery.objects.filter(pk=delivery_id).values("attempts").first()
            if row is None:
                continue
            if row["attempts"] >= settings.ALERT_MAX_ATTEMPTS:
                Delivery.objects.filter(pk=delivery_id).update(
                    status=Delivery.Status.FAILED, claimed_at=None, last_error=error
                )
            else:
                Delivery.objects.filter(pk=delivery_id).update(
                    status=Delivery.Status.PENDING,
                    claimed_at=None,
                    last_error=error,
                    next_attempt_at=now + backoff(row["attempts"]),
                )
        for delivery_id, subscriber_id, error in outcome.bounced:
            Delivery.objects.filter(pk=delivery_id).update(
                status=Delivery.Status.BOUNCED, claimed_at=None, last_error=error
            )
            # A hard bounce suppresses the address: nothing is ever sent to it again.
            Subscriber.objects.filter(pk=subscriber_id).update(status=Subscriber.Status.BOUNCED)
            deliveries_cancel_for_subscriber(subscriber_id=subscriber_id)


@dataclass
class Job:
    delivery_id: int
    prepared: PreparedAlert
    recipient: Recipient


class SenderPool:
    """Sender threads, each with one kept-open SMTP connection, fed from a queue of jobs.

    Only the worker's main thread touches the database; senders render and send.
    """

    def __init__(self, size: int) -> None:
        self.jobs: queue.Queue[Job | None] = queue.Queue()
        self.results: queue.Queue[tuple[int, int, str, str]] = queue.Queue()
        self.slots = threading.Semaphore(UNRECORDED_MAX)
        self.threads = [
            threading.Thread(target=self._run, name=f"smtp-{i}", daemon=True) for i in range(size)
        ]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        sender = Sender()
        try:
            while (job := self.jobs.get()) is not None:
                self.slots.acquire()
                try:
                    data = job.prepared.render(job.recipient)
                    result, error = sender.send(job.recipient.email, data)
                except Exception as exc:  # a rendering bug must not kill the thread
                    logger.exception("alert %s could not be built", job.delivery_id)
                    result, error = "retry", f"render: {exc}"
                self.results.put((job.delivery_id, job.recipient.subscriber_id, result, error))
        finally:
            sender.close()

    def collect(self, outcome: Outcome, *, timeout: float) -> int:
        """Move finished jobs into `outcome` (waiting up to `timeout` for the first)."""
        got = 0
        try:
            item = self.results.get(timeout=timeout)
            while True:
                outcome.add(*item)
                got += 1
                item = self.results.get_nowait()
        except queue.Empty:
            return got

    def recorded(self, count: int) -> None:
        for _ in range(count):
            self.slots.release()

    def close(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:  # jobs not started stay claimed; their lease returns them
                self.jobs.get_nowait()
        for _ in self.threads:
            self.jobs.put(None)
        self.slots.release(len(self.threads))  # no sender may wait for a slot forever
        for thread in self.threads:
            thread.join()


def _dispatch(pool: SenderPool, rows: list[Claimed], prepared: dict[int, PreparedAlert]) -> int:
    """Queue claimed rows for the senders; rows of readers no longer active are cancelled."""
    for article_id in {row.article_id for row in rows} - set(prepared):
        prepared[article_id] = PreparedAlert(ArticlePage.objects.get(pk=article_id))
    inactive = [row.delivery_id for row in rows if not row.active]
    if inactive:
        # Unsubscribed or suppressed since the fan-out: never send.
        Delivery.objects.filter(pk__in=inactive).update(
            status=Delivery.Status.CANCELLED, claimed_at=None
        )
    queued = 0
    for row in rows:
        if row.active:
            recipient = Recipient(row.subscriber_id, row.email, row.matched_tags, row.matched_slugs)
            pool.jobs.put(Job(row.delivery_id, prepared[row.article_id], recipient))
            queued += 1
    return queued


def send_due(*, batch_size: int = 500, connections: int | None = None) -> int:
    """Claim and send due instant alerts until none are due; returns messages sent.

    The next batch is claimed while the senders still work on the last one, so the
    connections never idle while there is work.
    """
    pool = SenderPool(connections or settings.ALERT_SMTP_CONNECTIONS)
    prepared: dict[int, PreparedAlert] = {}
    outcome = Outcome()
    sent = outstanding = 0
    drained = False
    last_flush = time.monotonic()
    try:
        while True:
            if not drained and outstanding < batch_size:
                rows = claim(limit=batch_size)
                drained = not rows
                outstanding += _dispatch(pool, rows, prepared)
            if outstanding == 0:
                if drained:
                    return sent
                continue
            outstanding -= pool.collect(outcome, timeout=FLUSH_SECONDS)
            now = time.monotonic()
            if len(outcome) >= FLUSH_EVERY or not outstanding or now - last_flush > FLUSH_SECONDS:
                record(outcome)
                pool.recorded(len(outcome))
                sent += len(outcome.sent)
                outcome, last_flush = Outcome(), now
    finally:
        pool.close()
        if len(outcome):
            record(outcome)  # what went out is written down, even when the loop failed
        # Sent since the last collect: written by the next flush of this loop or, after a
        # crash, resent once the lease ends (bounded by UNRECORDED_MAX).
        leftover = Outcome()
        pool.collect(leftover, timeout=0)
        if len(leftover):
            record(leftover)


def work_once() -> int:
    """One round of the worker's delivery loop."""
    release_stale_claims()
    fanouts_resume()
    return send_due()
