import csv
import importlib
import io
import logging
from datetime import datetime

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook
from taggit.models import Tag
from wagtail.models import ModelLogEntry

from depesche.audience import services
from depesche.audience.admin_views import CONSENTS, LEDGER_EXPORTED, READER_ERASED, SUBSCRIBERS
from depesche.audience.admin_views import subscribers as subscribers_admin
from depesche.audience.admin_views.subscribers import subscribers_for_admin
from depesche.audience.models import (
    ConsentRecord,
    NewsletterSettings,
    Subscriber,
    SuppressedAddress,
)
from depesche.audience.texts import shown_texts
from depesche.core.timefmt import BERLIN
from depesche.core.tokens import make_token
from depesche.delivery.suppression import address_suppress

LEDGER = reverse(f"{CONSENTS}:index")
SUBSCRIBERS_URL = reverse(f"{SUBSCRIBERS}:index")
UA = "Mozilla/5.0 (X11; Linux x86_64) Testbrowser/1.0"


def _signup(email, *, weekly=True, tag=None, ip="203.0.113.0", source="modal", user_agent=UA):
    texts = shown_texts(follow=tag is not None)
    services.signup_request(
        email=email,
        weekly=weekly,
        tag=tag,
        frequency="sofort",
        consent=True,
        consent_text=texts.consent,
        privacy_text=texts.privacy,
        terms_text=texts.terms,
        visit=services.Visit(source=source, ip=ip, user_agent=user_agent),
    )


def _confirm(email):
    record = ConsentRecord.objects.filter(email=email, action="consent").first()
    token = make_token("optin", record.request_nonce)
    return services.optin_confirm(
        token=token, visit=services.Visit(source="optin", ip="", user_agent=UA)
    )


@pytest.fixture
def ledger(site_tree):
    """Anna: weekly, confirmed. Ben: follows Energie (pending). Cora: signed up, withdrew.
    Plus one historic row from January 2024 (written by hand: services stamp "now")."""
    energie = Tag.objects.create(name="Energie", slug="energie")
    _signup("anna@example.org")
    _confirm("anna@example.org")
    _signup("ben@example.org", weekly=False, tag=energie, source="thema")
    _signup("cora@example.org")
    services.unsubscribe_all(
        subscriber=Subscriber.objects.get(email="cora@example.org"),
        visit=services.Visit(source="abo", ip="198.51.100.0", user_agent=UA),
    )
    ConsentRecord.objects.create(
        email="alt@example.org",
        action="consent",
        purpose="wochenrueckblick",
        occurred_at=datetime(2024, 1, 15, 9, 30, tzinfo=BERLIN),
        source="import",
    )
    return energie


def _ledger_snapshot():
    return list(ConsentRecord.objects.order_by("pk").values())


# --- consent ledger ---------------------------------------------------------------------------


def test_ledger_lists_all_rows_newest_first(admin_client, ledger):
    response = admin_client.get(LEDGER)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Einwilligungsnachweise" in html
    for email in ("anna@example.org", "ben@example.org", "cora@example.org", "alt@example.org"):
        assert email in html
    assert html.index("cora@example.org") < html.index("anna@example.org")
    assert html.index("anna@example.org") < html.index("alt@example.org")
    anna = ConsentRecord.objects.filter(email="anna@example.org", action="consent").get()
    assert anna.consent_text.sha256[:12] in html
    assert "203.0.113.0" in html
    assert "15.01.2024 09:30:00" in html  # Europe/Berlin wall-clock time
    assert "Thema „energie“" in html


def test_ledger_shows_berlin_time_whatever_the_admin_user_zone(admin_client, admin_user, ledger):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.current_time_zone = "America/New_York"
    profile.save()
    assert "15.01.2024 09:30:00" in admin_client.get(LEDGER).content.decode()


