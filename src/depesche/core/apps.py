from typing import Any

from django.apps import AppConfig
from django.core.checks import Tags, register
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django_tasks.signals import task_finished, task_started

from depesche.core.checks import shared_secrets_check, vapid_pair_check
from depesche.core.logs import log_task_finished, log_task_started


def _create_cache_table(sender: AppConfig, **kwargs: Any) -> None:
    # The embedded cache lives in a database table; creating it with every migrate means no
    # deployment can forget it. Idempotent, and a no-op for Redis or locmem caches.
    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class CoreConfig(AppConfig):
    name = "depesche.core"
    label = "depesche_core"
    verbose_name = "Depesche"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="core.cache_table")
        # Only with --deploy: the demo and everyday commands on one machine may generate them.
        register(shared_secrets_check, Tags.security, deploy=True)
        register(vapid_pair_check, Tags.security)
        # Task runs at DEBUG on "depesche.tasks" (django-tasks' own INFO lines are off).
        task_started.connect(log_task_started, dispatch_uid="core.task_started")
        task_finished.connect(log_task_finished, dispatch_uid="core.task_finished")
