"""Wagtail admin views for readers: the consent ledger and the subscribers.

Whoever may view them looks, never changes: the ledger is proof (append-only), and a reader's
settings change only through their own preference center. The viewsets therefore route only
the index and inspect views; there are no add, edit, copy, delete, history or usage URLs.

Readers' data is for those allowed. "view" shows the rows with addresses masked and without
network and browser; the permission "Leserdaten exportieren" shows them in full and allows
the ledger's CSV/XLSX export. "Leserdaten löschen" allows the one action that writes: erasing a
reader through the same service as the reader's own erasure. No group has either by default.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.permissions import policy_registry

from depesche.audience.masking import email_masked
from depesche.audience.models import (
    ConsentRecord,
    Subscriber,
    Subscription,
    TagFollow,
    TextVersion,
)
from depesche.audience.services import (
    ALL_LISTS,
    WEEKLY,
    address_hash,
    email_normalise,
    subscriber_erase,
)

logger = logging.getLogger(__name__)

CSV = SpreadsheetExportMixin.FORMAT_CSV
XLSX = SpreadsheetExportMixin.FORMAT_XLSX
# The TextVersion columns a row needs; the (long) texts themselves only on the inspect page.
TEXT_RELATIONS = ("consent_text", "privacy_text", "terms_text")
# URL namespaces (and names) of the two viewsets.
CONSENTS = "audience_consents"
SUBSCRIBERS = "audience_subscribers"
# Permissions beyond "view" (Subscriber.Meta.permissions), for those who handle data requests.
EXPORT_PERMISSION = "audience.export_reader_data"
ERASE_PERMISSION = "audience.erase_reader"
READER_DATA_CODENAMES = ("export_reader_data", "erase_reader")
# Ledger columns that only "Leserdaten exportieren" shows.
PERSONAL_LEDGER_COLUMNS = ("ip_truncated", "user_agent")


# --- formatting -------------------------------------------------------------------------------


def berlin(value: datetime) -> datetime:
    """`value` in the site's time zone (Europe/Berlin), whatever zone the admin user chose."""
    return timezone.localtime(value, timezone.get_default_timezone())


def berlin_text(value: datetime | None) -> str:
    return berlin(value).strftime("%d.%m.%Y %H:%M:%S") if value else ""


def berlin_iso(value: datetime | None) -> str:
    """ISO 8601 with the offset, so exported times stay unambiguous across DST changes."""
    return berlin(value).isoformat(timespec="seconds") if value else ""


def berlin_naive(value: datetime | None) -> datetime | None:
    """Excel has no time zones: the Berlin wall-clock time."""
    return berlin(value).replace(tzinfo=None) if value else None


def short_hash(version: TextVersion | None) -> str:
    return version.sha256[:12] if version else ""


def purpose_label(purpose: str) -> str:
    if purpose == WEEKLY:
        return str(_("Wochenrückblick"))
    if purpose == ALL_LISTS:
        return str(_("alle Listen"))
    if purpose.startswith("thema:"):
        return str(_("Thema „%(slug)s“")) % {"slug": purpose.removeprefix("thema:")}
    return purpose


def ledger_email(record: ConsentRecord) -> str:
    """The address, or for erased rows a marked, shortened hash (the full hash is exported)."""
    if record.erased_at:
        return str(_("gelöscht · %(hash)s…")) % {"hash": record.email[:16]}
    return record.email


def ledger_email_masked(record: ConsentRecord) -> str:
    return str(_("gelöscht")) if record.erased_at else email_masked(record.email)


def csv_safe(value: str) -> str:
    """Readers type the address and send the user agent: keep spreadsheets from running them
    as formulas (CSV injection, OWASP)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- the shared read-only viewset ---------------------------------------------------------------


class ReadOnlyModelViewSet(ModelViewSet):
    """A ModelViewSet that routes only index, results and inspect, and asks only "view"."""

    inspect_view_enabled = True
    copy_view_enabled = False
    sort_order_field = None
    # Nothing here is edited, so nothing has "usages" worth indexing on every append.
    add_to_reference_index = False
    NO_URL_NAMES = (
        "add_url_name",
        "edit_url_name",
        "delete_url_name",
        "copy_url_name",
        "history_url_name",
        "usage_url_name",
        "reorder_url_name",
    )

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs: dict[str, Any] = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(dict.fromkeys(self.NO_URL_NAMES))
        return view_kwargs

    def get_urlpatterns(self) -> list[Any]:
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
        ]

    def register_admin_url_finder(self) -> None:
        """No edit view, so no "edit URL" for Wagtail's admin URL finder to hand out."""

    def get_permissions_to_register(self) -> Any:
        # Only "view" and the reader-data permissions mean something here; add/change/delete
        # would be dead checkboxes.
        return (
            super()
            .get_permissions_to_register()
            .filter(Q(codename__startswith="view_") | Q(codename__in=READER_DATA_CODENAMES))
        )


