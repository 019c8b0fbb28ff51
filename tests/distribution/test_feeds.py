"""The RSS and Atom feeds as feed readers see them (feedparser)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from depesche.distribution import selectors
from depesche.distribution.feeds import article_guid
from depesche.newsroom.models import ArticlePage
from tests.factories import publish_article

BASE = "http://testserver"
PUBLISHED = datetime(2026, 11, 20, 8, 40, tzinfo=UTC)
UPDATED = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def articles(site_tree):
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    budget = publish_article(
        politik,
        title="Regierung einigt sich auf Haushalt",
        teaser="Mehr Geld für Schienen & Brücken.",
        tags=["Haushalt", "Bundesregierung"],
        byline="Anna Beispiel",
    )
    ArticlePage.objects.filter(pk=budget.pk).update(
        first_published_at=PUBLISHED, last_published_at=UPDATED, updated_at=UPDATED
    )
    rates = publish_article(
        wirtschaft,
        title="Zinsen bleiben hoch",
        tags=["Zinsen"],
        byline="",
        published_at=PUBLISHED + timedelta(hours=1),
    )
    return ArticlePage.objects.get(pk=budget.pk), rates


@pytest.mark.parametrize("url", ["/feeds/rss.xml", "/feeds/atom.xml"])
def test_site_feed_lists_latest_articles_with_all_fields(client, articles, url):
    budget, rates = articles
    response, feed = parsed(client, url)
    assert [entry.title for entry in feed.entries] == [rates.title, budget.title]  # newest first

    entry = feed.entries[1]
    assert entry.link == BASE + budget.url
    assert entry.link.startswith("http://testserver/politik/")
    assert entry.summary == "Mehr Geld für Schienen & Brücken."
    assert entry.id == article_guid(budget) == f"tag:testserver,2026:artikel/{budget.pk}"
    assert entry.published_parsed[:5] == (2026, 11, 20, 8, 40)
    assert entry.author == "Anna Beispiel"
    assert {tag.term for tag in entry.tags} == {"Politik", "Haushalt", "Bundesregierung"}
    assert feed.feed.title == "Depesche"
    assert feed.feed.link == BASE + "/"
    assert feed.feed.language == "de"
    # The article without byline has no author of its own (Atom: the feed's author applies).
    assert "author" not in feed.entries[0]
    assert feed.feed.get("author") == ("Depesche" if "atom" in url else None)


def test_feed_text_is_in_the_site_language_whatever_the_browser(client, articles):
    _, feed = parsed(client, "/feeds/rss.xml")
    assert feed.feed.subtitle == "Die neuesten Artikel von Depesche"
    response = client.get("/feeds/ressort/politik/rss.xml", HTTP_ACCEPT_LANGUAGE="en")
    assert feedparser.parse(response.content).feed.subtitle == (
        "Die neuesten Artikel im Ressort Politik"
    )


def test_atom_entries_carry_the_update_time(client, articles):
    budget, _ = articles
    _, feed = parsed(client, "/feeds/atom.xml")
    entry = next(entry for entry in feed.entries if entry.title == budget.title)
    assert entry.updated_parsed[:5] == (2026, 11, 20, 14, 5)
    assert entry.published_parsed[:5] == (2026, 11, 20, 8, 40)
    assert feed.feed.id  # Atom needs a feed id
    self_link = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == [BASE + "/feeds/atom.xml"]


def test_rss_guid_is_not_a_permalink_and_survives_a_new_headline(client, articles):
    budget, _ = articles
    response, _ = parsed(client, "/feeds/rss.xml")
    assert f'<guid isPermaLink="false">tag:testserver,2026:artikel/{budget.pk}</guid>' in (
        response.content.decode()
    )
    budget.title = "Haushalt beschlossen"
    budget.slug = "haushalt-beschlossen"
    budget.save_revision().publish()
    _, feed = parsed(client, "/feeds/rss.xml")
    entry = next(entry for entry in feed.entries if entry.title == "Haushalt beschlossen")
    assert entry.id == f"tag:testserver,2026:artikel/{budget.pk}"
    assert entry.link.endswith("/haushalt-beschlossen/")


def test_feed_content_types(client, articles):
    assert client.get("/feeds/rss.xml")["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert client.get("/feeds/atom.xml")["Content-Type"] == "application/atom+xml; charset=utf-8"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_section_feed_has_only_its_articles(client, site_tree, articles, fmt):
    budget, rates = articles
    _, feed = parsed(client, f"/feeds/ressort/politik/{fmt}.xml")
    assert [entry.title for entry in feed.entries] == [budget.title]
    assert feed.feed.title == "Depesche – Politik"
    assert feed.feed.link == BASE + site_tree.sections["Politik"].url

    _, feed = parsed(client, f"/feeds/ressort/wirtschaft/{fmt}.xml")
    assert [entry.title for entry in feed.entries] == [rates.title]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_tag_feed_has_only_its_articles(client, articles, fmt):
    budget, _ = articles
    _, feed = parsed(client, f"/feeds/thema/haushalt/{fmt}.xml")
    assert [entry.title for entry in feed.entries] == [budget.title]
    assert feed.feed.title == "Depesche – Haushalt"
    assert feed.feed.link == BASE + "/thema/haushalt/"


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/ressort/gibt-es-nicht/rss.xml",
        "/feeds/ressort/gibt-es-nicht/atom.xml",
        "/feeds/thema/gibt-es-nicht/rss.xml",
        "/feeds/thema/gibt-es-nicht/atom.xml",
        "/feeds/ressort/impressum/rss.xml",  # a live page, but no section
    ],
)
def test_unknown_section_or_tag_is_404(client, site_tree, url):
    assert client.get(url).status_code == 404


def test_unpublished_section_has_no_feed(client, site_tree):
    site_tree.sections["Panorama"].unpublish()
    assert client.get("/feeds/ressort/panorama/rss.xml").status_code == 404


def test_feed_is_capped_and_queries_do_not_grow(
    client, site_tree, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(selectors, "FEED_ITEMS", 3)
    politik = site_tree.sections["Politik"]
    for i in range(2):
        publish_article(politik, title=f"Meldung {i}", tags=["Energie", f"Thema {i}"])
    client.get("/feeds/ressort/politik/rss.xml")  # fill Wagtail's caches
    # section, articles, their tags and authors (one prefetch each), site root paths, view
    # restrictions
    with django_assert_max_num_queries(7) as few:
        parsed(client, "/feeds/ressort/politik/rss.xml")
    for i in range(2, 6):
        publish_article(politik, title=f"Meldung {i}", tags=["Energie", f"Thema {i}"])
    with django_assert_max_num_queries(7) as many:
        _, feed = parsed(client, "/feeds/ressort/politik/rss.xml")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert [entry.title for entry in feed.entries] == ["Meldung 5", "Meldung 4", "Meldung 3"]
    assert {tag.term for tag in feed.entries[0].tags} == {"Politik", "Energie", "Thema 5"}


def test_drafts_are_not_in_feeds(client, site_tree, articles):
    from tests.factories import save_draft_article

    save_draft_article(site_tree.sections["Politik"], title="Entwurf")
    _, feed = parsed(client, "/feeds/rss.xml")
    assert "Entwurf" not in [entry.title for entry in feed.entries]


def test_sponsored_article_is_labelled_in_feeds(client, site_tree):
    if not any(field.name == "sponsor" for field in ArticlePage._meta.get_fields()):
        pytest.skip("ArticlePage has no sponsor field")
    politik = site_tree.sections["Politik"]
    publish_article(politik, title="Strom vom Dach", sponsor="Nordlicht Stadtwerke")
    publish_article(politik, title="Redaktionell")
    for url in ["/feeds/rss.xml", "/feeds/atom.xml"]:
        _, feed = parsed(client, url)
        assert [entry.title for entry in feed.entries] == [
            "Redaktionell",
            "Anzeige: Strom vom Dach",
        ]


def test_restricted_articles_are_not_syndicated(client, site_tree):
    from wagtail.models import PageViewRestriction

    politik = site_tree.sections["Politik"]
    secret = publish_article(politik, title="Nur mit Passwort")
    publish_article(politik, title="Öffentlich")
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    for url in ["/feeds/rss.xml", "/feeds/ressort/politik/atom.xml"]:
        _, feed = parsed(client, url)
        assert [entry.title for entry in feed.entries] == ["Öffentlich"]
