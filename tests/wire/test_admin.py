"""The wire desk in the Wagtail admin: the "Agenturen" menu (desk, feeds, section rules), the
dashboard panel of withdrawals and the warnings on an imported article's edit page.

WireStory rows are created directly (the import pipeline is tested elsewhere)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.contrib.messages.storage.fallback import FallbackStorage
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.users.models import UserProfile

from depesche.core.timefmt import BERLIN
from depesche.newsroom.models import SectionPage
from depesche.wire.admin_views.common import DESK, FEEDS, RULES
from depesche.wire.admin_views.feeds import SECRET_MIN_LENGTH, FeedViewSet
from depesche.wire.models import Feed, SectionRule, WireStory
from depesche.wire.wagtail_hooks import wire_story_warning
from tests.factories import publish_article, save_draft_article

DESK_URL = reverse(f"{DESK}:index")
FEEDS_URL = reverse(f"{FEEDS}:index")
RULES_URL = reverse(f"{RULES}:index")
DASHBOARD = "/admin/"
NEEDS_REVIEW_TEXT = "Neue Agenturversion als Entwurf – Redaktion hat den Artikel bearbeitet"


def text(element) -> str:
    return element.get_text(" ", strip=True).replace("\xa0", " ")


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def listing_rows(response) -> list[dict[str, str]]:
    """The listing's rows as {column heading: cell text}."""
    table = soup(response).select_one("#listing-results table.listing")
    assert table is not None, "no listing table"
    headings = [text(th) for th in table.select("thead th")]
    return [
        dict(zip(headings, [text(td) for td in row.find_all("td")], strict=True))
        for row in table.select("tbody tr")
    ]


def story(
    headline: str,
    *,
    feed: Feed | None = None,
    at: datetime | None = None,
    article=None,
    **fields,
) -> WireStory:
    """A story as the pipeline leaves it; `at` is its last version's time (updated_at)."""
    fields.setdefault("status", WireStory.Status.DRAFT)
    row = WireStory.objects.create(
        record_id=f"urn:test:{headline}",
        feed=feed,
        article=article,
        format="digitalwires",
        headline=headline,
        **fields,
    )
    if at is not None:
        # auto_now: only an UPDATE sets another time.
        WireStory.objects.filter(pk=row.pk).update(updated_at=at)
        row.refresh_from_db()
    return row


