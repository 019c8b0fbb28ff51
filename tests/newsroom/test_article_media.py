"""What the wire gives an article, shown where German sites show it: Dachzeile, Eilmeldung,
lead picture with caption and credit, Quelle, usage terms; in teasers; in JSON-LD and Open
Graph. Articles without them render none of it."""

from __future__ import annotations

import io
import re

import extruct
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.images import ImageFile
from django.test import override_settings
from PIL import Image as PILImage
from wagtail.images import get_image_model

from tests.factories import publish_article

BASE = "http://testserver"
TITLE = "Koalition einigt sich auf Haushalt"


def stored_image(width: int = 1600, height: int = 900, title: str = "Agenturbild"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "darkorange").save(buffer, "JPEG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name="agenturbild.jpg")
    )


def soup_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


WIRE_FIELDS = {
    "kicker": "Haushaltsstreit",
    "breaking": True,
    "image_caption": "Kanzler und Finanzminister im Bundestag.",
    "image_credit": "dpa",
    "image_alt": "Zwei Männer an der Regierungsbank.",
    "source_credit": "dpa",
    "usage_terms": "© dpa-infocom GmbH\nNur zur redaktionellen Nutzung.",
}


@pytest.fixture
def wire_article(site_tree):
    return publish_article(
        site_tree.sections["Politik"], title=TITLE, image=stored_image(), **WIRE_FIELDS
    )


@pytest.fixture
def plain_article(site_tree):
    return publish_article(site_tree.sections["Politik"], title="Ohne alles")


# --- article page -------------------------------------------------------------------------------


def test_article_shows_kicker_and_eilmeldung_above_the_headline(client, wire_article):
    page = soup_of(client, wire_article.url)
    h1 = page.find("h1")
    kicker = h1.find("span", class_="article__kicker")
    assert kicker.find(class_="breaking-label").get_text() == "Eilmeldung"
    assert " ".join(kicker.get_text(" ", strip=True).split()) == "Eilmeldung Haushaltsstreit :"
    kicker.extract()
    assert h1.get_text(strip=True) == TITLE  # the title itself stays the headline alone
    assert page.title.get_text().startswith(TITLE)


def test_article_lead_picture_is_responsive_with_caption_and_credit(client, wire_article):
    figure = soup_of(client, wire_article.url).find("figure", class_="article-lead")
    img = figure.find("img")
    widths = [int(item.split()[1].rstrip("w")) for item in img["srcset"].split(",")]
    assert widths == [480, 800, 1200]
    assert all(url.startswith("/media/images/") for url in re.findall(r"(\S+) \d+w", img["srcset"]))
    assert (img["width"], img["height"]) == ("480", "270")
    assert img["alt"] == "Zwei Männer an der Regierungsbank."
    assert img["loading"] == "eager"
    assert "sizes" in img.attrs
    caption = figure.find("figcaption")
    assert caption.get_text(" ", strip=True) == (
        "Kanzler und Finanzminister im Bundestag. Foto: dpa"
    )
    assert caption.find(class_="credit").get_text() == "Foto: dpa"


def test_article_ends_with_the_source_and_the_usage_terms_in_small_print(client, wire_article):
    page = soup_of(client, wire_article.url)
    credit = page.find(class_="article__credit")
    assert credit.get_text() == "Quelle: dpa"
    article = page.find("article", class_="article")
    usage = article.find(class_="article__usage")
    assert "small" in usage["class"]
    assert usage.get_text("|") == "© dpa-infocom GmbH|Nur zur redaktionellen Nutzung."
    assert page.get_text().count("Quelle:") == 1


def test_labelled_credits_are_not_labelled_twice(client, site_tree):
    article = publish_article(
        site_tree.sections["Politik"],
        image=stored_image(400, 300),
        image_credit="Foto: dpa/AP",
        source_credit="Quelle: dpa",
    )
    page = soup_of(client, article.url)
    assert page.find(class_="credit").get_text() == "Foto: dpa/AP"
    assert page.find(class_="article__credit").get_text() == "Quelle: dpa"


def test_article_without_wire_fields_renders_none_of_them(client, plain_article):
    html = client.get(plain_article.url).content.decode()
    assert '<h1 class="article__headline">Ohne alles</h1>' in html  # exactly as before
    for absent in (
        "article__kicker",
        "breaking-label",
        "Eilmeldung",
        "article-lead",
        "<figure",
        "article__credit",
        "article__usage",
        "og:image:alt",
    ):
        assert absent not in html, absent


# --- teasers ------------------------------------------------------------------------------------


