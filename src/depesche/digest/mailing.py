"""The Wochenrückblick as an email, prepared once per digest for all its readers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from depesche.core.timefmt import format_date
from depesche.delivery.rendering import PreparedDigest
from depesche.digest.models import Digest
from depesche.digest.selectors import topics_to_publish
from depesche.podcast.models import Episode


def episode_key(digest: Digest) -> str:
    return f"digest:{digest.week}"


def period_text(digest: Digest) -> str:
    """ "14.11.2026 – 20.11.2026": the period's last day is the day before its end (07:00)."""
    last_day = digest.period_end - timedelta(seconds=1)
    return f"{format_date(digest.period_start)} – {format_date(last_day)}"


def prepared_digest(digest_id: int) -> PreparedDigest:
    digest = Digest.objects.get(pk=digest_id)
    topics = [
        {
            "headline": topic.headline,
            "summary": topic.summary,
            "articles": [
                {"title": article.title, "url": settings.BASE_URL + (article.url or "")}
                for article in sorted(
                    topic.articles.all(),
                    key=lambda a: a.first_published_at or digest.period_start,
                    reverse=True,
                )
            ],
        }
        for topic in topics_to_publish(digest=digest)
    ]
    episode = Episode.objects.filter(source_key=episode_key(digest)).first()
    listen_url = settings.BASE_URL + (
        reverse("podcast:episode", args=[episode.slug]) if episode else reverse("podcast:index")
    )
    period = period_text(digest)
    return PreparedDigest(
        digest_id=digest.pk,
        subject=f"Wochenrückblick {period}",
        context={
            "digest": digest,
            "period": period,
            "topics": topics,
            "listen_url": listen_url,
            "episode": episode,
        },
    )
