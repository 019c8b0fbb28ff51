"""Article audio after publication: made once per content, stored, failures kept and retried."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from depesche.audio.errors import SynthesisError
from depesche.audio.models import ArticleAudio
from depesche.audio.scheduling import article_audio_retry
from depesche.audio.services import article_audio_build, article_script
from depesche.newsroom.models import ArticlePage
from tests.factories import paragraphs, publish_article

pytestmark = pytest.mark.usefixtures("article_audio_on")


class BrokenEngine:
    name = "kaputt"
    profile = "espeak"

    def __init__(self) -> None:
        self.calls = 0

    def synthesize(self, text: str, wav_path: Path) -> None:
        self.calls += 1
        raise SynthesisError("Testmaschine: kaputt")


def published(site_tree, capture, **fields):
    with capture(execute=True):
        return publish_article(
            site_tree.sections["Wirtschaft"],
            title=fields.pop("title", "Zinsen sinken"),
            teaser=fields.pop("teaser", "Die EZB senkt den Leitzins um 0,5 %."),
            body=paragraphs("Das freut die Börse.", "Sparer ärgern sich."),
            **fields,
        )


def test_publication_stores_an_mp3_for_the_article(site_tree, django_capture_on_commit_callbacks):
    article = published(site_tree, django_capture_on_commit_callbacks)
    audio = ArticleAudio.objects.get(article=article)
    assert audio.status == ArticleAudio.Status.READY
    assert audio.error == ""
    assert audio.engine == "pico"  # SVOX Pico is the default voice where it is installed
    assert audio.fingerprint == ArticlePage.objects.get(pk=article.pk).content_fingerprint != ""
    assert audio.file.name.startswith("audio/") and audio.file.name.endswith(".mp3")
    with default_storage.open(audio.file.name) as mp3:
        head = mp3.read(3)
    assert head == b"ID3" or head[:2] == b"\xff\xfb" or head[0] == 0xFF
    assert 2 < audio.duration_s < 30


def test_the_script_reads_headline_teaser_and_body(site_tree):
    article = publish_article(
        site_tree.sections["Politik"],
        title="Haushalt steht",
        teaser="Einigung in der Nacht.",
        body=[("subheading", "Was jetzt kommt"), *paragraphs("Der Landtag stimmt ab.")],
    )
    [segment] = article_script(article)
    assert segment.title == "Haushalt steht"
    assert segment.text == "Einigung in der Nacht.\nWas jetzt kommt\nDer Landtag stimmt ab."


def test_unchanged_content_is_not_synthesised_again(site_tree, django_capture_on_commit_callbacks):
    article = published(site_tree, django_capture_on_commit_callbacks)
    first = ArticleAudio.objects.get(article=article)
    engine = BrokenEngine()
    again = article_audio_build(article_id=article.pk, engine=engine)
    assert engine.calls == 0
    assert again is not None and again.status == ArticleAudio.Status.READY
    assert again.file.name == first.file.name


def test_changed_content_replaces_the_audio(site_tree, django_capture_on_commit_callbacks):
    article = published(site_tree, django_capture_on_commit_callbacks)
    old = ArticleAudio.objects.get(article=article)
    article.teaser = "Die EZB senkt den Leitzins überraschend deutlich."
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    new = ArticleAudio.objects.get(article=article)
    assert new.status == ArticleAudio.Status.READY
    assert new.fingerprint != old.fingerprint
    assert new.file.name != old.file.name
    assert default_storage.exists(new.file.name)
    assert not default_storage.exists(old.file.name)


def test_a_failed_synthesis_is_stored_and_can_be_retried(
    site_tree, django_capture_on_commit_callbacks, only_programs, settings
):
    settings.TTS_ENGINE = "espeak"
    only_programs("ffmpeg", "ffprobe")  # no espeak-ng
    article = published(site_tree, django_capture_on_commit_callbacks)
    audio = ArticleAudio.objects.get(article=article)
    assert audio.status == ArticleAudio.Status.FAILED
    assert "'espeak-ng' is not installed" in audio.error
    assert not audio.file

    only_programs("espeak-ng", "ffmpeg", "ffprobe")
    with django_capture_on_commit_callbacks(execute=True):
        assert article_audio_retry() == [article.pk]
    audio.refresh_from_db()
    assert audio.status == ArticleAudio.Status.READY
    assert audio.error == ""


def test_an_engine_error_never_escapes_the_service(site_tree):
    article = publish_article(site_tree.sections["Politik"])
    audio = article_audio_build(article_id=article.pk, engine=BrokenEngine())
    assert audio is not None
    assert (audio.status, audio.error) == (ArticleAudio.Status.FAILED, "Testmaschine: kaputt")


def test_retry_queues_live_articles_without_audio_and_forces_a_named_one(
    site_tree, django_capture_on_commit_callbacks
):
    article = publish_article(site_tree.sections["Politik"])  # callbacks not run: no audio yet
    assert not ArticleAudio.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert article_audio_retry() == [article.pk]
    first = ArticleAudio.objects.get(article=article)
    assert first.status == ArticleAudio.Status.READY
    with django_capture_on_commit_callbacks(execute=True):
        assert article_audio_retry() == []  # nothing failed, nothing missing
        assert article_audio_retry(article_id=article.pk) == [article.pk]
    assert ArticleAudio.objects.get(article=article).updated_at > first.updated_at


def test_an_article_taken_down_meanwhile_gets_no_audio(site_tree):
    article = publish_article(site_tree.sections["Politik"])
    article.unpublish()
    assert article_audio_build(article_id=article.pk) is None
    assert not ArticleAudio.objects.exists()


def test_a_restriction_removes_the_mp3_and_lifting_it_makes_it_anew(
    site_tree, django_capture_on_commit_callbacks
):
    # A public MP3 of a text behind a password would give the text away.
    from wagtail.models import PageViewRestriction

    article = published(site_tree, django_capture_on_commit_callbacks)
    name = ArticleAudio.objects.get(article=article).file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )
    assert not ArticleAudio.objects.filter(article=article).exists()
    assert not default_storage.exists(name)
    assert article_audio_build(article_id=article.pk) is None  # a retry makes none either
    assert not ArticleAudio.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert ArticleAudio.objects.get(article=article).status == ArticleAudio.Status.READY
