"""HTTP tests of the preference center (/abo/), the data export and erasure, and the RFC 8058
one-click unsubscribe from the List-Unsubscribe header."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from depesche.audience import emails
from depesche.audience.models import (
    ConsentRecord,
    NewsletterSettings,
    OptInRequest,
    Subscriber,
    Subscription,
    SuppressedAddress,
    TagFollow,
)
from depesche.audience.selectors import READER_COOKIE
from depesche.audience.services import address_hash
from depesche.core.tokens import read_token
from tests.factories import publish_article
from tests.support.audience_views import (
    CONFIRM_LINK,
    PREFS_LINK,
    THANKS,
    assert_accessible,
    confirm_mails,
    confirmed_reader,
    csrf_of,
    dialog_form,
    field_error,
    form_with,
    ledger,
    link_in,
    main_of,
    post,
    sign_up,
    submit,
)

EMAIL = "leserin@example.org"


def act(browser: Client, **data: str):
    """Press a button on /abo/ (with the page's CSRF token)."""
    token = csrf_of(browser.get("/abo/"))
    return browser.post("/abo/aendern/", {"csrfmiddlewaretoken": token, **data})


def shown_messages(response) -> list[str]:
    box = main_of(response).find("div", attrs={"role": "status"})
    return [p.get_text(strip=True) for p in box.find_all("p")] if box else []


def follow_rows(response) -> dict[str, str]:
    """Tag name → the frequency selected for it on /abo/."""
    rows = {}
    for select in main_of(response).find_all("select", attrs={"name": "frequency"}):
        item = select.find_parent("li")
        selected = select.find("option", selected=True)
        rows[item.find("a").get_text(strip=True)] = selected["value"]
    return rows


@pytest.fixture
def article(site_tree):
    return publish_article(site_tree.sections["Panorama"], tags=["Energie", "Klima"])


@pytest.fixture
def reader_browser(article, smtp_mails, django_capture_on_commit_callbacks):
    """A recognised reader (CSRF checks on) with the Wochenrückblick and two followed tags."""
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    confirmed_reader(browser, smtp_mails, django_capture_on_commit_callbacks, EMAIL)
    for slug in ("energie", "klima"):
        token = csrf_of(browser.get(article.url))
        browser.post(f"/abo/folgen/{slug}/", {"csrfmiddlewaretoken": token})
    assert TagFollow.objects.filter(active=True).count() == 2
    return browser


@pytest.fixture
def reader(reader_browser) -> Subscriber:
    return Subscriber.objects.get(email=EMAIL)


# --- an unknown browser -------------------------------------------------------------------------


def test_unknown_browser_sees_the_request_link_form(client, site_tree):
    response = client.get("/abo/")
    assert response.status_code == 200
    assert_accessible(response)
    main = main_of(response)
    form = form_with(main, "email")
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    assert form.find("button", attrs={"type": "submit"}).get_text(strip=True) == "Link anfordern"
    assert "Angemeldet als" not in main.get_text()


def test_preference_link_goes_only_to_known_addresses_with_the_same_answer(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    confirmed_reader(Client(), smtp_mails, capture, "bekannt@example.org")
    sign_up(Client(), capture, "wartend@example.org")
    mails_before = len(smtp_mails.all())

    answers = []
    for address in ("Bekannt@Example.org", "wartend@example.org", "fremd@example.org"):
        browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
        form = form_with(main_of(browser.get("/abo/")), "email")
        response = post(browser, capture, "/abo/", submit(form, email=address))
        assert response.status_code == 200
        answers.append(response.content)

    assert answers[0] == answers[1] == answers[2]
    assert "Wenn wir diese Adresse kennen" in main_of(response).get_text()
    sent = smtp_mails.all()[mails_before:]
    assert sorted(m.to for m in sent) == ["bekannt@example.org", "wartend@example.org"]
    assert {m.subject for m in sent} == {"Ihr Link zu den E-Mail-Einstellungen von Depesche"}
    assert smtp_mails.to("fremd@example.org") == []
    assert not Subscriber.objects.filter(email="fremd@example.org").exists()


def test_preference_link_request_needs_csrf_and_a_valid_address(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    form = form_with(main_of(browser.get("/abo/")), "email")
    assert browser.post("/abo/", {"email": "a@example.org"}).status_code == 403

    response = post(
        browser,
        django_capture_on_commit_callbacks,
        "/abo/",
        submit(form, email="a@b.de\nBcc: c@d.de"),
    )
    assert response.status_code == 400
    assert "Zeilenumbruch" in field_error(main_of(response), "email")
    assert_accessible(response)
    assert smtp_mails.all() == []


@pytest.mark.usefixtures("frozen_rate_window")
def test_preference_link_request_honeypot_and_rate_limit(
    site_tree, smtp_mails, django_capture_on_commit_callbacks, settings
):
    capture = django_capture_on_commit_callbacks
    confirmed_reader(Client(), smtp_mails, capture, EMAIL)
    settings.RATE_SIGNUP_ADDRESS = "2/h"  # the sign-up above was the first attempt
    mails = len(smtp_mails.all())
    browser = Client()
    form = form_with(main_of(browser.get("/abo/")), "email")
    bot = post(browser, capture, "/abo/", submit(form, email=EMAIL, website="x"))
    assert bot.status_code == 200 and len(smtp_mails.all()) == mails

    limited = post(browser, capture, "/abo/", submit(form, email=EMAIL))

    assert limited.status_code == 429
    assert "Zu viele Versuche" in main_of(limited).find(attrs={"role": "alert"}).get_text()
    assert len(smtp_mails.all()) == mails


def test_preference_link_recognises_the_browser(
    reader, smtp_mails, django_capture_on_commit_callbacks
):
    browser = Client()
    form = form_with(main_of(browser.get("/abo/")), "email")
    post(browser, django_capture_on_commit_callbacks, "/abo/", submit(form, email=EMAIL))
    path = link_in(smtp_mails.to(EMAIL)[-1], PREFS_LINK)

    response = browser.get(path)

    assert response.status_code == 302 and response["Location"] == "/abo/"
    cookie = response.cookies[READER_COOKIE]
    assert cookie["httponly"] and read_token("reader", cookie.value) == [reader.public_id, 0]
    page = browser.get("/abo/")
    assert_accessible(page)
    assert f"Angemeldet als {EMAIL}." in main_of(page).get_text(" ", strip=True).replace(" .", ".")
    assert follow_rows(page) == {"Energie": "sofort", "Klima": "sofort"}
    assert "Sie erhalten den Wochenrückblick." in main_of(page).get_text()


@pytest.mark.parametrize("token", ["kaputt", "a:b:c", "x" * 300])
def test_tampered_preference_link_is_a_friendly_400(client, site_tree, token):
    response = client.get(f"/abo/link/{token}/")
    assert response.status_code == 400
    assert "ungültig" in main_of(response).get_text()
    assert READER_COOKIE not in response.cookies


def test_preference_page_costs_the_same_queries_for_many_follows(reader_browser, site_tree):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert reader_browser.get("/abo/").status_code == 200
        return len(context.captured_queries)

    few = queries()
    for n in range(5):
        article = publish_article(site_tree.sections["Politik"], tags=[f"Thema {n}"])
        token = csrf_of(reader_browser.get(article.url))
        reader_browser.post(f"/abo/folgen/thema-{n}/", {"csrfmiddlewaretoken": token})
    assert TagFollow.objects.count() == 7
    assert queries() == few


# --- actions ------------------------------------------------------------------------------------


def test_actions_need_a_csrf_token(reader_browser, reader):
    response = reader_browser.post("/abo/aendern/", {"action": "unsubscribe_all"})
    assert response.status_code == 403
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE


def test_actions_from_an_unknown_browser_change_nothing(client, reader):
    response = client.post("/abo/aendern/", {"action": "unsubscribe_all"})
    assert response.status_code == 302 and response["Location"] == "/abo/"
    response = client.post("/abo/aendern/", {"action": "erase", "confirm_erase": "1"})
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE
    assert client.get("/abo/aendern/").status_code == 405


def test_change_frequency(reader_browser, reader):
    follow = TagFollow.objects.get(tag__slug="energie")
    page = reader_browser.get("/abo/")
    form = main_of(page).find("input", attrs={"name": "follow", "value": str(follow.pk)})
    form = form.find_parent("form")
    data = submit(form, frequency="woechentlich", action="frequency")

    response = reader_browser.post(form["action"], data)

    assert response.status_code == 302 and response["Location"] == "/abo/"
    after = reader_browser.get("/abo/")
    assert shown_messages(after) == ["Häufigkeit gespeichert."]
    assert follow_rows(after) == {"Energie": "woechentlich", "Klima": "sofort"}
    follow.refresh_from_db()
    assert follow.frequency == TagFollow.Frequency.WEEKLY


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "frequency", "frequency": "stuendlich"}, "Unbekannte Häufigkeit."),
        ({"action": "frequency", "frequency": "taeglich"}, "Dieses Thema folgen Sie nicht."),
        ({"action": "frequency", "frequency": "taeglich", "follow": "abc"}, "folgen Sie nicht"),
        ({"action": "frequency", "frequency": "taeglich", "follow": "-1"}, "folgen Sie nicht"),
        ({"action": "unfollow", "tag": "abc"}, "Dieses Thema folgen Sie nicht."),
        ({"action": "unfollow"}, "Dieses Thema folgen Sie nicht."),
        ({"action": "selbstzerstoerung"}, "Unbekannte Aktion."),
        ({}, "Unbekannte Aktion."),
        ({"action": "erase"}, "Bitte bestätigen Sie das Löschen mit dem Häkchen."),
        ({"action": "erase", "confirm_erase": "ja"}, "Bitte bestätigen Sie das Löschen"),
    ],
)
def test_bad_values_give_a_message_and_change_nothing(
    reader_browser, reader, site_tree, smtp_mails, django_capture_on_commit_callbacks, data, message
):
    # Someone else's follow must be out of reach, even by its real id.
    other = Client()
    confirmed_reader(other, smtp_mails, django_capture_on_commit_callbacks, "andere@example.org")
    other.post("/abo/folgen/energie/", {})
    others_follow = TagFollow.objects.get(subscriber__email="andere@example.org")
    if data.get("action") == "frequency" and "follow" not in data:
        data = {**data, "follow": str(others_follow.pk)}
    follows = list(TagFollow.objects.order_by("pk").values_list("pk", "frequency", "active"))
    records = ConsentRecord.objects.count()

    response = act(reader_browser, **data)

    assert response.status_code == 302 and response["Location"] == "/abo/"
    page = reader_browser.get("/abo/")
    assert any(message in shown for shown in shown_messages(page)), shown_messages(page)
    assert (
        list(TagFollow.objects.order_by("pk").values_list("pk", "frequency", "active")) == follows
    )
    assert ConsentRecord.objects.count() == records
    assert Subscriber.objects.filter(email=EMAIL, status="active").exists()


