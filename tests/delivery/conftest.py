"""A real SMTP server on loopback for the delivery tests, answering chosen recipients with
temporary or permanent errors."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller


class Flaky:
    """An SMTP handler that answers chosen recipients with 451 (once) or 550 (always)."""

    def __init__(self, *, temporary: set[str] = frozenset(), permanent: set[str] = frozenset()):
        self.temporary = set(temporary)
        self.permanent = set(permanent)
        self.accepted: list[tuple[str, bytes]] = []  # (recipient, message) per delivery

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Like Postfix, the answers name the recipient.
        if address in self.permanent:
            return f"550 5.1.1 <{address}>: Recipient address rejected: mailbox unavailable"
        if address in self.temporary:
            self.temporary.discard(address)
            return f"451 4.3.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            self.accepted.append((rcpt, envelope.content))
        return "250 Message accepted"

    @property
    def recipients(self) -> list[str]:
        return [rcpt for rcpt, _content in self.accepted]


@pytest.fixture
def smtp(settings):
    """Start a Flaky SMTP server on a free loopback port; returns a function to build it."""
    controllers = []

    def start(**kwargs) -> Flaky:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        handler = Flaky(**kwargs)
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def our_log_lines(caplog):
    """Every captured record but the test SMTP server's own (aiosmtpd logs the commands it
    receives), formatted with tracebacks: what Depesche itself wrote to the log."""

    def lines() -> str:
        return "\n".join(
            caplog.handler.format(record)
            for record in caplog.records
            if not record.name.startswith("mail.log")
        )

    return lines