def with_tiebreak(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Add "-pk" to an explicit ordering so that equal values keep their place across pages."""
    ordering = queryset.query.order_by
    return queryset.order_by(*ordering, "-pk") if ordering else queryset


def can_view(user: Any, model: type) -> bool:
    return bool(policy_registry.get_by_type(model).user_has_permission(user, "view"))


def sees_reader_data(user: Any) -> bool:
    """Addresses, networks, browsers and the ledger export: "Leserdaten exportieren"."""
    return bool(user.has_perm(EXPORT_PERMISSION))


def may_erase(user: Any) -> bool:
    return bool(user.has_perm(ERASE_PERMISSION))


def forbidden(message: str) -> HttpResponse:
    """A plain 403. (Wagtail turns PermissionDenied into a redirect to the dashboard, which a
    script fetching an export would take for an answer.)"""
    return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")


def masked_column(column: Column, accessor: Any) -> Column:
    """The same column showing `accessor`'s masked value, and not sortable (a sort by the
    address would still leak its order)."""
    masked = copy.copy(column)
    masked.accessor = accessor
    masked.sort_key = None
    return masked


def columns_without_reader_data(
    columns: list[Column], email: Any, hidden: tuple[str, ...] = ()
) -> list[Column]:
    """`columns` for a user without "Leserdaten exportieren": the address column shows
    `email(row)` (masked), the `hidden` personal columns are left out."""
    return [
        masked_column(column, email) if column.name == "email" else column
        for column in columns
        if column.name not in hidden
    ]


# --- consent ledger -----------------------------------------------------------------------------


def ledger_purposes() -> list[tuple[str, str]]:
    purposes = (
        ConsentRecord.objects.order_by("purpose").values_list("purpose", flat=True).distinct()
    )
    return [(purpose, purpose_label(purpose)) for purpose in purposes]


class ConsentRecordFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Vorgang"),
        choices=ConsentRecord.Action.choices,
        widget=forms.RadioSelect,
        empty_label=_("alle"),
    )
    # Choices: the purposes in the ledger (topics come and go).
    purpose = django_filters.ChoiceFilter(label=_("Zweck"), empty_label=_("alle"))
    occurred_at = django_filters.DateFromToRangeFilter(
        label=_("Zeitraum"), widget=DateRangePickerWidget
    )

    class Meta:
        model = ConsentRecord
        fields = ["action", "purpose", "occurred_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["purpose"].extra["choices"] = ledger_purposes()


EXPORT_HEADINGS = {
    "occurred_at": _("Zeitpunkt (Europe/Berlin)"),
    "email": _("E-Mail bzw. Hash (gelöscht)"),
    "action": _("Vorgang"),
    "purpose": _("Zweck"),
    "source": _("Formular"),
    "ip_truncated": _("IP (gekürzt)"),
    "user_agent": _("Browser"),
    "consent_version": _("Einwilligungstext (SHA-256)"),
    "privacy_version": _("Datenschutzerklärung (SHA-256)"),
    "terms_version": _("AGB (SHA-256)"),
    "request_nonce": _("Opt-in-Vorgang"),
    "erased_at": _("gelöscht (Europe/Berlin)"),
}
_DATETIME_EXPORT = {CSV: berlin_iso, XLSX: berlin_naive}


def ledger_export_row(record: ConsentRecord) -> dict[str, Any]:
    """One exported row: full hashes, raw purpose keys, times converted on output."""
    return {
        "occurred_at": record.occurred_at,
        "email": record.email,
        "action": record.get_action_display(),
        "purpose": record.purpose,
        "source": record.source,
        "ip_truncated": record.ip_truncated,
        "user_agent": record.user_agent,
        "consent_version": record.consent_text.sha256 if record.consent_text else "",
        "privacy_version": record.privacy_text.sha256 if record.privacy_text else "",
        "terms_version": record.terms_text.sha256 if record.terms_text else "",
        "request_nonce": record.request_nonce,
        "erased_at": record.erased_at,
    }


class ConsentRecordIndexView(IndexView):
    any_permission_required = ["view"]
    custom_field_preprocess = {"occurred_at": _DATETIME_EXPORT, "erased_at": _DATETIME_EXPORT}
    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        str: {CSV: csv_safe},
    }

    def get_base_queryset(self) -> QuerySet[ConsentRecord]:
        return ConsentRecord.objects.select_related(*TEXT_RELATIONS).defer(
            *(f"{relation}__text" for relation in TEXT_RELATIONS)
        )

    def order_queryset(self, queryset: QuerySet[ConsentRecord]) -> QuerySet[ConsentRecord]:
        # Equal timestamps (one request) must not swap places between pages.
        return with_tiebreak(super().order_queryset(queryset))

    @cached_property
    def reader_data(self) -> bool:
        return sees_reader_data(self.request.user)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Before Wagtail's "view" check, so that every refused export is a 403.
        if self.is_export and not self.reader_data:
            return forbidden(
                str(_("Für den Export fehlt die Berechtigung „Leserdaten exportieren“."))
            )
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def show_export_buttons(self) -> bool:
        return self.reader_data and bool(super().show_export_buttons)

    @cached_property
    def columns(self) -> list[Column]:
        columns: list[Column] = super().columns
        if self.reader_data:
            return columns
        return columns_without_reader_data(columns, ledger_email_masked, PERSONAL_LEDGER_COLUMNS)

    def search_queryset(self, queryset: QuerySet[ConsentRecord]) -> QuerySet[ConsentRecord]:
        """By address; erased rows are found again by the salted hash of the address.

        Without "Leserdaten exportieren" only the whole address finds its rows: whoever
        handles a reader's request finds them, but nobody lists addresses by their parts."""
        if not self.is_searching:
            return queryset
        query = self.search_query
        by_hash = Q(email=address_hash(query))
        if not self.reader_data:
            return queryset.filter(Q(email=email_normalise(query)) | by_hash)
        return queryset.filter(Q(email__icontains=query) | by_hash)

    def to_row_dict(self, item: ConsentRecord) -> dict[str, Any]:
        return ledger_export_row(item)

    def as_spreadsheet(self, queryset: QuerySet[ConsentRecord], spreadsheet_format: str) -> Any:
        # Exporting personal data is worth a trace (GDPR accountability).
        logger.info(
            "consent ledger exported as %s by user %s (%d rows)",
            spreadsheet_format,
            self.request.user.pk,
            len(queryset),
        )
        response: HttpResponse = super().as_spreadsheet(queryset, spreadsheet_format)
        return response


