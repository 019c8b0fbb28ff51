"""`depesche bench fanout`: publish an article to N followers and measure the alert fan-out.

The outer run creates a scratch database and starts the inner run in a child process on it;
the inner run seeds subscribers (bulk SQL, untimed), starts an SMTP sink (its own process) and
W real `depesche worker` processes, publishes the article the way the admin does and watches
the sink. Then, in the same run, a minimal client sends the same number of messages of the
same size over as many connections, which gives the sink's ceiling (`raw_sink_messages_per_s`).
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from depesche.bench.progress import progress
from depesche.bench.scratch import run_inner_in_scratch
from depesche.bench.sink import Sink, raw_send

RAW_MAX_MESSAGES = 50_000
STALL_SECONDS = 120


@dataclass
class Options:
    subscribers: int
    tags: int
    workers: int
    database_url: str


def run_outer(options: Options, argv: list[str]) -> int:
    """Run the benchmark in a scratch database; its JSON goes to stdout."""
    return run_inner_in_scratch(options.database_url, argv, {})


# --- the inner run, inside the scratch database ---------------------------------------------


def _values_of(instance: Any, skip: set[str]) -> tuple[list[str], list[Any]]:
    """Column names and database values of an unsaved model instance's concrete fields."""
    columns, values = [], []
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in skip:
            continue
        columns.append(field.column)
        values.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    return columns, values


def _numbers(count: int) -> str:
    """A FROM clause yielding g = 1 … count."""
    if connection.vendor == "postgresql":
        return f"generate_series(1, {int(count)}) AS s(g)"
    return (
        f"(WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {int(count)})"
        " SELECT g FROM n) AS s"
    )


