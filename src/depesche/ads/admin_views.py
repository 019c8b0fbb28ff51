"""Wagtail admin for ads: the "Anzeigen" menu (advertisers, campaigns as snippets) and the
read-only per-campaign report (impressions, clicks, CTR per day; CSV export)."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from depesche.ads.models import Advertiser, Campaign
from depesche.ads.selectors import campaign_report
from depesche.core.admin.export import csv_safe
from depesche.core.admin.permissions import PermissionRequiredAdminView

REPORT_PERMISSION = "ads.view_campaign"


def report_url(campaign: Campaign) -> str:
    return reverse("wagtailsnippets_ads_campaign:report", args=[campaign.pk])


def report_button(campaign: Campaign, priority: int = 20) -> Button:
    return Button(_("Bericht"), report_url(campaign), icon_name="table", priority=priority)


class CampaignReportView(PermissionRequiredAdminView):
    """Per day: impressions, clicks, CTR; `?format=csv` downloads the same rows."""

    template_name = "ads/admin/report.html"
    page_title = _("Kampagnenbericht")
    header_icon = "table"
    permission_required = REPORT_PERMISSION

    def load(self, **kwargs: Any) -> None:
        self.campaign = get_object_or_404(
            Campaign.objects.select_related("advertiser"), pk=kwargs["pk"]
        )

    def get_page_subtitle(self) -> str:
        return str(self.campaign)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        rows, total = campaign_report(campaign_id=self.campaign.pk)
        context.update(
            campaign=self.campaign,
            rows=rows,
            total=total,
            csv_url=f"{report_url(self.campaign)}?format=csv",
            edit_url=reverse("wagtailsnippets_ads_campaign:edit", args=[self.campaign.pk]),
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") == "csv":
            return self.csv_response()
        response: HttpResponse = super().get(request, *args, **kwargs)
        return response

    def csv_response(self) -> HttpResponse:
        rows, total = campaign_report(campaign_id=self.campaign.pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="anzeigen-kampagne-{self.campaign.pk}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow([_("Datum"), _("Einblendungen"), _("Klicks"), _("CTR (%)"), _("Kampagne")])
        name = csv_safe(str(self.campaign))
        for row in rows:
            day = row.day.isoformat() if row.day else ""
            writer.writerow([day, row.impressions, row.clicks, f"{row.ctr:.2f}", name])
        writer.writerow([_("gesamt"), total.impressions, total.clicks, f"{total.ctr:.2f}", name])
        return response


class AdvertiserViewSet(SnippetViewSet):
    model = Advertiser
    icon = "group"
    menu_label = _("Werbekunden")
    list_display = ["name"]
    search_fields = ["name"]


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "pick"
    menu_label = _("Kampagnen")
    list_display = [
        "__str__",
        Column("kind", label=_("Art"), accessor="get_kind_display"),
        "starts_at",
        "ends_at",
        "priority",
        "weight",
        BooleanColumn("active", label=_("Aktiv")),
        BooleanColumn("house", label=_("Eigenanzeige")),
    ]
    list_filter = ["active", "house", "kind", "advertiser"]
    search_fields = ["name", "headline", "brand"]

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/bericht/", CampaignReportView.as_view(), name="report"),
        ]


class AdsGroup(SnippetViewSetGroup):
    menu_label = _("Anzeigen")
    menu_icon = "pick"
    menu_name = "anzeigen"
    menu_order = 8200
    items = (CampaignViewSet, AdvertiserViewSet)
