"""A published podcast episode, built without the audio pipeline."""

from __future__ import annotations

from depesche.podcast.models import Episode
from depesche.podcast.services import episode_publish

VTT = """WEBVTT

00:00:00.000 --> 00:00:03.200
Willkommen zum Wochenrückblick.

00:00:03.200 --> 00:00:07.900
Erstes Thema: Die Tarifrunde ist beendet.
"""
CHAPTERS = {
    "version": "1.2.0",
    "chapters": [{"startTime": 0, "title": "Begrüßung"}, {"startTime": 3.2, "title": "Tarif"}],
}
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40


def publish_episode(title: str = "Wochenrückblick 47/2026", **kwargs) -> Episode:
    """A published episode with an MP3, chapters and a transcript (no audio pipeline)."""
    return episode_publish(
        title=title,
        description="Tarifrunde, Zinsen und ein neuer Netzplan.",
        mp3=MP3,
        duration_s=7.9,
        chapters=CHAPTERS,
        transcript_vtt=VTT,
        **kwargs,
    )
