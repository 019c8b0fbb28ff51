"""Reading the "Meistgelesen" lists (readership/selectors.py): the gate is checked at read time."""

from __future__ import annotations

from wagtail.models import PageViewRestriction

from depesche.readership.selectors import mostread_list
from depesche.readership.services import mostread_refresh
from tests.factories import publish_article
from tests.readership.conftest import NOW


def titles(section_id=None) -> list[str]:
    return [item.article.title for item in mostread_list(section_id=section_id).items]


def test_an_article_restricted_unpublished_or_deleted_after_the_aggregation_vanishes_at_once(
    site_tree, reads
):
    politik = site_tree.sections["Politik"]
    articles = {name: publish_article(politik, title=name) for name in "ABCDE"}
    for n, article in enumerate(articles.values()):
        reads(article, 100 - n)
    mostread_refresh(now=NOW)
    assert titles() == titles(politik.pk) == ["A", "B", "C", "D", "E"]

    PageViewRestriction.objects.create(
        page=articles["A"], restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    articles["C"].unpublish()
    articles["E"].delete()

    # No new aggregation ran: the stored list still names them, the reads leave them out.
    assert titles() == titles(politik.pk) == ["B", "D"]
    found = mostread_list(section_id=politik.pk)
    assert [(item.rank, item.views) for item in found.items] == [(2, 99), (4, 97)]
    assert found.window == "24h" and found.computed_at == NOW


def test_a_restriction_on_the_section_hides_its_articles_from_the_site_wide_list(site_tree, reads):
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    reads(publish_article(politik, title="P"), 50)
    reads(publish_article(wirtschaft, title="W"), 10)
    mostread_refresh(now=NOW)
    PageViewRestriction.objects.create(page=politik, restriction_type=PageViewRestriction.LOGIN)
    assert titles() == ["W"]


def test_one_query_and_an_empty_list_without_an_aggregation(
    site_tree, reads, django_assert_num_queries
):
    with django_assert_num_queries(1):
        empty = mostread_list()
    assert empty.items == [] and empty.computed_at is None

    for n in range(5):
        reads(publish_article(site_tree.sections["Politik"], title=f"T{n}"), 10 + n)
    mostread_refresh(now=NOW)
    with django_assert_num_queries(1):
        found = mostread_list()
        assert [item.article.title for item in found.items] == ["T4", "T3", "T2", "T1", "T0"]
