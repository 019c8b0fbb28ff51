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
  once saw a worker not exit within 30 s of SIGTERM).

The test suite's backend (every task through Redis, then run in the test's thread) is test code:
tests/support/rq.py.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any, TypeVar

import django_rq
import redis
from django.db import close_old_connections
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task, TaskResult
from django_tasks_rq import Job
from django_tasks_rq import RQBackend as BaseRQBackend
from rq import SimpleWorker
from rq.queue import Queue
from rq.scheduler import RQScheduler
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


def move_deferred(*, stop: threading.Event, interval: int = 1) -> None:
    """Until `stop` is set: every `interval` seconds move the deferred tasks that are due onto
    their queues. RQScheduler's own steps, run in this thread instead of a forked process: take
    or refresh each queue's scheduler lock (one mover per queue among all workers; a lock not
    refreshed expires after a minute and another worker takes over), then enqueue what is due."""
    ours = queues()
    scheduler = RQScheduler(
        [queue.name for queue in ours],
        connection=worker_kwargs()["connection"],
        # Whole seconds: RQ's lock script sets the lock's lifetime to interval + 60 seconds.
        interval=interval,
        logging_level="WARNING",
    )
    try:
        while not stop.is_set():
            try:
                if scheduler.acquire_locks():
                    scheduler.enqueue_scheduled_jobs()
            except redis.RedisError:  # Redis away for a moment: the next round retries
                logger.exception("moving deferred tasks failed")
            stop.wait(interval)
    finally:
        try:
            scheduler.release_locks()
        except redis.RedisError:  # the lock expires by itself
            logger.warning("could not release the scheduler locks; they expire in a minute")
