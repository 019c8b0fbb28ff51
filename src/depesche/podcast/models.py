"""Podcast episodes (the Wochenrückblick as audio) with chapters and transcript."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _guid() -> str:
    return f"depesche-episode-{uuid.uuid4()}"


class Episode(models.Model):
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"))
    published_at = models.DateTimeField(_("veröffentlicht"), default=timezone.now)
    audio = models.FileField(_("Audiodatei (MP3)"), upload_to="podcast/")
    # The exact byte length for the feed's enclosure; podcast apps check it.
    audio_bytes = models.PositiveBigIntegerField(_("Bytes"))
    duration_s = models.FloatField(_("Dauer (s)"))
    # Podcasting 2.0 JSON chapters: {"version": "1.2.0", "chapters": [{"startTime", "title"}]}
    chapters = models.JSONField(_("Kapitel"), default=dict)
    transcript_vtt = models.TextField(_("Transkript (WebVTT)"))
    # The speech engine that read it ("pico", "espeak-ng", "piper"; "" for uploaded audio).
    voice = models.CharField(_("Stimme"), max_length=40, blank=True)
    # Never changes once published: podcast apps identify the episode by it.
    guid = models.CharField(max_length=100, unique=True, default=_guid, editable=False)
    # What the episode was made from (e.g. "digest:2026-W47"): publishing it again replaces
    # the audio of the same episode instead of adding a second one.
    source_key = models.CharField(max_length=100, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("Episode")
        verbose_name_plural = _("Episoden")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def duration_text(self) -> str:
        """ "h:mm:ss" or "m:ss", as podcast apps show it."""
        seconds = round(self.duration_s)
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
