"""The outbox in the Wagtail admin: per article, per delivery and the queue; read-only."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from depesche.alerts.admin_views import ARTICLES, QUEUE, article_page_buttons
from depesche.alerts.models import Delivery
from depesche.audience.models import Subscriber
from depesche.core.timefmt import BERLIN
from tests.factories import follower, publish_article, save_draft_article

ARTICLE_LIST = reverse(f"{ARTICLES}:index")
QUEUE_URL = reverse(f"{QUEUE}:index")
ENERGIE = ("anna", "ben", "cora", "dora", "emil", "fritz")


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 1, 10, hour, minute, tzinfo=BERLIN)


def detail_url(article) -> str:
    return reverse(f"{ARTICLES}:article", args=[article.pk])


def mark(article, name: str, **fields) -> None:
    """Simulate the workers: set one reader's delivery of `article`."""
    rows = Delivery.objects.filter(article=article, subscriber__email=f"{name}@example.org")
    assert rows.update(**fields) == 1


class Outbox:
    def __init__(self, strom, klima) -> None:
        self.strom = strom  # 6 recipients: 3 sent, 1 failed, 1 bounced, 1 pending
        self.klima = klima  # 7 recipients: 5 pending, 1 sending, 1 cancelled


@pytest.fixture
def outbox(site_tree, django_capture_on_commit_callbacks) -> Outbox:
    for name in ENERGIE:
        follower(f"{name}@example.org", "Energie")
    follower("gerda@example.org", "Klima", frequency="taeglich")
    politik = site_tree.sections["Politik"]
    with django_capture_on_commit_callbacks(execute=True):
        strom = publish_article(politik, tags=["Energie"], title="Strompreise sinken")
    with django_capture_on_commit_callbacks(execute=True):
        klima = publish_article(politik, tags=["Klima", "Energie"], title="Klimagipfel beginnt")
    assert Delivery.objects.filter(article=strom).count() == 6
    assert Delivery.objects.filter(article=klima).count() == 7

    now = timezone.now()
    # The first article went out three hours ago …
    Delivery.objects.filter(article=strom).update(created_at=now - timedelta(hours=3))
    mark(strom, "anna", status="sent", sent_at=at(9, 0), attempts=1)
    mark(strom, "ben", status="sent", sent_at=at(9, 5), attempts=1)
    mark(strom, "cora", status="sent", sent_at=at(9, 30), attempts=2)
    mark(strom, "dora", status="failed", attempts=5, last_error="451 4.7.1 try again later")
    mark(strom, "emil", status="bounced", attempts=1, last_error="550 5.1.1 user unknown")
    # … fritz's is still pending (and due). The second is under way:
    mark(klima, "anna", status="cancelled")
    mark(klima, "dora", status="sending", attempts=1)
    mark(
        klima,
        "ben",
        attempts=1,
        last_error="421 4.3.2 too many connections",
        next_attempt_at=now + timedelta(hours=1),
    )
    return Outbox(strom, klima)


def text(element) -> str:
    return element.get_text(" ", strip=True).replace("\xa0", " ")


def table(html: str, selector: str = "table.listing") -> list[dict[str, str]]:
    """The rows of the first matching table, as {column heading: cell text}."""
    found = BeautifulSoup(html, "html.parser").select_one(selector)
    assert found is not None, selector
    headings = [text(th) for th in found.select("thead th")]
    return [
        dict(zip(headings, [text(td) for td in row.find_all("td")], strict=True))
        for row in found.select("tbody tr")
    ]


def listing(html: str) -> list[dict[str, str]]:
    """The generic listing's results table (not the summary above it)."""
    return table(html, "#listing-results table.listing")


def snapshot() -> list[dict]:
    return list(Delivery.objects.order_by("pk").values())


# --- Versand → Artikel --------------------------------------------------------------------------


