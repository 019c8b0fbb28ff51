"""The task backend of the test suite with TASKS_URL (.ci/run, when Redis answers): test code,
named by config/settings/test.py, so it stays out of the shipped package.

- `BurstRQBackend` pushes every task through Redis and then runs the queue dry in the calling
  thread with a real RQ worker, so a test sees the task's effects at once, inside its own
  database transaction.
- `NamespacedQueue` keeps each pytest-xdist process's jobs under its own Redis keys.
"""

from __future__ import annotations

import threading
from typing import TypeVar

from django.conf import settings
from django_rq.queues import DjangoRQ
from django_tasks.base import Task, TaskResult
from rq import SimpleWorker
from rq.queue import Queue
from rq.registry import ScheduledJobRegistry
from rq.timeouts import TimerDeathPenalty
from typing_extensions import ParamSpec

from depesche.core.rq import RQBackend, worker_kwargs

T = TypeVar("T")
P = ParamSpec("P")


class NamespacedQueue(DjangoRQ):
    """A queue whose Redis keys carry settings.RQ_NAMESPACE ("rq:queue:gw0:default"), chosen by
    RQ_QUEUES' QUEUE_CLASS: parallel test processes (pytest-xdist, each with its own test
    database) share one Redis database without taking each other's jobs."""

    redis_queue_namespace_prefix = f"{Queue.redis_queue_namespace_prefix}{settings.RQ_NAMESPACE}:"


# RQ names a queue's registries after the queue's name ("default"), not its key, and builds the
# deferred tasks' registry itself (Queue.schedule_job): without this, deferred tasks of every
# test process would share one registry, and one process's worker would move (or a test's clean-up
# delete) another's. Imported wherever the namespaced queues are, as RQ_QUEUES names this module.
if settings.RQ_NAMESPACE:
    ScheduledJobRegistry.key_template = f"rq:scheduled:{settings.RQ_NAMESPACE}:{{0}}"


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
                _draining.worker = _InlineWorker(**worker_kwargs())
            _draining.worker.work(burst=True, logging_level="WARNING")
        finally:
            _draining.active = False
        # As ImmediateBackend: the result the caller gets is already final.
        return self.get_result(result.id)
