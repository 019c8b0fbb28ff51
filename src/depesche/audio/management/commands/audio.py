"""`depesche audio status|retry`: article audio per status; queue failed or missing audio again."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from depesche.audio import selectors
from depesche.audio.scheduling import article_audio_retry, article_audio_retry_all


class Command(BaseCommand):
    help = "Article audio: show counts per status, or queue failed and missing audio again."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        status = commands.add_parser("status", help="audio per status, and the last errors")
        status.add_argument("--json", action="store_true", help="print one JSON object")
        retry = commands.add_parser(
            "retry", help="queue failed audio and live articles without audio for the worker"
        )
        which = retry.add_mutually_exclusive_group()
        which.add_argument("--article", type=int, help="only this article (also when ready)")
        which.add_argument(
            "--all",
            action="store_true",
            help="every public article, also when its audio is ready (e.g. after changing "
            "the voice; upgrades never do this by themselves)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "retry" and options["all"]:
            total = article_audio_retry_all(
                on_progress=lambda done, total: self.stderr.write(f"{done}/{total} queued")
            )
            self.stdout.write(f"queued {total} article(s) for synthesis")
            return
        if options["action"] == "retry":
            ids = article_audio_retry(article_id=options["article"])
            self.stdout.write(f"queued {len(ids)} article(s) for synthesis")
            return
        counts = selectors.article_audio_counts()
        errors = selectors.article_audio_errors(limit=10)
        if options["json"]:
            self.stdout.write(json.dumps({"counts": counts, "errors": errors}))
            return
        for status, count in counts.items():
            self.stdout.write(f"{status}: {count}")
        for row in errors:
            self.stdout.write(f"article {row['article_id']}: {row['error']}")
