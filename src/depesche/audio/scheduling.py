"""Queueing article audio for the worker, after the transaction commits.

The one module that imports audio's tasks (the receivers and `depesche audio retry` call it);
tasks import services, never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from depesche.audio.selectors import article_ids_needing_audio, article_ids_public
from depesche.audio.tasks import article_audio_task, pronunciation_audio_task


def article_audio_queue(*, article_ids: list[int], force: bool = False) -> None:
    """Enqueue synthesis of these articles once the current transaction commits (at once
    outside one). The task asks newsroom's gate itself: a non-public article gets no MP3."""

    def enqueue() -> None:
        for article_id in article_ids:
            article_audio_task.enqueue(article_id=article_id, force=force)

    transaction.on_commit(enqueue)


def article_audio_retry(*, article_id: int | None = None) -> list[int]:
    """Queue synthesis again for failed audio and live articles without audio (or one article).

    One named article is made again even when its audio is ready. Returns the article ids
    queued (after the transaction commits); the worker does the work.
    """
    if article_id is not None:
        article_audio_queue(article_ids=[article_id], force=True)
        return [article_id]
    ids = article_ids_needing_audio()
    article_audio_queue(article_ids=ids)
    return ids


def article_audio_retry_all(*, on_progress: Callable[[int, int], None] | None = None) -> int:
    """Queue every public article's audio to be made again, ready or not (a new voice, a
    changed normalisation). Upgrades never do this by themselves: an operator asks for it.
    Returns how many were queued; `on_progress(done, total)` after every thousand."""
    ids = article_ids_public()
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        article_audio_queue(article_ids=batch, force=True)
        if on_progress:
            on_progress(start + len(batch), len(ids))
    return len(ids)


def pronunciation_changed(*, written_forms: list[str]) -> None:
    """An entry of the pronunciation dictionary was added, edited or deleted: once the
    transaction commits, a background task remakes the audio of the public articles that say
    one of `written_forms` (for an edit, give the old written form too). Nothing happens
    while article audio is off (DEPESCHE_ARTICLE_AUDIO)."""
    forms = sorted({form.strip() for form in written_forms if form.strip()})
    if not forms or not settings.ARTICLE_AUDIO:
        return
    transaction.on_commit(lambda: pronunciation_audio_task.enqueue(written_forms=forms))
