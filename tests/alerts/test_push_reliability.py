"""Web Push under failure: a worker process killed mid-fan-out loses no notification, and
sends again at most the rows it had in flight (one claimed batch)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from depesche.alerts.models import PushDelivery
from depesche.alerts.push import PUSH, push_enqueue_for_article
from depesche.audience.models import PushSubscription, PushTopic
from depesche.delivery.outbox import release_stale_claims
from depesche.delivery.push_sending import push_send_due
from tests.factories import TagFactory, publish_article
from tests.support.pushservice import Browser
from tests.support.wait import wait_for

ROOT = Path(__file__).resolve().parents[2]
BATCH = 20

# A worker process on the test database: waits for "go", then sends what is due in batches of
# argv[2] over two connections.
WORKER = """
import sys
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
import django
django.setup()
from depesche.alerts.push import PUSH
from depesche.delivery.push_sending import push_send_due
print("ready", flush=True)
sys.stdin.readline()
print(push_send_due(kind=PUSH, batch_size=int(sys.argv[2]), connections=2), flush=True)
"""


def seed(service, count: int) -> None:
    """`count` browsers following "Energie" (one key pair, each its own endpoint)."""
    tag = TagFactory(name="Energie")
    keys = Browser(service).subscription()["keys"]
    endpoints = [f"{service.origin}/push/{n:04d}" for n in range(count)]
    PushSubscription.objects.bulk_create(
        PushSubscription(
            endpoint=endpoint,
            endpoint_hash=hashlib.sha256(endpoint.encode()).hexdigest(),
            p256dh=keys["p256dh"],
            auth=keys["auth"],
        )
        for endpoint in endpoints
    )
    PushTopic.objects.bulk_create(
        PushTopic(subscription=subscription, kind=PushTopic.Kind.TAG, tag=tag)
        for subscription in PushSubscription.objects.all()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_loses_no_notification_and_resends_at_most_a_batch(site_tree, push_service):
    total = 4 * BATCH
    seed(push_service, total)
    # Paced, so the kill lands mid-run.
    push_service.on_request = lambda received: time.sleep(0.02)
    article = publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"])
    push_enqueue_for_article(article_id=article.pk)
    assert PushDelivery.objects.filter(status=PushDelivery.Status.PENDING).count() == total

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "depesche.config.settings.test",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DEPESCHE_VAPID_PRIVATE_KEY": django_settings.VAPID_PRIVATE_KEY,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    with tempfile.TemporaryFile() as errlog:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                django_settings.DATABASES["default"]["NAME"],
                str(BATCH),
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errlog,
            text=True,
        )
        try:
            ready = worker.stdout.readline()
            errlog.seek(0)
            assert ready == "ready\n", ready + errlog.read().decode(errors="replace")
            worker.stdin.write("go\n")
            worker.stdin.flush()

            # The kill comes once more than a batch has reached the push service: a worker that
            # recorded late (or only at the end) would resend more than one batch.
            def past_a_batch() -> bool:
                assert worker.poll() is None, "the worker ended before the kill"
                return len(push_service.received) > BATCH + BATCH // 2

            wait_for(past_a_batch, timeout=60, interval=0.002, what="a batch and a half")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    killed_at = len(push_service.received)
    assert killed_at < total, "the kill came too late to test anything"
    assert PushDelivery.objects.filter(status=PushDelivery.Status.SENDING).exists()

    assert release_stale_claims(now=timezone.now() + timedelta(minutes=10)) > 0
    push_service.on_request = None
    push_send_due(kind=PUSH)

    assert set(PushDelivery.objects.values_list("status", flat=True)) == {"sent"}
    copies = Counter(received.path for received in push_service.received)
    assert len(copies) == total  # every browser reached
    duplicates = sum(n - 1 for n in copies.values())
    assert duplicates <= BATCH
    assert max(copies.values()) <= 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_next_half_batch_is_claimed_while_one_is_sent_never_more_than_a_batch(
    site_tree, push_service
):
    total = 5 * BATCH
    seed(push_service, total)
    article = publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"])
    push_enqueue_for_article(article_id=article.pk)
    in_flight: list[int] = []

    def count_claimed(received) -> None:
        # The push service's thread has a database connection of its own.
        try:
            in_flight.append(
                PushDelivery.objects.filter(status=PushDelivery.Status.SENDING).count()
            )
        finally:
            connection.close()

    push_service.on_request = count_claimed
    assert push_send_due(kind=PUSH, batch_size=BATCH, connections=2) == total
    assert len(in_flight) == total
    # Claimed and not yet recorded: never more than a batch (what a killed worker sends again),
    # but more than the half being sent: the next half is claimed while it is sent.
    assert max(in_flight) <= BATCH
    assert max(in_flight) > BATCH // 2
    assert set(PushDelivery.objects.values_list("status", flat=True)) == {"sent"}
