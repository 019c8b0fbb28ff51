"""The cookie-less view counter."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from depesche.core.pixel import PIXEL
from depesche.core.timefmt import BERLIN
from depesche.readership.models import ArticleViews
from depesche.readership.services import ArticleNotFound, article_view_record
from tests.factories import publish_article, save_draft_article


def counter_url(article_id: int) -> str:
    return reverse("view-counter", args=[article_id])


def test_counter_url_is_the_documented_one():
    assert counter_url(42) == "/zaehler/42.gif"


def test_each_read_counts_once_and_nothing_is_stored_about_the_reader(client, site_tree):
    article = publish_article(site_tree.sections["Politik"])
    for _ in range(3):
        response = client.get(
            counter_url(article.pk), HTTP_USER_AGENT="Testbrowser", REMOTE_ADDR="203.0.113.9"
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif"
        assert response.content == PIXEL
        assert response["Cache-Control"] == "no-store"
        assert not response.cookies
        assert "Set-Cookie" not in str(response.serialize_headers())
    row = ArticleViews.objects.get(article=article)
    assert row.count == 3
    # The row holds the article, the day and the count: no address, agent or identifier.
    assert {field.name for field in ArticleViews._meta.concrete_fields} == {
        "id",
        "article",
        "day",
        "count",
    }
    assert "203.0.113" not in repr(ArticleViews.objects.values().get())


def test_head_requests_do_not_count(client, site_tree):
    article = publish_article(site_tree.sections["Politik"])
    assert client.head(counter_url(article.pk)).status_code == 200
    assert not ArticleViews.objects.exists()


def test_unknown_and_unpublished_articles_are_404_and_not_counted(client, site_tree):
    draft = save_draft_article(site_tree.sections["Politik"])
    assert client.get(counter_url(999999)).status_code == 404
    assert client.get(counter_url(draft.pk)).status_code == 404
    assert client.get(counter_url(site_tree.sections["Politik"].pk)).status_code == 404
    assert not ArticleViews.objects.exists()


def test_reads_are_counted_per_berlin_day(site_tree):
    article = publish_article(site_tree.sections["Politik"])
    # 23:30 and 00:30 Berlin time are one UTC day apart only in Berlin's calendar.
    article_view_record(article_id=article.pk, now=datetime(2026, 11, 16, 23, 30, tzinfo=BERLIN))
    article_view_record(article_id=article.pk, now=datetime(2026, 11, 17, 0, 30, tzinfo=BERLIN))
    article_view_record(article_id=article.pk, now=datetime(2026, 11, 17, 8, 0, tzinfo=BERLIN))
    counts = dict(ArticleViews.objects.values_list("day", "count"))
    assert {day.isoformat(): n for day, n in counts.items()} == {
        "2026-11-16": 1,
        "2026-11-17": 2,
    }


def test_service_refuses_unknown_articles(db):
    with pytest.raises(ArticleNotFound):
        article_view_record(article_id=123456)


def test_article_page_embeds_the_counter_without_javascript(client, site_tree):
    article = publish_article(site_tree.sections["Politik"])
    html = client.get(article.url).content.decode()
    assert f'src="/zaehler/{article.pk}.gif"' in html
    assert 'alt=""' in html
