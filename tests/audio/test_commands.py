from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from depesche.audio.models import ArticleAudio
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
