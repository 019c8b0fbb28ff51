"""Agenturen → Ressort-Zuordnung: which section a record lands in, by what it carries (dpa
desk, subject, genre, profile, media topic, keyword, place). Guarded by the model permissions
(wire.add_sectionrule …). Listed by agency (rules for every agency first), then in the order
the import applies them."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from depesche.newsroom.models import SectionPage
from depesche.wire.admin_views.common import RULES, model_permissions, sections_for_choice
from depesche.wire.models import Feed, SectionRule
from depesche.wire.selectors import feeds_by_name, rules_for_admin

ALL_FEEDS = _("alle Agenturen")


class SectionRuleForm(WagtailAdminModelForm):
    feed = forms.ModelChoiceField(
        label=_("Agentur"),
        queryset=Feed.objects.none(),
        required=False,
        empty_label=ALL_FEEDS,
        help_text=SectionRule._meta.get_field("feed").help_text,
    )
    section = forms.ModelChoiceField(label=_("Ressort"), queryset=SectionPage.objects.none())

    class Meta:
        model = SectionRule
        fields = ["feed", "kind", "value", "section", "priority"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["feed"].queryset = feeds_by_name()  # type: ignore[attr-defined]
        self.fields["section"].queryset = sections_for_choice()  # type: ignore[attr-defined]

    def clean_value(self) -> str:
        # The import compares case-insensitively; stray blanks would never match.
        return str(self.cleaned_data["value"]).strip()


class SectionRuleFilterSet(WagtailFilterSet):
    feed = django_filters.ModelChoiceFilter(
        label=_("Agentur"),
        queryset=feeds_by_name(),
        null_label=ALL_FEEDS,
        empty_label=_("alle Zuordnungen"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Merkmal"),
        choices=SectionRule._meta.get_field("kind").choices,
        empty_label=_("alle"),
    )

    class Meta:
        model = SectionRule
        fields = ["feed", "kind"]


class SectionRuleIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[SectionRule]:
        return rules_for_admin()


class SectionRuleViewSet(ModelViewSet):
    model = SectionRule
    name = RULES
    url_prefix = "agenturen/ressort-zuordnung"
    icon = "list-ul"
    menu_label = _("Ressort-Zuordnung")
    index_view_class = SectionRuleIndexView
    filterset_class = SectionRuleFilterSet
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["value"]
    list_per_page = 100
    edit_handler = ObjectList(
        [
            FieldPanel("feed"),
            FieldPanel("kind"),
            FieldPanel("value"),
            FieldPanel("section"),
            FieldPanel("priority"),
        ],
        base_form_class=SectionRuleForm,
    )

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        return model_permissions(self.model)

    @cached_property
    def list_display(self) -> list[Column]:
        return [
            Column(
                "feed",
                label=_("Agentur"),
                accessor=lambda rule: rule.feed.name if rule.feed else ALL_FEEDS,
            ),
            Column("kind", label=_("Merkmal"), accessor="get_kind_display"),
            TitleColumn("value", label=_("Wert"), url_name=self.get_url_name("edit")),
            Column("section", label=_("Ressort"), accessor=lambda rule: rule.section.title),
            Column("priority", label=_("Reihenfolge"), sort_key="priority"),
        ]
