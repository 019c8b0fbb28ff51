from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from depesche.readership.models import ArticleViewsHourly

NOW = datetime(2026, 11, 20, 12, 5, tzinfo=UTC)


@pytest.fixture
def reads():
    """`reads(article, count, hours_ago=1)`: an hourly bucket of `count` reads that many hours
    before NOW (written directly: the counter itself is tested in test_services.py)."""

    def add(article, count: int, hours_ago: int = 1) -> None:
        hour = (NOW - timedelta(hours=hours_ago)).replace(minute=0)
        ArticleViewsHourly.objects.create(article=article, hour=hour, count=count)

    return add
