"""Which 7 days a digest covers and what it is called."""

from __future__ import annotations

from datetime import datetime

import pytest

from depesche.core.timefmt import BERLIN
from depesche.digest.weeks import WeekInvalid, latest_week, parse_week, period_of
from tests.support.digest_week import END, START


def test_a_week_is_the_seven_days_up_to_its_saturday_0700():
    assert period_of("2026-W47") == (START, END)


def test_the_period_keeps_0700_across_the_dst_switch():
    start, end = period_of("2026-W44")  # summer time ends on Sunday 25 October
    assert start.astimezone(BERLIN).hour == end.astimezone(BERLIN).hour == 7
    assert (end - start).total_seconds() == 7 * 24 * 3600 + 3600


def test_latest_week_switches_at_the_build_time():
    assert latest_week(datetime(2026, 11, 21, 6, 59, tzinfo=BERLIN)) == "2026-W46"
    assert latest_week(datetime(2026, 11, 21, 7, 0, tzinfo=BERLIN)) == "2026-W47"
    assert latest_week(datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN)) == "2026-W47"


def test_configured_build_time_moves_the_period(settings):
    settings.DIGEST_AT = (4, datetime(2026, 1, 1, 18, 0).time())  # Friday 18:00
    start, end = period_of("2026-W47")
    assert end == datetime(2026, 11, 20, 18, 0, tzinfo=BERLIN)
    assert start == datetime(2026, 11, 13, 18, 0, tzinfo=BERLIN)


@pytest.mark.parametrize("raw", ["2026-47", "2026W47", "W47", "2026-W4", "2026-W47x", ""])
def test_bad_week_names_are_rejected(raw):
    with pytest.raises(WeekInvalid, match="JJJJ-Www"):
        parse_week(raw)


def test_a_week_the_year_does_not_have_is_rejected():
    assert parse_week("2026-W53") == (2026, 53)
    with pytest.raises(WeekInvalid, match="keine Kalenderwoche 53"):
        parse_week("2025-W53")
