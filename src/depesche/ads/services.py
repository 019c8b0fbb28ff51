"""Writes of the ads app: the cookie-less counters and the signed click tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db import connection, models
from django.utils import timezone

from depesche.ads.models import AdCount, Campaign
from depesche.core.timefmt import BERLIN
from depesche.core.tokens import TokenInvalid, make_token, read_token

CLICK_PURPOSE = "ads.click"


class CampaignNotFound(Exception):
    """The click token is genuine but its campaign no longer exists."""


def _column(name: str) -> str:
    field = AdCount._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(connection.ops.quote_name(field.column or name))


def _count(
    *, campaign_id: int, slot: str, what: Literal["impressions", "clicks"], now: datetime | None
) -> None:
    """One `INSERT … ON CONFLICT (campaign, day, slot) DO UPDATE SET n = n + 1` (PostgreSQL and
    SQLite ≥ 3.24): concurrent requests never lose a count, and no row is read into Python."""
    day = timezone.localtime(now or timezone.now(), BERLIN).date()
    table = connection.ops.quote_name(AdCount._meta.db_table)
    campaign, day_column, slot_column, impressions, clicks = (
        _column(name) for name in ("campaign", "day", "slot", "impressions", "clicks")
    )
    target = _column(what)
    first = (1, 0) if what == "impressions" else (0, 1)
    sql = (
        f"INSERT INTO {table} ({campaign}, {day_column}, {slot_column}, {impressions}, {clicks}) "
        f"VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({campaign}, {day_column}, {slot_column}) "
        f"DO UPDATE SET {target} = {table}.{target} + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_id, connection.ops.adapt_datefield_value(day), slot, *first])


def ad_impression_record(*, campaign_id: int, slot: str, now: datetime | None = None) -> None:
    """Count one serving of `campaign_id` in a slot of kind `slot` on today's Berlin date."""
    _count(campaign_id=campaign_id, slot=slot, what="impressions", now=now)


def click_token(*, campaign_id: int, slot: str) -> str:
    """The signed part of a click link. It names the campaign, never a URL: the target is
    looked up from the campaign, so nobody can make the endpoint redirect elsewhere."""
    return make_token(CLICK_PURPOSE, [campaign_id, slot])


def _read_slot_token(token: str) -> tuple[int, str]:
    value = read_token(CLICK_PURPOSE, token)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        raise TokenInvalid("unexpected click token payload")
    return value[0], value[1][:20]


def ad_impression_from_token(*, token: str, now: datetime | None = None) -> None:
    """Count one impression for the campaign and slot a page's ad beacon names.

    The beacon, not the page render, counts: a page served from the page cache or a CDN
    still counts every reader who loads it. Raises TokenInvalid for a tampered token and
    CampaignNotFound when the campaign is gone (nothing counted).
    """
    campaign_id, slot = _read_slot_token(token)
    if not Campaign.objects.filter(pk=campaign_id).exists():
        raise CampaignNotFound(campaign_id)
    _count(campaign_id=campaign_id, slot=slot, what="impressions", now=now)


def ad_click_record(*, token: str, count: bool = True, now: datetime | None = None) -> str:
    """Count one click for the campaign in `token` and return where to send the reader.

    Raises TokenInvalid for a tampered token (nothing counted) and CampaignNotFound when the
    campaign is gone or has no target.
    """
    campaign_id, slot = _read_slot_token(token)
    campaign = Campaign.objects.select_related("sponsored_article").filter(pk=campaign_id).first()
    if campaign is None:
        raise CampaignNotFound(campaign_id)
    target = campaign.target()
    if not target:
        raise CampaignNotFound(campaign_id)
    if count:
        _count(campaign_id=campaign_id, slot=slot, what="clicks", now=now)
    return target