def berlin(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def feeds(db) -> dict[str, Feed]:
    return {
        "dpa": Feed.objects.create(
            name="dpa", slug="dpa", format=Feed.FormatChoice.DIGITALWIRES, secret="x" * 43
        ),
        "ntb": Feed.objects.create(name="NTB", slug="ntb", format=Feed.FormatChoice.NINJS),
    }


@pytest.fixture
def desk(site_tree, feeds) -> dict[str, WireStory]:
    """Five stories: a breaking one (oldest), a withdrawn one, one waiting for review, a
    published one and one without article or agency."""
    politik = site_tree.sections["Politik"]
    wirtschaft = site_tree.sections["Wirtschaft"]
    dpa, ntb = feeds["dpa"], feeds["ntb"]
    return {
        "eil": story(
            "Erdbeben in der Türkei",
            feed=dpa,
            at=berlin(2, 8, 0),
            urgency=1,
            breaking=True,
            section=politik,
            article=save_draft_article(politik, title="Erdbeben in der Türkei"),
        ),
        "withdrawn": story(
            "Falsche Zahlen zum Haushalt",
            feed=dpa,
            at=berlin(2, 9, 30),
            urgency=3,
            status=WireStory.Status.WITHDRAWN,
            section=politik,
            article=save_draft_article(politik, title="Falsche Zahlen zum Haushalt"),
        ),
        "review": story(
            "Dax schließt im Plus",
            feed=ntb,
            at=berlin(2, 10, 15),
            urgency=4,
            needs_review=True,
            section=wirtschaft,
            article=publish_article(wirtschaft, title="Dax schließt im Plus"),
        ),
        "published": story(
            "Bahnstreik beendet",
            feed=ntb,
            at=berlin(2, 11, 45),
            urgency=5,
            status=WireStory.Status.PUBLISHED,
            section=wirtschaft,
            article=publish_article(wirtschaft, title="Bahnstreik beendet"),
        ),
        "bare": story("Ohne Artikel", at=berlin(1, 23, 5)),
    }


@pytest.fixture
def editor(django_user_model):
    """Admin access, nothing else."""
    user = django_user_model.objects.create_user("redakteur", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def grant(user, *codenames: str) -> None:
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wire", codename__in=codenames)
    )


# --- menu and permissions -----------------------------------------------------------------------


def test_menu_for_superusers(admin_client, site_tree):
    html = admin_client.get(DASHBOARD).content.decode()
    for label in ("Agenturen", "Agenturmeldungen", "Ressort-Zuordnung"):
        assert label in html
    assert DESK_URL in html and FEEDS_URL in html and RULES_URL in html


def test_users_without_permissions_are_turned_away(client, editor, desk):
    client.force_login(editor)
    feed = desk["eil"].feed
    for url in (
        DESK_URL,
        reverse(f"{DESK}:index_results"),
        FEEDS_URL,
        reverse(f"{FEEDS}:add"),
        reverse(f"{FEEDS}:edit", args=[feed.pk]),
        reverse(f"{FEEDS}:delete", args=[feed.pk]),
        RULES_URL,
        reverse(f"{RULES}:add"),
    ):
        response = client.get(url)
        # Wagtail's views send a user without permission back to the dashboard.
        assert (response.status_code, response["Location"]) == (302, DASHBOARD), url
    assert client.post(reverse(f"{FEEDS}:delete", args=[feed.pk])).status_code == 302
    assert Feed.objects.filter(pk=feed.pk).exists()
    dashboard = client.get(DASHBOARD).content.decode()
    assert DESK_URL not in dashboard and FEEDS_URL not in dashboard and RULES_URL not in dashboard
    assert "Agenturmeldungen" not in dashboard


def test_anonymous_users_go_to_the_login(client, desk):
    for url in (DESK_URL, FEEDS_URL, RULES_URL):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_desk_permission_opens_the_desk_only(client, editor, desk):
    grant(editor, "view_wirestory")
    client.force_login(editor)
    assert client.get(DESK_URL).status_code == 200
    assert client.get(FEEDS_URL).status_code == 302
    assert client.get(RULES_URL).status_code == 302
    menu = client.get(DASHBOARD).content.decode()
    assert "Agenturen" in menu and DESK_URL in menu
    assert FEEDS_URL not in menu and RULES_URL not in menu


def test_feed_permissions_are_the_model_permissions(client, editor, feeds):
    grant(editor, "view_feed")
    client.force_login(editor)
    assert client.get(FEEDS_URL).status_code == 200
    assert client.get(reverse(f"{FEEDS}:add")).status_code == 302
    grant(editor, "add_feed")
    assert client.get(reverse(f"{FEEDS}:add")).status_code == 200
    assert client.get(reverse(f"{FEEDS}:edit", args=[feeds["dpa"].pk])).status_code == 302


def test_permissions_offered_for_groups(db):
    codenames = {
        permission.codename
        for hook in hooks.get_hooks("register_permissions")
        for permission in hook()
        if permission.content_type.app_label == "wire"
    }
    assert codenames == {
        "view_wirestory",
        *(f"{action}_feed" for action in ("add", "change", "delete", "view")),
        *(f"{action}_sectionrule" for action in ("add", "change", "delete", "view")),
    }


# --- Agenturen (feeds) --------------------------------------------------------------------------


def form_data(response) -> dict[str, str]:
    """What a browser sends for the page's main form as rendered."""
    form = soup(response).select_one("form[method=post]#w-editor-form, main form[method=post]")
    assert form is not None
    data: dict[str, str] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name, kind = field.get("name"), field.get("type", "text")
        if not name or kind in {"submit", "button"}:
            continue
        if kind in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "")
    return data


