"""Telling editors what the agencies did to their copy: a dashboard panel with the stories
withdrawn in the last days, and a warning on the edit page of an article whose story was
withdrawn or has a newer agency version waiting as a draft."""

from __future__ import annotations

from typing import Any

from django.forms import Media
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.ui.components import Component

from depesche.core.timefmt import berlin_text
from depesche.wire.admin_views.common import ADMIN_CSS, desk_url
from depesche.wire.models import WireStory
from depesche.wire.selectors import (
    WITHDRAWN_NOTICE_DAYS,
    stories_withdrawn_recently,
    story_for_article,
)


class WithdrawnStoriesPanel(Component):
    """Dashboard: withdrawals of the last days (headline, agency, time), linked to the desk.
    Renders nothing when there are none."""

    name = "wire_withdrawn"
    template_name = "wire/admin/withdrawn_panel.html"
    order = 50  # above Wagtail's own panels: a withdrawal is urgent

    @property
    def media(self) -> Media:
        return Media(css={"all": [ADMIN_CSS]})

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(parent_context)
        context["days"] = WITHDRAWN_NOTICE_DAYS
        context["desk_url"] = desk_url(status=WireStory.Status.WITHDRAWN)
        context["stories"] = [
            {
                "headline": story.headline,
                "feed": story.feed.name if story.feed else "–",
                "time": berlin_text(story.updated_at),
                "edit_url": (
                    reverse("wagtailadmin_pages:edit", args=[story.article_id])
                    if story.article_id
                    else ""
                ),
            }
            for story in stories_withdrawn_recently()
        ]
        return context


def article_story_warning(*, request: HttpRequest, article_id: int) -> None:
    """Warn on an article's edit page when its agency withdrew the story or sent a newer version
    that waits as a draft (a django message, shown above the editor)."""
    story = story_for_article(article_id=article_id)
    if story is None:
        return
    when = berlin_text(story.updated_at)
    if story.status == WireStory.Status.WITHDRAWN:
        messages.warning(
            request,
            _(
                "Von der Agentur zurückgezogen (%(time)s). Der Artikel wurde depubliziert; "
                "vor einer erneuten Veröffentlichung bitte die Agenturlage prüfen."
            )
            % {"time": when},
        )
    elif story.needs_review:
        history = reverse("wagtailadmin_pages:history", args=[article_id])
        messages.warning(
            request,
            _(
                "Eine neuere Agenturversion liegt als Entwurf vor (%(time)s). Sie wurde nicht "
                "veröffentlicht, weil die Redaktion den Artikel bearbeitet hatte: bitte "
                "vergleichen und entscheiden."
            )
            % {"time": when},
            buttons=[messages.button(history, _("Versionen ansehen"))],
        )
