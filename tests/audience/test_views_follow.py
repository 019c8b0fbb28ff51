"""HTTP tests of following a tag with [+]: the sign-up for unknown readers, one POST for known."""

from __future__ import annotations

import pytest
from django.test import Client

from depesche.audience.models import (
    ConsentRecord,
    NewsletterSettings,
    OptInRequest,
    Subscriber,
    Subscription,
    TagFollow,
)
from depesche.audience.selectors import READER_COOKIE
from depesche.core.tokens import make_token
from tests.factories import publish_article
from tests.support.audience_views import (
    CONFIRM_LINK,
    THANKS,
    assert_accessible,
    confirm_mails,
    confirmed_reader,
    csrf_of,
    field_error,
    form_with,
    html,
    ledger,
    link_in,
    main_of,
    post,
    submit,
    written,
)

FOLLOW_CONSENT_START = "Ja, ich möchte eine E-Mail erhalten, wenn ein neuer Artikel"


@pytest.fixture
def article(site_tree):
    return publish_article(site_tree.sections["Wirtschaft"], tags=["Energie", "Klima"])


def follow_controls(response, slug: str):
    """The [+] control for `slug` on a page: a link or a form, and its text."""
    page = html(response)
    link = page.find("a", href=f"/abo/folgen/{slug}/anmelden/")
    form = page.find("form", action=f"/abo/folgen/{slug}/")
    return link, form


# --- unknown readers ----------------------------------------------------------------------------


def test_every_tag_has_a_plus_link_to_the_follow_signup_for_unknown_readers(client, article):
    for url in (article.url, "/thema/energie/", "/thema/klima/"):
        response = client.get(url)
        assert response.status_code == 200
        slugs = ["energie", "klima"] if url == article.url else [url.split("/")[2]]
        for slug in slugs:
            link, form = follow_controls(response, slug)
            assert link is not None and form is None, (url, slug)
            assert "[+]" in link.get_text()
            name = "Energie" if slug == "energie" else "Klima"
            assert f"„{name}“ folgen" in link.get_text()  # spoken name, not just "[+]"
    tags = html(client.get(article.url)).select("a[href^='/thema/']")
    assert {a["href"] for a in tags} >= {"/thema/energie/", "/thema/klima/"}


def test_follow_signup_form_asks_for_email_consent_and_frequency(client, article):
    response = client.get("/abo/folgen/energie/anmelden/")

    assert response.status_code == 200
    assert_accessible(response)
    main = main_of(response)
    assert main.h1.get_text(strip=True) == "Energie"
    form = form_with(main, "frequency")
    assert form["action"] == "/abo/folgen/energie/anmelden/" and form["method"] == "post"
    assert form.find("input", attrs={"name": "email", "type": "email"}) is not None
    radios = form.find_all("input", attrs={"name": "frequency"})
    assert [(r["type"], r["value"]) for r in radios] == [
        ("radio", "sofort"),
        ("radio", "taeglich"),
        ("radio", "woechentlich"),
    ]
    assert [r.has_attr("checked") for r in radios] == [True, False, False]
    labels = [" ".join(r.find_parent("label").get_text().split()) for r in radios]
    assert labels == ["sofort", "täglich", "wöchentlich"]
    assert form.find("fieldset").legend.get_text(strip=True)
    box = form.find("input", attrs={"name": "consent"})
    assert box["type"] == "checkbox" and not box.has_attr("checked")
    label = " ".join(form.find("label", attrs={"for": box["id"]}).get_text().split())
    assert label == NewsletterSettings.load().follow_consent_text
    assert form.find("label", attrs={"for": box["id"]}).find("a")["href"] == "/datenschutz/"


def test_unknown_tag_pages_are_404(client, article):
    assert client.get("/abo/folgen/gibt-es-nicht/anmelden/").status_code == 404
    assert client.post("/abo/folgen/gibt-es-nicht/anmelden/", {}).status_code == 404


