"""Agenturen → Agenturmeldungen: the desk. Incoming agency copy as editors triage it:
Eilmeldungen first, then the newest version; filterable by status and agency; read-only (the
stories are written by the import, the articles edited in the page editor). Needs
`wire.view_wirestory`.

Status is never told by colour alone: a withdrawn row is red *and* says "Zurückgezogen"; a
waiting newer version carries the words "Neue Version"."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.forms import Media
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views.generic.models import IndexView

from depesche.core.admin.viewsets import ReadOnlyModelViewSet
from depesche.core.timefmt import berlin_text
from depesche.wire.admin_views.common import ADMIN_CSS, DESK, model_permissions
from depesche.wire.models import WireStory
from depesche.wire.selectors import desk_stories, feeds_by_name

NEEDS_REVIEW_HELP = _("Neue Agenturversion als Entwurf – Redaktion hat den Artikel bearbeitet")
WITHDRAWN_CLASS = "wire-withdrawn"


def badge(text: Any, *, classname: str, title: Any = "") -> SafeString:
    """A Wagtail status tag; `title` is also given to screen readers (a tooltip alone is not)."""
    if not title:
        return format_html('<span class="w-status {}">{}</span>', classname, text)
    return format_html(
        '<span class="w-status {}" title="{}">{}<span class="w-sr-only">: {}</span></span>',
        classname,
        title,
        text,
        title,
    )


def urgency_cell(story: WireStory) -> SafeString:
    parts: list[Any] = []
    if story.breaking:
        parts.append(badge(_("Eilmeldung"), classname="w-status--primary wire-breaking"))
    if story.urgency is not None:
        parts.append(str(story.urgency))
    return format_html_join(" ", "{}", ((part,) for part in parts)) if parts else SafeString("–")


def headline_cell(story: WireStory) -> SafeString:
    if story.article_id:
        url = reverse("wagtailadmin_pages:edit", args=[story.article_id])
        headline = format_html('<a href="{}">{}</a>', url, story.headline)
    else:
        headline = format_html("{}", story.headline)
    if not story.needs_review:
        return headline
    review = badge(_("Neue Version"), classname="wire-needs-review", title=NEEDS_REVIEW_HELP)
    return format_html("{} {}", headline, review)


def status_cell(story: WireStory) -> SafeString:
    status = story.current_status
    label = WireStory.Status(status).label
    if status == WireStory.Status.WITHDRAWN:
        return badge(label, classname="w-status--label wire-withdrawn-status")
    return format_html("{}", label)


class DeskTable(Table):
    def get_row_classname(self, instance: WireStory) -> str:
        return WITHDRAWN_CLASS if instance.status == WireStory.Status.WITHDRAWN else ""

    @property
    def media(self) -> Media:
        return super().media + Media(css={"all": [ADMIN_CSS]})


class DeskFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=WireStory.Status.choices,
        widget=forms.RadioSelect,
        empty_label=_("alle"),
    )
    feed = django_filters.ModelChoiceFilter(
        label=_("Agentur"), queryset=feeds_by_name(), empty_label=_("alle")
    )

    class Meta:
        model = WireStory
        fields = ["status", "feed"]


class DeskIndexView(IndexView):
    """The filters are applied by the selector (desk_stories), which also fixes the order."""

    any_permission_required = ["view"]
    table_class = DeskTable  # type: ignore[assignment]
    page_title = _("Agenturmeldungen")

    def get_base_queryset(self) -> QuerySet[WireStory]:
        filters = self.filters
        data = filters.form.cleaned_data if filters is not None and filters.is_valid() else {}
        feed = data.get("feed")
        return desk_stories(status=data.get("status") or None, feed_id=feed.pk if feed else None)

    def filter_queryset(self, queryset: QuerySet[WireStory]) -> QuerySet[WireStory]:
        return queryset  # done in get_base_queryset, through the selector

    @cached_property
    def no_results_message(self) -> str:
        if self.is_filtering or self.is_searching:
            return str(_("Keine Agenturmeldung passt zu Filter oder Suche."))
        return str(_("Noch keine Agenturmeldungen eingegangen."))


class DeskViewSet(ReadOnlyModelViewSet):
    model = WireStory
    name = DESK
    url_prefix = "agenturen/meldungen"
    icon = "doc-full-inverse"
    menu_label = _("Agenturmeldungen")
    index_view_class = DeskIndexView
    inspect_view_enabled = False
    filterset_class = DeskFilterSet
    search_fields = ["headline"]
    list_per_page = 50

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        # Only "view": stories are written by the import alone.
        return model_permissions(self.model).filter(codename="view_wirestory")

    def get_urlpatterns(self) -> list[Any]:
        # A story is looked at through its article (the headline links to the page editor).
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "inspect"]

    @cached_property
    def list_display(self) -> list[Column]:
        return [
            Column("updated_at", label=_("Zeit"), accessor=lambda s: berlin_text(s.updated_at)),
            Column("feed", label=_("Agentur"), accessor=lambda s: s.feed.name if s.feed else "–"),
            Column("urgency", label=_("Dringlichkeit"), accessor=urgency_cell),
            Column("headline", label=_("Überschrift"), accessor=headline_cell),
            Column(
                "section",
                label=_("Ressort"),
                accessor=lambda s: s.section.title if s.section else "–",
            ),
            Column("status", label=_("Status"), accessor=status_cell),
        ]
