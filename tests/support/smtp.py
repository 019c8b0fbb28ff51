"""Real SMTP servers on loopback (aiosmtpd) for everything that sends mail, and the handlers
the tests give them."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes
from typing import Any

from aiosmtpd.controller import Controller


class LoopbackController(Controller):
    """aiosmtpd's Controller on a port the OS chose.

    Controller binds host:port itself and cannot report what port 0 became; choosing a free
    port first and closing it would leave a window in which another process (a parallel test
    worker) takes it. So the socket is bound here, kept open, and the server serves on it.
    """

    def __init__(self, handler: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self.sock.getsockname()[1])

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self.sock, ssl=self.ssl_context)

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert=no_assert)
        self.sock.close()  # already closed with the server, unless it never started


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


class SlowSink:
    """An SMTP handler that takes `delay` seconds per message and keeps what it accepted.

    `port` is set by the fixture that serves it (worker processes are pointed there)."""

    port: int

    def __init__(self, delay: float = 0.02) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.accepted: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.in_flight = 0  # messages received and not yet answered

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.in_flight += 1
        try:
            await asyncio.sleep(self.delay)
            message_id = message_from_bytes(envelope.content)["Message-ID"]
            with self.lock:
                for rcpt in envelope.rcpt_tos:
                    self.accepted.append((rcpt, message_id))
        finally:
            with self.lock:
                self.in_flight -= 1
        return "250 Message accepted"

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)

    def idle(self) -> bool:
        """No message is being received or answered right now."""
        with self.lock:
            return self.in_flight == 0
