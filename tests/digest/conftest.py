from __future__ import annotations

import pytest

from depesche.digest.grouping import ArticleDoc
from tests.factories import paragraphs, publish_article
from tests.support.digest_week import ARTICLES, at


@pytest.fixture
def week_docs() -> dict[str, ArticleDoc]:
    """The hand-built week as plain data (no database)."""
    return {
        key: ArticleDoc(
            id=n,
            headline=headline,
            teaser=teaser,
            body="\n".join(body),
            tags=frozenset(tags),
            published_at=published,
            top_topic=top,
        )
        for n, (key, headline, teaser, body, tags, published, top) in enumerate(ARTICLES, 1)
    }


@pytest.fixture
def week_articles(site_tree) -> dict:
    """The hand-built week published, plus one article before and one after the period."""
    section = site_tree.sections["Wirtschaft"]
    articles = {
        key: publish_article(
            section,
            title=headline,
            teaser=teaser,
            body=paragraphs(*body),
            tags=tags,
            published_at=published,
            top_topic=top,
        )
        for key, headline, teaser, body, tags, published, top in ARTICLES
    }
    articles["before"] = publish_article(
        section, title="Streik der Vorwoche", tags=["Streik", "Bahn"], published_at=at(14, 6)
    )
    articles["after"] = publish_article(
        section, title="Streik der nächsten Woche", tags=["Streik", "Bahn"], published_at=at(21, 8)
    )
    return articles
