"""`depesche digest build|publish [--week 2026-W47]`: build the Wochenrückblick draft of a
week; publish an approved one again (podcast and email, e.g. after a failed synthesis)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from depesche.digest.models import Digest
from depesche.digest.publishing import digest_publish
from depesche.digest.services import DigestLocked, WeekNotOver, digest_build
from depesche.digest.weeks import WeekInvalid, parse_week


class Command(BaseCommand):
    help = (
        "Build the Wochenrückblick of a week as a draft (default: the latest 7 days that ended "
        "at DEPESCHE_DIGEST_AT, Saturday 07:00). Rebuilds a draft; refuses approved or sent ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build", "publish"])
        parser.add_argument(
            "--week",
            help="ISO week of the period's end, e.g. 2026-W47 (the 7 days up to its "
            "Saturday 07:00, Berlin time).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "publish":
            self._publish(options["week"])
            return
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

    def _publish(self, week: str | None) -> None:
        """Synthesise the episode again and queue the email for whoever has not got it."""
        if not week:
            raise CommandError("publish needs --week, e.g. --week 2026-W47")
        try:
            parse_week(week)
        except WeekInvalid as exc:
            raise CommandError(str(exc)) from exc
        digest = Digest.objects.filter(week=week).first()
        if digest is None:
            raise CommandError(f"Es gibt keinen Wochenrückblick {week}.")
        try:
            queued = digest_publish(
                digest_id=digest.pk, site_name=settings.SITE_NAME, progress=self.stdout.write
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        digest.refresh_from_db()
        for line in digest.build_log.splitlines()[-2:]:  # the podcast's and the email's outcome
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Wochenrückblick {week}: {queued} E-Mails neu"))
