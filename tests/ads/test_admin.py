"""The "Anzeigen" admin: campaign form validation, the per-campaign report and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from depesche.ads.models import Advertiser, Campaign
from depesche.ads.services import ad_click_record, ad_impression_record, click_token
from tests.factories import AdvertiserFactory, CampaignFactory, make_image

ADD_URL = "/admin/snippets/ads/campaign/add/"


def errors_of(**fields) -> dict[str, list[str]]:
    advertiser, _ = Advertiser.objects.get_or_create(name="Nordlicht AG")
    now = timezone.now()
    values = {
        "advertiser": advertiser,
        "name": "Test",
        "starts_at": now,
        "ends_at": now + timedelta(days=1),
        "kind": "native",
        "brand": "Nordlicht",
        "headline": "Überschrift",
        "target_url": "https://nordlicht.example/",
        **fields,
    }
    try:
        Campaign(**values).full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_valid_campaign_has_no_errors(db):
    assert errors_of() == {}


def test_end_before_start(db):
    now = timezone.now()
    assert errors_of(starts_at=now, ends_at=now - timedelta(minutes=1)) == {
        "ends_at": ["Das Ende muss nach dem Beginn liegen."]
    }


def test_external_url_must_be_http(db):
    message = (
        "Die Ziel-URL muss mit http:// oder https:// beginnen (oder als Pfad dieser Website "
        "mit / wie /newsletter/)."
    )
    for bad in (
        "ftp://nordlicht.example/datei",
        "javascript:alert(1)",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "nordlicht.example",
        "https://",
    ):
        assert errors_of(target_url=bad) == {"target_url": [message]}, bad
    assert errors_of(target_url="http://nordlicht.example/a?b=c") == {}
    assert errors_of(target_url="/newsletter/") == {}


def test_native_needs_exactly_one_target(site_tree):
    from tests.factories import publish_article

    article = publish_article(site_tree.sections["Wirtschaft"])
    neither = errors_of(target_url="")
    assert neither["target_url"] == [
        "Ein Native Teaser braucht ein Ziel: einen gesponserten Artikel oder eine externe Ziel-URL."
    ]
    both = errors_of(sponsored_article=article)
    assert both["target_url"] == [
        "Bitte entweder einen gesponserten Artikel oder eine externe Ziel-URL angeben, "
        "nicht beides."
    ]
    assert errors_of(sponsored_article=article, target_url="") == {}


def test_image_ad_needs_alt_text_and_image(db):
    errors = errors_of(kind="image", brand="", headline="")
    assert errors["alt_text"] == ["Eine Bildanzeige braucht einen Alternativtext."]
    assert errors["image"] == ["Eine Bildanzeige braucht ein Bild."]
    assert errors_of(kind="image", image=make_image(), alt_text="Leuchtturm") == {}


def test_admin_form_shows_german_errors(admin_client, db):
    advertiser = AdvertiserFactory()
    response = admin_client.post(
        ADD_URL,
        {
            "advertiser": advertiser.pk,
            "name": "Falsch",
            "starts_at": "2026-12-02 10:00",
            "ends_at": "2026-12-01 10:00",
            "weight": 1,
            "priority": 0,
            "active": "on",
            "kind": "image",
            "target_url": "https://nordlicht.example/",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Das Ende muss nach dem Beginn liegen." in html
    assert "Eine Bildanzeige braucht einen Alternativtext." in html
    assert not Campaign.objects.exists()


def test_admin_menu_and_listing(admin_client, db):
    campaign = CampaignFactory(name="Winteraktion")
    html = admin_client.get("/admin/snippets/ads/campaign/").content.decode()
    assert "Winteraktion" in html
    assert f"/admin/snippets/ads/campaign/{campaign.pk}/bericht/" in html
    assert "Anzeigen" in admin_client.get("/admin/").content.decode()


@pytest.fixture
def counted(db):
    campaign = CampaignFactory(name="Winteraktion")
    day_one = datetime(2026, 11, 23, 10, tzinfo=UTC)
    day_two = datetime(2026, 11, 24, 10, tzinfo=UTC)
    for _ in range(4):
        ad_impression_record(campaign_id=campaign.pk, slot="list", now=day_one)
    ad_impression_record(campaign_id=campaign.pk, slot="aside", now=day_one)
    ad_click_record(token=click_token(campaign_id=campaign.pk, slot="list"), now=day_one)
    for _ in range(2):
        ad_impression_record(campaign_id=campaign.pk, slot="aside", now=day_two)
    return campaign


def test_report_per_day(admin_client, counted):
    response = admin_client.get(f"/admin/snippets/ads/campaign/{counted.pk}/bericht/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>23.11.2026</td><td>5</td><td>1</td><td>20,00 %</td>" in html
    assert "<td>24.11.2026</td><td>2</td><td>0</td><td>0,00 %</td>" in html


def test_report_csv(admin_client, counted):
    response = admin_client.get(f"/admin/snippets/ads/campaign/{counted.pk}/bericht/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Datum", "Einblendungen", "Klicks", "CTR (%)", "Kampagne"]
    assert rows[1:] == [
        ["2026-11-24", "2", "0", "0.00", "Nordlicht AG: Winteraktion"],
        ["2026-11-23", "5", "1", "20.00", "Nordlicht AG: Winteraktion"],
        ["gesamt", "7", "1", "14.29", "Nordlicht AG: Winteraktion"],
    ]


def test_report_needs_permission(client, counted, django_user_model):
    user = django_user_model.objects.create_user("redakteur", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(f"/admin/snippets/ads/campaign/{counted.pk}/bericht/")
    assert response.status_code == 302  # Wagtail's answer to PermissionDenied
    assert response["Location"] == reverse("wagtailadmin_home")
    user.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    client.force_login(django_user_model.objects.get(pk=user.pk))  # fresh permission cache
    assert client.get(f"/admin/snippets/ads/campaign/{counted.pk}/bericht/").status_code == 200


def test_campaign_form_and_sponsor_field_render(admin_client, site_tree):
    from tests.factories import publish_article

    html = admin_client.get(ADD_URL).content.decode()
    for label in ("Werbekunde", "Gewichtung", "Priorität", "Eigenanzeige", "Alternativtext"):
        assert label in html
    article = publish_article(site_tree.sections["Wirtschaft"])
    html = admin_client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "Gesponsert von / Anzeige für" in html


def test_admin_creates_a_valid_campaign(admin_client, site_tree):
    advertiser = AdvertiserFactory()
    politik = site_tree.sections["Politik"]
    response = admin_client.post(
        ADD_URL,
        {
            "advertiser": advertiser.pk,
            "name": "Winter",
            "starts_at": "2026-12-01 10:00",
            "ends_at": "2026-12-24 10:00",
            "weight": 2,
            "priority": 1,
            "active": "on",
            "target_sections": [politik.pk],
            "kind": "native",
            "brand": "Nordlicht",
            "headline": "Warm durch den Winter",
            "target_url": "https://nordlicht.example/winter",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="Winter")
    assert list(campaign.target_sections.all()) == [politik]


def test_a_campaign_saved_in_the_admin_reaches_cached_pages(
    admin_client, client, site_tree, settings, django_capture_on_commit_callbacks
):
    from tests.factories import publish_article

    settings.PAGE_CACHE_SECONDS = 300
    article = publish_article(site_tree.sections["Politik"], title="Ein Artikel")
    assert "ad__headline" not in client.get(article.url).content.decode()
    assert client.get(article.url)["ETag"]  # now served from the page cache
    advertiser = AdvertiserFactory()
    now = timezone.localtime()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ADD_URL,
            {
                "advertiser": advertiser.pk,
                "name": "Sofort",
                "starts_at": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
                "ends_at": (now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
                "weight": 1,
                "priority": 1,
                "active": "on",
                "kind": "native",
                "brand": "Nordlicht",
                "headline": "Warm durch den Winter",
                "target_url": "https://nordlicht.example/winter",
            },
        )
    assert response.status_code == 302
    assert "Warm durch den Winter" in client.get(article.url).content.decode()


# --- Wagtail's audit log (Reports → Site history) -------------------------------------------

CAMPAIGN_FORM = {
    "name": "Winter",
    "starts_at": "2026-12-01 10:00",
    "ends_at": "2026-12-24 10:00",
    "weight": 2,
    "priority": 1,
    "active": "on",
    "kind": "native",
    "brand": "Nordlicht",
    "headline": "Warm durch den Winter",
    "target_url": "https://nordlicht.example/winter",
}


def campaign_log(campaign_id: int) -> list[tuple[str, int | None]]:
    entries = ModelLogEntry.objects.filter(
        content_type__model="campaign", object_id=str(campaign_id)
    ).order_by("timestamp", "pk")
    return [(entry.action, entry.user_id) for entry in entries]


def test_campaign_changes_in_the_admin_are_in_the_audit_log(admin_client, admin_user, db):
    """Wagtail's snippet views log create, edit and delete themselves: this holds them to it."""
    advertiser = Advertiser.objects.create(name="Nordlicht AG")
    form = {**CAMPAIGN_FORM, "advertiser": advertiser.pk}
    assert admin_client.post(ADD_URL, form).status_code == 302
    campaign = Campaign.objects.get(name="Winter")
    edit = reverse("wagtailsnippets_ads_campaign:edit", args=[campaign.pk])
    assert admin_client.post(edit, {**form, "headline": "Wärmer"}).status_code == 302
    delete = reverse("wagtailsnippets_ads_campaign:delete", args=[campaign.pk])
    assert admin_client.post(delete).status_code == 302
    assert not Campaign.objects.filter(pk=campaign.pk).exists()
    assert campaign_log(campaign.pk) == [
        ("wagtail.create", admin_user.pk),
        ("wagtail.edit", admin_user.pk),
        ("wagtail.delete", admin_user.pk),
    ]
    page = admin_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert page.count("Nordlicht AG: Winter") >= 3
