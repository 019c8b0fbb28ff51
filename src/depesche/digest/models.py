"""The weekly Wochenrückblick (Digest with its ranked topics) and its outbox (DigestMail). The
view counter it ranks with lives in readership."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from depesche.audience.models import Subscriber
from depesche.delivery.models import OutboxRow
from depesche.newsroom.models import ArticlePage


class Digest(ClusterableModel):
    """One week's Wochenrückblick: built as a draft, reviewed and approved by editors."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        APPROVED = "approved", _("Freigegeben")
        SENT = "sent", _("Versendet")

    week = models.CharField(
        _("Woche"), max_length=8, unique=True, help_text=_("ISO-Kalenderwoche, z. B. 2026-W47")
    )
    period_start = models.DateTimeField(_("Zeitraum von"))
    period_end = models.DateTimeField(_("Zeitraum bis"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("Erstellt"), auto_now_add=True)
    approved_at = models.DateTimeField(_("Freigegeben am"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Freigegeben von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    auto_approved = models.BooleanField(_("Automatisch freigegeben"), default=False)
    build_log = models.TextField(_("Protokoll"), blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("week", read_only=True),
                FieldPanel("status", read_only=True),
                FieldPanel("period_start", read_only=True),
                FieldPanel("period_end", read_only=True),
                FieldPanel("approved_at", read_only=True),
            ],
            heading=_("Woche"),
        ),
        InlinePanel("topics", heading=_("Themen"), label=_("Thema")),
        FieldPanel("build_log", read_only=True),
    ]

    class Meta:
        verbose_name = _("Wochenrückblick")
        verbose_name_plural = _("Wochenrückblicke")
        ordering = ["-period_end"]
        permissions = [("approve_digest", _("Wochenrückblick freigeben"))]

    def __str__(self) -> str:
        return str(_("Wochenrückblick %(week)s") % {"week": self.week})

    @property
    def is_locked(self) -> bool:
        """Approved or sent: the topics are final."""
        return self.status != self.Status.DRAFT


class DigestTopic(Orderable, ClusterableModel):
    """One topic of a digest: a headline, a short summary and the articles it stands for.

    Clusterable itself so that its articles (a parental many-to-many) are saved together with
    the digest's inline forms in the admin."""

    digest = ParentalKey(Digest, on_delete=models.CASCADE, related_name="topics")
    headline = models.CharField(_("Überschrift"), max_length=255)
    summary = models.TextField(_("Zusammenfassung"))
    articles = ParentalManyToManyField(
        ArticlePage, verbose_name=_("Artikel"), blank=True, related_name="+"
    )
    score = models.FloatField(_("Gewicht"), default=0.0, editable=False)

    panels = [FieldPanel("headline"), FieldPanel("summary"), FieldPanel("articles")]

    class Meta(Orderable.Meta):
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")

    def __str__(self) -> str:
        return self.headline


class DigestMail(OutboxRow):
    """The Wochenrückblick's outbox: one row per (reader, digest), sent by the delivery engine's
    workers with the same claims, retries and suppression as tag alerts (registered as a kind
    of mail in DigestConfig.ready()).

    The table was created by the delivery app and keeps its name: the model moved here without
    touching the data (migrations/0002)."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="mails")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="digest_mails"
    )

    class Meta:
        db_table = "delivery_digestmail"
        verbose_name = _("Wochenrückblick-Zustellung")
        verbose_name_plural = _("Wochenrückblick-Zustellungen")
        constraints = [
            models.UniqueConstraint(fields=["digest", "subscriber"], name="one_mail_per_digest")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at", "id"])]

    def __str__(self) -> str:
        return f"{self.subscriber_id} ← digest {self.digest_id} ({self.status})"
