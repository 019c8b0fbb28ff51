"""Background work of readership: each task calls one service and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from depesche.readership.services import mostread_refresh


@task()
def mostread_refresh_task() -> int:
    """The periodic "Meistgelesen" aggregation (settings.PERIODIC_TASKS); returns the number
    of lists that changed."""
    return len(mostread_refresh())
