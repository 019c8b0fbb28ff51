"""Every view that can change state checks the CSRF token, except an explicit, reasoned list.

The walk over the URL resolver makes a new view without CSRF protection fail here until it is
either protected or added to EXEMPT with its reason.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from taggit.models import Tag

from depesche.audience import emails
from depesche.audience.models import Subscriber
from tests.factories import follower, publish_article

# Views that accept a POST without a CSRF token, by URL name (namespace:name) or module.
EXEMPT_NAMES = {
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without cookies or token; the
    # signed token names exactly one reader and one list, and the POST only ends that list.
    "audience:one-click": "RFC 8058 one-click unsubscribe",
    # Agencies push records to /wire/<feed>/ from their servers: no browser, no cookie read;
    # authenticated by the feed's bearer secret in constant time (tests/wire/test_push.py).
    "wire-push": "agency push, bearer secret",
}
EXEMPT_MODULES = {
    # The email service's webhooks: no browser, no cookie; authenticated by the basic-auth
    # secret ANYMAIL_WEBHOOK_SECRET (tested below).
    "anymail.webhooks.": "email-service webhooks, basic auth",
    # The read-only JSON API (django-ninja): GET only, no cookies read (POST is 405, below).
    "ninja.": "read-only JSON API",
    # The Wagtail admin's own API (Django REST framework): its SessionAuthentication enforces
    # CSRF itself for logged-in unsafe requests (tested below).
    "wagtail.admin.api.": "DRF enforces CSRF for session logins",
    "wagtail.images.api.admin.": "DRF, as above",
    "wagtail.documents.api.admin.": "DRF, as above",
}

SAMPLES = {
    "int": "1",
    "slug": "x",
    "str": "x",
    "path": "x/y",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}
# URLs for the patterns written as regular expressions.
REGEX_SAMPLES = {
    r"documents/^(\d+)/(.*)$": "/documents/1/datei.pdf",
    r"^media/(?P<path>.*)$": "/media/original_images/x.png",
    r"^((?:[\w\-]+/)*)$": "/politik/",
}


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def every_view() -> list[tuple[str, URLPattern]]:
    return list(walk(get_resolver().url_patterns))


def exempt_reason(route: str, pattern: URLPattern) -> str | None:
    match = resolve_name(route, pattern)
    if match in EXEMPT_NAMES:
        return EXEMPT_NAMES[match]
    module = getattr(pattern.callback, "__module__", "") or ""
    for prefix, reason in EXEMPT_MODULES.items():
        if module.startswith(prefix):
            return reason
    return None


def resolve_name(route: str, pattern: URLPattern) -> str:
    url = sample_url(route)
    try:
        return resolve(url).view_name
    except Resolver404:
        return ""


def sample_url(route: str) -> str:
    if route in REGEX_SAMPLES:
        return REGEX_SAMPLES[route]
    url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)
    url = url.replace("^", "").replace("$", "")
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)
    url = re.sub(r"\([^)]*\)\??", "", url)
    return "/" + url


def test_only_the_listed_views_are_csrf_exempt():
    unexpected = []
    for route, pattern in every_view():
        # core/csrf.py's Origin check replaces the token check (it is walked below like any
        # protected view: without Origin and token it answers 403).
        if getattr(pattern.callback, "csrf_origin_checked", False):
            continue
        if getattr(pattern.callback, "csrf_exempt", False) and not exempt_reason(route, pattern):
            unexpected.append(route)
    assert unexpected == []


def test_the_exempt_list_names_only_views_that_exist_and_are_exempt():
    by_name = {
        resolve_name(route, pattern): pattern
        for route, pattern in every_view()
        if resolve_name(route, pattern)
    }
    for name in EXEMPT_NAMES:
        assert getattr(by_name[name].callback, "csrf_exempt", False), name


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("redakteurin", "r@example.org", "x" * 20)


def test_posting_without_a_token_is_refused_everywhere_else(site_tree, editor):
    """A POST without a token to every other URL (public and admin, logged in) is a 403."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    Tag.objects.create(name="Energie", slug="energie")
    checked = []
    for route, pattern in every_view():
        if exempt_reason(route, pattern):
            continue
        url = sample_url(route)
        try:
            match = resolve(url)
        except Resolver404:
            pytest.fail(f"no sample URL for {route}: add one to REGEX_SAMPLES")
        if match.func is not pattern.callback:
            continue  # the sample is served by an earlier pattern, checked on its own turn
        response = browser.post(url, {"x": "1"})
        assert response.status_code == 403, (route, url, response.status_code)
        assert b"CSRF" in response.content, (route, url)
        checked.append(route)
    # Spot checks that the walk really covered the state-changing views.
    for route in [
        "admin/login/",
        "_util/login/",
        "abo/",
        "abo/aendern/",
        "abo/folgen/<str:slug>/",
        "suche/",
        "i18n/setlang/",
        "admin/images/add/",
        "admin/pages/<int:parent_page_id>/add_subpage/",
    ]:
        assert route in checked, route
    assert any(route.startswith("admin/digest") or "approve" in route for route in checked)
    assert len(checked) > 200


