"""Workers: claim due alerts, send them over kept-open SMTP connections, record the outcome.

Any number of workers share the outbox: on PostgreSQL a claim is `SELECT … FOR UPDATE SKIP
LOCKED`, so two workers never take the same row; SQLite runs one worker. A worker that dies
leaves its claimed rows in "sending"; after CLAIM_LEASE they go back to the queue, so an alert
is never lost. At most the messages a dead worker had sent but not yet recorded (one flush,
FLUSH_EVERY per connection) can go out twice; the Message-ID is the same for both copies.
"""

from __future__ import annotations

import contextlib
import logging
import random
import smtplib
import ssl
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
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
from depesche.delivery.services import deliveries_cancel_for_subscriber
from depesche.newsroom.models import ArticlePage

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
FLUSH_EVERY = 50


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    retry: list[tuple[int, str]] = field(default_factory=list)
    bounced: list[tuple[int, int, str]] = field(default_factory=list)  # (delivery, subscriber)


def claim(*, limit: int) -> list[Delivery]:
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
    return list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("subscriber")
        .only(
            "pk",
            "article_id",
            "attempts",
            "matched_tags",
            "matched_slugs",
            "subscriber__id",
            "subscriber__email",
            "subscriber__status",
        )
    )


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


def _send_chunk(prepared: dict[int, PreparedAlert], rows: list[Delivery]) -> int:
    sender = Sender()
    outcome = Outcome()
    done = 0
    try:
        for row in rows:
            subscriber = row.subscriber
            if subscriber.status != Subscriber.Status.ACTIVE:
                # Unsubscribed or suppressed since the fan-out: never send.
                Delivery.objects.filter(pk=row.pk).update(
                    status=Delivery.Status.CANCELLED, claimed_at=None
                )
                continue
            data = prepared[row.article_id].render(
                Recipient(subscriber.pk, subscriber.email, row.matched_tags, row.matched_slugs)
            )
            result, error = sender.send(subscriber.email, data)
            if result == "sent":
                outcome.sent.append(row.pk)
                done += 1
            elif result == "bounced":
                outcome.bounced.append((row.pk, subscriber.pk, error))
            else:
                outcome.retry.append((row.pk, error))
            if len(outcome.sent) + len(outcome.retry) + len(outcome.bounced) >= FLUSH_EVERY:
                record(outcome)
                outcome = Outcome()
        record(outcome)
    finally:
        sender.close()
    return done


def _send_chunk_in_thread(prepared: dict[int, PreparedAlert], rows: list[Delivery]) -> int:
    try:
        return _send_chunk(prepared, rows)
    finally:
        connection.close()  # each sender thread opened its own database connection


def _chunks(rows: list[Delivery], n: int) -> Iterable[list[Delivery]]:
    for i in range(n):
        part = rows[i::n]
        if part:
            yield part


def send_due(*, batch_size: int = 500, connections: int | None = None) -> int:
    """Claim and send due instant alerts until none are due; returns messages sent."""
    connections = connections or settings.ALERT_SMTP_CONNECTIONS
    total = 0
    prepared: dict[int, PreparedAlert] = {}
    while True:
        rows = claim(limit=batch_size)
        if not rows:
            return total
        for article_id in {row.article_id for row in rows} - set(prepared):
            prepared[article_id] = PreparedAlert(ArticlePage.objects.get(pk=article_id))
        if connections == 1 or connection.vendor == "sqlite":
            # SQLite has one writer; threads would only queue for its lock.
            total += _send_chunk(prepared, rows)
        else:
            with ThreadPoolExecutor(max_workers=connections) as pool:
                total += sum(
                    pool.map(lambda part: _send_chunk(prepared, part), _chunks(rows, connections))
                )


def work_once() -> int:
    """One round of the worker's delivery loop."""
    release_stale_claims()
    return send_due()
