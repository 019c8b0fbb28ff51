"""`depesche worker`: runs background tasks, scheduled publishing, periodic tasks and the
loops of settings.WORKER_LOOPS (sending tag alerts).

Tasks come from the configured backend: django-tasks-db's queue table (`db_worker`) or, with
TASKS_URL=redis://…, RQ (depesche.core.rq: queues "default", then "low"). Either way any number
of workers may run on several machines; each task is taken by one of them.

Wagtail only publishes a scheduled article when `publish_scheduled` runs, so the worker runs it
every --schedule-interval seconds beside the task loop; settings.PERIODIC_TASKS (e.g. purging
unconfirmed sign-ups) are enqueued at their own intervals.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger(__name__)


def enqueue_periodic(last_run: dict[str, float], now: float) -> list[str]:
    """Enqueue each periodic task whose interval has passed; returns their paths."""
    due = []
    for path, interval in settings.PERIODIC_TASKS:
        if now - last_run.get(path, float("-inf")) >= interval:
            import_string(path).enqueue()
            last_run[path] = now
            due.append(path)
    return due


class _DbWorker(DbWorkerCommand):
    """django-tasks-db's worker without its logging set-up: it would raise django-tasks' loggers
    to INFO (a line per task start and finish, ~900 on the demo's first start). The settings'
    LOGGING decides instead; runs are logged at DEBUG (core/logs.py)."""

    def configure_logging(self, verbosity: int) -> None:
        pass


def _uses_rq() -> bool:
    from django_tasks_rq import RQBackend

    return isinstance(task_backends["default"], RQBackend)


def run_tasks(*, batch: bool, stop: threading.Event | None = None) -> None:
    """Run queued tasks: all that are queued now (batch), or until stopped (then `stop` ends
    the threads that serve the task loop)."""
    if _uses_rq():
        from depesche.core.rq import move_deferred, worker

        if batch:
            worker().work(burst=True, logging_level="WARNING")
            return
        # Deferred tasks (run_after) reach their queue through this thread, not through RQ's
        # with_scheduler, which forks this threaded process (core/rq.py says why).
        stop = stop or threading.Event()
        mover = threading.Thread(
            target=move_deferred, kwargs={"stop": stop}, name="deferred", daemon=True
        )
        mover.start()
        try:
            worker().work(burst=False, with_scheduler=False, logging_level="WARNING")
        finally:
            # Its scheduler locks released now, another worker moves deferred tasks at once
            # instead of after the locks expire (a minute).
            stop.set()
            mover.join(timeout=5)
    elif batch:
        call_command(_DbWorker(), batch=True, no_startup_delay=True, reload=False)
    else:
        # A quarter second between polls: an alert fan-out starts within ~0.25 s of the
        # publication's commit, at the price of four cheap indexed queries a second.
        call_command(_DbWorker(), reload=False, queue_name="*", interval=0.25)


def _scheduler_loop(stop: threading.Event, interval: float) -> None:
    last_run: dict[str, float] = {}
    while not stop.is_set():
        try:
            call_command("publish_scheduled", verbosity=0)
            enqueue_periodic(last_run, time.monotonic())
        except Exception:  # keep the loop alive; the next round may succeed
            logger.exception("scheduled work failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def _loop(stop: threading.Event, path: str, interval: float) -> None:
    """Run one of settings.WORKER_LOOPS (e.g. sending alerts) until the worker stops."""
    step = import_string(path)
    while not stop.is_set():
        try:
            busy = step()
        except Exception:  # keep the loop alive; the next round may succeed
            logger.exception("%s failed", path)
            busy = 0
        finally:
            close_old_connections()
        if not busy:
            stop.wait(interval)


class Command(BaseCommand):
    help = "Run background tasks, scheduled publishing and periodic tasks until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=30.0,
            help="Seconds between checks for scheduled publishing (default 30).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Publish what is due, enqueue every periodic task, run all queued tasks, exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"]:
            call_command("publish_scheduled", verbosity=0)
            enqueue_periodic({}, time.monotonic())
            run_tasks(batch=True)
            for path, _ in settings.WORKER_LOOPS:
                import_string(path)()
            return
        stop = threading.Event()
        scheduler = threading.Thread(
            target=_scheduler_loop,
            args=(stop, options["schedule_interval"]),
            name="scheduler",
            daemon=True,
        )
        scheduler.start()
        for path, interval in settings.WORKER_LOOPS:
            threading.Thread(
                target=_loop, args=(stop, path, interval), name=path, daemon=True
            ).start()
        self.stdout.write("Worker running (tasks and scheduled publishing). Ctrl-C stops it.")
        try:
            run_tasks(batch=False, stop=stop)
        finally:
            stop.set()
