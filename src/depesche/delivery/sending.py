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
from collections.abc import Callable
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
from depesche.config.email import service_name
from depesche.core.text import mask_addresses
from depesche.delivery.models import Delivery, DigestMail
from depesche.delivery.rendering import (
    POLICY,
    MessageRefused,
    Prepared,
    PreparedAlert,
    Recipient,
    checked_address,
)
from depesche.delivery.services import fanouts_resume
from depesche.delivery.suppression import address_suppress
from depesche.newsroom.selectors import article_public

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
# Outcomes are written in chunks of FLUSH_EVERY (or every FLUSH_SECONDS); senders wait when a
# worker has UNRECORDED_MAX sent-but-unrecorded messages, which bounds duplicates after a crash.
FLUSH_EVERY = 25
FLUSH_SECONDS = 0.2
UNRECORDED_MAX = 200


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    retry: list[tuple[int, str]] = field(default_factory=list)
    bounced: list[tuple[int, int, str]] = field(default_factory=list)  # (delivery, subscriber)
    # Messages that could not be built (e.g. an address no header can carry): building them
    # again gives the same error, so they fail at once; `deliveries retry` queues them again.
    failed: list[tuple[int, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sent) + len(self.retry) + len(self.bounced) + len(self.failed)

    def add(self, delivery_id: int, subscriber_id: int, result: str, error: str) -> None:
        if result == "sent":
            self.sent.append(delivery_id)
        elif result == "bounced":
            self.bounced.append((delivery_id, subscriber_id, error))
        elif result == "failed":
            self.failed.append((delivery_id, error))
        else:
            self.retry.append((delivery_id, error))


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery, as plain values: building model instances would cost the one
    database thread more than sending does."""

    delivery_id: int
    key: int  # the article (alerts) or the digest (Wochenrückblick) of the message
    subscriber_id: int
    email: str
    active: bool
    matched_tags: str
    matched_slugs: str
    public_id: str
    token_version: int


@dataclass(frozen=True)
class Outbox:
    """A table of deliveries the workers send: tag alerts or the Wochenrückblick."""

    model: Any  # Delivery or DigestMail
    key: str  # the field naming what is sent: "article" or "digest"
    due: dict[str, Any]
    prepare: Callable[[int], Prepared | None]  # None: no longer to be sent (rows cancelled)
    tagged: bool  # rows name the reader's matching tags


def _prepare_alert(article_id: int) -> Prepared | None:
    # Through the newsroom's gate: an article taken down or put behind a password or login
    # since the fan-out is sent to nobody.
    article = article_public(article_id=article_id)
    return PreparedAlert(article) if article is not None else None


def _prepare_digest(digest_id: int) -> Prepared:
    from depesche.digest.mailing import prepared_digest

    return prepared_digest(digest_id)


ALERTS = Outbox(Delivery, "article", {"kind": TagFollow.Frequency.INSTANT}, _prepare_alert, True)
DIGESTS = Outbox(DigestMail, "digest", {}, _prepare_digest, False)


def claim(*, limit: int, outbox: Outbox = ALERTS) -> list[Claimed]:
    """Take up to `limit` due deliveries of `outbox` for this worker, oldest first."""
    model = outbox.model
    now = timezone.now()
    with transaction.atomic():
        due = (
            model.objects.filter(
                status=Delivery.Status.PENDING, next_attempt_at__lte=now, **outbox.due
            )
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(due)
        if not ids:
            return []
        model.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    fields = [
        "pk",
        f"{outbox.key}_id",
        "subscriber_id",
        "subscriber__email",
        "subscriber__status",
        "subscriber__public_id",
        "subscriber__token_version",
    ]
    if outbox.tagged:
        fields += ["matched_tags", "matched_slugs"]
    rows = model.objects.filter(pk__in=ids).values_list(*fields)
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


def release_stale_claims(*, now=None) -> int:  # type: ignore[no-untyped-def]
    """Rows a dead worker left in "sending" go back to the queue."""
    cutoff = (now or timezone.now()) - CLAIM_LEASE
    return sum(
        model.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=cutoff).update(
            status=Delivery.Status.PENDING, claimed_at=None
        )
        for model in (Delivery, DigestMail)
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
    """A finished MIME message for Django's other local backends (console, file, locmem)."""

    def __init__(self, to: str, data: bytes) -> None:
        super().__init__(to=[to])
        self.data = data

    def message(self, *, policy: Any = None) -> Any:  # noqa: ARG002
        return message_from_bytes(self.data, policy=POLICY)


def _uses_smtp() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"


# Email services whose batch API fills per-recipient merge fields into inline content, with
# their merge-field syntax. Other services get one API call per reader.
BATCH_FIELDS = {"mailgun": "%recipient.{}%"}
# Readers per batch API call (Mailgun takes up to 1,000).
BATCH_SIZE = 50
# Readers a sender thread takes at once over SMTP (one message each): handing over messages
# one by one between threads costs more CPU than rendering them.
SMTP_JOB = 10

_SENT_STATUSES = {"sent", "queued", "scheduled"}
_REFUSED_STATUSES = {"rejected", "invalid"}


def batch_field() -> str:
    """The merge-field syntax of the configured email service, "" if it has no batch API."""
    return BATCH_FIELDS.get(service_name(settings.EMAIL_BACKEND), "")


def _by_service_status(message: EmailMessage, email: str) -> tuple[str, str]:
    """A reader's outcome from anymail's normalised per-recipient status."""
    status = getattr(message, "anymail_status", None)
    if status is None:
        return "sent", ""  # a local backend (console, locmem) without statuses
    recipient = status.recipients.get(email)
    state = getattr(recipient, "status", None) or "unknown"
    if state in _SENT_STATUSES:
        return "sent", ""
    if state in _REFUSED_STATUSES:
        return "bounced", f"service: {state}"
    return "retry", f"service: {state}"


class Sender:
    """One kept-open SMTP connection (reconnects after a connection error), or one open
    connection of another mail backend, e.g. an email service's API through anymail."""

    def __init__(self) -> None:
        self.client: smtplib.SMTP | None = None
        self.backend: Any = None
        self.sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]

    def send(self, to: str, data: bytes, *, email: EmailMessage | None = None) -> tuple[str, str]:
        """("sent" | "retry" | "bounced" | "failed", error text). `data` is the finished MIME
        message for SMTP; backends that build their own (anymail) take `email` when given."""
        if not _uses_smtp():
            built = email or RawEmailMessage(to, data)
            try:
                self._backend().send_messages([built])
            except Exception as exc:  # any backend failure is worth another try
                if getattr(built, "anymail_status", None) is None:
                    error = mask_addresses(f"backend: {exc}")
                    logger.warning("mail backend failed: %s", error)
                    return "retry", error
            return _by_service_status(built, to)
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
        except ValueError as exc:
            # smtplib refuses an address with a line break before sending it; the connection
            # is left inside a half-begun transaction, so the next reader gets a fresh one.
            self.close()
            return "failed", mask_addresses(f"refused: {exc}")
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            return "retry", mask_addresses(f"connection: {exc}")

    def send_batch(self, message: EmailMessage) -> dict[str, tuple[str, str]]:
        """One batch API call for all of `message.to`; each reader's outcome."""
        try:
            self._backend().send_messages([message])
        except Exception as exc:  # refused recipients still carry their statuses
            if getattr(message, "anymail_status", None) is None:
                error = mask_addresses(f"service: {exc}")
                logger.warning("batch send failed: %s", error)
                return {to: ("retry", error) for to in message.to}
        return {to: _by_service_status(message, to) for to in message.to}

    def _backend(self) -> Any:
        if self.backend is None:
            self.backend = get_connection(fail_silently=False)
            self.backend.open()
        return self.backend

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.client.quit()
            self.client = None
        if self.backend is not None:
            with contextlib.suppress(Exception):
                self.backend.close()
            self.backend = None


