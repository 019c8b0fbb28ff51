from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count

from depesche.audio.lexicon import Entry, Lexicon
from depesche.audio.models import ArticleAudio, Pronunciation
from depesche.audio.script import Segment, script_text
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.selectors import articles_public

# Articles read per query when scanning texts for a pronunciation entry: memory stays flat.
SCAN_CHUNK = 200


def article_script(article: ArticlePage) -> list[Segment]:
    """What "Artikel anhören" reads: headline, teaser, body (subheadings and quotes included)."""
    text = "\n".join(part for part in (article.teaser, article.body_text()) if part)
    return [Segment(title=article.title, text=text)]


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


def article_ids_saying(*, written_forms: Iterable[str]) -> list[int]:
    """Public articles that have audio (ready, failed or in the making) and whose script
    contains one of `written_forms`, in id order.

    Matched case-insensitively and also inside longer words: wider than any entry (whatever
    its options are now or were before an edit), so no affected article is missed; one
    that is not affected costs a fingerprint comparison (services.article_audio_build) and
    no synthesis. Articles without audio get theirs on publication or retry."""
    probe = Lexicon(
        Entry(form, form, whole_word=False, case_sensitive=False)
        for form in {form.strip() for form in written_forms}
        if form
    )
    if not probe:
        return []
    articles = articles_public().filter(audio__isnull=False).order_by("pk")
    found: list[int] = []
    for article in articles.iterator(chunk_size=SCAN_CHUNK):
        if probe.matching(script_text(article_script(article))):
            found.append(article.pk)
    return found
