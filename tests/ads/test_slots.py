"""Slots on the public pages: where they render, their labels, their links, their queries."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from taggit.models import Tag

from depesche.ads.models import AdCount
from tests.factories import CampaignFactory, make_image, paragraphs, publish_article


def soup_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def assert_labelled(element) -> None:
    """Real, visible text "Anzeige" first in the ad, and a label for screen readers."""
    label = element.select_one(".ad-label__text")
    assert label is not None and label.get_text(strip=True) == "Anzeige"
    assert element["aria-label"].startswith("Anzeige")


def body_children(soup: BeautifulSoup) -> list[str]:
    """The article body's top-level elements as short names: p1, p2, …, AD."""
    out = []
    for child in soup.select_one(".article__body").find_all(recursive=False):
        if "ad" in child.get("class", []):
            out.append("AD")
        else:
            out.append(child.get_text(strip=True))
    return out


@pytest.fixture
def article(site_tree):
    return publish_article(
        site_tree.sections["Politik"],
        title="Haushalt beschlossen",
        tags=["Haushalt"],
        body=paragraphs("p1", "p2", "p3", "p4", "p5"),
    )


def test_article_body_slot_after_paragraph_n(client, article, settings):
    CampaignFactory(name="a")
    assert body_children(soup_of(client, article.url)) == ["p1", "p2", "p3", "AD", "p4", "p5"]
    settings.ADS_BODY_AFTER_PARAGRAPH = 1
    assert body_children(soup_of(client, article.url)) == ["p1", "AD", "p2", "p3", "p4", "p5"]


def test_article_body_slot_after_short_body(client, site_tree):
    short = publish_article(site_tree.sections["Politik"], body=paragraphs("p1", "p2"))
    CampaignFactory(name="a")
    assert body_children(soup_of(client, short.url)) == ["p1", "p2", "AD"]


def test_native_teaser_is_labelled_and_links_sponsored(client, article):
    CampaignFactory(name="a", brand="Nordlicht")
    soup = soup_of(client, article.url)
    ad = soup.select_one(".article__body .ad")
    assert_labelled(ad)
    assert "Nordlicht" in ad.select_one(".ad-label").get_text()
    link = ad.select_one("a")
    assert link["rel"] == ["sponsored", "noopener"]
    assert link["href"].startswith("/anzeige/")
    # The external target is never in the page: only the signed click link is.
    assert "nordlicht.example" not in str(soup)


def test_image_ad_is_labelled_with_alt_text(client, article):
    CampaignFactory(
        name="bild",
        kind="image",
        image=make_image(),
        alt_text="Leuchtturm bei Nacht",
        brand="",
        headline="",
    )
    soup = soup_of(client, article.url)
    ad = soup.select_one(".ad--image")
    assert_labelled(ad)
    assert ad.select_one("img.ad__image")["alt"] == "Leuchtturm bei Nacht"
    assert ad.select_one("a")["rel"] == ["sponsored", "noopener"]


def test_aside_slot_beside_the_article(client, article):
    CampaignFactory(name="eins")
    CampaignFactory(name="zwei")
    soup = soup_of(client, article.url)
    aside = soup.select_one(".with-aside > aside.ad--aside")
    assert_labelled(aside)
    # One page shows a campaign once: body and aside show the two different campaigns.
    headlines = {a.get_text(strip=True) for a in soup.select(".ad__headline a")}
    assert headlines == {"eins: jetzt entdecken", "zwei: jetzt entdecken"}


def test_aside_is_hidden_on_small_screens_by_css(settings):
    text = (settings.PACKAGE_DIR / "static" / "depesche" / "site.css").read_text()
    assert ".ad--aside { display: none; }" in text
    wide = text.split("@media (min-width: 64rem)", 1)[1]
    assert ".with-aside > .ad--aside { display: block;" in wide


def list_items(soup: BeautifulSoup, selector: str) -> list[str]:
    return [
        "AD" if "teaser--ad" in card["class"] else "T"
        for card in soup.select(selector)
        if "teaser" in card.get("class", [])
    ]


@pytest.mark.parametrize("page", ["home", "section", "tag"])
def test_native_teaser_after_fourth_teaser_in_lists(client, site_tree, page):
    politik = site_tree.sections["Politik"]
    for i in range(6):
        publish_article(politik, title=f"Meldung {i}", tags=["Energie"])
    CampaignFactory(name="liste", brand="Nordlicht")
    url = {"home": site_tree.home.url, "section": politik.url, "tag": "/thema/energie/"}[page]
    container = {"home": ".home-latest .teaser-grid > *", "section": ".teaser-list > *"}
    soup = soup_of(client, url)
    items = list_items(soup, container.get(page, ".teaser-list > *"))
    assert items[:6] == ["T", "T", "T", "T", "AD", "T"]
    ad = soup.select_one(".teaser--ad")
    assert_labelled(ad)
    assert ad.select_one(".teaser__headline a")["rel"] == ["sponsored", "noopener"]


def test_native_teaser_for_sponsored_article_shows_brand_and_section(client, site_tree):
    wirtschaft = site_tree.sections["Wirtschaft"]
    sponsored = publish_article(wirtschaft, title="Grüner Strom", sponsor="Nordlicht Energie")
    for i in range(4):
        publish_article(site_tree.sections["Politik"], title=f"Meldung {i}")
    CampaignFactory(
        name="artikel", target_url="", sponsored_article=sponsored, brand="Nordlicht Energie"
    )
    soup = soup_of(client, site_tree.home.url)
    ad = soup.select_one(".teaser--ad")
    assert ad.select_one(".ad-label").get_text(" ", strip=True) == "Anzeige · Nordlicht Energie"
    assert ad.select_one(".kicker").get_text(strip=True) == "Wirtschaft"


