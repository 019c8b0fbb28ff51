"""Private-page passwords and "Passwort vergessen?" are rate-limited like the admin login:
per client IP and per page or address, 429 with Retry-After until the window ends."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.factories import publish_article

TOO_MANY = "Zu viele Versuche"


@pytest.fixture
def private(site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Nur für Abonnenten")
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="geheim-2026"
    )
    url = f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/"
    return article, url


def try_password(client: Client, url: str, article, password: str):
    return client.post(url, {"password": password, "return_url": article.url})


def test_wrong_page_passwords_are_limited_per_ip(private, settings, clock):
    article, url = private
    settings.RATE_PAGE_PASSWORD_IP = "3/h"
    client = Client(REMOTE_ADDR="198.51.100.7")
    # Three allowed; the fourth still gets its answer but goes over the rate.
    for _ in range(4):
        response = try_password(client, url, article, "falsch")
        assert response.status_code == 200  # the form again, with Wagtail's error
        assert TOO_MANY not in response.content.decode()
    blocked = try_password(client, url, article, "geheim-2026")
    assert blocked.status_code == 429  # the right password is not even checked
    assert TOO_MANY in blocked.content.decode()
    assert 0 < int(blocked["Retry-After"]) <= 3600
    assert client.get(article.url).status_code == 200  # still the password form, not the page
    assert "Nur für Abonnenten" not in client.get(article.url).content.decode().split("<body")[1]

    # Another reader elsewhere is not affected, and the window ends.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert try_password(other, url, article, "geheim-2026").status_code == 302
    clock.now += 3600
    assert try_password(client, url, article, "geheim-2026").status_code == 302


def test_a_page_password_guessed_from_many_addresses_is_limited_per_page(private, settings, clock):
    article, url = private
    settings.RATE_PAGE_PASSWORD_PAGE = "4/h"
    for n in range(5):
        client = Client(REMOTE_ADDR=f"198.51.{n}.1")
        assert try_password(client, url, article, "falsch").status_code == 200
    fresh = Client(REMOTE_ADDR="198.51.10.1")
    assert try_password(fresh, url, article, "geheim-2026").status_code == 429


def test_right_page_passwords_do_not_count(private, settings, clock):
    article, url = private
    settings.RATE_PAGE_PASSWORD_IP = "2/h"
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        assert try_password(client, url, article, "geheim-2026").status_code == 302


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(
        "redakteurin", "redaktion@example.org", "Richtig-und-lang-genug-2026"
    )


def request_reset(client: Client, address: str):
    return client.post("/admin/password_reset/", {"email": address})


def test_password_reset_mails_are_limited_per_address(editor, settings, clock, mailoutbox):
    settings.RATE_PASSWORD_RESET_ADDRESS = "2/h"
    for n in range(2):
        client = Client(REMOTE_ADDR=f"198.51.{n}.1")
        assert request_reset(client, "Redaktion@example.org").status_code == 302
    assert len(mailoutbox) == 2
    refused = request_reset(Client(REMOTE_ADDR="198.51.7.1"), "redaktion@example.org")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert len(mailoutbox) == 2  # no third mail
    clock.now += 3600
    assert (
        request_reset(Client(REMOTE_ADDR="198.51.7.1"), "redaktion@example.org").status_code == 302
    )
    assert len(mailoutbox) == 3


def test_password_reset_is_limited_per_ip_for_any_address(editor, settings, clock, mailoutbox):
    settings.RATE_PASSWORD_RESET_IP = "3/h"
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(3):
        assert request_reset(client, f"niemand{n}@example.org").status_code == 302
    assert request_reset(client, "redaktion@example.org").status_code == 429
    assert mailoutbox == []  # unknown addresses get no mail; the known one was refused


def test_wrong_passwords_for_a_private_document_collection_are_limited(db, settings, clock):
    from wagtail.models import Collection, CollectionViewRestriction

    settings.RATE_PAGE_PASSWORD_IP = "2/h"
    collection = Collection.get_first_root_node().add_child(name="Intern")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="geheim-2026",
    )
    url = f"/documents/authenticate_with_password/{restriction.pk}/"
    client = Client(REMOTE_ADDR="198.51.100.7")
    form = {"password": "falsch", "return_url": "/"}
    for _ in range(3):  # two allowed; the third is answered and goes over
        assert client.post(url, form).status_code == 200
    blocked = client.post(url, {"password": "geheim-2026", "return_url": "/"})
    assert blocked.status_code == 429
    assert TOO_MANY in blocked.content.decode()
    clock.now += 3600
    assert client.post(url, {"password": "geheim-2026", "return_url": "/"}).status_code == 302


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/password_reset/"])
def test_the_limited_admin_forms_are_never_cached(db, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_message_counts_minutes_in_german_and_english(settings):
    from django.utils import translation

    from depesche.core.security import _too_many

    assert _too_many(30) == "Zu viele Versuche. Bitte versuchen Sie es in 1 Minute erneut."
    assert _too_many(600) == "Zu viele Versuche. Bitte versuchen Sie es in 10 Minuten erneut."
    with translation.override("en"):
        assert _too_many(600) == "Too many attempts. Please try again in 10 minutes."
