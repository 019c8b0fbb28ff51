"""Canonical links, feed links, Open Graph and Twitter card tags in the page head."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from depesche.newsroom.models import ArticlePage
from tests.factories import make_image, publish_article

BASE = "http://testserver"
PUBLISHED = datetime(2026, 1, 6, 8, 40, tzinfo=UTC)  # 09:40 in Berlin
UPDATED = datetime(2026, 1, 6, 14, 5, tzinfo=UTC)


def head_of(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser").head


def canonical(head: BeautifulSoup) -> str | None:
    links = head.find_all("link", rel="canonical")
    assert len(links) <= 1
    return links[0]["href"] if links else None


def og(head: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in head.find_all("meta", property=True):
        found.setdefault(tag["property"], []).append(tag["content"])
    return found


def twitter(head: BeautifulSoup) -> dict[str, str]:
    return {
        tag["name"]: tag["content"]
        for tag in head.find_all("meta", attrs={"name": True})
        if tag["name"].startswith("twitter:")
    }


def feed_links(head: BeautifulSoup) -> list[tuple[str, str, str]]:
    return [
        (link["type"], link["title"], link["href"])
        for link in head.find_all("link", rel="alternate")
    ]


@pytest.fixture
def article(site_tree):
    article = publish_article(
        site_tree.sections["Politik"],
        title="Regierung einigt sich auf Haushalt",
        teaser="Mehr Geld für Schienen & Brücken.",
        tags=["Haushalt", "Bundesregierung"],
    )
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=PUBLISHED, last_published_at=UPDATED, updated_at=UPDATED
    )
    return ArticlePage.objects.get(pk=article.pk)


def test_article_open_graph_and_twitter(client, article):
    head = head_of(client, article.url)
    url = BASE + article.url
    assert canonical(head) == url
    tags = og(head)
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == ["Regierung einigt sich auf Haushalt"]
    assert tags["og:description"] == ["Mehr Geld für Schienen & Brücken."]
    assert tags["og:url"] == [url]
    assert tags["og:site_name"] == ["Depesche"]
    assert tags["og:locale"] == ["de_DE"]
    assert tags["og:image"] == [BASE + "/static/depesche/share.png"]
    assert tags["article:published_time"] == ["2026-01-06T09:40:00+01:00"]
    assert tags["article:modified_time"] == ["2026-01-06T15:05:00+01:00"]
    assert tags["article:section"] == ["Politik"]
    assert sorted(tags["article:tag"]) == ["Bundesregierung", "Haushalt"]
    cards = twitter(head)
    assert cards["twitter:card"] == "summary"  # no image of its own
    assert cards["twitter:title"] == "Regierung einigt sich auf Haushalt"
    assert cards["twitter:image"] == BASE + "/static/depesche/share.png"


def test_article_with_image_gets_a_large_card(client, site_tree):
    body = [("image", {"image": make_image("Hafen"), "caption": "", "credit": ""})]
    article = publish_article(site_tree.sections["Politik"], title="Mit Bild", body=body)
    head = head_of(client, article.url)
    (image,) = og(head)["og:image"]
    assert image.startswith(BASE + "/media/images/") and "width-1200" in image
    assert twitter(head)["twitter:card"] == "summary_large_image"
    assert twitter(head)["twitter:image"] == image


def test_search_description_wins_and_meta_description_is_kept(client, article):
    article.search_description = "Was der Haushalt bedeutet."
    article.save_revision().publish()
    head = head_of(client, article.url)
    assert og(head)["og:description"] == ["Was der Haushalt bedeutet."]
    assert head.find("meta", attrs={"name": "description"})["content"] == (
        "Was der Haushalt bedeutet."
    )


def test_home_page_meta_and_feeds(client, site_tree):
    head = head_of(client, "/")
    assert canonical(head) == BASE + "/"
    tags = og(head)
    assert tags["og:type"] == ["website"]
    assert tags["og:title"] == ["Depesche"]
    assert tags["og:url"] == [BASE + "/"]
    assert "article:published_time" not in tags
    assert feed_links(head) == [
        ("application/rss+xml", "Depesche (RSS)", BASE + "/feeds/rss.xml"),
        ("application/atom+xml", "Depesche (Atom)", BASE + "/feeds/atom.xml"),
    ]


def test_section_page_meta_and_feeds(client, site_tree):
    politik = site_tree.sections["Politik"]
    head = head_of(client, politik.url)
    assert canonical(head) == BASE + politik.url
    assert og(head)["og:title"] == ["Politik"]
    assert og(head)["og:type"] == ["website"]
    links = feed_links(head)
    assert links[:2] == [
        (
            "application/rss+xml",
            "Depesche – Politik (RSS)",
            BASE + "/feeds/ressort/politik/rss.xml",
        ),
        (
            "application/atom+xml",
            "Depesche – Politik (Atom)",
            BASE + "/feeds/ressort/politik/atom.xml",
        ),
    ]
    # The linked feeds exist.
    for _, _, href in links:
        assert client.get(href.removeprefix(BASE)).status_code == 200


def test_tag_page_meta_and_feeds(client, article):
    head = head_of(client, "/thema/haushalt/")
    assert canonical(head) == BASE + "/thema/haushalt/"
    assert og(head)["og:title"] == ["Haushalt"]
    assert og(head)["og:description"] == ["Alle Artikel zum Thema Haushalt"]
    links = feed_links(head)
    assert links[0] == (
        "application/rss+xml",
        "Depesche – Haushalt (RSS)",
        BASE + "/feeds/thema/haushalt/rss.xml",
    )
    assert client.get("/feeds/thema/haushalt/atom.xml").status_code == 200
    assert links[1][2] == BASE + "/feeds/thema/haushalt/atom.xml"


def test_canonical_drops_query_but_keeps_later_pages(client, site_tree, settings):
    settings.PAGE_SIZE = 1
    politik = site_tree.sections["Politik"]
    for i in range(2):
        publish_article(politik, title=f"Meldung {i}", tags=["Energie"])
    assert canonical(head_of(client, politik.url + "?utm_source=x")) == BASE + politik.url
    assert canonical(head_of(client, politik.url + "?page=1")) == BASE + politik.url
    assert canonical(head_of(client, politik.url + "?page=2&utm_source=x")) == (
        BASE + politik.url + "?page=2"
    )
    assert canonical(head_of(client, "/thema/energie/?page=2")) == (BASE + "/thema/energie/?page=2")


def test_canonical_uses_base_url(client, article, settings):
    settings.BASE_URL = "https://www.depesche.example"
    head = head_of(client, article.url)
    assert canonical(head) == "https://www.depesche.example" + article.url
    assert og(head)["og:url"] == ["https://www.depesche.example" + article.url]


def test_other_public_pages_have_canonical_only(client, site_tree):
    head = head_of(client, "/newsletter/")
    assert canonical(head) == BASE + "/newsletter/"
    assert "og:title" not in og(head)
    head = head_of(client, site_tree.legal["impressum"].url)
    assert canonical(head) == BASE + site_tree.legal["impressum"].url
    assert og(head)["og:title"] == ["Impressum"]


def test_private_and_missing_pages_have_no_canonical(client, site_tree):
    assert canonical(head_of(client, "/abo/")) is None
    head = head_of(client, "/gibt-es-nicht/", status=404)
    assert canonical(head) is None
    assert og(head) == {}


def test_meta_adds_no_queries_on_list_pages(client, site_tree, settings, django_assert_num_queries):
    """The head's tags come from the context: rendering them queries nothing."""
    from django.template import Context, Template
    from django.test import RequestFactory
    from django.urls import resolve

    politik = site_tree.sections["Politik"]
    request = RequestFactory().get(politik.url)
    request.resolver_match = resolve(politik.url)
    politik.get_url_parts(request)  # Wagtail caches the site root paths on the request
    template = Template("{% load distribution %}{% distribution_meta %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"request": request, "page": politik}))
    assert f'<link rel="canonical" href="{BASE}{politik.url}">' in html
