"""An approved Wochenrückblick goes out: the podcast episode is synthesised, then every
active subscriber gets the email through the outbox (the same workers as tag alerts).

A failed synthesis never holds back the email: the error is written to the digest's log,
which the admin shows, and `depesche digest publish --week …` tries again."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils import timezone

from depesche.audio.errors import SynthesisError
from depesche.audio.script import Segment
from depesche.audio.selectors import lexicon_current
from depesche.audio.synthesis import synthesize
from depesche.digest.audit import digest_published_log
from depesche.digest.mailing import digest_mails_enqueue, episode_key, period_text
from depesche.digest.models import Digest
from depesche.digest.selectors import topics_to_publish
from depesche.podcast.models import Episode
from depesche.podcast.services import episode_publish

logger = logging.getLogger(__name__)


def podcast_script(digest: Digest, site_name: str) -> list[Segment]:
    """Greeting with the date range, one segment per topic, closing. Only topics whose
    articles are all still public (digest.selectors.topics_to_publish)."""
    topics = topics_to_publish(digest=digest)
    period = period_text(digest).replace(" – ", " bis ")
    greeting = Segment(
        "Begrüßung",
        f"Willkommen zum Wochenrückblick von {site_name} für die Woche vom {period}. "
        f"Heute: {len(topics)} Themen.",
    )
    closing = Segment(
        "Abschied",
        "Das war der Wochenrückblick. Alle Artikel zu diesen Themen finden Sie auf unserer "
        "Website. Bis nächste Woche.",
    )
    return [greeting, *(Segment(t.headline, t.summary) for t in topics), closing]


def digest_podcast_make(
    digest: Digest, *, site_name: str, progress: Callable[[str], None] | None = None
) -> Episode:
    """Synthesise and publish the digest's episode (again: it replaces the audio)."""

    def on_progress(done: int, total: int) -> None:
        if progress and (done == total or done % 10 == 0):
            progress(f"Podcast: {done}/{total} Sätze gesprochen")

    result = synthesize(
        podcast_script(digest, site_name), lexicon=lexicon_current(), on_progress=on_progress
    )
    topics = [topic.headline for topic in topics_to_publish(digest=digest)]
    return episode_publish(
        title=f"Wochenrückblick {period_text(digest)}",
        description="Die Themen: " + "; ".join(topics) + ".",
        mp3=result.mp3,
        duration_s=result.duration_s,
        chapters=result.chapters,
        transcript_vtt=result.transcript_vtt,
        voice=result.engine,
        source_key=episode_key(digest),
    )


def _log(digest: Digest, line: str) -> None:
    stamp = timezone.localtime().strftime("%d.%m.%Y %H:%M")
    digest.build_log = f"{digest.build_log}\n{stamp} {line}".strip()
    Digest.objects.filter(pk=digest.pk).update(build_log=digest.build_log)


def digest_publish(
    *, digest_id: int, site_name: str, progress: Callable[[str], None] | None = None
) -> int:
    """Podcast, then email, then an entry in Wagtail's audit log; returns the mails queued.
    Only approved (or sent) digests."""
    digest = Digest.objects.get(pk=digest_id)
    if not digest.is_locked:  # still a draft
        raise ValueError(f"Wochenrückblick {digest.week} ist noch nicht freigegeben")
    podcast = False
    try:
        episode = digest_podcast_make(digest, site_name=site_name, progress=progress)
        _log(digest, f"Podcast veröffentlicht: {episode.duration_text()} ({episode.slug})")
        podcast = True
    except SynthesisError as exc:
        logger.exception("podcast of digest %s failed", digest.week)
        _log(digest, f"Podcast fehlgeschlagen: {exc} – erneut mit `depesche digest publish`")
    queued = digest_mails_enqueue(digest_id=digest.pk)
    _log(digest, f"E-Mail an {queued} Abonnenten in die Warteschlange gestellt")
    Digest.objects.filter(pk=digest.pk).update(status=Digest.Status.SENT)
    digest_published_log(digest=digest, mails=queued, podcast=podcast)
    return queued
