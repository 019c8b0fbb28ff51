"""Counting reads per hour and the "Meistgelesen" aggregation (readership/services.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wagtail.models import PageViewRestriction

from depesche.readership import services
from depesche.readership.models import ArticleViews, ArticleViewsHourly, MostRead
from depesche.readership.services import article_view_record, mostread_refresh
from depesche.readership.tasks import mostread_refresh_task
from tests.factories import publish_article
from tests.readership.conftest import NOW


def listed(scope: str = "") -> list[tuple[int, str, int, str]]:
    return list(
        MostRead.objects.filter(scope=scope)
        .order_by("rank")
        .values_list("rank", "article__title", "views", "window")
    )


def test_a_read_counts_in_its_utc_hour_and_its_berlin_day(site_tree):
    article = publish_article(site_tree.sections["Politik"])
    for when in ((22, 5), (22, 59), (23, 0)):  # 23:00 UTC is already the next day in Berlin
        article_view_record(article_id=article.pk, now=datetime(2026, 11, 16, *when, tzinfo=UTC))

    hourly = dict(ArticleViewsHourly.objects.values_list("hour", "count"))
    assert hourly == {
        datetime(2026, 11, 16, 22, tzinfo=UTC): 2,
        datetime(2026, 11, 16, 23, tzinfo=UTC): 1,
    }
    daily = {day.isoformat(): n for day, n in ArticleViews.objects.values_list("day", "count")}
    assert daily == {"2026-11-16": 2, "2026-11-17": 1}


def test_top_five_of_the_last_24_hours_site_wide_and_per_section(site_tree, reads):
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    for n in range(1, 7):  # P1 … P6 with 10 … 60 reads
        reads(publish_article(politik, title=f"P{n}"), 10 * n, hours_ago=n)
    reads(publish_article(wirtschaft, title="W"), 45, hours_ago=2)
    # Most read of all, but 25 hours ago: outside the window.
    reads(publish_article(politik, title="Gestern"), 500, hours_ago=25)

    mostread_refresh(now=NOW)

    assert listed() == [
        (1, "P6", 60, "24h"),
        (2, "P5", 50, "24h"),
        (3, "W", 45, "24h"),
        (4, "P4", 40, "24h"),
        (5, "P3", 30, "24h"),
    ]
    assert [title for _, title, _, _ in listed(str(politik.pk))] == ["P6", "P5", "P4", "P3", "P2"]
    # Wirtschaft's day has one article: its list falls back to 7 days (still W alone).
    assert listed(str(wirtschaft.pk)) == [(1, "W", 45, "7d")]
    assert not listed(str(site_tree.sections["Panorama"].pk))


def test_a_quiet_day_falls_back_to_seven_days(site_tree, reads, settings):
    settings.MOSTREAD_MIN_VIEWS = 20
    politik = site_tree.sections["Politik"]
    today = [publish_article(politik, title=f"Heute {n}") for n in range(5)]
    for article in today:
        reads(article, 3)  # five articles, but 15 reads: too few
    reads(today[0], 100, hours_ago=24 * 6)
    reads(publish_article(politik, title="Montag"), 50, hours_ago=24 * 5)
    reads(publish_article(politik, title="Zu alt"), 900, hours_ago=24 * 7 + 1)

    mostread_refresh(now=NOW)

    assert listed()[:2] == [(1, "Heute 0", 103, "7d"), (2, "Montag", 50, "7d")]
    assert "Zu alt" not in [title for _, title, _, _ in listed()]

    settings.MOSTREAD_MIN_VIEWS = 15  # now the day is enough
    mostread_refresh(now=NOW)
    assert {window for *_, window in listed()} == {"24h"}
    assert [views for _, _, views, _ in listed()] == [3, 3, 3, 3, 3]


def test_restricted_unpublished_and_deleted_articles_are_never_listed(site_tree, reads):
    politik = site_tree.sections["Politik"]
    restricted = publish_article(politik, title="Geschützt")
    unpublished = publish_article(politik, title="Zurückgezogen")
    deleted = publish_article(politik, title="Gelöscht")
    public = publish_article(politik, title="Öffentlich")
    for article in (restricted, unpublished, deleted):
        reads(article, 1000)
    reads(public, 5)
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    unpublished.unpublish()
    deleted.delete()

    mostread_refresh(now=NOW)

    assert [title for _, title, _, _ in listed()] == ["Öffentlich"]
    assert [title for _, title, _, _ in listed(str(politik.pk))] == ["Öffentlich"]


def test_old_hourly_counts_are_purged_daily_counts_stay(site_tree, reads, settings):
    settings.MOSTREAD_KEEP_DAYS = 8
    article = publish_article(site_tree.sections["Politik"])
    reads(article, 1, hours_ago=24 * 8 + 1)
    reads(article, 2, hours_ago=24 * 8 - 1)
    ArticleViews.objects.create(article=article, day=(NOW - timedelta(days=30)).date(), count=9)

    mostread_refresh(now=NOW)

    assert list(ArticleViewsHourly.objects.values_list("count", flat=True)) == [2]
    assert ArticleViews.objects.get().count == 9


def test_pages_are_invalidated_only_when_a_list_changed(
    site_tree, reads, monkeypatch, django_capture_on_commit_callbacks
):
    calls: list[list[str]] = []
    monkeypatch.setattr(services, "pages_changed", lambda *, urls: calls.append(sorted(urls)))
    politik = site_tree.sections["Politik"]
    first = publish_article(politik, title="Erster")
    reads(first, 30)

    with django_capture_on_commit_callbacks(execute=True):
        assert mostread_refresh(now=NOW) == ["", str(politik.pk)]
    assert calls == [sorted([site_tree.home.get_full_url(), politik.get_full_url()])]

    # Other counts, same articles in the same order: nothing a reader sees changed.
    reads(first, 7, hours_ago=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert mostread_refresh(now=NOW) == []
    assert len(calls) == 1
    assert listed()[0][2] == 37  # the stored counts are current all the same


def test_the_task_runs_the_aggregation_and_is_safe_to_run_twice(site_tree):
    article = publish_article(site_tree.sections["Politik"], title="A")
    article_view_record(article_id=article.pk)  # now: the task counts from the real clock
    assert mostread_refresh_task.call() == 2  # site-wide and Politik are new
    assert mostread_refresh_task.call() == 0
    assert MostRead.objects.count() == 2


def test_a_shorter_list_leaves_no_stale_places(site_tree, reads):
    politik = site_tree.sections["Politik"]
    articles = [publish_article(politik, title=f"A{n}") for n in range(3)]
    for n, article in enumerate(articles):
        reads(article, 10 + n)
    mostread_refresh(now=NOW)
    assert [title for _, title, _, _ in listed()] == ["A2", "A1", "A0"]

    articles[2].unpublish()
    articles[1].unpublish()
    mostread_refresh(now=NOW)

    assert listed() == [(1, "A0", 10, "7d")]
    assert MostRead.objects.count() == 2  # site-wide and Politik, one place each