def test_create_feed_offers_a_fresh_secret_once_and_masks_it(admin_client, site_tree):
    add = admin_client.get(reverse(f"{FEEDS}:add"))
    assert add.status_code == 200
    data = form_data(add)
    offered = data["secret"]
    assert len(offered) == 43  # secrets.token_urlsafe(32)
    assert form_data(admin_client.get(reverse(f"{FEEDS}:add")))["secret"] != offered
    assert "secret_clear" not in data  # nothing to switch off yet
    section = site_tree.sections["Wirtschaft"]
    data.update(
        name="Deutsche Presse-Agentur",
        slug="dpa",
        format="digitalwires",
        url="https://wireq.example.org/queue",
        default_section=str(section.pk),
        auto_publish="on",
    )
    response = admin_client.post(reverse(f"{FEEDS}:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    feed = Feed.objects.get(slug="dpa")
    assert (feed.secret, feed.default_section_id, feed.auto_publish) == (offered, section.pk, True)

    listing = admin_client.get(FEEDS_URL)
    [row] = listing_rows(listing)
    assert row["Geheimnis"] == f"…{offered[-4:]}"
    assert row["Push"] == "an" and row["Kennung"] == "dpa"
    assert row["Abruf-Adresse"] == "https://wireq.example.org/queue"
    assert row["Standard-Ressort"] == "Wirtschaft" and row["Zuletzt abgerufen"] == "–"
    assert offered not in listing.content.decode()


def test_edit_keeps_the_secret_unless_changed_and_shows_the_push_address(admin_client, feeds):
    dpa = feeds["dpa"]
    url = reverse(f"{FEEDS}:edit", args=[dpa.pk])
    edit = admin_client.get(url)
    html = edit.content.decode()
    assert dpa.secret not in html  # never shown again
    address = soup(edit).select_one("[data-push-address]")
    assert address is not None and text(address) == "http://testserver/wire/dpa/"
    data = form_data(edit)
    assert data["secret"] == ""

    assert admin_client.post(url, {**data, "name": "dpa Basisdienst"}).status_code == 302
    dpa.refresh_from_db()
    assert (dpa.name, dpa.secret) == ("dpa Basisdienst", "x" * 43)

    new = "n" * SECRET_MIN_LENGTH
    assert admin_client.post(url, {**data, "secret": new}).status_code == 302
    dpa.refresh_from_db()
    assert dpa.secret == new

    assert admin_client.post(url, {**data, "secret_clear": "on"}).status_code == 302
    dpa.refresh_from_db()
    assert dpa.secret == ""
    [row, _ntb] = listing_rows(admin_client.get(FEEDS_URL))
    assert (row["Push"], row["Geheimnis"]) == ("aus", "–")


def test_new_feed_page_shows_no_push_address(admin_client, db):
    add = admin_client.get(reverse(f"{FEEDS}:add"))
    assert soup(add).select_one("[data-push-address]") is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "ntb"}, "slug"),  # taken
        ({"url": "ftp://wireq.example.org/queue"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"secret": "kurz"}, "secret"),
    ],
)
def test_feed_validation(admin_client, feeds, changes, field):
    url = reverse(f"{FEEDS}:edit", args=[feeds["dpa"].pk])
    data = {**form_data(admin_client.get(url)), **changes}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    feeds["dpa"].refresh_from_db()
    assert feeds["dpa"].slug == "dpa" and feeds["dpa"].url == ""


def test_http_poll_address_is_accepted(admin_client, feeds):
    url = reverse(f"{FEEDS}:edit", args=[feeds["ntb"].pk])
    data = {**form_data(admin_client.get(url)), "url": "http://ntb.example.org/feed"}
    assert admin_client.post(url, data).status_code == 302
    assert Feed.objects.get(pk=feeds["ntb"].pk).url == "http://ntb.example.org/feed"


