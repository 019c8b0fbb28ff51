"""The site search at /suche/ (depesche/sitesearch/views.py, selectors.py, backend.py).

Runs on SQLite (FTS5 with the Snowball prefix fallback) and on PostgreSQL (the `german`
text search configuration). Inflected forms are found on both; where the two really differ
(compounds found by prefix on SQLite only) the test says so.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from depesche.core.timefmt import BERLIN
from tests.factories import paragraphs, publish_article, save_draft_article

pytestmark = pytest.mark.django_db


def _search(client, **params):
    response = client.get("/suche/", params)
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def _headlines(soup) -> list[str]:
    return [h.get_text() for h in soup.select(".search-hit h3")]


def test_empty_query_shows_only_the_form(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Truppe verlegt")
    response, soup = _search(client)
    assert soup.select_one("form[role=search] label[for=id_q]").get_text() == "Suchbegriff"
    assert soup.select_one("input[name=q][type=search]") is not None
    assert not soup.select(".search-results")
    _, soup = _search(client, q="   ")
    assert not soup.select(".search-results")


def test_inflected_german_form_is_found(client, site_tree):
    """The issue's example: "Truppen" finds an article that only says "Truppe"."""
    publish_article(
        site_tree.sections["Politik"],
        title="Verlegung beschlossen",
        teaser="Die Regierung hat entschieden.",
        body=paragraphs("Die Truppe wird im Frühjahr verlegt."),
    )
    _, soup = _search(client, q="Truppen")
    assert _headlines(soup) == ["Verlegung beschlossen"]
    assert "1 Treffer für „Truppen“" in soup.select_one(".search-results h2").get_text()
    # …and the other way round, and with umlauts: "Häuser" finds "Haus".
    publish_article(site_tree.sections["Panorama"], title="Ein Haus am See")
    assert _headlines(_search(client, q="Truppe")[1]) == ["Verlegung beschlossen"]
    assert _headlines(_search(client, q="Häuser")[1]) == ["Ein Haus am See"]
    # ß and ss are the same letters to both (Snowball spells ß as ss).
    publish_article(site_tree.sections["Panorama"], title="Die Straße ist gesperrt")
    assert _headlines(_search(client, q="Strassen")[1]) == ["Die Straße ist gesperrt"]


def test_compounds_are_found_by_prefix_on_sqlite_only(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Truppenabzug angekündigt")
    hits = _headlines(_search(client, q="Truppe")[1])
    if connection.vendor == "sqlite":
        # The SQLite fallback matches the stem as a prefix, so compounds are found too.
        assert hits == ["Truppenabzug angekündigt"]
    else:
        # PostgreSQL's german configuration stems whole words; it does not split compounds.
        assert hits == []


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("headline", {"title": "Zinswende der Zentralbank"}),
        ("teaser", {"teaser": "Die Zentralbank überrascht die Märkte."}),
        ("body", {"body": paragraphs("Ein Satz über die Zentralbank im Text.")}),
        ("tag", {"tags": ["Zentralbank"]}),
    ],
)
def test_headline_teaser_body_and_tags_are_searched(client, site_tree, field, fields):
    defaults = {"title": "Ein Artikel", "teaser": "Ein Vorspann.", "body": paragraphs("Text.")}
    publish_article(site_tree.sections["Wirtschaft"], **{**defaults, **fields})
    publish_article(site_tree.sections["Wirtschaft"], title="Etwas anderes")
    _, soup = _search(client, q="zentralbank")
    assert len(soup.select(".search-hit")) == 1, field


def test_all_words_must_match(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Haushalt und Schulden")
    publish_article(site_tree.sections["Politik"], title="Haushalt ohne Mehrheit")
    assert _headlines(_search(client, q="Haushalt Schulden")[1]) == ["Haushalt und Schulden"]


def test_unpublished_articles_are_never_found(client, site_tree):
    politik = site_tree.sections["Politik"]
    save_draft_article(politik, title="Geheimer Entwurf zur Rentenreform")
    withdrawn = publish_article(politik, title="Zurückgezogene Rentenreform")
    withdrawn.unpublish()
    live = publish_article(politik, title="Rentenreform beschlossen")
    # A live article's unpublished draft changes are not searchable either.
    live.title = "Rentenreform mit Geheimklausel"
    live.save_revision()
    assert _headlines(_search(client, q="Rentenreform")[1]) == ["Rentenreform beschlossen"]
    assert _headlines(_search(client, q="Geheimklausel")[1]) == []


def test_section_filter(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Streik in Politik")
    publish_article(site_tree.sections["Wirtschaft"], title="Streik in Wirtschaft")
    _, soup = _search(client, q="Streik", ressort="wirtschaft")
    assert _headlines(soup) == ["Streik in Wirtschaft"]
    assert [kicker.get_text() for kicker in soup.select(".search-hit .kicker")] == ["Wirtschaft"]
    _, soup = _search(client, q="Streik", ressort="gibt-es-nicht")
    assert soup.select_one("#id_ressort-error") is not None
    assert not soup.select(".search-results")


def test_date_filter_takes_whole_berlin_days(client, site_tree):
    politik = site_tree.sections["Politik"]
    publish_article(
        politik, title="Wahl früh", published_at=datetime(2026, 3, 1, 0, 30, tzinfo=BERLIN)
    )
    publish_article(
        politik, title="Wahl spät", published_at=datetime(2026, 3, 2, 23, 50, tzinfo=BERLIN)
    )
    publish_article(
        politik, title="Wahl danach", published_at=datetime(2026, 3, 3, 0, 10, tzinfo=BERLIN)
    )
    hits = _headlines(_search(client, q="Wahl", von="2026-03-01", bis="2026-03-02")[1])
    assert sorted(hits) == ["Wahl früh", "Wahl spät"]
    assert _headlines(_search(client, q="Wahl", von="2026-03-03")[1]) == ["Wahl danach"]
    assert _headlines(_search(client, q="Wahl", bis="28.02.2026")[1]) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"von": "gestern"}, "von"),
        ({"bis": "2026-13-45"}, "bis"),
        ({"von": "2026-03-05", "bis": "2026-03-01"}, "bis"),
    ],
)
def test_bad_dates_are_form_errors(client, site_tree, params, field):
    publish_article(site_tree.sections["Politik"], title="Wahl")
    response, soup = _search(client, q="Wahl", **params)
    error = soup.select_one(f"#id_{field}-error")
    assert error is not None and error.get_text()
    assert soup.select_one(f"#id_{field}")["aria-describedby"] == f"id_{field}-error"
    assert not soup.select(".search-results")


