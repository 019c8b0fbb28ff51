"""Tag alerts: the fan-out of each article and its outbox, one row per (reader, article),
written set-based when an article goes live.

The tables were created by the delivery app and keep their names (delivery_articlealert,
delivery_delivery): the models moved here without touching the data (migrations/0001)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from depesche.audience.models import Subscriber, TagFollow
from depesche.delivery.models import OutboxRow
from depesche.newsroom.models import ArticlePage


class ArticleAlert(models.Model):
    """The fan-out of one article: exists once its first publication was handled, so a
    republication ("Aktualisiert") never alerts again."""

    article = models.OneToOneField(
        ArticlePage, on_delete=models.CASCADE, related_name="alert", primary_key=True
    )
    started_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)
    # The fan-out runs in slices of subscriber ids, each committed at once, so workers start
    # sending within a second even for a million followers. `covered_to` is the last id done;
    # a fan-out whose worker died is resumed from there (see services.fanouts_resume).
    covered_to = models.BigIntegerField(default=0)
    first_id = models.BigIntegerField(default=0)  # covered_to when the fan-out began
    last_id = models.BigIntegerField(default=0)
    progressed_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "delivery_articlealert"

    def __str__(self) -> str:
        return f"alert {self.article_id}: {self.recipients}"


class Delivery(OutboxRow):
    """One tag alert for one reader: sent at once ("sofort") by the workers, or collected into
    the reader's daily or weekly bundle (alerts/bundles.py)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")
    # The most frequent of the reader's matching follows: sofort beats täglich beats wöchentlich.
    kind = models.CharField(max_length=20, choices=TagFollow.Frequency.choices)
    # Names of the article's tags the reader follows, named in the mail ("Energie, Klima").
    matched_tags = models.TextField()
    # Their slugs, comma-separated: the mail's one-click unsubscribe ends exactly these follows.
    matched_slugs = models.TextField(default="")

    class Meta:
        db_table = "delivery_delivery"
        verbose_name = _("Zustellung")
        verbose_name_plural = _("Zustellungen")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "article"], name="one_delivery_per_article"
            )
        ]
        indexes = [
            # Workers claim "due pending deliveries of a kind", oldest first.
            models.Index(fields=["status", "kind", "next_attempt_at", "id"]),
            models.Index(fields=["article", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} ← {self.article_id} ({self.status})"
