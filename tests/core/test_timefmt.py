from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from depesche.core.timefmt import (
    BERLIN,
    berlin_iso,
    berlin_naive,
    berlin_text,
    format_date,
    format_datetime,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def render(source: str, **context: object) -> str:
    return Template("{% load depesche %}" + source).render(Context(context))


def test_site_time_zone_is_berlin(settings):
    assert settings.TIME_ZONE == "Europe/Berlin" == BERLIN.key


def test_berlin_formats_ignore_the_active_time_zone():
    """An admin user may choose another zone; ledgers and exports stay in Berlin time."""
    value = utc(2026, 7, 1, 8, 40, 5)
    with timezone.override("America/New_York"):
        assert berlin_text(value) == "01.07.2026 10:40:05"
        assert berlin_iso(value) == "2026-07-01T10:40:05+02:00"
        assert berlin_iso(utc(2026, 1, 6, 8, 40)) == "2026-01-06T09:40:00+01:00"
        assert berlin_naive(value) == datetime(2026, 7, 1, 10, 40, 5)
    assert (berlin_text(None), berlin_iso(None), berlin_naive(None)) == ("", "", None)


def test_format_datetime_in_winter_time():
    assert format_datetime(utc(2022, 1, 6, 8, 40)) == "06.01.2022 09:40"


def test_format_datetime_in_summer_time():
    assert format_datetime(utc(2022, 7, 1, 8, 40)) == "01.07.2022 10:40"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Spring forward: 02:00 CET becomes 03:00 CEST.
        (utc(2026, 3, 29, 0, 30), "29.03.2026 01:30"),
        (utc(2026, 3, 29, 1, 30), "29.03.2026 03:30"),
        # Fall back: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice.
        (utc(2026, 10, 25, 0, 30), "25.10.2026 02:30"),
        (utc(2026, 10, 25, 1, 30), "25.10.2026 02:30"),
        (utc(2026, 10, 25, 2, 30), "25.10.2026 03:30"),
    ],
)
def test_format_datetime_across_daylight_saving_changes(value, expected):
    assert format_datetime(value) == expected


def test_format_datetime_of_none_is_empty():
    assert format_datetime(None) == ""
    assert format_date(None) == ""


def test_format_date_uses_local_calendar_day():
    assert format_date(utc(2022, 1, 6, 8, 40)) == "06.01.2022"
    # 23:30 UTC on New Year's Eve is already the next day in Berlin.
    assert format_date(utc(2021, 12, 31, 23, 30)) == "01.01.2022"
    assert format_datetime(utc(2021, 12, 31, 23, 30)) == "01.01.2022 00:30"


def test_de_datetime_and_de_date_filters():
    value = utc(2026, 10, 25, 1, 30)
    assert render("{{ value|de_datetime }}", value=value) == "25.10.2026 02:30"
    assert render("{{ value|de_date }}", value=value) == "25.10.2026"
    assert render("[{{ value|de_datetime }}|{{ value|de_date }}]", value=None) == "[|]"


def test_teaser_cut_filter_uses_teaser_length_setting(settings):
    settings.TEASER_LENGTH = 12
    assert render("{{ text|teaser_cut }}", text="Eins zwei drei vier") == "Eins zwei…"
    assert render("{{ text|teaser_cut }}", text="Kurz") == "Kurz"


def test_teaser_cut_filter_with_explicit_limit_and_empty_value():
    assert render("{{ text|teaser_cut:9 }}", text="Eins zwei drei vier") == "Eins…"
    assert render("[{{ text|teaser_cut }}]", text=None) == "[]"


def test_teaser_cut_filter_escapes_html():
    rendered = render("{{ text|teaser_cut:50 }}", text="<b>Fett</b> & mehr")
    assert rendered == "&lt;b&gt;Fett&lt;/b&gt; &amp; mehr"