def test_follow_signup_by_double_opt_in_with_the_chosen_frequency(
    article, smtp_mails, django_capture_on_commit_callbacks
):
    # A real browser: CSRF checks on, and the page gives the form as it is.
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    page = browser.get(article.url)
    link, _ = follow_controls(page, "energie")
    form = form_with(main_of(browser.get(link["href"])), "frequency")
    data = submit(form, email="Folgerin@Example.org", consent="on", frequency="taeglich")

    response = post(browser, django_capture_on_commit_callbacks, form["action"], data)

    assert response.status_code == 302 and response["Location"] == THANKS
    assert not TagFollow.objects.exists()
    optin = OptInRequest.objects.get()
    assert (optin.tag.slug, optin.frequency, optin.weekly) == ("energie", "taeglich", False)
    [mail] = confirm_mails(smtp_mails, "folgerin@example.org")
    assert "„Energie“" in mail.body() and "täglich" in mail.body()
    assert "Wochenrückblick" not in mail.body()

    confirmed = post(browser, django_capture_on_commit_callbacks, link_in(mail, CONFIRM_LINK), {})

    assert confirmed.status_code == 200
    follow = TagFollow.objects.get()
    assert follow.tag.slug == "energie" and follow.active
    assert follow.frequency == TagFollow.Frequency.DAILY and follow.confirmed_at is not None
    reader = Subscriber.objects.get()
    assert reader.status == Subscriber.Status.ACTIVE
    assert not Subscription.objects.exists()  # no Wochenrückblick was asked for
    assert len(smtp_mails.all()) == 1  # and so no welcome mail
    assert ledger() == [
        ("consent", "thema:energie", "thema-folgen"),
        ("confirmation", "thema:energie", "bestaetigung"),
    ]
    consent = ConsentRecord.objects.get(action="consent")
    assert consent.consent_text.text == NewsletterSettings.load().follow_consent_text
    assert consent.consent_text.sha256 == data["consent_version"]
    # Recognised from now on: the article shows the tag as followed.
    after = browser.get(article.url)
    assert "Sie folgen „Energie“" in main_of(after).get_text()
    assert follow_controls(after, "energie") == (None, None)


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"email": "nix", "consent": "on", "frequency": "sofort"}, "email", "gültige E-Mail"),
        ({"email": "a@b.de\r\nBcc: x@y.de", "consent": "on"}, "email", "Zeilenumbruch"),
        ({"email": "a@example.org", "frequency": "sofort"}, "consent", "Ohne Ihre Einwilligung"),
    ],
    ids=["malformed", "crlf", "no-consent"],
)
def test_follow_signup_bad_input(
    client, article, smtp_mails, django_capture_on_commit_callbacks, typed, field, message
):
    form = form_with(main_of(client.get("/abo/folgen/energie/anmelden/")), "frequency")
    response = post(
        client, django_capture_on_commit_callbacks, form["action"], submit(form, **typed)
    )
    assert response.status_code == 400
    assert message in field_error(main_of(response), field)
    assert_accessible(response)
    assert written() == (0, 0, 0, 0) and smtp_mails.all() == []


def test_follow_signup_with_an_unknown_frequency_is_a_400(
    client, article, smtp_mails, django_capture_on_commit_callbacks
):
    form = form_with(main_of(client.get("/abo/folgen/energie/anmelden/")), "frequency")
    data = submit(form, email="a@example.org", consent="on", frequency="stuendlich")
    response = post(client, django_capture_on_commit_callbacks, form["action"], data)
    assert response.status_code == 400
    assert written() == (0, 0, 0, 0) and smtp_mails.all() == []


@pytest.mark.usefixtures("frozen_rate_window")
def test_follow_signup_honeypot_and_rate_limit(
    client, article, smtp_mails, django_capture_on_commit_callbacks, settings
):
    settings.RATE_SIGNUP_IP = "1/h"
    form = form_with(main_of(client.get("/abo/folgen/energie/anmelden/")), "frequency")
    bot = submit(form, email="bot@example.org", consent="on", website="x")
    assert (
        post(client, django_capture_on_commit_callbacks, form["action"], bot)["Location"] == THANKS
    )
    assert written() == (0, 0, 0, 0) and smtp_mails.all() == []

    data = submit(form, email="mensch@example.org", consent="on")
    response = post(client, django_capture_on_commit_callbacks, form["action"], data)
    assert response.status_code == 429
    assert "Zu viele Anmeldeversuche" in main_of(response).find(attrs={"role": "alert"}).get_text()
    assert written() == (0, 0, 0, 0) and smtp_mails.all() == []


