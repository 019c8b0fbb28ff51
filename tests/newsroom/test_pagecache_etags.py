"""The page cache answers If-None-Match as RFC 9110 says: weak tags, lists and `*`
(through core/etags.py, i.e. Django's parse_etags)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import publish_article


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.mark.parametrize(
    "header",
    ["W/{etag}", '"etwas-anderes", {etag}', '"etwas-anderes",W/{etag}', "*"],
)
def test_weak_tags_lists_and_star_get_a_304(client, site_tree, header):
    publish_article(site_tree.sections["Politik"], title="Ein Artikel")
    first = client.get("/")  # rendered and stored
    etag = first["ETag"]
    assert first.status_code == 200
    cached = client.get("/", HTTP_IF_NONE_MATCH=header.format(etag=etag))  # from the cache
    assert cached.status_code == 304
    assert cached["ETag"] == etag


def test_a_weak_tag_on_the_rendering_request_gets_a_304(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Ein Artikel")
    etag = client.get("/")["ETag"]
    cache.clear()  # the next request renders the page again (same bytes, same tag)
    response = client.get("/", HTTP_IF_NONE_MATCH=f"W/{etag}")
    assert response.status_code == 304


def test_a_list_without_our_tag_gets_the_page(client, site_tree):
    publish_article(site_tree.sections["Politik"], title="Ein Artikel")
    client.get("/")
    response = client.get("/", HTTP_IF_NONE_MATCH='"etwas-anderes", W/"noch-eins"')
    assert response.status_code == 200
    assert "Ein Artikel" in response.content.decode()
