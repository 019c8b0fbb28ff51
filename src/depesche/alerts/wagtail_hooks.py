"""Wagtail admin: the "Versand" menu (per article, queue; both read-only), the "Versand" button
on articles in the page editor and page listing, and `view_delivery` for group permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from wagtail import hooks

from depesche.alerts.admin_views import DeliveryGroup, article_page_buttons


@hooks.register("register_admin_viewset")
def register_delivery_views() -> DeliveryGroup:
    return DeliveryGroup()


@hooks.register("register_permissions")
def register_delivery_permissions() -> QuerySet[Permission]:
    # Only "view" means something: the outbox is written by fan-out and workers alone.
    return Permission.objects.filter(content_type__app_label="alerts", codename="view_delivery")


@hooks.register("register_page_header_buttons")
def delivery_page_header_button(
    page: Any, user: Any, view_name: str, next_url: str | None = None
) -> list[Any]:
    return article_page_buttons(page=page, user=user)


@hooks.register("register_page_listing_more_buttons")
def delivery_page_listing_button(page: Any, user: Any, next_url: str | None = None) -> list[Any]:
    return article_page_buttons(page=page, user=user)