def test_unfollow(reader_browser, reader):
    klima = TagFollow.objects.get(tag__slug="klima")
    page = reader_browser.get("/abo/")
    button = main_of(page).find("button", string=re.compile("„Klima“ nicht mehr folgen"))
    form = button.find_parent("form")
    data = submit(form, action=button["value"])

    response = reader_browser.post(form["action"], data)

    assert response.status_code == 302
    after = reader_browser.get("/abo/")
    assert shown_messages(after) == ["Sie folgen „Klima“ nicht mehr."]
    assert follow_rows(after) == {"Energie": "sofort"}
    assert not TagFollow.objects.filter(pk=klima.pk).exists()
    assert ledger(EMAIL)[-1] == ("withdrawal", "thema:klima", "praeferenzen")
    assert reader.subscriptions.get().active  # the Wochenrückblick stays


def test_weekly_off_and_on_again(reader_browser, reader):
    response = act(reader_browser, action="weekly_off")
    assert response.status_code == 302
    page = reader_browser.get("/abo/")
    assert shown_messages(page) == ["Wochenrückblick-Einstellung gespeichert."]
    assert "Sie erhalten den Wochenrückblick nicht." in main_of(page).get_text()
    button = main_of(page).find("button", attrs={"value": "weekly_on"})
    # The consent the ledger will record is what the reader sees next to the button.
    shown = " ".join(button.find_parent("form").get_text().split())
    assert NewsletterSettings.load().consent_text in shown
    assert button.find_parent("form").find("a", href="/datenschutz/") is not None
    weekly = reader.subscriptions.get()
    assert not weekly.active and weekly.ended_at is not None
    assert ledger(EMAIL)[-1] == ("withdrawal", "wochenrueckblick", "praeferenzen")

    act(reader_browser, action="weekly_on")

    weekly.refresh_from_db()
    assert weekly.active and weekly.ended_at is None
    assert ledger(EMAIL)[-1] == ("consent", "wochenrueckblick", "praeferenzen")
    record = ConsentRecord.objects.order_by("pk").last()
    assert record.consent_text.text == NewsletterSettings.load().consent_text
    assert record.privacy_text is not None
    assert "Sie erhalten den Wochenrückblick." in main_of(reader_browser.get("/abo/")).get_text()
    assert TagFollow.objects.filter(subscriber=reader).count() == 2


