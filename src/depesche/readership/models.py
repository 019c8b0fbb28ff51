"""Counts of reads (per Berlin day and per UTC hour) and the precomputed "Meistgelesen" lists.

No row here identifies a reader: no IP address, no cookie, no user agent, nothing but an
article, a time bucket and a number (see README, "View counter")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from depesche.newsroom.models import ArticlePage


class ArticleViews(models.Model):
    """Reads of one article on one Berlin calendar day (the Wochenrückblick ranks with these).
    Kept as long as the article exists."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Artikelaufrufe")
        verbose_name_plural = _("Artikelaufrufe")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="readership_views_article_day")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.count}"


class ArticleViewsHourly(models.Model):
    """Reads of one article in one hour (`hour`: its start, aware, UTC). Only the last
    settings.MOSTREAD_KEEP_DAYS days are kept: "Meistgelesen" needs 24 hours, at most 7 days."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Artikelaufrufe pro Stunde")
        verbose_name_plural = _("Artikelaufrufe pro Stunde")
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="readership_hourly_article")
        ]
        # The aggregation and the purge both read a range of hours.
        indexes = [models.Index(fields=["hour"], name="readership_hourly_hour")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.hour:%Y-%m-%d %H}h: {self.count}"


class MostRead(models.Model):
    """One place of one "Meistgelesen" list, as the periodic aggregation left it. Readers only
    read these rows (never the raw counts); the gate is checked again when they are read.

    `scope` is "" for the site-wide list (home) or a section's page id as text."""

    class Window(models.TextChoices):
        DAY = "24h", _("24 Stunden")
        WEEK = "7d", _("7 Tage")

    SITE = ""

    scope = models.CharField(max_length=20, blank=True)
    rank = models.PositiveSmallIntegerField()
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField()
    window = models.CharField(max_length=3, choices=Window.choices)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Meistgelesen")
        verbose_name_plural = _("Meistgelesen")
        ordering = ["scope", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "rank"], name="readership_mostread_rank"),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1), name="readership_mostread_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope or '*'} #{self.rank}: {self.article_id} ({self.views})"
