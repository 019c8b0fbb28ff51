"""Telling a restriction an editor set or lifted from one deleted along with its page."""

from __future__ import annotations

from typing import Any

from wagtail.models import PageViewRestriction


def deleted_with_page(**signal_kwargs: Any) -> bool:
    """True when a PageViewRestriction's post_delete comes from deleting its page: the page's
    own signals already cleared caches and alerts, and the page row is gone by then."""
    origin = signal_kwargs.get("origin")
    if origin is None or isinstance(origin, PageViewRestriction):
        return False
    model = getattr(origin, "model", None)  # a queryset's delete()
    return model is not PageViewRestriction
