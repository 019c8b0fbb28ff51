"""What the alerts' admin views share: URL names, the permission, status labels, ordering.

Editors and operators look, never change: nothing in these views sends, retries or cancels
(that is the workers' part and `depesche deliveries retry`). Every view asks for
`alerts.view_delivery` (superusers have it).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, OrderBy, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from depesche.alerts.models import Delivery
from depesche.core.admin.permissions import can_view

# URL namespaces (and names) of the two viewsets.
ARTICLES = "delivery_articles"
QUEUE = "delivery_queue"
PER_PAGE = 50
ARTICLES_TITLE = _("Versand nach Artikeln")


def can_view_deliveries(user: Any) -> bool:
    return can_view(user, Delivery)


def status_label(status: str) -> str:
    return str(Delivery.Status(status).label)


def article_deliveries_url(article_id: int, *, status: str = "") -> str:
    url = reverse(f"{ARTICLES}:article", args=[article_id])
    return f"{url}?{urlencode({'status': status})}" if status else url


def ordered(queryset: QuerySet[Any], ordering: str, *tiebreak: str) -> QuerySet[Any]:
    """Order by one key, empty values (never sent, …) last in both directions, then a tiebreak
    so that equal values keep their place across pages."""
    expression = F(ordering.removeprefix("-"))
    key: OrderBy = (
        expression.desc(nulls_last=True)
        if ordering.startswith("-")
        else expression.asc(nulls_last=True)
    )
    return queryset.order_by(key, *tiebreak)


class DeliveryViewMixin(PermissionCheckedMixin):
    """Every view here: `alerts.view_delivery` or nothing."""

    model = Delivery
    permission_required = "view"