def test_article_list_counts_per_status_and_send_times(admin_client, outbox):
    response = admin_client.get(ARTICLE_LIST)
    assert response.status_code == 200
    rows = listing(response.content.decode())
    assert [row["Artikel"] for row in rows] == ["Klimagipfel beginnt", "Strompreise sinken"]
    klima, strom = rows
    assert {key: strom[key] for key in list(strom)[2:]} == {
        "Empfänger": "6",
        "wartend": "1",
        "wird gesendet": "0",
        "gesendet": "3",
        "fehlgeschlagen": "1",
        "unzustellbar": "1",
        "storniert": "0",
        "erster Versand": "10.01.2026 09:00:00",
        "letzter Versand": "10.01.2026 09:30:00",
    }
    assert (klima["Empfänger"], klima["wartend"], klima["wird gesendet"]) == ("7", "5", "1")
    assert (klima["gesendet"], klima["storniert"], klima["letzter Versand"]) == ("0", "1", "")
    assert "2 Artikel" in response.content.decode()


def test_article_list_links_to_the_article_and_its_statuses(admin_client, outbox):
    html = admin_client.get(ARTICLE_LIST).content.decode()
    assert f'href="{detail_url(outbox.strom)}"' in html
    assert f'href="{detail_url(outbox.strom)}?status=failed"' in html
    assert f'href="{detail_url(outbox.klima)}?status=failed"' not in html  # none failed


def test_article_list_skips_articles_nobody_was_alerted_about(admin_client, outbox, site_tree):
    publish_article(site_tree.sections["Politik"], tags=["Sport"], title="Niemand folgt Sport")
    html = admin_client.get(ARTICLE_LIST).content.decode()
    assert "Niemand folgt Sport" not in html and "Strompreise sinken" in html


def test_article_list_search_sort_and_export(admin_client, outbox):
    found = listing(admin_client.get(ARTICLE_LIST, {"q": "strom"}).content.decode())
    assert [row["Artikel"] for row in found] == ["Strompreise sinken"]
    by_sent = listing(admin_client.get(ARTICLE_LIST, {"ordering": "-sent"}).content.decode())
    assert [row["Artikel"] for row in by_sent] == ["Strompreise sinken", "Klimagipfel beginnt"]

    response = admin_client.get(ARTICLE_LIST, {"export": "csv"})
    assert response.status_code == 200
    assert "versand-artikel.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    strom = next(row for row in rows if row["Artikel"] == "Strompreise sinken")
    assert (strom["Empfänger"], strom["gesendet"], strom["unzustellbar"]) == ("6", "3", "1")
    assert strom["erster Versand (Europe/Berlin)"] == "2026-01-10T09:00:00+01:00"

    response = admin_client.get(ARTICLE_LIST, {"q": "klima", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    heading, row = list(sheet.values)
    assert dict(zip(heading, row, strict=True))["Artikel"] == "Klimagipfel beginnt"
    assert dict(zip(heading, row, strict=True))["wartend"] == 5


def test_article_list_has_no_per_row_queries(
    admin_client,
    outbox,
    site_tree,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    admin_client.get(ARTICLE_LIST)  # warm Wagtail's per-process caches
    with django_assert_max_num_queries(40) as few:
        admin_client.get(ARTICLE_LIST)
    for n in range(10):
        follower(f"neu{n}@example.org", "Wetter")
    for n in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            publish_article(site_tree.sections["Politik"], tags=["Wetter"], title=f"Wetter {n}")
    Delivery.objects.filter(subscriber__email="neu1@example.org").update(
        status="sent", sent_at=timezone.now()
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(ARTICLE_LIST)
    assert len(listing(response.content.decode())) == 8


# --- one article --------------------------------------------------------------------------------


def test_article_detail_summarises_and_lists_the_deliveries(admin_client, outbox):
    response = admin_client.get(detail_url(outbox.strom))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Strompreise sinken" in html
    [summary] = table(html, "table[data-delivery-summary]")
    assert (summary["Empfänger"], summary["gesendet"], summary["fehlgeschlagen"]) == ("6", "3", "1")
    assert summary["erster Versand"] == "10.01.2026 09:00:00"
    assert summary["letzter Versand"] == "10.01.2026 09:30:00"
    rows = {row["E-Mail"]: row for row in listing(html)}
    assert set(rows) == {f"{name}@example.org" for name in ENERGIE}
    dora = rows["dora@example.org"]
    assert (dora["Status"], dora["Versuche"], dora["Art"], dora["Themen"]) == (
        "fehlgeschlagen",
        "5",
        "sofort",
        "Energie",
    )
    assert dora["Letzter Fehler"] == "451 4.7.1 try again later"
    assert rows["cora@example.org"]["gesendet"] == "10.01.2026 09:30:00"
    assert rows["fritz@example.org"]["nächster Versuch"] != ""  # pending: when it is due
    assert reverse("wagtailadmin_pages:edit", args=[outbox.strom.pk]) in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "sent"}, {"anna", "ben", "cora"}),
        ({"status": "failed"}, {"dora"}),
        ({"status": "bounced"}, {"emil"}),
        ({"status": "pending"}, {"fritz"}),
        ({"status": "cancelled"}, set()),
        ({"q": "EMIL@"}, {"emil"}),
    ],
)
def test_article_detail_filters_by_status(admin_client, outbox, query, expected):
    response = admin_client.get(detail_url(outbox.strom), query)
    assert response.status_code == 200
    html = response.content.decode()
    emails = {row["E-Mail"] for row in listing(html)} if expected else set()
    assert emails == {f"{name}@example.org" for name in expected}
    for name in set(ENERGIE) - expected:
        assert f"{name}@example.org" not in html
    # the AJAX results view (filters and search refresh through it) narrows the same way
    results_url = reverse(f"{ARTICLES}:article_results", args=[outbox.strom.pk])
    results = admin_client.get(results_url, query).content.decode()
    for name in ENERGIE:
        assert (f"{name}@example.org" in results) == (name in expected)


