"""Topics of the hand-built week: which articles belong together, and in which order."""

from __future__ import annotations

from datetime import timedelta

from depesche.digest import grouping
from tests.support.digest_week import END, START


def keys(topic, docs) -> set[str]:
    by_id = {doc.id: key for key, doc in docs.items()}
    return {by_id[article.id] for article in topic.articles}


def ranked(docs):
    return grouping.rank(grouping.group(list(docs.values())), period_start=START, period_end=END)


def test_shared_tags_and_similar_text_make_topics_and_strangers_stay_alone(week_docs):
    topics = ranked(week_docs)
    assert [keys(topic, week_docs) for topic in topics] == [
        {"haushalt"},  # Top-Thema: first although alone
        {"streik1", "streik2", "streik3"},  # two shared tags
        {"zins1", "zins2"},  # no shared tag, but the same story in other words
        {"zoo"},
    ]


def test_scores_fall_and_the_top_topic_wins_by_far(week_docs):
    scores = [topic.score for topic in ranked(week_docs)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] - scores[1] > 10


def test_reads_lift_a_topic(week_docs):
    week_docs["zoo"].views = 5000
    order = [keys(topic, week_docs) for topic in ranked(week_docs)]
    assert order.index({"zoo"}) < order.index({"streik1", "streik2", "streik3"})


def test_more_articles_beat_recency(week_docs):
    # Zinsen (2 articles) stays ahead of a single article published at the period's very end.
    week_docs["zoo"].published_at = END - timedelta(minutes=1)
    order = [keys(topic, week_docs) for topic in ranked(week_docs)]
    assert order.index({"zins1", "zins2"}) < order.index({"zoo"})


def test_leading_article_is_the_flagged_then_most_read_one(week_docs):
    week_docs["streik2"].views = 40
    strike = next(t for t in ranked(week_docs) if len(t.articles) == 3)
    assert strike.lead is week_docs["streik2"]
    week_docs["streik1"].top_topic = True
    strike = next(t for t in ranked(week_docs) if len(t.articles) == 3)
    assert strike.lead is week_docs["streik1"]


def test_one_shared_tag_with_unrelated_text_does_not_join(week_docs):
    week_docs["zoo"].tags = frozenset({"Streik"})
    topics = ranked(week_docs)
    assert {"zoo"} in [keys(topic, week_docs) for topic in topics]


def test_a_tag_on_most_of_the_week_is_too_broad_to_join(week_docs):
    texts = [
        "Wetterdienst warnt vor Glatteis im Bergland",
        "Museum zeigt Gemälde flämischer Meister",
        "Fußballverein verpflichtet neuen Torwart",
        "Bäckerhandwerk sucht dringend Auszubildende",
        "Sternwarte lädt zur Mondfinsternis ein",
    ]
    extra = [
        grouping.ArticleDoc(
            id=100 + n,
            headline=text,
            teaser="",
            body="",
            tags=frozenset({"Streik", "Bahn"}),
            published_at=START,
        )
        for n, text in enumerate(texts)
    ]
    docs = {**week_docs, **{f"extra{n}": doc for n, doc in enumerate(extra)}}
    # "Streik" and "Bahn" are now on 8 of 12 articles: they join nothing, so the commuters'
    # report (text similarity 0.10 to the others) stands alone; the strike call and the talks
    # stay together through their text (0.34).
    topics = [keys(topic, docs) for topic in grouping.group(list(docs.values()))]
    assert {"streik2"} in topics
    assert {"streik1", "streik3"} in topics
    assert len(topics) == 5 + 5


def test_tags_alone_do_not_join_different_stories(week_docs):
    week_docs["zoo"].tags = frozenset({"Haushalt", "Bundestag"})  # the budget story's tags
    topics = [keys(topic, week_docs) for topic in ranked(week_docs)]
    assert {"zoo"} in topics
    assert {"haushalt"} in topics


def test_select_keeps_minimum_then_only_substantial_topics_up_to_maximum(week_docs):
    topics = ranked(week_docs)
    assert len(grouping.select(topics, minimum=5, maximum=7)) == 4  # fewer topics than 5
    kept = grouping.select(topics, minimum=2, maximum=7)
    assert [len(t.articles) for t in kept] == [1, 3, 2]  # the lone zoo story is dropped
    assert len(grouping.select(topics, minimum=1, maximum=2)) == 2


def test_stemming_joins_inflected_forms():
    assert grouping.stem("streiks") == grouping.stem("streik") == "streik"
    assert grouping.terms("Die Streikenden und der Streik") == ["streik", "streik"]