def test_delete_feed(admin_client, feeds):
    url = reverse(f"{FEEDS}:delete", args=[feeds["ntb"].pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url).status_code == 302
    assert list(Feed.objects.values_list("slug", flat=True)) == ["dpa"]


# --- Ressort-Zuordnung --------------------------------------------------------------------------


def test_rule_crud(admin_client, site_tree, feeds):
    wirtschaft = site_tree.sections["Wirtschaft"]
    # A section that is not live yet can be chosen already.
    wirtschaft.unpublish()
    add = admin_client.get(reverse(f"{RULES}:add"))
    options = {text(o) for o in soup(add).select("select[name=section] option")}
    assert {"Politik", "Wirtschaft", "Panorama"} <= options
    feed_options = [text(o) for o in soup(add).select("select[name=feed] option")]
    assert feed_options == ["alle Agenturen", "dpa", "NTB"]

    data = {
        "feed": str(feeds["dpa"].pk),
        "kind": "desk",
        "value": " wi ",
        "section": str(wirtschaft.pk),
        "priority": "10",
    }
    assert admin_client.post(reverse(f"{RULES}:add"), data).status_code == 302
    rule = SectionRule.objects.get()
    assert (rule.feed_id, rule.kind, rule.value, rule.section_id, rule.priority) == (
        feeds["dpa"].pk,
        "desk",
        "wi",
        wirtschaft.pk,
        10,
    )

    edit = reverse(f"{RULES}:edit", args=[rule.pk])
    politik = site_tree.sections["Politik"]
    data.update(feed="", value="pl", section=str(politik.pk))
    assert admin_client.post(edit, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.feed_id, rule.value, rule.section_id) == (None, "pl", politik.pk)

    delete = reverse(f"{RULES}:delete", args=[rule.pk])
    assert admin_client.post(delete).status_code == 302
    assert not SectionRule.objects.exists()


def test_rule_needs_a_section(admin_client, feeds):
    data = {"feed": "", "kind": "desk", "value": "wi", "section": "", "priority": "100"}
    response = admin_client.post(reverse(f"{RULES}:add"), data)
    assert response.status_code == 200 and "section" in response.context["form"].errors
    assert not SectionRule.objects.exists()


@pytest.fixture
def rules(site_tree, feeds) -> None:
    sections = site_tree.sections
    SectionRule.objects.create(
        feed=feeds["ntb"], kind="subject", value="sport", section=sections["Panorama"]
    )
    SectionRule.objects.create(
        feed=feeds["dpa"], kind="desk", value="wi", section=sections["Wirtschaft"], priority=20
    )
    SectionRule.objects.create(
        feed=feeds["dpa"], kind="desk", value="pl", section=sections["Politik"], priority=10
    )
    SectionRule.objects.create(
        feed=None, kind="mediatopic", value="medtop:04000000", section=sections["Wirtschaft"]
    )


def test_rules_listed_by_agency_then_order(admin_client, rules):
    rows = listing_rows(admin_client.get(RULES_URL))
    assert [(row["Agentur"], row["Wert"], row["Ressort"]) for row in rows] == [
        ("alle Agenturen", "medtop:04000000", "Wirtschaft"),
        ("dpa", "pl", "Politik"),
        ("dpa", "wi", "Wirtschaft"),
        ("NTB", "sport", "Panorama"),
    ]
    assert rows[1]["Merkmal"] == "Ressort der Agentur (dpa: wi, pl, vm …)"


def test_rules_filter_by_agency(admin_client, rules, feeds):
    rows = listing_rows(admin_client.get(RULES_URL, {"feed": feeds["dpa"].pk}))
    assert [row["Wert"] for row in rows] == ["pl", "wi"]
    rows = listing_rows(admin_client.get(RULES_URL, {"feed": "null"}))
    assert [row["Wert"] for row in rows] == ["medtop:04000000"]


# --- Agenturmeldungen (the desk) ----------------------------------------------------------------


def test_desk_lists_breaking_first_then_newest(admin_client, desk):
    rows = listing_rows(admin_client.get(DESK_URL))
    assert [row["Überschrift"].split(" Neue Version")[0] for row in rows] == [
        "Erdbeben in der Türkei",  # Eilmeldung, although the oldest but one
        "Bahnstreik beendet",
        "Dax schließt im Plus",
        "Falsche Zahlen zum Haushalt",
        "Ohne Artikel",
    ]
    eil, published = rows[0], rows[1]
    assert eil["Dringlichkeit"] == "Eilmeldung 1" and published["Dringlichkeit"] == "5"
    assert (eil["Zeit"], eil["Agentur"], eil["Ressort"]) == (
        "02.11.2026 08:00:00",
        "dpa",
        "Politik",
    )
    assert eil["Status"] == "Entwurf" and published["Status"] == "Veröffentlicht"
    assert (rows[4]["Agentur"], rows[4]["Ressort"], rows[4]["Dringlichkeit"]) == ("–", "–", "–")


def test_desk_times_are_berlin_time_whatever_the_users_zone(admin_client, admin_user, desk):
    profile = UserProfile.get_for_user(admin_user)
    profile.current_time_zone = "America/New_York"
    profile.save()
    rows = listing_rows(admin_client.get(DESK_URL))
    assert rows[1]["Zeit"] == "02.11.2026 11:45:00"


def test_desk_headlines_link_to_the_page_editor(admin_client, desk):
    page = soup(admin_client.get(DESK_URL))
    links = {text(a): a["href"] for a in page.select("#listing-results tbody td a")}
    assert links["Erdbeben in der Türkei"] == reverse(
        "wagtailadmin_pages:edit", args=[desk["eil"].article_id]
    )
    assert "Ohne Artikel" not in links


def test_withdrawn_rows_are_red_and_say_so(admin_client, desk):
    page = soup(admin_client.get(DESK_URL))
    flagged = page.select("#listing-results tbody tr.wire-withdrawn")
    assert [text(row.find_all("td")[3]) for row in flagged] == ["Falsche Zahlen zum Haushalt"]
    status = flagged[0].select_one(".wire-withdrawn-status")
    assert status is not None and text(status) == "Zurückgezogen"
    assert "depesche/wire-admin.css" in page.decode()
    # the other rows are not flagged
    assert len(page.select("#listing-results tbody tr")) == 5


def test_needs_review_badge(admin_client, desk):
    page = soup(admin_client.get(DESK_URL))
    badges = page.select("#listing-results .wire-needs-review")
    assert len(badges) == 1
    row = badges[0].find_parent("tr")
    assert "Dax schließt im Plus" in text(row)
    assert badges[0]["title"] == NEEDS_REVIEW_TEXT
    assert text(badges[0]) == f"Neue Version : {NEEDS_REVIEW_TEXT}"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("withdrawn", ["Falsche Zahlen zum Haushalt"]),
        ("published", ["Bahnstreik beendet"]),
        ("draft", ["Erdbeben in der Türkei", "Dax schließt im Plus", "Ohne Artikel"]),
        ("scheduled", []),
    ],
)
def test_desk_filter_by_status(admin_client, desk, status, expected):
    response = admin_client.get(DESK_URL, {"status": status})
    headlines = (
        [row["Überschrift"].split(" Neue Version")[0] for row in listing_rows(response)]
        if expected
        else []
    )
    assert headlines == expected
    if not expected:
        assert "Keine Agenturmeldung passt" in response.content.decode()


