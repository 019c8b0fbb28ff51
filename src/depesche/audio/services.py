"""Writes for article audio: make, store and withdraw the MP3 of an article.

Queueing that work for the worker is audio/scheduling.py: tasks call these services, and the
scheduling calls the tasks, so services never import tasks (no cycle).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction

from depesche.audio.engines import Engine
from depesche.audio.errors import SynthesisError
from depesche.audio.lexicon import Lexicon
from depesche.audio.models import ArticleAudio
from depesche.audio.script import Segment, script_text
from depesche.audio.selectors import article_script, lexicon_current
from depesche.audio.synthesis import Progress, synthesize
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.pagecache import pages_changed, urls_for_page
from depesche.newsroom.selectors import article_is_public, article_public

logger = logging.getLogger(__name__)


def _fingerprint(article: ArticlePage, script: list[Segment], lexicon: Lexicon) -> str:
    """The article's content fingerprint, and the pronunciation entries that apply to it:
    a changed entry makes this article's audio again; the engine is not part of it (an
    upgrade to another voice does not remake every MP3: `depesche audio retry --all` does)."""
    raw = script_text(script)
    base = article.content_fingerprint or hashlib.sha256(raw.encode()).hexdigest()
    words = lexicon.key(raw)
    return hashlib.sha256(f"{base}\n{words}".encode()).hexdigest() if words else base


def _article_pages_changed(article: ArticlePage, then: Callable[[], None] | None = None) -> None:
    """After the commit: cached pages of the article show the new player state (a new page
    generation, the CDN purged); only then does `then` run (deleting a replaced MP3 that
    pages cached until now still linked)."""

    def changed() -> None:
        pages_changed(urls=urls_for_page(article))
        if then is not None:
            then()

    transaction.on_commit(changed)


def article_audio_build(
    *,
    article_id: int,
    engine: Engine | None = None,
    lexicon: Lexicon | None = None,
    force: bool = False,
    on_progress: Progress | None = None,
) -> ArticleAudio | None:
    """Synthesise the live article's audio and store the MP3.

    Idempotent: when audio for the same content fingerprint is ready, nothing happens (unless
    `force`). The pronunciation dictionary (`lexicon`, by default the editors' current one)
    is applied and is part of the fingerprint. Ready, replaced or failed audio invalidates the
    article's cached pages after the commit; a replaced MP3 is deleted only after that.
    Returns None when the article is not public (taken down, or behind a password
    or login: the newsroom's gate), after removing any MP3 made of it. A failed synthesis
    never raises: it is logged and stored (status failed, the error text) so that it can be
    retried; the previous MP3, if any, is then no longer shown.
    """
    article = article_public(article_id=article_id)
    if article is None:
        article_audio_withdraw(article_ids=[article_id])
        return None
    script = article_script(article)
    lexicon = lexicon if lexicon is not None else lexicon_current()
    fingerprint = _fingerprint(article, script, lexicon)
    audio, _ = ArticleAudio.objects.get_or_create(article=article)
    if audio.is_ready and audio.fingerprint == fingerprint and not force:
        return audio
    try:
        result = synthesize(script, engine=engine, lexicon=lexicon, on_progress=on_progress)
    except SynthesisError as exc:
        logger.warning("audio for article %s failed: %s", article_id, exc)
        was_ready = audio.is_ready
        audio.status = ArticleAudio.Status.FAILED
        audio.error = str(exc)
        audio.fingerprint = fingerprint
        audio.save(update_fields=["status", "error", "fingerprint", "updated_at"])
        if was_ready:  # the player goes from the pages that showed it
            _article_pages_changed(article)
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
        storage, new_name = audio.file.storage, audio.file.name
        replaced = old_name if old_name and old_name != new_name else ""
        _article_pages_changed(article, (lambda: storage.delete(replaced)) if replaced else None)
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
