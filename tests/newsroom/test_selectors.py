from datetime import UTC, datetime, timedelta

import pytest
from taggit.models import Tag

from depesche.newsroom import selectors
from depesche.newsroom.models import LegalPage, SectionPage
from tests.factories import publish_article, save_draft_article

T0 = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def days_ago(n: int) -> datetime:
    return T0 - timedelta(days=n)


@pytest.fixture
def related_setup(site_tree):
    politik = site_tree.sections["Politik"]
    wirtschaft = site_tree.sections["Wirtschaft"]
    articles = {
        "A": publish_article(politik, title="A", tags=["x", "y", "z"], published_at=days_ago(2)),
        "B": publish_article(wirtschaft, title="B", tags=["x", "y"], published_at=days_ago(10)),
        "C": publish_article(politik, title="C", tags=["x", "w"], published_at=days_ago(1)),
        "D": publish_article(politik, title="D", tags=["x"], published_at=days_ago(20)),
        "E": publish_article(politik, title="E", tags=["w"], published_at=days_ago(0)),
        "N": publish_article(politik, title="N", published_at=days_ago(0)),
    }
    articles["F"] = save_draft_article(politik, title="F", tags=["x", "y", "z"])
    unpublished = publish_article(politik, title="G", tags=["x", "y", "z"])
    unpublished.unpublish()
    articles["G"] = unpublished
    return articles


def titles(articles) -> list[str]:
    return [article.title for article in articles]


def test_related_ranks_by_shared_tags_then_recency(related_setup):
    related = selectors.articles_related(article=related_setup["A"])
    assert titles(related) == ["B", "C", "D"]
    assert [article.shared for article in related] == [2, 1, 1]


def test_related_respects_limit(related_setup):
    assert titles(selectors.articles_related(article=related_setup["A"], limit=2)) == ["B", "C"]
    assert titles(selectors.articles_related(article=related_setup["A"], limit=1)) == ["B"]


def test_related_is_symmetric_in_what_it_counts(related_setup):
    # From B's side A shares x and y; C and D share x only; never B itself.
    assert titles(selectors.articles_related(article=related_setup["B"])) == ["A", "C", "D"]
    assert titles(selectors.articles_related(article=related_setup["E"])) == ["C"]


def test_related_without_tags_is_empty(related_setup):
    assert selectors.articles_related(article=related_setup["N"]) == []


def test_related_query_count_is_bounded(related_setup, django_assert_max_num_queries):
    article = related_setup["A"]
    # The article's tags, the ranking on the taggings, the winners (with their sections).
    with django_assert_max_num_queries(3):
        related = selectors.articles_related(article=article)
        assert [r.section.title for r in related] == ["Wirtschaft", "Politik", "Politik"]
    tag_ids = list(article.tagged_items.values_list("tag_id", flat=True))
    with django_assert_max_num_queries(2):
        assert selectors.articles_related(article=article, tag_ids=tag_ids) == related


def test_related_skips_an_article_whose_tag_dates_are_stale(related_setup):
    """An article unpublished behind the model's back (a queryset update, no save()) still has
    dates on its taggings; the live check drops it and the next candidate takes its place."""
    from depesche.newsroom.models import ArticlePage

    ArticlePage.objects.filter(pk=related_setup["B"].pk).update(live=False)
    assert titles(selectors.articles_related(article=related_setup["A"], limit=2)) == ["C", "D"]


def test_latest_is_newest_first_and_live_only(related_setup):
    latest = selectors.articles_latest(limit=10)
    assert titles(latest) == ["N", "E", "C", "A", "B", "D"]  # N and E tie on time: newer pk
    assert titles(selectors.articles_latest(limit=3)) == ["N", "E", "C"]