def test_ledger_list_has_no_per_row_queries(admin_client, ledger, django_assert_max_num_queries):
    admin_client.get(LEDGER)  # warm Wagtail's per-process caches
    with django_assert_max_num_queries(20) as few:
        admin_client.get(LEDGER)
    for n in range(15):
        _signup(f"leser{n}@example.org")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(LEDGER)
    assert "leser14@example.org" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ({"action": "withdrawal"}, ["cora@example.org"], ["anna@example.org", "ben@example.org"]),
        ({"action": "confirmation"}, ["anna@example.org"], ["ben@example.org", "cora@example.org"]),
        ({"purpose": "thema:energie"}, ["ben@example.org"], ["anna@example.org"]),
        ({"purpose": "alle"}, ["cora@example.org"], ["anna@example.org", "ben@example.org"]),
        (
            {"occurred_at_from": "2024-01-01", "occurred_at_to": "2024-01-31"},
            ["alt@example.org"],
            ["anna@example.org", "cora@example.org"],
        ),
        ({"occurred_at_from": "2024-02-01"}, ["anna@example.org"], ["alt@example.org"]),
        ({"q": "BEN@example"}, ["ben@example.org"], ["anna@example.org", "cora@example.org"]),
    ],
)
def test_ledger_filters_and_search_narrow_the_rows(admin_client, ledger, query, present, absent):
    response = admin_client.get(LEDGER, query)
    assert response.status_code == 200
    html = response.content.decode()
    for email in present:
        assert email in html
    for email in absent:
        assert email not in html


def test_ledger_purpose_filter_offers_the_purposes_in_the_ledger(admin_client, ledger):
    html = admin_client.get(LEDGER).content.decode()
    for value in ("wochenrueckblick", "thema:energie", "alle"):
        assert f'value="{value}"' in html


def test_erased_rows_show_the_hash_and_are_found_by_the_address(admin_client, ledger):
    ben = Subscriber.objects.get(email="ben@example.org")
    services.subscriber_erase(subscriber=ben)
    digest = services.address_hash("ben@example.org")
    html = admin_client.get(LEDGER).content.decode()
    assert "ben@example.org" not in html
    assert digest[:16] in html
    found = admin_client.get(LEDGER, {"q": "Ben@Example.org"}).content.decode()
    assert digest[:16] in found and "anna@example.org" not in found


