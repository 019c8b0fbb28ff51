"""Ads on cached pages: a cached page lives no longer than until a campaign it could show
starts or ends, so an ended campaign does not linger and a new one is not held back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from depesche.ads.selectors import campaigns_scheduled
from tests.factories import CampaignFactory, publish_article

pytestmark = pytest.mark.usefixtures("page_cache_on")


def s_maxage(response) -> int:
    match = re.search(r"s-maxage=(\d+)", response["Cache-Control"])
    assert match, response["Cache-Control"]
    return int(match.group(1))


def test_schedule_names_the_next_start_or_end(db):
    now = timezone.now()
    CampaignFactory(name="läuft", ends_at=now + timedelta(hours=3))
    CampaignFactory(name="offen", ends_at=None)
    CampaignFactory(
        name="später", starts_at=now + timedelta(hours=2), ends_at=now + timedelta(days=1)
    )
    CampaignFactory(
        name="vorbei", starts_at=now - timedelta(days=2), ends_at=now - timedelta(hours=1)
    )
    CampaignFactory(name="aus", active=False, starts_at=now + timedelta(minutes=5))

    schedule = campaigns_scheduled(now=now)
    assert {c.name for c in schedule.running} == {"läuft", "offen"}
    assert schedule.changes_at == now + timedelta(hours=2)  # "später" starts

    assert campaigns_scheduled(now=now + timedelta(hours=2, seconds=1)).changes_at == now + (
        timedelta(hours=3)
    )  # then "läuft" ends
    only_open = campaigns_scheduled(now=now + timedelta(days=2))
    assert [c.name for c in only_open.running] == ["offen"]
    assert only_open.changes_at is None


def test_a_targeted_campaign_elsewhere_does_not_shorten_the_page(site_tree):
    now = timezone.now()
    CampaignFactory(
        name="nur Wirtschaft",
        sections=[site_tree.sections["Wirtschaft"]],
        starts_at=now + timedelta(minutes=1),
    )
    assert campaigns_scheduled(section_id=site_tree.sections["Politik"].pk).changes_at is None


def test_page_without_scheduled_ads_is_kept_the_full_time(client, site_tree):
    CampaignFactory(name="offen", ends_at=None)
    response = client.get(site_tree.sections["Politik"].url)
    assert 299 <= s_maxage(response) <= 300


def test_a_campaign_ending_soon_limits_the_cached_page(
    client, site_tree, django_assert_num_queries
):
    article = publish_article(site_tree.sections["Politik"], tags=["Haushalt"])
    CampaignFactory(name="endet", ends_at=timezone.now() + timedelta(seconds=40))

    first = client.get(article.url)
    assert "endet: jetzt entdecken" in first.content.decode()
    assert 30 <= s_maxage(first) <= 40
    with django_assert_num_queries(0):  # served from the cache, with what is left of it
        again = client.get(article.url)
    assert 30 <= s_maxage(again) <= 40

    # Once the campaign has ended, the page is rendered afresh, without its ad.
    with freeze_time(timezone.now() + timedelta(seconds=41)):
        later = client.get(article.url)
    assert "endet: jetzt entdecken" not in later.content.decode()


def test_a_campaign_starting_soon_limits_the_cached_page(client, site_tree):
    CampaignFactory(name="beginnt", starts_at=timezone.now() + timedelta(seconds=90))
    response = client.get(site_tree.sections["Politik"].url)
    assert "beginnt" not in response.content.decode()
    assert 80 <= s_maxage(response) <= 90
