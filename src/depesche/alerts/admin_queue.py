"""Versand → Warteschlange: the queue across articles, read-only."""

from __future__ import annotations

from typing import Any

from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from depesche.alerts.admin_common import DeliveryViewMixin, article_deliveries_url, status_label
from depesche.alerts.admin_selectors import STATUSES, deliveries_latest_errors, queue_overview
from depesche.alerts.models import Delivery
from depesche.audience.admin_views import sees_reader_data
from depesche.audience.masking import email_masked, emails_masked_in
from depesche.core.timefmt import berlin_text


class QueueView(DeliveryViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """The queue across articles: counts per status, what is due, how old the oldest pending
    alert is, and the latest errors."""

    template_name = "alerts/admin/queue.html"
    page_title = _("Versand: Warteschlange")
    header_icon = "time"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = list(self.breadcrumbs_items)
        return [*items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        overview = queue_overview()
        now = overview.now
        context["overview"] = overview
        context["status_labels"] = [status_label(status) for status in STATUSES]
        context["status_counts"] = [
            {"label": status_label(status), "count": overview.counts[status]} for status in STATUSES
        ]
        context["oldest_age"] = (
            timesince(overview.oldest_pending, now, depth=2) if overview.oldest_pending else ""
        )
        context["oldest_pending"] = berlin_text(overview.oldest_pending)
        context["kinds"] = [
            {
                "label": queue.label,
                "counts": [queue.counts[status] for status in STATUSES],
                "due": queue.due,
                "oldest_age": (
                    timesince(queue.oldest_pending, now, depth=2) if queue.oldest_pending else ""
                ),
            }
            for queue in overview.kinds
        ]
        full = sees_reader_data(self.request.user)
        context["errors"] = [
            {
                "url": article_deliveries_url(delivery.article_id),
                "article": delivery.article_title,  # type: ignore[attr-defined]
                "email": (
                    delivery.subscriber.email if full else email_masked(delivery.subscriber.email)
                ),
                "status": delivery.get_status_display(),
                "attempts": delivery.attempts,
                # Mail servers' answers often name the recipient.
                "error": delivery.last_error if full else emails_masked_in(delivery.last_error),
                "next_attempt": (
                    berlin_text(delivery.next_attempt_at)
                    if delivery.status == Delivery.Status.PENDING
                    else ""
                ),
            }
            for delivery in deliveries_latest_errors()
        ]
        return context
