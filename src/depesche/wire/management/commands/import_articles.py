"""`depesche import-articles [--republish] FILE…`: thin wrapper over wire.importing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from depesche.wire.importing import ImportReport, Outcome, import_files


def print_report(command: BaseCommand, report: ImportReport) -> None:
    for error in report.errors:
        command.stderr.write(error)
    # Skips are the newsroom's decision, not failures: reported on stdout, exit status 0.
    for skipped in report.skipped:
        command.stdout.write(skipped)
    counts = report.counts
    command.stdout.write(
        f"{counts[Outcome.CREATED]} created, {counts[Outcome.UPDATED]} updated, "
        f"{counts[Outcome.UNCHANGED]} unchanged, {counts[Outcome.SKIPPED]} skipped, "
        f"{counts[Outcome.FAILED]} failed"
    )


class Command(BaseCommand):
    help = "Import articles from IPTC ninjs JSON files (one object or a list per file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--republish",
            action="store_true",
            help="Publish articles again that the newsroom unpublished (skipped otherwise).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = import_files(
            options["files"], on_progress=self._progress, republish=options["republish"]
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