def test_desk_filter_by_agency(admin_client, desk, feeds):
    rows = listing_rows(admin_client.get(DESK_URL, {"feed": feeds["ntb"].pk}))
    assert [row["Agentur"] for row in rows] == ["NTB", "NTB"]
    rows = listing_rows(
        admin_client.get(DESK_URL, {"feed": feeds["dpa"].pk, "status": "withdrawn"})
    )
    assert [row["Überschrift"] for row in rows] == ["Falsche Zahlen zum Haushalt"]


def test_desk_results_view_for_the_filter_refresh(admin_client, desk):
    response = admin_client.get(reverse(f"{DESK}:index_results"), {"status": "withdrawn"})
    assert response.status_code == 200
    assert "Falsche Zahlen zum Haushalt" in response.content.decode()
    assert "Bahnstreik beendet" not in response.content.decode()


def test_desk_is_paginated(admin_client, feeds):
    start = berlin(3, 6, 0)
    for minute in range(55):
        story(f"Meldung {minute:02d}", feed=feeds["dpa"], at=start + timedelta(minutes=minute))
    first = listing_rows(admin_client.get(DESK_URL))
    second = listing_rows(admin_client.get(DESK_URL, {"p": 2}))
    assert len(first) == 50 and len(second) == 5
    assert first[0]["Überschrift"] == "Meldung 54" and second[-1]["Überschrift"] == "Meldung 00"


