"""The player appears when the audio does: ready, replaced or failed audio invalidates the
article's cached pages and purges them from the CDN; a replaced MP3 goes only after that."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from depesche.audio.errors import SynthesisError
from depesche.audio.models import ArticleAudio
from depesche.audio.services import article_audio_build
from depesche.newsroom.pagecache import generation
from tests.factories import publish_article


class BrokenEngine:
    name = "kaputt"
    profile = "espeak"

    def synthesize(self, text: str, wav_path: Path) -> None:
        raise SynthesisError("Testmaschine: kaputt")


@pytest.fixture
def article(site_tree, page_cache_on, proxy, settings, django_capture_on_commit_callbacks):
    settings.ARTICLE_AUDIO = False  # published without audio; the tests make it
    with django_capture_on_commit_callbacks(execute=True):
        return publish_article(site_tree.sections["Politik"], title="Hörbar später")


def build(capture, **kwargs):
    with capture(execute=True):
        return article_audio_build(**kwargs)


def test_a_page_cached_before_its_audio_shows_the_player_once_it_is_ready(
    client, article, proxy, django_capture_on_commit_callbacks
):
    first = client.get(article.url)
    assert "<audio" not in first.content.decode()
    assert client.get(article.url).content == first.content  # served from the cache
    proxy.clear()

    audio = build(django_capture_on_commit_callbacks, article_id=article.pk)
    assert audio is not None and audio.is_ready
    html = client.get(article.url).content.decode()
    assert "<audio" in html and audio.file.url in html
    assert article.url in {path for _, path in proxy}  # the CDN's copy is purged too


def test_a_replaced_mp3_is_deleted_only_after_the_pages_are_invalidated(
    client, article, proxy, django_capture_on_commit_callbacks, monkeypatch
):
    old = build(django_capture_on_commit_callbacks, article_id=article.pk)
    old_name = old.file.name
    assert old_name in client.get(article.url).content.decode()  # cached with the old MP3
    generation_before = generation()
    seen_at_delete: list[tuple[str, str]] = []
    default_storage.exists(old_name)  # the lazy storage is set up: patch its real class
    storage_class = type(default_storage._wrapped)
    real_delete = storage_class.delete

    def recording_delete(storage, name):
        seen_at_delete.append((name, generation()))
        return real_delete(storage, name)

    monkeypatch.setattr(storage_class, "delete", recording_delete)
    new = build(django_capture_on_commit_callbacks, article_id=article.pk, force=True)
    assert new.file.name != old_name
    # Deleted once, and by then every cached page of the old state was already unreachable.
    assert [name for name, _ in seen_at_delete] == [old_name]
    assert seen_at_delete[0][1] != generation_before
    assert not default_storage.exists(old_name)
    html = client.get(article.url).content.decode()
    assert new.file.url in html and old_name not in html


def test_failed_audio_takes_the_player_off_cached_pages(
    client, article, django_capture_on_commit_callbacks
):
    build(django_capture_on_commit_callbacks, article_id=article.pk)
    assert "<audio" in client.get(article.url).content.decode()
    failed = build(
        django_capture_on_commit_callbacks,
        article_id=article.pk,
        engine=BrokenEngine(),
        force=True,
    )
    assert failed.status == ArticleAudio.Status.FAILED
    assert "<audio" not in client.get(article.url).content.decode()
