"""The podcast feed as podcast apps read it (feedparser, podcastparser, the XML itself), the
episode page, chapters and transcript."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import feedparser
import podcastparser
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from lxml import etree
from PIL import Image

from depesche.podcast.feed import ARTWORK, ITUNES_NS, PODCAST_NS
from depesche.podcast.models import Episode
from depesche.podcast.services import episode_publish
from tests.support.podcast import CHAPTERS, MP3, publish_episode


@pytest.fixture
def feed_xml(db) -> bytes:
    publish_episode(source_key="digest:2026-W47")
    response = Client().get("/podcast/feed.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return response.content


def test_feedparser_reads_every_field(feed_xml):
    parsed = feedparser.parse(feed_xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    feed = parsed.feed
    assert feed.title == f"{settings.SITE_NAME} – Wochenrückblick"
    assert feed.language == "de"
    assert "Postfach" in feed.subtitle
    assert feed.image.href.endswith(ARTWORK)
    assert not feed.itunes_explicit  # feedparser reads "false" as None (not explicit)
    assert feed.publisher_detail.email == settings.PODCAST_OWNER_EMAIL
    assert [t.term for t in feed.tags] == ["News", "Politics"]
    (entry,) = parsed.entries
    episode = Episode.objects.get()
    assert entry.title == "Wochenrückblick 47/2026"
    assert entry.id == episode.guid and entry.guidislink is False
    assert entry.itunes_duration == "8"
    (enclosure,) = entry.enclosures
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == len(MP3) == episode.audio.size
    assert enclosure.href == settings.BASE_URL + episode.audio.url
    assert entry.link == f"{settings.BASE_URL}/podcast/{episode.slug}/"


def test_podcastparser_accepts_the_feed(feed_xml):
    parsed = podcastparser.parse(settings.BASE_URL + "/podcast/feed.xml", io.BytesIO(feed_xml))
    assert parsed["title"].endswith("Wochenrückblick")
    assert parsed["cover_url"].endswith(".png")
    (episode,) = parsed["episodes"]
    assert episode["total_time"] == 8
    assert episode["enclosures"][0]["file_size"] == len(MP3)
    assert episode["enclosures"][0]["mime_type"] == "audio/mpeg"
    assert episode["guid"] == Episode.objects.get().guid
    assert episode["explicit"] is False


def test_apple_and_podcasting_2_0_tags_are_written_correctly(feed_xml):
    root = etree.fromstring(feed_xml)
    channel = root.find("channel")
    itunes = {"itunes": ITUNES_NS, "podcast": PODCAST_NS}
    assert channel.findtext("itunes:explicit", namespaces=itunes) == "false"
    image = channel.find("itunes:image", itunes).get("href")
    category = channel.find("itunes:category", itunes)
    assert category.get("text") == "News"
    assert category.find("itunes:category", itunes).get("text") == "Politics"
    assert channel.findtext("itunes:owner/itunes:email", namespaces=itunes)
    # The artwork Apple requires: square, at least 1400 px, RGB, PNG or JPEG.
    artwork = Image.open(Path(__file__).resolve().parents[2] / "src/depesche/static" / ARTWORK)
    assert artwork.size[0] == artwork.size[1] >= 1400 and artwork.mode == "RGB"
    assert image.endswith(".png")
    item = channel.find("item")
    assert item.findtext("itunes:explicit", namespaces=itunes) == "false"
    assert item.find("guid").get("isPermaLink") == "false"
    chapters = item.find("podcast:chapters", itunes)
    transcript = item.find("podcast:transcript", itunes)
    assert chapters.get("type") == "application/json+chapters"
    assert (transcript.get("type"), transcript.get("language")) == ("text/vtt", "de")

    client = Client()
    served = client.get(chapters.get("url").removeprefix(settings.BASE_URL))
    assert served["Content-Type"] == "application/json+chapters"
    assert json.loads(served.content) == CHAPTERS
    vtt = client.get(transcript.get("url").removeprefix(settings.BASE_URL))
    assert vtt["Content-Type"].startswith("text/vtt")
    assert vtt.content.decode().startswith("WEBVTT")


def test_the_episode_page_plays_the_mp3_and_shows_chapters_and_transcript(db):
    episode = publish_episode()
    html = Client().get(f"/podcast/{episode.slug}/").content.decode()
    assert f'<audio controls preload="metadata" src="{episode.audio.url}">' in html
    assert "Begrüßung" in html and "Tarif" in html
    assert "0:03</span> Erstes Thema: Die Tarifrunde ist beendet." in html
    assert episode.title in Client().get("/podcast/").content.decode()


def test_future_episodes_stay_hidden_and_unknown_ones_are_404(db):
    later = publish_episode(published_at=timezone.now() + timedelta(days=1))
    assert Client().get(f"/podcast/{later.slug}/").status_code == 404
    assert b"<item>" not in Client().get("/podcast/feed.xml").content
    assert Client().get("/podcast/gibt-es-nicht/").status_code == 404


def test_publishing_the_same_source_again_replaces_the_episode(db):
    first = publish_episode(source_key="digest:2026-W47")
    again = publish_episode(
        title="Wochenrückblick 47/2026 (korrigiert)", source_key="digest:2026-W47"
    )
    assert again.pk == first.pk and again.guid == first.guid
    assert Episode.objects.count() == 1
    assert Episode.objects.get().title.endswith("(korrigiert)")
    other = publish_episode()
    assert other.slug != first.slug


def test_an_episode_without_audio_is_refused(db):
    with pytest.raises(ValueError, match="MP3 is empty"):
        episode_publish(
            title="Leer", description="-", mp3=b"", duration_s=1, chapters={}, transcript_vtt=""
        )
    assert not Episode.objects.exists()


def test_listeners_are_told_a_synthetic_voice_reads(db):
    episode = publish_episode(voice="pico", source_key="digest:2026-W48")
    parsed = feedparser.parse(Client().get("/podcast/feed.xml").content)
    note = "Gelesen von einer synthetischen Stimme (SVOX Pico)."
    assert parsed.feed.subtitle.endswith(note)
    assert parsed.entries[0].summary.endswith(note)
    html = Client().get(f"/podcast/{episode.slug}/").content.decode()
    assert "Gelesen von einer synthetischen Stimme (SVOX Pico)" in html


def test_the_transcript_sits_beside_the_player_and_can_be_downloaded(db):
    from bs4 import BeautifulSoup

    episode = publish_episode()
    html = Client().get(f"/podcast/{episode.slug}/").content.decode()
    listen = BeautifulSoup(html, "html.parser").select_one(".episode__listen")
    assert listen is not None and listen.select_one("audio") is not None
    transcript = listen.select_one("section.episode__transcript")
    assert transcript is not None and "Erstes Thema" in transcript.get_text()
    assert transcript.select_one(f'a[href="/podcast/{episode.slug}/transkript.vtt"]')
    # Scrollable on its own: keyboard users reach it (tabindex) and it has a name.
    assert transcript["tabindex"] == "0" and transcript["aria-labelledby"] == "transkript"
