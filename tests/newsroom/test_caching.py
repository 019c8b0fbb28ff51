"""The page cache (newsroom/pagecache.py): pages served from the cache, invalidated by every
publish, edit, unpublish; 304s; never one reader's state for another; PURGEs to a proxy."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from depesche.audience.links import READER, reader_token_for
from depesche.audience.selectors import READER_COOKIE
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.pagecache import PageCacheMiddleware, cacheable
from tests.factories import follower, publish_article

pytestmark = pytest.mark.usefixtures("page_cache_on")


@pytest.fixture
def published(site_tree, django_capture_on_commit_callbacks):
    """Publish with the on-commit callbacks run, as after a real commit."""

    def publish(section_name: str = "Politik", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return publish_article(site_tree.sections[section_name], **fields)

    return publish


def urls(site_tree, article: ArticlePage) -> dict[str, str]:
    return {
        "home": "/",
        "section": site_tree.sections["Politik"].url,
        "tag": "/thema/energie/",
        "article": article.url,
    }


def assert_served_from_cache(client, url: str, django_assert_num_queries) -> str:
    client.get(url)
    with django_assert_num_queries(0):  # no routing, no rendering
        response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and response["ETag"]
    return response.content.decode()


def test_pages_are_cached_and_publishing_shows_the_new_article_everywhere(
    client, site_tree, published, django_assert_num_queries
):
    first = published(title="Netzausbau kommt voran", tags=["Energie"])
    pages = urls(site_tree, first)
    for url in pages.values():
        assert "Netzausbau kommt voran" in assert_served_from_cache(
            client, url, django_assert_num_queries
        )

    published(title="Strompreise sinken wieder", tags=["Energie"])

    for name, url in pages.items():
        # The article page lists it under "Mehr zum Thema".
        assert "Strompreise sinken wieder" in client.get(url).content.decode(), name


def test_an_edit_replaces_the_old_headline_on_every_cached_page(
    client, site_tree, published, django_capture_on_commit_callbacks, django_assert_num_queries
):
    article = published(title="Alte Überschrift", tags=["Energie"])
    other = published(title="Ein Nachbarartikel", tags=["Energie"])
    pages = {**urls(site_tree, article), "related": other.url}
    for url in pages.values():
        assert "Alte Überschrift" in assert_served_from_cache(
            client, url, django_assert_num_queries
        )

    article.title = "Neue Überschrift"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert "Neue Überschrift" in html, name
        assert "Alte Überschrift" not in html, name


def test_unpublishing_removes_the_article_from_cached_lists_and_its_page(
    client, site_tree, published, django_capture_on_commit_callbacks, django_assert_num_queries
):
    stays = published(title="Bleibt online", tags=["Energie"])
    goes = published(title="Wird zurückgezogen", tags=["Energie"])
    pages = {**urls(site_tree, stays), "gone": goes.url}
    for url in pages.values():
        assert "Wird zurückgezogen" in assert_served_from_cache(
            client, url, django_assert_num_queries
        )

    with django_capture_on_commit_callbacks(execute=True):
        goes.unpublish()

    assert client.get(goes.url).status_code == 404
    del pages["gone"]
    for name, url in pages.items():
        assert "Wird zurückgezogen" not in client.get(url).content.decode(), name


def test_deleting_an_article_removes_it_from_cached_lists(
    client, site_tree, published, django_capture_on_commit_callbacks
):
    published(title="Bleibt online", tags=["Energie"])
    goes = published(title="Wird gelöscht", tags=["Energie"])
    assert "Wird gelöscht" in client.get("/").content.decode()
    assert "Wird gelöscht" in client.get("/").content.decode()  # from the cache

    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=goes.pk).delete()

    assert "Wird gelöscht" not in client.get("/").content.decode()
    assert "Wird gelöscht" not in client.get("/thema/energie/").content.decode()


def test_a_matching_etag_gets_a_304_without_rendering_until_the_next_publish(
    client, site_tree, published, django_assert_num_queries
):
    article = published(title="Erster Artikel", tags=["Energie"])
    for url in urls(site_tree, article).values():
        etag = client.get(url)["ETag"]
        with django_assert_num_queries(0):
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert client.get(url, HTTP_IF_NONE_MATCH='"etwas-anderes"').status_code == 200

    etag = client.get("/")["ETag"]
    published(title="Zweiter Artikel", tags=["Energie"])
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Zweiter Artikel" in response.content.decode()
    assert response["ETag"] != etag


def test_a_readers_follow_state_and_csrf_token_never_reach_anyone_else(
    client, site_tree, published
):
    from django.test import Client

    article = published(title="Artikel mit Thema", tags=["Energie", "Wind"])
    reader = follower("leser@example.org", "Energie")
    reader_client = Client()
    reader_client.cookies[READER_COOKIE] = reader_token_for(reader, READER)

    for url in ["/thema/wind/", article.url]:
        # The reader first: their page is rendered for them and not kept.
        personal = reader_client.get(url)
        html = personal.content.decode()
        assert "csrfmiddlewaretoken" in html  # the [+] form for "Wind"
        assert "private" in personal["Cache-Control"]
        assert "ETag" not in personal
        # Then anonymous readers, twice (rendered, then cached): no trace of the reader.
        for _ in range(2):
            anonymous = client.get(url).content.decode()
            assert "csrfmiddlewaretoken" not in anonymous
            assert "Sie folgen" not in anonymous
        # And the reader after the page is cached: still their own page.
        again = reader_client.get(url).content.decode()
        assert "csrfmiddlewaretoken" in again
    assert "Sie folgen „Energie“" in reader_client.get(article.url).content.decode()
    assert "Sie folgen" not in client.get(article.url).content.decode()


def test_logged_in_editors_never_get_or_fill_the_cache(client, site_tree, published, admin_user):
    published(title="Ein Artikel", tags=["Energie"])
    anonymous = client.get("/")
    assert "public" in anonymous["Cache-Control"]

    from django.test import Client

    editor = Client()
    editor.force_login(admin_user)
    response = editor.get("/")
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response


def test_a_page_that_used_a_csrf_token_is_not_stored():
    """Whatever a template adds later: a rendered token makes the page personal."""
    calls = []

    def view(request):
        calls.append(1)
        return cacheable(HttpResponse(f"<form>{get_token(request)}</form>"))

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        response = middleware(RequestFactory().get("/"))
        assert "private" in response["Cache-Control"]
    assert len(calls) == 2  # rendered both times: nothing was served from the cache


def test_only_public_pages_are_stored(settings):
    def view(request):
        return HttpResponse("nicht markiert")

    response = PageCacheMiddleware(view)(RequestFactory().get("/suche/"))
    assert "ETag" not in response and not response.has_header("Cache-Control")


def test_publish_and_unpublish_purge_article_home_section_and_tags(
    site_tree, published, proxy, django_capture_on_commit_callbacks
):
    article = published(title="Gepurgter Artikel", tags=["Energie", "Wind"])
    paths = {path for _, path in proxy}
    politik = site_tree.sections["Politik"]
    expected = {article.url, "/", politik.url, "/thema/energie/", "/thema/wind/"}
    assert paths == expected
    assert len(proxy) == len(expected)

    proxy.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert {path for _, path in proxy} == expected


def test_without_a_proxy_nothing_is_purged(site_tree, published, settings):
    assert not getattr(settings, "WAGTAILFRONTENDCACHE", None)
    published(title="Ohne Proxy", tags=["Energie"])  # no error, no request anywhere


def test_setting_and_lifting_a_restriction_takes_effect_at_once_and_purges(
    client, site_tree, published, proxy, django_capture_on_commit_callbacks
):
    # Wagtail sends no page signal for a restriction: without the receiver the cached page
    # (body and all) would be served to anyone for the cache's lifetime.
    from wagtail.models import PageViewRestriction

    article = published(title="Bald geschützt", tags=["Energie"])
    politik = site_tree.sections["Politik"]
    pages = [article.url, "/", politik.url, "/thema/energie/"]
    for url in pages:
        assert "Bald geschützt" in client.get(url).content.decode()
        assert client.get(url)["Cache-Control"].startswith("public")  # served from the cache
    proxy.clear()

    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )
    for url in pages[1:]:
        assert "Bald geschützt" not in client.get(url).content.decode()
    assert "Text." not in client.get(article.url).content.decode()  # the password form
    assert {path for _, path in proxy} == set(pages)

    proxy.clear()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    for url in pages:
        assert "Bald geschützt" in client.get(url).content.decode()
    assert {path for _, path in proxy} == set(pages)


def test_restricting_a_section_purges_its_articles_too(
    client, site_tree, published, proxy, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    article = published(title="Im Ressort", tags=["Wind"])
    politik = site_tree.sections["Politik"]
    assert "Im Ressort" in client.get("/").content.decode()
    proxy.clear()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=politik, restriction_type=PageViewRestriction.LOGIN)
    assert "Im Ressort" not in client.get("/").content.decode()
    assert client.get(article.url).status_code == 302  # to the login
    assert {article.url, politik.url, "/"} <= {path for _, path in proxy}


def test_the_admins_privacy_dialog_takes_effect_at_once(
    client, site_tree, published, admin_user, django_capture_on_commit_callbacks
):
    # Wagtail's own dialog (Page → Datenschutz), as an editor uses it: set, then lift.
    from django.test import Client
    from wagtail.models import PageViewRestriction

    article = published(title="Per Dialog geschützt", tags=["Energie"])
    pages = ["/", site_tree.sections["Politik"].url, "/thema/energie/"]
    for url in pages:
        assert "Per Dialog geschützt" in client.get(url).content.decode()
    editor = Client()
    editor.force_login(admin_user)
    dialog = f"/admin/pages/{article.pk}/privacy/"
    with django_capture_on_commit_callbacks(execute=True):
        answer = editor.post(dialog, {"restriction_type": "password", "password": "geheim1"})
    assert answer.status_code == 200
    assert PageViewRestriction.objects.filter(page=article).exists()
    for url in pages:
        assert "Per Dialog geschützt" not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(dialog, {"restriction_type": "none"})
    assert not PageViewRestriction.objects.exists()
    for url in pages:
        assert "Per Dialog geschützt" in client.get(url).content.decode()
