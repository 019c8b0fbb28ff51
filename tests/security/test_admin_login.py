"""The Wagtail admin login is limited per client IP and per username; behind a reverse proxy the
client IP comes from X-Forwarded-For, as far as DEPESCHE_TRUSTED_PROXIES trusts it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.test import Client

from depesche.config.env import parse_networks
from depesche.core import security

LOGIN = "/admin/login/"
PASSWORD = "Richtig-und-lang-genug-2026"
BLOCKED = "Zu viele fehlgeschlagene Anmeldeversuche"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("redakteurin", "r@example.org", PASSWORD)


@pytest.fixture
def password_checks():
    """Every authentication that reached the password check, as (username, succeeded)."""
    checks: list[tuple[str, bool]] = []

    def failed(sender, credentials, **kwargs):
        checks.append((credentials.get("username"), False))

    def succeeded(sender, user, **kwargs):
        checks.append((user.get_username(), True))

    user_login_failed.connect(failed)
    user_logged_in.connect(succeeded)
    yield checks
    user_login_failed.disconnect(failed)
    user_logged_in.disconnect(succeeded)


def attempt(password: str, username: str = "redakteurin", ip: str = "192.0.2.10", **extra):
    browser = Client(REMOTE_ADDR=ip, **extra)
    return browser.post(LOGIN, {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_five_failures_per_username_are_tolerated_then_even_the_right_password_is_refused(
    editor, clock, password_checks
):
    for _ in range(6):
        response = attempt("falsch")
        assert response.status_code == 200
        assert BLOCKED not in response.content.decode()
    assert len(password_checks) == 6

    response = attempt(PASSWORD)

    assert response.status_code == 429
    assert BLOCKED in response.content.decode()
    assert int(response["Retry-After"]) == 3600
    assert not logged_in(response)
    assert len(password_checks) == 6  # the password was not even checked
    # The same username from anywhere else is refused too (distributed guessing).
    assert attempt(PASSWORD, ip="198.51.100.77").status_code == 429
    # Other users from other addresses log in as usual.
    get_user_model().objects.create_superuser("kollege", "k@example.org", PASSWORD)
    assert logged_in(attempt(PASSWORD, username="kollege", ip="198.51.100.77"))

    clock.now += 30 * 60
    response = attempt(PASSWORD)
    assert response.status_code == 429 and int(response["Retry-After"]) == 1800

    clock.now += 30 * 60  # the next hour: a new window
    assert logged_in(attempt(PASSWORD))


def test_username_case_and_spaces_do_not_escape_the_limit(editor, clock):
    for name in ["redakteurin", "Redakteurin", " REDAKTEURIN", "redakteurin ", "ReDaKteurin", "x"]:
        attempt("falsch", username=name if name != "x" else "redakteurin")
    assert attempt(PASSWORD, username="Redakteurin").status_code == 429


def test_many_usernames_from_one_address_block_that_address_only(editor, clock, password_checks):
    for n in range(21):
        assert attempt("falsch", username=f"rate{n}", ip="203.0.113.5").status_code == 200

    refused = attempt(PASSWORD, ip="203.0.113.5")
    assert refused.status_code == 429
    assert not logged_in(refused)
    # The /24 is one address (as everywhere Depesche keeps addresses).
    assert attempt(PASSWORD, ip="203.0.113.200").status_code == 429
    assert len(password_checks) == 21
    assert logged_in(attempt(PASSWORD, ip="192.0.2.10"))


def test_the_blocked_page_is_the_login_form_in_german(editor, clock):
    for _ in range(6):
        attempt("falsch")
    response = attempt(PASSWORD)
    html = response.content.decode()
    assert 'name="password"' in html and 'value="redakteurin"' in html
    assert "Bitte versuchen Sie es in 60 Minuten erneut." in html


def proxies(raw: str):
    return parse_networks("DEPESCHE_TRUSTED_PROXIES", raw)


def test_behind_one_proxy_the_forwarded_client_counts(editor, clock, settings):
    settings.TRUSTED_PROXIES = proxies("10.0.0.2")
    proxy = "10.0.0.2"
    for n in range(21):
        response = attempt(
            "falsch",
            username=f"rate{n}",
            ip=proxy,
            # The left entry is what the client claimed; the proxy appended the real peer.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
        )
        assert response.status_code == 200
    blocked = attempt(PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert blocked.status_code == 429
    # Another reader behind the same proxy is not affected.
    assert logged_in(attempt(PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9"))


def test_without_trusted_proxies_a_forged_header_changes_nothing(editor, clock, settings):
    settings.TRUSTED_PROXIES = proxies("")
    for n in range(21):
        attempt("falsch", username=f"rate{n}", HTTP_X_FORWARDED_FOR=f"198.51.{n}.1")
    assert attempt(PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429


def test_a_peer_that_is_no_trusted_proxy_cannot_forge_its_address(editor, clock, settings):
    # A proxy is configured, but this peer talks to the web process directly (e.g. a port
    # left open): its X-Forwarded-For is its own claim and is ignored.
    settings.TRUSTED_PROXIES = proxies("10.0.0.0/8")
    for n in range(21):
        response = attempt(
            "falsch", username=f"rate{n}", ip="203.0.113.66", HTTP_X_FORWARDED_FOR=f"198.51.{n}.1"
        )
        assert response.status_code == 200
    blocked = attempt(PASSWORD, ip="203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert blocked.status_code == 429


def test_forwarded_for_middleware_picks_the_entry_the_trusted_proxies_added(rf, settings):
    seen = []
    middleware = security.ForwardedForMiddleware(lambda request: seen.append(request) or None)

    def remote_addr(header: str | None, trusted: str, peer: str = "10.0.0.2") -> str:
        settings.TRUSTED_PROXIES = proxies(trusted)
        meta = {"REMOTE_ADDR": peer}
        if header is not None:
            meta["HTTP_X_FORWARDED_FOR"] = header
        middleware(rf.get("/", **meta))
        return seen[-1].META["REMOTE_ADDR"]

    assert remote_addr("1.1.1.1, 203.0.113.5", "10.0.0.2") == "203.0.113.5"
    # A CDN and our proxy: the CDN's address is trusted too and skipped.
    cdn_and_proxy = "10.0.0.2,198.51.100.0/24"
    assert remote_addr("1.1.1.1, 203.0.113.5, 198.51.100.7", cdn_and_proxy) == "203.0.113.5"
    assert remote_addr(None, "10.0.0.2") == "10.0.0.2"
    assert remote_addr("203.0.113.5", "") == "10.0.0.2"
    # The peer is no trusted proxy: the header is ignored, whatever it says.
    assert remote_addr("203.0.113.5", "10.0.0.1", peer="192.0.2.44") == "192.0.2.44"
