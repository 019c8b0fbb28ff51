"""NewsArticle JSON-LD on article pages, as crawlers extract it (extruct)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import extruct
import pytest

from depesche.distribution.structured_data import authors, json_ld
from depesche.newsroom.models import ArticlePage
from tests.factories import make_image, paragraphs, publish_article

BASE = "http://testserver"
PUBLISHED = datetime(2026, 1, 6, 8, 40, tzinfo=UTC)  # 09:40 in Berlin
UPDATED = datetime(2026, 1, 6, 14, 5, tzinfo=UTC)  # 15:05 in Berlin


def news_articles(client, url: str) -> list[dict]:
    html = client.get(url).content.decode()
    data = extruct.extract(html, base_url=BASE + url, syntaxes=["json-ld"])["json-ld"]
    return [item for item in data if item.get("@type") == "NewsArticle"]


@pytest.fixture
def article(site_tree):
    article = publish_article(
        site_tree.sections["Politik"],
        title="Regierung einigt sich auf Haushalt",
        teaser="Mehr Geld für Schienen.",
        tags=["Haushalt", "Bundesregierung"],
        byline="Anna Beispiel und Ben Muster",
    )
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=PUBLISHED, last_published_at=UPDATED, updated_at=UPDATED
    )
    return ArticlePage.objects.get(pk=article.pk)


def test_article_page_has_news_article_field_by_field(client, article):
    (data,) = news_articles(client, article.url)
    canonical = BASE + article.url
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Regierung einigt sich auf Haushalt"
    assert data["description"] == "Mehr Geld für Schienen."
    assert data["datePublished"] == "2026-01-06T09:40:00+01:00"
    assert data["dateModified"] == "2026-01-06T15:05:00+01:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Anna Beispiel"},
        {"@type": "Person", "name": "Ben Muster"},
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "Depesche"
    assert publisher["logo"] == {
        "@type": "ImageObject",
        "url": BASE + "/static/depesche/logo.png",
        "width": 600,
        "height": 60,
    }
    # Without an image in the body: the site's share image.
    assert data["image"]["url"] == BASE + "/static/depesche/share.png"
    assert (data["image"]["width"], data["image"]["height"]) == (1200, 630)
    assert data["articleSection"] == "Politik"
    assert sorted(data["keywords"]) == ["Bundesregierung", "Haushalt"]
    assert data["isAccessibleForFree"] is True
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert data["url"] == canonical


def test_static_logo_and_share_image_exist_in_their_sizes():
    from django.contrib.staticfiles import finders
    from PIL import Image

    with Image.open(finders.find("depesche/logo.png")) as logo:
        assert logo.size == (600, 60)
    with Image.open(finders.find("depesche/share.png")) as share:
        assert share.size == (1200, 630)


def test_first_body_image_is_the_article_image(client, site_tree):
    body = [
        *paragraphs("Erster Absatz."),
        ("image", {"image": make_image("Hafen"), "caption": "Der Hafen", "credit": ""}),
        ("image", {"image": make_image("Zweites"), "caption": "", "credit": ""}),
    ]
    article = publish_article(site_tree.sections["Politik"], title="Mit Bild", body=body)
    (data,) = news_articles(client, article.url)
    image = data["image"]
    assert image["url"].startswith(BASE + "/media/images/")
    assert "width-1200" in image["url"]
    assert image["width"] > 0 and image["height"] > 0


def test_empty_byline_makes_the_publication_the_author(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Ohne Autor", byline="")
    (data,) = news_articles(client, article.url)
    assert data["author"] == {"@type": "Organization", "name": "Depesche", "url": BASE + "/"}


def test_article_without_tags_has_no_keywords_and_modified_falls_back(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Ohne Tags")
    ArticlePage.objects.filter(pk=article.pk).update(first_published_at=PUBLISHED, updated_at=None)
    (data,) = news_articles(client, article.url)
    assert "keywords" not in data
    assert data["dateModified"] == data["datePublished"] == "2026-01-06T09:40:00+01:00"


def test_headline_cannot_break_out_of_the_script(client, site_tree):
    evil = 'Die </script><script>alert("x")</script> & <!-- Wahrheit'
    article = publish_article(site_tree.sections["Politik"], title=evil, teaser="<b>fett</b>")
    html = client.get(article.url).content.decode()
    assert '<script>alert("x")' not in html
    start = html.index('<script type="application/ld+json">')
    block = html[start : html.index("</script>", start)]
    assert "<" not in block[len('<script type="application/ld+json">') :]
    (data,) = news_articles(client, article.url)
    assert data["headline"] == evil  # the JSON still decodes to the original text
    assert data["description"] == "<b>fett</b>"


def test_json_ld_escapes_markup_characters():
    out = json_ld({"headline": "</script><!-- & >"})
    assert out.startswith('<script type="application/ld+json">')
    inner = out.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == {"headline": "</script><!-- & >"}


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Anna Beispiel", ["Anna Beispiel"]),
        ("Anna Beispiel, Ben Muster und Cem Test", ["Anna Beispiel", "Ben Muster", "Cem Test"]),
        ("Anna Beispiel / Ben Muster", ["Anna Beispiel", "Ben Muster"]),
        ("Roland Undine", ["Roland Undine"]),  # "und" only as a word
        ("Von Anna Beispiel und Ben Muster, dpa", ["Anna Beispiel", "Ben Muster"]),
    ],
)
def test_byline_becomes_people(byline, names):
    assert authors(byline) == [{"@type": "Person", "name": name} for name in names]


def test_only_article_pages_have_news_article(client, site_tree, article):
    assert news_articles(client, "/") == []
    assert news_articles(client, site_tree.sections["Politik"].url) == []
    assert news_articles(client, "/thema/haushalt/") == []
