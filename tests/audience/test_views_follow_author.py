"""HTTP tests of following an author with [+] "Folgen" on the author page, like a tag: the
double opt-in for unknown readers, one POST for known ones, the preference center, export,
erasure, the admin's view of the reader and the list ids "autor:<slug>"."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from depesche.audience import erasure, links, subscriptions
from depesche.audience.admin_views import SUBSCRIBERS
from depesche.audience.admin_views.common import purpose_label
from depesche.audience.ledger import Visit
from depesche.audience.models import (
    AuthorFollow,
    ConsentRecord,
    NewsletterSettings,
    OptInRequest,
    Subscriber,
    Subscription,
    SuppressedAddress,
    TagFollow,
)
from depesche.newsroom.models import Author
from tests.factories import publish_article, save_draft_article
from tests.support.audience_views import (
    CONFIRM_LINK,
    THANKS,
    assert_accessible,
    confirm_mails,
    confirmed_reader,
    csrf_of,
    form_with,
    html,
    ledger,
    link_in,
    main_of,
    post,
    submit,
    written,
)

EMAIL = "leserin@example.org"
PAGE = "/autoren/anna-muster/"
SIGNUP = "/abo/folgen/autor/anna-muster/anmelden/"
FOLLOW = "/abo/folgen/autor/anna-muster/"


@pytest.fixture
def muster(site_tree) -> Author:
    author = Author.objects.create(name="Anna Muster", slug="anna-muster")
    publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"], authors=[author])
    return author


def follow_controls(response):
    """The author's [+] control on a page: the sign-up link or the one-POST form."""
    page = html(response)
    return page.find("a", href=SIGNUP), page.find("form", action=FOLLOW)


# --- unknown readers ----------------------------------------------------------------------------


def test_the_author_page_has_a_plus_follow_link_for_unknown_readers(client, muster):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert_accessible(response)
    link, form = follow_controls(response)
    assert link is not None and form is None
    text = " ".join(link.get_text().split())
    assert "[+]" in text and "Folgen" in text and "Anna Muster" in text  # spoken name too


def test_the_signup_form_asks_for_email_consent_and_frequency(client, muster):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    assert_accessible(response)
    main = main_of(response)
    assert main.h1.get_text(strip=True) == "Anna Muster"
    form = form_with(main, "frequency")
    assert form["action"] == SIGNUP and form["method"] == "post"
    radios = form.find_all("input", attrs={"name": "frequency"})
    assert [r["value"] for r in radios] == ["sofort", "taeglich", "woechentlich"]
    box = form.find("input", attrs={"name": "consent"})
    assert box["type"] == "checkbox" and not box.has_attr("checked")
    label = " ".join(form.find("label", attrs={"for": box["id"]}).get_text().split())
    assert label == NewsletterSettings.load().author_follow_consent_text


def test_unknown_authors_and_authors_of_restricted_articles_only_are_404(client, site_tree, muster):
    hidden = Author.objects.create(name="Geheim", slug="geheim")
    draft = save_draft_article(site_tree.sections["Politik"], authors=[hidden])
    PageViewRestriction.objects.create(page=draft, restriction_type=PageViewRestriction.LOGIN)
    draft.get_latest_revision().publish()
    for slug in ("gibt-es-nicht", "geheim"):
        assert client.get(f"/abo/folgen/autor/{slug}/anmelden/").status_code == 404
        assert client.post(f"/abo/folgen/autor/{slug}/anmelden/", {}).status_code == 404
        assert client.post(f"/abo/folgen/autor/{slug}/", {}).status_code == 404
    assert written() == (0, 0, 0, 0)


