"""Read-only Wagtail admin views for the alert outbox: "Versand → Artikel" and "→ Warteschlange"
(alerts/admin_articles.py, alerts/admin_queue.py), their menu and the page buttons.

Only GET views are routed, there are no add, edit or delete URLs, and every view asks for
`alerts.view_delivery` (alerts/admin_common.py).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.widgets.button import Button

from depesche.alerts.admin_articles import ArticleDeliveriesView, ArticleSummaryIndexView
from depesche.alerts.admin_common import (
    ARTICLES,
    QUEUE,
    article_deliveries_url,
    can_view_deliveries,
)
from depesche.alerts.admin_queue import QueueView
from depesche.newsroom.models import ArticlePage


class DeliveryMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_view_deliveries(request.user)


class ArticleDeliveriesViewSet(ViewSet):
    name = ARTICLES
    url_prefix = "versand/artikel"
    icon = "doc-full"
    menu_label = _("Artikel")
    menu_item_class = DeliveryMenuItem

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("", ArticleSummaryIndexView.as_view(), name="index"),
            path(
                "results/",
                ArticleSummaryIndexView.as_view(results_only=True),
                name="index_results",
            ),
            path("<int:article_id>/", ArticleDeliveriesView.as_view(), name="article"),
            path(
                "<int:article_id>/results/",
                ArticleDeliveriesView.as_view(results_only=True),
                name="article_results",
            ),
        ]


class QueueViewSet(ViewSet):
    name = QUEUE
    url_prefix = "versand/warteschlange"
    icon = "time"
    menu_label = _("Warteschlange")
    menu_item_class = DeliveryMenuItem

    def get_urlpatterns(self) -> list[Any]:
        return [path("", QueueView.as_view(), name="index")]


class DeliveryGroup(ViewSetGroup):
    """The "Versand" menu; shown only to users who may view deliveries."""

    menu_label = _("Versand")
    menu_icon = "mail"
    menu_name = "versand"
    menu_order = 8100  # after "Leser" (8000), before Reports (9000)
    items = (ArticleDeliveriesViewSet, QueueViewSet)


def article_page_buttons(*, page: Any, user: Any) -> list[Button]:
    """ "Versand" on an article (page editor header, page listing), for users who may look.

    Decided from the page's content type (cached) and the user's cached permissions: no query
    per row of a page listing.
    """
    page_class = page.specific_class
    if page_class is None or not issubclass(page_class, ArticlePage):
        return []
    if not can_view_deliveries(user):
        return []
    return [Button(_("Versand"), article_deliveries_url(page.pk), icon_name="mail", priority=80)]
