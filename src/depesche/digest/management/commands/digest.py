"""`depesche digest build [--week 2026-W47]`: build the Wochenrückblick draft of a week."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from depesche.digest.services import DigestLocked, WeekNotOver, digest_build
from depesche.digest.weeks import WeekInvalid


class Command(BaseCommand):
    help = (
        "Build the Wochenrückblick of a week as a draft (default: the latest 7 days that ended "
        "at DEPESCHE_DIGEST_AT, Saturday 07:00). Rebuilds a draft; refuses approved or sent ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build"])
        parser.add_argument(
            "--week",
            help="ISO week of the period's end, e.g. 2026-W47 (the 7 days up to its "
            "Saturday 07:00, Berlin time).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            digest = digest_build(week=options["week"], progress=self.stdout.write)
        except (WeekInvalid, WeekNotOver, DigestLocked) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Wochenrückblick {digest.week}: {digest.topics.count()} Themen, "
                f"Status {digest.get_status_display()}"
            )
        )
