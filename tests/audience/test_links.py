"""The reader's links and cookie (audience/links.py), through the pages and real mails: what
they carry, how long they hold, what revokes them; bounced and complained readers keep their
data paths; personal pages are never cached."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import unquote

import pytest
from django.core import signing
from django.test import Client

from depesche.audience import emails, links
from depesche.audience.models import ConsentRecord, Subscriber, SuppressedAddress, TagFollow
from depesche.audience.selectors import READER_COOKIE
from depesche.audience.services import address_hash
from depesche.core.tokens import make_token
from depesche.delivery.suppression import address_suppress
from tests.factories import publish_article
from tests.support.audience_views import (
    CONFIRM_LINK,
    PREFS_LINK,
    confirm_mails,
    confirmed_reader,
    csrf_of,
    form_with,
    link_in,
    main_of,
    post,
    sign_up,
    submit,
)

EMAIL = "leserin@example.org"
DAY = 86400


class Backdated:
    """Tokens signed inside `with backdated(seconds)` carry a timestamp that long ago; reading
    them afterwards checks their age against the real clock."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def __call__(self, seconds: float) -> Backdated:
        self.seconds = seconds
        return self

    def __enter__(self) -> None:
        seconds = self.seconds
        self.monkeypatch.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda signer: signing.b62_encode(int(time.time() - seconds)),
        )

    def __exit__(self, *exc: object) -> None:
        self.monkeypatch.undo()


@pytest.fixture
def backdated(monkeypatch) -> Backdated:
    return Backdated(monkeypatch)


def payload(token: str) -> Any:
    """What a signed token carries, read without checking the signature (as anyone can)."""
    return json.loads(signing.b64_decode(token.split(":")[0].encode()))


@pytest.fixture
def article(site_tree):
    return publish_article(site_tree.sections["Panorama"], tags=["Energie"])


@pytest.fixture
def reader_browser(article, smtp_mails, django_capture_on_commit_callbacks) -> Client:
    """A confirmed reader of the Wochenrückblick, following "Energie", recognised (CSRF on)."""
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    confirmed_reader(browser, smtp_mails, django_capture_on_commit_callbacks, EMAIL)
    browser.post("/abo/folgen/energie/", {"csrfmiddlewaretoken": csrf_of(browser.get(article.url))})
    return browser


@pytest.fixture
def reader(reader_browser) -> Subscriber:
    return Subscriber.objects.get(email=EMAIL)


def mailed_preference_link(smtp_mails, capture, email: str = EMAIL) -> str:
    """Ask for a preference link on /abo/ as a stranger would; the path in the mail."""
    browser = Client()
    form = form_with(main_of(browser.get("/abo/")), "email")
    assert post(browser, capture, "/abo/", submit(form, email=email)).status_code == 200
    return link_in(smtp_mails.to(email)[-1], PREFS_LINK)


def recognised(browser: Client) -> bool:
    return "Angemeldet als" in main_of(browser.get("/abo/")).get_text()


def with_cookie(value: str) -> Client:
    browser = Client()
    browser.cookies[READER_COOKIE] = value
    return browser


# --- expiry -------------------------------------------------------------------------------------


def test_a_preference_link_older_than_30_days_is_refused_with_a_form_for_a_new_one(
    reader, smtp_mails, django_capture_on_commit_callbacks, backdated
):
    capture = django_capture_on_commit_callbacks
    with backdated(31 * DAY):
        old = mailed_preference_link(smtp_mails, capture)
    with backdated(29 * DAY):
        recent = mailed_preference_link(smtp_mails, capture)
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")

    refused = browser.get(old)

    assert refused.status_code == 400
    main = main_of(refused)
    assert "abgelaufen" in main.get_text() and "30 Tage" in main.get_text()
    assert READER_COOKIE not in refused.cookies
    form = form_with(main, "email")
    assert form["action"] == "/abo/" and form["method"] == "post"
    # The form on that page sends a fresh link, and the fresh link works.
    mails = len(smtp_mails.all())
    assert post(browser, capture, "/abo/", submit(form, email=EMAIL)).status_code == 200
    assert len(smtp_mails.all()) == mails + 1
    assert browser.get(link_in(smtp_mails.to(EMAIL)[-1], PREFS_LINK)).status_code == 302
    assert recognised(browser)
    # 29 days is still fine.
    assert Client().get(recent).status_code == 302


