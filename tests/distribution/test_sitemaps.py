"""sitemap.xml and the Google News sitemap, parsed with lxml."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from depesche.distribution import selectors
from depesche.newsroom.models import ArticlePage
from tests.factories import TagFactory, publish_article, save_draft_article

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP_NS, "news": NEWS_NS}
BASE = "http://testserver"


def xml_of(client, url: str, tag: str = "urlset") -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{SITEMAP_NS}}}{tag}"
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


def test_sitemap_sends_last_modified_and_x_robots_tag(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Neu")
    updated = datetime(2099, 1, 2, 3, 4, 5, tzinfo=UTC)  # newer than every page
    ArticlePage.objects.filter(pk=article.pk).update(updated_at=updated)
    response = client.get("/sitemap.xml")
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert parsedate_to_datetime(response["Last-Modified"]) == updated


def test_sitemap_escapes_and_quotes_locations(client, site_tree):
    TagFactory(name="Zoll & Hafen", slug="zoll&häfen")
    publish_article(site_tree.sections["Politik"], title="Zoll", tags=["Zoll & Hafen"])
    assert reverse("tag", args=["zoll&häfen"]) == "/thema/zoll&h%C3%A4fen/"
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/thema/zoll&amp;h%C3%A4fen/</loc>" in body


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
    publish_article(politik, title="Älter", published_at=now - timedelta(hours=49))

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


# --- past SITEMAP_MAX_URLS: a sitemap index --------------------------------------------------


def index_entries(client) -> list[tuple[str, str | None]]:
    root = xml_of(client, "/sitemap.xml", tag="sitemapindex")
    return [
        (entry.findtext("s:loc", namespaces=NS), entry.findtext("s:lastmod", namespaces=NS))
        for entry in root.findall("s:sitemap", NS)
    ]


@pytest.fixture
def archive(site_tree):
    """Five public articles with distinct update times, a draft, a restricted one, two tags."""
    from wagtail.models import PageViewRestriction

    politik = site_tree.sections["Politik"]
    articles = []
    for i in range(5):
        article = publish_article(politik, title=f"Meldung {i}", tags=[f"Thema {i % 2}"])
        updated = datetime(2026, 11, 1 + i, 9, 30, tzinfo=UTC)
        ArticlePage.objects.filter(pk=article.pk).update(updated_at=updated)
        articles.append(article)
    draft = save_draft_article(politik, title="Entwurf", tags=["Geheim"])
    restricted = publish_article(politik, title="Nur mit Passwort", tags=["Intern"])
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    return {"articles": articles, "draft": draft, "restricted": restricted}


def test_sitemap_stays_one_file_up_to_the_limit(client, archive, settings):
    # home, 5 sections, 3 legal pages, 5 articles, 2 tags
    total = len(lastmods(xml_of(client, "/sitemap.xml")))
    settings.SITEMAP_MAX_URLS = total
    assert len(lastmods(xml_of(client, "/sitemap.xml"))) == total
    settings.SITEMAP_MAX_URLS = total - 1
    assert index_entries(client)


def test_sitemap_index_files_cover_the_same_urls_each_within_the_limit(client, archive, settings):
    everything = lastmods(xml_of(client, "/sitemap.xml"))
    settings.SITEMAP_MAX_URLS = 3

    entries = index_entries(client)

    files = {loc.removeprefix(BASE): lastmod for loc, lastmod in entries}
    assert list(files) == [
        "/sitemap-pages.xml",
        "/sitemap-pages.xml?p=2",
        "/sitemap-pages.xml?p=3",
        "/sitemap-articles.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-tags.xml",
    ]
    seen: dict[str, str | None] = {}
    for path, lastmod in files.items():
        urls = lastmods(xml_of(client, path))
        assert 1 <= len(urls) <= 3
        assert seen.keys().isdisjoint(urls)
        seen.update(urls)
        # the file's lastmod is the newest of its URLs'
        assert lastmod is not None
        assert datetime.fromisoformat(lastmod) == max(map(datetime.fromisoformat, urls.values()))
    assert seen == everything
    assert BASE + archive["draft"].url not in seen
    assert BASE + archive["restricted"].url not in seen
    assert BASE + "/thema/geheim/" not in seen and BASE + "/thema/intern/" not in seen


def test_sitemap_index_keeps_earlier_files_when_articles_are_added(client, archive, settings):
    """Articles in id order: a new one joins the last file; the first file, and its lastmod,
    stay as they were (a crawler need not fetch it again)."""
    settings.SITEMAP_MAX_URLS = 3
    first = lastmods(xml_of(client, "/sitemap-articles.xml"))
    assert list(first) == [BASE + a.url for a in archive["articles"][:3]]
    lastmod_before = dict(index_entries(client))[BASE + "/sitemap-articles.xml"]
    assert lastmod_before == "2026-11-03T10:30:00+01:00"

    added = publish_article(archive["articles"][0].get_parent().specific, title="Neu")

    assert lastmods(xml_of(client, "/sitemap-articles.xml")) == first
    entries = dict(index_entries(client))
    assert entries[BASE + "/sitemap-articles.xml"] == lastmod_before
    assert BASE + added.url in lastmods(xml_of(client, "/sitemap-articles.xml?p=2"))


def test_sitemap_index_sends_last_modified(client, archive, settings):
    settings.SITEMAP_MAX_URLS = 3
    response = client.get("/sitemap.xml")
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    newest = max(
        datetime.fromisoformat(lastmod) for _loc, lastmod in index_entries(client) if lastmod
    )
    assert parsedate_to_datetime(response["Last-Modified"]) == newest.replace(microsecond=0)


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-unbekannt.xml",
        "/sitemap-articles.xml?p=3",
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=zwei",
        "/sitemap-articles.xml?p=²",
        "/sitemap-articles.xml?p=" + "9" * 5000,
    ],
)
def test_unknown_sitemap_files_are_404(client, archive, settings, url):
    settings.SITEMAP_MAX_URLS = 3
    assert client.get(url).status_code == 404


def test_sitemap_index_queries_grow_with_files_not_articles(
    client, archive, settings, django_assert_max_num_queries
):
    settings.SITEMAP_MAX_URLS = 50
    client.get("/sitemap.xml")
    settings.SITEMAP_MAX_URLS = 3
    # 6 files: one aggregate each, plus the counts; a file itself costs the same as before
    with django_assert_max_num_queries(12):
        index_entries(client)
    with django_assert_max_num_queries(5):
        xml_of(client, "/sitemap-articles.xml?p=2")
