"""The outbox under failure: a worker killed mid-fan-out, and two workers racing for one queue.

The workers here are real processes (`send_due` after `django.setup()`), sending to a slow
aiosmtpd sink on loopback, on the test database: on SQLite that is a file
(config/settings/test.py), on PostgreSQL `test_<NAME>`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from depesche.alerts.models import Delivery
from depesche.delivery.outbox import release_stale_claims
from depesche.delivery.pool import UNRECORDED_MAX
from depesche.delivery.sending import send_due
from tests.support.fanout import publish_followed_article, seed_instant_followers
from tests.support.smtp import SlowSink
from tests.support.wait import wait_for

ROOT = Path(__file__).resolve().parents[2]

# A worker process: set up Django on the test database, wait for "go" on stdin, send what is
# due, print how many messages it sent.
WORKER = """
import sys
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
import django
django.setup()
from depesche.delivery.sending import send_due
print("ready", flush=True)
sys.stdin.readline()
print(send_due(batch_size=int(sys.argv[2])), flush=True)
"""


def start_worker(sink: SlowSink, *, connections: int, batch_size: int) -> subprocess.Popen:
    """A worker process on this test's database, sending to `sink`; it waits for go()."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "depesche.config.settings.test",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "DEPESCHE_SMTP_CONNECTIONS": str(connections),
        # The same key as this process: a resent copy carries the same Message-ID.
        "SECRET_KEY": django_settings.SECRET_KEY,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    # A file, not a pipe: a worker that logs a lot never blocks on a full pipe.
    errlog = tempfile.TemporaryFile()  # noqa: SIM115 (closed when collected)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WORKER,
            django_settings.DATABASES["default"]["NAME"],
            str(batch_size),
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errlog,
        text=True,
    )
    worker.errlog = errlog
    return worker


def errors(worker: subprocess.Popen) -> str:
    """What a worker wrote to stderr so far."""
    worker.errlog.seek(0)
    return worker.errlog.read().decode(errors="replace")


def go(*workers: subprocess.Popen) -> None:
    """Once every worker has set up Django, let them all start sending."""
    for worker in workers:
        ready = worker.stdout.readline()
        assert ready == "ready\n", ready + errors(worker)
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_loses_nothing_and_resends_at_most_its_unrecorded_bound(site_tree, sink):
    """A worker is SIGKILLed mid-run; after the claim lease its rows return to the queue and a
    new run sends the rest.

    Every reader gets the alert. Only what the killed worker had sent but not yet recorded goes
    out twice: at most UNRECORDED_MAX messages, whatever the number of SMTP connections it had
    open. A copy sent twice carries the same Message-ID.

    The bound can be exceeded here: the kill comes only once more than UNRECORDED_MAX messages
    have reached the SMTP server, so a worker that recorded its sends late (or never before
    finishing) would resend more than the bound, and the run is three bounds long so the kill
    still lands mid-run.
    """
    total = 3 * UNRECORDED_MAX
    emails = seed_instant_followers(total)
    publish_followed_article(site_tree)
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == total

    worker = start_worker(sink, connections=2, batch_size=500)
    try:
        go(worker)

        def past_the_bound() -> bool:
            assert worker.poll() is None, "the worker ended before the kill\n" + errors(worker)
            return sink.count() > UNRECORDED_MAX

        wait_for(past_the_bound, timeout=60, interval=0.002, what="UNRECORDED_MAX+1 messages")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    killed_at = sink.count()
    # Mid-run: some readers were not reached yet and rows are still claimed or waiting.
    assert killed_at < total, "the kill came too late to test anything"
    unfinished = {Delivery.Status.PENDING, Delivery.Status.SENDING}
    assert Delivery.objects.filter(status__in=unfinished).exists()
    assert Delivery.objects.filter(status=Delivery.Status.SENDING).exists()
    recorded = set(
        Delivery.objects.filter(status=Delivery.Status.SENT).values_list(
            "subscriber__email", flat=True
        )
    )

    # Within the lease the rows stay with the (dead) worker; after it they are due again.
    assert release_stale_claims() == 0
    assert release_stale_claims(now=timezone.now() + timedelta(minutes=10)) > 0
    sink.delay = 0  # the rest needs no pacing: the kill has happened
    for _ in range(5):
        send_due()
        if not Delivery.objects.exclude(status=Delivery.Status.SENT).exists():
            break

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    accepted = list(sink.accepted)
    assert {rcpt for rcpt, _ in accepted} == set(emails)
    copies = Counter(message_id for _, message_id in accepted)
    assert len(copies) == total
    duplicates = sum(n - 1 for n in copies.values())
    assert len(accepted) == total + duplicates
    print(f"killed after {killed_at} accepted; {duplicates} sent twice")  # noqa: T201
    assert duplicates <= UNRECORDED_MAX
    assert max(copies.values()) <= 2
    # What the killed worker had recorded as sent was never sent again.
    twice = Counter(rcpt for rcpt, _ in accepted)
    assert not {rcpt for rcpt, n in twice.items() if n > 1} & recorded


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="Parallel workers need PostgreSQL (SKIP LOCKED); SQLite runs one worker. CI runs "
    "this same suite on PostgreSQL too, where this test runs.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_in_parallel_send_each_alert_exactly_once(site_tree, sink):
    """Two worker processes drain one queue of 500 alerts at once, in small claims: each
    reader gets exactly one copy and every row ends up sent."""
    assert connection.vendor == "postgresql"
    emails = seed_instant_followers(500)
    publish_followed_article(site_tree)
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 500

    workers = [start_worker(sink, connections=2, batch_size=20) for _ in range(2)]
    try:
        go(*workers)  # both set up Django first, then start together
        results = [worker.communicate(timeout=60) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    for worker in workers:
        assert worker.returncode == 0, errors(worker)
    sent = [int(out.strip().splitlines()[-1]) for out, _ in results]
    assert sum(sent) == 500
    print(f"messages sent per worker: {sent}")  # noqa: T201
    assert all(n > 0 for n in sent), f"one worker did all the work: {sent}"

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    accepted = list(sink.accepted)
    assert len(accepted) == 500
    assert sorted(rcpt for rcpt, _ in accepted) == sorted(emails)
    assert len({message_id for _, message_id in accepted}) == 500
