"""Reads of the editorial model, with their joins decided once."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Count, DateTimeField, F, Max, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from taggit.models import Tag

from depesche.newsroom.models import ArticlePage, ArticlePageTag, LegalPage, SectionPage

HOME_LATEST = 11  # a lead spanning two columns plus ten fills 3 or 4 columns
HOME_PER_SECTION = 4
HOME_WINDOW = 100  # newest articles that fill the home page's section blocks
RELATED_WINDOW = 100  # newest articles per shared tag that "Mehr zum Thema" ranks
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a window's start when the tag is smaller


def articles_live() -> QuerySet[ArticlePage]:
    """Published articles, newest first, with what a teaser card needs in the same query."""
    return (
        ArticlePage.objects.live().select_related("section").order_by("-first_published_at", "-pk")
    )


def articles_latest(*, limit: int) -> list[ArticlePage]:
    return list(articles_live()[:limit])


def articles_in_section(*, section_id: int) -> QuerySet[ArticlePage]:
    # "section_id + 0" keeps the database from using the section_id index: with it, it would
    # fetch and sort every article of the section (20,000 of 100,000) for the newest 20.
    # Walking the publication-date index until 20 match costs the same at any size.
    return articles_live().alias(in_section=F("section_id") + 0).filter(in_section=section_id)


def article_ids_for_tag(*, tag: Tag) -> QuerySet[ArticlePageTag, int]:
    """The ids of the tag's live articles, newest first, read from the tag's taggings alone
    (index newsroom_tag_newest): the cost of a page does not grow with the archive or with how
    rare the tag is. The live check on each chosen row guards against a stale date."""
    return (
        ArticlePageTag.objects.filter(
            tag=tag, published_at__isnull=False, content_object__live=True
        )
        .order_by("-published_at", "-content_object_id")
        .values_list("content_object_id", flat=True)
    )


def article_ids(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage, int]:
    """The ids of `articles` in their order: pages of a long list are chosen on these."""
    return articles.values_list("pk", flat=True)


def articles_by_ids(ids: list[int]) -> list[ArticlePage]:
    """The teaser cards for `ids`, in that order (one query; the body is not read)."""
    if not ids:
        return []
    found = {a.pk: a for a in articles_live().defer("body").filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def sections_live() -> list[SectionPage]:
    return list(SectionPage.objects.live().order_by("path"))


def section_blocks(*, limit: int) -> list[tuple[SectionPage, list[ArticlePage]]]:
    """Each live section with its newest articles; sections without articles are left out.

    The ids of the newest HOME_WINDOW articles pick the blocks of every section that published
    lately, and one more query reads those articles (the cost does not grow with the archive);
    a section with fewer than `limit` among them gets a query of its own."""
    sections = sections_live()
    # Ids first: building a hundred page objects would cost more than the queries.
    recent = list(articles_live().values_list("pk", "section_id")[:HOME_WINDOW])
    chosen: dict[int, list[int]] = {section.pk: [] for section in sections}
    for pk, section_id in recent:
        bucket = chosen.get(section_id or 0)
        if bucket is not None and len(bucket) < limit:
            bucket.append(pk)
    wanted = [pk for ids in chosen.values() for pk in ids]
    by_pk = {a.pk: a for a in articles_by_ids(wanted)}
    blocks = []
    for section in sections:
        articles = [by_pk[pk] for pk in chosen[section.pk] if pk in by_pk]
        if len(articles) < limit and len(recent) == HOME_WINDOW:
            articles = list(articles_in_section(section_id=section.pk)[:limit])
        if articles:
            blocks.append((section, articles))
    return blocks


def _in_tag_window(tag_id: int) -> Q:
    """Taggings of `tag_id` among its RELATED_WINDOW newest live ones: an index range from
    the window's oldest date (all of them for a smaller tag)."""
    newest = ArticlePageTag.objects.filter(tag_id=tag_id, published_at__isnull=False)
    oldest = newest.order_by("-published_at").values("published_at")[
        RELATED_WINDOW - 1 : RELATED_WINDOW
    ]
    start = Coalesce(Subquery(oldest), Value(_EPOCH, output_field=DateTimeField()))
    return Q(tag_id=tag_id, published_at__gte=start)


def articles_related(
    *, article: ArticlePage, limit: int = 5, tag_ids: list[int] | None = None
) -> list[ArticlePage]:
    """Published articles sharing tags with `article`: most shared tags first, then newest.

    Never the article itself. Only the RELATED_WINDOW newest articles of each of its tags take
    part (one index range per tag: a tag on thousands of articles would otherwise make every
    article page group all of them), and `shared` counts the tags in whose window a candidate
    is: every tag in common for tags smaller than the window. Ranked on the taggings alone,
    then only the winners are read in full. `tag_ids` saves a query when the caller holds the
    article's tags already.
    """
    if tag_ids is None:
        tag_ids = list(article.tagged_items.values_list("tag_id", flat=True))
    if not tag_ids:
        return []
    windows = Q()
    for tag_id in tag_ids:
        windows |= _in_tag_window(tag_id)
    ranked = (
        ArticlePageTag.objects.filter(windows)
        .exclude(content_object_id=article.pk)
        .values("content_object_id")
        .annotate(shared=Count("pk"), newest=Max("published_at"))
        .order_by("-shared", "-newest", "-content_object_id")
        .values_list("content_object_id", "shared")[: limit + 5]
    )
    shared = dict(ranked)
    ids = list(shared)
    chosen = articles_by_ids(ids[:limit])
    if len(chosen) < limit < len(ids):
        # Spare ids: a stale date (an article unpublished without save()) dropped out.
        chosen = articles_by_ids(ids)[:limit]
    for item in chosen:
        item.shared = shared[item.pk]
    return chosen


def legal_pages() -> list[LegalPage]:
    order = {kind: i for i, kind in enumerate(LegalPage.Kind.values)}
    return sorted(LegalPage.objects.live(), key=lambda page: order.get(page.kind, 99))
