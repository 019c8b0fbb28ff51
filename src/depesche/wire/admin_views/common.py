"""What the wire desk's admin views share: URL namespaces, the desk permission, the section
choices."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from depesche.newsroom.models import SectionPage

# URL namespaces (and names) of the three viewsets.
DESK = "wire_desk"
FEEDS = "wire_feeds"
RULES = "wire_rules"
DESK_PERMISSION = "wire.view_wirestory"
# The stylesheet for withdrawn rows and badges (desk and dashboard).
ADMIN_CSS = "depesche/wire-admin.css"


def model_permissions(model: type) -> QuerySet[Permission]:
    """All of `model`'s permissions, "view" included: Wagtail offers "view" to groups only with
    an inspect view, but here it opens the listings (the feeds' would show a secret in full)."""
    return Permission.objects.filter(content_type=ContentType.objects.get_for_model(model))


def can_view_desk(user: Any) -> bool:
    return bool(user.has_perm(DESK_PERMISSION))


def desk_url(*, status: str = "") -> str:
    url = reverse(f"{DESK}:index")
    return f"{url}?{urlencode({'status': status})}" if status else url


def sections_for_choice() -> QuerySet[SectionPage]:
    """Every section, live or not: a rule may point at a section before it goes live."""
    return SectionPage.objects.order_by("title")
