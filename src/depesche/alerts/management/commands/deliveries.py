"""`depesche deliveries status|retry`: the outbox for operators."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from depesche.alerts.selectors import articles_with_deliveries, delivery_counts
from depesche.alerts.services import deliveries_retry_failed


class Command(BaseCommand):
    help = "Show the alert outbox (status) or put failed deliveries back in the queue (retry)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "retry"])
        parser.add_argument("--article", type=int, help="Only this article (page id).")
        parser.add_argument("--json", action="store_true", help="status as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        article_id = options["article"]
        if options["action"] == "retry":
            count = deliveries_retry_failed(article_id=article_id)
            self.stdout.write(f"{count} failed deliveries queued again")
            return
        counts = delivery_counts(article_id=article_id)
        articles = articles_with_deliveries()
        if options["json"]:
            self.stdout.write(json.dumps({"counts": counts, "articles": articles}, default=str))
            return
        self.stdout.write("  ".join(f"{status}: {n}" for status, n in counts.items()))
        for row in articles:
            self.stdout.write(
                f"#{row['article_id']} {row['article__title'][:60]} — {row['recipients']} "
                f"recipients, {row['sent']} sent, {row['pending']} pending, "
                f"{row['failed']} failed, {row['bounced']} bounced"
            )
