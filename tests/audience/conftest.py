"""Fixtures of the audience tests (`texts` and `energie` are in tests/conftest.py: the
delivery webhook tests use them too); the helpers are in tests/support/audience*.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from taggit.models import Tag

from depesche.audience.texts import ShownTexts, shown_texts
from depesche.core import ratelimit


@pytest.fixture
def follow_texts(site_tree) -> ShownTexts:
    return shown_texts(follow=True)


@pytest.fixture
def klima(db) -> Tag:
    return Tag.objects.create(name="Klima", slug="klima")


@pytest.fixture
def frozen_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate-limit windows are fixed clock slots: keep the test inside one slot."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_600.0))
