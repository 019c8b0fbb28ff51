"""Which 7 days a Wochenrückblick covers, and its name ("2026-W47").

A digest is built at settings.DIGEST_AT (default Saturday 07:00, Berlin time) and covers the
7 days up to that moment: from the previous Saturday 07:00 (inclusive) to this Saturday 07:00
(exclusive). So every article belongs to exactly one digest, and the one built on Saturday
morning includes Friday evening's news. It is named after the ISO week (Europe/Berlin) in which
its period ends: the digest of Saturday 21 November 2026, 07:00 is "2026-W47". The period is
computed on Berlin's calendar, so it stays 07:00 to 07:00 across the DST switches (one week a
year is an hour shorter or longer).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from depesche.core.timefmt import BERLIN
from depesche.delivery.slots import last_slot

_WEEK = re.compile(r"(\d{4})-W(\d{2})")


class WeekInvalid(ValueError):
    """Not a week written like 2026-W47, or no such ISO week."""


def parse_week(raw: str) -> tuple[int, int]:
    match = _WEEK.fullmatch(raw.strip())
    if match is None:
        raise WeekInvalid(
            _("Woche „%(raw)s“ ist ungültig: bitte als JJJJ-Www angeben, z. B. 2026-W47.")
            % {"raw": raw}
        )
    year, week = int(match[1]), int(match[2])
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise WeekInvalid(
            _("Das Jahr %(year)s hat keine Kalenderwoche %(week)s.") % {"year": year, "week": week}
        ) from exc
    return year, week


def week_name(moment: datetime) -> str:
    year, week, _weekday = moment.astimezone(BERLIN).isocalendar()
    return f"{year}-W{week:02d}"


def schedule() -> tuple[int, time]:
    """(weekday, time) of the weekly build: settings.DIGEST_AT."""
    weekday, at = settings.DIGEST_AT
    return weekday, at


def period_of(raw: str) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the digest named `raw`; WeekInvalid for a bad name."""
    year, week = parse_week(raw)
    weekday, at = schedule()
    day = date.fromisocalendar(year, week, weekday + 1)
    end = datetime.combine(day, at, tzinfo=BERLIN)
    start = datetime.combine(day - timedelta(days=7), at, tzinfo=BERLIN)
    return start.astimezone(UTC), end.astimezone(UTC)


def latest_week(now: datetime) -> str:
    """The name of the most recent digest period that has ended at `now`."""
    weekday, at = schedule()
    return week_name(last_slot(now, at=at, weekday=weekday))