def test_article_detail_filters_by_kind_and_links_readers(admin_client, outbox):
    html = admin_client.get(detail_url(outbox.klima), {"kind": "taeglich"}).content.decode()
    assert [row["E-Mail"] for row in listing(html)] == ["gerda@example.org"]
    gerda = Delivery.objects.get(article=outbox.klima, subscriber__email="gerda@example.org")
    assert reverse("audience_subscribers:inspect", args=[gerda.subscriber_id]) in html


def test_article_detail_paginates(admin_client, outbox, monkeypatch):
    from depesche.alerts.admin_views import ArticleDeliveriesView

    monkeypatch.setattr(ArticleDeliveriesView, "paginate_by", 4)
    first = listing(admin_client.get(detail_url(outbox.strom)).content.decode())
    second = listing(admin_client.get(detail_url(outbox.strom), {"p": 2}).content.decode())
    assert len(first) == 4 and len(second) == 2
    assert {row["E-Mail"] for row in first + second} == {f"{n}@example.org" for n in ENERGIE}


def test_article_detail_without_deliveries_and_for_other_pages(
    admin_client, outbox, site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        quiet = publish_article(site_tree.sections["Politik"], tags=["Sport"], title="Stille")
    html = admin_client.get(detail_url(quiet)).content.decode()
    assert "niemand folgt den Themen" in html
    draft = save_draft_article(site_tree.sections["Politik"], tags=["Energie"], title="Entwurf")
    html = admin_client.get(detail_url(draft)).content.decode()
    assert "noch nicht veröffentlicht" in html and "anna@example.org" not in html
    section = site_tree.sections["Politik"]
    assert admin_client.get(detail_url(section)).status_code == 404
    assert admin_client.get(reverse(f"{ARTICLES}:article", args=[999999])).status_code == 404


def test_article_detail_query_count_is_flat(admin_client, outbox, django_assert_max_num_queries):
    admin_client.get(detail_url(outbox.klima))
    with django_assert_max_num_queries(40) as few:
        admin_client.get(detail_url(outbox.klima))
    for n in range(12):
        follower(f"spaet{n}@example.org", "Energie")
    Delivery.objects.bulk_create(
        Delivery(
            subscriber=subscriber,
            article=outbox.klima,
            kind="sofort",
            matched_tags="Energie",
        )
        for subscriber in Subscriber.objects.filter(email__startswith="spaet")
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(detail_url(outbox.klima))
    assert len(listing(response.content.decode())) == 19


# --- Versand → Warteschlange --------------------------------------------------------------------


def test_queue_counts_due_oldest_and_errors(admin_client, outbox):
    response = admin_client.get(QUEUE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    [totals] = table(html, "table[data-queue-totals]")
    assert {key: totals[key] for key in list(totals)[:-1]} == {
        "insgesamt": "13",
        "wartend": "6",
        "wird gesendet": "1",
        "gesendet": "3",
        "fehlgeschlagen": "1",
        "unzustellbar": "1",
        "storniert": "1",
        "jetzt fällig": "5",  # ben's retry is due in an hour
    }
    assert totals["älteste wartende"].startswith("seit 3 Stunden")
    kinds = {row["Art"]: row for row in table(html, "table[data-queue-kinds]")}
    assert (kinds["sofort"]["wartend"], kinds["sofort"]["jetzt fällig"]) == ("5", "4")
    assert (kinds["täglich"]["wartend"], kinds["täglich"]["jetzt fällig"]) == ("1", "1")
    errors = table(html, "table[data-queue-errors]")
    # ben's retry is due last, so it is the latest; dora's and emil's were due together
    assert (errors[0]["E-Mail"], errors[0]["Status"]) == ("ben@example.org", "wartend")
    assert {(row["E-Mail"], row["Status"]) for row in errors[1:]} == {
        ("dora@example.org", "fehlgeschlagen"),
        ("emil@example.org", "unzustellbar"),
    }
    assert {row["Fehler"] for row in errors} == {
        "421 4.3.2 too many connections",
        "451 4.7.1 try again later",
        "550 5.1.1 user unknown",
    }
    assert errors[0]["Artikel"] == "Klimagipfel beginnt" and errors[0]["nächster Versuch"] != "–"
    assert f'href="{detail_url(outbox.strom)}"' in html


def test_empty_queue(admin_client, site_tree):
    html = admin_client.get(QUEUE_URL).content.decode()
    [totals] = table(html, "table[data-queue-totals]")
    assert (totals["insgesamt"], totals["jetzt fällig"], totals["älteste wartende"]) == (
        "0",
        "0",
        "–",
    )
    assert "Die Warteschlange ist leer." in html and "Keine Fehler." in html
    assert (
        "Noch keine Benachrichtigungen verschickt."
        in admin_client.get(ARTICLE_LIST).content.decode()
    )


# --- read-only ----------------------------------------------------------------------------------


def test_no_add_edit_or_delete_routes(admin_client, outbox):
    for namespace in (ARTICLES, QUEUE):
        for name in ("add", "edit", "delete", "copy", "inspect", "history", "usage"):
            with pytest.raises(NoReverseMatch):
                reverse(f"{namespace}:{name}", args=[outbox.strom.pk])
            with pytest.raises(NoReverseMatch):
                reverse(f"{namespace}:{name}")
    before = snapshot()
    delivery = Delivery.objects.filter(article=outbox.strom).first()
    for prefix in ("/admin/versand/artikel", "/admin/versand/warteschlange"):
        for path in (
            "new/",
            f"edit/{delivery.pk}/",
            f"delete/{delivery.pk}/",
            f"{outbox.strom.pk}/delete/",
            f"{outbox.strom.pk}/edit/",
            f"{outbox.strom.pk}/retry/",
        ):
            assert admin_client.get(f"{prefix}/{path}").status_code == 404
            assert admin_client.post(f"{prefix}/{path}", {"status": "sent"}).status_code == 404
    # the views that exist only read
    for url in (
        ARTICLE_LIST,
        reverse(f"{ARTICLES}:index_results"),
        detail_url(outbox.strom),
        reverse(f"{ARTICLES}:article_results", args=[outbox.strom.pk]),
        QUEUE_URL,
    ):
        assert admin_client.post(url, {"status": "sent"}).status_code == 405
        assert admin_client.delete(url).status_code == 405
    assert snapshot() == before


def test_pages_offer_no_change_buttons(admin_client, outbox):
    for url in (ARTICLE_LIST, detail_url(outbox.strom), QUEUE_URL):
        html = admin_client.get(url).content.decode()
        assert "/new/" not in html and "/delete/" not in html


# --- permissions --------------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    """Admin access, nothing else."""
    user = django_user_model.objects.create_user("redakteur", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def urls(outbox) -> list[str]:
    return [
        ARTICLE_LIST,
        f"{ARTICLE_LIST}?export=csv",
        reverse(f"{ARTICLES}:index_results"),
        detail_url(outbox.strom),
        reverse(f"{ARTICLES}:article_results", args=[outbox.strom.pk]),
        QUEUE_URL,
    ]


def test_users_without_view_permission_are_turned_away(client, editor, outbox):
    client.force_login(editor)
    for url in urls(outbox):
        response = client.get(url)
        assert response.status_code == 302, url  # Wagtail: back to the dashboard
        assert b"anna@example.org" not in response.content
        assert b"Strompreise sinken" not in response.content
    menu = client.get("/admin/").content.decode()
    assert ARTICLE_LIST not in menu and QUEUE_URL not in menu
    assert article_page_buttons(page=outbox.strom, user=editor) == []


def test_anonymous_users_go_to_the_login(client, outbox):
    for url in urls(outbox):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_view_permission_opens_everything_read_only(client, editor, outbox):
    editor.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(editor)
    for url in urls(outbox):
        assert client.get(url).status_code == 200, url
    detail = client.get(detail_url(outbox.strom)).content.decode()
    assert "a…@example.org" in detail  # no "Leserdaten exportieren": masked (tests below)
    # no subscriber permission: addresses are not linked to the reader pages
    assert "/admin/leser/abonnenten/inspect/" not in detail
    menu = client.get("/admin/").content.decode()
    assert "Versand" in menu and ARTICLE_LIST in menu and QUEUE_URL in menu
    [button] = article_page_buttons(page=outbox.strom, user=editor)
    assert button.url == detail_url(outbox.strom)


def test_only_the_view_permission_is_offered_for_groups(outbox):
    from wagtail import hooks

    codenames = {
        permission.codename
        for hook in hooks.get_hooks("register_permissions")
        for permission in hook()
        if permission.content_type.app_label == "alerts"
    }
    assert codenames == {"view_delivery"}


def test_menu_for_superusers(admin_client, site_tree):
    html = admin_client.get("/admin/").content.decode()
    assert "Versand" in html and "Warteschlange" in html
    assert ARTICLE_LIST in html and QUEUE_URL in html


# --- the "Versand" button on articles -----------------------------------------------------------


def test_page_editor_offers_versand_on_articles(admin_client, outbox, site_tree):
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[outbox.strom.pk]))
    assert edit.status_code == 200
    assert detail_url(outbox.strom) in edit.content.decode()
    section = site_tree.sections["Politik"]
    section_edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[section.pk]))
    assert detail_url(section) not in section_edit.content.decode()