def test_eilmeldungen_by_email_on_and_off(reader_browser, reader):
    page = reader_browser.get("/abo/")
    button = main_of(page).find("button", attrs={"value": "breaking_on"})
    assert button.get_text() == "Eilmeldungen per E-Mail erhalten"
    shown = " ".join(button.find_parent("form").get_text().split())
    assert NewsletterSettings.load().consent_text in shown

    act(reader_browser, action="breaking_on")

    breaking = reader.subscriptions.get(purpose="eilmeldungen")
    assert breaking.active
    assert ledger(EMAIL)[-1] == ("consent", "eilmeldungen", "praeferenzen")
    page = reader_browser.get("/abo/")
    assert shown_messages(page) == ["Eilmeldungen-Einstellung gespeichert."]
    assert "Sie erhalten eine E-Mail zu jeder Eilmeldung." in main_of(page).get_text()

    act(reader_browser, action="breaking_off")

    breaking.refresh_from_db()
    assert not breaking.active and breaking.ended_at is not None
    assert ledger(EMAIL)[-1] == ("withdrawal", "eilmeldungen", "praeferenzen")
    assert reader.subscriptions.get(purpose="wochenrueckblick").active  # untouched


def test_unsubscribe_from_everything(reader_browser, reader):
    response = act(reader_browser, action="unsubscribe_all")

    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED and reader.unsubscribed_at
    assert not reader.subscriptions.filter(active=True).exists()
    assert not TagFollow.objects.filter(subscriber=reader).exists()
    assert ledger(EMAIL)[-1] == ("withdrawal", "alle", "praeferenzen")
    page = reader_browser.get("/abo/")
    assert shown_messages(page) == ["Sie sind von allen E-Mails abgemeldet."]
    assert follow_rows(page) == {}
    # Coming back needs a new double opt-in, not a button.
    act(reader_browser, action="weekly_on")
    page = reader_browser.get("/abo/")
    assert shown_messages(page) == ["Bitte melden Sie sich über das Formular neu an."]
    assert not reader.subscriptions.filter(active=True).exists()