def test_desk_queries_do_not_grow_with_rows(admin_client, site_tree, django_assert_max_num_queries):
    sections = list(site_tree.sections.values())

    def add(count: int, offset: int) -> None:
        for n in range(count):
            feed = Feed.objects.create(name=f"Agentur {offset + n}", slug=f"ag-{offset + n}")
            story(
                f"Meldung {offset + n}",
                feed=feed,
                section=sections[n % len(sections)],
                breaking=n % 2 == 0,
                needs_review=n % 3 == 0,
            )

    add(2, 0)
    with django_assert_max_num_queries(30) as few:
        assert admin_client.get(DESK_URL).status_code == 200
    add(20, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(DESK_URL)
    assert len(listing_rows(response)) == 22


def test_feed_and_rule_listings_do_not_query_per_row(
    admin_client, site_tree, django_assert_max_num_queries
):
    sections = list(site_tree.sections.values())
    for n in range(2):
        feed = Feed.objects.create(
            name=f"A{n}", slug=f"a{n}", default_section=sections[n % len(sections)]
        )
        SectionRule.objects.create(feed=feed, kind="desk", value=f"v{n}", section=sections[0])
    counts = {}
    for url in (FEEDS_URL, RULES_URL):
        with django_assert_max_num_queries(40) as captured:
            admin_client.get(url)
        counts[url] = len(captured.captured_queries)
    for n in range(2, 22):
        feed = Feed.objects.create(
            name=f"A{n}", slug=f"a{n}", default_section=sections[n % len(sections)]
        )
        SectionRule.objects.create(feed=feed, kind="desk", value=f"v{n}", section=sections[1])
    for url in (FEEDS_URL, RULES_URL):
        with django_assert_max_num_queries(counts[url]):
            assert len(listing_rows(admin_client.get(url))) == 22


# --- dashboard and the page editor --------------------------------------------------------------


def test_dashboard_lists_withdrawals_of_the_last_seven_days(admin_client, desk, feeds):
    now = timezone.now()
    WireStory.objects.filter(pk=desk["withdrawn"].pk).update(updated_at=now - timedelta(days=2))
    story(
        "Alte Rücknahme",
        feed=feeds["ntb"],
        status=WireStory.Status.WITHDRAWN,
        at=now - timedelta(days=8),
    )
    page = soup(admin_client.get(DASHBOARD))
    panel = page.select_one("[data-wire-withdrawn]")
    assert panel is not None
    [row] = panel.select("tbody tr")
    cells = [text(td) for td in row.find_all("td")]
    assert cells[:2] == ["Falsche Zahlen zum Haushalt", "dpa"]
    assert cells[3] == "Zurückgezogen" and "wire-withdrawn" in row["class"]
    link = row.select_one("a")
    assert link["href"] == reverse("wagtailadmin_pages:edit", args=[desk["withdrawn"].article_id])
    desk_link = page.find("a", href=f"{DESK_URL}?status=withdrawn")
    assert desk_link is not None
    assert "depesche/wire-admin.css" in page.decode()


def test_dashboard_without_withdrawals_shows_no_panel(admin_client, desk):
    WireStory.objects.filter(pk=desk["withdrawn"].pk).update(
        updated_at=timezone.now() - timedelta(days=8)
    )
    assert soup(admin_client.get(DASHBOARD)).select_one("[data-wire-withdrawn]") is None


def test_dashboard_panel_needs_the_desk_permission(client, editor, desk):
    WireStory.objects.filter(pk=desk["withdrawn"].pk).update(updated_at=timezone.now())
    client.force_login(editor)
    assert "Falsche Zahlen zum Haushalt" not in client.get(DASHBOARD).content.decode()
    grant(editor, "view_wirestory")
    assert "Falsche Zahlen zum Haushalt" in client.get(DASHBOARD).content.decode()


def edit_messages(client, article) -> list[str]:
    response = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert response.status_code == 200
    return [text(m) for m in soup(response).select(".messages li")]


def test_edit_page_warns_about_a_withdrawal(admin_client, desk):
    [message] = edit_messages(admin_client, desk["withdrawn"].article)
    assert message.startswith("Von der Agentur zurückgezogen (02.11.2026 09:30:00)")


def test_edit_page_warns_about_a_waiting_version(admin_client, desk):
    article = desk["review"].article
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    [message] = [m for m in soup(response).select(".messages li")]
    assert text(message).startswith("Eine neuere Agenturversion liegt als Entwurf vor")
    history = reverse("wagtailadmin_pages:history", args=[article.pk])
    assert message.find("a", href=history) is not None
    # shown once: not again on the next page
    assert edit_messages(admin_client, desk["published"].article) == []


def test_edit_page_of_other_articles_has_no_warning(admin_client, desk, site_tree):
    assert edit_messages(admin_client, desk["eil"].article) == []
    assert edit_messages(admin_client, desk["published"].article) == []
    other = save_draft_article(site_tree.sections["Panorama"], title="Eigener Text")
    assert edit_messages(admin_client, other) == []
    section = SectionPage.objects.get(title="Panorama")
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[section.pk]))
    assert response.status_code == 200 and not soup(response).select(".messages li")


