"""The read-only JSON API under /api/ (depesche/api/)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils.http import http_date

from depesche.core.timefmt import BERLIN
from tests.factories import publish_article, save_draft_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(site_tree):
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    old = publish_article(
        politik,
        title="Koalition einigt sich",
        teaser="Nach langer Nacht.",
        tags=["Bundestag", "Haushalt"],
        byline="Anna Beispiel",
        body=[
            ("subheading", "Die Einigung"),
            (
                "paragraph",
                '<p>Erster <b>Absatz</b> mit <a href="https://example.org">Link</a>.</p>',
            ),
            ("paragraph", "<p>Zweiter Absatz.</p>"),
        ],
        published_at=datetime(2026, 11, 1, 8, 0, tzinfo=BERLIN),
    )
    new = publish_article(
        wirtschaft,
        title="Zinsen steigen",
        tags=["Haushalt"],
        published_at=datetime(2026, 11, 20, 8, 0, tzinfo=BERLIN),
    )
    draft = save_draft_article(politik, title="Entwurf")
    gone = publish_article(politik, title="Zurückgezogen", tags=["Geheim"])
    gone.unpublish()
    return {"old": old, "new": new, "draft": draft, "gone": gone}


def test_articles_list(client, articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/api/articles/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["limit"] == 20 and data["offset"] == 0
    assert [a["headline"] for a in data["results"]] == ["Zinsen steigen", "Koalition einigt sich"]
    old = data["results"][1]
    tags = old.pop("tags")
    assert sorted(tag["slug"] for tag in tags) == ["bundestag", "haushalt"]
    assert {"slug": "bundestag", "name": "Bundestag"} in tags
    assert old == {
        "id": articles["old"].pk,
        "url": "http://testserver" + articles["old"].url,
        "headline": "Koalition einigt sich",
        "teaser": "Nach langer Nacht.",
        "section": {"slug": "politik", "title": "Politik"},
        "byline": "Anna Beispiel",
        "published_at": "2026-11-01T07:00:00Z",
        "updated_at": "2026-11-01T07:00:00Z",
        "reading_minutes": 1,
    }


def test_list_queries_do_not_grow_with_articles(client, site_tree, django_assert_max_num_queries):
    for n in range(15):
        publish_article(site_tree.sections["Politik"], title=f"Artikel {n}", tags=["A", "B"])
    client.get("/api/articles/")  # site root paths are cached after the first request
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/articles/").json()["results"]) == 15


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"section": "wirtschaft"}, ["Zinsen steigen"]),
        ({"section": "panorama"}, []),
        ({"tag": "bundestag"}, ["Koalition einigt sich"]),
        ({"tag": "haushalt"}, ["Zinsen steigen", "Koalition einigt sich"]),
        ({"since": "2026-11-10T00:00:00+01:00"}, ["Zinsen steigen"]),
        ({"since": "2026-11-01T08:00:00"}, ["Zinsen steigen", "Koalition einigt sich"]),
        ({"since": "2026-11-01T08:00:01"}, ["Zinsen steigen"]),
        # An offset PostgreSQL cannot store (beyond ±15:59) is the same instant in UTC.
        ({"since": "2026-10-31T11:49:01-19:11"}, ["Zinsen steigen"]),
        ({"since": "0694-09-15T14:23:51-19:11"}, ["Zinsen steigen", "Koalition einigt sich"]),
        ({"limit": "1"}, ["Zinsen steigen"]),
        ({"limit": "1", "offset": "1"}, ["Koalition einigt sich"]),
        ({"offset": "5"}, []),
    ],
)
def test_articles_filters(client, articles, params, expected):
    response = client.get("/api/articles/", params)
    assert response.status_code == 200
    assert [a["headline"] for a in response.json()["results"]] == expected


def test_count_is_the_total_not_the_page(client, articles):
    data = client.get("/api/articles/", {"limit": 1}).json()
    assert data["count"] == 2 and len(data["results"]) == 1


def test_unpublished_tags_are_unknown(client, articles):
    response = client.get("/api/articles/", {"tag": "geheim"})
    # The tag exists only on an unpublished article: it has no live articles.
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("params", "status", "names"),
    [
        ({"section": "gibt-es-nicht"}, 400, "section"),
        ({"tag": "gibt-es-nicht"}, 400, "tag"),
        ({"section": "a b"}, 422, "section"),
        ({"since": "gestern"}, 422, "since"),
        ({"since": "2026-13-01"}, 422, "since"),
        ({"limit": "0"}, 422, "limit"),
        ({"limit": "101"}, 422, "limit"),
        ({"limit": "x"}, 422, "limit"),
        ({"offset": "-1"}, 422, "offset"),
    ],
)
def test_bad_parameters(client, articles, params, status, names):
    response = client.get("/api/articles/", params)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert names in str(response.json()["detail"])


def test_article_detail(client, articles, django_assert_max_num_queries):
    article = articles["old"]
    with django_assert_max_num_queries(4):
        response = client.get(f"/api/articles/{article.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["headline"] == "Koalition einigt sich"
    assert data["body_text"] == "Die Einigung\nErster Absatz mit Link.\nZweiter Absatz."
    assert data["body_html"] == (
        "<h2>Die Einigung</h2>\n<p>Erster <b>Absatz</b> mit "
        '<a href="https://example.org" rel="noopener noreferrer">Link</a>.</p>\n'
        "<p>Zweiter Absatz.</p>"
    )


def test_body_html_is_sanitised(client, site_tree):
    article = publish_article(
        site_tree.sections["Politik"],
        body=[
            ("subheading", "<script>x</script>"),
            ("quote", {"quote": "<img src=x onerror=alert(1)>", "attribution": ""}),
            ("paragraph", '<p onclick="alert(1)">Text<script>alert(1)</script></p>'),
        ],
    )
    html = client.get(f"/api/articles/{article.pk}/").json()["body_html"]
    assert "<script" not in html and "<img" not in html and "onclick" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_unknown_and_unpublished_articles_are_404(client, articles):
    for article_id in (articles["draft"].pk, articles["gone"].pk, 999999):
        response = client.get(f"/api/articles/{article_id}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Artikel nicht gefunden"}
    assert client.get("/api/articles/0/").status_code == 422
    assert client.get("/api/articles/abc/").status_code == 422


def test_sections(client, articles, django_assert_max_num_queries):
    client.get("/api/sections/")
    with django_assert_max_num_queries(3):
        response = client.get("/api/sections/")
    data = response.json()
    assert data["count"] == 5
    counts = {row["slug"]: row["article_count"] for row in data["results"]}
    assert counts == {"politik": 1, "wirtschaft": 1, "finanzen": 0, "unternehmen": 0, "panorama": 0}
    politik = data["results"][0]
    assert politik["title"] == "Politik" and politik["url"] == "http://testserver/politik/"


def test_tags(client, articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/api/tags/")
    data = response.json()
    assert data["results"] == [
        {"slug": "bundestag", "name": "Bundestag", "article_count": 1},
        {"slug": "haushalt", "name": "Haushalt", "article_count": 2},
    ]
    assert data["count"] == 2
    assert client.get("/api/tags/", {"limit": 1, "offset": 1}).json()["results"][0]["slug"] == (
        "haushalt"
    )


@pytest.mark.parametrize(
    "url", ["/api/articles/", "/api/articles/{id}/", "/api/sections/", "/api/tags/"]
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_not_allowed(client, articles, url, method):
    response = getattr(client, method)(url.format(id=articles["old"].pk))
    assert response.status_code == 405
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "url", ["/api/articles/", "/api/articles/{id}/", "/api/sections/", "/api/tags/"]
)
def test_etag_and_last_modified(client, articles, url):
    url = url.format(id=articles["old"].pk)
    response = client.get(url)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and last_modified
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"anders"'}).status_code == 200
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    assert client.get(url, headers={"if-modified-since": http_date(0)}).status_code == 200
    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified["ETag"] == etag and not_modified.content == b""


@pytest.mark.parametrize(
    "header",
    [
        "W/{etag}",  # weakened by a proxy that compressed the body
        '"anders", {etag}',
        '"anders", W/{etag}, "noch-eins"',
        "*",
    ],
)
def test_if_none_match_takes_weak_tags_lists_and_star(client, articles, header):
    etag = client.get("/api/articles/")["ETag"]
    response = client.get("/api/articles/", headers={"if-none-match": header.format(etag=etag)})
    assert response.status_code == 304
    assert response["ETag"] == etag


@pytest.mark.parametrize("header", ['"anders", "noch-eins"', 'W/"anders"', "{bare}"])
def test_if_none_match_without_our_tag_gets_the_body(client, articles, header):
    etag = client.get("/api/articles/")["ETag"]
    response = client.get(
        "/api/articles/", headers={"if-none-match": header.format(bare=etag.strip('"'))}
    )
    assert response.status_code == 200


def test_last_modified_is_the_newest_change(client, articles):
    response = client.get("/api/articles/", {"section": "politik"})
    assert response["Last-Modified"] == http_date(articles["old"].last_published_at.timestamp())


def test_etag_changes_with_the_query_and_with_content(client, articles, site_tree):
    first = client.get("/api/articles/")["ETag"]
    assert client.get("/api/articles/", {"limit": 1})["ETag"] != first
    articles["new"].unpublish()
    # Unpublishing cannot move Last-Modified forward, but the ETag sees it.
    assert client.get("/api/articles/", headers={"if-none-match": first}).status_code == 200


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/",
        "/api/articles/",
        "/api/articles/{article_id}/",
        "/api/sections/",
        "/api/tags/",
        "/api/meistgelesen/",
    }
    assert set(schema["paths"]["/api/articles/"]) == {"get"}
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content  # Swagger UI from our own static files


# --- /api/meistgelesen/ -------------------------------------------------------------------------


@pytest.fixture
def most_read(site_tree):
    """Politik: "Oben" (40 reads) and a restricted article (90); Wirtschaft: "Zinsen" (20)."""
    from wagtail.models import PageViewRestriction

    from depesche.readership.models import ArticleViewsHourly
    from depesche.readership.services import mostread_refresh

    now = datetime(2026, 11, 20, 12, 0, tzinfo=BERLIN)
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    hidden = publish_article(politik, title="Geschützt")
    rows = {publish_article(politik, title="Oben"): 40, hidden: 90}
    rows[publish_article(wirtschaft, title="Zinsen")] = 20
    for article, count in rows.items():
        ArticleViewsHourly.objects.create(article=article, hour=now, count=count)
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    mostread_refresh(now=now)
    return now


def test_meistgelesen_site_wide_and_per_section(client, most_read, site_tree):
    data = client.get("/api/meistgelesen/").json()
    assert data["window"] == "7d"  # two articles, 60 reads: too few for a 24-hour list
    assert data["computed_at"].startswith("2026-11-20T")
    assert [(i["rank"], i["title"], i["views"]) for i in data["items"]] == [
        (1, "Oben", 40),
        (2, "Zinsen", 20),
    ]
    assert data["items"][0]["url"].startswith("http") and data["items"][0]["url"].endswith("/oben/")

    section = client.get("/api/meistgelesen/?section=wirtschaft").json()
    assert [i["title"] for i in section["items"]] == ["Zinsen"]


def test_meistgelesen_drops_an_article_unpublished_after_the_aggregation(client, most_read):
    from depesche.newsroom.models import ArticlePage

    ArticlePage.objects.get(title="Oben").unpublish()
    data = client.get("/api/meistgelesen/?section=politik").json()
    assert data["items"] == []


def test_meistgelesen_unknown_section_is_404_with_a_message(client, most_read):
    response = client.get("/api/meistgelesen/?section=gibtsnicht")
    assert response.status_code == 404
    assert response.json() == {"detail": "section: unbekanntes Ressort „gibtsnicht“"}
    assert client.get("/api/meistgelesen/?section=%20").status_code == 422
