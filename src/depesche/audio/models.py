"""Article audio ("Artikel anhören"): one MP3 per article, made after publication."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleAudio(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("in Arbeit")
        READY = "ready", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    article = models.OneToOneField(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="audio"
    )
    file = models.FileField(_("MP3"), upload_to="audio/", blank=True)
    duration_s = models.FloatField(_("Dauer (s)"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("Fehler"), blank=True)
    # The article's content_fingerprint the audio was made from: unchanged text, no new audio.
    fingerprint = models.CharField(max_length=64, blank=True)
    engine = models.CharField(_("Sprachsynthese"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Artikel-Audio")
        verbose_name_plural = _("Artikel-Audios")

    def __str__(self) -> str:
        return f"Audio {self.article_id} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)
