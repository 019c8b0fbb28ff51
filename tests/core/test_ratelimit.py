import hashlib
import types

import pytest
from django.core.cache import cache
from django.core.management import call_command

from depesche.core import ratelimit
from depesche.core.ratelimit import hit, parse_rate


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("5/h", (5, 3600)),
        ("20/h", (20, 3600)),
        ("1/s", (1, 1)),
        ("10/m", (10, 60)),
        ("3/d", (3, 86400)),
        ("5/hour", (5, 3600)),
        ("7/ Min", (7, 60)),
    ],
)
def test_parse_rate(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["5/w", "5", "fünf/h"])
def test_parse_rate_rejects_nonsense(rate):
    with pytest.raises((KeyError, ValueError)):
        parse_rate(rate)


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the rate limiter only."""
    now = types.SimpleNamespace(value=1_700_000_000.0)
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: now.value))
    return now


def test_allows_up_to_the_limit_then_refuses(clock):
    assert [hit("signup-ip", "203.0.113.0", "3/h") for _ in range(5)] == [
        False,
        False,
        False,
        True,
        True,
    ]


def test_keys_and_groups_are_counted_apart(clock):
    assert not hit("signup-ip", "a", "1/h")
    assert hit("signup-ip", "a", "1/h")
    assert not hit("signup-ip", "b", "1/h")
    assert not hit("signup-address", "a", "1/h")


def test_new_window_starts_afresh(clock):
    clock.value = 3600 * 500_000  # start of a window
    assert not hit("g", "k", "2/h")
    assert not hit("g", "k", "2/h")
    assert hit("g", "k", "2/h")
    clock.value += 3599
    assert hit("g", "k", "2/h")
    clock.value += 1
    assert not hit("g", "k", "2/h")


def test_key_is_hashed_in_the_cache(clock):
    hit("signup-address", "leserin@example.org", "5/h")
    digest = hashlib.sha256(b"signup-address:leserin@example.org").hexdigest()[:32]
    bucket = int(clock.value // 3600)
    assert cache.get(f"rl:signup-address:{digest}:{bucket}") == 1


def test_works_with_the_database_cache(settings, clock, db):
    """The embedded default cache is the database cache, which django-ratelimit refuses."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "test_ratelimit_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "DatabaseCache"
    assert [hit("signup-ip", "x", "2/m") for _ in range(3)] == [False, False, True]
    assert not hit("signup-ip", "y", "2/m")