class ConsentRecordInspectView(InspectView):
    any_permission_required = ["view"]
    page_title = _("Einwilligungsnachweis")

    def get_object(self, queryset: Any = None) -> ConsentRecord:
        record = ConsentRecord.objects.select_related("subscriber", *TEXT_RELATIONS).filter(
            pk=self.pk
        )
        return get_object_or_404(record)

    def get_page_subtitle(self) -> str:
        # The model's __str__ shows UTC; here everything is Berlin time.
        record: ConsentRecord = self.object
        return " · ".join(
            [
                record.get_action_display(),
                purpose_label(record.purpose),
                berlin_text(record.occurred_at),
            ]
        )

    def get_fields_context(self) -> list[dict[str, Any]]:
        record: ConsentRecord = self.object
        full = sees_reader_data(self.request.user)
        hidden = str(_("verborgen"))
        rows = [
            (_("Zeitpunkt (Europe/Berlin)"), berlin_text(record.occurred_at)),
            (
                _("E-Mail bzw. Hash (gelöscht)"),
                record.email if full else ledger_email_masked(record),
            ),
            (_("Vorgang"), record.get_action_display()),
            (_("Zweck"), f"{purpose_label(record.purpose)} ({record.purpose})"),
            (_("Formular"), record.source),
            (_("IP (gekürzt)"), (record.ip_truncated or "–") if full else hidden),
            (_("Browser"), (record.user_agent or "–") if full else hidden),
            (_("Opt-in-Vorgang"), record.request_nonce or "–"),
            (_("gelöscht"), berlin_text(record.erased_at) or "–"),
        ]
        return [{"label": label, "value": value, "component": None} for label, value in rows]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        record: ConsentRecord = self.object
        context["texts"] = [
            (label, version, berlin_text(version.created_at) if version else "")
            for label, version in (
                (_("Einwilligungstext"), record.consent_text),
                (_("Datenschutzerklärung"), record.privacy_text),
                (_("AGB"), record.terms_text),
            )
        ]
        subscriber = record.subscriber
        if subscriber is not None and can_view(self.request.user, Subscriber):
            context["subscriber_url"] = reverse(f"{SUBSCRIBERS}:inspect", args=[subscriber.pk])
        return context