def test_follow_signup_is_enumeration_safe_for_a_reader_who_already_follows(
    client, article, smtp_mails, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    form = form_with(main_of(client.get("/abo/folgen/energie/anmelden/")), "frequency")
    data = submit(form, email="f@example.org", consent="on")
    post(client, capture, form["action"], data)
    post(client, capture, link_in(smtp_mails.wait(1)[0], CONFIRM_LINK), {})
    records = ConsentRecord.objects.count()

    again = post(Client(), capture, form["action"], data)
    fresh = post(Client(), capture, form["action"], dict(data, email="g@example.org"))

    assert (again.status_code, again["Location"]) == (fresh.status_code, fresh["Location"])
    assert [m.subject for m in smtp_mails.to("f@example.org")][1:] == [
        "Sie sind bei Depesche bereits angemeldet"
    ]
    assert ConsentRecord.objects.count() == records + 1  # only g@ gave a new consent


# --- recognised readers -------------------------------------------------------------------------


@pytest.fixture
def reader_browser(article, smtp_mails, django_capture_on_commit_callbacks):
    """A browser with CSRF checks on whose reader confirmed the Wochenrückblick."""
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    confirmed_reader(browser, smtp_mails, django_capture_on_commit_callbacks)
    return browser


def test_recognised_reader_gets_a_post_form_with_csrf_token(reader_browser, article):
    for url in (article.url, "/thema/klima/"):
        response = reader_browser.get(url)
        link, form = follow_controls(response, "klima")
        assert link is None and form is not None
        assert form["method"] == "post"
        assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
        # Back to where the reader was (an anchor on that page is fine).
        assert form.find("input", attrs={"name": "next"})["value"].split("#")[0] == url
        button = form.find("button", attrs={"type": "submit"})
        assert "[+]" in button.get_text() and "„Klima“ folgen" in button.get_text()


def test_follow_without_csrf_token_is_refused(reader_browser, article):
    response = reader_browser.post("/abo/folgen/klima/", {"next": article.url})
    assert response.status_code == 403
    assert not TagFollow.objects.exists()


def test_one_post_follows_and_the_page_shows_it(reader_browser, article):
    page = reader_browser.get(article.url)
    _, form = follow_controls(page, "klima")

    data = submit(form)
    response = reader_browser.post(form["action"], data)

    assert response.status_code == 302 and response["Location"] == data["next"]
    assert response["Location"].split("#")[0] == article.url
    follow = TagFollow.objects.get()
    assert (follow.tag.slug, follow.active, follow.frequency) == ("klima", True, "sofort")
    assert ledger()[-1] == ("consent", "thema:klima", "thema-folgen")
    record = ConsentRecord.objects.order_by("pk").last()
    assert record.consent_text.text == NewsletterSettings.load().follow_consent_text
    after = reader_browser.get(article.url)
    assert "Sie folgen jetzt „Klima“." in main_of(after).get_text()  # the message
    assert "Sie folgen „Klima“" in main_of(after).get_text()
    assert follow_controls(after, "klima") == (None, None)
    _, other = follow_controls(after, "energie")
    assert other is not None  # the other tag can still be followed
    assert follow_controls(reader_browser.get("/thema/klima/"), "klima") == (None, None)

    # Sent twice (double click, back button): still one follow, one consent record.
    records = ConsentRecord.objects.count()
    again = reader_browser.post(form["action"], submit(form))
    assert again.status_code == 302
    assert TagFollow.objects.count() == 1 and ConsentRecord.objects.count() == records


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/thema/energie/?seite=2", "/thema/energie/?seite=2"),
        ("http://testserver/thema/energie/", "http://testserver/thema/energie/"),
        ("http://evil.example/", "/thema/klima/"),
        ("https://evil.example/thema/klima/", "/thema/klima/"),
        ("//evil.example/", "/thema/klima/"),
        ("/\\evil.example/", "/thema/klima/"),
        ("javascript:alert(1)", "/thema/klima/"),
        ("", "/thema/klima/"),
    ],
)
def test_follow_redirects_only_to_this_site(reader_browser, article, next_url, location):
    token = csrf_of(reader_browser.get(article.url))
    response = reader_browser.post(
        "/abo/folgen/klima/", {"csrfmiddlewaretoken": token, "next": next_url}
    )
    assert response.status_code == 302 and response["Location"] == location
    assert TagFollow.objects.filter(tag__slug="klima", active=True).exists()


def test_follow_of_an_unknown_tag_is_404(reader_browser, article):
    token = csrf_of(reader_browser.get(article.url))
    response = reader_browser.post("/abo/folgen/gibt-es-nicht/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 404
    assert not TagFollow.objects.exists()


def test_follow_is_post_only(reader_browser, article):
    assert reader_browser.get("/abo/folgen/klima/").status_code == 405
    assert not TagFollow.objects.exists()


def test_follow_post_from_an_unknown_browser_goes_to_the_signup(client, article):
    response = client.post("/abo/folgen/klima/", {"next": article.url})
    assert response.status_code == 302 and response["Location"] == "/abo/folgen/klima/anmelden/"
    assert written() == (0, 0, 0, 0) and not TagFollow.objects.exists()


def test_a_forged_reader_cookie_is_not_recognised(client, article, reader_browser):
    reader = Subscriber.objects.get()
    for forged in (str(reader.pk), make_token("prefs", reader.pk), "kaputt"):
        client.cookies[READER_COOKIE] = forged
        response = client.get(article.url)
        assert response.status_code == 200
        link, form = follow_controls(response, "klima")
        assert link is not None and form is None
        response = client.post("/abo/folgen/klima/", {})
        assert response["Location"] == "/abo/folgen/klima/anmelden/"
    assert not TagFollow.objects.exists()


def test_a_reader_who_unsubscribed_must_opt_in_again_to_follow(reader_browser, article):
    token = csrf_of(reader_browser.get("/abo/"))
    reader_browser.post(
        "/abo/aendern/", {"csrfmiddlewaretoken": token, "action": "unsubscribe_all"}
    )
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

    token = csrf_of(reader_browser.get(article.url))
    response = reader_browser.post("/abo/folgen/klima/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302 and response["Location"] == "/abo/folgen/klima/anmelden/"
    assert not TagFollow.objects.exists()
