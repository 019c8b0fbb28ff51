"""The click endpoint /anzeige/<token>/: signed, counted, never an open redirect, no cookies."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from depesche.ads.models import AdCount
from depesche.ads.services import click_token
from depesche.core.tokens import make_token
from tests.factories import CampaignFactory, paragraphs, publish_article


def clicks(campaign) -> int:
    return sum(AdCount.objects.filter(campaign=campaign).values_list("clicks", flat=True))


@pytest.fixture
def campaign(db):
    return CampaignFactory(name="a", target_url="https://nordlicht.example/angebot?x=1")


def test_valid_click_redirects_and_counts(client, campaign):
    url = f"/anzeige/{click_token(campaign_id=campaign.pk, slot='aside')}/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "https://nordlicht.example/angebot?x=1"
    assert response.cookies == {}
    assert "Set-Cookie" not in response
    assert response["Cache-Control"] == "no-store"
    row = AdCount.objects.get(campaign=campaign)
    assert (row.slot, row.clicks, row.impressions) == ("aside", 1, 0)
    client.get(url)
    assert clicks(campaign) == 2


def test_link_from_a_rendered_page_works(client, site_tree, campaign):
    article = publish_article(site_tree.sections["Politik"], body=paragraphs("a"))
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    href = soup.select_one(".ad a")["href"]
    response = client.get(href)
    assert response.status_code == 302
    assert response["Location"] == campaign.target_url
    assert AdCount.objects.get(campaign=campaign, slot="article-body").clicks == 1


def test_sponsored_article_target(client, site_tree):
    article = publish_article(site_tree.sections["Wirtschaft"], title="Gesponsert", sponsor="N")
    campaign = CampaignFactory(name="artikel", target_url="", sponsored_article=article)
    response = client.get(f"/anzeige/{click_token(campaign_id=campaign.pk, slot='list')}/")
    assert response.status_code == 302
    assert response["Location"] == article.url


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(token.split(":")[0], "WzEsImxpc3QiXQ"),
        lambda token: "https:evil.example",
        lambda token: make_token("audience.confirm", [1, "list"]),  # another purpose's token
    ],
)
def test_tampered_token_is_rejected_and_not_counted(client, campaign, tamper):
    token = click_token(campaign_id=campaign.pk, slot="aside")
    response = client.get(f"/anzeige/{tamper(token)}/")
    assert response.status_code == 400
    assert "Location" not in response
    assert "Dieser Anzeigen-Link ist ungültig" in response.content.decode()
    assert response.cookies == {}
    assert clicks(campaign) == 0


def test_target_is_not_attacker_controllable(client, campaign):
    """The token names only the campaign; query strings or other values cannot steer it."""
    token = click_token(campaign_id=campaign.pk, slot="aside")
    response = client.get(f"/anzeige/{token}/?next=https://evil.example/&url=https://evil.example/")
    assert response["Location"] == campaign.target_url
    # A signed payload that is not a (campaign, slot) pair — e.g. a URL — is refused.
    forged = make_token("ads.click", "https://evil.example/")
    response = client.get(f"/anzeige/{forged}/")
    assert response.status_code == 400


def test_unknown_campaign_is_404(client, campaign):
    token = click_token(campaign_id=campaign.pk + 999, slot="aside")
    response = client.get(f"/anzeige/{token}/")
    assert response.status_code == 404
    assert "Diese Anzeige gibt es nicht mehr" in response.content.decode()
    assert response.cookies == {}


def test_head_does_not_count(client, campaign):
    token = click_token(campaign_id=campaign.pk, slot="aside")
    assert client.head(f"/anzeige/{token}/").status_code == 302
    assert clicks(campaign) == 0


def test_pages_with_ads_set_no_cookies(client, site_tree, campaign):
    article = publish_article(site_tree.sections["Politik"], body=paragraphs("a"))
    response = client.get(article.url)
    assert b"ad-label" in response.content
    assert response.cookies == {}


def test_house_ad_to_a_site_path(client, db):
    house = CampaignFactory(name="haus", house=True, target_url="/newsletter/")
    response = client.get(f"/anzeige/{click_token(campaign_id=house.pk, slot='list')}/")
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/"
