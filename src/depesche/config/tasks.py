"""TASKS (and django-rq's RQ_QUEUES) for TASKS_URL: empty → the database backend, redis:// → RQ."""

from __future__ import annotations

from typing import Any

# RQ has no priorities inside a queue: tasks below the default priority (article audio) go to
# "low", which every worker only takes from while "default" is empty (queue order, see
# depesche.core.rq).
# The names live here, with the settings built from them; depesche.core.rq imports them (core
# may import config, never the other way round).
DEFAULT_QUEUE = "default"
LOW_QUEUE = "low"
RQ_QUEUE_NAMES = [DEFAULT_QUEUE, LOW_QUEUE]
# Seconds a task may run before RQ stops it (RQ's own default of 180 s is too short for a long
# article read aloud or a Wochenrückblick episode).
RQ_JOB_TIMEOUT = 3600


def tasks_settings(url: str) -> dict[str, Any]:
    """Django's TASKS for TASKS_URL."""
    if not url:
        return {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [DEFAULT_QUEUE]}
        }
    _check(url)
    return {"default": {"BACKEND": "depesche.core.rq.RQBackend", "QUEUES": RQ_QUEUE_NAMES}}


def rq_queues(url: str) -> dict[str, dict[str, Any]]:
    """django-rq's RQ_QUEUES for TASKS_URL (empty without one)."""
    if not url:
        return {}
    _check(url)
    return {name: {"URL": url, "DEFAULT_TIMEOUT": RQ_JOB_TIMEOUT} for name in RQ_QUEUE_NAMES}


def tasks_apps(url: str) -> list[str]:
    """Apps the task backend of TASKS_URL needs beyond django_tasks_db (always installed: its
    table stays migrated, so switching back to the database backend needs no migration)."""
    return ["django_rq"] if url else []


def _check(url: str) -> None:
    if url.split("://", 1)[0] not in {"redis", "rediss"}:
        raise ValueError(
            f"TASKS_URL must be empty (database backend) or redis://host:6379/0, got {url!r}"
        )
