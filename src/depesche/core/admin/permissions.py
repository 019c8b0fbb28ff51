"""Permission checks for admin views.

Wagtail answers PermissionDenied with a redirect to the dashboard; that is right for a page an
editor clicked, wrong for a download a script fetches (it would take the dashboard for the
file). `forbidden` is the plain 403 for the latter."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseForbidden
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry


def can_view(user: Any, model: type) -> bool:
    """Whether `user` may view `model`'s admin (its permission policy, superusers included)."""
    return bool(policy_registry.get_by_type(model).user_has_permission(user, "view"))


def forbidden(message: str) -> HttpResponse:
    """A plain-text 403 with `message` (why, in the user's words)."""
    return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")


class PermissionRequiredAdminView(WagtailAdminTemplateMixin, TemplateView):
    """An admin page (a report, a confirmation) that needs `permission_required`.

    The permission is checked first, before `load()` looks up anything, so that a user without
    it learns nothing (not even whether an id exists). Without it: `permission_denied()`,
    Wagtail's redirect with a message unless a subclass answers otherwise (e.g. `forbidden`).
    """

    permission_required = ""

    def has_permission(self, user: Any) -> bool:
        return bool(user.has_perm(self.permission_required))

    def permission_denied(self) -> HttpResponseBase:
        raise PermissionDenied

    def load(self, **kwargs: Any) -> None:
        """Look up what the page is about (from the URL's `kwargs`); 404 when it is gone."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.has_permission(request.user):
            return self.permission_denied()
        self.load(**kwargs)
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response