class ConsentRecordViewSet(ReadOnlyModelViewSet):
    model = ConsentRecord
    name = CONSENTS
    url_prefix = "leser/einwilligungen"
    icon = "clipboard-list"
    menu_label = _("Einwilligungsnachweise")
    index_view_class = ConsentRecordIndexView
    inspect_view_class = ConsentRecordInspectView
    inspect_template_name = "audience/admin/consent_inspect.html"
    filterset_class = ConsentRecordFilterSet
    search_fields = ["email"]
    ordering = "-occurred_at"
    list_per_page = 50
    list_export = list(EXPORT_HEADINGS)
    export_headings = EXPORT_HEADINGS
    export_filename = "einwilligungsnachweise"

    @cached_property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "occurred_at",
                label=_("Zeitpunkt (Europe/Berlin)"),
                accessor=lambda record: berlin_text(record.occurred_at),
                sort_key="occurred_at",
                url_name=self.get_url_name("inspect"),
            ),
            Column("email", label=_("E-Mail"), accessor=ledger_email, sort_key="email"),
            Column("action", label=_("Vorgang"), accessor="get_action_display"),
            Column(
                "purpose",
                label=_("Zweck"),
                accessor=lambda record: purpose_label(record.purpose),
                sort_key="purpose",
            ),
            Column("source", label=_("Formular")),
            Column("ip_truncated", label=_("IP (gekürzt)")),
            Column(
                "user_agent",
                label=_("Browser"),
                accessor=lambda record: Truncator(record.user_agent).chars(40),
            ),
            Column(
                "consent_text",
                label=_("Einwilligungstext"),
                accessor=lambda record: short_hash(record.consent_text),
            ),
            Column(
                "privacy_text",
                label=_("Datenschutzerklärung"),
                accessor=lambda record: short_hash(record.privacy_text),
            ),
            Column(
                "terms_text",
                label=_("AGB"),
                accessor=lambda record: short_hash(record.terms_text),
            ),
        ]


# --- subscribers --------------------------------------------------------------------------------


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
        context["follows"] = [
            {
                "tag": follow.tag.name,
                "frequency": follow.get_frequency_display(),
                "active": follow.active,
                "since": berlin_text(follow.confirmed_at or follow.created_at),
            }
            for follow in TagFollow.objects.filter(subscriber=subscriber)
            .select_related("tag")
            .order_by("tag__name")
        ]
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


class SubscriberEraseView(WagtailAdminTemplateMixin, TemplateView):
    """Erase a reader on their request (GDPR Art. 17), also one who bounced or complained and
    can no longer use the links: a confirmation page, and the erasure only by POST (CSRF
    checked by the middleware). The work is the reader's own erasure service's."""

    template_name = "audience/admin/subscriber_erase.html"
    page_title = _("Leserdaten löschen")
    header_icon = "user"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not may_erase(request.user):
            return forbidden(str(_("Zum Löschen fehlt die Berechtigung „Leserdaten löschen“.")))
        self.subscriber = get_object_or_404(subscribers_for_admin(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

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
        subscriber_erase(subscriber=self.subscriber)
        # The service keeps no trace of who erased; the log does (ids only: the address is
        # exactly what must not survive).
        logger.info("reader %s erased in the admin by user %s", subscriber_pk, request.user.pk)
        messages.success(
            request,
            str(_("Leserdaten gelöscht; die Adresse bekommt keine E-Mails mehr.")),
        )
        return HttpResponseRedirect(reverse(f"{SUBSCRIBERS}:index"))


class SubscriberViewSet(ReadOnlyModelViewSet):
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


class ReadersGroup(ModelViewSetGroup):
    """The "Leser" menu: ledger and subscribers; shown only to users who may view either."""

    menu_label = _("Leser")
    menu_icon = "group"
    menu_name = "leser"
    menu_order = 8000  # after Snippets, before Reports (9000)
    items = (ConsentRecordViewSet, SubscriberViewSet)
