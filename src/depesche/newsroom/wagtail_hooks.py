"""Wagtail admin: authors ("Autorinnen und Autoren") as a snippet editors keep."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from depesche.newsroom.models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Autorinnen und Autoren")
    menu_name = "autoren"
    menu_order = 240  # before "Wochenrückblick" (250)
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(AuthorViewSet)
