"""The broker-backed task backend (TASKS_URL=redis://…): django-tasks-rq plus what RQ lacks.

- Priorities: RQ runs each queue first in, first out and ignores a task's priority (except
  "at the front" for the maximum). Tasks below the default priority (article audio, −20) are
  put on the queue "low"; workers listen to "default" before "low", so a confirmation mail or
  an alert fan-out never waits behind speech synthesis that is still queued.
- Workers: `Worker` runs tasks in the worker process itself (RQ's SimpleWorker) instead of
  forking per task: `depesche worker` also runs threads (sending, scheduled publishing), and
  forking a threaded process can deadlock the child; it also saves a fork per task. Database
  connections are checked before and after each task, as Django does around a request.
- Deferred tasks (run_after): `move_deferred` puts them on their queue when due, in a thread of
  the worker. RQ's own `with_scheduler` would fork a scheduler process from the threaded worker,
  the hazard just named, and a worker stopping waits for that child without a time limit (CI
  once saw a worker not exit within 30 s of SIGTERM). RQ's scheduler also moves jobs onto a
  plain `Queue(name)`, not the queue class RQ_QUEUES configures, so we move them ourselves
  (`move_due`) with RQ's lock scripts.

The test suite's backend (every task through Redis, then run in the test's thread) is test code:
tests/support/rq.py.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from typing import Any, TypeVar
from uuid import uuid4

import django_rq
import redis
from django.db import close_old_connections
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task, TaskResult
from django_tasks_rq import Job
from django_tasks_rq import RQBackend as BaseRQBackend
from rq import SimpleWorker
from rq.queue import Queue
from rq.scripts import acquire_or_refresh_lock, release_lock
from rq.utils import current_timestamp
from typing_extensions import ParamSpec

from depesche.config.tasks import DEFAULT_QUEUE, LOW_QUEUE, RQ_QUEUE_NAMES

logger = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")


class RQBackend(BaseRQBackend):
    """django-tasks-rq's backend, with low-priority tasks on their own queue."""

    # Within a queue RQ keeps arrival order; "below default" is kept by the queue "low".
    supports_priority = True

    def enqueue(
        self,
        task: Task[P, T],
        args: P.args,  # type: ignore[valid-type]
        kwargs: P.kwargs,  # type: ignore[valid-type]
    ) -> TaskResult[T]:
        if task.priority < DEFAULT_TASK_PRIORITY and task.queue_name == DEFAULT_QUEUE:
            task = task.using(queue_name=LOW_QUEUE)
        if task.run_after is not None and task.run_after.microsecond:
            # RQ keeps a deferred job's time in whole seconds, cut down: a task due at
            # 12:00:00.4 would run from 12:00:00.0. Rounded up, it never runs early.
            due = task.run_after.replace(microsecond=0) + timedelta(seconds=1)
            task = task.using(run_after=due)
        return super().enqueue(task, args, kwargs)


def queues() -> list[Queue]:
    """Our queues in the order workers take from them: "default" first, then "low"."""
    return [django_rq.get_queue(name, job_class=Job) for name in RQ_QUEUE_NAMES]


def worker_kwargs() -> dict[str, Any]:
    """What an RQ worker on our queues is made of (also the test suite's inline worker)."""
    ours = queues()
    return {
        "queues": ours,
        "connection": django_rq.get_connection(RQ_QUEUE_NAMES[0]),
        "job_class": Job,
        # The class whose key prefix the worker expects when it pops a job (RQ_QUEUES'
        # QUEUE_CLASS: the test suite's namespaced queues).
        "queue_class": type(ours[0]),
    }


class Worker(SimpleWorker):
    """Runs each task in this process (no fork), with fresh database connections."""

    def execute_job(self, job: Any, queue: Queue) -> None:
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            close_old_connections()


def worker(*, name: str | None = None) -> Worker:
    """A worker on our queues; named after the host and process so results show who ran them."""
    return Worker(**worker_kwargs(), name=name or f"{socket.gethostname()}.{os.getpid()}")


# A mover that stops refreshing its lock (a killed worker) hands over after this long.
MOVER_LOCK_SECONDS = 60


def mover_lock_key(queue: Queue) -> str:
    """The lock of the one worker that moves `queue`'s deferred tasks. Named after the queue's
    key, so queues that keep their keys apart (the test suite's per-process namespaces) also
    keep their movers apart."""
    return f"rq:deferred-mover:{queue.key}"


def move_due(queue: Queue) -> int:
    """Put `queue`'s deferred tasks that are due onto `queue` itself; return how many moved.

    RQScheduler does the same with a plain `Queue(name)`, which loses the queue class configured
    in RQ_QUEUES (and with it the keys the workers listen on); this keeps the queue we are given.
    """
    registry = queue.scheduled_job_registry
    job_ids = registry.get_jobs_to_schedule(current_timestamp())
    if not job_ids:
        return 0
    jobs = queue.job_class.fetch_many(job_ids, connection=queue.connection)
    moved = 0
    with queue.connection.pipeline() as pipeline:
        for job_id, job in zip(job_ids, jobs, strict=True):
            if job is not None:  # expired or deleted meanwhile: only its registry entry is left
                queue.enqueue_job(job, pipeline=pipeline)
                moved += 1
            registry.remove(job_id, pipeline=pipeline)
        pipeline.execute()
    return moved


def move_deferred(*, stop: threading.Event, interval: float = 1.0) -> None:
    """Until `stop` is set: every `interval` seconds move the deferred tasks that are due onto
    their queues, for each queue whose mover lock this thread holds (one mover per queue among
    all workers; a lock not refreshed expires after MOVER_LOCK_SECONDS and another worker's
    thread takes over). The locks are released when it stops, so another worker takes over at
    once."""
    ours = queues()
    connection = worker_kwargs()["connection"]
    me = uuid4().hex
    held: set[str] = set()
    try:
        while not stop.is_set():
            try:
                for queue in ours:
                    key = mover_lock_key(queue)
                    outcome = acquire_or_refresh_lock(connection, key, me, MOVER_LOCK_SECONDS)
                    if outcome == "taken":
                        held.discard(key)
                        continue
                    held.add(key)
                    move_due(queue)
            except redis.RedisError:  # Redis away for a moment: the next round retries
                logger.exception("moving deferred tasks failed")
            stop.wait(interval)
    finally:
        for key in held:
            try:
                release_lock(connection, key, me)
            except redis.RedisError:  # the lock expires by itself
                logger.warning("could not release %s; it expires within a minute", key)