def test_the_warning_is_given_on_opening_not_on_saving(rf, desk):
    """A save (POST) redirects: a message added then would wait for the page after."""
    article = desk["withdrawn"].article
    for method, expected in (("post", 0), ("get", 1)):
        request = getattr(rf, method)("/admin/pages/edit/")
        request.session = {}
        request._messages = FallbackStorage(request)
        wire_story_warning(request, article)
        assert len(list(request._messages)) == expected, method


def test_editors_and_moderators_see_the_desk_not_the_feeds(client, django_user_model, desk):
    for name in ("Editors", "Moderators"):
        user = django_user_model.objects.create_user(name.lower(), password="pw")
        user.groups.add(Group.objects.get(name=name))
        client.force_login(user)
        assert client.get(DESK_URL).status_code == 200, name
        assert client.get(FEEDS_URL).status_code == 302, name
        assert client.get(RULES_URL).status_code == 302, name


def test_desk_search_by_headline(admin_client, desk):
    rows = listing_rows(admin_client.get(DESK_URL, {"q": "dax"}))
    assert [row["Agentur"] for row in rows] == ["NTB"]
    assert rows[0]["Überschrift"].startswith("Dax schließt im Plus")


def test_a_new_feeds_form_always_offers_a_secret(admin_user, db):
    form_class = FeedViewSet().get_form_class()
    for form in (form_class(for_user=admin_user), form_class(instance=Feed(), for_user=admin_user)):
        assert len(form.initial["secret"]) == 43


def test_an_embargoed_story_shows_as_published_once_live(admin_client, site_tree, feeds):
    """The scheduler publishes an embargoed article at its time; the story row still says
    "scheduled" (WireStory.current_status)."""
    politik = site_tree.sections["Politik"]
    story(
        "Sperrfrist vorbei",
        feed=feeds["dpa"],
        at=berlin(2, 7, 0),
        status=WireStory.Status.SCHEDULED,
        article=publish_article(politik, title="Sperrfrist vorbei"),
    )
    story(
        "Sperrfrist läuft",
        feed=feeds["dpa"],
        at=berlin(2, 6, 0),
        status=WireStory.Status.SCHEDULED,
        article=save_draft_article(politik, title="Sperrfrist läuft"),
    )
    rows = listing_rows(admin_client.get(DESK_URL))
    assert [(row["Überschrift"], row["Status"]) for row in rows] == [
        ("Sperrfrist vorbei", "Veröffentlicht"),
        ("Sperrfrist läuft", "Sperrfrist"),
    ]
    published = listing_rows(admin_client.get(DESK_URL, {"status": "published"}))
    assert [row["Überschrift"] for row in published] == ["Sperrfrist vorbei"]
    scheduled = listing_rows(admin_client.get(DESK_URL, {"status": "scheduled"}))
    assert [row["Überschrift"] for row in scheduled] == ["Sperrfrist läuft"]


def test_edit_page_offers_a_new_secret_that_applies_on_saving(admin_client, feeds):
    dpa = feeds["dpa"]
    url = reverse(f"{FEEDS}:edit", args=[dpa.pk])
    link = soup(admin_client.get(url)).select_one("a[data-new-secret]")
    assert link is not None and link["href"] == "?neues_geheimnis=1"
    offer = admin_client.get(url + link["href"])
    data = form_data(offer)
    proposed = data["secret"]
    assert len(proposed) == 43 and proposed != dpa.secret
    assert form_data(admin_client.get(url + link["href"]))["secret"] != proposed
    dpa.refresh_from_db()
    assert dpa.secret == "x" * 43  # nothing changes before saving
    assert admin_client.post(url, data).status_code == 302
    dpa.refresh_from_db()
    assert dpa.secret == proposed
    assert proposed not in admin_client.get(url).content.decode()
