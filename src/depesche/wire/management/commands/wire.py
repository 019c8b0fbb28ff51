"""`depesche wire poll FEED [--process]`: fetch an agency feed's queue once (pull delivery);
`depesche wire rules --defaults`: add the starting Ressort-Zuordnung (never over editors' rules).

Without --process the stored records are queued for the worker, as the periodic poll does;
with it they are imported here, one after the other (useful without a running worker).
Exit status 1 when anything went wrong: the fetch, a rejected entry or an acknowledgement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from depesche.wire.models import Feed, SectionRule
from depesche.wire.polling import poll_feed
from depesche.wire.rules import rules_defaults_create
from depesche.wire.services import receipt_process
from depesche.wire.tasks import receipts_enqueue


class Command(BaseCommand):
    help = (
        "Agency feeds (wire desk): `poll FEED` fetches a feed's queue once; "
        "`rules --defaults` adds the starting Ressort-Zuordnung."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        poll = actions.add_parser("poll", help="Fetch the feed's wireQ queue once.")
        poll.add_argument("feed", metavar="FEED", help="The feed's Kennung (slug).")
        poll.add_argument(
            "--process",
            action="store_true",
            help="Import the stored records here instead of queueing them for the worker.",
        )

        rules = actions.add_parser("rules", help="Show or add the Ressort-Zuordnung.")
        rules.add_argument(
            "--defaults",
            action="store_true",
            help="Add the default rules (dpa desks, IPTC media topics) that are missing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rules":
            self._rules(defaults=options["defaults"])
            return
        self._poll(slug=options["feed"], inline=options["process"])

    def _rules(self, *, defaults: bool) -> None:
        if defaults:
            self.stdout.write(f"{rules_defaults_create()} default rules added")
        for rule in SectionRule.objects.select_related("feed", "section"):
            scope = rule.feed.slug if rule.feed else "*"
            self.stdout.write(
                f"{rule.priority:>4}  {scope:<12} {rule.kind:<10} {rule.value:<20} → {rule.section}"
            )

    def _poll(self, *, slug: str, inline: bool) -> None:
        feed = Feed.objects.filter(slug=slug).first()
        if feed is None:
            raise CommandError(f"no feed {slug!r}")
        if not feed.active:
            raise CommandError(f"feed {slug!r} is not active")
        if not feed.url:
            raise CommandError(f"feed {slug!r} has no URL to poll")
        states: Counter[str] = Counter()

        def process(receipt_ids: Sequence[int]) -> None:
            for receipt_id in receipt_ids:
                states[receipt_process(receipt_id=receipt_id) or "taken by another worker"] += 1

        result = poll_feed(feed=feed, dispatch=process if inline else receipts_enqueue)
        for error in result.errors:
            self.stderr.write(error)
        self.stdout.write(
            f"{result.fetched} records fetched, {result.stored} stored, "
            f"{result.duplicates} duplicates, {result.acknowledged} acknowledged, "
            f"{len(result.errors)} errors"
        )
        if inline:
            self.stdout.write(
                "processed: " + (", ".join(f"{n} {s}" for s, n in sorted(states.items())) or "0")
            )
        elif result.stored:
            self.stdout.write(f"{result.stored} queued for the worker")
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s) polling {slug!r}")