def test_follow_an_author_by_double_opt_in_with_the_chosen_frequency(
    muster, smtp_mails, django_capture_on_commit_callbacks
):
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    link, _ = follow_controls(browser.get(PAGE))
    form = form_with(main_of(browser.get(link["href"])), "frequency")
    data = submit(form, email="Folgerin@Example.org", consent="on", frequency="woechentlich")

    response = post(browser, django_capture_on_commit_callbacks, form["action"], data)

    assert response.status_code == 302 and response["Location"] == THANKS
    assert not AuthorFollow.objects.exists()
    optin = OptInRequest.objects.get()
    assert (optin.author, optin.tag, optin.weekly) == (muster, None, False)
    [mail] = confirm_mails(smtp_mails, "folgerin@example.org")
    assert "Anna Muster" in mail.body() and "wöchentlich" in mail.body()
    assert "Wochenrückblick" not in mail.body()

    confirmed = post(browser, django_capture_on_commit_callbacks, link_in(mail, CONFIRM_LINK), {})

    assert confirmed.status_code == 200
    follow = AuthorFollow.objects.get()
    assert (follow.author, follow.active, follow.frequency) == (muster, True, "woechentlich")
    assert follow.confirmed_at is not None
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE
    assert not TagFollow.objects.exists() and not Subscription.objects.exists()
    assert ledger() == [
        ("consent", "autor:anna-muster", "autor-folgen"),
        ("confirmation", "autor:anna-muster", "bestaetigung"),
    ]
    # The consent on record is the one the form showed: to follow an author, not a topic.
    consent = ConsentRecord.objects.filter(consent_text__isnull=False).first()
    assert consent.consent_text.text == NewsletterSettings.load().author_follow_consent_text
    assert "dieser Autorin oder dieses Autors" in consent.consent_text.text
    # Recognised from now on: the author page shows the follow.
    after = browser.get(PAGE)
    assert "Sie folgen Anna Muster" in main_of(after).get_text()
    assert follow_controls(after) == (None, None)


