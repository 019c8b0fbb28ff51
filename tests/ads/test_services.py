"""The cookie-less counters: one upsert per event, per campaign, slot kind and Berlin day."""

from __future__ import annotations

from datetime import UTC, datetime

from depesche.ads.models import AdCount
from depesche.ads.services import ad_impression_record
from tests.factories import CampaignFactory


def test_impressions_upsert_per_day_and_slot(db, django_assert_num_queries):
    campaign = CampaignFactory()
    day_one = datetime(2026, 11, 24, 22, 59, tzinfo=UTC)  # 23:59 in Berlin: 24 Nov
    day_two = datetime(2026, 11, 24, 23, 1, tzinfo=UTC)  # 00:01 in Berlin: 25 Nov
    with django_assert_num_queries(1):
        ad_impression_record(campaign_id=campaign.pk, slot="list", now=day_one)
    ad_impression_record(campaign_id=campaign.pk, slot="list", now=day_one)
    ad_impression_record(campaign_id=campaign.pk, slot="aside", now=day_one)
    ad_impression_record(campaign_id=campaign.pk, slot="list", now=day_two)
    rows = {
        (str(r.day), r.slot): (r.impressions, r.clicks)
        for r in AdCount.objects.filter(campaign=campaign)
    }
    assert rows == {
        ("2026-11-24", "list"): (2, 0),
        ("2026-11-24", "aside"): (1, 0),
        ("2026-11-25", "list"): (1, 0),
    }