def test_inspect_shows_the_full_consent_text_that_was_shown(admin_client, ledger):
    record = ConsentRecord.objects.get(email="ben@example.org")
    response = admin_client.get(reverse(f"{CONSENTS}:inspect", args=[record.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    follow_text = NewsletterSettings.load().follow_consent_text
    assert follow_text in html
    assert record.consent_text.sha256 in html
    assert record.privacy_text is not None and record.privacy_text.sha256 in html
    assert UA in html and "203.0.113.0" in html
    occurred = record.occurred_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M:%S")
    assert f"Einwilligung · Thema „energie“ · {occurred}" in html
    assert reverse(f"{SUBSCRIBERS}:inspect", args=[record.subscriber_id]) in html
    # nothing to edit or delete from here
    assert "/edit/" not in html and "/delete/" not in html


def test_inspect_keeps_the_old_text_after_the_settings_change(admin_client, ledger):
    record = ConsentRecord.objects.filter(email="anna@example.org", action="consent").get()
    old_text = record.consent_text.text
    settings = NewsletterSettings.load()
    settings.consent_text = "Ein ganz neuer Einwilligungstext."
    settings.save()
    html = admin_client.get(reverse(f"{CONSENTS}:inspect", args=[record.pk])).content.decode()
    assert old_text in html and "Ein ganz neuer Einwilligungstext." not in html


def test_csv_export_has_a_header_and_the_filtered_rows(admin_client, ledger):
    response = admin_client.get(LEDGER, {"action": "consent", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "einwilligungsnachweise.csv" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == [
        "Zeitpunkt (Europe/Berlin)",
        "E-Mail bzw. Hash (gelöscht)",
        "Vorgang",
        "Zweck",
        "Formular",
        "IP (gekürzt)",
        "Browser",
        "Einwilligungstext (SHA-256)",
        "Datenschutzerklärung (SHA-256)",
        "AGB (SHA-256)",
        "Opt-in-Vorgang",
        "gelöscht (Europe/Berlin)",
    ]
    assert {row["E-Mail bzw. Hash (gelöscht)"] for row in rows} == {
        "anna@example.org",
        "ben@example.org",
        "cora@example.org",
        "alt@example.org",
    }
    assert {row["Vorgang"] for row in rows} == {"Einwilligung"}
    ben = next(row for row in rows if row["E-Mail bzw. Hash (gelöscht)"] == "ben@example.org")
    record = ConsentRecord.objects.get(email="ben@example.org")
    assert ben["Zweck"] == "thema:energie"
    assert ben["Einwilligungstext (SHA-256)"] == record.consent_text.sha256
    assert ben["IP (gekürzt)"] == "203.0.113.0" and ben["Browser"] == UA
    old = next(row for row in rows if row["E-Mail bzw. Hash (gelöscht)"] == "alt@example.org")
    assert old["Zeitpunkt (Europe/Berlin)"] == "2024-01-15T09:30:00+01:00"


FORMULA_STARTS = ["=", "+", "-", "@"]


def _formula_signup(start: str) -> tuple[str, str]:
    """A reader whose address and user agent both begin like a spreadsheet formula."""
    email = f"{start}cmd@example.org"
    user_agent = f'{start}HYPERLINK("https://evil.invalid/","Klick")'
    _signup(email, user_agent=user_agent)
    return email, user_agent


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_csv_export_defuses_formulas(admin_client, site_tree, start):
    email, user_agent = _formula_signup(start)
    response = admin_client.get(LEDGER, {"export": "csv"})
    content = b"".join(response.streaming_content).decode()
    [row] = list(csv.DictReader(io.StringIO(content)))
    assert row["E-Mail bzw. Hash (gelöscht)"] == f"'{email}"
    assert row["Browser"] == f"'{user_agent}"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_xlsx_export_writes_formula_lookalikes_as_text(admin_client, site_tree, start):
    email, user_agent = _formula_signup(start)
    response = admin_client.get(LEDGER, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings = [cell.value for cell in sheet[1]]
    [row] = list(sheet.iter_rows(min_row=2))
    address = row[headings.index("E-Mail bzw. Hash (gelöscht)")]
    browser = row[headings.index("Browser")]
    assert (address.value, address.data_type) == (email, "s")
    assert (browser.value, browser.data_type) == (user_agent, "s")


def test_xlsx_export(admin_client, ledger):
    response = admin_client.get(LEDGER, {"purpose": "alle", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Zeitpunkt (Europe/Berlin)"
    assert [row[1] for row in rows[1:]] == ["cora@example.org"]


def test_no_add_edit_or_delete_routes(admin_client, ledger):
    for namespace in (CONSENTS, SUBSCRIBERS):
        for name in ("add", "edit", "delete", "copy", "history", "usage"):
            args = [] if name == "add" else [1]
            with pytest.raises(NoReverseMatch):
                reverse(f"{namespace}:{name}", args=args)
    record = ConsentRecord.objects.filter(email="anna@example.org").first()
    subscriber = Subscriber.objects.get(email="anna@example.org")
    before = _ledger_snapshot()
    subscribers_before = list(Subscriber.objects.order_by("pk").values())
    for prefix, pk in (
        ("/admin/leser/einwilligungen", record.pk),
        ("/admin/leser/abonnenten", subscriber.pk),
    ):
        for path in ("new/", f"edit/{pk}/", f"delete/{pk}/", f"copy/{pk}/"):
            assert admin_client.get(f"{prefix}/{path}").status_code == 404
            assert (
                admin_client.post(f"{prefix}/{path}", {"email": "x@example.org"}).status_code == 404
            )
        # the views that exist only read
        assert admin_client.post(f"{prefix}/").status_code == 405
        assert admin_client.post(f"{prefix}/inspect/{pk}/").status_code == 405
    assert _ledger_snapshot() == before
    assert list(Subscriber.objects.order_by("pk").values()) == subscribers_before


def test_listing_offers_no_add_edit_or_delete_buttons(admin_client, ledger):
    for url in (LEDGER, SUBSCRIBERS_URL):
        html = admin_client.get(url).content.decode()
        assert "/new/" not in html and "/edit/" not in html and "/delete/" not in html


# --- permissions ------------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    """Admin access, nothing else."""
    user = django_user_model.objects.create_user("redakteurin", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_users_without_view_permission_are_turned_away(client, editor, ledger):
    client.force_login(editor)
    record = ConsentRecord.objects.first()
    subscriber = Subscriber.objects.first()
    # Wagtail's views send a user without permission back to the dashboard (302); the export
    # is a plain Django view behind its own permission and refuses (403).
    for url, refused in (
        (LEDGER, 302),
        (f"{LEDGER}?export=csv", 403),
        (reverse(f"{CONSENTS}:inspect", args=[record.pk]), 302),
        (SUBSCRIBERS_URL, 302),
        (reverse(f"{SUBSCRIBERS}:inspect", args=[subscriber.pk]), 302),
    ):
        response = client.get(url)
        assert response.status_code == refused, url
        assert b"anna@example.org" not in response.content
    dashboard = client.get("/admin/").content.decode()
    assert "Einwilligungsnachweise" not in dashboard


def test_anonymous_users_go_to_the_login(client, ledger):
    response = client.get(LEDGER)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="audience", codename__in=codenames)
    )


def test_view_permission_opens_the_ledger_read_only(client, editor, ledger):
    _grant(editor, "view_consentrecord")
    client.force_login(editor)
    html = client.get(LEDGER).content.decode()
    assert "Thema „energie“" in html and "15.01.2024 09:30:00" in html
    assert "/edit/" not in html and "/delete/" not in html
    # the subscribers need their own permission
    assert client.get(SUBSCRIBERS_URL).status_code == 302
    record = ConsentRecord.objects.filter(subscriber__isnull=False).first()
    inspect = client.get(reverse(f"{CONSENTS}:inspect", args=[record.pk])).content.decode()
    assert reverse(f"{SUBSCRIBERS}:inspect", args=[record.subscriber_id]) not in inspect
    menu = client.get("/admin/").content.decode()
    assert LEDGER in menu and SUBSCRIBERS_URL not in menu


READERS = ("anna@example.org", "ben@example.org", "cora@example.org", "alt@example.org")


def test_view_permission_alone_masks_readers_data_and_refuses_exports(client, editor, ledger):
    _grant(editor, "view_consentrecord", "view_subscriber")
    client.force_login(editor)
    html = client.get(LEDGER).content.decode()
    assert "a…@example.org" in html and "b…@example.org" in html
    for secret in (*READERS, "203.0.113.0", "198.51.100.0", UA, "Testbrowser"):
        assert secret not in html
    assert "export=" not in html and "Download CSV" not in html
    for url in (LEDGER, reverse(f"{CONSENTS}:index_results")):
        for export in ("csv", "xlsx"):
            response = client.get(url, {"export": export})
            assert response.status_code == 403, (url, export)
            assert b"anna@example.org" not in response.content
    # the subscribers: listed, addresses masked
    subscribers = client.get(SUBSCRIBERS_URL).content.decode()
    assert "c…@example.org" in subscribers
    assert not any(email in subscribers for email in READERS)
    # inspect pages: nothing personal either (page title included)
    anna = Subscriber.objects.get(email="anna@example.org")
    record = anna.consents.first()
    for url in (
        reverse(f"{SUBSCRIBERS}:inspect", args=[anna.pk]),
        reverse(f"{CONSENTS}:inspect", args=[record.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "a…@example.org" in page
        for secret in ("anna@example.org", "203.0.113.0", UA):
            assert secret not in page, (url, secret)


def test_view_permission_alone_finds_a_reader_only_by_the_whole_address(client, editor, ledger):
    _grant(editor, "view_consentrecord", "view_subscriber")
    client.force_login(editor)
    for url in (LEDGER, SUBSCRIBERS_URL):
        assert "a…@example.org" not in client.get(url, {"q": "anna"}).content.decode()
        found = client.get(url, {"q": " Anna@Example.org "}).content.decode()
        assert "a…@example.org" in found and "b…@example.org" not in found
    # the ledger's erased rows still by their address's hash
    services.subscriber_erase(subscriber=Subscriber.objects.get(email="ben@example.org"))
    found = client.get(LEDGER, {"q": "ben@example.org"}).content.decode()
    assert "gelöscht" in found and "a…@example.org" not in found


def test_export_permission_shows_readers_data_and_allows_exports(client, editor, ledger):
    _grant(editor, "view_consentrecord", "view_subscriber", "export_reader_data")
    client.force_login(editor)
    html = client.get(LEDGER).content.decode()
    assert "anna@example.org" in html
    assert "203.0.113.0" in html
    assert "Testbr" in html
    assert "export=csv" in html and "export=xlsx" in html
    for export in ("csv", "xlsx"):
        assert client.get(LEDGER, {"export": export}).status_code == 200
    assert "anna@example.org" in client.get(SUBSCRIBERS_URL).content.decode()
    anna = Subscriber.objects.get(email="anna@example.org")
    inspect = client.get(reverse(f"{SUBSCRIBERS}:inspect", args=[anna.pk])).content.decode()
    assert "anna@example.org" in inspect


def test_export_permission_without_view_opens_nothing(client, editor, ledger):
    _grant(editor, "export_reader_data")
    client.force_login(editor)
    for url in (LEDGER, f"{LEDGER}?export=csv", SUBSCRIBERS_URL):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url


def test_no_group_may_see_readers_after_the_migrations(ledger):
    editors = Group.objects.get(name="Editors")
    moderators = Group.objects.get(name="Moderators")
    for group in (editors, moderators):
        assert not group.permissions.filter(content_type__app_label="audience").exists()


def test_the_migration_takes_the_view_permissions_from_groups_that_had_them(ledger):
    """An install that ran 0002 long ago: its groups hold the view permissions until 0004."""
    migration = importlib.import_module("depesche.audience.migrations.0004_reader_data_permissions")
    groups = list(Group.objects.filter(name__in=["Editors", "Moderators"]))
    assert len(groups) == 2
    views = Permission.objects.filter(
        content_type__app_label="audience", codename__in=["view_consentrecord", "view_subscriber"]
    )
    other = Permission.objects.get(codename="access_admin")
    for group in groups:
        group.permissions.add(*views, other)
    migration.revoke_views(django_apps, None)
    for group in groups:
        assert not group.permissions.filter(pk__in=views).exists()
        assert group.permissions.filter(pk=other.pk).exists()
    migration.grant_views(django_apps, None)  # the way back restores 0002's grant
    for group in groups:
        assert group.permissions.filter(pk__in=views).count() == 2


def test_only_the_view_permission_is_offered_for_groups(ledger):
    from wagtail import hooks

    codenames = {
        permission.codename
        for hook in hooks.get_hooks("register_permissions")
        for permission in hook()
        if permission.content_type.app_label == "audience"
    }
    assert {
        "view_consentrecord",
        "view_subscriber",
        "export_reader_data",
        "erase_reader",
    } <= codenames
    assert not codenames & {
        "add_consentrecord",
        "change_consentrecord",
        "delete_consentrecord",
        "add_subscriber",
        "change_subscriber",
        "delete_subscriber",
    }


def test_reader_menu_for_superusers(admin_client, site_tree):
    html = admin_client.get("/admin/").content.decode()
    assert "Leser" in html and "Einwilligungsnachweise" in html and "Abonnenten" in html
    assert LEDGER in html and SUBSCRIBERS_URL in html
    assert "Newsletter-Texte" in html


# --- subscribers ------------------------------------------------------------------------------


def test_subscribers_list_with_counts_and_status_filter(admin_client, ledger):
    html = admin_client.get(SUBSCRIBERS_URL).content.decode()
    for email in ("anna@example.org", "ben@example.org", "cora@example.org"):
        assert email in html
    active = admin_client.get(SUBSCRIBERS_URL, {"status": "active"}).content.decode()
    assert "anna@example.org" in active
    assert "ben@example.org" not in active and "cora@example.org" not in active
    gone = admin_client.get(SUBSCRIBERS_URL, {"status": "unsubscribed"}).content.decode()
    assert "cora@example.org" in gone and "anna@example.org" not in gone
    weekly = admin_client.get(SUBSCRIBERS_URL, {"weekly": "true"}).content.decode()
    assert "anna@example.org" in weekly and "ben@example.org" not in weekly
    found = admin_client.get(SUBSCRIBERS_URL, {"q": "cora"}).content.decode()
    assert "cora@example.org" in found and "anna@example.org" not in found


def test_subscriber_counts(ledger):
    anna = Subscriber.objects.get(email="anna@example.org")
    energie = ledger
    texts = shown_texts(follow=True)
    services.follow_tag(
        subscriber=anna,
        tag=energie,
        consent_text=texts.consent,
        privacy_text=texts.privacy,
        visit=services.Visit(source="thema"),
    )
    rows = {s.email: s for s in subscribers_for_admin()}
    assert (rows["anna@example.org"].active_follows, rows["anna@example.org"].weekly) == (1, True)
    assert (rows["ben@example.org"].active_follows, rows["ben@example.org"].weekly) == (0, False)


def test_subscriber_inspect_lists_follows_and_ledger(admin_client, ledger):
    anna = Subscriber.objects.get(email="anna@example.org")
    texts = shown_texts(follow=True)
    services.follow_tag(
        subscriber=anna,
        tag=ledger,
        consent_text=texts.consent,
        privacy_text=texts.privacy,
        visit=services.Visit(source="thema"),
    )
    response = admin_client.get(reverse(f"{SUBSCRIBERS}:inspect", args=[anna.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Energie" in html and "sofort" in html
    for record in anna.consents.all():
        assert reverse(f"{CONSENTS}:inspect", args=[record.pk]) in html
    assert "Bestätigung" in html and "Wochenrückblick" in html
    assert "/edit/" not in html and "/delete/" not in html


# --- newsletter texts (Settings) ----------------------------------------------------------------


def test_newsletter_settings_edit_saves_a_new_consent_text(admin_client, site_tree):
    before = shown_texts()  # cached now; saving must invalidate it
    url = reverse("wagtailsettings:edit", args=["audience", "newslettersettings"])
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert "Newsletter-Texte" in response.content.decode()
    edit_url = response.redirect_chain[-1][0] if response.redirect_chain else url
    current = NewsletterSettings.load()
    new_text = "Ja, schicken Sie mir den Wochenrückblick. Datenschutzerklärung gelesen."
    response = admin_client.post(
        edit_url,
        {
            "title": current.title,
            "intro": current.intro,
            "consent_text": new_text,
            "follow_consent_text": current.follow_consent_text,
            "author_follow_consent_text": current.author_follow_consent_text,
            "button_label": current.button_label,
            "terms_text": current.terms_text,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NewsletterSettings.load().consent_text == new_text
    after = shown_texts()
    assert after.consent.text == new_text
    assert after.consent.sha256 != before.consent.sha256


# --- erasing a reader ---------------------------------------------------------------------------


def _erase_url(subscriber):
    return reverse(f"{SUBSCRIBERS}:erase", args=[subscriber.pk])


def test_erasing_needs_its_own_permission(client, editor, ledger):
    _grant(editor, "view_consentrecord", "view_subscriber", "export_reader_data")
    client.force_login(editor)
    anna = Subscriber.objects.get(email="anna@example.org")
    inspect = client.get(reverse(f"{SUBSCRIBERS}:inspect", args=[anna.pk])).content.decode()
    assert _erase_url(anna) not in inspect
    before = _ledger_snapshot()
    assert client.get(_erase_url(anna)).status_code == 403
    assert client.post(_erase_url(anna)).status_code == 403
    assert Subscriber.objects.filter(pk=anna.pk).exists()
    assert _ledger_snapshot() == before
    assert not SuppressedAddress.objects.exists()


def test_erasing_a_bounced_reader_in_the_admin(client, editor, ledger, caplog):
    """The same result as the reader's own erasure: gone, ledger kept under the hash, the
    address suppressed for good."""
    _grant(editor, "view_subscriber", "erase_reader")
    client.force_login(editor)
    address_suppress(email="anna@example.org", reason="bounced")
    anna = Subscriber.objects.get(email="anna@example.org")
    assert anna.status == "bounced"
    inspect = client.get(reverse(f"{SUBSCRIBERS}:inspect", args=[anna.pk])).content.decode()
    assert _erase_url(anna) in inspect
    confirmation = client.get(_erase_url(anna))
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "Ja, Leserdaten löschen" in page and 'method="POST"' in page
    assert "anna@example.org" not in page  # no "Leserdaten exportieren": masked here too
    assert Subscriber.objects.filter(pk=anna.pk).exists()  # a GET erases nothing
    records = list(anna.consents.values_list("pk", flat=True))
    with caplog.at_level(logging.INFO, logger="depesche.audience.admin_views"):
        response = client.post(_erase_url(anna))
    assert response.status_code == 302 and response["Location"] == SUBSCRIBERS_URL
    assert not Subscriber.objects.filter(email="anna@example.org").exists()
    digest = services.address_hash("anna@example.org")
    erased = ConsentRecord.objects.filter(pk__in=records)
    assert len(erased) == len(records) >= 2
    for record in erased:
        assert (record.email, record.ip_truncated, record.user_agent) == (digest, "", "")
        assert record.subscriber_id is None and record.erased_at is not None
    assert SuppressedAddress.objects.filter(email_hash=digest).exists()
    assert f"reader {anna.pk} erased in the admin by user {editor.pk}" in caplog.text
    assert "anna@example.org" not in caplog.text
    # a new sign-up with the address is ignored, like after the reader's own erasure
    _signup("anna@example.org")
    assert not Subscriber.objects.filter(email="anna@example.org").exists()
    # the others are untouched
    assert Subscriber.objects.filter(email="ben@example.org").exists()
    assert client.post(_erase_url(anna)).status_code == 404


def test_erasing_checks_the_csrf_token(editor, ledger):
    _grant(editor, "view_subscriber", "erase_reader")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    anna = Subscriber.objects.get(email="anna@example.org")
    assert client.post(_erase_url(anna)).status_code == 403
    assert Subscriber.objects.filter(pk=anna.pk).exists()
    token = client.get(_erase_url(anna)).context["csrf_token"]
    assert client.post(_erase_url(anna), {"csrfmiddlewaretoken": str(token)}).status_code == 302
    assert not Subscriber.objects.filter(pk=anna.pk).exists()


def test_superusers_may_erase(admin_client, ledger):
    cora = Subscriber.objects.get(email="cora@example.org")
    inspect = admin_client.get(reverse(f"{SUBSCRIBERS}:inspect", args=[cora.pk])).content
    assert _erase_url(cora).encode() in inspect
    assert b"cora@example.org" in admin_client.get(_erase_url(cora)).content
    assert admin_client.post(_erase_url(cora)).status_code == 302
    assert not Subscriber.objects.filter(email="cora@example.org").exists()


def test_the_erase_page_in_english(admin_client, admin_user, ledger):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    cora = Subscriber.objects.get(email="cora@example.org")
    inspect = admin_client.get(reverse(f"{SUBSCRIBERS}:inspect", args=[cora.pk])).content.decode()
    assert "Erase reader data" in inspect
    page = admin_client.get(_erase_url(cora)).content.decode()
    assert "Yes, erase reader data" in page and "cannot be undone" in page


# --- Wagtail's audit log (Reports → Site history) -------------------------------------------

SITE_HISTORY = reverse("wagtailadmin_reports:site_history")


def test_a_ledger_export_is_in_the_audit_log(client, editor, ledger):
    _grant(editor, "view_consentrecord", "export_reader_data")
    client.force_login(editor)
    response = client.get(LEDGER, {"action": "consent", "export": "csv"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = ModelLogEntry.objects.get(action=LEDGER_EXPORTED)
    assert entry.user_id == editor.pk
    assert entry.content_type.model_class() is ConsentRecord
    assert entry.data == {"format": "csv", "rows": 4}
    assert entry.label == "Export der Einwilligungsnachweise (CSV, 4 Zeilen)"


def test_a_refused_export_leaves_no_audit_entry(client, editor, ledger):
    _grant(editor, "view_consentrecord")
    client.force_login(editor)
    assert client.get(LEDGER, {"export": "csv"}).status_code == 403
    assert not ModelLogEntry.objects.filter(action=LEDGER_EXPORTED).exists()


def test_an_admin_erasure_is_in_the_audit_log_without_the_address(client, editor, ledger):
    _grant(editor, "view_subscriber", "erase_reader")
    client.force_login(editor)
    anna = Subscriber.objects.get(email="anna@example.org")
    assert client.post(_erase_url(anna)).status_code == 302
    entry = ModelLogEntry.objects.get(action=READER_ERASED)
    assert entry.user_id == editor.pk
    assert entry.object_id == str(anna.pk) and entry.deleted
    assert entry.content_type.model_class() is Subscriber
    assert entry.label == f"Abonnent {anna.pk}"
    assert "anna" not in f"{entry.label} {entry.data}"


def test_a_failed_erasure_leaves_no_audit_entry(client, editor, ledger, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(subscribers_admin, "subscriber_erase", broken)
    _grant(editor, "view_subscriber", "erase_reader")
    client.raise_request_exception = True
    client.force_login(editor)
    anna = Subscriber.objects.get(email="anna@example.org")
    with pytest.raises(RuntimeError):
        client.post(_erase_url(anna))
    assert not ModelLogEntry.objects.filter(action=READER_ERASED).exists()


def test_site_history_lists_exports_and_erasures(admin_client, admin_user, ledger):
    b"".join(admin_client.get(LEDGER, {"export": "xlsx"}).streaming_content)
    cora = Subscriber.objects.get(email="cora@example.org")
    admin_client.post(_erase_url(cora))
    response = admin_client.get(SITE_HISTORY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Einwilligungsnachweise exportiert" in page
    assert "Export der Einwilligungsnachweise (XLSX, " in page
    assert "Leserdaten gelöscht" in page and f"Abonnent {cora.pk}" in page
    assert "cora@example.org" not in page
    # the action filter offers both by their labels
    assert "Einwilligungsnachweise exportieren" in page and "Leserdaten löschen" in page
