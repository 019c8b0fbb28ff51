"""A Web Push service stand-in for benchmarks: an asyncio HTTP/1.1 server on loopback, in a
process of its own (its CPU never competes with the measured process' GIL), answering every
POST with 201 at once and counting requests, distinct paths (one per subscription) and the
first and last request's time. It keeps the first request (path, headers, body) as a sample,
so the benchmark can decrypt it and prove the payload. Also the raw client that gives the
stand-in's ceiling: the same requests without encryption, outbox or database."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

import requests

from depesche.bench.sink import free_port

_CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


class Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.requests = 0
            self.paths: set[bytes] = set()
            self.first = 0.0
            self.last = 0.0
            self.sample: dict[str, Any] = {}

    def record(self, path: bytes, head: bytes, body: bytes) -> None:
        now = time.time()
        with self.lock:
            if not self.requests:
                self.first = now
                self.sample = {"path": path.decode(), "head": head.decode("latin-1"), "body": body}
            self.requests += 1
            self.last = now
            self.paths.add(path)

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "distinct": len(self.paths),
                "first": self.first,
                "last": self.last,
            }


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or 0)
    return 0


async def _handle(
    counter: Counter, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    # Keep-alive, one request after another per connection, as requests' sessions send them.
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            body = await reader.readexactly(_content_length(head))
            path = head.split(b" ", 2)[1]
            counter.record(path, head, body)
            writer.write(_CREATED)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        return
    finally:
        writer.close()


def _serve(port: int, control: Connection) -> None:
    counter = Counter()
    loop = asyncio.new_event_loop()

    async def start() -> asyncio.Server:
        return await asyncio.start_server(
            lambda r, w: _handle(counter, r, w), "127.0.0.1", port, backlog=512
        )

    server = loop.run_until_complete(start())
    threading.Thread(target=loop.run_forever, daemon=True).start()
    control.send("ready")
    try:
        while True:
            command = control.recv()
            if command == "stats":
                control.send(counter.stats())
            elif command == "sample":
                with counter.lock:
                    control.send(dict(counter.sample))
            elif command == "reset":
                counter.reset()
                control.send("ok")
            else:
                break
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)


class PushStandIn:
    """Start with `PushStandIn()`, read with `stats()`, end with `stop()`."""

    def __init__(self) -> None:
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self.control, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(self.port, child), daemon=True)
        self.process.start()
        if not self.control.poll(30) or self.control.recv() != "ready":
            raise RuntimeError("the push service stand-in did not start")

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

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


def _raw_connection(
    origin: str, headers: dict[str, str], body: bytes, first: int, count: int
) -> None:
    with requests.Session() as session:
        # As the workers' sessions (delivery/webpush.py): no proxy lookup per request.
        session.trust_env = False
        for n in range(first, first + count):
            response = session.post(f"{origin}/push/{n}", data=body, headers=headers, timeout=10)
            if response.status_code != 201:
                raise RuntimeError(f"the stand-in answered {response.status_code}")


def _raw_process(
    origin: str, headers: dict[str, str], body: bytes, shares: list[tuple[int, int]]
) -> None:
    threads = [
        threading.Thread(target=_raw_connection, args=(origin, headers, body, first, count))
        for first, count in shares
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def raw_post(
    *,
    origin: str,
    headers: dict[str, str],
    body: bytes,
    requests_total: int,
    processes: int,
    connections: int,
) -> None:
    """POST `requests_total` copies of `body` with `headers` (distinct paths) over processes ×
    connections at once, like the workers (one process per worker, one thread and one
    requests session per connection), and wait for the last."""
    total = processes * connections
    counts = [
        requests_total // total + (1 if i < requests_total % total else 0) for i in range(total)
    ]
    firsts = [sum(counts[:i]) + 1 for i in range(total)]
    shares = list(zip(firsts, counts, strict=True))
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(
            target=_raw_process,
            args=(origin, headers, body, shares[i * connections : (i + 1) * connections]),
        )
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError(f"raw client process failed with exit code {worker.exitcode}")
