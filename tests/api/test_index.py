"""/api/: the API's index (depesche/api/index.py), built from its OpenAPI document."""

from __future__ import annotations

import pytest

from tests.factories import publish_article

pytestmark = pytest.mark.django_db


def test_index_lists_every_operation_the_openapi_document_has(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["ETag"]
    data = response.json()
    assert data["name"] == "Depesche API" and data["version"] == "1"
    assert data["openapi_url"] == "/api/openapi.json"
    assert data["docs_url"] == "/api/docs"
    schema = client.get(data["openapi_url"]).json()
    documented = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path != "/api/"
        for method in operations
    }
    listed = {(row["method"], row["path"]) for row in data["endpoints"]}
    assert listed == documented
    assert ("GET", "/api/articles/{article_id}/") in listed and len(listed) == 5
    articles = next(row for row in data["endpoints"] if row["path"] == "/api/articles/")
    assert articles["description"] == "Live articles, newest first publication first."
    assert client.get(data["docs_url"]).status_code == 200


def test_every_listed_endpoint_answers(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Beispiel")
    for row in client.get("/api/").json()["endpoints"]:
        url = row["path"].replace("{article_id}", str(article.pk))
        assert "{" not in url, f"no sample value for {row['path']}"
        response = client.generic(row["method"], url)
        assert response.status_code == 200, url


def test_index_without_slash_redirects_and_answers_304(client):
    response = client.get("/api")
    assert response.status_code == 301 and response["Location"] == "/api/"
    etag = client.get("/api/")["ETag"]
    assert client.get("/api/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_index_is_read_only(client):
    assert client.post("/api/").status_code == 405
