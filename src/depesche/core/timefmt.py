"""Dates as German newsrooms print them, always in the site's time zone (Europe/Berlin).

`BERLIN` is the one definition of that zone; everything that needs a Berlin calendar day or
wall-clock time (bundles, the weekly digest, ad counters, the admin's times) uses it. The
settings' TIME_ZONE names the same zone (a test holds the two together).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

BERLIN = ZoneInfo("Europe/Berlin")


def format_datetime(value: datetime | None) -> str:
    """`06.01.2022 09:40` in the current time zone; aware datetimes only."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def format_date(value: datetime | None) -> str:
    """`06.01.2022` in the current time zone."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d.%m.%Y")


def in_berlin(value: datetime) -> datetime:
    """`value` in Berlin time, whatever zone is active (an admin user may have chosen another)."""
    return timezone.localtime(value, BERLIN)


def berlin_text(value: datetime | None) -> str:
    """`06.01.2022 09:40:00` in Berlin time, to the second (the admin's lists and ledgers)."""
    return in_berlin(value).strftime("%d.%m.%Y %H:%M:%S") if value else ""


def berlin_iso(value: datetime | None) -> str:
    """ISO 8601 with the offset, so exported times stay unambiguous across DST changes."""
    return in_berlin(value).isoformat(timespec="seconds") if value else ""


def berlin_naive(value: datetime | None) -> datetime | None:
    """Excel has no time zones: the Berlin wall-clock time."""
    return in_berlin(value).replace(tzinfo=None) if value else None
