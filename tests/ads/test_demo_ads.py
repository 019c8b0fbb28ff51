"""The demo's ads: idempotent, and labelled ads in all three slot kinds."""

from __future__ import annotations

from bs4 import BeautifulSoup

from depesche.ads.models import Advertiser, Campaign
from depesche.demo.ads import demo_ads_ensure
from depesche.newsroom.models import ArticlePage
from tests.factories import paragraphs, publish_article


def test_demo_ads_are_idempotent_and_cover_every_kind(site_tree):
    assert demo_ads_ensure() == 4
    assert demo_ads_ensure() == 4
    assert Advertiser.objects.count() == 4
    assert ArticlePage.objects.exclude(sponsor="").count() == 1
    kinds = {(c.kind, c.house, bool(c.sponsored_article_id)) for c in Campaign.objects.all()}
    assert kinds == {
        ("native", False, True),
        ("native", False, False),
        ("image", False, False),
        ("native", True, False),
    }
    image_ad = Campaign.objects.get(kind="image")
    assert image_ad.alt_text and image_ad.image.width == 600


def test_demo_pages_show_labelled_ads_in_every_slot_kind(client, site_tree):
    politik = site_tree.sections["Politik"]
    for i in range(5):
        publish_article(politik, title=f"Meldung {i}", body=paragraphs("a", "b", "c", "d"))
    demo_ads_ensure()
    article = ArticlePage.objects.filter(sponsor="").first()
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert soup.select_one(".article__body .ad .ad-label__text").get_text() == "Anzeige"
    assert soup.select_one(".with-aside > .ad--aside .ad-label__text").get_text() == "Anzeige"
    soup = BeautifulSoup(client.get(politik.url).content, "html.parser")
    assert soup.select_one(".teaser--ad .ad-label__text").get_text() == "Anzeige"
