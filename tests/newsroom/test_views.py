"""The public site rendered through the test client: every page type, errors, query counts."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory
from django.urls import get_resolver

from depesche.newsroom import selectors
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.services import article_dates_record
from depesche.newsroom.views import server_error
from tests.factories import paragraphs, publish_article, save_draft_article, words

PUBLISHED = datetime(2022, 1, 6, 8, 40, tzinfo=UTC)  # 09:40 in Berlin
UPDATED = datetime(2022, 1, 6, 14, 5, tzinfo=UTC)  # 15:05 in Berlin
LONG_TEASER = (
    "Die Bundesregierung hat sich nach langen Verhandlungen auf einen Haushalt für das kommende "
    "Jahr geeinigt, der deutlich höhere Ausgaben für Verteidigung und Infrastruktur vorsieht."
)


def html_of(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def footer_of(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1]


def assert_site_chrome(html: str, site_tree) -> None:
    """Header with the site name, footer with the legal links, German, usable without JS."""
    assert '<html lang="de">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    # The only script is the optional newsletter dialog; content and forms work without it.
    # (JSON-LD blocks are data for crawlers, not code: see tests/distribution.)
    scripts = [tag for tag in re.findall(r"<script[^>]*>", html) if "ld+json" not in tag]
    assert scripts in (
        [],
        ['<script src="/static/depesche/newsletter.js" defer>'],
    )
    assert '<a class="site-logo" href="/">Depesche</a>' in html
    footer = footer_of(html)
    positions = []
    for kind, title in [
        ("impressum", "Impressum"),
        ("datenschutz", "Datenschutzerklärung"),
        ("agb", "AGB"),
    ]:
        link = f'<a href="{site_tree.legal[kind].url}">{title}</a>'
        assert link in footer
        positions.append(footer.index(link))
    assert positions == sorted(positions)


def backdated(article: ArticlePage, published: datetime, updated: datetime) -> ArticlePage:
    article_dates_record(
        article_id=article.pk,
        first_published_at=published,
        last_published_at=published,
        updated_at=updated,
    )
    return ArticlePage.objects.get(pk=article.pk)


# --- Article page -----------------------------------------------------------------------------


@pytest.fixture
def article_with_related(site_tree):
    politik = site_tree.sections["Politik"]
    related = publish_article(
        site_tree.sections["Wirtschaft"],
        title="Was der Haushalt für Unternehmen bedeutet",
        tags=["Haushalt"],
    )
    unrelated = publish_article(politik, title="Ein ganz anderes Thema", tags=["Sport"])
    article = publish_article(
        politik,
        title="Regierung einigt sich auf Haushalt",
        teaser=LONG_TEASER,
        tags=["Haushalt", "Bundesregierung"],
        body=[
            *paragraphs(words(300), "Der Schlusssatz des Artikels."),
            ("subheading", "Was jetzt folgt"),
            ("quote", {"quote": "Wir haben geliefert.", "attribution": "Die Kanzlerin"}),
        ],
        byline="Anna Beispiel",
        located="Berlin",
        source_credit="dpa",
    )
    article = backdated(article, PUBLISHED, UPDATED)
    return article, related, unrelated


def test_article_page_shows_all_elements(client, site_tree, article_with_related):
    article, related, unrelated = article_with_related
    html = html_of(client, article.url)
    politik = site_tree.sections["Politik"]

    assert f'<p class="kicker"><a href="{politik.url}">Politik</a></p>' in html
    assert '<h1 class="article__headline">Regierung einigt sich auf Haushalt</h1>' in html
    assert f'<p class="article__teaser">{LONG_TEASER}</p>' in html  # full teaser, not cut
    assert re.search(r">\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}</time>", html)
    assert ">06.01.2022 09:40</time>" in html
    assert "Aktualisiert: <time" in html
    assert ">06.01.2022 15:05</time>" in html
    assert "Lesezeit: 2 min" in html  # 300 + 4 + 3 + 3 words
    assert "Der Schlusssatz des Artikels." in html
    assert "Was jetzt folgt" in html
    assert "Wir haben geliefert." in html
    assert "Von Anna Beispiel, Berlin" in html
    assert "Quelle: dpa" in html
    assert '<a class="tag" href="/thema/haushalt/">Haushalt</a>' in html
    assert '<a class="tag" href="/thema/bundesregierung/">Bundesregierung</a>' in html

    related_html = html.split("Mehr zum Thema", 1)[1]
    assert related.title in related_html
    assert f'href="{related.url}"' in related_html
    assert unrelated.title not in html
    assert_site_chrome(html, site_tree)


def test_article_page_marks_its_section_in_navigation(client, site_tree, article_with_related):
    article, _, _ = article_with_related
    html = html_of(client, article.url)
    politik = site_tree.sections["Politik"]
    assert f'<a href="{politik.url}" aria-current="page">Politik</a>' in html
    assert f'<a href="{site_tree.sections["Wirtschaft"].url}">Wirtschaft</a>' in html


def test_article_without_tags_has_no_related_block(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Ohne Themen")
    html = html_of(client, article.url)
    assert "Mehr zum Thema" not in html
    assert 'class="tag"' not in html
    assert "Lesezeit: 1 min" in html


def test_article_page_shows_publication_time_in_berlin_time(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Sommerzeit")
    summer = datetime(2025, 7, 1, 22, 30, tzinfo=UTC)
    article = backdated(article, summer, summer)
    html = html_of(client, article.url)
    assert ">02.07.2025 00:30</time>" in html
    assert 'datetime="2025-07-02T00:30:00+02:00"' in html


# --- Home page --------------------------------------------------------------------------------


def test_home_page_lists_latest_with_sections_and_cut_teasers(client, site_tree, settings):
    settings.TEASER_LENGTH = 60
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    older = publish_article(politik, title="Ältere Meldung", teaser="Kurz.")
    older = backdated(older, PUBLISHED, PUBLISHED)
    newer = publish_article(wirtschaft, title="Neuere Meldung", teaser=LONG_TEASER)

    html = html_of(client, site_tree.home.url)
    latest = html.split('id="latest-heading"', 1)[1].split('class="home-section"', 1)[0]
    assert latest.index("Neuere Meldung") < latest.index("Ältere Meldung")
    assert '<p class="kicker">Wirtschaft</p>' in latest
    assert '<p class="kicker">Politik</p>' in latest

    teasers = re.findall(r'<p class="teaser__text">(.*?)</p>', latest)
    assert teasers == [
        "Die Bundesregierung hat sich nach langen Verhandlungen auf…",
        "Kurz.",
    ]
    assert all(len(teaser) <= 60 for teaser in teasers)
    assert ">06.01.2022</time>" in latest
    assert newer.teaser == LONG_TEASER  # only the card is cut
    assert_site_chrome(html, site_tree)


def test_home_page_has_block_per_section_with_articles(client, site_tree):
    politik, panorama = site_tree.sections["Politik"], site_tree.sections["Panorama"]
    publish_article(politik, title="Politik-Meldung")
    publish_article(panorama, title="Panorama-Meldung")
    save_draft_article(site_tree.sections["Finanzen"], title="Finanz-Entwurf")

    html = html_of(client, site_tree.home.url)
    blocks = re.findall(r'<h2 id="section-(\d+)" class="block-heading"><a href="([^"]+)">', html)
    assert blocks == [(str(politik.pk), politik.url), (str(panorama.pk), panorama.url)]
    politik_block = html.split(f'id="section-{politik.pk}"', 1)[1].split("</section>", 1)[0]
    assert "Politik-Meldung" in politik_block
    assert "Panorama-Meldung" not in politik_block
    assert '<p class="kicker">' not in politik_block  # the block heading names the section
    assert "Finanz-Entwurf" not in html


def test_home_page_section_blocks_reach_past_the_newest_articles(client, site_tree, monkeypatch):
    """A section that published nothing lately still gets its block with its newest four."""
    monkeypatch.setattr(selectors, "HOME_WINDOW", 3)
    kultur, politik = site_tree.sections["Panorama"], site_tree.sections["Politik"]
    for i in range(5):
        publish_article(kultur, title=f"Panorama-Meldung {i}")
    for i in range(4):
        publish_article(politik, title=f"Politik-Meldung {i}")

    html = html_of(client, site_tree.home.url)
    kultur_block = html.split(f'id="section-{kultur.pk}"', 1)[1].split("</section>", 1)[0]
    politik_block = html.split(f'id="section-{politik.pk}"', 1)[1].split("</section>", 1)[0]
    assert headlines(kultur_block) == [f"Panorama-Meldung {i}" for i in (4, 3, 2, 1)]
    assert headlines(politik_block) == [f"Politik-Meldung {i}" for i in (3, 2, 1, 0)]


def test_home_page_without_articles(client, site_tree):
    html = html_of(client, site_tree.home.url)
    assert "Noch keine Artikel veröffentlicht." in html
    assert 'class="home-section"' not in html


def test_home_page_shows_a_fixed_number_of_latest(client, site_tree):
    politik = site_tree.sections["Politik"]
    total = selectors.HOME_LATEST + 2
    for i in range(total):
        article = publish_article(politik, title=f"Meldung {i:02d}")
        backdated(article, PUBLISHED + timedelta(hours=i), PUBLISHED + timedelta(hours=i))
    html = html_of(client, site_tree.home.url)
    latest = html.split('id="latest-heading"', 1)[1].split('class="home-section"', 1)[0]
    shown = re.findall(r">Meldung (\d\d)</a>", latest)
    assert shown == [f"{i:02d}" for i in range(total - 1, 1, -1)]
    politik_block = html.split(f'id="section-{politik.pk}"', 1)[1]
    assert len(headlines(politik_block)) == selectors.HOME_PER_SECTION


# --- Section page -----------------------------------------------------------------------------


@pytest.fixture
def five_in_politik(site_tree):
    politik = site_tree.sections["Politik"]
    for i in range(5):
        article = publish_article(politik, title=f"Politik {i}")
        backdated(article, PUBLISHED + timedelta(days=i), PUBLISHED + timedelta(days=i))
    publish_article(site_tree.sections["Wirtschaft"], title="Wirtschaft 0")
    save_draft_article(politik, title="Politik Entwurf")
    return politik


def headlines(html: str) -> list[str]:
    return re.findall(r'class="teaser__headline"><a href="[^"]+">([^<]+)</a>', html)


def test_section_page_newest_first_and_paginated(client, site_tree, settings, five_in_politik):
    settings.PAGE_SIZE = 2
    politik = five_in_politik

    first = html_of(client, politik.url)
    assert "<h1>Politik</h1>" in first
    assert headlines(first) == ["Politik 4", "Politik 3"]
    # Not counted (core/pagination.paginate_newest): "Seite 1", no total.
    assert "Seite 1</span>" in first and " von " not in first.split('class="pagination"')[1]
    assert '<a rel="next" href="?page=2">' in first
    assert 'rel="prev"' not in first
    assert f'<a href="{politik.url}" aria-current="page">Politik</a>' in first

    second = html_of(client, politik.url + "?page=2")
    assert headlines(second) == ["Politik 2", "Politik 1"]
    assert '<a rel="prev" href="?page=1">' in second
    assert '<a rel="next" href="?page=3">' in second

    last = html_of(client, politik.url + "?page=3")
    assert headlines(last) == ["Politik 0"]
    assert 'rel="next"' not in last
    assert client.get(politik.url + "?page=4").status_code == 404  # past the last page
    assert_site_chrome(last, site_tree)


def test_section_page_fits_on_one_page_without_pagination(client, settings, five_in_politik):
    settings.PAGE_SIZE = 20
    html = html_of(client, five_in_politik.url)
    assert headlines(html) == [f"Politik {i}" for i in range(4, -1, -1)]
    assert 'class="pagination"' not in html


@pytest.mark.parametrize("page", ["abc", "999", "0", "-1", "1.5"])
def test_section_page_bad_page_number_is_404(client, site_tree, settings, five_in_politik, page):
    settings.PAGE_SIZE = 2
    html = html_of(client, f"{five_in_politik.url}?page={page}", status=404)
    assert "Seite nicht gefunden" in html


def test_empty_section_page(client, site_tree):
    html = html_of(client, site_tree.sections["Finanzen"].url)
    assert "In diesem Ressort gibt es noch keine Artikel." in html
    html_of(client, site_tree.sections["Finanzen"].url + "?page=2", status=404)


def test_section_description_is_shown(client, site_tree):
    politik = site_tree.sections["Politik"]
    politik.description = "Nachrichten aus Berlin und der Welt."
    politik.save_revision().publish()
    assert "Nachrichten aus Berlin und der Welt." in html_of(client, politik.url)


# --- Tag page ---------------------------------------------------------------------------------


def test_tag_page_lists_only_live_articles_with_that_tag(client, site_tree, settings):
    settings.TEASER_LENGTH = 40
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    first = publish_article(politik, title="Energie eins", tags=["Energie"], teaser=LONG_TEASER)
    backdated(first, PUBLISHED, PUBLISHED)
    publish_article(wirtschaft, title="Energie zwei", tags=["Energie", "Strom"])
    publish_article(politik, title="Nur Strom", tags=["Strom"])
    save_draft_article(politik, title="Energie Entwurf", tags=["Energie"])
    gone = publish_article(politik, title="Energie zurückgezogen", tags=["Energie"])
    gone.unpublish()

    html = html_of(client, "/thema/energie/")
    assert "<h1>Energie</h1>" in html
    assert "<title>Energie – Depesche</title>" in html
    assert headlines(html) == ["Energie zwei", "Energie eins"]
    assert '<p class="kicker">Wirtschaft</p>' in html  # cards name their section here
    teasers = re.findall(r'<p class="teaser__text">(.*?)</p>', html)
    assert all(len(teaser) <= 40 for teaser in teasers)
    assert "Die Bundesregierung hat sich nach…" in teasers
    assert_site_chrome(html, site_tree)


def test_tag_page_is_paginated(client, site_tree, settings):
    settings.PAGE_SIZE = 2
    for i in range(3):
        article = publish_article(site_tree.sections["Politik"], title=f"Strom {i}", tags=["Strom"])
        backdated(article, PUBLISHED + timedelta(days=i), PUBLISHED + timedelta(days=i))
    assert headlines(html_of(client, "/thema/strom/")) == ["Strom 2", "Strom 1"]
    assert headlines(html_of(client, "/thema/strom/?page=2")) == ["Strom 0"]
    html_of(client, "/thema/strom/?page=3", status=404)
    html_of(client, "/thema/strom/?page=x", status=404)


def test_unknown_tag_is_404(client, site_tree):
    html = html_of(client, "/thema/gibt-es-nicht/", status=404)
    assert "Seite nicht gefunden" in html


def test_tag_without_public_articles_answers_as_an_unknown_tag(client, site_tree):
    # Drafts' tags (an embargoed story's) must not be probed by comparing answers.
    save_draft_article(site_tree.sections["Politik"], tags=["Geheim"])
    unknown = client.get("/thema/gibt-es-nicht/")
    probed = client.get("/thema/geheim/")
    assert probed.status_code == unknown.status_code == 404
    assert probed.content == unknown.content


# --- Legal pages and footer -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "title", "text"),
    [
        ("impressum", "Impressum", "Angaben gemäß § 5 DDG"),
        ("datenschutz", "Datenschutzerklärung", "keine Cookies zur Reichweitenmessung"),
        ("agb", "AGB", "Allgemeine Geschäftsbedingungen"),
    ],
)
def test_legal_pages_render(client, site_tree, kind, title, text):
    html = html_of(client, site_tree.legal[kind].url)
    assert f"<h1>{title}</h1>" in html
    assert text in html
    assert f"<title>{title} – Depesche</title>" in html
    assert_site_chrome(html, site_tree)


def test_every_page_links_legal_pages_in_footer(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    for url in [
        site_tree.home.url,
        site_tree.sections["Politik"].url,
        article.url,
        "/thema/energie/",
        site_tree.legal["agb"].url,
    ]:
        assert_site_chrome(html_of(client, url), site_tree)
    assert_site_chrome(html_of(client, "/gibt/es/nicht/", status=404), site_tree)


# --- Errors -----------------------------------------------------------------------------------


def test_unknown_url_uses_our_404_page(client, site_tree):
    response = client.get("/gibt/es/nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Seite nicht gefunden</h1>" in html
    assert "<title>Seite nicht gefunden – Depesche</title>" in html
    assert '<header class="site-header">' in html
    assert f'<a href="{site_tree.sections["Politik"].url}">Politik</a>' in html
    assert '<a href="/">Zur Startseite</a>' in html


def test_error_handlers_are_ours():
    resolver = get_resolver()
    assert resolver.resolve_error_handler(404).__name__ == "not_found"
    assert resolver.resolve_error_handler(500) is server_error


def test_server_error_page_needs_no_database(db, django_assert_num_queries):
    request = RequestFactory().get("/irgendwas/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Technischer Fehler</h1>" in html
    assert "<title>Technischer Fehler – Depesche</title>" in html
    assert '<html lang="de">' in html
    assert 'name="viewport"' in html
    assert "<script" not in html


# --- Query counts -----------------------------------------------------------------------------


def add_articles(site_tree, count: int, start: int) -> None:
    sections = list(site_tree.sections.values())
    for i in range(start, start + count):
        publish_article(
            sections[i % len(sections)],
            title=f"Meldung {i}",
            teaser=LONG_TEASER,
            tags=["Energie", f"Thema {i % 4}"],
        )


def queries_for(client, url: str, bound: int, assert_max) -> int:
    """Queries of rendering `url` (the page cache off: a cached page costs none)."""
    from django.test import override_settings

    client.get(url)  # fill Wagtail's site caches, as on a running server
    with override_settings(PAGE_CACHE_SECONDS=0), assert_max(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


# Home: site, page, 5 sections × 1 (section blocks), latest, navigation, footer, …
# +1 each: the eligible ad campaigns, read once per page for all its slots (ads app); on home
# and section pages the "Meistgelesen" box (readership app; home had room to spare).
QUERY_BOUNDS = {"home": 14, "section": 12, "tag": 7}


@pytest.mark.parametrize("page", sorted(QUERY_BOUNDS))
def test_list_page_queries_do_not_grow_with_articles(
    client, site_tree, settings, django_assert_max_num_queries, page
):
    settings.PAGE_SIZE = 30
    url = {
        "home": site_tree.home.url,
        "section": site_tree.sections["Politik"].url,
        "tag": "/thema/energie/",
    }[page]
    bound = QUERY_BOUNDS[page]

    add_articles(site_tree, 3, start=0)
    with_three = queries_for(client, url, bound, django_assert_max_num_queries)
    add_articles(site_tree, 22, start=3)
    with_twenty_five = queries_for(client, url, bound, django_assert_max_num_queries)

    assert with_twenty_five == with_three
    html = html_of(client, url)
    assert len(headlines(html)) > 3  # the larger page really shows more cards


def test_article_page_queries_do_not_grow_with_tags_or_related(
    client, site_tree, django_assert_max_num_queries
):
    politik = site_tree.sections["Politik"]
    article = publish_article(politik, title="Hauptartikel", tags=["Energie"])
    publish_article(politik, tags=["Energie"])
    # 18: the page's queries (its authors one of them) plus one for its "Artikel anhören"
    # player (audio app), one for the eligible ad campaigns (ads app; once for both slots) and
    # one for the section's "Meistgelesen" box (readership app).
    few = queries_for(client, article.url, 18, django_assert_max_num_queries)

    tags = ["Energie", "Strom", "Gas", "Kohle", "Wind", "Sonne"]
    for _ in range(6):
        publish_article(site_tree.sections["Wirtschaft"], tags=tags)
    article.tags.set(tags)
    article.save_revision().publish()
    many = queries_for(client, article.url, 18, django_assert_max_num_queries)

    assert many == few
    html = html_of(client, article.url)
    assert html.count('class="tag"') == 6
    assert html.split("Mehr zum Thema", 1)[1].count('class="teaser__headline"') == 5


def test_image_and_embed_blocks_render_without_network(client, site_tree):
    """An embed whose provider cannot be reached falls back to a plain link, never a 500."""
    from wagtail.embeds.blocks import EmbedValue

    from tests.factories import make_image

    body = [
        ("embed", EmbedValue("https://video.example.invalid/watch?v=abc")),
        ("image", {"image": make_image("Hafen"), "caption": "Der Hafen", "credit": "Foto AG"}),
    ]
    article = publish_article(site_tree.sections["Politik"], body=body)
    html = client.get(article.url).content.decode()
    assert 'href="https://video.example.invalid/watch?v=abc"' in html
    assert re.search(r'<img src="[^"]+width-800[^"]*" width="\d+" height="\d+" alt="Hafen"', html)
    assert "Der Hafen" in html and "Foto: Foto AG" in html


def test_legal_pages_have_plain_slugs(client, site_tree):
    for slug, title in [
        ("impressum", "Impressum"),
        ("datenschutz", "Datenschutzerklärung"),
        ("agb", "AGB"),
    ]:
        response = client.get(f"/{slug}/")
        assert response.status_code == 200
        assert f"<h1>{title}</h1>" in response.content.decode()


def test_english_browsers_get_the_english_interface(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    publish_article(site_tree.sections["Politik"], tags=["Energie"])
    html = client.get(article.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Reading time: 1 min" in html and "Updated:" in html
    assert "More on this topic" in html and "Mehr zum Thema" not in html
    german = client.get(article.url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Lesezeit: 1 min" in german and "Mehr zum Thema" in german
