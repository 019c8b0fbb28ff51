from __future__ import annotations

from typing import Any

from django.db.models import Count

from depesche.audio.models import ArticleAudio


def article_audio_ready(*, article_id: int) -> ArticleAudio | None:
    """The article's audio if an MP3 is ready to play."""
    return (
        ArticleAudio.objects.filter(article_id=article_id, status=ArticleAudio.Status.READY)
        .exclude(file="")
        .first()
    )


def article_audio_counts() -> dict[str, int]:
    rows = ArticleAudio.objects.values("status").annotate(n=Count("pk"))
    counts = {status: 0 for status in ArticleAudio.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def article_audio_errors(*, limit: int) -> list[dict[str, Any]]:
    """The most recent failures: article id and error text."""
    rows = (
        ArticleAudio.objects.filter(status=ArticleAudio.Status.FAILED)
        .order_by("-updated_at")
        .values("article_id", "error")[:limit]
    )
    return [dict(row) for row in rows]
