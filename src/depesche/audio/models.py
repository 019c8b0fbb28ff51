"""Article audio ("Artikel anhören"): one MP3 per article, made after publication."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
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


class Pronunciation(models.Model):
    """An editor's entry in the pronunciation dictionary ("Aussprache"): how the voice says a
    word it would get wrong. Applied to article audio and the podcast before synthesis."""

    written = models.CharField(
        _("Geschrieben"),
        max_length=100,
        unique=True,
        help_text=_("Das Wort, wie es im Text steht, z. B. „OVKS“ oder „Tokajew“."),
    )
    spoken = models.CharField(
        _("Gesprochen"),
        max_length=200,
        help_text=_(
            "Wie die Stimme es sagen soll, z. B. „O-V-K-S“ (Buchstaben einzeln) oder „Tokajeff“."
        ),
    )
    whole_word = models.BooleanField(
        _("Nur ganzes Wort"),
        default=True,
        help_text=_("Aus: auch innerhalb längerer Wörter ersetzen."),
    )
    case_sensitive = models.BooleanField(_("Groß-/Kleinschreibung beachten"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Aussprache")
        verbose_name_plural = _("Aussprache")
        ordering = ["written"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(written=""), name="audio_pronunciation_written_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(spoken=""), name="audio_pronunciation_spoken_not_empty"
            ),
        ]

    # The written form as read from the database: after an edit renamed the entry, the articles
    # that said the old form still need their audio made again (wagtail_hooks).
    written_loaded: str = ""

    def __str__(self) -> str:
        return f"{self.written} → {self.spoken}"

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> Pronunciation:
        instance = super().from_db(*args, **kwargs)
        instance.written_loaded = instance.__dict__.get("written", "")
        return instance

    def clean(self) -> None:
        # A form strips the values itself (an empty one is "required"); other callers get the
        # same: blank-looking forms would match nothing, or everything between two spaces.
        written, spoken = self.written.strip(), self.spoken.strip()
        errors: dict[str, Any] = {}
        if self.written and not written:
            errors["written"] = _("Bitte das Wort angeben, wie es im Text steht.")
        elif written and not any(char.isalnum() for char in written):
            errors["written"] = _(
                "Nur Satzzeichen: ein Eintrag braucht mindestens einen Buchstaben oder eine Ziffer."
            )
        if self.spoken and not spoken:
            errors["spoken"] = _("Bitte angeben, wie die Stimme das Wort sagen soll.")
        if errors:
            raise ValidationError(errors)
        self.written, self.spoken = written, spoken
