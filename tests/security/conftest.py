"""Shared by the security tests: the rate-limit windows' clock."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from depesche.core import ratelimit, security


class Clock:
    """The rate-limit windows' clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0  # the start of an hour

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=clock.time))
    monkeypatch.setattr(security, "time", SimpleNamespace(time=clock.time))
    return clock
