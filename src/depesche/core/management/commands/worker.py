"""`depesche worker`: runs background tasks and publishes scheduled pages.

Wagtail only publishes a scheduled article when `publish_scheduled` runs, so the worker runs it
every --schedule-interval seconds beside the task loop.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _publish_scheduled_loop(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            call_command("publish_scheduled", verbosity=0)
        except Exception:  # keep the loop alive; the next round may succeed
            logger.exception("publish_scheduled failed")
        finally:
            close_old_connections()
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run background tasks and publish scheduled articles until stopped."

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
            help="Publish what is due and run all queued tasks, then exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"]:
            call_command("publish_scheduled", verbosity=0)
            call_command("db_worker", batch=True, no_startup_delay=True, reload=False)
            return
        stop = threading.Event()
        scheduler = threading.Thread(
            target=_publish_scheduled_loop,
            args=(stop, options["schedule_interval"]),
            name="publish-scheduled",
            daemon=True,
        )
        scheduler.start()
        self.stdout.write("Worker running (tasks and scheduled publishing). Ctrl-C stops it.")
        try:
            call_command("db_worker", reload=False, queue_name="*")
        finally:
            stop.set()
