"""Which campaign a slot shows: targeting, schedule, priority, weight, house-ad fallback."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from depesche.ads.selectors import (
    ASIDE,
    LIST,
    ad_for_slot,
    campaign_choose,
    campaigns_scheduled,
    list_slot_here,
    page_ads,
    targeting_of,
)
from tests.factories import CampaignFactory, make_image, publish_article


def names(campaigns) -> set[str]:
    return {c.name for c in campaigns}


def test_targeting_by_section_tag_and_untargeted(site_tree):
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    energie = Tag.objects.create(name="Energie", slug="energie")
    rente = Tag.objects.create(name="Rente", slug="rente")
    CampaignFactory(name="überall")
    CampaignFactory(name="politik", sections=[politik])
    CampaignFactory(name="energie", tags=[energie])

    assert names(campaigns_scheduled().running) == {"überall"}
    assert names(campaigns_scheduled(section_id=politik.pk).running) == {"überall", "politik"}
    assert names(campaigns_scheduled(section_id=wirtschaft.pk).running) == {"überall"}
    assert names(campaigns_scheduled(tag_ids=[energie.pk]).running) == {"überall", "energie"}
    assert names(campaigns_scheduled(tag_ids=[rente.pk]).running) == {"überall"}
    assert names(
        campaigns_scheduled(section_id=politik.pk, tag_ids=[energie.pk, rente.pk]).running
    ) == {
        "überall",
        "politik",
        "energie",
    }


def test_schedule_and_active_flag(db):
    now = timezone.now()
    CampaignFactory(
        name="läuft", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    CampaignFactory(
        name="später", starts_at=now + timedelta(minutes=1), ends_at=now + timedelta(days=1)
    )
    CampaignFactory(
        name="vorbei", starts_at=now - timedelta(days=2), ends_at=now - timedelta(seconds=1)
    )
    CampaignFactory(name="offen", starts_at=now - timedelta(days=2), ends_at=None)
    CampaignFactory(name="aus", active=False)

    assert names(campaigns_scheduled(now=now).running) == {"läuft", "offen"}
    # At the start moment it runs; at the end moment it no longer does.
    later = now + timedelta(minutes=1)
    assert "später" in names(campaigns_scheduled(now=later).running)
    assert "läuft" not in names(campaigns_scheduled(now=now + timedelta(hours=1)).running)


def test_eligibility_is_one_query(db, django_assert_num_queries):
    for i in range(5):
        CampaignFactory(name=f"k{i}")
    with django_assert_num_queries(1):
        campaigns = campaigns_scheduled(section_id=1, tag_ids=[1, 2]).running
        [(c.advertiser.name, c.image, c.sponsored_article) for c in campaigns]
    assert len(campaigns) == 5


def test_highest_priority_wins(db):
    low = CampaignFactory(name="niedrig", priority=0, weight=100)
    high = CampaignFactory(name="hoch", priority=5, weight=1)
    rng = random.Random(1)
    assert {campaign_choose(campaigns=[low, high], slot=LIST, rng=rng) for _ in range(50)} == {high}


def test_equal_priority_shares_by_weight(db):
    one = CampaignFactory(name="eins", weight=1)
    three = CampaignFactory(name="drei", weight=3)
    rng = random.Random(20261125)
    draws = Counter(
        campaign_choose(campaigns=[one, three], slot=LIST, rng=rng).name for _ in range(4000)
    )
    assert draws["drei"] / 4000 == pytest.approx(0.75, abs=0.03)
    assert draws["eins"] / 4000 == pytest.approx(0.25, abs=0.03)


def test_house_ad_only_when_no_paid_campaign(db):
    house = CampaignFactory(name="haus", house=True, priority=99)
    paid = CampaignFactory(name="bezahlt", priority=0)
    assert campaign_choose(campaigns=[house, paid], slot=LIST) == paid
    assert campaign_choose(campaigns=[house], slot=LIST) == house
    # A paid campaign already shown on the page leaves the next slot to the house ad.
    assert campaign_choose(campaigns=[house, paid], slot=LIST, exclude_ids=[paid.pk]) == house


def test_nothing_eligible_chooses_nothing(db):
    assert campaign_choose(campaigns=[], slot=ASIDE) is None


def test_image_ads_never_fill_a_teaser_list(db):
    image_ad = CampaignFactory(
        name="bild",
        kind="image",
        image=make_image(),
        alt_text="Ein Leuchtturm",
        brand="",
        headline="",
    )
    assert campaign_choose(campaigns=[image_ad], slot=LIST) is None
    assert campaign_choose(campaigns=[image_ad], slot=ASIDE) == image_ad


def test_unpublished_sponsored_article_is_not_eligible(site_tree):
    from tests.factories import publish_article

    article = publish_article(site_tree.sections["Wirtschaft"], title="Sponsored", sponsor="X")
    CampaignFactory(name="artikel", target_url="", sponsored_article=article)
    assert names(campaigns_scheduled().running) == {"artikel"}
    article.unpublish()
    assert names(campaigns_scheduled().running) == set()


# --- the page's slots (moved out of the template tag) ---------------------------------------


@pytest.mark.parametrize(
    ("position", "last", "here"),
    [(1, False, False), (3, False, True), (4, False, False), (2, True, True), (5, True, False)],
)
def test_list_slot_goes_after_the_nth_teaser_or_a_shorter_lists_last(
    settings, position, last, here
):
    settings.ADS_LIST_AFTER_TEASER = 3
    assert list_slot_here(position=position, last=last) is here


def test_targeting_of_articles_sections_and_tags(site_tree):
    politik = site_tree.sections["Politik"]
    article = publish_article(politik, tags=["Rente", "Energie"])
    tag_ids = tuple(sorted(t.pk for t in article.tags.all()))
    assert targeting_of(page=article) == (politik.pk, tag_ids)
    assert targeting_of(page=article, article_tags=[]) == (politik.pk, ())  # the view's tags
    assert targeting_of(page=politik) == (politik.pk, ())
    energie = Tag.objects.get(name="Energie")
    assert targeting_of(tag=energie) == (None, (energie.pk,))
    assert targeting_of() == (None, ())


def test_ad_for_slot_queries_once_per_page_and_shows_a_campaign_once(
    site_tree, rf, django_assert_num_queries
):
    CampaignFactory(name="a")
    CampaignFactory(name="b")
    request = rf.get("/")
    politik = site_tree.sections["Politik"]
    with django_assert_num_queries(1):
        first = ad_for_slot(request=request, slot=ASIDE, page=politik)
        second = ad_for_slot(request=request, slot=ASIDE, page=politik)
        third = ad_for_slot(request=request, slot=ASIDE, page=politik)
    assert {first.name, second.name} == {"a", "b"} and third is None
    assert page_ads(request).shown == {first.pk, second.pk}


def test_ad_for_slot_skips_the_articles_own_sponsored_teaser(site_tree, rf):
    article = publish_article(site_tree.sections["Politik"], title="Gesponsert")
    CampaignFactory(name="teaser", sponsored_article=article, target_url="")
    assert ad_for_slot(request=rf.get("/"), slot=ASIDE, page=article) is None
    other = publish_article(site_tree.sections["Politik"], title="Anderer Artikel")
    shown = ad_for_slot(request=rf.get("/"), slot=ASIDE, page=other)
    assert shown is not None and shown.name == "teaser"
