"""Wagtail admin: the "Aussprache" menu (the pronunciation dictionary), its preview address,
and the audio remade when an entry is saved or deleted."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from depesche.audio.admin_views import (
    PREVIEW_URL_NAME,
    PronunciationViewSet,
    pronunciation_preview,
)
from depesche.audio.models import Pronunciation
from depesche.audio.scheduling import pronunciation_changed

register_snippet(PronunciationViewSet)


@hooks.register("register_admin_urls")
def pronunciation_urls() -> list[URLPattern]:
    return [path("aussprache/anhoeren/", pronunciation_preview, name=PREVIEW_URL_NAME)]


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def pronunciation_saved(request: Any, instance: Any) -> None:
    # An edit that renamed the entry: articles saying the old form are read differently too.
    if isinstance(instance, Pronunciation):
        pronunciation_changed(written_forms=[instance.written, instance.written_loaded])


@hooks.register("after_delete_snippet")
def pronunciation_deleted(request: Any, instances: list[Any]) -> None:
    # A list: Wagtail's delete view and its bulk delete both call this hook.
    forms = [entry.written for entry in instances if isinstance(entry, Pronunciation)]
    if forms:
        pronunciation_changed(written_forms=forms)
