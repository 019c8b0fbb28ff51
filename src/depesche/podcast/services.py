"""Publishing an episode from finished audio."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from depesche.podcast.models import Episode


@transaction.atomic
def episode_publish(
    *,
    title: str,
    description: str,
    mp3: bytes,
    duration_s: float,
    chapters: dict[str, Any],
    transcript_vtt: str,
    voice: str = "",
    source_key: str | None = None,
    published_at: datetime | None = None,
) -> Episode:
    """Publish (or, for the same source_key, replace the audio of) an episode. `voice` is the
    speech engine that read it (audio.engines.VOICE_NAMES), told to listeners."""
    if not mp3:
        raise ValueError("an episode needs audio: the MP3 is empty")
    if duration_s <= 0:
        raise ValueError(f"an episode needs a positive duration, not {duration_s}")
    episode = Episode.objects.filter(source_key=source_key).first() if source_key else None
    if episode is None:
        base = slugify(title)[:60] or "episode"
        slug, n = base, 1
        while Episode.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        episode = Episode(slug=slug, source_key=source_key)
    episode.title = title
    episode.description = description
    episode.published_at = published_at or episode.published_at or timezone.now()
    episode.duration_s = duration_s
    episode.chapters = chapters
    episode.transcript_vtt = transcript_vtt
    episode.voice = voice
    episode.audio_bytes = len(mp3)
    episode.audio.save(f"{episode.slug}.mp3", ContentFile(mp3), save=False)
    episode.save()
    return episode