def test_page_listing_offers_versand_per_article(admin_client, outbox, site_tree):
    section = site_tree.sections["Politik"]
    html = admin_client.get(reverse("wagtailadmin_explore", args=[section.pk])).content.decode()
    assert detail_url(outbox.strom) in html and detail_url(outbox.klima) in html


def test_no_button_on_other_pages(admin_user, site_tree):
    assert article_page_buttons(page=site_tree.sections["Politik"], user=admin_user) == []
    assert article_page_buttons(page=site_tree.home, user=admin_user) == []


# --- readers' addresses: only with "Leserdaten exportieren" ---------------------------------------

ADDRESSES = [f"{name}@example.org" for name in (*ENERGIE, "gerda")]
REJECTED = "550 5.1.1 <emil@example.org>: Recipient address rejected: User unknown in mailbox"


@pytest.fixture
def viewer(client, editor, outbox):
    """A logged-in user with `delivery.view_delivery`; emil's bounce names his address."""
    editor.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    mark(outbox.strom, "emil", last_error=REJECTED)
    client.force_login(editor)
    return editor


def body(response) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
        if data[:2] == b"PK":  # XLSX: the cells, not the zipped XML
            sheet = load_workbook(io.BytesIO(data)).active
            return "\n".join(str(cell) for row in sheet.values for cell in row)
        return data.decode()
    return response.content.decode()


