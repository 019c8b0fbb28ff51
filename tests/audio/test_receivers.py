from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from depesche.audio.models import ArticleAudio
from tests.factories import publish_article, save_draft_article


def test_publication_synthesises_only_after_commit(
    site_tree, article_audio_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        article = publish_article(site_tree.sections["Politik"])
    assert not ArticleAudio.objects.exists()  # nothing before the commit
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert ArticleAudio.objects.get(article=article).status == ArticleAudio.Status.READY


def test_a_scheduled_article_is_not_read_before_it_goes_live(
    site_tree, article_audio_on, django_capture_on_commit_callbacks
):
    draft = save_draft_article(site_tree.sections["Politik"])
    draft.go_live_at = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    assert not ArticleAudio.objects.exists()


def test_article_audio_can_be_switched_off(site_tree, settings, django_capture_on_commit_callbacks):
    settings.ARTICLE_AUDIO = False
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(site_tree.sections["Politik"])
    assert not ArticleAudio.objects.exists()