def _by_code(code: int, message: bytes | str) -> tuple[str, str]:
    """The outcome of an SMTP answer; its text, which servers like to fill with the
    recipient ("550 5.1.1 <anna@…>: Recipient address rejected"), with addresses masked: it
    is stored on the row, shown in the admin's error lists and logged."""
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return ("bounced" if 500 <= code < 600 else "retry"), mask_addresses(f"{code} {text}")


def record(outcome: Outcome, model: Any = Delivery) -> None:
    """Write what happened to a chunk of deliveries (few statements, whatever the size)."""
    now = timezone.now()
    with transaction.atomic():
        if outcome.sent:
            model.objects.filter(pk__in=outcome.sent).update(
                status=Delivery.Status.SENT, sent_at=now, claimed_at=None, last_error=""
            )
        for delivery_id, error in outcome.retry:
            row = model.objects.filter(pk=delivery_id).values("attempts").first()
            if row is None:
                continue
            if row["attempts"] >= settings.ALERT_MAX_ATTEMPTS:
                model.objects.filter(pk=delivery_id).update(
                    status=Delivery.Status.FAILED, claimed_at=None, last_error=error
                )
            else:
                model.objects.filter(pk=delivery_id).update(
                    status=Delivery.Status.PENDING,
                    claimed_at=None,
                    last_error=error,
                    next_attempt_at=now + backoff(row["attempts"]),
                )
        if outcome.failed:
            for delivery_id, error in outcome.failed:
                model.objects.filter(pk=delivery_id).update(
                    status=Delivery.Status.FAILED, claimed_at=None, last_error=error
                )
        for delivery_id, subscriber_id, error in outcome.bounced:
            model.objects.filter(pk=delivery_id).update(
                status=Delivery.Status.BOUNCED, claimed_at=None, last_error=error
            )
            address_suppress(reason="bounced", subscriber_id=subscriber_id, detail=error)


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
    smtp = _uses_smtp()
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


