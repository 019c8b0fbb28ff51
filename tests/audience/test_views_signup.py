"""HTTP tests of the sign-up: the newsletter dialog, the /newsletter/ page and the double opt-in.

Mail goes through a real SMTP server on loopback (`smtp_mails`). Each test runs in one
transaction, so requests that enqueue mail run inside `django_capture_on_commit_callbacks`.
The helpers are in tests/support/audience_views.py, shared with the follow and preference tests.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from depesche.audience.models import (
    ConsentRecord,
    NewsletterSettings,
    OptInRequest,
    Subscriber,
    Subscription,
    SuppressedAddress,
    TextVersion,
)
from depesche.audience.selectors import READER_COOKIE
from depesche.audience.services import address_hash
from depesche.core.tokens import read_token
from depesche.newsroom.models import LegalPage
from tests.factories import publish_article
from tests.support.audience_views import (
    CONFIRM_LINK,
    PREFS_LINK,
    THANKS,
    assert_accessible,
    confirm_mails,
    confirmed_reader,
    dialog_form,
    field_error,
    form_with,
    html,
    ledger,
    link_in,
    main_of,
    post,
    sign_up,
    submit,
    written,
)


def consent_version_text(record: ConsentRecord) -> str:
    assert record.consent_text is not None
    return record.consent_text.text


# --- the dialog on every page ------------------------------------------------------------------


def test_dialog_on_every_page_posts_to_newsletter_without_csrf_token(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    pages = ["/", site_tree.sections["Politik"].url, article.url, "/thema/energie/", THANKS]
    consent = TextVersion.objects.none()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        form = dialog_form(response)
        assert form["action"] == "/newsletter/" and form["method"] == "post"
        assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is None
        hidden = submit(form)
        assert hidden["via"] == "modal"
        assert re.fullmatch(r"[0-9a-f]{64}", hidden["consent_version"])
        assert re.fullmatch(r"[0-9a-f]{64}", hidden["privacy_version"])
        consent = TextVersion.objects.filter(sha256=hidden["consent_version"], kind="consent")
        assert consent.exists()
        privacy = TextVersion.objects.get(sha256=hidden["privacy_version"], kind="privacy")
        assert "personenbezogene Daten" in privacy.text
        box = form.find("input", attrs={"name": "consent"})
        assert box["type"] == "checkbox" and not box.has_attr("checked")
    assert consent.get().text == NewsletterSettings.load().consent_text


def test_modal_signup_redirects_to_thanks_and_mails_a_confirmation(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    # A cached page gives no CSRF cookie: the dialog must work with CSRF checks on.
    browser = Client(
        enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver", HTTP_USER_AGENT="Testbrowser/1.0"
    )
    form = dialog_form(browser.get("/"))
    data = submit(form, email="  Leserin@Example.ORG ", consent="on")
    response = post(browser, django_capture_on_commit_callbacks, "/newsletter/", data)

    assert response.status_code == 302 and response["Location"] == THANKS
    thanks = browser.get(THANKS)
    assert thanks.status_code == 200 and "Fast geschafft" in thanks.content.decode()
    assert_accessible(thanks)

    reader = Subscriber.objects.get()
    assert reader.email == "leserin@example.org" and reader.status == Subscriber.Status.PENDING
    assert not Subscription.objects.exists()
    [mail] = smtp_mails.all()
    assert mail.to == "leserin@example.org"
    assert mail.subject == "Bitte bestätigen Sie Ihre Anmeldung bei Depesche"
    assert "Wochenrückblick" in mail.body() and "72 Stunden" in mail.body()
    assert "List-Unsubscribe" not in mail.message  # a transactional mail
    token = link_in(mail, CONFIRM_LINK).split("/")[-2]
    optin = OptInRequest.objects.get()
    assert read_token("optin", token) == optin.nonce
    assert optin.weekly and optin.tag is None and optin.source == "modal"
    assert optin.mailed_at is not None and optin.used_at is None

    record = ConsentRecord.objects.get()
    assert (record.action, record.purpose, record.source) == (
        "consent",
        "wochenrueckblick",
        "modal",
    )
    assert record.subscriber == reader and record.email == "leserin@example.org"
    assert record.request_nonce == optin.nonce
    assert consent_version_text(record) == NewsletterSettings.load().consent_text
    assert record.consent_text.sha256 == data["consent_version"]
    assert record.privacy_text is not None and record.privacy_text.sha256 == data["privacy_version"]
    assert record.terms_text is None
    assert record.ip_truncated == "127.0.0.0"  # the last octet is never stored
    assert record.user_agent == "Testbrowser/1.0"


def test_newsletter_page_works_without_javascript_and_without_csrf_token(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    page = browser.get("/newsletter/")
    assert page.status_code == 200
    assert_accessible(page)
    main = main_of(page)
    assert main.h1.get_text(strip=True) == NewsletterSettings.load().title
    form = form_with(main, "consent")
    assert form["action"] == "/newsletter/" and form["method"] == "post"
    assert form.find("input", attrs={"name": "via"}) is None
    email = form.find("input", attrs={"name": "email"})
    assert email["type"] == "email" and email["autocomplete"] == "email"
    assert (
        form.find("button", attrs={"type": "submit"}).get_text(strip=True) == "Kostenlos anmelden"
    )

    data = submit(form, email="ohne-js@example.org", consent="on")
    response = post(browser, django_capture_on_commit_callbacks, "/newsletter/", data)

    assert response.status_code == 302 and response["Location"] == THANKS
    assert ledger() == [("consent", "wochenrueckblick", "newsletter-seite")]
    assert [m.to for m in confirm_mails(smtp_mails, "ohne-js@example.org")] == [
        "ohne-js@example.org"
    ]


def test_newsletter_page_answers_405_to_other_methods(client, site_tree):
    assert client.put("/newsletter/").status_code == 405
    assert client.delete("/newsletter/").status_code == 405


def test_consent_label_is_the_admin_text_and_links_the_privacy_policy(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    settings = NewsletterSettings.load()
    settings.consent_text = (
        "Ja, schickt mir den Rückblick. Alles Weitere in der Datenschutzerklärung!"
    )
    settings.save()
    privacy_url = site_tree.legal[LegalPage.Kind.PRIVACY].url

    page = client.get("/newsletter/")
    for form in (form_with(main_of(page), "consent"), dialog_form(page)):
        box = form.find("input", attrs={"name": "consent"})
        assert box["type"] == "checkbox" and not box.has_attr("checked")
        label = form.find("label", attrs={"for": box["id"]})
        assert " ".join(label.get_text().split()) == settings.consent_text
        link = label.find("a")
        assert link["href"] == privacy_url and link.get_text() == "Datenschutzerklärung"
    assert client.get(privacy_url).status_code == 200

    data = submit(form_with(main_of(page), "consent"), email="neu@example.org", consent="on")
    assert post(client, django_capture_on_commit_callbacks, "/newsletter/", data).status_code == 302
    assert consent_version_text(ConsentRecord.objects.get()) == settings.consent_text


def test_ledger_keeps_the_consent_text_the_reader_saw_even_if_it_changed_since(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    old = NewsletterSettings.load().consent_text
    form = form_with(main_of(client.get("/newsletter/")), "consent")
    settings = NewsletterSettings.load()
    settings.consent_text = "Neuer Text, erst nach dem Laden der Seite gespeichert."
    settings.save()

    data = submit(form, email="neu@example.org", consent="on")
    assert post(client, django_capture_on_commit_callbacks, "/newsletter/", data).status_code == 302

    assert consent_version_text(ConsentRecord.objects.get()) == old
    # A forged version falls back to the text shown now, never to nothing.
    data = submit(form, email="zwei@example.org", consent="on", consent_version="f" * 64)
    assert post(client, django_capture_on_commit_callbacks, "/newsletter/", data).status_code == 302
    record = ConsentRecord.objects.get(email="zwei@example.org")
    assert consent_version_text(record) == settings.consent_text


def test_no_terms_checkbox_unless_the_settings_ask_for_it(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    page = client.get("/newsletter/")
    assert html(page).find("input", attrs={"name": "terms"}) is None
    data = submit(form_with(main_of(page), "consent"), email="a@example.org", consent="on")
    data["terms"] = "on"  # sent anyway: not asked, so not recorded
    assert post(client, django_capture_on_commit_callbacks, "/newsletter/", data).status_code == 302
    assert ConsentRecord.objects.get().terms_text is None


def test_terms_checkbox_is_separate_optional_and_recorded_when_ticked(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    settings = NewsletterSettings.load()
    settings.ask_terms = True
    settings.save()

    page = client.get("/newsletter/")
    assert_accessible(page)
    for form in (form_with(main_of(page), "consent"), dialog_form(page)):
        terms = form.find("input", attrs={"name": "terms"})
        assert terms["type"] == "checkbox" and not terms.has_attr("checked")
        assert not terms.has_attr("required")
        label = form.find("label", attrs={"for": terms["id"]}).get_text(" ", strip=True)
        assert settings.terms_text in label and "freiwillig" in label
        consent = form.find("input", attrs={"name": "consent"})
        assert consent["id"] != terms["id"]  # two boxes, not one bundled consent
    form = form_with(main_of(page), "consent")
    version = submit(form)["terms_version"]
    terms_text = TextVersion.objects.get(kind="terms", sha256=version)
    assert "Allgemeine Geschäftsbedingungen" in terms_text.text

    without = post(
        client,
        django_capture_on_commit_callbacks,
        "/newsletter/",
        submit(form, email="ohne-agb@example.org", consent="on"),
    )
    with_terms = post(
        client,
        django_capture_on_commit_callbacks,
        "/newsletter/",
        submit(form, email="mit-agb@example.org", consent="on", terms="on"),
    )

    assert without["Location"] == with_terms["Location"] == THANKS
    assert ConsentRecord.objects.get(email="ohne-agb@example.org").terms_text is None
    assert ConsentRecord.objects.get(email="mit-agb@example.org").terms_text == terms_text
    path = link_in(confirm_mails(smtp_mails, "mit-agb@example.org")[0], CONFIRM_LINK)
    assert post(client, django_capture_on_commit_callbacks, path, {}).status_code == 200
    confirmation = ConsentRecord.objects.get(email="mit-agb@example.org", action="confirmation")
    assert confirmation.terms_text == terms_text


# --- enumeration safety -----------------------------------------------------------------------


def test_the_answer_is_the_same_for_new_pending_active_and_suppressed_addresses(
    site_tree, smtp_mails, django_capture_on_commit_callbacks, settings
):
    settings.RATE_SIGNUP_IP = settings.RATE_SIGNUP_ADDRESS = "100/h"
    capture = django_capture_on_commit_callbacks
    confirmed_reader(Client(), smtp_mails, capture, "aktiv@example.org")
    confirmed_reader(Client(), smtp_mails, capture, "geloescht@example.org")
    confirmed_reader(Client(), smtp_mails, capture, "bounce@example.org")
    sign_up(Client(), capture, "wartend@example.org")
    # Erase one reader through the preference center; mark another as bounced.
    erased = Client()
    with capture(execute=True):
        erased.post("/abo/", {"email": "geloescht@example.org"})
    pref_path = link_in(smtp_mails.to("geloescht@example.org")[-1], PREFS_LINK)
    erased.get(pref_path)
    assert (
        erased.post("/abo/aendern/", {"action": "erase", "confirm_erase": "1"}).status_code == 200
    )
    Subscriber.objects.filter(email="bounce@example.org").update(status=Subscriber.Status.BOUNCED)
    assert SuppressedAddress.objects.filter(email_hash=address_hash("geloescht@example.org"))

    addresses = [
        "neu@example.org",
        "wartend@example.org",
        "aktiv@example.org",
        "geloescht@example.org",
        "bounce@example.org",
    ]
    before = {address: len(smtp_mails.to(address)) for address in addresses}
    ledger_before = ConsentRecord.objects.count()

    def answers() -> set[tuple[Any, ...]]:
        seen = set()
        for address in addresses:
            browser = Client()
            data = submit(dialog_form(browser.get("/")), email=address, consent="on")
            response = post(browser, capture, "/newsletter/", data)
            seen.add(
                (
                    response.status_code,
                    response["Location"],
                    response.content,
                    len(response.cookies),
                )
            )
        return seen

    assert answers() == {(302, THANKS, b"", 0)}
    new_mails = {a: smtp_mails.to(a)[before[a] :] for a in addresses}
    assert [m.subject for m in new_mails["neu@example.org"]] == [
        "Bitte bestätigen Sie Ihre Anmeldung bei Depesche"
    ]
    assert [m.subject for m in new_mails["wartend@example.org"]] == [
        "Bitte bestätigen Sie Ihre Anmeldung bei Depesche"
    ]
    [note] = new_mails["aktiv@example.org"]
    assert note.subject == "Sie sind bei Depesche bereits angemeldet"
    assert re.search(PREFS_LINK, note.body())
    assert new_mails["geloescht@example.org"] == [] and new_mails["bounce@example.org"] == []
    # Only the two who may still confirm gained a consent record; the erased stays erased.
    assert ConsentRecord.objects.count() == ledger_before + 2
    assert not Subscriber.objects.filter(email="geloescht@example.org").exists()

    # Asked again the same day: still the same answer, but no second note for the active one.
    assert answers() == {(302, THANKS, b"", 0)}
    assert len(smtp_mails.to("aktiv@example.org")) == before["aktiv@example.org"] + 1
    assert smtp_mails.to("geloescht@example.org")[before["geloescht@example.org"] :] == []
    assert smtp_mails.to("bounce@example.org")[before["bounce@example.org"] :] == []

    # A day later the active reader may get one more note.
    Subscriber.objects.filter(email="aktiv@example.org").update(
        noted_at=timezone.now() - timedelta(hours=25)
    )
    answers()
    assert len(smtp_mails.to("aktiv@example.org")) == before["aktiv@example.org"] + 2


# --- bad input ---------------------------------------------------------------------------------

LONG_ADDRESS = "a" * 288 + "@example.org"  # 300 characters


@pytest.mark.parametrize(
    ("email", "consent", "field", "message"),
    [
        ("keine-adresse", "on", "email", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ("a@b", "on", "email", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        (
            "a@b.de\r\nBcc: x@y.de",
            "on",
            "email",
            "Die E-Mail-Adresse darf keinen Zeilenumbruch enthalten.",
        ),
        ("a@b.de\nBcc: x@y.de", "on", "email", "keinen Zeilenumbruch"),
        (LONG_ADDRESS, "on", "email", "höchstens 254 Zeichen"),
        ("", "on", "email", "Bitte geben Sie Ihre E-Mail-Adresse ein."),
        ("   ", "on", "email", "Bitte geben Sie Ihre E-Mail-Adresse ein."),
        (
            "gut@example.org",
            "",
            "consent",
            "Ohne Ihre Einwilligung können wir Ihnen nichts senden.",
        ),
    ],
    ids=["malformed", "no-domain", "crlf", "lf", "300-chars", "empty", "blank", "no-consent"],
)
@pytest.mark.parametrize("via", ["modal", "page"])
def test_bad_input_gets_a_german_error_and_changes_nothing(
    client,
    site_tree,
    smtp_mails,
    django_capture_on_commit_callbacks,
    email,
    consent,
    field,
    message,
    via,
):
    page = client.get("/")
    form = (
        dialog_form(page)
        if via == "modal"
        else form_with(main_of(client.get("/newsletter/")), "consent")
    )
    data = submit(form, email=email, consent=consent or None)
    before = written()

    response = post(client, django_capture_on_commit_callbacks, "/newsletter/", data)

    assert response.status_code == 400
    assert message in field_error(main_of(response), field)
    assert_accessible(response)
    assert written() == before
    assert smtp_mails.all() == []
    if field == "consent" or "\n" not in email:
        typed = main_of(response).find("input", attrs={"name": "email"})["value"]
        assert typed == email  # nothing the reader typed is lost
    box = main_of(response).find("input", attrs={"name": "consent"})
    assert box.has_attr("checked") == bool(consent)


def test_honeypot_gets_the_usual_answer_and_nothing_happens(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    data = submit(
        dialog_form(client.get("/")), email="bot@example.org", consent="on", website="http://spam"
    )
    response = post(client, django_capture_on_commit_callbacks, "/newsletter/", data)
    assert response.status_code == 302 and response["Location"] == THANKS
    assert written() == (0, 0, 0, 0)
    assert smtp_mails.all() == []


@pytest.mark.usefixtures("frozen_rate_window")
def test_rate_limit_per_ip(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks, settings
):
    settings.RATE_SIGNUP_IP = "2/h"
    form = dialog_form(client.get("/"))
    ip = {"REMOTE_ADDR": "203.0.113.7"}
    for n in (1, 2):
        data = submit(form, email=f"leser{n}@example.org", consent="on")
        response = post(client, django_capture_on_commit_callbacks, "/newsletter/", data, **ip)
        assert response.status_code == 302
    before = written()

    data = submit(form, email="leser3@example.org", consent="on")
    response = post(client, django_capture_on_commit_callbacks, "/newsletter/", data, **ip)

    assert response.status_code == 429
    alert = main_of(response).find(attrs={"role": "alert"})
    assert "Zu viele Anmeldeversuche" in alert.get_text()
    assert written() == before
    assert not Subscriber.objects.filter(email="leser3@example.org").exists()
    assert len(smtp_mails.all()) == 2
    # Another network is not affected.
    response = post(
        client, django_capture_on_commit_callbacks, "/newsletter/", data, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 302 and len(smtp_mails.all()) == 3


@pytest.mark.usefixtures("frozen_rate_window")
def test_rate_limit_per_address_across_networks(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks, settings
):
    settings.RATE_SIGNUP_ADDRESS = "2/h"
    form = dialog_form(client.get("/"))
    spellings = ["ziel@example.org", " Ziel@Example.org", "ZIEL@EXAMPLE.ORG"]
    networks = ["203.0.113.1", "198.51.100.1", "192.0.2.1"]
    statuses = []
    for spelling, ip in zip(spellings, networks, strict=True):
        data = submit(form, email=spelling, consent="on")
        response = post(
            client, django_capture_on_commit_callbacks, "/newsletter/", data, REMOTE_ADDR=ip
        )
        statuses.append(response.status_code)

    assert statuses == [302, 302, 429]
    assert "Zu viele Anmeldeversuche" in response.content.decode()
    assert OptInRequest.objects.count() == 2 and ConsentRecord.objects.count() == 2
    assert len(smtp_mails.to("ziel@example.org")) == 2
    data = submit(form, email="andere@example.org", consent="on")
    response = post(
        client, django_capture_on_commit_callbacks, "/newsletter/", data, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 302


# --- confirmation ------------------------------------------------------------------------------


@pytest.fixture
def confirm_path(client, site_tree, smtp_mails, django_capture_on_commit_callbacks) -> str:
    assert (
        sign_up(client, django_capture_on_commit_callbacks, "leserin@example.org").status_code
        == 302
    )
    return link_in(smtp_mails.wait(1)[0], CONFIRM_LINK)


def test_confirmation_link_opened_shows_a_button_and_activates_nothing(
    client, confirm_path, smtp_mails
):
    for _ in range(2):  # a mail scanner and then the reader
        response = Client().get(confirm_path)
        assert response.status_code == 200
        form = main_of(response).find("form")
        assert form["method"] == "post" and form.find("button", attrs={"type": "submit"})
        assert "Anmeldung bestätigen" in form.get_text()
    assert_accessible(response)
    assert READER_COOKIE not in response.cookies
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert OptInRequest.objects.get().used_at is None
    assert not Subscription.objects.exists()
    assert ledger() == [("consent", "wochenrueckblick", "newsletter-seite")]
    assert len(smtp_mails.all()) == 1


def test_confirming_activates_sets_the_reader_cookie_and_sends_a_welcome(
    confirm_path, smtp_mails, django_capture_on_commit_callbacks
):
    # Clicked on another device, with CSRF checks: the token is the authority.
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    response = post(browser, django_capture_on_commit_callbacks, confirm_path, {})

    assert response.status_code == 200
    assert_accessible(response)
    assert "Ihre Anmeldung ist bestätigt" in main_of(response).h1.get_text()
    # confirmed.js remembers the sign-up in localStorage (a static file: no inline scripts).
    assert 'src="/static/depesche/confirmed.js"' in response.content.decode()
    reader = Subscriber.objects.get()
    assert reader.status == Subscriber.Status.ACTIVE and reader.confirmed_at is not None
    assert reader.subscriptions.get().purpose == "wochenrueckblick"
    assert reader.subscriptions.get().active
    cookie = response.cookies[READER_COOKIE]
    # Valid for 30 days; carries the random public id, never the pk (audience/links.py).
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 86400 * 30
    assert read_token("reader", cookie.value) == [reader.public_id, 0]
    assert ledger() == [
        ("consent", "wochenrueckblick", "newsletter-seite"),
        ("confirmation", "wochenrueckblick", "bestaetigung"),
    ]
    consent, confirmation = ConsentRecord.objects.order_by("pk")
    assert confirmation.request_nonce == consent.request_nonce
    assert confirmation.consent_text == consent.consent_text
    assert confirmation.privacy_text == consent.privacy_text
    welcome = smtp_mails.wait(2)[1]
    assert welcome.subject == "Willkommen beim Wochenrückblick von Depesche"
    # The browser is recognised now: /abo/ shows the settings, not the request form.
    assert "leserin@example.org" in main_of(browser.get("/abo/")).get_text()


def test_confirmation_link_used_twice_gives_a_friendly_page(
    client, confirm_path, smtp_mails, django_capture_on_commit_callbacks
):
    assert post(client, django_capture_on_commit_callbacks, confirm_path, {}).status_code == 200
    again = post(Client(), django_capture_on_commit_callbacks, confirm_path, {})
    assert again.status_code == 400
    assert "bereits verwendet" in main_of(again).get_text()
    assert_accessible(again)
    assert READER_COOKIE not in again.cookies
    assert ConsentRecord.objects.filter(action="confirmation").count() == 1
    assert len(smtp_mails.all()) == 2  # confirmation + one welcome, not two


def test_opening_a_used_confirmation_link_says_so_at_once(
    client, confirm_path, smtp_mails, django_capture_on_commit_callbacks
):
    post(client, django_capture_on_commit_callbacks, confirm_path, {})
    page = Client().get(confirm_path)
    assert page.status_code == 400
    assert "bereits verwendet" in main_of(page).get_text()
    assert "<form" not in str(main_of(page))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: t[: len(t) // 2],
        lambda t: "x" + t,
        lambda t: "kaputt",
        lambda t: "a:b:c",
        lambda t: "%00%FF",
    ],
    ids=["signature", "truncated", "prefixed", "word", "colons", "bytes"],
)
def test_tampered_confirmation_link_gives_a_friendly_400(
    client, confirm_path, django_capture_on_commit_callbacks, mangle
):
    token = confirm_path.split("/")[-2]
    path = f"/newsletter/bestaetigen/{mangle(token)}/"
    for response in (client.get(path), post(client, django_capture_on_commit_callbacks, path, {})):
        assert response.status_code == 400
        assert "ungültig oder unvollständig" in main_of(response).get_text()
        assert READER_COOKIE not in response.cookies
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_a_link_made_for_another_purpose_does_not_confirm(client, confirm_path):
    from depesche.core.tokens import make_token

    nonce = OptInRequest.objects.get().nonce
    for purpose in ("prefs", "reader", "unsubscribe"):
        response = client.post(f"/newsletter/bestaetigen/{make_token(purpose, nonce)}/")
        assert response.status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_expired_confirmation_link_gives_a_friendly_400(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core import signing

    real = time.time
    with monkeypatch.context() as past:
        # The mail (and its signed link) was made 72 hours and a minute ago.
        past.setattr(signing, "time", SimpleNamespace(time=lambda: real() - 72 * 3600 - 60))
        sign_up(client, django_capture_on_commit_callbacks, "spaet@example.org")
    path = link_in(smtp_mails.wait(1)[0], CONFIRM_LINK)

    for response in (client.get(path), post(client, django_capture_on_commit_callbacks, path, {})):
        assert response.status_code == 400
        assert "abgelaufen" in main_of(response).get_text()
        assert_accessible(response)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert not ConsentRecord.objects.filter(action="confirmation").exists()


def test_confirmation_link_just_under_72_hours_old_still_works(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core import signing

    real = time.time
    with monkeypatch.context() as past:
        past.setattr(signing, "time", SimpleNamespace(time=lambda: real() - 71 * 3600))
        sign_up(client, django_capture_on_commit_callbacks, "knapp@example.org")
    path = link_in(smtp_mails.wait(1)[0], CONFIRM_LINK)
    assert post(client, django_capture_on_commit_callbacks, path, {}).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE


def test_confirmation_link_of_an_erased_reader_is_dead(
    client, confirm_path, django_capture_on_commit_callbacks
):
    from depesche.audience.services import subscriber_erase

    subscriber_erase(subscriber=Subscriber.objects.get())
    response = post(client, django_capture_on_commit_callbacks, confirm_path, {})
    assert response.status_code == 400
    assert not Subscriber.objects.exists()