def test_in_section_is_newest_first_and_only_that_section(related_setup, site_tree):
    politik = site_tree.sections["Politik"]
    assert titles(selectors.articles_in_section(section_id=politik.pk)) == [
        "N",
        "E",
        "C",
        "A",
        "D",
    ]
    wirtschaft = site_tree.sections["Wirtschaft"]
    assert titles(selectors.articles_in_section(section_id=wirtschaft.pk)) == ["B"]
    assert list(selectors.articles_in_section(section_id=site_tree.sections["Finanzen"].pk)) == []


def test_for_tag_lists_live_articles_with_that_tag(related_setup):
    def for_tag(name: str) -> list[str]:
        ids = list(selectors.article_ids_for_tag(tag=Tag.objects.get(name=name)))
        return titles(selectors.articles_by_ids(ids))

    assert for_tag("x") == ["C", "A", "B", "D"]
    assert for_tag("z") == ["A"]


def test_section_blocks_leave_out_empty_sections(related_setup, site_tree):
    blocks = selectors.section_blocks(limit=2)
    assert [(section.title, titles(articles)) for section, articles in blocks] == [
        ("Politik", ["N", "E"]),
        ("Wirtschaft", ["B"]),
    ]


def test_section_blocks_skip_unpublished_sections(site_tree):
    politik = site_tree.sections["Politik"]
    publish_article(politik)
    publish_article(site_tree.sections["Panorama"])
    SectionPage.objects.get(pk=politik.pk).unpublish()
    assert [section.title for section, _ in selectors.section_blocks(limit=4)] == ["Panorama"]
    assert "Politik" not in [section.title for section in selectors.sections_live()]


def test_sections_live_in_tree_order(site_tree):
    assert [section.title for section in selectors.sections_live()] == [
        "Politik",
        "Wirtschaft",
        "Finanzen",
        "Unternehmen",
        "Panorama",
    ]


def test_legal_pages_in_fixed_order(site_tree):
    assert [page.kind for page in selectors.legal_pages()] == [
        LegalPage.Kind.IMPRINT,
        LegalPage.Kind.PRIVACY,
        LegalPage.Kind.TERMS,
    ]
    assert [page.title for page in selectors.legal_pages()] == [
        "Impressum",
        "Datenschutzerklärung",
        "AGB",
    ]


def test_legal_pages_order_does_not_depend_on_tree_order(site_tree):
    imprint = site_tree.legal[LegalPage.Kind.IMPRINT]
    imprint.move(site_tree.home, pos="last-child")
    assert [page.title for page in selectors.legal_pages()] == [
        "Impressum",
        "Datenschutzerklärung",
        "AGB",
    ]


def test_legal_pages_only_live(site_tree):
    site_tree.legal[LegalPage.Kind.TERMS].unpublish()
    assert [page.title for page in selectors.legal_pages()] == ["Impressum", "Datenschutzerklärung"]


def test_related_ranks_only_the_newest_window_of_each_tag(site_tree, monkeypatch):
    """Only the RELATED_WINDOW newest articles of each tag take part: an older article sharing
    the same tags is not ranked, however much it has in common."""
    politik = site_tree.sections["Politik"]
    old = publish_article(politik, title="Alt", tags=["x", "y"], published_at=days_ago(30))
    for n in range(3):
        publish_article(politik, title=f"Neu {n}", tags=["x"], published_at=days_ago(3 - n))
    article = publish_article(politik, title="Heute", tags=["x", "y"], published_at=days_ago(0))
    assert titles(selectors.articles_related(article=article))[0] == "Alt"  # shares 2 tags

    monkeypatch.setattr(selectors, "RELATED_WINDOW", 2)
    # x's two newest are the article and "Neu 2", y's the article and "Alt": "Neu 1" and
    # "Neu 0" are out, and "Alt" counts one shared tag now (it is outside x's window).
    related = selectors.articles_related(article=article)
    assert titles(related) == ["Neu 2", "Alt"]
    assert [a.shared for a in related] == [1, 1]
    assert related[1].pk == old.pk
