"""`depesche bench push`: publish an article followed by N browsers and measure the Web Push
fan-out and sending.

The same shape as `depesche bench fanout`: the outer run creates a scratch database and starts
the inner run in a child process on it; the inner run starts a push service stand-in (its own
process), seeds N push subscriptions following the article's tag (bulk SQL, untimed), starts W
real `depesche worker` processes, publishes the article the way the admin does and watches the
stand-in until every browser's endpoint got its request. Then, in the same run, a raw client
sends as many requests of the same size over as many connections, without encryption, outbox
or database: the stand-in's ceiling (`raw_requests_per_s`).

All subscriptions share one browser key pair (generating N would only slow the seeding): the
server still encrypts every message on its own, with a fresh ephemeral key and salt (RFC 8291),
which is the cost per subscription.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from depesche.bench.fanout import (
    _values_of,
    draft_article,
    peak_rss_mb,
    start_workers,
    stop_workers,
)
from depesche.bench.progress import progress
from depesche.bench.pushservice import PushStandIn, raw_post
from depesche.bench.scratch import run_inner_in_scratch
from depesche.config.vapid import b64url

RAW_MAX_REQUESTS = 50_000
STALL_SECONDS = 120
SEED_CHUNK = 5_000
# Request headers the raw client's HTTP library sets itself.
_OWN_HEADERS = {"host", "content-length", "connection", "accept", "accept-encoding", "user-agent"}


@dataclass
class Options:
    subscribers: int
    workers: int
    database_url: str


def run_outer(options: Options, argv: list[str]) -> int:
    """Run the benchmark in a scratch database; its JSON goes to stdout."""
    return run_inner_in_scratch(options.database_url, argv, {})


# --- the inner run, inside the scratch database ---------------------------------------------


@dataclass(frozen=True)
class BrowserKeys:
    """One browser's subscription keys (shared by every seeded row) and how it decrypts."""

    private_key: Any
    auth: bytes

    @classmethod
    def new(cls) -> BrowserKeys:
        from cryptography.hazmat.primitives.asymmetric import ec

        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    @property
    def p256dh(self) -> str:
        from cryptography.hazmat.primitives import serialization

        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def decrypt(self, body: bytes) -> dict[str, Any]:
        import http_ece

        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return dict(json.loads(plain))


