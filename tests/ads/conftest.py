from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from depesche.ads.models import Advertiser, Campaign


def make_campaign(
    *,
    name: str = "Kampagne",
    sections: list[Any] = (),  # type: ignore[assignment]
    tags: list[Any] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Campaign:
    """A running native teaser to an external URL, unless `fields` say otherwise."""
    advertiser, _ = Advertiser.objects.get_or_create(name=fields.pop("advertiser", "Nordlicht AG"))
    now = timezone.now()
    defaults: dict[str, Any] = {
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=1),
        "kind": Campaign.Kind.NATIVE,
        "brand": "Nordlicht",
        "headline": f"{name}: jetzt entdecken",
        "teaser": "Ein Angebot, das es so nur hier gibt.",
        "target_url": "https://nordlicht.example/angebot",
    }
    defaults.update(fields)
    campaign = Campaign(advertiser=advertiser, name=name, **defaults)
    campaign.full_clean()
    campaign.save()
    campaign.target_sections.set(sections)
    campaign.target_tags.set(tags)
    return campaign


@pytest.fixture
def campaign_factory(db):
    return make_campaign