def test_admin_api_refuses_a_logged_in_post_without_token(site_tree, editor):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    home = site_tree.home
    response = browser.post(
        f"/admin/api/main/pages/{home.pk}/action/copy/",
        data=json.dumps({"destination_page_id": home.get_parent().pk}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_the_json_api_accepts_no_posts(site_tree):
    browser = Client(enforce_csrf_checks=True)
    for url in ["/api/articles/", "/api/sections/", "/api/tags/", "/api/articles/1/"]:
        assert browser.post(url, {}).status_code == 405, url


def test_one_click_unsubscribe_works_without_token_and_only_ends_that_list(site_tree):
    reader = follower("leserin@example.org", "Energie", "Klima")
    path = emails.unsubscribe_url(reader, "thema:klima").removeprefix(settings.BASE_URL)

    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    active = set(reader.follows.filter(active=True).values_list("tag__slug", flat=True))
    assert active == {"energie"}
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE
    # The token is the authority: a forged one does nothing.
    forged = path.replace(path.split("/")[-2], "gefaelscht")
    assert Client(enforce_csrf_checks=True).post(forged, {}).status_code == 400


def test_email_service_webhook_needs_its_basic_auth_secret(db):
    follower("leserin@example.org", "Energie")
    url = "/anymail/postmark/tracking/"
    event = json.dumps(
        {
            "RecordType": "Bounce",
            "Type": "HardBounce",
            "TypeCode": 1,
            "ID": 1,
            "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
            "Email": "leserin@example.org",
            "BouncedAt": "2026-04-27T16:28:50.3963933-04:00",
            "Description": "unknown user",
            "Details": "smtp;550 5.1.1",
            "Inactive": True,
        }
    )
    browser = Client(enforce_csrf_checks=True)

    def secret(credentials: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}

    for headers in [{}, secret("anymail-test:falsch")]:
        response = browser.post(url, event, content_type="application/json", headers=headers)
        assert response.status_code == 400
        assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE

    response = browser.post(
        url,
        event,
        content_type="application/json",
        headers=secret(settings.ANYMAIL["WEBHOOK_SECRET"][0]),
    )
    assert response.status_code == 200
    assert Subscriber.objects.get().status != Subscriber.Status.ACTIVE


# Past the CSRF check the form itself answers: the dialog's sign-up goes through (a redirect
# to the thanks page); the [+] form posted with only an address answers with its form errors.
@pytest.mark.parametrize(
    ("url", "passed"), [("/newsletter/", 302), ("/abo/folgen/energie/anmelden/", 400)]
)
def test_sign_up_forms_on_cached_pages_are_protected_by_origin(site_tree, url, passed):
    """The dialog and [+] sign-up carry no token (their pages are cached for everyone): a POST
    passes only when the browser says it comes from this site, or with a valid token."""
    # A tag readers can see: one of a published article (a drafts-only tag answers 404).
    publish_article(site_tree.sections["Politik"], tags=["Energie"])
    data = {"email": "leserin@example.org", "consent": "on"}

    def post(**headers):
        return Client(enforce_csrf_checks=True).post(url, data, **headers)

    for forged in [{}, {"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}]:
        response = post(**forged)
        assert response.status_code == 403 and b"CSRF" in response.content, forged
    assert not Subscriber.objects.exists()  # nothing was written by a refused post
    cross_site = post(HTTP_SEC_FETCH_SITE="cross-site")
    assert cross_site.status_code == 403
    for own in [{"HTTP_ORIGIN": "http://testserver"}, {"HTTP_SEC_FETCH_SITE": "same-origin"}]:
        response = post(**own)
        assert response.status_code == passed, (own, response.status_code)
        assert b"CSRF" not in response.content
    # Without those headers, a form that does carry the token passes Django's own check.
    browser = Client(enforce_csrf_checks=True)
    browser.get("/newsletter/")
    token = browser.cookies["csrftoken"].value if "csrftoken" in browser.cookies else None
    if token is None:  # the page set no cookie: ask Django's machinery for one
        from django.middleware.csrf import _get_new_csrf_string

        token = _get_new_csrf_string()
        browser.cookies["csrftoken"] = token
    response = browser.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == passed and b"CSRF" not in response.content
