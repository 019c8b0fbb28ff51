"""The wire desk in the Wagtail admin: the "Agenturen" menu with

- `desk`: "Agenturmeldungen", incoming agency copy (read-only; `wire.view_wirestory`)
- `feeds`: "Agenturen", the feeds with their push secret and poll address (model permissions)
- `rules`: "Ressort-Zuordnung", which section a record lands in (model permissions)
- `notices`: the dashboard panel of withdrawals and the warnings on an article's edit page.

The stories and articles are written by the import pipeline (wire.importing), never here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSetGroup

from depesche.wire.admin_views.desk import DeskViewSet
from depesche.wire.admin_views.feeds import FeedViewSet
from depesche.wire.admin_views.rules import SectionRuleViewSet


class WireGroup(ModelViewSetGroup):
    """The "Agenturen" menu; shown to users who may use any of its items."""

    menu_label = _("Agenturen")
    menu_icon = "site"
    menu_name = "agenturen"
    menu_order = 7900  # before "Leser" (8000)
    items = (DeskViewSet, FeedViewSet, SectionRuleViewSet)