def test_forget_this_device(reader_browser, reader):
    response = act(reader_browser, action="forget")

    assert response.status_code == 302 and response["Location"] == "/abo/"
    cookie = response.cookies[READER_COOKIE]
    assert cookie.value == "" and cookie["max-age"] == 0
    page = reader_browser.get("/abo/")
    assert "Angemeldet als" not in main_of(page).get_text()
    assert form_with(main_of(page), "email") is not None
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE  # forgetting the device changes nothing else
    assert TagFollow.objects.filter(subscriber=reader).count() == 2


def test_download_my_data(reader_browser, reader, smtp_mails, django_capture_on_commit_callbacks):
    confirmed_reader(Client(), smtp_mails, django_capture_on_commit_callbacks, "andere@example.org")
    link = main_of(reader_browser.get("/abo/")).find("a", href="/abo/meine-daten.json")
    assert link is not None and link.has_attr("download")

    response = reader_browser.get(link["href"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="depesche-meine-daten.json"'
    data = json.loads(response.content)
    assert set(data) >= {"subscriber", "subscriptions", "follows", "consent_ledger", "deliveries"}
    assert data["subscriber"]["email"] == EMAIL and data["subscriber"]["status"] == "active"
    assert [(s["list"], s["active"]) for s in data["subscriptions"]] == [("wochenrueckblick", True)]
    assert sorted((f["tag"], f["frequency"]) for f in data["follows"]) == [
        ("Energie", "sofort"),
        ("Klima", "sofort"),
    ]
    assert [(r["action"], r["purpose"], r["source"]) for r in data["consent_ledger"]] == [
        ("consent", "wochenrueckblick", "newsletter-seite"),
        ("confirmation", "wochenrueckblick", "bestaetigung"),
        ("consent", "thema:energie", "thema-folgen"),
        ("consent", "thema:klima", "thema-folgen"),
    ]
    assert "Wochenrückblick" in data["consent_ledger"][0]["consent_text"]
    assert data["deliveries"] == []
    assert "andere@example.org" not in response.content.decode()


def test_download_needs_a_recognised_browser(client, reader):
    assert client.get("/abo/meine-daten.json").status_code == 404


def test_delete_my_data(
    reader_browser, reader, smtp_mails, django_capture_on_commit_callbacks, article
):
    capture = django_capture_on_commit_callbacks
    records = ConsentRecord.objects.filter(subscriber=reader).count()
    old_prefs_link = emails.preference_url(reader).removeprefix("http://testserver")
    old_unsubscribe = emails.unsubscribe_url(reader, "wochenrueckblick").removeprefix(
        "http://testserver"
    )
    page = reader_browser.get("/abo/")
    box = main_of(page).find("input", attrs={"name": "confirm_erase"})
    assert box["type"] == "checkbox" and not box.has_attr("checked")
    form = box.find_parent("form")
    assert form.find("button", attrs={"value": "erase"}) is not None

    refused = reader_browser.post(form["action"], submit(form, action="erase"))
    assert refused.status_code == 302 and Subscriber.objects.filter(pk=reader.pk).exists()

    response = reader_browser.post(form["action"], submit(form, action="erase", confirm_erase="1"))

    assert response.status_code == 200
    assert_accessible(response)
    assert "Ihre Daten wurden gelöscht" in main_of(response).h1.get_text()
    assert response.cookies[READER_COOKIE].value == ""
    assert response.cookies[READER_COOKIE]["max-age"] == 0
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists() and not TagFollow.objects.exists()
    assert not OptInRequest.objects.exists()
    # The ledger stays as proof, under the salted hash only.
    kept = ConsentRecord.objects.all()
    assert kept.count() == records
    assert {r.email for r in kept} == {address_hash(EMAIL)}
    assert all(r.subscriber_id is None and r.erased_at for r in kept)
    assert {(r.ip_truncated, r.user_agent) for r in kept} == {("", "")}
    assert SuppressedAddress.objects.filter(email_hash=address_hash(EMAIL)).exists()
    assert "Angemeldet als" not in main_of(reader_browser.get("/abo/")).get_text()

    # Suppressed: a new sign-up anywhere gets the usual answer and sends nothing.
    mails = len(smtp_mails.all())
    stranger = Client()
    data = submit(dialog_form(stranger.get("/")), email=EMAIL.upper(), consent="on")
    assert post(stranger, capture, "/newsletter/", data)["Location"] == THANKS
    form = form_with(main_of(stranger.get("/abo/folgen/klima/anmelden/")), "frequency")
    data = submit(form, email=EMAIL, consent="on")
    assert post(stranger, capture, form["action"], data)["Location"] == THANKS
    post(
        stranger,
        capture,
        "/abo/",
        submit(form_with(main_of(stranger.get("/abo/")), "email"), email=EMAIL),
    )
    assert len(smtp_mails.all()) == mails
    assert not Subscriber.objects.exists() and ConsentRecord.objects.count() == records
    # Old links lead nowhere.
    assert Client().get(old_prefs_link).status_code == 400
    gone = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver").post(
        old_unsubscribe, {"List-Unsubscribe": "One-Click"}
    )
    assert gone.status_code == 200 and ConsentRecord.objects.count() == records


# --- one-click unsubscribe ----------------------------------------------------------------------


@pytest.fixture
def welcome(reader, smtp_mails):
    [mail] = [m for m in smtp_mails.to(EMAIL) if m.subject.startswith("Willkommen")]
    return mail


def unsubscribe_path(mail) -> str:
    header = mail.message["List-Unsubscribe"]
    url = re.search(r"<(https?://[^>]+)>", header).group(1)
    assert url.startswith("http://testserver/abo/abmelden/")
    return url.removeprefix("http://testserver")


def test_welcome_mail_carries_the_one_click_headers(welcome):
    assert welcome.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = welcome.message["List-Unsubscribe"].strip()
    # Plain SMTP (the tests' mail): no inbound path, so no mailto: (tests/audience/test_webhooks.py)
    assert re.fullmatch(r"<http://testserver/abo/abmelden/[^>]+/>", header)
    assert unsubscribe_path(welcome) in welcome.body()  # the same link in the text


def test_one_click_post_without_cookies_ends_exactly_that_list(welcome, reader):
    mail_client = Client(
        enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver"
    )  # no cookies, no CSRF token

    response = mail_client.post(unsubscribe_path(welcome), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert_accessible(response)
    assert "Sie sind abgemeldet" in main_of(response).h1.get_text()
    weekly = reader.subscriptions.get()
    assert not weekly.active and weekly.ended_at is not None
    assert TagFollow.objects.filter(subscriber=reader, active=True).count() == 2
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE
    assert ledger(EMAIL)[-1] == ("withdrawal", "wochenrueckblick", "one-click")
    assert READER_COOKIE not in response.cookies

    # Mail clients retry: a second POST is still a 200 and records nothing more.
    records = ConsentRecord.objects.count()
    assert mail_client.post(unsubscribe_path(welcome), {}).status_code == 200
    assert ConsentRecord.objects.count() == records


def test_one_click_get_shows_a_button_and_changes_nothing(welcome, reader):
    response = Client().get(unsubscribe_path(welcome))

    assert response.status_code == 200
    assert_accessible(response)
    main = main_of(response)
    assert "Wochenrückblick abbestellen" in main.get_text()
    form = main.find("form")
    assert form["method"] == "post" and "Ja, abmelden" in form.button.get_text()
    assert reader.subscriptions.get().active
    assert ledger(EMAIL)[-1][0] == "consent"

    # The button works without cookies or CSRF token.
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    assert browser.post(unsubscribe_path(welcome), submit(form)).status_code == 200
    assert not reader.subscriptions.get().active


def test_one_click_for_a_tag_ends_only_that_follow(reader):
    path = emails.unsubscribe_url(reader, "thema:klima").removeprefix("http://testserver")
    assert "diesem Thema" in main_of(Client().get(path)).get_text()

    response = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver").post(
        path, {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert list(
        TagFollow.objects.filter(subscriber=reader).values_list("tag__slug", flat=True)
    ) == ["energie"]
    assert reader.subscriptions.get().active
    assert ledger(EMAIL)[-1] == ("withdrawal", "thema:klima", "one-click")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-3] + ("xyz" if not t.endswith("xyz") else "abc"),
        lambda t: t[:10],
        lambda t: "kaputt",
    ],
    ids=["signature", "truncated", "word"],
)
def test_tampered_one_click_link_is_a_friendly_400(welcome, reader, mangle):
    token = unsubscribe_path(welcome).split("/")[-2]
    path = f"/abo/abmelden/{mangle(token)}/"
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    for response in (browser.get(path), browser.post(path, {"List-Unsubscribe": "One-Click"})):
        assert response.status_code == 400
        assert "ungültig" in main_of(response).get_text()
    assert reader.subscriptions.get().active


