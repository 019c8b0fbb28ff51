"""Transports: one kept-open SMTP connection per sender, or an email service's API through
anymail (one call per reader, or one batch call for many with per-recipient merge fields).

Every outcome is one of "sent", "retry" (temporary: try again after a backoff), "bounced"
(refused for good: the reader is suppressed) or "failed" (the message cannot be built), with an
error text whose addresses are masked: it is stored on the row, shown in the admin and logged.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from email import message_from_bytes
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from depesche.config.email import service_name
from depesche.core.text import mask_addresses
from depesche.delivery.rendering import POLICY

logger = logging.getLogger(__name__)


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


def uses_smtp() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"


# Email services whose batch API fills per-recipient merge fields into inline content, with
# their merge-field syntax. Other services get one API call per reader.
BATCH_FIELDS = {"mailgun": "%recipient.{}%"}
# Readers per batch API call (Mailgun takes up to 1,000).
BATCH_SIZE = 50

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
        if not uses_smtp():
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
