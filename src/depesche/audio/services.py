"""Writes for article audio: make, store and withdraw the MP3 of an article.

Queueing that work for the worker is audio/scheduling.py: tasks call these services, and the
scheduling calls the tasks, so services never import tasks (no cycle).
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction

from depesche.audio.engines import Engine
from depesche.audio.errors import SynthesisError
from depesche.audio.models import ArticleAudio
from depesche.audio.script import Segment
from depesche.audio.synthesis import Progress, synthesize
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.selectors import article_is_public, article_public

logger = logging.getLogger(__name__)


def article_script(article: ArticlePage) -> list[Segment]:
    """What "Artikel anhören" reads: headline, teaser, body (subheadings and quotes included)."""
    text = "\n".join(part for part in (article.teaser, article.body_text()) if part)
    return [Segment(title=article.title, text=text)]


def _fingerprint(article: ArticlePage, script: list[Segment]) -> str:
    if article.content_fingerprint:
        return article.content_fingerprint
    raw = "\n".join(f"{segment.title}\n{segment.text}" for segment in script)
    return hashlib.sha256(raw.encode()).hexdigest()


def article_audio_build(
    *,
    article_id: int,
    engine: Engine | None = None,
    force: bool = False,
    on_progress: Progress | None = None,
) -> ArticleAudio | None:
    """Synthesise the live article's audio and store the MP3.

    Idempotent: when audio for the same content fingerprint is ready, nothing happens (unless
    `force`). Returns None when the article is not public (taken down, or behind a password
    or login: the newsroom's gate), after removing any MP3 made of it. A failed synthesis
    never raises: it is logged and stored (status failed, the error text) so that it can be
    retried; the previous MP3, if any, is then no longer shown.
    """
    article = article_public(article_id=article_id)
    if article is None:
        article_audio_withdraw(article_ids=[article_id])
        return None
    script = article_script(article)
    fingerprint = _fingerprint(article, script)
    audio, _ = ArticleAudio.objects.get_or_create(article=article)
    if audio.is_ready and audio.fingerprint == fingerprint and not force:
        return audio
    try:
        result = synthesize(script, engine=engine, on_progress=on_progress)
    except SynthesisError as exc:
        logger.warning("audio for article %s failed: %s", article_id, exc)
        audio.status = ArticleAudio.Status.FAILED
        audio.error = str(exc)
        audio.fingerprint = fingerprint
        audio.save(update_fields=["status", "error", "fingerprint", "updated_at"])
        return audio
    old_name = audio.file.name if audio.file else ""
    with transaction.atomic():
        # Restricted or taken down while we spoke (its row withdrawn): no MP3 comes back.
        row = ArticleAudio.objects.select_for_update().filter(pk=audio.pk)
        if not row.exists() or not article_is_public(article_id=article_id):
            article_audio_withdraw(article_ids=[article_id])
            return None
        audio.file.save(
            f"article-{article.pk}-{fingerprint[:12]}.mp3", ContentFile(result.mp3), save=False
        )
        audio.duration_s = round(result.duration_s, 2)
        audio.status = ArticleAudio.Status.READY
        audio.error = ""
        audio.fingerprint = fingerprint
        audio.engine = result.engine
        audio.save()
    if old_name and old_name != audio.file.name:
        audio.file.storage.delete(old_name)
    logger.info(
        "article %s read aloud: %.0f s of audio (%s)", article_id, result.duration_s, result.engine
    )
    return audio


def article_audio_withdraw(*, article_ids: list[int]) -> int:
    """Delete the audio (row and MP3) of these articles; how many there were. Idempotent."""
    removed = 0
    for audio in ArticleAudio.objects.filter(article_id__in=article_ids):
        name = audio.file.name if audio.file else ""
        audio.delete()
        if name:
            audio.file.storage.delete(name)
        removed += 1
    return removed