def test_snippet_is_escaped_and_marks_only_matches(client, site_tree):
    publish_article(
        site_tree.sections["Politik"],
        title="<script>alert('x')</script> Truppe & Co",
        teaser="Vorspann ohne Treffer <b>fett</b>.",
        body=paragraphs("Viel Vorrede. Dann kommen die Truppen &amp; ihre <i>Panzer</i>."),
    )
    response, soup = _search(client, q="Truppen")
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>Truppe</mark> &amp; Co" in html
    hit = soup.select_one(".search-hit")
    assert [mark.get_text() for mark in hit.select("h3 mark")] == ["Truppe"]
    assert [mark.get_text() for mark in hit.select(".search-hit__snippet mark")] == ["Truppen"]
    snippet = hit.select_one(".search-hit__snippet")
    assert snippet.find("b") is None and snippet.find("i") is None  # body markup is text here
    assert "Truppen & ihre Panzer" in snippet.get_text()


def test_hit_shows_section_date_and_link(client, site_tree):
    article = publish_article(
        site_tree.sections["Finanzen"],
        title="Anleihen gefragt",
        published_at=datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN),
    )
    _, soup = _search(client, q="Anleihe")
    hit = soup.select_one(".search-hit")
    assert hit.select_one(".kicker").get_text() == "Finanzen"
    assert hit.select_one("h3 a")["href"] == article.url
    assert hit.select_one("time").get_text() == "20.11.2026"


def test_pagination_keeps_the_query_and_bad_pages_are_404(client, site_tree, settings):
    settings.PAGE_SIZE = 2
    for n in range(5):
        publish_article(site_tree.sections["Politik"], title=f"Koalition Runde {n}")
    _, soup = _search(client, q="Koalition", ressort="politik")
    assert len(soup.select(".search-hit")) == 2
    assert "5 Treffer" in soup.select_one(".search-results h2").get_text()
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert "q=Koalition" in next_link and "ressort=politik" in next_link and "page=2" in next_link
    _, soup = _search(client, q="Koalition", ressort="politik", page="3")
    assert len(soup.select(".search-hit")) == 1
    assert client.get("/suche/", {"q": "Koalition", "page": "4"}).status_code == 404
    assert client.get("/suche/", {"q": "Koalition", "page": "x"}).status_code == 404


def test_no_results_and_odd_queries(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Wahl")
    _, soup = _search(client, q="Quantenkryptographie")
    assert "Keine Artikel gefunden" in soup.select_one(".search-results").get_text()
    # FTS syntax and quotes are not operators for readers: no error, just words.
    for query in ['"Wahl', "Wahl*", "NOT Wahl", "(Wahl", "Wahl:Wahl", "-", "'; DROP TABLE x; --"]:
        client.get("/suche/", {"q": query})  # asserts 200 inside _search below
        _search(client, q=query)


def test_query_count_is_constant(client, site_tree, django_assert_max_num_queries):
    for n in range(6):
        publish_article(site_tree.sections["Politik"], title=f"Debatte {n}", tags=["Bundestag"])
    _search(client, q="Debatte")  # the first page view of a site creates its default texts
    with django_assert_max_num_queries(12):
        _, soup = _search(client, q="Debatte")
    assert len(soup.select(".search-hit")) == 6


def test_header_has_a_search_link(client, site_tree):
    response = client.get("/suche/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one('header.site-header a[href="/suche/"]') is not None


def test_english_ui(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Truppe")
    response = client.get("/suche/", {"q": "Truppen"}, headers={"accept-language": "en"})
    text = response.content.decode()
    assert "Search term" in text and "1 result for" in text
