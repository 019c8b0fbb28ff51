"""Tasks every part of the site may use."""

from django_tasks import task


@task()
def ping_task() -> str:
    """Does nothing: a finished ping proves a worker is taking tasks (used by benchmarks)."""
    return "pong"
