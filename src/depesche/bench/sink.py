"""An SMTP sink for benchmarks: a real aiosmtpd server on loopback, in a process of its own,
counting accepted messages and distinct Message-IDs. Also the minimal raw client that gives
the sink's ceiling: pre-rendered messages, no database, no rendering."""

from __future__ import annotations

import multiprocessing
import re
import smtplib
import socket
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^>\r\n]+)>", re.IGNORECASE | re.MULTILINE)


class Counter:
    """aiosmtpd handler: counts every accepted message and the distinct Message-IDs."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.accepted = 0
            self.ids: set[bytes] = set()
            self.first = 0.0
            self.last = 0.0
            self.sample = b""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.time()
        content = envelope.original_content or envelope.content
        found = _MESSAGE_ID.search(content, 0, 4096)
        with self.lock:
            if not self.accepted:
                self.first = now
                self.sample = content
            self.accepted += len(envelope.rcpt_tos)
            self.last = now
            if found:
                self.ids.add(found.group(1))
        return "250 Message accepted"

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "accepted": self.accepted,
                "distinct": len(self.ids),
                "first": self.first,
                "last": self.last,
            }


def _serve(port: int, control: Connection) -> None:
    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    control.send("ready")
    try:
        while True:
            command = control.recv()
            if command == "stats":
                control.send(handler.stats())
            elif command == "sample":
                control.send(handler.sample)
            elif command == "reset":
                handler.reset()
                control.send("ok")
            else:
                break
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Sink:
    """Start with `Sink()`, read with `stats()`, end with `stop()`."""

    def __init__(self) -> None:
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self.control, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(self.port, child), daemon=True)
        self.process.start()
        if not self.control.poll(30) or self.control.recv() != "ready":
            raise RuntimeError("the SMTP sink did not start")

    def ask(self, command: str) -> Any:
        self.control.send(command)
        return self.control.recv()

    def stats(self) -> dict[str, Any]:
        return dict(self.ask("stats"))

    def stop(self) -> None:
        try:
            self.control.send("stop")
        finally:
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()


def _raw_connection(port: int, data: bytes, count: int) -> None:
    client = smtplib.SMTP("127.0.0.1", port, timeout=60)
    try:
        for _ in range(count):
            client.sendmail("bench@depesche.invalid", ["leser@bench.invalid"], data)
    finally:
        client.quit()


def _raw_process(port: int, data: bytes, counts: list[int]) -> None:
    threads = [threading.Thread(target=_raw_connection, args=(port, data, n)) for n in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def raw_send(*, port: int, data: bytes, messages: int, processes: int, connections: int) -> None:
    """Send `messages` copies of `data` over processes × connections at once, like the workers
    (one process per worker, one thread per SMTP connection), and wait for the last."""
    total = processes * connections
    share = [messages // total + (1 if i < messages % total else 0) for i in range(total)]
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(
            target=_raw_process,
            args=(port, data, share[i * connections : (i + 1) * connections]),
        )
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError(f"raw client process failed with exit code {worker.exitcode}")
