"""Hardening without a domain: the client's address behind proxies, the admin login's limits.

The admin login counts failed attempts per client IP (/24, IPv6 /48, as everywhere) and per
username in fixed windows of the shared cache (core/ratelimit.py). Once either goes over its
rate, every further attempt in that window is refused with 429 before the password is checked,
the correct password included: a guesser learns nothing more until the window ends.
"""

from __future__ import annotations

import hashlib
import math
import posixpath
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.static import serve
from wagtail import views as wagtail_views
from wagtail.admin.views.account import LoginView, PasswordResetView
from wagtail.documents.views import serve as document_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from depesche.config.storage import PRIVATE_PREFIXES
from depesche.core import ratelimit
from depesche.core.net import client_network, forwarded_client


class ForwardedForMiddleware:
    """REMOTE_ADDR := the client's address as our proxies (DEPESCHE_TRUSTED_PROXIES) saw it.

    X-Forwarded-For counts only when the peer is one of those proxies (anyone else could send
    any header); see core/net.forwarded_client for the walk. Without proxies (the default)
    the header is ignored.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = settings.TRUSTED_PROXIES
        if proxies:
            request.META["REMOTE_ADDR"] = forwarded_client(
                str(request.META.get("REMOTE_ADDR", "")),
                str(request.META.get("HTTP_X_FORWARDED_FOR", "")),
                proxies,
            )
        return self.get_response(request)


Limits = list[tuple[str, str, str]]  # (group, key, rate)


def _login_limits(request: HttpRequest, username: str) -> Limits:
    limits = [("admin-login-ip", client_network(request) or "?", settings.RATE_ADMIN_LOGIN_IP)]
    if username:
        limits.append(("admin-login-user", username, settings.RATE_ADMIN_LOGIN_USER))
    return limits


def _block_key(group: str, key: str) -> str:
    digest = hashlib.sha256(f"{group}:{key}".encode()).hexdigest()[:32]
    return f"rl-blocked:{group}:{digest}"


def blocked_for(limits: Limits) -> int:
    """Seconds until any of `limits` lets an attempt through again; 0 when none blocks."""
    now = time.time()
    until = [cache.get(_block_key(group, key)) for group, key, _rate in limits]
    return max((math.ceil(u - now) for u in until if u and u > now), default=0)


def count_attempt(limits: Limits) -> bool:
    """Count one attempt against each limit; one over its rate blocks its key until the
    window ends. True when this attempt went over."""
    over = False
    for group, key, rate in limits:
        if ratelimit.hit(group, key, rate):
            over = True
            _limit, window = ratelimit.parse_rate(rate)
            window_end = (time.time() // window + 1) * window
            cache.set(_block_key(group, key), window_end, timeout=int(window) + 5)
    return over


def login_blocked_for(request: HttpRequest, username: str) -> int:
    """Seconds until the login may be tried again; 0 when it is not blocked."""
    return blocked_for(_login_limits(request, username))


def login_failed(request: HttpRequest, username: str) -> None:
    """Count one failed login; block the IP or username until its window ends when over."""
    count_attempt(_login_limits(request, username))


def _minutes(retry_after: int) -> int:
    return max(1, math.ceil(retry_after / 60))


def _too_many(retry_after: int) -> str:
    minutes = _minutes(retry_after)
    return ngettext(
        "Zu viele Versuche. Bitte versuchen Sie es in %(minutes)d Minute erneut.",
        "Zu viele Versuche. Bitte versuchen Sie es in %(minutes)d Minuten erneut.",
        minutes,
    ) % {"minutes": minutes}


def _with_only_error(form: Any, message: str) -> Any:
    # Set the error directly: form.errors would run full_clean(), which checks the password
    # (or authenticates, or looks the address up).
    form._errors = ErrorDict({"__all__": form.error_class([message])})
    return form


def _refused(response: HttpResponse, retry_after: int) -> HttpResponse:
    """`response` (the form with the limit's message) as the refusal: 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response


def _refused_form(view: Any, message: str, retry_after: int) -> HttpResponse:
    """A form view's page again, with only `message` on its form: nothing was checked."""
    form = _with_only_error(view.get_form(), message)
    return _refused(view.render_to_response(view.get_context_data(form=form)), retry_after)


def _username(request: HttpRequest) -> str:
    return str(request.POST.get("username", "")).strip().lower()[:150]


class LoginRateLimitMixin:
    """Refuses attempts from a blocked IP or for a blocked username; counts failures."""

    request: HttpRequest

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = login_blocked_for(request, _username(request))
        if not retry_after:
            return super().post(request, *args, **kwargs)  # type: ignore[misc]
        minutes = _minutes(retry_after)
        message = ngettext(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in "
            "%(minutes)d Minute erneut.",
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in "
            "%(minutes)d Minuten erneut.",
            minutes,
        ) % {"minutes": minutes}
        return _refused_form(self, message, retry_after)

    def form_invalid(self, form: Any) -> HttpResponse:
        login_failed(self.request, _username(self.request))
        return super().form_invalid(form)  # type: ignore[misc]


class RateLimitedLoginView(LoginRateLimitMixin, LoginView):
    """Wagtail's admin login (/admin/login/) with the limits."""


class RateLimitedFrontendLoginView(LoginRateLimitMixin, auth_views.LoginView):
    """Wagtail's login for private pages (/_util/login/): the same accounts, the same limits."""

    template_name = "wagtailcore/login.html"


class RateLimitedPasswordResetView(PasswordResetView):
    """Wagtail's "Passwort vergessen?" (/admin/password_reset/): every request sends an email,
    so each one counts, per client IP and per address; over either, 429 and no email."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = str(request.POST.get("email", "")).strip().lower()[:254]
        limits = [
            ("password-reset-ip", client_network(request) or "?", settings.RATE_PASSWORD_RESET_IP)
        ]
        if address:
            limits.append(("password-reset-address", address, settings.RATE_PASSWORD_RESET_ADDRESS))
        retry_after = blocked_for(limits)
        if not retry_after and not count_attempt(limits):
            return super().post(request, *args, **kwargs)
        retry_after = retry_after or blocked_for(limits)
        return _refused_form(self, _too_many(retry_after), retry_after)


def _password_limits(request: HttpRequest, kind: str, restriction_id: int) -> Limits:
    return [
        ("private-password-ip", client_network(request) or "?", settings.RATE_PAGE_PASSWORD_IP),
        (f"{kind}-password", str(restriction_id), settings.RATE_PAGE_PASSWORD_PAGE),
    ]


def _password_form_limited(
    request: HttpRequest,
    limits: Limits,
    check: Callable[[], HttpResponse],
    refuse: Callable[[str], HttpResponse],
) -> HttpResponse:
    """Wagtail's password form (`check`), with wrong passwords counted against `limits`; while
    one blocks, `refuse` renders the form with the message instead (429, no password check)."""
    if request.method != "POST":
        return check()
    retry_after = blocked_for(limits)
    if retry_after:
        return _refused(refuse(_too_many(retry_after)), retry_after)
    response = check()
    # The form again means a wrong password; a right one redirects.
    if response.status_code == 200:
        count_attempt(limits)
    return response


def _blank_password_form(request: HttpRequest, restriction: Any, message: str) -> Any:
    form = PasswordViewRestrictionForm(
        instance=restriction, initial={"return_url": request.POST.get("return_url", "")}
    )
    return _with_only_error(form, message)


def rate_limited_page_password(
    request: HttpRequest, page_view_restriction_id: int, page_id: int
) -> HttpResponse:
    """Wagtail's password form for private pages, with failed attempts limited per client IP
    and per protected page (a page's password guessed from many addresses)."""
    restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)

    def refuse(message: str) -> HttpResponse:
        page = get_object_or_404(Page, id=page_id).specific
        action_url = reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk]
        )
        form = _blank_password_form(request, restriction, message)
        response: HttpResponse = page.serve_password_required_response(request, form, action_url)
        return response

    return _password_form_limited(
        request,
        _password_limits(request, "page", restriction.pk),
        lambda: wagtail_views.authenticate_with_password(
            request, page_view_restriction_id, page_id
        ),
        refuse,
    )


