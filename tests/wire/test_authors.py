"""Bylines of real agency records into authors (issue 19): who the reader names, that the same
person is one author across records, and that an editor's choice of authors is kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from depesche.newsroom.models import ArticlePage, ArticlePageAuthor, Author
from depesche.wire.files import load_records
from depesche.wire.formats import read_record
from depesche.wire.formats.base import WireArticle
from depesche.wire.stories import Outcome, story_import

FIXTURES = Path(__file__).parents[1] / "fixtures" / "wire"


def record(name: str) -> WireArticle:
    (raw,) = load_records(FIXTURES / name)
    return read_record(raw)


@pytest.mark.parametrize(
    ("name", "authors"),
    [
        # dpa digitalwires: "Von …, dpa"; the dnltype:creator categories (desk logins such as
        # "loening.meyel", "kunigkeit.sebastian") never become authors.
        ("digitalwires/dw-1.json", ["Marco Krefting", "Sunrita Sen"]),
        ("digitalwires/with_dateline.json", ["Andrej Sokolow"]),
        ("digitalwires/eil.json", []),
        ("digitalwires/embargoed.json", []),
        # ninjs 2 and 3: `by`.
        ("ninjs/2.0/dpa_text.json", ["Christian Hollmann"]),
        ("ninjs/3.0/dpa_text.json", ["Christian Hollmann"]),
        ("ninjs/2.0/ntb_text.json", []),  # "NTB": the agency, not a person
        ("ninjs/3.3/ntb_text.json", []),
        ("ninjs/3.3/ninjsExSimpleText_3.json", ["Paulo Santalucia", "Frances d'Emilio"]),
        # "Karl Melander/TT" is the picture's credit, not the text's byline.
        ("ninjs/2.0/tt_text_image_2.json", []),
        # ninjs 1: `byline`.
        ("ninjs/1.4/ninjsExMediumText1.json", ["Paulo Santalucia", "Frances d'Emilio"]),
    ],
)
def test_real_records_name_their_authors(name, authors):
    assert record(name).authors == authors


def names_of(article_id: int) -> list[str]:
    links = ArticlePageAuthor.objects.filter(page_id=article_id).order_by("sort_order")
    return [link.author.name for link in links]


@pytest.fixture
def politik(site_tree):
    return site_tree.sections["Politik"]


def test_importing_gives_the_article_its_authors_and_reuses_them(politik):
    first = story_import(article=record("ninjs/2.0/dpa_text.json"), section=politik)
    again = story_import(article=record("ninjs/3.0/dpa_text.json"), section=politik)
    two = story_import(article=record("digitalwires/dw-1.json"), section=politik)

    assert names_of(first.article_id) == ["Christian Hollmann"]
    assert names_of(two.article_id) == ["Marco Krefting", "Sunrita Sen"]
    # ninjs 2 and 3 of one dpa record share an id: the second is the same article.
    assert again.article_id == first.article_id
    assert Author.objects.filter(name="Christian Hollmann").count() == 1
    # A different record naming the same person (another spelling) reuses the author.
    other = replace(
        record("digitalwires/with_dateline.json"),
        record_id="urn:test:other",
        authors=["christian hollmann"],
    )
    third = story_import(article=other, section=politik)
    assert names_of(third.article_id) == ["Christian Hollmann"]
    assert Author.objects.count() == 3


def test_an_agency_correction_of_the_byline_replaces_the_authors(politik):
    article = record("digitalwires/dw-1.json")
    story_import(article=article, section=politik)
    corrected = replace(article, version=article.version + 1, authors=["Marco Krefting"])
    result = story_import(article=corrected, section=politik)
    assert result.outcome is Outcome.UPDATED
    assert names_of(result.article_id) == ["Marco Krefting"]


def test_a_newer_version_never_undoes_an_editors_choice_of_authors(politik, admin_user):
    article = record("digitalwires/dw-1.json")
    created = story_import(article=article, section=politik)
    edited = ArticlePage.objects.get(pk=created.article_id)
    chosen = Author.objects.create(name="Eigene Autorin", slug="eigene-autorin")
    edited.article_authors = [ArticlePageAuthor(author=chosen)]
    edited.save_revision(user=admin_user).publish(user=admin_user)

    result = story_import(article=replace(article, version=article.version + 1), section=politik)

    assert result.outcome is Outcome.DRAFTED
    assert names_of(created.article_id) == ["Eigene Autorin"]  # what readers see
    draft = ArticlePage.objects.get(pk=created.article_id).get_latest_revision_as_object()
    assert [link.author.name for link in draft.article_authors.all()] == [
        "Marco Krefting",
        "Sunrita Sen",
    ]