def _prepare(outbox: Outbox, key: int) -> Prepared | str | None:
    """The prepared message of one article or digest; None when it is no longer to be sent
    (taken down or restricted: the gate), or the error that prevented it."""
    try:
        return outbox.prepare(key)
    except Exception as exc:  # one article's message must not hold up the others
        logger.exception("%s %s: message could not be prepared", outbox.key, key)
        return f"render: {exc}"


def _dispatch(
    pool: SenderPool,
    rows: list[Claimed],
    prepared: dict[int, Prepared | str | None],
    outbox: Outbox,
) -> int:
    """Queue claimed rows for the senders; rows of readers no longer active, and of what is no
    longer public, are cancelled.

    Rows whose article (or digest) could not be prepared go back to the queue with the
    outbox's backoff (an editor's correction or a fix may cure it), failed after
    ALERT_MAX_ATTEMPTS like any other error.
    """
    for key in {row.key for row in rows} - set(prepared):
        prepared[key] = _prepare(outbox, key)
    # Unsubscribed or suppressed since the fan-out, or what they were to get is no longer
    # public: never send.
    cancelled = [row.delivery_id for row in rows if not row.active or prepared[row.key] is None]
    if cancelled:
        outbox.model.objects.filter(pk__in=cancelled).update(
            status=Delivery.Status.CANCELLED, claimed_at=None
        )
    unprepared = Outcome()
    by_message: dict[int, tuple[Prepared, list[tuple[int, Recipient]]]] = {}
    for row in rows:
        message = prepared[row.key]
        if not row.active or message is None:
            continue
        if isinstance(message, str):
            unprepared.retry.append((row.delivery_id, message))
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
        record(unprepared, outbox.model)
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
    *, batch_size: int = 500, connections: int | None = None, outbox: Outbox = ALERTS
) -> int:
    """Claim and send due instant alerts (or Wochenrückblick mails) until none are due;
    returns messages sent.

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
                rows = claim(limit=batch_size, outbox=outbox)
                drained = not rows
                outstanding += _dispatch(pool, rows, prepared, outbox)
            if outstanding == 0:
                if drained:
                    return sent
                continue
            outstanding -= pool.collect(outcome, timeout=FLUSH_SECONDS)
            now = time.monotonic()
            if len(outcome) >= FLUSH_EVERY or not outstanding or now - last_flush > FLUSH_SECONDS:
                record(outcome, outbox.model)
                pool.recorded(len(outcome))
                sent += len(outcome.sent)
                outcome, last_flush = Outcome(), now
    finally:
        pool.close()
        if len(outcome):
            record(outcome, outbox.model)  # what went out is written down, even on failure
        # Sent since the last collect: written by the next flush of this loop or, after a
        # crash, resent once the lease ends (bounded by UNRECORDED_MAX).
        leftover = Outcome()
        pool.collect(leftover, timeout=0)
        if len(leftover):
            record(leftover, outbox.model)


def work_once() -> int:
    """One round of the worker's delivery loop."""
    release_stale_claims()
    fanouts_resume()
    return send_due() + send_due(outbox=DIGESTS)
