"""`depesche generate-vapid`: a fresh VAPID key pair for Web Push, as environment lines."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from depesche.config import vapid


class Command(BaseCommand):
    help = (
        "Print a fresh VAPID key pair for Web Push as DEPESCHE_VAPID_PUBLIC_KEY=… and "
        "DEPESCHE_VAPID_PRIVATE_KEY=… lines (every machine of a site must share the pair; "
        "changing it ends every browser's subscription)."
    )
    # Must work before anything is configured: no database, no checks.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def handle(self, *args: Any, **options: Any) -> None:
        private = vapid.new_private_key()
        self.stdout.write(f"DEPESCHE_VAPID_PUBLIC_KEY={vapid.public_key(private)}")
        self.stdout.write(f"DEPESCHE_VAPID_PRIVATE_KEY={private}")