def rate_limited_document_password(request: HttpRequest, restriction_id: int) -> HttpResponse:
    """Wagtail's password form for documents in a private collection, limited the same way."""
    restriction = get_object_or_404(CollectionViewRestriction, id=restriction_id)

    def refuse(message: str) -> HttpResponse:
        template = getattr(
            settings, "WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE", "wagtaildocs/password_required.html"
        )
        context = {
            "form": _blank_password_form(request, restriction, message),
            "action_url": reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk]),
        }
        return TemplateResponse(request, template, context)

    return _password_form_limited(
        request,
        _password_limits(request, "document", restriction.pk),
        lambda: document_views.authenticate_with_password(request, restriction_id),
        refuse,
    )


def media_file(request: HttpRequest, path: str) -> HttpResponseBase:
    """/media/<path> from MEDIA_ROOT (no bucket), except documents (config/storage.py).

    The path is normalised first, as Django's `serve` does before it opens the file: otherwise
    /media//documents/…, /media/./documents/… or /media/images/../documents/… would pass a
    check on the raw path and still open a private document. Compared without case for
    case-insensitive file systems.
    """
    name = posixpath.normpath(path).lstrip("/")
    if (name + "/").lower().startswith(PRIVATE_PREFIXES):
        raise Http404("Dokumente nur über /documents/")
    return serve(request, name, document_root=str(settings.MEDIA_ROOT))
