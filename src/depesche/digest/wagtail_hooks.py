"""Wagtail admin: the "Wochenrückblick" menu (digest review), its approve button in the listing,
the `approve_digest` permission for groups and the audit log's digest actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from wagtail import hooks
from wagtail.log_actions import LogActionRegistry
from wagtail.snippets.models import register_snippet

from depesche.digest import audit
from depesche.digest.admin_views import DigestViewSet, approve_button, can_approve
from depesche.digest.models import Digest

register_snippet(DigestViewSet)


@hooks.register("register_permissions")
def register_digest_permissions() -> QuerySet[Permission]:
    return Permission.objects.filter(content_type__app_label="digest", codename="approve_digest")


@hooks.register("register_snippet_listing_buttons")
def digest_listing_buttons(snippet: Any, user: Any, next_url: str | None = None) -> list[Any]:
    if isinstance(snippet, Digest) and can_approve(user, snippet):
        return [approve_button(snippet, priority=5)]
    return []


@hooks.register("register_log_actions")
def register_digest_log_actions(actions: LogActionRegistry) -> None:
    audit.register_log_actions(actions)
