"""Wagtail admin: the "Anzeigen" menu and the "Bericht" button on campaigns."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from depesche.ads.admin_views import REPORT_PERMISSION, AdsGroup, report_button
from depesche.ads.models import Campaign

register_snippet(AdsGroup)


@hooks.register("register_snippet_listing_buttons")
def campaign_listing_buttons(snippet: Any, user: Any, next_url: str | None = None) -> list[Any]:
    if isinstance(snippet, Campaign) and user.has_perm(REPORT_PERMISSION):
        return [report_button(snippet)]
    return []
