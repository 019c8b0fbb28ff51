"""Authors (issue 19): bylines read into names, authors found again, the author page
/autoren/<slug>/ behind the public gate, byline links on the article page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.models import PageViewRestriction

from depesche.newsroom.bylines import author_key, byline_names
from depesche.newsroom.models import ArticlePage, Author
from depesche.newsroom.pagecache import GENERATION_KEY
from depesche.newsroom.services import article_dates_record, authors_resolve
from tests.factories import make_image, publish_article, save_draft_article

PUBLISHED = datetime(2026, 11, 20, 8, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        # Real records (tests/fixtures/wire): dpa digitalwires and ninjs, NTB, AP, TT.
        ("Von Andrej Sokolow, dpa", ["Andrej Sokolow"]),
        ("Von Marco Krefting und Sunrita Sen, dpa", ["Marco Krefting", "Sunrita Sen"]),
        ("Von Christian Hollmann, dpa", ["Christian Hollmann"]),
        ("NTB", []),
        ("Paulo Santalucia and Frances d'Emilio", ["Paulo Santalucia", "Frances d'Emilio"]),
        ("Karl Melander/TT", ["Karl Melander"]),
        # The demo's and the newsroom's own forms.
        ("Redaktion", []),
        ("Paula Esser und Tobias Reinhardt", ["Paula Esser", "Tobias Reinhardt"]),
        ("von Jörg Müller & Anna-Lena Schmidt", ["Jörg Müller", "Anna-Lena Schmidt"]),
        ("Anna Berger, Ben Muster und Cem Test", ["Anna Berger", "Ben Muster", "Cem Test"]),
        ("Anna Berger (dpa)", ["Anna Berger"]),
        ("  Von  Anna  Berger ,  anna berger", ["Anna Berger"]),
        ("dpa/AFP", []),
        ("Von Anna Berger; Reuters", ["Anna Berger"]),
        ("Von Anna Berger, dpa-AFX", ["Anna Berger"]),
        ("redaktion@example.org", []),
        ("", []),
    ],
)
def test_byline_names(byline, names):
    assert byline_names(byline) == names


def test_author_key_ignores_case_spacing_hyphens_and_umlaut_spelling():
    assert author_key("Jörg Müller-Lüdenscheidt") == author_key("joerg  mueller luedenscheidt")
    assert author_key("Anna Berger") != author_key("Anna Bergen")


@pytest.mark.django_db
def test_the_same_name_twice_is_the_same_author():
    first = authors_resolve(names=["Jörg Müller", "Anna Berger"])
    again = authors_resolve(names=["anna berger", "Joerg Mueller", "Jörg Müller"])
    assert [a.pk for a in again] == [first[1].pk, first[0].pk]
    assert Author.objects.count() == 2
    assert first[0].slug == "joerg-mueller" and first[0].name == "Jörg Müller"


@pytest.mark.django_db
def test_a_new_author_whose_slug_is_taken_gets_the_next_free_one():
    Author.objects.create(name="Jemand anders", slug="anna-berger")
    (anna,) = authors_resolve(names=["Anna Berger"])
    assert anna.slug == "anna-berger-2"


@pytest.mark.django_db
def test_an_editor_cannot_add_a_second_author_of_the_same_name():
    Author.objects.create(name="Anna Müller", slug="anna-mueller")
    duplicate = Author(name="anna mueller", slug="anna-mueller-2")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "name" in caught.value.message_dict


@pytest.mark.django_db
def test_editors_and_moderators_may_keep_authors():
    for name in ("Editors", "Moderators"):
        codenames = set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="newsroom")
            .values_list("codename", flat=True)
        )
        assert {"add_author", "change_author", "delete_author", "view_author"} <= codenames


# --- the author page --------------------------------------------------------------------------


def headlines(html: str) -> list[str]:
    return re.findall(r'class="teaser__headline">.*?<a href="[^"]*">(.*?)</a>', html)


def html_of(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def dated(article: ArticlePage, days: int) -> None:
    when = PUBLISHED + timedelta(days=days)
    article_dates_record(
        article_id=article.pk, first_published_at=when, last_published_at=when, updated_at=when
    )


@pytest.fixture
def anna(db) -> Author:
    return Author.objects.create(
        name="Anna Berger", slug="anna-berger", bio="Schreibt über Energie und Klima."
    )


def test_author_page_lists_only_the_authors_public_articles_newest_first(client, site_tree, anna):
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    ben = Author.objects.create(name="Ben Muster", slug="ben-muster")
    older = publish_article(politik, title="Älterer Text", authors=[anna])
    dated(older, 0)
    newer = publish_article(wirtschaft, title="Neuerer Text", authors=[ben, anna])
    dated(newer, 1)
    publish_article(politik, title="Von Ben allein", authors=[ben])
    save_draft_article(politik, title="Annas Entwurf", authors=[anna])
    gone = publish_article(politik, title="Annas zurückgezogener Text", authors=[anna])
    gone.unpublish()
    locked = publish_article(politik, title="Annas geschützter Text", authors=[anna])
    PageViewRestriction.objects.create(
        page=locked, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )

    html = html_of(client, "/autoren/anna-berger/")
    assert "<h1>Anna Berger</h1>" in html
    assert "Schreibt über Energie und Klima." in html
    assert "<title>Anna Berger – Depesche</title>" in html
    assert headlines(html) == ["Neuerer Text", "Älterer Text"]
    feed = 'type="application/rss+xml" title="Depesche – Anna Berger (RSS)" '
    assert feed + 'href="http://testserver/feeds/autor/anna-berger/rss.xml"' in html


def test_author_page_is_paginated(client, site_tree, anna, settings):
    settings.PAGE_SIZE = 2
    for i in range(3):
        dated(publish_article(site_tree.sections["Politik"], title=f"Text {i}", authors=[anna]), i)
    assert headlines(html_of(client, "/autoren/anna-berger/")) == ["Text 2", "Text 1"]
    assert headlines(html_of(client, "/autoren/anna-berger/?page=2")) == ["Text 0"]
    html_of(client, "/autoren/anna-berger/?page=3", status=404)
    html_of(client, "/autoren/anna-berger/?page=x", status=404)


def test_author_page_shows_the_photo_when_set(client, site_tree, anna):
    anna.photo = make_image("Anna")
    anna.save()
    publish_article(site_tree.sections["Politik"], authors=[anna])
    html = html_of(client, "/autoren/anna-berger/")
    assert re.search(r'<img [^>]*class="author-header__photo"', html)


def test_unknown_author_and_author_of_unpublic_articles_only_answer_404(client, site_tree, anna):
    save_draft_article(site_tree.sections["Politik"], authors=[anna])
    unknown = client.get("/autoren/gibt-es-nicht/")
    probed = client.get("/autoren/anna-berger/")
    assert probed.status_code == unknown.status_code == 404
    assert probed.content == unknown.content
    assert client.get("/feeds/autor/anna-berger/rss.xml").status_code == 404


def test_author_page_is_cached_like_tag_pages(client, site_tree, anna, page_cache_on):
    publish_article(site_tree.sections["Politik"], authors=[anna])
    response = client.get("/autoren/anna-berger/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and response.has_header("ETag")


def test_editing_an_author_invalidates_cached_pages(
    site_tree, anna, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    before = cache.get(GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        anna.bio = "Neu."
        anna.save()
    assert cache.get(GENERATION_KEY) != before


def test_author_page_reads_a_fixed_number_of_queries(
    client, site_tree, anna, django_assert_max_num_queries
):
    for i in range(6):
        publish_article(site_tree.sections["Politik"], title=f"Text {i}", authors=[anna])
    client.get("/autoren/anna-berger/")  # warm the site/menu caches
    with django_assert_max_num_queries(12):
        assert client.get("/autoren/anna-berger/").status_code == 200


# --- byline links -----------------------------------------------------------------------------


def test_article_byline_links_each_author_in_order(client, site_tree, anna):
    ben = Author.objects.create(name="Ben Muster", slug="ben-muster")
    cem = Author.objects.create(name="Cem Test", slug="cem-test")
    article = publish_article(
        site_tree.sections["Politik"], authors=[cem, anna, ben], byline="Von Redaktion"
    )
    html = html_of(client, article.url)
    byline = re.search(r'<p class="article__byline">(.*?)</p>', html, re.S).group(1)
    assert byline == (
        'Von <a class="author-link" href="/autoren/cem-test/" rel="author">Cem Test</a>, '
        '<a class="author-link" href="/autoren/anna-berger/" rel="author">Anna Berger</a> und '
        '<a class="author-link" href="/autoren/ben-muster/" rel="author">Ben Muster</a>'
    )


def test_article_without_authors_keeps_its_free_byline(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], byline="Redaktion", located="Kiel")
    html = html_of(client, article.url)
    assert '<p class="article__byline">Von Redaktion, Kiel</p>' in html
    assert "author-link" not in html


def test_a_free_byline_that_says_von_itself_says_it_once(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], byline="Von Redaktion")
    html = html_of(client, article.url)
    assert '<p class="article__byline">Von Redaktion</p>' in html


def test_changing_the_authors_moves_aktualisiert(site_tree, anna):
    from depesche.newsroom.models import ArticlePageAuthor

    article = publish_article(site_tree.sections["Politik"])
    fingerprint = ArticlePage.objects.get(pk=article.pk).content_fingerprint
    page = ArticlePage.objects.get(pk=article.pk)
    page.article_authors = [ArticlePageAuthor(author=anna)]
    page.save_revision().publish()
    assert ArticlePage.objects.get(pk=article.pk).content_fingerprint != fingerprint


# --- the admin --------------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model, db):
    """A member of Wagtail's "Editors" group, with what the data migration grants it."""
    user = django_user_model.objects.create_user("redakteurin", password="pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_an_editor_adds_an_author_in_the_admin(client, editor):
    client.force_login(editor)
    listing = client.get("/admin/snippets/newsroom/author/")
    assert listing.status_code == 200
    response = client.post(
        "/admin/snippets/newsroom/author/add/",
        {"name": "Clara Neu", "slug": "clara-neu", "bio": "Neu im Team."},
    )
    assert response.status_code == 302
    assert Author.objects.get(slug="clara-neu").name_key == "clara neu"
    # The same name again is a form error, not a database error.
    again = client.post(
        "/admin/snippets/newsroom/author/add/", {"name": "clara  neu", "slug": "clara-2"}
    )
    assert again.status_code == 200
    assert "existiert schon" in again.content.decode()


def test_the_article_form_offers_authors(admin_client, site_tree, anna):
    article = publish_article(site_tree.sections["Politik"], authors=[anna])
    html = admin_client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert re.search(r'<input [^>]*name="article_authors-TOTAL_FORMS" value="1"', html)
    assert "Autoren (Freitext)" in html


def test_article_page_queries_do_not_grow_with_authors(
    client, site_tree, anna, django_assert_max_num_queries
):
    def count(url: str) -> int:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    one = publish_article(site_tree.sections["Politik"], authors=[anna])
    others = [Author.objects.create(name=f"Person {i}", slug=f"person-{i}") for i in "abc"]
    many = publish_article(site_tree.sections["Politik"], authors=[anna, *others])
    count(one.url)  # warm the site/menu caches
    assert count(many.url) == count(one.url)
