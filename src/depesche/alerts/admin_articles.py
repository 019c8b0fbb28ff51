"""Versand → Artikel: articles with alerts (one GROUP BY a page), and one article's
deliveries, filterable by status and kind.

Readers' addresses follow the readers' admin: without "Leserdaten exportieren"
(`audience.export_reader_data`) they are masked ("a…@example.org"), in the errors too (mail
servers echo them), not sortable, and found only by the whole address. The article export
carries counts, no addresses.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.widgets.button import Button

from depesche.alerts.admin_common import (
    ARTICLES,
    ARTICLES_TITLE,
    PER_PAGE,
    DeliveryViewMixin,
    article_deliveries_url,
    ordered,
    status_label,
)
from depesche.alerts.admin_selectors import (
    STATUSES,
    article_delivery_summaries,
    article_delivery_summary,
    article_push_summary,
    deliveries_for_article,
)
from depesche.alerts.models import ArticleAlert, Delivery
from depesche.audience.admin_views import SUBSCRIBERS, sees_reader_data
from depesche.audience.masking import email_masked, emails_masked_in
from depesche.audience.models import Subscriber, TagFollow
from depesche.audience.services import email_normalise
from depesche.core.admin.export import CSV, DATETIME_EXPORT, csv_safe
from depesche.core.admin.permissions import can_view
from depesche.core.timefmt import berlin_text
from depesche.newsroom.models import ArticlePage

# --- Versand → Artikel --------------------------------------------------------------------------


class StatusCountColumn(Column):
    """A per-status count; a non-zero one links to the article's deliveries in that status."""

    def get_value(self, instance: dict[str, Any]) -> Any:
        count = instance[self.name]
        if not count:
            return count
        url = article_deliveries_url(instance["article_id"], status=self.name)
        return format_html('<a href="{}">{}</a>', url, count)


EXPORT_HEADINGS = {
    "article_id": _("Seiten-ID"),
    "title": _("Artikel"),
    "started_at": _("Benachrichtigung gestartet (Europe/Berlin)"),
    "recipients": _("Empfänger"),
    **{status: label for status, label in Delivery.Status.choices},
    "first_sent": _("erster Versand (Europe/Berlin)"),
    "last_sent": _("letzter Versand (Europe/Berlin)"),
}


class ArticlePaginator(WagtailPaginator):
    """Counts the rows as articles ("12 Artikel"), not as the model's deliveries."""

    verbose_name = _("Artikel")
    verbose_name_plural = _("Artikel")


class ArticleSummaryIndexView(DeliveryViewMixin, SpreadsheetExportMixin, BaseListingView):
    """Articles with deliveries, newest fan-out first: recipients, a count per status and the
    first and last send time. One GROUP BY for the page (plus the paginator's count)."""

    page_title = ARTICLES_TITLE
    header_icon = "doc-full"
    index_url_name = f"{ARTICLES}:index"
    index_results_url_name = f"{ARTICLES}:index_results"
    paginate_by = PER_PAGE
    paginator_class = ArticlePaginator
    is_searchable = True
    search_fields = ["article__title"]
    default_ordering = "-started_at"
    list_export = list(EXPORT_HEADINGS)
    export_headings = EXPORT_HEADINGS
    export_filename = "versand-artikel"
    custom_field_preprocess = {
        "started_at": DATETIME_EXPORT,
        "first_sent": DATETIME_EXPORT,
        "last_sent": DATETIME_EXPORT,
    }
    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        str: {CSV: csv_safe},
    }

    @cached_property
    def columns(self) -> list[Column]:
        return [
            TitleColumn(
                "title",
                label=_("Artikel"),
                sort_key="title",
                get_url=lambda row: article_deliveries_url(row["article_id"]),
            ),
            Column(
                "started_at",
                label=_("gestartet"),
                accessor=lambda row: berlin_text(row["started_at"]),
                sort_key="started_at",
            ),
            Column("recipients", label=_("Empfänger"), sort_key="recipients"),
            *(
                StatusCountColumn(status, label=status_label(status), sort_key=status)
                for status in STATUSES
            ),
            Column(
                "first_sent",
                label=_("erster Versand"),
                accessor=lambda row: berlin_text(row["first_sent"]),
                sort_key="first_sent",
            ),
            Column(
                "last_sent",
                label=_("letzter Versand"),
                accessor=lambda row: berlin_text(row["last_sent"]),
                sort_key="last_sent",
            ),
        ]

    def get_base_queryset(self) -> QuerySet[Any]:
        return article_delivery_summaries()

    def order_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return ordered(queryset, self.ordering or self.default_ordering, "-article_id")

    @cached_property
    def no_results_message(self) -> str:
        if self.is_searching:
            return str(_("Kein Artikel mit Benachrichtigungen passt zur Suche."))
        return str(_("Noch keine Benachrichtigungen verschickt."))

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> Any:
        if self.is_export:
            return self.as_spreadsheet(context["object_list"], self.request.GET.get("export"))
        response: HttpResponse = super().render_to_response(context, **response_kwargs)
        return response


# --- Versand → Artikel → one article ------------------------------------------------------------


class DeliveryFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Delivery.Status.choices,
        widget=forms.RadioSelect,
        empty_label=_("alle"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Art"),
        choices=TagFollow.Frequency.choices,
        widget=forms.RadioSelect,
        empty_label=_("alle"),
    )

    class Meta:
        model = Delivery
        fields = ["status", "kind"]


class ArticleDeliveriesView(DeliveryViewMixin, BaseListingView):
    """One article: its summary and its deliveries, filterable by status and kind."""

    template_name = "alerts/admin/article_deliveries.html"
    page_title = _("Versand")
    header_icon = "mail"
    paginate_by = PER_PAGE
    is_searchable = True
    search_fields = ["subscriber__email"]
    filterset_class = DeliveryFilterSet
    verbose_name_plural = _("Zustellungen")

    @cached_property
    def reader_data(self) -> bool:
        return sees_reader_data(self.request.user)

    @property
    def default_ordering(self) -> str:  # type: ignore[override]
        # Sorted by address, the masked list would still give away the addresses' order.
        return "subscriber__email" if self.reader_data else "status"

    @cached_property
    def article(self) -> ArticlePage:
        pages = ArticlePage.objects.defer_streamfields()  # type: ignore[attr-defined]
        article: ArticlePage = get_object_or_404(pages, pk=self.kwargs["article_id"])
        return article

    @cached_property
    def subscriber_links(self) -> bool:
        return can_view(self.request.user, Subscriber)

    def email(self, delivery: Delivery) -> str:
        address = delivery.subscriber.email
        return address if self.reader_data else email_masked(address)

    def error(self, text: str) -> str:
        """Mail servers' answers often name the recipient ("550 <anna@example.org> …")."""
        return text if self.reader_data else emails_masked_in(text)

    @cached_property
    def columns(self) -> list[Column]:
        return [
            TitleColumn(
                "email",
                label=_("E-Mail"),
                accessor=self.email,
                sort_key="subscriber__email" if self.reader_data else None,
                get_url=self.subscriber_url,
            ),
            Column("kind", label=_("Art"), accessor="get_kind_display", sort_key="kind"),
            Column("matched_tags", label=_("Themen")),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column("attempts", label=_("Versuche"), sort_key="attempts"),
            Column(
                "last_error",
                label=_("Letzter Fehler"),
                # Masked before it is shortened: a cut address would no longer be recognised.
                accessor=lambda delivery: Truncator(self.error(delivery.last_error)).chars(80),
            ),
            Column(
                "sent_at",
                label=_("gesendet"),
                accessor=lambda delivery: berlin_text(delivery.sent_at),
                sort_key="sent_at",
            ),
            Column(
                "next_attempt_at",
                label=_("nächster Versuch"),
                accessor=lambda delivery: (
                    berlin_text(delivery.next_attempt_at)
                    if delivery.status == Delivery.Status.PENDING
                    else ""
                ),
            ),
        ]

    def subscriber_url(self, delivery: Delivery) -> str:
        if not self.subscriber_links:
            return ""
        return reverse(f"{SUBSCRIBERS}:inspect", args=[delivery.subscriber_id])

    def get_page_subtitle(self) -> str:
        return self.article.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = list(self.breadcrumbs_items)
        return [
            *items,
            {"url": reverse(f"{ARTICLES}:index"), "label": ARTICLES_TITLE},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_header_more_buttons(self) -> list[Button]:
        edit = reverse("wagtailadmin_pages:edit", args=[self.article.pk])
        return [Button(_("Artikel bearbeiten"), edit, icon_name="edit")]

    def get_index_url(self) -> str:
        return reverse(f"{ARTICLES}:article", args=[self.article.pk])

    def get_index_results_url(self) -> str:
        return reverse(f"{ARTICLES}:article_results", args=[self.article.pk])

    def get_base_queryset(self) -> QuerySet[Delivery]:
        return deliveries_for_article(article_id=self.article.pk)

    def search_queryset(self, queryset: QuerySet[Delivery]) -> QuerySet[Delivery]:
        """By address; without "Leserdaten exportieren" only by the whole address."""
        if not self.is_searching:
            return queryset
        if not self.reader_data:
            return queryset.filter(subscriber__email=email_normalise(self.search_query))
        return queryset.filter(subscriber__email__icontains=self.search_query)

    def order_queryset(self, queryset: QuerySet[Delivery]) -> QuerySet[Delivery]:
        return ordered(queryset, self.ordering or self.default_ordering, "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        if self.results_only:
            return context  # the summary sits outside the refreshed results
        summary = article_delivery_summary(article_id=self.article.pk)
        context["article"] = self.article
        context["summary"] = summary
        context["alert"] = ArticleAlert.objects.filter(article_id=self.article.pk).first()
        push = article_push_summary(article_id=self.article.pk)
        if push is not None:
            context["push"] = push
            context["push_counts"] = [
                {"label": status_label(status), "count": push.counts[status]} for status in STATUSES
            ]
        if summary:
            context["status_counts"] = [
                {
                    "label": status_label(status),
                    "count": summary[status],
                    "url": article_deliveries_url(self.article.pk, status=status),
                }
                for status in STATUSES
            ]
            context["started_at"] = berlin_text(summary["started_at"])
            context["first_sent"] = berlin_text(summary["first_sent"])
            context["last_sent"] = berlin_text(summary["last_sent"])
        return context
