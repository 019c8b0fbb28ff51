"""core/logs.py: masked addresses, bursts summarised, task runs at DEBUG only."""

from __future__ import annotations

import logging
import time

import pytest
from django.core.management import call_command

from depesche.core.logs import AddressMaskingFormatter, RepeatsSummarised
from depesche.core.tasks import ping_task


class Caught(logging.Handler):
    def __init__(self, window: float) -> None:
        super().__init__()
        self.addFilter(RepeatsSummarised(window=window))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def wait_for(self, count: int, timeout: float = 5.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.lines) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.lines


@pytest.fixture
def caught():
    logger = logging.getLogger("depesche.test_logs")
    handler = Caught(window=0.3)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, handler
    logger.removeHandler(handler)


def test_a_burst_of_one_notice_is_written_once_and_then_counted(caught):
    logger, handler = caught
    for article_id in range(45):
        logger.info("article %s: too old to alert", article_id, extra={"summarise": True})
    assert handler.lines == ["article 0: too old to alert"]

    lines = handler.wait_for(2)
    assert lines[1] == "… and 44 more like it in 0 s: article %s: too old to alert"
    # The next burst starts afresh.
    logger.info("article %s: too old to alert", 99, extra={"summarise": True})
    assert handler.lines[2] == "article 99: too old to alert"


def test_a_single_notice_gets_no_summary(caught):
    logger, handler = caught
    logger.info("article %s: too old to alert", 1, extra={"summarise": True})
    time.sleep(0.5)  # longer than the window: proves no summary line follows
    assert handler.lines == ["article 1: too old to alert"]


def test_unmarked_lines_and_other_notices_are_never_held_back(caught):
    logger, handler = caught
    for n in range(3):
        logger.info("delivery %s failed", n)
    logger.info("notice A %s", 1, extra={"summarise": True})
    logger.info("notice B %s", 1, extra={"summarise": True})
    assert handler.lines == [
        "delivery 0 failed",
        "delivery 1 failed",
        "delivery 2 failed",
        "notice A 1",
        "notice B 1",
    ]


def test_addresses_are_masked_in_every_line():
    record = logging.LogRecord(
        "x", logging.WARNING, "", 0, "refused: %s", ("leser@example.org",), None
    )
    assert "leser@example.org" not in AddressMaskingFormatter("%(message)s").format(record)


def test_task_runs_are_logged_at_debug_on_depesche_tasks(caplog):
    caplog.set_level(logging.DEBUG, logger="depesche.tasks")
    ping_task.enqueue()
    runs = [r for r in caplog.records if r.name == "depesche.tasks"]
    assert [r.levelno for r in runs] == [logging.DEBUG, logging.DEBUG]
    assert runs[0].getMessage().startswith("task depesche.core.tasks.ping_task started")
    assert runs[1].getMessage().startswith("task depesche.core.tasks.ping_task successful in ")


# The worker's task loop takes SQLite's write lock with its own BEGIN, as in production, so it
# cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_leaves_django_tasks_logging_to_the_settings(settings, caplog):
    """django-tasks-db's worker raises django-tasks' loggers to INFO (a line per task start and
    finish); `depesche worker` keeps the settings' WARNING."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    caplog.set_level(logging.DEBUG, logger="depesche.tasks")
    ping_task.enqueue()
    call_command("worker", batch=True)

    assert logging.getLogger("django_tasks").level == logging.WARNING
    assert logging.getLogger("django_tasks_db").level == logging.WARNING
    assert not [r for r in caplog.records if r.name.startswith("django_tasks")]
    finished = [r.getMessage() for r in caplog.records if r.name == "depesche.tasks"]
    assert any("ping_task successful" in line for line in finished)
