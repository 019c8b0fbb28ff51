"""Wagtail admin: the "Anzeigen" menu and the "Bericht" button on campaigns."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from depesche.ads.admin_views import REPORT_PERMISSION, AdsGroup, report_button
from depesche.ads.models import Advertiser, Campaign
from depesche.newsroom.pagecache import pages_changed

register_snippet(AdsGroup)


@hooks.register("register_snippet_listing_buttons")
def campaign_listing_buttons(snippet: Any, user: Any, next_url: str | None = None) -> list[Any]:
    if isinstance(snippet, Campaign) and user.has_perm(REPORT_PERMISSION):
        return [report_button(snippet)]
    return []


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def campaign_changed(request: Any, instance: Any) -> None:
    """Cached pages carry their ads: a new, edited or deleted campaign invalidates them.
    (Wagtail's snippet views record the change itself in the audit log.)"""
    changed = instance if isinstance(instance, list | tuple) else [instance]
    if any(isinstance(obj, Campaign | Advertiser) for obj in changed):
        transaction.on_commit(pages_changed)
