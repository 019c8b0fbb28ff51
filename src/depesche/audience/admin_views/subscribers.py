"""The subscribers in the admin ("Leser → Abonnenten"): list, inspect, and erasure on request.

A reader's settings change only through their own preference center; the one write here is
erasing a reader (GDPR Art. 17), with "Leserdaten löschen", through the reader's own erasure
service, and recorded in Wagtail's audit log."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.log_actions import log

from depesche.audience.admin_views.common import (
    CONSENTS,
    ERASE_PERMISSION,
    SUBSCRIBERS,
    ReaderDataViewSet,
    columns_without_reader_data,
    may_erase,
    purpose_label,
    sees_reader_data,
    short_hash,
)
from depesche.audience.masking import email_masked
from depesche.audience.models import (
    AuthorFollow,
    ConsentRecord,
    Subscriber,
    Subscription,
    TagFollow,
)
from depesche.audience.services import WEEKLY, email_normalise, subscriber_erase
from depesche.core.admin.listing import with_tiebreak
from depesche.core.admin.permissions import PermissionRequiredAdminView, can_view, forbidden
from depesche.core.timefmt import berlin_text

logger = logging.getLogger(__name__)

# The action in Wagtail's audit log (Reports → Site history); registered in wagtail_hooks.
READER_ERASED = "depesche.audience.erase"


def subscribers_for_admin() -> QuerySet[Subscriber]:
    """Subscribers with their number of active follows and whether the weekly is on."""
    weekly = Subscription.objects.filter(subscriber=OuterRef("pk"), purpose=WEEKLY, active=True)
    return Subscriber.objects.annotate(
        active_follows=Count("follows", filter=Q(follows__active=True)),
        weekly=Exists(weekly),
    )


class SubscriberFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Subscriber.Status.choices,
        widget=forms.RadioSelect,
        empty_label=_("alle"),
    )
    weekly = django_filters.BooleanFilter(label=_("Wochenrückblick"), widget=BooleanRadioSelect)

    class Meta:
        model = Subscriber
        fields = ["status"]


class SubscriberIndexView(IndexView):
    any_permission_required = ["view"]

    @cached_property
    def reader_data(self) -> bool:
        return sees_reader_data(self.request.user)

    @cached_property
    def columns(self) -> list[Column]:
        columns: list[Column] = super().columns
        if self.reader_data:
            return columns
        return columns_without_reader_data(columns, lambda row: email_masked(row.email))

    def get_base_queryset(self) -> QuerySet[Subscriber]:
        return subscribers_for_admin()

    def search_queryset(self, queryset: QuerySet[Subscriber]) -> QuerySet[Subscriber]:
        """By address; without "Leserdaten exportieren" only by the whole address."""
        if not self.is_searching:
            return queryset
        if not self.reader_data:
            return queryset.filter(email=email_normalise(self.search_query))
        return queryset.filter(email__icontains=self.search_query)

    def order_queryset(self, queryset: QuerySet[Subscriber]) -> QuerySet[Subscriber]:
        return with_tiebreak(super().order_queryset(queryset))


def _follow_rows(follows: Iterable[tuple[str, TagFollow | AuthorFollow]]) -> list[dict[str, Any]]:
    """(topic name, follow) pairs as the inspect page's follows table shows them."""
    return [
        {
            "topic": topic,
            "frequency": follow.get_frequency_display(),
            "active": follow.active,
            "since": berlin_text(follow.confirmed_at or follow.created_at),
        }
        for topic, follow in follows
    ]


