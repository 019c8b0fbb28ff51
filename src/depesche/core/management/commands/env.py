"""`depesche env`: every environment variable Depesche reads, its value and where it comes from."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from depesche.config.env_report import report


class Command(BaseCommand):
    help = (
        "Print every variable Depesche reads (config/env.py) with the value in effect (secrets "
        "and passwords in URLs masked) and its source: environment, secret file or default."
    )
    # Must work when nothing else does (a wrong database URL, say): no database, no checks.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def handle(self, *args: Any, **options: Any) -> None:
        rows = report()
        width = max(len(row.name) for row in rows)
        for row in rows:
            value = row.value if row.value else "(empty)"
            self.stdout.write(f"{row.name:<{width}}  {value}  [{row.source}]")