def test_the_reader_cookie_expires_after_30_days(
    reader, smtp_mails, django_capture_on_commit_callbacks, backdated
):
    link = mailed_preference_link(smtp_mails, django_capture_on_commit_callbacks)
    browser = Client()
    with backdated(31 * DAY):
        assert browser.get(link).status_code == 302  # the cookie is set "31 days ago"

    assert browser.cookies[READER_COOKIE]["max-age"] == 30 * DAY
    assert not recognised(browser)
    assert browser.get("/abo/meine-daten.json").status_code == 404
    # A new link from a new mail recognises the browser again.
    link = mailed_preference_link(smtp_mails, django_capture_on_commit_callbacks)
    assert browser.get(link).status_code == 302 and recognised(browser)


# --- revocation ---------------------------------------------------------------------------------


def test_forget_this_device_revokes_the_cookie_everywhere_and_older_preference_links(
    reader_browser, reader, smtp_mails, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    old_link = mailed_preference_link(smtp_mails, capture)
    other_device = Client()
    assert other_device.get(old_link).status_code == 302 and recognised(other_device)
    copied = reader_browser.cookies[READER_COOKIE].value
    unsubscribe = emails.unsubscribe_url(reader, "wochenrueckblick").removeprefix(
        "http://testserver"
    )

    token = csrf_of(reader_browser.get("/abo/"))
    forget = reader_browser.post(
        "/abo/aendern/", {"csrfmiddlewaretoken": token, "action": "forget"}
    )

    assert forget.status_code == 302
    assert not recognised(reader_browser)
    assert not recognised(with_cookie(copied))  # a copy of the cookie is worth nothing
    assert not recognised(other_device)
    refused = Client().get(old_link)
    assert refused.status_code == 400
    assert form_with(main_of(refused), "email") is not None
    # Mail sent after forgetting carries links that work.
    assert Client().get(mailed_preference_link(smtp_mails, capture)).status_code == 302
    # One-click unsubscribe in mails sent before keeps working.
    done = Client().post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert not reader.subscriptions.get().active


def test_an_erased_readers_cookie_and_links_lead_nowhere(
    reader_browser, reader, smtp_mails, django_capture_on_commit_callbacks
):
    link = mailed_preference_link(smtp_mails, django_capture_on_commit_callbacks)
    copied = reader_browser.cookies[READER_COOKIE].value
    unsubscribe = emails.unsubscribe_url(reader, "wochenrueckblick").removeprefix(
        "http://testserver"
    )
    token = csrf_of(reader_browser.get("/abo/"))
    reader_browser.post(
        "/abo/aendern/", {"csrfmiddlewaretoken": token, "action": "erase", "confirm_erase": "1"}
    )
    assert not Subscriber.objects.exists()
    records = ConsentRecord.objects.count()

    assert Client().get(link).status_code == 400
    assert not recognised(with_cookie(copied))
    assert with_cookie(copied).get("/abo/meine-daten.json").status_code == 404
    assert Client().post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ConsentRecord.objects.count() == records  # nobody left to unsubscribe


# --- one-click links never expire ---------------------------------------------------------------


def test_a_one_click_link_from_a_mail_400_days_old_still_unsubscribes(
    article, smtp_mails, django_capture_on_commit_callbacks, backdated
):
    capture = django_capture_on_commit_callbacks
    browser = Client()
    sign_up(browser, capture, EMAIL)
    confirm = link_in(confirm_mails(smtp_mails, EMAIL)[-1], CONFIRM_LINK)
    with backdated(400 * DAY):  # confirmed, and the welcome mail sent, over a year ago
        assert post(browser, capture, confirm, {}).status_code == 200
    [welcome] = [m for m in smtp_mails.to(EMAIL) if m.subject.startswith("Willkommen")]
    url = re.search(
        r"<http://testserver(/abo/abmelden/[^>]+)>", welcome.message["List-Unsubscribe"]
    )
    reader = Subscriber.objects.get()
    signed_at = signing.b62_decode(url.group(1).split(":")[1])
    assert signed_at < time.time() - 399 * DAY

    response = Client().post(url.group(1), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not reader.subscriptions.get().active


def test_one_click_links_minted_with_the_pk_still_unsubscribe_but_preference_links_do_not(
    reader, backdated
):
    # Mails sent before the public id existed carry the pk; those must still unsubscribe.
    with backdated(400 * DAY):
        unsubscribe = make_token("unsubscribe", {"s": reader.pk, "l": "wochenrueckblick"})
        prefs = make_token("prefs", reader.pk)

    assert Client().get(f"/abo/link/{prefs}/").status_code == 400
    assert Client().get(f"/abo/link/{make_token('prefs', reader.pk)}/").status_code == 400
    response = Client().post(f"/abo/abmelden/{unsubscribe}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not reader.subscriptions.get().active


# --- no pk in any link, cookie or Message-ID ----------------------------------------------------


PK = 987654


def test_no_token_cookie_or_message_id_carries_the_readers_pk(
    article, smtp_mails, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    Subscriber.objects.create(pk=PK - 1, email="vorher@example.org")
    Subscriber.objects.create(pk=PK, email=EMAIL)  # the sign-up's get_or_create finds it
    browser = Client()
    confirmed_reader(browser, smtp_mails, capture, EMAIL)  # confirmation and welcome mail
    mailed_preference_link(smtp_mails, capture)  # preference-link mail
    reader = Subscriber.objects.get(email=EMAIL)
    assert reader.pk == PK and len(reader.public_id) == 32

    tokens = [browser.cookies[READER_COOKIE].value]
    mails = smtp_mails.to(EMAIL)
    assert len(mails) == 3
    for mail in mails:
        text = mail.body() + " " + str(mail.message["List-Unsubscribe"] or "")
        tokens += re.findall(r"/abo/(?:link|abmelden)/([^/\s\"<>]+)/", text)
        assert str(PK) not in str(mail.message["Message-ID"])
    # the cookie; the preference links in all three mails; the welcome's one-click links
    assert len(tokens) >= 5
    for token in tokens:
        value = payload(token)
        assert str(PK) not in json.dumps(value), value
        assert reader.public_id in json.dumps(value)


# --- bounced and complained readers keep their data ---------------------------------------------


@pytest.mark.parametrize("reason", ["bounced", "complained"])
def test_a_suppressed_reader_can_still_see_export_and_erase_their_data(
    reader_browser, reader, smtp_mails, django_capture_on_commit_callbacks, reason
):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        address_suppress(email=EMAIL, reason=reason)

    page = reader_browser.get("/abo/")
    assert page.status_code == 200
    main = main_of(page)
    assert "Angemeldet als" in main.get_text()
    assert "Wir schicken Ihnen keine E-Mails mehr" in main.get_text()
    export = reader_browser.get("/abo/meine-daten.json")
    assert export.status_code == 200
    assert json.loads(export.content)["subscriber"]["status"] == reason

    # Mail stays stopped: switching the Wochenrückblick on again is refused.
    token = csrf_of(page)
    reader_browser.post("/abo/aendern/", {"csrfmiddlewaretoken": token, "action": "weekly_on"})
    reader.refresh_from_db()
    assert reader.status == reason  # not signed up again
    if reason == "complained":  # a complaint ended every list; it stays ended
        assert not reader.subscriptions.filter(active=True).exists()

    # On another device: a link asked for on /abo/ arrives and opens the page.
    other = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    assert other.get(mailed_preference_link(smtp_mails, capture)).status_code == 302
    assert recognised(other)

    token = csrf_of(other.get("/abo/"))
    response = other.post(
        "/abo/aendern/", {"csrfmiddlewaretoken": token, "action": "erase", "confirm_erase": "1"}
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists() and not TagFollow.objects.exists()
    assert SuppressedAddress.objects.filter(email_hash=address_hash(EMAIL)).exists()


# --- personal pages are never cached ------------------------------------------------------------


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_personal_pages_send_cache_control_private_no_store(
    reader_browser, reader, site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    prefs = mailed_preference_link(smtp_mails, capture)
    unsubscribe = emails.unsubscribe_url(reader, "wochenrueckblick").removeprefix(
        "http://testserver"
    )
    stranger = Client()
    sign_up(stranger, capture, "neu@example.org")
    confirm = link_in(confirm_mails(smtp_mails, "neu@example.org")[-1], CONFIRM_LINK)
    token = csrf_of(reader_browser.get("/abo/"))

    responses = {
        "preferences (recognised)": reader_browser.get("/abo/"),
        "preferences (request form)": Client().get("/abo/"),
        "link landing": Client().get(prefs),
        "link landing (refused)": Client().get("/abo/link/kaputt/"),
        "data export": reader_browser.get("/abo/meine-daten.json"),
        "one-click page": Client().get(unsubscribe),
        "confirmation page": Client().get(confirm),
        "confirmed": post(stranger, capture, confirm, {}),
        "preference action": reader_browser.post(
            "/abo/aendern/", {"csrfmiddlewaretoken": token, "action": "frequency"}
        ),
        "one-click done": Client().post(unsubscribe, {"List-Unsubscribe": "One-Click"}),
    }

    assert {name: r.status_code for name, r in responses.items()} == {
        "preferences (recognised)": 200,
        "preferences (request form)": 200,
        "link landing": 302,
        "link landing (refused)": 400,
        "data export": 200,
        "one-click page": 200,
        "confirmation page": 200,
        "confirmed": 200,
        "preference action": 302,
        "one-click done": 200,
    }
    assert [name for name, r in responses.items() if not _no_store(r)] == []


# --- list ids and the List-Unsubscribe header: built and read back in links.py ------------------


@pytest.mark.parametrize(
    ("list_id", "weekly", "topics", "slugs"),
    [
        ("wochenrueckblick", True, False, ()),
        ("thema:energie", False, True, ("energie",)),
        ("thema:energie,klima", False, True, ("energie", "klima")),
        ("thema:", False, True, ()),  # a topic mail without slugs ends no follow
        ("alle", False, False, ()),
        ("etwas-unbekanntes", False, False, ()),  # read as everything: the safe side
    ],
)
def test_a_list_id_is_read_back(list_id, weekly, topics, slugs):
    lists = links.list_parse(list_id)
    assert (lists.weekly, lists.topics, lists.slugs) == (weekly, topics, slugs)
    assert lists.everything == (not weekly and not topics)


def test_list_ids_round_trip():
    assert links.topics_list_id(["energie", "klima"]) == "thema:energie,klima"
    assert links.list_parse(links.topics_list_id(["energie", "klima"])).slugs == (
        "energie",
        "klima",
    )
    assert links.list_parse(links.WEEKLY_LIST).weekly
    assert links.list_parse(links.ALL_LISTS).everything


def test_the_unsubscribe_mailto_subject_carries_the_token_and_is_read_back(settings):
    settings.UNSUBSCRIBE_MAILTO = "abmelden@depesche.invalid"
    token = links.unsubscribe_token(public_id="ab" * 16, list_id="thema:energie")
    target = links.unsubscribe_mailto_for_token(token)
    address, _, subject = target.partition("?subject=")
    assert address == "abmelden@depesche.invalid"
    assert links.token_in_mail(unquote(subject)) == token
    assert links.token_in_mail(f"Re: bitte\n\n> {unquote(subject)}\n") == token
    # A quoted one-click URL is no request; nor is a mail without a token.
    assert links.token_in_mail(f"http://testserver/abo/abmelden/{token}/") is None
    assert links.token_in_mail("Bitte abmelden") is None
    settings.UNSUBSCRIBE_MAILTO = ""
    assert links.unsubscribe_mailto_for_token(token) == ""


@pytest.mark.parametrize("mailto", ["", "abmelden@depesche.invalid"])
def test_the_list_unsubscribe_headers(settings, mailto):
    settings.UNSUBSCRIBE_MAILTO = mailto
    subscriber = Subscriber(email=EMAIL, public_id="cd" * 16)
    headers = links.list_unsubscribe_headers(subscriber, "thema:energie")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = links.unsubscribe_url(subscriber, "thema:energie")
    assert url.startswith("http://testserver/abo/abmelden/")
    value = headers["List-Unsubscribe"]
    if mailto:
        assert value == f"<{url}>, <{links.unsubscribe_mailto(subscriber, 'thema:energie')}>"
        assert value.count("mailto:abmelden@depesche.invalid?subject=unsubscribe%20") == 1
    else:
        assert value == f"<{url}>"
    # The fast path of the outbox fills the same URL from a format resolved once.
    token = url.removeprefix("http://testserver/abo/abmelden/").rstrip("/")
    assert links.unsubscribe_url_format().format(token) == url


@pytest.mark.parametrize(
    ("list_id", "question"),
    [
        ("wochenrueckblick", "Möchten Sie den Wochenrückblick abbestellen?"),
        ("thema:energie,klima", "Möchten Sie die E-Mails zu diesem Thema abbestellen?"),
        ("alle", "Möchten Sie sich von allen E-Mails abmelden?"),
    ],
)
def test_the_one_click_page_asks_about_the_list_its_link_names(db, list_id, question):
    token = links.unsubscribe_token(public_id="ef" * 16, list_id=list_id)
    page = Client().get(f"/abo/abmelden/{token}/")
    assert page.status_code == 200
    assert question in main_of(page).get_text()
