"""The "Artikel anhören" player on the article page: only once the audio is ready."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from depesche.audio.models import ArticleAudio
from depesche.audio.templatetags.audio import clock, iso_duration
from tests.factories import publish_article

pytestmark = pytest.mark.usefixtures("article_audio_on")


def page_html(client, article) -> str:
    response = client.get(article.url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_player_appears_after_publication_and_not_before(
    client, site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        article = publish_article(site_tree.sections["Politik"], title="Neue Radwege")
    before = page_html(client, article)
    assert "Artikel anhören" not in before
    assert "<audio" not in before

    for callback in callbacks:
        callback()
    audio = ArticleAudio.objects.get(article=article)
    html = page_html(client, article)
    assert (
        '<h2 id="article-audio-heading" class="article-audio__heading">Artikel anhören</h2>' in html
    )
    assert (
        f'<audio class="article-audio__player" controls preload="none" src="{audio.file.url}"'
        in html
    )
    assert audio.file.url.startswith("/media/audio/")
    minutes = re.search(r'<time datetime="PT(\d+)M(\d+)S">(\d+):(\d\d) min</time>', html)
    assert minutes is not None
    assert int(minutes[1]) * 60 + int(minutes[2]) == round(audio.duration_s)
    # Listeners are told a synthetic voice reads, and which.
    assert "Gelesen von einer synthetischen Stimme (SVOX Pico)" in html
    # The player sits between the header (headline, teaser, meta) and the body.
    assert (
        html.index("article__teaser") < html.index("Artikel anhören") < html.index("article__body")
    )


def test_a_failed_synthesis_leaves_the_page_intact_without_player(
    client, site_tree, django_capture_on_commit_callbacks, only_programs, settings
):
    settings.TTS_ENGINE = "espeak"
    only_programs("ffmpeg", "ffprobe")
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_article(site_tree.sections["Politik"], title="Ohne Stimme")
    assert ArticleAudio.objects.get(article=article).status == ArticleAudio.Status.FAILED
    html = page_html(client, article)
    assert '<h1 class="article__headline">Ohne Stimme</h1>' in html
    assert "Artikel anhören" not in html and "<audio" not in html


def test_the_article_page_spends_one_query_on_audio(client, site_tree):
    article = publish_article(site_tree.sections["Politik"])
    client.get(article.url)  # warm caches (site root, settings)
    with CaptureQueriesContext(connection) as queries:
        client.get(article.url)
    assert sum("audio_articleaudio" in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.parametrize(
    ("seconds", "shown", "iso"),
    [(0.4, "0:00", "PT0M0S"), (59.6, "1:00", "PT1M0S"), (192.4, "3:12", "PT3M12S")],
)
def test_durations_are_shown_as_minutes_and_seconds(seconds, shown, iso):
    assert clock(seconds) == shown
    assert iso_duration(seconds) == iso
