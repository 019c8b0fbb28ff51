"""Dates as German newsrooms print them, always in the site's time zone (Europe/Berlin)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


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
