from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from wagtail.models import PageViewRestriction

from depesche.audio.models import ArticleAudio
from depesche.audio.services import article_audio_build
from tests.factories import publish_article


def run(*args: str) -> str:
    out = StringIO()
    call_command("audio", *args, stdout=out)
    return out.getvalue()


def test_status_counts_audio_and_shows_errors(site_tree):
    article = publish_article(site_tree.sections["Politik"])
    ArticleAudio.objects.create(article=article, status="failed", error="ffmpeg fehlt")
    figures = json.loads(run("status", "--json"))
    assert figures["counts"] == {"pending": 0, "ready": 0, "failed": 1}
    assert figures["errors"] == [{"article_id": article.pk, "error": "ffmpeg fehlt"}]
    assert f"article {article.pk}: ffmpeg fehlt" in run("status")


def test_retry_makes_failed_audio_again(
    site_tree, article_audio_on, django_capture_on_commit_callbacks
):
    article = publish_article(site_tree.sections["Politik"])
    ArticleAudio.objects.create(article=article, status="failed", error="ffmpeg fehlt")
    with django_capture_on_commit_callbacks(execute=True):
        assert "queued 1 article(s)" in run("retry")
    assert ArticleAudio.objects.get(article=article).status == "ready"


def test_an_upgrade_keeps_existing_audio_and_retry_all_remakes_it(
    site_tree, article_audio_on, django_capture_on_commit_callbacks, settings
):
    settings.TTS_ENGINE = "espeak"
    first = publish_article(site_tree.sections["Politik"], title="Erster Artikel")
    second = publish_article(site_tree.sections["Wirtschaft"], title="Zweiter Artikel")
    hidden = publish_article(site_tree.sections["Politik"], title="Nur für Mitglieder")
    for article in (first, second):
        article_audio_build(article_id=article.pk)
    PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    before = {a.article_id: a.file.name for a in ArticleAudio.objects.all()}
    assert {a.engine for a in ArticleAudio.objects.all()} == {"espeak-ng"}

    # The new default voice: nothing is remade by itself, not by a plain retry either.
    settings.TTS_ENGINE = ""
    with django_capture_on_commit_callbacks(execute=True):
        assert "queued 0 article(s)" in run("retry")
    article_audio_build(article_id=first.pk)  # e.g. published again, text unchanged
    assert {a.article_id: a.file.name for a in ArticleAudio.objects.all()} == before

    err = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("audio", "retry", "--all", stdout=out, stderr=err)
    assert "queued 2 article(s)" in out.getvalue()
    assert "2/2 queued" in err.getvalue()
    remade = {a.article_id: a.engine for a in ArticleAudio.objects.all()}
    assert remade == {first.pk: "pico", second.pk: "pico"}  # the restricted one stays silent