def pages(outbox) -> list[str]:
    return [
        *urls(outbox),
        f"{ARTICLE_LIST}?export=xlsx",
        detail_url(outbox.klima),
        f"{detail_url(outbox.strom)}?export=csv",
        f"{detail_url(outbox.strom)}?status=bounced",
    ]


def test_without_reader_data_addresses_are_masked_everywhere(client, viewer, outbox):
    for url in pages(outbox):
        response = client.get(url)
        assert response.status_code == 200, url
        shown = body(response)
        assert not [address for address in ADDRESSES if address in shown], url

    detail = listing(client.get(detail_url(outbox.strom)).content.decode())
    assert {row["E-Mail"] for row in detail} == {f"{n[0]}…@example.org" for n in ENERGIE}
    [emil] = [row for row in detail if row["Status"] == "unzustellbar"]
    assert emil["Letzter Fehler"].startswith("550 5.1.1 <e…@example.org>: Recipient address")
    errors = table(client.get(QUEUE_URL).content.decode(), "table[data-queue-errors]")
    assert {row["E-Mail"] for row in errors} == {
        "b…@example.org",
        "d…@example.org",
        "e…@example.org",
    }
    assert REJECTED.replace("emil@", "e…@") in {row["Fehler"] for row in errors}


def test_without_reader_data_no_search_or_sort_by_part_of_an_address(client, viewer, outbox):
    results = detail_url(outbox.strom)
    assert listing_rows(client, results, {"q": "anna"}) == []
    assert listing_rows(client, results, {"q": "@example.org"}) == []
    [found] = listing_rows(client, results, {"q": " Anna@Example.org "})
    assert found["E-Mail"] == "a…@example.org"
    # Sorted by address, the masked list would give the addresses' order away.
    html = client.get(detail_url(outbox.strom)).content.decode()
    assert "subscriber__email" not in html  # no sort link on the address column
    by_status = [row["E-Mail"] for row in listing_rows(client, results, {"ordering": "status"})]
    for ordering in ("-subscriber__email", "subscriber__email"):
        asked = listing_rows(client, results, {"ordering": ordering})
        assert [row["E-Mail"] for row in asked] == by_status  # the default order, not by address


