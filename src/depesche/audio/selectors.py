from __future__ import annotations

from typing import Any

from django.db.models import Count

from depesche.audio.lexicon import Entry, Lexicon
from depesche.audio.models import ArticleAudio, Pronunciation
from depesche.newsroom.selectors import articles_public


def article_audio_ready(*, article_id: int) -> ArticleAudio | None:
    """The article's audio if an MP3 is ready to play."""
    return (
        ArticleAudio.objects.filter(article_id=article_id, status=ArticleAudio.Status.READY)
        .exclude(file="")
        .first()
    )


def article_ids_needing_audio() -> list[int]:
    """Articles whose audio failed, and public articles without audio, in id order."""
    failed = ArticleAudio.objects.filter(status=ArticleAudio.Status.FAILED)
    missing = articles_public().filter(audio__isnull=True).order_by()
    return sorted(
        {*failed.values_list("article_id", flat=True), *missing.values_list("pk", flat=True)}
    )


def article_ids_public() -> list[int]:
    """Every public article (newsroom's gate), in id order."""
    return list(articles_public().order_by("pk").values_list("pk", flat=True))


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


def lexicon_current() -> Lexicon:
    """The editors' pronunciation dictionary as it is now (one query)."""
    rows = Pronunciation.objects.values_list("written", "spoken", "whole_word", "case_sensitive")
    return Lexicon(Entry(*row) for row in rows)
