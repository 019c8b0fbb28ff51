"""Tag alerts: the fan-out of each article and its outbox, one row per (reader, article),
written set-based when an article goes live.

The tables were created by the delivery app and keep their names (delivery_articlealert,
delivery_delivery): the models moved here without touching the data (migrations/0001)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from depesche.audience.models import PushSubscription, Subscriber, TagFollow
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
    # An Eilmeldung when its fan-out began: it also goes to every reader who asked for the
    # Eilmeldungen by email (read once, so a later change of the box sends nothing twice).
    breaking = models.BooleanField(default=False)
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
    # Names of the article's tags and authors the reader follows, named in the mail ("Energie,
    # Anna Muster").
    matched_tags = models.TextField()
    # Their keys, comma-separated: tag slugs and "autor:<slug>" (audience.links.author_key); the
    # mail's one-click unsubscribe ends exactly these follows.
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


class Urgency(models.TextChoices):
    """RFC 8030's Urgency header: how soon a push service should wake the device."""

    NORMAL = "normal", _("normal")
    HIGH = "high", _("hoch (Eilmeldung)")


class ArticlePush(models.Model):
    """The Web Push fan-out of one article, like ArticleAlert for email: exists once its first
    publication was handled, so a republication, a second task run or a racing worker never
    notifies a browser twice (an Eilmeldung included)."""

    article = models.OneToOneField(
        ArticlePage, on_delete=models.CASCADE, related_name="push", primary_key=True
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    started_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)
    # Slices of subscription ids, as ArticleAlert's of subscriber ids.
    covered_to = models.BigIntegerField(default=0)
    first_id = models.BigIntegerField(default=0)
    last_id = models.BigIntegerField(default=0)
    progressed_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"push {self.article_id}: {self.recipients}"


class PushDelivery(OutboxRow):
    """One notification of one article for one browser. A browser whose push service says it
    is gone (404/410) is deleted; its rows stay, without it, as the record of what happened."""

    subscription = models.ForeignKey(
        PushSubscription, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")
    # The followed topic it is sent for ("thema:energie", "eilmeldungen"): the payload's topic.
    topic = models.CharField(max_length=200)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)

    class Meta:
        verbose_name = _("Browser-Benachrichtigung")
        verbose_name_plural = _("Browser-Benachrichtigungen")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "article"], name="one_push_per_article")
        ]
        indexes = [
            # Workers claim "due pending notifications", oldest first.
            models.Index(fields=["status", "next_attempt_at", "id"]),
            models.Index(fields=["article", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} ← {self.article_id} ({self.status})"