def test_with_reader_data_addresses_are_shown_and_searched(client, viewer, outbox):
    viewer.user_permissions.add(Permission.objects.get(codename="export_reader_data"))
    detail = listing(client.get(detail_url(outbox.strom)).content.decode())
    assert sorted(row["E-Mail"] for row in detail) == sorted(ADDRESSES[:6])
    [emil] = [row for row in detail if row["Status"] == "unzustellbar"]
    assert emil["Letzter Fehler"].startswith("550 5.1.1 <emil@example.org>")
    errors = table(client.get(QUEUE_URL).content.decode(), "table[data-queue-errors]")
    assert "emil@example.org" in {row["E-Mail"] for row in errors}
    assert REJECTED in {row["Fehler"] for row in errors}
    results = detail_url(outbox.strom)
    assert [row["E-Mail"] for row in listing_rows(client, results, {"q": "ann"})] == [
        "anna@example.org"
    ]
    assert "ordering=-subscriber__email" in client.get(detail_url(outbox.strom)).content.decode()


def listing_rows(client, url: str, query: dict[str, str]) -> list[dict[str, str]]:
    """The listing's rows; none when the page shows no results table."""
    html = client.get(url, query).content.decode()
    if BeautifulSoup(html, "html.parser").select_one("#listing-results table.listing") is None:
        assert "Leider" in html or "keine" in html.lower(), html[-2000:]
        return []
    return listing(html)


def test_article_detail_shows_how_many_browsers_were_notified(admin_client, site_tree, settings):
    from depesche.alerts.models import ArticlePush, PushDelivery, Urgency
    from depesche.audience.models import PushSubscription
    from tests.factories import publish_article

    article = publish_article(site_tree.sections["Politik"], tags=["Energie"], breaking=True)
    page = admin_client.get(detail_url(article)).content.decode()
    assert "Für diesen Artikel gibt es keine Browser-Benachrichtigungen." in page
    ArticlePush.objects.create(article=article, urgency=Urgency.HIGH, recipients=3)
    browsers = PushSubscription.objects.bulk_create(
        PushSubscription(
            endpoint=f"https://push.example/{n}", endpoint_hash=str(n), p256dh="k", auth="a"
        )
        for n in range(3)
    )
    for browser, status in zip(browsers, ["sent", "sent", "failed"], strict=True):
        PushDelivery.objects.create(
            subscription=browser, article=article, topic="eilmeldungen", status=status
        )
    page = admin_client.get(detail_url(article)).content.decode()
    assert "Als Eilmeldung verschickt (Dringlichkeit hoch)." in page
    [row] = table(page, "table[data-push-summary]")
    assert row["Browser"] == "3"
    assert row["gesendet"] == "2" and row["fehlgeschlagen"] == "1" and row["wartend"] == "0"
