"""A read-only ModelViewSet: whoever may view looks, nobody changes anything through it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet


class ReadOnlyModelViewSet(ModelViewSet):
    """A ModelViewSet that routes only index, results and inspect, and asks only "view".

    `extra_permission_codenames` names the model's own permissions (Meta.permissions) that
    groups should be able to grant besides "view"."""

    inspect_view_enabled = True
    copy_view_enabled = False
    sort_order_field = None
    # Nothing here is edited, so nothing has "usages" worth indexing on every append.
    add_to_reference_index = False
    extra_permission_codenames: tuple[str, ...] = ()
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
        # Only "view" and the extra permissions mean something here; add/change/delete would
        # be dead checkboxes.
        return (
            super()
            .get_permissions_to_register()
            .filter(
                Q(codename__startswith="view_") | Q(codename__in=self.extra_permission_codenames)
            )
        )
