"""Reads for the build: the period's articles with tags and reads, in a fixed number of queries."""

from __future__ import annotations

from depesche.digest.selectors import article_docs
from depesche.readership.models import ArticleViews
from tests.support.digest_week import END, START, at


def test_article_docs_are_the_periods_live_articles_with_their_reads(
    week_articles, django_assert_max_num_queries
):
    ArticleViews.objects.create(article=week_articles["zoo"], day=at(18).date(), count=7)
    ArticleViews.objects.create(article=week_articles["zoo"], day=at(20).date(), count=5)
    ArticleViews.objects.create(article=week_articles["zoo"], day=at(23).date(), count=100)
    week_articles["zins1"].unpublish()
    with django_assert_max_num_queries(3):
        docs = article_docs(start=START, end=END)
    by_headline = {doc.headline: doc for doc in docs}
    assert len(docs) == 6  # 7 in the period, one of them taken down
    assert "EZB senkt den Leitzins" not in by_headline
    zoo = by_headline["Elefantennachwuchs im Leipziger Zoo"]
    assert zoo.views == 12
    assert zoo.tags == frozenset({"Zoo"})
    assert "Jungtier" in zoo.body
    assert by_headline["Bundestag beschließt den Haushalt für 2027"].top_topic is True
