"""`depesche generate-secret`: a fresh value for SECRET_KEY or DEPESCHE_HASH_SALT."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from depesche.config.secret_files import new_secret


class Command(BaseCommand):
    help = (
        "Print a fresh random value for SECRET_KEY or DEPESCHE_HASH_SALT (run it once for each; "
        "every machine of a site must then share both)."
    )
    # Must work before anything is configured: no database, no checks.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_secret())
