"""sitemap.xml and the Google News sitemap, parsed with lxml."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from lxml import etree

from depesche.distribution import selectors
from depesche.newsroom.models import ArticlePage
from tests.factories import publish_article, save_draft_article

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP_NS, "news": NEWS_NS}
BASE = "http://testserver"


def xml_of(client, url: str) -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    return root


def lastmods(root: etree._Element) -> dict[str, str | None]:
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_live_pages_articles_and_tags(client, site_tree):
    politik = site_tree.sections["Politik"]
    article = publish_article(politik, title="Haushalt steht", tags=["Haushalt"])
    updated = datetime(2026, 11, 20, 14, 5, 7, 123456, tzinfo=UTC)
    ArticlePage.objects.filter(pk=article.pk).update(updated_at=updated)
    draft = save_draft_article(politik, title="Entwurf", tags=["Geheim"])
    site_tree.sections["Panorama"].unpublish()

    entries = lastmods(xml_of(client, "/sitemap.xml"))

    assert entries[BASE + article.url] == "2026-11-20T15:05:07+01:00"  # Berlin, no microseconds
    assert BASE + "/" in entries
    assert BASE + politik.url in entries
    assert BASE + site_tree.legal["impressum"].url in entries
    assert BASE + "/thema/haushalt/" in entries
    assert BASE + draft.url not in entries
    assert BASE + "/thema/geheim/" not in entries  # only a draft has it
    assert BASE + "/panorama/" not in entries
    assert all(loc.startswith(BASE + "/") for loc in entries)
    assert len(entries) == len(set(entries))


def test_sitemap_uses_base_url_not_the_request_host(client, site_tree, settings):
    settings.BASE_URL = "https://www.depesche.example"
    article = publish_article(site_tree.sections["Politik"], title="Basis")
    entries = lastmods(xml_of(client, "/sitemap.xml"))
    assert f"https://www.depesche.example{article.url}" in entries
    assert not any("testserver" in loc for loc in entries)


def test_sitemap_leaves_out_private_pages(client, site_tree):
    from wagtail.models import PageViewRestriction

    article = publish_article(site_tree.sections["Politik"], title="Nur mit Passwort")
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    entries = lastmods(xml_of(client, "/sitemap.xml"))
    assert BASE + article.url not in entries
    assert BASE + site_tree.sections["Politik"].url in entries


def news_entries(client) -> list[etree._Element]:
    return xml_of(client, "/sitemap-news.xml").findall("s:url", NS)


def test_news_sitemap_has_only_the_last_48_hours(client, site_tree):
    politik = site_tree.sections["Politik"]
    now = timezone.now()
    fresh = publish_article(
        politik, title="Frisch & neu", published_at=now - timedelta(hours=47, minutes=30)
    )
    publish_article(politik, title="Zu alt", published_at=now - timedelta(hours=48, minutes=30))

    urls = news_entries(client)
    assert len(urls) == 1
    url = urls[0]
    assert url.findtext("s:loc", namespaces=NS) == BASE + fresh.url
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Depesche"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "de"
    assert news.findtext("news:title", namespaces=NS) == "Frisch & neu"
    published = news.findtext("news:publication_date", namespaces=NS)
    expected = timezone.localtime(fresh.first_published_at).replace(microsecond=0)
    assert datetime.fromisoformat(published) == expected
    assert published == expected.isoformat()  # W3C: offset with a colon


def test_news_sitemap_publication_name_follows_the_setting(client, site_tree, settings):
    settings.SITE_NAME = "Der Bote"
    publish_article(site_tree.sections["Politik"], title="Neu")
    (url,) = news_entries(client)
    assert url.findtext("news:news/news:publication/news:name", namespaces=NS) == "Der Bote"


def test_news_sitemap_is_capped(client, site_tree, monkeypatch):
    monkeypatch.setattr(selectors, "NEWS_MAX_URLS", 3)
    politik = site_tree.sections["Politik"]
    now = timezone.now()
    for i in range(5):
        publish_article(politik, title=f"Meldung {i}", published_at=now - timedelta(hours=i))
    titles = [url.findtext("news:news/news:title", namespaces=NS) for url in news_entries(client)]
    assert titles == ["Meldung 0", "Meldung 1", "Meldung 2"]  # the newest


def test_news_sitemap_limit_is_googles():
    assert selectors.NEWS_MAX_URLS == 1000
    window = selectors.NEWS_WINDOW
    assert window == timedelta(hours=48)


def test_empty_news_sitemap_is_valid(client, site_tree):
    assert news_entries(client) == []


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-news.xml"])
def test_sitemap_queries_do_not_grow_with_articles(
    client, site_tree, django_assert_max_num_queries, url
):
    politik = site_tree.sections["Politik"]
    for i in range(2):
        publish_article(politik, title=f"Meldung {i}", tags=[f"Thema {i}"])
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for i in range(2, 8):
        publish_article(politik, title=f"Meldung {i}", tags=[f"Thema {i}"])
    with django_assert_max_num_queries(10) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
