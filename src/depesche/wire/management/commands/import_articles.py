"""`depesche import-articles [--section S] [--feed F] [--republish] FILE|DIR…`: thin wrapper over
wire.importing (ninjs 1.x–3.x and dpa-digitalwires, detected per record)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from depesche.wire.importing import ImportReport, Outcome, import_files
from depesche.wire.models import Feed
from depesche.wire.sections import section_named


def print_report(command: BaseCommand, report: ImportReport) -> None:
    for error in report.errors:
        command.stderr.write(error)
    # Skips are the newsroom's decision or not articles, not failures: stdout, exit status 0.
    for skipped in report.skipped:
        command.stdout.write(skipped)
    counts = report.counts
    summary = (
        f"{counts[Outcome.CREATED]} created, {counts[Outcome.UPDATED]} updated, "
        f"{counts[Outcome.UNCHANGED]} unchanged, {counts[Outcome.SKIPPED]} skipped, "
        f"{counts[Outcome.FAILED]} failed"
    )
    # The wire desk's outcomes only when they happened: scripts read the first five.
    for outcome, label in ((Outcome.DRAFTED, "held as drafts"), (Outcome.WITHDRAWN, "withdrawn")):
        if counts[outcome]:
            summary += f", {counts[outcome]} {label}"
    command.stdout.write(summary)


class Command(BaseCommand):
    help = (
        "Import agency articles from JSON files or directories: IPTC ninjs 1.x–3.x and "
        "dpa-digitalwires (one record or a list per file), published at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE|DIR")
        parser.add_argument(
            "--section",
            help="Put every article in this section (title or slug), overriding the rules.",
        )
        parser.add_argument(
            "--feed",
            help="Import as this agency feed (its Kennung): its rules and default section apply.",
        )
        parser.add_argument(
            "--republish",
            action="store_true",
            help="Publish articles again that the newsroom unpublished (skipped otherwise).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        section = None
        if options["section"]:
            section = section_named(options["section"])
            if section is None:
                raise CommandError(f"unknown section {options['section']!r}")
        feed = None
        if options["feed"]:
            feed = Feed.objects.filter(slug=options["feed"]).first()
            if feed is None:
                raise CommandError(f"unknown feed {options['feed']!r}")
        report = import_files(
            options["files"],
            on_progress=self._progress,
            republish=options["republish"],
            section=section,
            feed=feed,
        )
        print_report(self, report)
        if report.failed:
            raise CommandError(f"{report.failed} record(s) could not be imported")

    def _progress(self, done: int, total: int) -> None:
        # A line per 100 records keeps logs readable; a terminal gets a live counter.
        if self.stdout.isatty():
            self.stdout.write(f"\r{done}/{total}", ending="" if done < total else "\n")
            self.stdout.flush()
        elif done % 100 == 0 or done == total:
            self.stdout.write(f"{done}/{total} records")
