"""Wagtail admin for the Wochenrückblick: the "Wochenrückblick" snippet (review and edit the
topics inline) and the approve action (a confirmation page that POSTs)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from depesche.core.admin.permissions import PermissionRequiredAdminView
from depesche.digest.forms import DigestForm
from depesche.digest.models import Digest
from depesche.digest.services import DigestEmpty, DigestLocked, digest_approve

APPROVE_PERMISSION = "digest.approve_digest"


def can_approve(user: Any, digest: Digest) -> bool:
    return not digest.is_locked and bool(user.has_perm(APPROVE_PERMISSION))


def approve_url(digest: Digest) -> str:
    return reverse(DigestViewSet.approve_url_name, args=[digest.pk])


def approve_button(digest: Digest, priority: int = 5) -> Button:
    return Button(_("Freigeben"), approve_url(digest), icon_name="check", priority=priority)


class DigestEditView(EditView):
    @cached_property
    def header_more_buttons(self) -> list[Button]:
        buttons: list[Button] = list(super().header_more_buttons)
        if can_approve(self.request.user, self.object):
            buttons.append(approve_button(self.object))
        return buttons


class ApproveView(PermissionRequiredAdminView):
    """GET: what will be approved; POST (CSRF-checked by Django's middleware): approve."""

    template_name = "digest/admin/approve.html"
    page_title = _("Wochenrückblick freigeben")
    header_icon = "check"
    permission_required = APPROVE_PERMISSION

    def load(self, **kwargs: Any) -> None:
        self.digest = get_object_or_404(Digest, pk=kwargs["pk"])

    def edit_url(self) -> str:
        return reverse(DigestViewSet.edit_url_name_full, args=[self.digest.pk])

    def get_page_subtitle(self) -> str:
        return self.digest.week

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["digest"] = self.digest
        context["topics"] = self.digest.topics.all()
        context["edit_url"] = self.edit_url()
        context["can_approve"] = not self.digest.is_locked
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            digest_approve(digest=self.digest, user=request.user)
        except (DigestLocked, DigestEmpty) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Wochenrückblick %(week)s freigegeben.") % {"week": self.digest.week}
            )
        return redirect(self.edit_url())


class DigestViewSet(SnippetViewSet):
    model = Digest
    icon = "date"
    menu_label = _("Wochenrückblick")
    menu_name = "wochenrueckblick"
    menu_order = 250
    add_to_admin_menu = True
    edit_view_class = DigestEditView
    list_display = [
        "week",
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("period_start", label=_("von")),
        DateColumn("period_end", label=_("bis")),
        DateColumn("approved_at", label=_("freigegeben")),
    ]
    list_filter = ["status"]
    edit_handler = ObjectList(Digest.panels, base_form_class=DigestForm)
    # Names under this viewset's URL namespace (wagtailsnippets_digest_digest).
    approve_url_name = "wagtailsnippets_digest_digest:approve"
    edit_url_name_full = "wagtailsnippets_digest_digest:edit"

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("approve/<int:pk>/", ApproveView.as_view(), name="approve"),
        ]
