"""The wire desk in Wagtail's admin: the "Agenturen" menu (desk, feeds, section rules), the
dashboard panel of withdrawn agency stories, the warning on an imported article's edit page,
and the importer's own log action."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from depesche.newsroom.models import ArticlePage
from depesche.wire.admin_views import WireGroup
from depesche.wire.admin_views.common import can_view_desk
from depesche.wire.admin_views.notices import WithdrawnStoriesPanel, article_story_warning
from depesche.wire.stories import WITHDRAW_ACTION


@hooks.register("register_log_actions")
def register_withdraw_action(actions: Any) -> None:
    # The importer's unpublish has its own entry, so a later version can tell it from an
    # editor's ("wagtail.unpublish"), and the page history says why the article went offline.
    actions.register_action(
        WITHDRAW_ACTION,
        _("Von der Agentur zurückgezogen"),
        _("Von der Agentur zurückgezogen: offline genommen"),
    )


@hooks.register("register_admin_viewset")
def register_wire_admin() -> WireGroup:
    return WireGroup()


@hooks.register("construct_homepage_panels")
def withdrawn_stories_panel(request: HttpRequest, panels: list[Any]) -> None:
    if can_view_desk(request.user):
        panels.append(WithdrawnStoriesPanel())


@hooks.register("before_edit_page")
def wire_story_warning(request: HttpRequest, page: Any) -> None:
    # GET only: a POST redirects, and the message would wait for the next page instead.
    page_class = page.specific_class
    if request.method == "GET" and page_class is not None and issubclass(page_class, ArticlePage):
        article_story_warning(request=request, article_id=page.pk)
