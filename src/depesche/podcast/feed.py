"""The podcast RSS feed: feedgen with its iTunes extension, plus a small extension of our own
for what feedgen cannot write: the Podcasting 2.0 namespace (chapters, transcript) and
`itunes:explicit` as "true"/"false", which Apple requires (feedgen only knows yes/no/clean)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from depesche.audio.engines import voice_name
from depesche.podcast.models import Episode

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ARTWORK = "depesche/podcast-artwork.png"  # 1400 × 1400 px, RGB


def _apple_explicit(element: Any) -> None:
    """feedgen writes itunes:explicit as yes/no/clean; Apple wants true/false."""
    for explicit in element.iter(f"{{{ITUNES_NS}}}explicit"):
        explicit.text = "true" if explicit.text in ("yes", "true") else "false"


class PodcastIndexExtension(BaseExtension):  # type: ignore[misc]
    """Registered after feedgen's podcast extension, so it runs after it."""

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed: Any) -> Any:
        _apple_explicit(rss_feed)
        return rss_feed


class PodcastIndexEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    def __init__(self) -> None:
        self.links: list[tuple[str, dict[str, str]]] = []

    def chapters(self, url: str) -> None:
        self.links.append(("chapters", {"url": url, "type": "application/json+chapters"}))

    def transcript(self, url: str, *, language: str) -> None:
        self.links.append(("transcript", {"url": url, "type": "text/vtt", "language": language}))

    def extend_rss(self, item: Any) -> Any:
        _apple_explicit(item)
        for name, attributes in self.links:
            element = xml_elem(f"{{{PODCAST_NS}}}{name}", item)
            for key, value in attributes.items():
                element.attrib[key] = value
        return item


def absolute(path: str) -> str:
    return path if path.startswith("http") else settings.BASE_URL + path


def voice_note(voice: str) -> str:
    """What listeners are told about who reads (synthetic media are labelled as such)."""
    if voice:
        return f"Gelesen von einer synthetischen Stimme ({voice_name(voice)})."
    return "Gelesen von einer synthetischen Stimme."


def podcast_feed(episodes: Iterable[Episode]) -> bytes:
    """RSS 2.0 with the iTunes and Podcasting 2.0 namespaces."""
    episodes = list(episodes)
    title = f"{settings.SITE_NAME} – Wochenrückblick"
    newest_voice = next((e.voice for e in episodes if e.voice), "")
    description = (
        "Der Wochenrückblick: die wichtigsten Themen der Woche kompakt zum Hören. "
        "Für alle, deren Postfach überläuft. " + voice_note(newest_voice)
    )
    owner_email = settings.PODCAST_OWNER_EMAIL
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension(
        "podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension, atom=False
    )
    fg.title(title)
    fg.description(description)
    fg.link(href=absolute(reverse("podcast:index")), rel="alternate")
    fg.link(href=absolute(reverse("podcast:feed")), rel="self")
    fg.language("de")
    fg.image(absolute(static(ARTWORK)), title=title, link=absolute(reverse("podcast:index")))
    fg.podcast.itunes_image(absolute(static(ARTWORK)))
    fg.podcast.itunes_category({"cat": "News", "sub": "Politics"})
    fg.podcast.itunes_explicit("no")
    fg.podcast.itunes_author(settings.SITE_NAME)
    fg.podcast.itunes_owner(name=settings.SITE_NAME, email=owner_email)
    fg.podcast.itunes_summary(description)
    fg.podcast.itunes_type("episodic")
    for episode in episodes:
        page = absolute(reverse("podcast:episode", args=[episode.slug]))
        entry = fg.add_entry(order="append")
        entry.guid(episode.guid, permalink=False)
        entry.title(episode.title)
        entry.description(f"{episode.description} {voice_note(episode.voice)}")
        entry.link(href=page)
        entry.published(episode.published_at)
        entry.enclosure(absolute(episode.audio.url), str(episode.audio_bytes), "audio/mpeg")
        entry.podcast.itunes_duration(round(episode.duration_s))
        entry.podcast.itunes_explicit("no")
        entry.podcastindex.chapters(absolute(reverse("podcast:chapters", args=[episode.slug])))
        entry.podcastindex.transcript(
            absolute(reverse("podcast:transcript", args=[episode.slug])), language="de"
        )
    return bytes(fg.rss_str(pretty=True))
