"""The podcast episode page: its <audio> element loads the episode's MP3."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from tests.browser.conftest import dialog_already_seen, shoot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECONDS = 3


def sine_mp3(path) -> bytes:
    """A real MP3: SECONDS of a 440 Hz tone, mono, 64 kbit/s like the episodes."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is needed to make the test MP3 (Debian package ffmpeg)"
    subprocess.run(
        [
            ffmpeg,
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={SECONDS}",
            "-ac",
            "1",
            "-b:a",
            "64k",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


def test_episode_page_plays_its_mp3(page, settings, tmp_path):
    from depesche.podcast.models import Episode

    # Media on disk under the live server's MEDIA_ROOT (tests/browser/urls.py serves it).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    dialog_already_seen(page)
    audio = sine_mp3(tmp_path / "ton.mp3")
    episode = Episode(
        slug="wochenrueckblick-2026-w47",
        title="Wochenrückblick 14. bis 21. November 2026",
        description="Die wichtigsten Themen der Woche zum Hören.",
        audio_bytes=len(audio),
        duration_s=SECONDS,
        chapters={"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Begrüßung"}]},
        transcript_vtt="WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nGuten Morgen.\n",
    )
    episode.audio.save("wochenrueckblick-2026-w47.mp3", ContentFile(audio), save=False)
    episode.save()

    page.goto("/podcast/")
    page.get_by_role("link", name=episode.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(episode.title)
    player = page.locator("article audio")
    expect(player).to_have_attribute("src", episode.audio.url)
    page.wait_for_function(
        "() => document.querySelector('article audio').readyState >= 1", timeout=10_000
    )
    state = player.evaluate(
        "a => ({ready: a.readyState, duration: a.duration, error: a.error && a.error.code})"
    )
    assert state["error"] is None
    assert abs(state["duration"] - SECONDS) < 0.3, state
    expect(page.get_by_text("Guten Morgen.")).to_be_visible()
    shoot(page, "podcast-episode")
