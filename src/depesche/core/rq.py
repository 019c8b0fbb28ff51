"""The broker-backed task backend (TASKS_URL=redis://…): django-tasks-rq plus what RQ lacks.

- Priorities: RQ runs each queue first in, first out and ignores a task's priority (except
  "at the front" for the maximum). Tasks below the default priority (article audio, −20) are
  put on the queue "low"; workers listen to "default" before "low", so a confirmation mail or
  an alert fan-out never waits behind speech synthesis that is still queued.
- Workers: `Worker` runs tasks in the worker process itself (RQ's SimpleWorker) instead of
  forking per task: `depesche worker` also runs threads (sending, scheduled publishing), and
  forking a threaded process can deadlock the child; it also saves a fork per task. Database
  connections are checked before and after each task, as Django does around a request.
- Tests: `BurstRQBackend` pushes every task through Redis and then runs the queue dry in the
  calling thread with a real worker, so a test sees the task's effects at once, inside its own
  database transaction.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any, TypeVar

import django_rq
from django.conf import settings
from django.db import close_old_connections
from django_rq.queues import DjangoRQ
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task, TaskResult
from django_tasks_rq import Job
from django_tasks_rq import RQBackend as BaseRQBackend
from rq import SimpleWorker
from rq.queue import Queue
from rq.timeouts import TimerDeathPenalty
from typing_extensions import ParamSpec

from depesche.config.tasks import RQ_QUEUE_NAMES

T = TypeVar("T")
P = ParamSpec("P")

LOW_QUEUE = "low"


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
        if task.priority < DEFAULT_TASK_PRIORITY and task.queue_name == "default":
            task = task.using(queue_name=LOW_QUEUE)
        return super().enqueue(task, args, kwargs)


class NamespacedQueue(DjangoRQ):
    """A queue whose Redis keys carry settings.RQ_NAMESPACE ("rq:queue:gw0:default"), chosen by
    RQ_QUEUES' QUEUE_CLASS: parallel test processes (pytest-xdist, each with its own test
    database) share one Redis database without taking each other's jobs."""

    redis_queue_namespace_prefix = (
        f"{Queue.redis_queue_namespace_prefix}{getattr(settings, 'RQ_NAMESPACE', '')}:"
    )


def queues() -> list[Queue]:
    """Our queues in the order workers take from them: "default" first, then "low"."""
    return [django_rq.get_queue(name, job_class=Job) for name in RQ_QUEUE_NAMES]


def _worker_kwargs() -> dict[str, Any]:
    ours = queues()
    return {
        "queues": ours,
        "connection": django_rq.get_connection(RQ_QUEUE_NAMES[0]),
        "job_class": Job,
        # The class whose key prefix the worker expects when it pops a job (NamespacedQueue).
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
    return Worker(**_worker_kwargs(), name=name or f"{socket.gethostname()}.{os.getpid()}")


class _InlineWorker(SimpleWorker):
    """A worker for one thread of a test: no signal handlers (only the main thread may install
    them) and timeouts by timer instead of SIGALRM, so it runs in any thread."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass

    # Commands over pub/sub (stop a job, shut down) are for long-running workers. RQ listens in
    # a thread and, at the end of each burst, waits up to a second for that thread to stop: a
    # quarter second per enqueue, and threads left blocked in Redis for a minute.
    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass

    @property
    def should_run_maintenance_tasks(self) -> bool:
        # Cleaning registries of dead workers is the long-running workers' job (and would
        # double the time of every enqueue here).
        return False


_draining = threading.local()


class BurstRQBackend(RQBackend):
    """For the test suite with TASKS_URL: enqueue through Redis, then run the queues dry here.

    A task enqueued by a running task is pushed to Redis and run by the same drain right after
    the current one (ImmediateBackend would run it nested, before `enqueue` returns).
    """

    def enqueue(
        self,
        task: Task[P, T],
        args: P.args,  # type: ignore[valid-type]
        kwargs: P.kwargs,  # type: ignore[valid-type]
    ) -> TaskResult[T]:
        result = super().enqueue(task, args, kwargs)
        if getattr(_draining, "active", False) or task.run_after is not None:
            return result
        _draining.active = True
        try:
            # One worker per thread, reused: a new one costs a Redis connection and a few
            # round trips, and the suite enqueues thousands of tasks (every page save indexes).
            if not hasattr(_draining, "worker"):
                _draining.worker = _InlineWorker(**_worker_kwargs())
            _draining.worker.work(burst=True, logging_level="WARNING")
        finally:
            _draining.active = False
        # As ImmediateBackend: the result the caller gets is already final.
        return self.get_result(result.id)