def test_a_reader_who_already_follows_gets_a_note_not_a_second_opt_in(
    client, muster, smtp_mails, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    form = form_with(main_of(client.get(SIGNUP)), "frequency")
    data = submit(form, email="f@example.org", consent="on")
    post(client, capture, form["action"], data)
    post(client, capture, link_in(smtp_mails.wait(1)[0], CONFIRM_LINK), {})
    post(Client(), capture, form["action"], data)
    assert [m.subject for m in smtp_mails.to("f@example.org")][1:] == [
        "Sie sind bei Depesche bereits angemeldet"
    ]
    assert OptInRequest.objects.count() == 1


# --- recognised readers -------------------------------------------------------------------------


@pytest.fixture
def reader_browser(muster, smtp_mails, django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    confirmed_reader(browser, smtp_mails, django_capture_on_commit_callbacks, EMAIL)
    return browser


def test_one_post_follows_the_author(reader_browser, muster):
    page = reader_browser.get(PAGE)
    assert_accessible(page)
    _, form = follow_controls(page)
    assert form is not None and form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert reader_browser.post(FOLLOW, {}).status_code == 403  # no CSRF token
    response = reader_browser.post(form["action"], submit(form))
    assert response.status_code == 302 and response["Location"] == PAGE
    follow = AuthorFollow.objects.get()
    assert (follow.author, follow.active, follow.frequency) == (muster, True, "sofort")
    assert ledger()[-1] == ("consent", "autor:anna-muster", "autor-folgen")
    after = main_of(reader_browser.get(PAGE)).get_text()
    assert "Sie folgen jetzt Anna Muster." in after
    # Twice: still one follow, one consent.
    records = ConsentRecord.objects.count()
    reader_browser.post(form["action"], submit(form))
    assert AuthorFollow.objects.count() == 1 and ConsentRecord.objects.count() == records


def act(browser: Client, **data: str):
    token = csrf_of(browser.get("/abo/"))
    return browser.post("/abo/aendern/", {"csrfmiddlewaretoken": token, **data})


def test_the_preference_center_lists_followed_authors_beside_tags(reader_browser, muster):
    reader_browser.post(FOLLOW, {"csrfmiddlewaretoken": csrf_of(reader_browser.get(PAGE))})
    reader_browser.post(
        "/abo/folgen/energie/", {"csrfmiddlewaretoken": csrf_of(reader_browser.get("/abo/"))}
    )
    page = reader_browser.get("/abo/")
    assert_accessible(page)
    section = main_of(page).find(id="author-follows-heading").find_parent("section")
    assert section.find("a", href=PAGE).get_text(strip=True) == "Anna Muster"
    follow = AuthorFollow.objects.get()

    response = act(
        reader_browser, action="author_frequency", follow=str(follow.pk), frequency="taeglich"
    )
    assert response.status_code == 302
    follow.refresh_from_db()
    assert follow.frequency == "taeglich"
    assert TagFollow.objects.get().frequency == "sofort"  # the tag's is its own
    # Someone else's follow, or a made-up frequency: refused, nothing changes.
    other = Subscriber.objects.create(email="andere@example.org", status="active")
    theirs = AuthorFollow.objects.create(subscriber=other, author=muster, active=True)
    refused = act(
        reader_browser, action="author_frequency", follow=str(theirs.pk), frequency="woechentlich"
    )
    assert refused.status_code == 302
    theirs.refresh_from_db()
    assert theirs.frequency == "sofort"
    act(reader_browser, action="author_frequency", follow=str(follow.pk), frequency="jede-minute")
    follow.refresh_from_db()
    assert follow.frequency == "taeglich"

    act(reader_browser, action="author_unfollow", author=str(muster.pk))
    assert not AuthorFollow.objects.filter(subscriber__email=EMAIL).exists()
    assert TagFollow.objects.count() == 1
    assert ledger()[-1] == ("withdrawal", "autor:anna-muster", "praeferenzen")
    after = main_of(reader_browser.get("/abo/")).get_text()
    assert "Sie folgen Anna Muster nicht mehr." in after
    assert "Sie folgen noch keiner Autorin und keinem Autor." in after


def test_export_erasure_and_unsubscribe_all_include_author_follows(reader_browser, muster):
    reader_browser.post(FOLLOW, {"csrfmiddlewaretoken": csrf_of(reader_browser.get(PAGE))})
    data = json.loads(reader_browser.get("/abo/meine-daten.json").content)
    [entry] = data["author_follows"]
    assert (entry["author"], entry["frequency"], entry["active"]) == ("Anna Muster", "sofort", True)

    reader = Subscriber.objects.get(email=EMAIL)
    subscriptions.unsubscribe_all(subscriber=reader, visit=Visit(source="test"))
    assert not AuthorFollow.objects.exists()

    AuthorFollow.objects.create(subscriber=reader, author=muster, active=True)
    erasure.subscriber_erase(subscriber=reader)
    assert not AuthorFollow.objects.exists() and not Subscriber.objects.exists()
    assert SuppressedAddress.objects.count() == 1


def test_the_admin_inspect_view_shows_author_follows(admin_client, muster):
    reader = Subscriber.objects.create(email=EMAIL, status=Subscriber.Status.ACTIVE)
    AuthorFollow.objects.create(subscriber=reader, author=muster, frequency="taeglich", active=True)
    response = admin_client.get(reverse(f"{SUBSCRIBERS}:inspect", args=[reader.pk]))
    assert response.status_code == 200
    section = html(response).find(id="author-follows-heading").find_parent("section")
    cells = [td.get_text(strip=True) for td in section.find_all("td")]
    assert cells[:3] == ["Anna Muster", "täglich", "ja"]


# --- list ids -----------------------------------------------------------------------------------


def test_author_list_ids_read_back():
    assert links.topics_list_id([links.author_key("anna-muster")]) == "autor:anna-muster"
    combined = links.topics_list_id(["energie", "autor:anna-muster", "klima", "autor:ben"])
    assert combined == "thema:energie,klima;autor:anna-muster,ben"
    ref = links.list_parse(combined)
    assert (ref.topics, ref.slugs, ref.authors) == (
        True,
        ("energie", "klima"),
        ("anna-muster", "ben"),
    )
    assert links.list_parse("autor:anna-muster").authors == ("anna-muster",)
    assert links.list_parse("thema:energie").slugs == ("energie",)  # old mails still work
    assert links.list_parse("autor:x;unsinn").everything  # anything unknown: everything


def test_one_click_on_an_author_list_ends_exactly_that_follow(client, site_tree, muster):
    ben = Author.objects.create(name="Ben Beispiel", slug="ben")
    reader = Subscriber.objects.create(email=EMAIL, status=Subscriber.Status.ACTIVE)
    for author in (muster, ben):
        AuthorFollow.objects.create(subscriber=reader, author=author, active=True)
    url = links.unsubscribe_url(reader, "autor:anna-muster").removeprefix("http://testserver")
    assert "dieser Autorin oder diesem Autor" in client.get(url).content.decode()
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert list(AuthorFollow.objects.values_list("author__slug", flat=True)) == ["ben"]
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE


def test_the_admin_names_author_purposes_for_people():
    assert purpose_label("autor:anna-muster") == "Autor/in „anna-muster“"
    assert purpose_label("thema:energie;autor:anna-muster") == (
        "Thema „energie“; Autor/in „anna-muster“"
    )
    assert purpose_label("thema:energie") == "Thema „energie“"