def test_sponsored_article_is_labelled_on_its_page_and_teasers(client, site_tree):
    wirtschaft = site_tree.sections["Wirtschaft"]
    sponsored = publish_article(
        wirtschaft, title="Grüner Strom für alle", sponsor="Nordlicht Energie", tags=["Strom"]
    )
    plain = publish_article(wirtschaft, title="Normale Meldung", tags=["Strom"])

    page = soup_of(client, sponsored.url)
    header = page.select_one(".article__header")
    label = header.select_one(".ad-label")
    assert label.get_text(" ", strip=True) == "Anzeige · Nordlicht Energie"
    # Above the headline.
    assert str(header).index("ad-label") < str(header).index("article__headline")

    for url in (site_tree.home.url, wirtschaft.url, "/thema/strom/", plain.url):
        soup = soup_of(client, url)
        cards = [
            card
            for card in soup.select("article.teaser")
            if card.select_one(".teaser__headline").get_text(strip=True) == sponsored.title
        ]
        assert cards, url
        for card in cards:
            assert card.select_one(".ad-label__text").get_text(strip=True) == "Anzeige", url
        others = [
            card
            for card in soup.select("article.teaser")
            if card.select_one(".teaser__headline").get_text(strip=True) == plain.title
        ]
        assert all(card.select_one(".ad-label") is None for card in others), url


def test_no_campaign_no_markup(client, article, site_tree):
    for url in (article.url, site_tree.home.url, site_tree.sections["Politik"].url):
        html = client.get(url).content.decode()
        assert "Anzeige" not in html
        assert not re.search(r'class="[^"]*\bad\b', html)
    assert AdCount.objects.count() == 0


def test_targeted_campaign_only_on_matching_pages(client, site_tree):
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    strom = Tag.objects.create(name="Strom", slug="strom")
    on_tag = publish_article(wirtschaft, tags=["Strom"], body=paragraphs("a"))
    on_section = publish_article(politik, body=paragraphs("a"))
    elsewhere = publish_article(wirtschaft, body=paragraphs("a"))
    CampaignFactory(name="politik", sections=[politik], headline="Politik-Anzeige")
    CampaignFactory(name="strom", tags=[strom], headline="Strom-Anzeige")

    def ads(url):
        return {a.get_text(strip=True) for a in soup_of(client, url).select(".ad__headline a")}

    assert ads(on_section.url) == {"Politik-Anzeige"}
    assert ads(on_tag.url) == {"Strom-Anzeige"}
    assert ads(elsewhere.url) == set()


def test_impressions_counted_per_loaded_beacon(client, article):
    campaign = CampaignFactory(name="a")
    for _ in range(2):
        beacons = [img["src"] for img in soup_of(client, article.url).select("img.ad-beacon")]
        # One campaign, shown once per page: the body slot gets it, the aside stays empty.
        assert len(beacons) == 1
        assert AdCount.objects.filter(campaign=campaign).count() == (0 if _ == 0 else 1)
        response = client.get(beacons[0])
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
        assert response["Cache-Control"] == "no-store"
    counts = {c.slot: c.impressions for c in AdCount.objects.filter(campaign=campaign)}
    assert counts == {"article-body": 2}


def test_beacon_rejects_tampered_tokens_and_gone_campaigns(client, article):
    campaign = CampaignFactory(name="a")
    beacon = soup_of(client, article.url).select_one("img.ad-beacon")["src"]
    assert client.get(beacon.replace("/e.gif", "x/e.gif")).status_code == 400
    assert client.head(beacon).status_code == 200
    assert not AdCount.objects.filter(campaign=campaign).exists()  # HEAD does not count
    campaign.delete()
    assert client.get(beacon).status_code == 404


def test_house_ad_fills_when_no_paid_campaign(client, article):
    CampaignFactory(
        name="Wochenrückblick",
        house=True,
        brand="Depesche",
        headline="Der Wochenrückblick: jeden Samstag",
        target_url="https://depesche.example/newsletter/",
    )
    paid = CampaignFactory(name="bezahlt", headline="Bezahlte Anzeige")
    soup = soup_of(client, article.url)
    assert [a.get_text(strip=True) for a in soup.select(".ad__headline a")] == [
        "Bezahlte Anzeige",
        "Der Wochenrückblick: jeden Samstag",
    ]
    paid.active = False
    paid.save()
    soup = soup_of(client, article.url)
    assert [a.get_text(strip=True) for a in soup.select(".ad__headline a")] == [
        "Der Wochenrückblick: jeden Samstag"
    ]
    assert_labelled(soup.select_one(".ad"))


def test_slot_queries_are_constant(client, site_tree, django_assert_max_num_queries):
    """The eligible campaigns are read once per page, however many slots and campaigns."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    politik = site_tree.sections["Politik"]
    for i in range(6):
        publish_article(politik, title=f"Meldung {i}")

    def ad_queries() -> int:
        client.get(politik.url)
        with CaptureQueriesContext(connection) as captured:
            client.get(politik.url)
        return sum("ads_campaign" in q["sql"] for q in captured.captured_queries)

    CampaignFactory(name="eins")
    few = ad_queries()
    for i in range(8):
        CampaignFactory(name=f"k{i}", image=make_image(), sections=[politik])
    assert ad_queries() == few == 1