def seed(count: int, *, origin: str, tag_name: str, keys: BrowserKeys) -> None:
    """`count` push subscriptions with endpoints `<origin>/push/<n>`, each following the tag."""
    from taggit.models import Tag

    from depesche.audience.models import PushSubscription, PushTopic

    now = timezone.now()
    tag = Tag.objects.get(name=tag_name)  # created with the article
    subscription = PushSubscription(
        endpoint="x", endpoint_hash="x", p256dh=keys.p256dh, auth=b64url(keys.auth),
        created_at=now, updated_at=now,
    )  # fmt: skip
    columns, values = _values_of(subscription, {"endpoint", "endpoint_hash"})
    insert = (
        f"INSERT INTO {PushSubscription._meta.db_table} "
        f"({', '.join(columns)}, endpoint, endpoint_hash) "
        f"VALUES ({', '.join(['%s'] * (len(columns) + 2))})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The hash is made here, as the subscribe service makes it (SQLite has no SHA-256).
        for start in range(1, count + 1, SEED_CHUNK):
            rows = []
            for n in range(start, min(start + SEED_CHUNK, count + 1)):
                endpoint = f"{origin}/push/{n}"
                rows.append([*values, endpoint, hashlib.sha256(endpoint.encode()).hexdigest()])
            cursor.executemany(insert, rows)
        topic = PushTopic(kind=PushTopic.Kind.TAG, created_at=now)
        columns, values = _values_of(topic, {"subscription", "tag"})
        cursor.execute(
            f"INSERT INTO {PushTopic._meta.db_table} ({', '.join(columns)}, subscription_id, "
            f"tag_id) SELECT {', '.join(['%s'] * len(values))}, s.id, %s "
            f"FROM {PushSubscription._meta.db_table} s",
            [*values, tag.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def unfinished() -> int:
    from depesche.alerts.models import PushDelivery
    from depesche.delivery.models import UNFINISHED

    return PushDelivery.objects.filter(status__in=UNFINISHED).count()


def raw_headers(head: str) -> dict[str, str]:
    """The headers of the stand-in's sample request, less those any HTTP client sets itself:
    the raw client sends what a worker sends."""
    headers = {}
    for line in head.split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() not in _OWN_HEADERS:
            headers[name.strip()] = value.strip()
    return headers


def run_inner(options: Options) -> dict[str, Any]:
    from django.core.management import call_command

    if connection.vendor == "sqlite" and options.workers > 1:
        raise ValueError("SQLite runs one worker; use --database-url postgres://… for more")
    n = options.subscribers
    tag_name = "Benchmark-Thema Push"
    progress("migrating the scratch database …")
    call_command("migrate", verbosity=0)
    article = draft_article([tag_name])
    keys = BrowserKeys.new()

    service = PushStandIn()
    workers: list[subprocess.Popen[str]] = []
    try:
        progress(f"seeding {n:,} push subscriptions following the tag …")
        started = time.monotonic()
        seed(n, origin=service.origin, tag_name=tag_name, keys=keys)
        progress(f"seeded in {time.monotonic() - started:.1f} s")

        connections = settings.PUSH_CONNECTIONS
        progress(f"starting {options.workers} worker(s), {connections} push connections each …")
        workers = start_workers(options.workers, dict(os.environ))
        connection.close()  # the workers' turn; this process only watches

        progress("publishing the article …")
        published = time.time()
        article.get_latest_revision().publish()
        watch(service, n, workers)
        deadline = time.monotonic() + 30
        while unfinished() and time.monotonic() < deadline:
            time.sleep(0.2)  # the last outcomes being recorded
        peak = max(peak_rss_mb(worker.pid) for worker in workers)
        stats = service.stats()
        stop_workers(workers)

        sample = service.ask("sample")
        payload = keys.decrypt(sample["body"])  # proves the stand-in got real notifications
        if payload.get("title") != article.title:
            raise RuntimeError(f"the sample notification says {payload!r}")
        raw_requests = min(n, RAW_MAX_REQUESTS)
        progress(f"raw client: {raw_requests:,} requests of {len(sample['body']):,} bytes …")
        service.ask("reset")
        raw_post(
            origin=service.origin,
            headers=raw_headers(sample["head"]),
            body=sample["body"],
            requests_total=raw_requests,
            processes=options.workers,
            connections=connections,
        )
        raw = service.stats()
    finally:
        stop_workers(workers)
        service.stop()

    sending_s = max(stats["last"] - stats["first"], 1e-9)
    raw_s = max(raw["last"] - raw["first"], 1e-9)
    # Rounded before the ratio is taken: the printed ratio is the printed rates' ratio.
    per_s = round(stats["distinct"] / sending_s, 1)
    raw_per_s = round(raw["requests"] / raw_s, 1)
    return {
        "subscribers": n,
        "workers": options.workers,
        "push_connections_per_worker": connections,
        "database": connection.vendor,
        "first_accept_s": round(stats["first"] - published, 3),
        "total_s": round(stats["last"] - published, 3),
        "notifications_per_s": per_s,
        "peak_rss_mb": round(peak, 1),
        "delivered": stats["distinct"],
        "duplicates": stats["requests"] - stats["distinct"],
        "unfinished": unfinished(),
        "request_bytes": len(sample["body"]),
        "raw_requests": raw["requests"],
        "raw_requests_per_s": raw_per_s,
        "ratio": round(per_s / raw_per_s, 3),
    }


def watch(service: PushStandIn, expected: int, workers: list[subprocess.Popen[str]]) -> None:
    """Wait until every endpoint got its request; progress every few seconds."""
    last_count, last_change, last_report = -1, time.monotonic(), 0.0
    while True:
        stats = service.stats()
        now = time.monotonic()
        if stats["distinct"] >= expected:
            return
        if stats["requests"] != last_count:
            last_count, last_change = stats["requests"], now
        elif now - last_change > STALL_SECONDS:
            raise RuntimeError(f"no progress for {STALL_SECONDS} s at {last_count:,} requests")
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker stopped during the run")
        if now - last_report >= 5:
            progress(f"  {stats['distinct']:,} / {expected:,} notifications accepted")
            last_report = now
        time.sleep(0.05)