def test_one_click_token_of_another_kind_is_refused(reader):
    from depesche.core.tokens import make_token

    for token in (make_token("prefs", reader.pk), make_token("unsubscribe", [reader.pk])):
        response = Client().post(f"/abo/abmelden/{token}/", {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400
    assert reader.subscriptions.get().active


# --- the ledger, start to finish ----------------------------------------------------------------


def test_every_step_lands_in_the_ledger(
    site_tree, article, smtp_mails, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    browser = Client(
        enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver", HTTP_USER_AGENT="Ledger/2.0"
    )
    data = submit(dialog_form(browser.get(article.url)), email=EMAIL, consent="on")
    post(browser, capture, "/newsletter/", data, REMOTE_ADDR="203.0.113.77")
    post(browser, capture, link_in(confirm_mails(smtp_mails, EMAIL)[0], CONFIRM_LINK), {})
    token = csrf_of(browser.get(article.url))
    browser.post("/abo/folgen/energie/", {"csrfmiddlewaretoken": token})
    act(browser, action="weekly_off")
    act(browser, action="weekly_on")
    act(browser, action="unfollow", tag=str(TagFollow.objects.get().tag_id))
    welcome = [m for m in smtp_mails.to(EMAIL) if m.subject.startswith("Willkommen")][0]
    Client().post(unsubscribe_path(welcome), {"List-Unsubscribe": "One-Click"})
    act(browser, action="unsubscribe_all")

    assert ledger(EMAIL) == [
        ("consent", "wochenrueckblick", "modal"),
        ("confirmation", "wochenrueckblick", "bestaetigung"),
        ("consent", "thema:energie", "thema-folgen"),
        ("withdrawal", "wochenrueckblick", "praeferenzen"),
        ("consent", "wochenrueckblick", "praeferenzen"),
        ("withdrawal", "thema:energie", "praeferenzen"),
        ("withdrawal", "wochenrueckblick", "one-click"),
        ("withdrawal", "alle", "praeferenzen"),
    ]
    first = ConsentRecord.objects.order_by("pk").first()
    assert (first.ip_truncated, first.user_agent) == ("203.0.113.0", "Ledger/2.0")

    act(browser, action="erase", confirm_erase="1")
    assert ledger(address_hash(EMAIL)) == ledger() and len(ledger()) == 8
