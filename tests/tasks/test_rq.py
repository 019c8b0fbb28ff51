"""depesche.core.rq: priorities as queues, the test backend, and real `depesche worker`
processes sharing one Redis (and, on PostgreSQL, one database)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

import django_rq
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks import task_backends

from depesche.alerts.models import Delivery
from depesche.audio.tasks import article_audio_task
from depesche.config.tasks import LOW_QUEUE
from depesche.core.rq import RQBackend, queues
from depesche.core.tasks import ping_task
from tests.support.fanout import publish_followed_article, seed_instant_followers
from tests.support.rq import BurstRQBackend
from tests.support.wait import wait_for

ROOT = Path(__file__).resolve().parents[2]
RQ_TASKS = {"default": {"BACKEND": "depesche.core.rq.RQBackend", "QUEUES": ["default", "low"]}}

# `depesche worker` on this test's database (argv[1]), as on a worker machine: with the
# production backend, not the suite's BurstRQBackend (which would run what the worker itself
# enqueues, e.g. periodic tasks, in the enqueuing thread).
WORKER = """
import sys
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
settings.TASKS["default"]["BACKEND"] = "depesche.core.rq.RQBackend"
import django
django.setup()
from django.core.management import call_command
call_command("worker")
"""


def empty(queue) -> None:
    """`queue` without waiting or deferred jobs (a deferred one left by an earlier run would
    be moved onto the queue by the next test's worker)."""
    queue.empty()
    deferred = queue.scheduled_job_registry
    for job_id in deferred.get_job_ids():
        deferred.remove(job_id, delete_job=True)


@pytest.fixture
def redis_queues():
    """Our queues, empty before and after the test."""
    for queue in queues():
        empty(queue)
    yield queues()
    for queue in queues():
        empty(queue)


def test_the_suite_runs_tasks_through_redis():
    assert isinstance(task_backends["default"], BurstRQBackend)
    result = ping_task.enqueue()
    assert result.status == "SUCCESSFUL" and result.return_value == "pong"
    # The job went through Redis: RQ keeps it and its result there.
    job = django_rq.get_queue("default").fetch_job(result.id)
    assert job is not None and job.get_status() == "finished"


def test_low_priority_tasks_wait_in_their_own_queue(settings, redis_queues):
    settings.TASKS = RQ_TASKS
    audio = article_audio_task.enqueue(article_id=1)
    ping = ping_task.enqueue()
    default, low = redis_queues
    assert low.name == LOW_QUEUE
    assert default.job_ids == [ping.id]
    assert low.job_ids == [audio.id]
    assert isinstance(task_backends["default"], RQBackend)


def test_a_deferred_task_is_never_due_before_its_time(settings, redis_queues):
    settings.TASKS = RQ_TASKS
    due = (timezone.now() + timedelta(seconds=30)).replace(microsecond=400_000)
    result = ping_task.using(run_after=due).enqueue()
    # RQ keeps whole seconds, cut down: unrounded, this task would be due 0.4 s early.
    scheduled = redis_queues[0].scheduled_job_registry.get_scheduled_time(result.id)
    assert due <= scheduled < due + timedelta(seconds=1)


def start_worker(env: dict[str, str], errlog) -> subprocess.Popen:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, django_settings.DATABASES["default"]["NAME"]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=errlog,
        text=True,
    )
    line = worker.stdout.readline()
    errlog.seek(0)
    assert line.startswith("Worker running"), line + errlog.read().decode(errors="replace")
    return worker


@pytest.fixture
def workers_log():
    """Where the worker processes print (stderr), shown when one fails to stop."""
    with tempfile.TemporaryFile() as log:
        yield log


@pytest.fixture
def workers(sink, redis_queues, workers_log):
    """Two `depesche worker` processes on PostgreSQL (one on SQLite, which has one writer)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "depesche.config.settings.test",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    count = 2 if connection.vendor == "postgresql" else 1
    errlog = workers_log
    started = [start_worker(env, errlog) for _ in range(count)]
    yield started
    stop_workers(started, errlog)


def stop_workers(workers: list[subprocess.Popen], errlog) -> None:
    """SIGTERM to each worker; each must exit within 30 s (a warm shutdown finishes the task in
    hand). One that does not is killed, and the failure shows what the workers printed."""
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for other in workers:
                other.kill()
            errlog.seek(0)
            printed = errlog.read().decode(errors="replace")[-4000:]
            raise AssertionError(
                f"a worker did not stop within 30 s of SIGTERM:\n{printed}"
            ) from None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_processes_share_the_queue_and_run_each_task_once(settings, workers):
    settings.TASKS = RQ_TASKS
    results = [ping_task.enqueue() for _ in range(40)]

    def finished() -> bool:
        for result in results:
            result.refresh()
        return all(result.is_finished for result in results)

    wait_for(finished, timeout=60, interval=0.05, what="40 pings")
    assert all(result.return_value == "pong" for result in results)
    # Each task ran exactly once, and every worker process took some.
    assert all(len(result.worker_ids) == 1 for result in results)
    takers = Counter(result.worker_ids[0] for result in results)
    assert len(takers) == len(workers), takers


def children(process: subprocess.Popen) -> list[str]:
    """The process ids of `process`'s children, as the kernel lists them."""
    path = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return path.read_text().split()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deferred_task_runs_when_due_and_the_worker_forks_nothing(settings, workers):
    settings.TASKS = RQ_TASKS
    due = timezone.now() + timedelta(seconds=1)
    result = ping_task.using(run_after=due).enqueue()
    assert not result.is_finished

    def finished() -> bool:
        result.refresh()
        return result.is_finished

    wait_for(finished, timeout=30, interval=0.05, what="the deferred ping")
    assert result.return_value == "pong"
    assert result.finished_at >= due
    # RQ's with_scheduler would have forked a scheduler process from the threaded worker.
    assert [children(worker) for worker in workers] == [[] for _ in workers]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_fan_out_through_redis_reaches_every_reader_once(
    settings, site_tree, sink, workers, workers_log
):
    settings.TASKS = RQ_TASKS
    emails = seed_instant_followers(300)
    # Its on-commit fan-out task goes to Redis, a worker process runs it.
    publish_followed_article(site_tree)

    def all_recorded() -> bool:
        return Delivery.objects.filter(status=Delivery.Status.SENT).count() == 300

    wait_for(all_recorded, timeout=60, interval=0.05, what="300 alerts recorded as sent")
    # A duplicate (a row two workers both sent) could still be on its way; once every worker
    # process has exited and the sink answered what it received, nothing more can arrive.
    stop_workers(workers, workers_log)
    wait_for(sink.idle, timeout=5, what="the SMTP sink to answer what it received")
    accepted = list(sink.accepted)
    assert sorted(rcpt for rcpt, _ in accepted) == sorted(emails)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 300