def assert_wire_teaser(page: BeautifulSoup, title: str = TITLE) -> None:
    link = page.find("a", string=title)
    teaser = link.find_parent("article", class_="teaser")
    assert "teaser--with-image" in teaser["class"]
    heading = link.find_parent(class_="teaser__headline")
    assert heading.find(class_="breaking-label").get_text() == "Eilmeldung"
    assert "Haushaltsstreit" in heading.find(class_="teaser__kicker").get_text()
    thumb = teaser.find("img", class_="teaser__image")
    assert thumb["alt"] == ""  # decorative: the headline is the link text
    assert thumb["src"].startswith("/media/images/")
    assert (thumb["width"], thumb["height"]) == ("480", "270")
    assert thumb["loading"] == "lazy"


def test_teasers_on_section_home_and_tag_pages_show_kicker_eilmeldung_and_thumbnail(
    client, site_tree, wire_article
):
    wire_article.tags.add("Haushalt")
    wire_article.save_revision().publish()
    for url in (site_tree.sections["Politik"].url, site_tree.home.url, "/thema/haushalt/"):
        assert_wire_teaser(soup_of(client, url))


def test_teaser_without_wire_fields_has_none_of_them(client, site_tree, plain_article):
    html = client.get(site_tree.sections["Politik"].url).content.decode()
    assert "Ohne alles" in html
    for absent in ("teaser__image", "teaser__kicker", "breaking-label", "teaser--with-image"):
        assert absent not in html, absent


# --- JSON-LD and Open Graph ---------------------------------------------------------------------


def test_json_ld_and_open_graph_carry_the_lead_picture_with_absolute_urls(client, wire_article):
    response = client.get(wire_article.url)
    html = response.content.decode()
    data = extruct.extract(html, base_url=BASE + wire_article.url, syntaxes=["json-ld"])
    (news,) = [item for item in data["json-ld"] if item.get("@type") == "NewsArticle"]
    image = news["image"]
    assert image["url"].startswith(BASE + "/media/images/") and "width-1200" in image["url"]
    assert (image["width"], image["height"]) == (1200, 675)
    assert news["headline"] == TITLE

    head = BeautifulSoup(html, "html.parser").head
    og = {tag["property"]: tag["content"] for tag in head.find_all("meta", property=True)}
    assert og["og:image"] == image["url"]
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "675")
    assert og["og:image:alt"] == "Zwei Männer an der Regierungsbank."
    assert og["og:title"] == TITLE
    names = {tag["name"]: tag["content"] for tag in head.find_all("meta", attrs={"name": True})}
    assert names["twitter:card"] == "summary_large_image"
    assert names["twitter:image"] == image["url"]
    assert names["twitter:image:alt"] == og["og:image:alt"]


def test_without_a_picture_the_share_image_and_a_small_card_stay(client, plain_article):
    head = soup_of(client, plain_article.url).head
    og = {tag["property"]: tag["content"] for tag in head.find_all("meta", property=True)}
    assert og["og:image"] == BASE + "/static/depesche/share.png"
    assert "og:image:alt" not in og
    names = {tag["name"]: tag["content"] for tag in head.find_all("meta", attrs={"name": True})}
    assert names["twitter:card"] == "summary"


# --- queries ------------------------------------------------------------------------------------


def publish_with_pictures(site_tree, count: int, start: int) -> None:
    sections = list(site_tree.sections.values())
    for i in range(start, start + count):
        article = publish_article(
            sections[i % len(sections)],
            title=f"Bildmeldung {i}",
            kicker=f"Dachzeile {i}",
            breaking=i % 2 == 0,
            image=stored_image(64, 36, title=f"Bild {i}"),
            tags=["Energie"],
        )
        assert article.image_id


def queries_for(client, url: str, assert_max) -> int:
    """Queries of rendering `url` with every rendition already made. Wagtail looks renditions
    up in a cache first; here that cache keeps nothing, as a cold one (or CACHE_URL=db://,
    where each lookup is a query too): only prefetched renditions cost no query per card."""
    no_rendition_cache = {
        **settings.CACHES,
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    with override_settings(CACHES=no_rendition_cache):
        client.get(url)  # Wagtail's site caches and the renditions, as on a running server
        with override_settings(PAGE_CACHE_SECONDS=0), assert_max(30) as captured:
            response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="teaser__image"') >= 2
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["home", "section", "tag"])
def test_list_pages_with_pictures_cost_no_query_per_article(
    client, site_tree, settings, django_assert_max_num_queries, page
):
    settings.PAGE_SIZE = 30
    url = {
        "home": site_tree.home.url,
        "section": site_tree.sections["Politik"].url,
        "tag": "/thema/energie/",
    }[page]
    publish_with_pictures(site_tree, 10, start=0)
    few = queries_for(client, url, django_assert_max_num_queries)
    publish_with_pictures(site_tree, 15, start=10)
    many = queries_for(client, url, django_assert_max_num_queries)
    assert many == few