def seed(count: int, tag_names: list[str]) -> None:
    """`count` active subscribers, each following every tag in `tag_names` instantly."""
    from taggit.models import Tag

    from depesche.audience.models import PUBLIC_ID_SQL, Subscriber, TagFollow

    now = timezone.now()
    tags = list(Tag.objects.filter(name__in=tag_names))  # created with the article
    subscriber = Subscriber(
        email="x", status=Subscriber.Status.ACTIVE, created_at=now, confirmed_at=now
    )
    # Each row its own random public_id (unique), made by the database.
    columns, values = _values_of(subscriber, {"email", "public_id"})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Subscriber._meta.db_table} ({', '.join(columns)}, email, public_id) "
            f"SELECT {', '.join(['%s'] * len(values))}, 'leser' || g || '@bench.invalid', "
            f"{PUBLIC_ID_SQL[connection.vendor]} FROM {_numbers(count)}",
            values,
        )
        follow = TagFollow(
            frequency=TagFollow.Frequency.INSTANT, active=True, created_at=now, confirmed_at=now
        )
        columns, values = _values_of(follow, {"subscriber", "tag"})
        tag_ids = ", ".join(str(tag.pk) for tag in tags)
        cursor.execute(
            f"INSERT INTO {TagFollow._meta.db_table} ({', '.join(columns)}, subscriber_id, tag_id) "
            f"SELECT {', '.join(['%s'] * len(values))}, s.id, t.id "
            f"FROM {Subscriber._meta.db_table} s CROSS JOIN {Tag._meta.db_table} t "
            f"WHERE t.id IN ({tag_ids})",
            values,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def draft_article(tag_names: list[str]) -> Any:
    from wagtail.blocks import StreamValue

    from depesche.newsroom.models import ArticlePage, SectionPage
    from depesche.newsroom.services import site_setup

    site_setup(site_name=settings.SITE_NAME)
    section = SectionPage.objects.order_by("path").first()
    article = ArticlePage(
        title="Benchmark: Netzbetreiber melden neue Rekordeinspeisung",
        teaser="Ein Artikel für den Fan-out-Benchmark, mit einem Vorspann üblicher Länge.",
        byline="Benchmark",
        live=False,
    )
    article.body = StreamValue(
        ArticlePage.body.field.stream_block, [("paragraph", "<p>Benchmark-Text.</p>")]
    )
    article.tags.set(tag_names)
    section.add_child(instance=article)
    article.save_revision()
    return article


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[str]]:
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "depesche.site.cli", "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(count)
    ]
    for worker in workers:
        # The worker prints its greeting once Django is set up and the loops run.
        assert worker.stdout is not None
        ready, _, _ = select.select([worker.stdout], [], [], 60)
        if not ready or not worker.stdout.readline():
            raise RuntimeError("a worker did not start")
    # A task round trip proves the task loops poll: the fan-out task will not wait for a
    # worker still starting up.
    from depesche.core.tasks import ping_task

    for _ in workers:
        result = ping_task.enqueue()
        deadline = time.monotonic() + 60
        while not result.is_finished:
            if time.monotonic() > deadline:
                raise RuntimeError("the workers take no tasks")
            time.sleep(0.05)
            result.refresh()
    return workers


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def stop_workers(workers: list[subprocess.Popen[str]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def unfinished() -> int:
    from depesche.alerts.models import Delivery
    from depesche.delivery.models import UNFINISHED

    return Delivery.objects.filter(status__in=UNFINISHED).count()


def run_inner(options: Options) -> dict[str, Any]:
    from django.core.management import call_command

    if connection.vendor == "sqlite" and options.workers > 1:
        raise ValueError("SQLite runs one worker; use --database-url postgres://… for more")
    n = options.subscribers
    tag_names = [f"Benchmark-Thema {i + 1}" for i in range(options.tags)]
    progress("migrating the scratch database …")
    call_command("migrate", verbosity=0)
    article = draft_article(tag_names)
    progress(f"seeding {n:,} subscribers following {options.tags} tag(s) …")
    started = time.monotonic()
    seed(n, tag_names)
    progress(f"seeded in {time.monotonic() - started:.1f} s")

    sink = Sink()
    workers: list[subprocess.Popen[str]] = []
    try:
        connections = settings.ALERT_SMTP_CONNECTIONS
        env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
        progress(f"starting {options.workers} worker(s), {connections} SMTP connections each …")
        workers = start_workers(options.workers, env)
        connection.close()  # the workers' turn; this process only watches

        progress("publishing the article …")
        published = time.time()
        article.get_latest_revision().publish()
        stats = watch(sink, n, workers)
        deadline = time.monotonic() + 30
        while unfinished() and time.monotonic() < deadline:
            time.sleep(0.2)  # the last outcomes being recorded
        peak = max(peak_rss_mb(worker.pid) for worker in workers)
        stats = sink.stats()
        stop_workers(workers)

        sample = sink.ask("sample")
        raw_messages = min(n, RAW_MAX_MESSAGES)
        progress(f"raw client: {raw_messages:,} messages of {len(sample):,} bytes …")
        sink.ask("reset")
        raw_send(
            port=sink.port,
            data=sample,
            messages=raw_messages,
            processes=options.workers,
            connections=connections,
        )
        raw = sink.stats()
    finally:
        stop_workers(workers)
        sink.stop()

    sending_s = max(stats["last"] - stats["first"], 1e-9)
    raw_s = max(raw["last"] - raw["first"], 1e-9)
    # Rounded before the ratio is taken: the printed ratio is the printed rates' ratio.
    messages_per_s = round(stats["distinct"] / sending_s, 1)
    raw_per_s = round(raw["accepted"] / raw_s, 1)
    return {
        "subscribers": n,
        "workers": options.workers,
        "tags": options.tags,
        "smtp_connections_per_worker": connections,
        "database": connection.vendor,
        "first_accept_s": round(stats["first"] - published, 3),
        "total_s": round(stats["last"] - published, 3),
        "messages_per_s": messages_per_s,
        "peak_rss_mb": round(peak, 1),
        "delivered": stats["distinct"],
        "duplicates": stats["accepted"] - stats["distinct"],
        "unfinished_deliveries": unfinished(),
        "message_bytes": len(sample),
        "raw_messages": raw["accepted"],
        "raw_sink_messages_per_s": raw_per_s,
        "ratio": round(messages_per_s / raw_per_s, 3),
    }


def watch(sink: Sink, expected: int, workers: list[subprocess.Popen[str]]) -> dict[str, Any]:
    """Wait until the sink has every message; progress every few seconds."""
    last_count, last_change, last_report = -1, time.monotonic(), 0.0
    while True:
        stats = sink.stats()
        now = time.monotonic()
        if stats["distinct"] >= expected:
            return stats
        if stats["accepted"] != last_count:
            last_count, last_change = stats["accepted"], now
        elif now - last_change > STALL_SECONDS:
            raise RuntimeError(f"no progress for {STALL_SECONDS} s at {last_count:,} messages")
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker stopped during the run")
        if now - last_report >= 5:
            progress(f"  {stats['distinct']:,} / {expected:,} messages accepted")
            last_report = now
        time.sleep(0.05)
