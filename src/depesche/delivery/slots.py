"""When scheduled mails are due: slots on Berlin's wall-clock calendar (the alerts' daily and
weekly bundles, the Wochenrückblick's week)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from depesche.core.timefmt import BERLIN


def last_slot(now: datetime, *, at: time, weekday: int | None = None) -> datetime:
    """The most recent slot at or before `now` (aware), in UTC: `at` o'clock Berlin time every
    day, or only on `weekday` (0 = Monday). Computed on Berlin's calendar, so 07:00 stays 07:00
    across the DST switches (a fixed 24 h step would drift by an hour)."""
    local = now.astimezone(BERLIN)
    step = 1 if weekday is None else 7
    day = local.date() - timedelta(days=0 if weekday is None else (local.weekday() - weekday) % 7)
    slot = datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC)
    if slot > now:
        slot = datetime.combine(day - timedelta(days=step), at, tzinfo=BERLIN).astimezone(UTC)
    return slot
