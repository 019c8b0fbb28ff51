"""Authors in distribution (issue 19): the author feeds and the NewsArticle JSON-LD Person."""

from __future__ import annotations

import extruct
import feedparser
import pytest
from wagtail.models import PageViewRestriction

from depesche.newsroom.models import Author
from tests.factories import publish_article, save_draft_article

BASE = "http://testserver"


@pytest.fixture
def anna(db) -> Author:
    return Author.objects.create(name="Anna Berger", slug="anna-berger")


@pytest.fixture
def ben(db) -> Author:
    return Author.objects.create(name="Ben Muster", slug="ben-muster")


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_author_feed_has_only_the_authors_public_articles(client, site_tree, anna, ben, fmt):
    politik = site_tree.sections["Politik"]
    publish_article(politik, title="Von Anna und Ben", authors=[anna, ben])
    publish_article(politik, title="Nur Ben", authors=[ben])
    save_draft_article(politik, title="Annas Entwurf", authors=[anna])
    locked = publish_article(politik, title="Annas geschützter Text", authors=[anna])
    PageViewRestriction.objects.create(
        page=locked, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )

    feed = parsed(client, f"/feeds/autor/anna-berger/{fmt}.xml")
    assert [entry.title for entry in feed.entries] == ["Von Anna und Ben"]
    assert feed.feed.title == "Depesche – Anna Berger"
    assert feed.feed.link == BASE + "/autoren/anna-berger/"
    assert feed.entries[0].author == "Anna Berger, Ben Muster"


@pytest.mark.parametrize(
    "url", ["/feeds/autor/gibt-es-nicht/rss.xml", "/feeds/autor/gibt-es-nicht/atom.xml"]
)
def test_unknown_author_feed_is_404(client, site_tree, url):
    assert client.get(url).status_code == 404


def test_feed_item_without_authors_keeps_the_free_byline(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Frei", byline="Redaktion")
    (entry,) = parsed(client, "/feeds/rss.xml").entries
    assert entry.author == "Redaktion"


def news_article(client, url: str) -> dict:
    html = client.get(url).content.decode()
    data = extruct.extract(html, base_url=BASE + url, syntaxes=["json-ld"])["json-ld"]
    (item,) = [item for item in data if item.get("@type") == "NewsArticle"]
    return item


def test_json_ld_names_the_authors_as_people_with_their_pages(client, site_tree, anna, ben):
    article = publish_article(
        site_tree.sections["Politik"], authors=[ben, anna], byline="Von Redaktion, dpa"
    )
    assert news_article(client, article.url)["author"] == [
        {"@type": "Person", "name": "Ben Muster", "url": BASE + "/autoren/ben-muster/"},
        {"@type": "Person", "name": "Anna Berger", "url": BASE + "/autoren/anna-berger/"},
    ]


def test_json_ld_without_authors_keeps_the_byline_people(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], byline="Anna Beispiel und Ben Muster")
    assert news_article(client, article.url)["author"] == [
        {"@type": "Person", "name": "Anna Beispiel"},
        {"@type": "Person", "name": "Ben Muster"},
    ]
