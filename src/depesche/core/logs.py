"""The operator's log: one line per meaningful event, with mail addresses masked.

- AddressMaskingFormatter: every line written, tracebacks included, with mail addresses masked.
  Delivery masks the errors it logs itself (core/text.mask_addresses); this catches the rest,
  e.g. a confirmation mail refused inside a task, whose traceback quotes smtplib's error.
- RepeatsSummarised: a notice that comes in bursts (45 imported archive articles, each "too old
  to alert") is written once, then summarised: "… and 44 more like it in 60 s". Code opts in
  per call: `logger.info(…, extra={"summarise": True})`.
- Task runs: django-tasks logs every start and finish at INFO (about 900 lines on the demo's
  first start); the settings keep its loggers at WARNING (failures still show) and
  log_task_run writes the runs at DEBUG on "depesche.tasks" instead.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from depesche.core.text import mask_addresses

SUMMARISE = "summarise"
_SUMMARY = "_depesche_summary"
tasks_logger = logging.getLogger("depesche.tasks")


class AddressMaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_addresses(super().format(record))


class RepeatsSummarised(logging.Filter):
    """A handler filter: the first record of a kind marked `summarise` passes; its repeats in the
    next `window` seconds are counted, and when the window ends one line says how many there
    were. A kind is the logger and the message's format string ("article %s published %s:
    too old to alert"), whatever the arguments."""

    def __init__(self, window: float = 60.0) -> None:
        super().__init__()
        self.window = float(window)
        self._lock = threading.Lock()
        self._open: dict[tuple[str, str], list[Any]] = {}  # kind -> [repeats, first record]

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _SUMMARY, False) or not getattr(record, SUMMARISE, False):
            return True
        kind = (record.name, str(record.msg))
        with self._lock:
            if kind in self._open:
                self._open[kind][0] += 1
                return False
            self._open[kind] = [0, record]
        timer = threading.Timer(self.window, self._close, args=(kind,))
        timer.daemon = True  # a summary never keeps a process alive
        timer.start()
        return True

    def _close(self, kind: tuple[str, str]) -> None:
        with self._lock:
            repeats, first = self._open.pop(kind)
        if repeats:
            logging.getLogger(first.name).log(
                first.levelno,
                "… and %d more like it in %.0f s: %s",
                repeats,
                self.window,
                first.msg,
                extra={_SUMMARY: True},
            )


def log_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' task_started signal: the run's start at DEBUG."""
    tasks_logger.debug("task %s started (%s)", task_result.task.module_path, task_result.id)


def log_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' task_finished signal: the run's end at DEBUG (a failure is logged by
    django-tasks itself, with its traceback, at ERROR)."""
    started, finished = task_result.started_at, task_result.finished_at
    took = f" in {(finished - started).total_seconds():.2f} s" if started and finished else ""
    tasks_logger.debug(
        "task %s %s%s (%s)",
        task_result.task.module_path,
        str(task_result.status).lower(),
        took,
        task_result.id,
    )