class SubscriberInspectView(InspectView):
    any_permission_required = ["view"]
    page_title = _("Abonnent")

    def get_object(self, queryset: Any = None) -> Subscriber:
        return get_object_or_404(subscribers_for_admin().filter(pk=self.pk))

    @cached_property
    def email_shown(self) -> str:
        subscriber: Subscriber = self.object
        full = sees_reader_data(self.request.user)
        return subscriber.email if full else email_masked(subscriber.email)

    def get_page_subtitle(self) -> str:
        # Wagtail's default is str(subscriber): the full address.
        return self.email_shown

    def get_fields_context(self) -> list[dict[str, Any]]:
        subscriber: Subscriber = self.object
        rows = [
            (_("E-Mail"), self.email_shown),
            (_("Status"), subscriber.get_status_display()),
            (_("angelegt"), berlin_text(subscriber.created_at)),
            (_("bestätigt"), berlin_text(subscriber.confirmed_at) or "–"),
            (_("abgemeldet"), berlin_text(subscriber.unsubscribed_at) or "–"),
            (_("Wochenrückblick"), _("ja") if subscriber.weekly else _("nein")),  # type: ignore[attr-defined]
        ]
        return [{"label": label, "value": value, "component": None} for label, value in rows]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        subscriber: Subscriber = self.object
        context["follows"] = _follow_rows(
            (follow.tag.name, follow)
            for follow in TagFollow.objects.filter(subscriber=subscriber)
            .select_related("tag")
            .order_by("tag__name")
        )
        context["author_follows"] = _follow_rows(
            (follow.author.name, follow)
            for follow in AuthorFollow.objects.filter(subscriber=subscriber)
            .select_related("author")
            .order_by("author__name")
        )
        link = can_view(self.request.user, ConsentRecord)
        context["ledger"] = [
            {
                "url": reverse(f"{CONSENTS}:inspect", args=[record.pk]) if link else "",
                "time": berlin_text(record.occurred_at),
                "action": record.get_action_display(),
                "purpose": purpose_label(record.purpose),
                "source": record.source,
                "consent_version": short_hash(record.consent_text),
            }
            for record in subscriber.consents.select_related("consent_text").defer(
                "consent_text__text"
            )
        ]
        if may_erase(self.request.user):
            context["erase_url"] = reverse(f"{SUBSCRIBERS}:erase", args=[subscriber.pk])
        return context


class SubscriberEraseView(PermissionRequiredAdminView):
    """Erase a reader on their request (GDPR Art. 17), also one who bounced or complained and
    can no longer use the links: a confirmation page, and the erasure only by POST (CSRF
    checked by the middleware). The work is the reader's own erasure service's."""

    template_name = "audience/admin/subscriber_erase.html"
    page_title = _("Leserdaten löschen")
    header_icon = "user"
    permission_required = ERASE_PERMISSION

    def permission_denied(self) -> HttpResponseBase:
        return forbidden(str(_("Zum Löschen fehlt die Berechtigung „Leserdaten löschen“.")))

    def load(self, **kwargs: Any) -> None:
        self.subscriber = get_object_or_404(subscribers_for_admin(), pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        full = sees_reader_data(self.request.user)
        return self.subscriber.email if full else email_masked(self.subscriber.email)

    def get_breadcrumbs_items(self) -> list[Any]:
        return []  # like Wagtail's delete confirmation: the plain header with the reader

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["subscriber"] = self.subscriber
        context["erase_url"] = self.request.path
        context["inspect_url"] = reverse(f"{SUBSCRIBERS}:inspect", args=[self.subscriber.pk])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subscriber_pk = self.subscriber.pk
        # The service keeps no trace of who erased; the audit log does, in the same
        # transaction, and names the reader by id only: the address is exactly what must not
        # survive (the entry's default title would be it).
        with transaction.atomic():
            log(
                instance=self.subscriber,
                action=READER_ERASED,
                user=request.user,
                title=f"{Subscriber._meta.verbose_name} {subscriber_pk}",
                deleted=True,
            )
            subscriber_erase(subscriber=self.subscriber)
        logger.info("reader %s erased in the admin by user %s", subscriber_pk, request.user.pk)
        messages.success(
            request,
            str(_("Leserdaten gelöscht; die Adresse bekommt keine E-Mails mehr.")),
        )
        return HttpResponseRedirect(reverse(f"{SUBSCRIBERS}:index"))


class SubscriberViewSet(ReaderDataViewSet):
    model = Subscriber
    name = SUBSCRIBERS
    url_prefix = "leser/abonnenten"
    icon = "user"
    menu_label = _("Abonnenten")
    index_view_class = SubscriberIndexView
    inspect_view_class = SubscriberInspectView
    inspect_template_name = "audience/admin/subscriber_inspect.html"
    filterset_class = SubscriberFilterSet
    search_fields = ["email"]
    ordering = "-created_at"
    list_per_page = 50
    erase_view_class = SubscriberEraseView

    @property
    def erase_view(self) -> Any:
        return self.erase_view_class.as_view()

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path(f"loeschen/<{self.pk_path_converter}:pk>/", self.erase_view, name="erase"),
        ]

    @cached_property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "email",
                label=_("E-Mail"),
                sort_key="email",
                url_name=self.get_url_name("inspect"),
            ),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column("active_follows", label=_("Aktive Themen"), sort_key="active_follows"),
            BooleanColumn("weekly", label=_("Wochenrückblick"), sort_key="weekly"),
            Column(
                "created_at",
                label=_("angelegt"),
                accessor=lambda subscriber: berlin_text(subscriber.created_at),
                sort_key="created_at",
            ),
            Column(
                "confirmed_at",
                label=_("bestätigt"),
                accessor=lambda subscriber: berlin_text(subscriber.confirmed_at),
                sort_key="confirmed_at",
            ),
        ]
