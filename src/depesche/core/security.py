"""Hardening without a domain: the client's address behind proxies, the admin login's limits.

The admin login counts failed attempts per client IP (/24, IPv6 /48, as everywhere) and per
username in fixed windows of the shared cache (core/ratelimit.py). Once either goes over its
rate, every further attempt in that window is refused with 429 before the password is checked,
the correct password included: a guesser learns nothing more until the window ends.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from wagtail.admin.views.account import LoginView

from depesche.core import ratelimit
from depesche.core.net import client_ip


class ForwardedForMiddleware:
    """REMOTE_ADDR := the client's address as the last of DEPESCHE_TRUSTED_PROXIES saw it.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N
    trusted proxies the N-th entry from the right is the client; entries further left are
    whatever the client claimed and are ignored. With 0 (the default) the header is ignored:
    anyone could send it. With fewer entries than proxies the request did not come through
    them, and REMOTE_ADDR stays as it is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = settings.TRUSTED_PROXIES
        if proxies > 0:
            header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
            hops = [hop.strip() for hop in header.split(",") if hop.strip()]
            if len(hops) >= proxies:
                request.META["REMOTE_ADDR"] = hops[-proxies]
        return self.get_response(request)


def _login_limits(request: HttpRequest, username: str) -> list[tuple[str, str, str]]:
    limits = [("admin-login-ip", client_ip(request) or "?", settings.RATE_ADMIN_LOGIN_IP)]
    if username:
        limits.append(("admin-login-user", username, settings.RATE_ADMIN_LOGIN_USER))
    return limits


def _block_key(group: str, key: str) -> str:
    digest = hashlib.sha256(f"{group}:{key}".encode()).hexdigest()[:32]
    return f"rl-blocked:{group}:{digest}"


def login_blocked_for(request: HttpRequest, username: str) -> int:
    """Seconds until the login may be tried again; 0 when it is not blocked."""
    now = time.time()
    until = [
        cache.get(_block_key(group, key)) for group, key, _rate in _login_limits(request, username)
    ]
    return max((math.ceil(u - now) for u in until if u and u > now), default=0)


def login_failed(request: HttpRequest, username: str) -> None:
    """Count one failed login; block the IP or username until its window ends when over."""
    for group, key, rate in _login_limits(request, username):
        if ratelimit.hit(group, key, rate):
            _limit, window = ratelimit.parse_rate(rate)
            window_end = (time.time() // window + 1) * window
            cache.set(_block_key(group, key), window_end, timeout=int(window) + 5)


def _username(request: HttpRequest) -> str:
    return str(request.POST.get("username", "")).strip().lower()[:150]


class LoginRateLimitMixin:
    """Refuses attempts from a blocked IP or for a blocked username; counts failures."""

    request: HttpRequest

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = login_blocked_for(request, _username(request))
        if not retry_after:
            return super().post(request, *args, **kwargs)  # type: ignore[misc]
        form = self.get_form()  # type: ignore[attr-defined]
        # Set the error directly: form.errors would run full_clean(), which authenticates.
        message = _(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in "
            "%(minutes)d Minuten erneut."
        ) % {"minutes": max(1, math.ceil(retry_after / 60))}
        form._errors = ErrorDict({"__all__": form.error_class([message])})
        context = self.get_context_data(form=form)  # type: ignore[attr-defined]
        response: HttpResponse = self.render_to_response(context, status=429)  # type: ignore[attr-defined]
        response["Retry-After"] = str(retry_after)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        login_failed(self.request, _username(self.request))
        return super().form_invalid(form)  # type: ignore[misc]


class RateLimitedLoginView(LoginRateLimitMixin, LoginView):
    """Wagtail's admin login (/admin/login/) with the limits."""


class RateLimitedFrontendLoginView(LoginRateLimitMixin, auth_views.LoginView):
    """Wagtail's login for private pages (/_util/login/): the same accounts, the same limits."""

    template_name = "wagtailcore/login.html"
