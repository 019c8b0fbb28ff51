"""The consent ledger in the admin ("Leser → Einwilligungsnachweise"): list, inspect, export.

The ledger is proof (append-only): nothing here changes it. Without "Leserdaten exportieren"
addresses are masked, network and browser hidden, and the export refused (a plain 403)."""

from __future__ import annotations

import logging
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.log_actions import log

from depesche.audience.admin_views.common import (
    CONSENTS,
    SUBSCRIBERS,
    ReaderDataViewSet,
    columns_without_reader_data,
    purpose_label,
    sees_reader_data,
    short_hash,
)
from depesche.audience.masking import email_masked
from depesche.audience.models import ConsentRecord, Subscriber
from depesche.audience.services import address_hash, email_normalise
from depesche.core.admin.export import DATETIME_EXPORT, SAFE_VALUE_PREPROCESS
from depesche.core.admin.listing import with_tiebreak
from depesche.core.admin.permissions import can_view, forbidden
from depesche.core.timefmt import berlin_text

logger = logging.getLogger(__name__)

# The action in Wagtail's audit log (Reports → Site history); registered in wagtail_hooks.
LEDGER_EXPORTED = "depesche.audience.ledger_export"
# The TextVersion columns a row needs; the (long) texts themselves only on the inspect page.
TEXT_RELATIONS = ("consent_text", "privacy_text", "terms_text")
# Ledger columns that only "Leserdaten exportieren" shows.
PERSONAL_LEDGER_COLUMNS = ("ip_truncated", "user_agent")


def ledger_email(record: ConsentRecord) -> str:
    """The address, or for erased rows a marked, shortened hash (the full hash is exported)."""
    if record.erased_at:
        return str(_("gelöscht · %(hash)s…")) % {"hash": record.email[:16]}
    return record.email


def ledger_email_masked(record: ConsentRecord) -> str:
    return str(_("gelöscht")) if record.erased_at else email_masked(record.email)


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


def ledger_export_log(*, user: Any, rows: list[ConsentRecord], spreadsheet_format: str) -> None:
    """Record an export in Wagtail's audit log (GDPR accountability: who took readers' data
    out, when, how much). A log entry needs an object, so it hangs on the export's first row
    (the log shows it as a consent record named after the export); an empty export took
    nothing out and is not logged there."""
    logger.info(
        "consent ledger exported as %s by user %s (%d rows)",
        spreadsheet_format,
        getattr(user, "pk", None),
        len(rows),
    )
    if not rows:
        return
    title = _("Export der Einwilligungsnachweise (%(format)s, %(count)s Zeilen)") % {
        "format": spreadsheet_format.upper(),
        "count": len(rows),
    }
    data = {"format": spreadsheet_format, "rows": len(rows)}
    log(instance=rows[0], action=LEDGER_EXPORTED, user=user, title=str(title), data=data)


class ConsentRecordIndexView(IndexView):
    any_permission_required = ["view"]
    custom_field_preprocess = {"occurred_at": DATETIME_EXPORT, "erased_at": DATETIME_EXPORT}
    custom_value_preprocess = SAFE_VALUE_PREPROCESS

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
        rows = list(queryset)  # evaluated once: the export iterates the same cached rows
        ledger_export_log(user=self.request.user, rows=rows, spreadsheet_format=spreadsheet_format)
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


class ConsentRecordViewSet(ReaderDataViewSet):
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
