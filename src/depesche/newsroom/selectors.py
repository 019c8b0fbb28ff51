"""Reads of the editorial model, with their joins decided once."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction

from depesche.newsroom.models import (
    ArticlePage,
    ArticlePageAuthor,
    ArticlePageTag,
    Author,
    HomePage,
    LegalPage,
    SectionPage,
)

HOME_LATEST = 11  # a lead spanning two columns plus ten fills 3 or 4 columns
HOME_PER_SECTION = 4
HOME_WINDOW = 100  # newest articles that fill the home page's section blocks
RELATED_WINDOW = 100  # newest articles per shared tag that "Mehr zum Thema" ranks
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a window's start when the tag is smaller


# --- the public gate ----------------------------------------------------------------------------
# What a reader without login may see: live pages outside every Wagtail view restriction
# (password, login, groups; a restriction covers the page and everything below it). Every
# reader-facing channel (pages, API, search, feeds, sitemaps, alerts, bundles, the
# Wochenrückblick, audio) reads articles and tags through the functions of this block and
# nothing else: `.live()` alone would include restricted pages.


# Wagtail's tree paths (treebeard) grow by 4 characters a level: a page's ancestors are the
# prefixes of its path of length 4, 8, 12 … Articles sit at depth 4 (root, home, section,
# article: the page types allow no deeper page); two more levels are checked for headroom.
_MAX_DEPTH = 6


class _Unrestricted(Func):
    """TRUE for a page (given by its path column) that no view restriction covers: NOT EXISTS
    a restriction whose page's path is the page's own or an ancestor's (a prefix of its path).

    Written as one SQL template, because the same built from ORM subqueries costs Django about
    2.7 ms to compile on every use. The subquery is driven from the restrictions table (usually
    empty), each restricted page's path read by its id: joined the other way round (`path LIKE
    restricted.path || '%'`, or a join on the page), SQLite would, after ANALYZE (which keeps
    no statistics for an empty table), scan every page for every row."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, path: F) -> None:
        super().__init__(path)

    @cached_property
    def template(self) -> str:  # type: ignore[override]
        restriction = PageViewRestriction._meta.db_table
        page = Page._meta.db_table
        prefixes = ", ".join(
            f"SUBSTR(%(expressions)s, 1, {Page.steplen * level})"
            for level in range(1, _MAX_DEPTH + 1)
        )
        return (
            f'NOT EXISTS (SELECT 1 FROM "{restriction}" r WHERE '
            f'(SELECT p."path" FROM "{page}" p WHERE p."id" = r."page_id") IN ({prefixes}))'
        )


def public_q(*, prefix: str = "") -> Q:
    """A filter for pages outside every view restriction; `prefix` reaches the page through a
    relation (e.g. "content_object__" from a tagging). No query of its own: a list page costs
    the same number of queries as without the gate."""
    return Q(_Unrestricted(F(f"{prefix}path")))


def articles_public() -> QuerySet[ArticlePage]:
    """THE gate: articles a reader without login may see, newest first, with what a teaser
    card needs in the same query (its section and picture; with_renditions() adds the
    picture's renditions where a list shows thumbnails)."""
    return (
        ArticlePage.objects.live()
        .filter(public_q())
        .select_related("section", "image")
        .order_by("-first_published_at", "-pk")
    )


def with_renditions(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """`articles` with their pictures' renditions read in one more query (none when no
    article has a picture): a teaser thumbnail then costs no query per card."""
    return articles.prefetch_related("image__renditions")


def articles_public_for_search() -> Any:
    """The gate in the form Wagtail's search backends accept: they filter on indexed fields
    only, so the restriction check becomes a subquery of ids."""
    ids = articles_public().order_by().values("pk")
    return ArticlePage.objects.filter(pk__in=ids).select_related("section")


def article_public(*, article_id: int) -> ArticlePage | None:
    """The article if a reader without login may see it, else None."""
    return articles_public().filter(pk=article_id).first()


def article_is_public(*, article_id: int) -> bool:
    return articles_public().filter(pk=article_id).exists()


def article_ids_public(ids: list[int]) -> set[int]:
    """Those of `ids` a reader without login may see (one query)."""
    return set(articles_public().filter(pk__in=ids).values_list("pk", flat=True))


def _public_taggings() -> QuerySet[ArticlePageTag]:
    return ArticlePageTag.objects.filter(
        published_at__isnull=False, content_object__live=True
    ).filter(public_q(prefix="content_object__"))


def tags_public() -> QuerySet[Tag]:
    """Tags of at least one public article: a tag used only by drafts or restricted articles
    does not exist for readers (no page, no sitemap entry, no API answer)."""
    return Tag.objects.filter(pk__in=_public_taggings().values("tag_id"))


def tags_public_with_newest() -> QuerySet[Tag]:
    """tags_public(), each with `newest`: the first publication of its newest public article
    (one index lookup per tag in newsroom_tag_newest), e.g. a tag page's lastmod."""
    newest = (
        _public_taggings()
        .filter(tag=OuterRef("pk"))
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    return tags_public().annotate(newest=Subquery(newest, output_field=DateTimeField()))


def tag_public(*, slug: str) -> Tag | None:
    """The tag if a reader may see it. One query: the tag by its slug, then whether one of its
    taggings (index newsroom_tag_newest) is of a public article; the cost does not grow with
    the archive."""
    used = _public_taggings().filter(tag=OuterRef("pk"))
    return Tag.objects.filter(Exists(used), slug=slug).first()


def _public_author_links() -> QuerySet[ArticlePageAuthor]:
    return ArticlePageAuthor.objects.filter(page__live=True).filter(public_q(prefix="page__"))


def author_public(*, slug: str) -> Author | None:
    """The author if a reader may see them: one public article at least. Like a tag, an
    author of drafts or restricted articles only answers as an unknown one would."""
    written = _public_author_links().filter(author=OuterRef("pk"))
    return Author.objects.filter(Exists(written), slug=slug).select_related("photo").first()


def authors_public() -> QuerySet[Author]:
    """Authors of at least one public article."""
    return Author.objects.filter(pk__in=_public_author_links().values("author_id"))


def article_ids_for_author(*, author: Author) -> QuerySet[ArticlePage, int]:
    """The ids of the author's public articles, newest first. Through the gate: the author's
    articles are a subquery of their (indexed) author links, so the cost follows the
    author's own output, not the archive."""
    written = ArticlePageAuthor.objects.filter(author=author).values("page_id")
    return article_ids(articles_public().filter(pk__in=written))


def authors_of_article(*, article: ArticlePage, preview: bool = False) -> list[Author]:
    """The article's authors in the byline's order, each once: one query. A `preview` (an
    editor's unsaved form, whose author links live in memory only) reads the links it holds
    and their authors instead: two queries."""
    # modelcluster keeps child rows given to an instance (a form's, a revision's) here.
    in_memory = "article_authors" in getattr(article, "_cluster_related_objects", {})
    if not (preview or in_memory) and article.pk is not None:
        rows = Author.objects.filter(article_links__page_id=article.pk).order_by(
            "article_links__sort_order", "article_links__pk"
        )
        return list(dict.fromkeys(rows))
    ids = list(dict.fromkeys(link.author_id for link in article.article_authors.all()))
    if not ids:
        return []
    found = Author.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def article_ids_under(*, page: Page, published_since: datetime | None = None) -> list[int]:
    """Live articles at or below `page`, restricted or not: those a change of the page's
    view restriction concerns."""
    articles = ArticlePage.objects.live().filter(path__startswith=page.path)
    if published_since is not None:
        articles = articles.filter(first_published_at__gte=published_since)
    return list(articles.values_list("pk", flat=True))


def pages_public() -> Any:
    """Live pages outside every view restriction (sections, legal pages, home)."""
    return Page.objects.live().filter(public_q())


def articles_latest(*, limit: int) -> list[ArticlePage]:
    return list(with_renditions(articles_public())[:limit])


def articles_in_section(*, section_id: int) -> QuerySet[ArticlePage]:
    # "section_id + 0" keeps the database from using the section_id index: with it, it would
    # fetch and sort every article of the section (20,000 of 100,000) for the newest 20.
    # Walking the publication-date index until 20 match costs the same at any size.
    return articles_public().alias(in_section=F("section_id") + 0).filter(in_section=section_id)


def article_ids_for_tag(*, tag: Tag) -> QuerySet[ArticlePageTag, int]:
    """The ids of the tag's live articles, newest first, read from the tag's taggings alone
    (index newsroom_tag_newest): the cost of a page does not grow with the archive or with how
    rare the tag is. The live check on each chosen row guards against a stale date; articles
    behind a view restriction are left out (the gate)."""
    return (
        _public_taggings()
        .filter(tag=tag)
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
    found = {a.pk: a for a in with_renditions(articles_public()).defer("body").filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def sections_live() -> list[SectionPage]:
    """Sections a reader may see, in tree order."""
    return list(SectionPage.objects.live().filter(public_q()).order_by("path"))


def section_blocks(*, limit: int) -> list[tuple[SectionPage, list[ArticlePage]]]:
    """Each live section with its newest articles; sections without articles are left out.

    The ids of the newest HOME_WINDOW articles pick the blocks of every section that published
    lately, and one more query reads those articles (the cost does not grow with the archive);
    a section with fewer than `limit` among them gets a query of its own."""
    sections = sections_live()
    # Ids first: building a hundred page objects would cost more than the queries.
    recent = list(articles_public().values_list("pk", "section_id")[:HOME_WINDOW])
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
            articles = list(with_renditions(articles_in_section(section_id=section.pk))[:limit])
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


def legal_page(*, kind: str) -> LegalPage | None:
    """The public legal page of `kind` (Impressum, Datenschutzerklärung, AGB), if any."""
    return LegalPage.objects.live().filter(public_q(), kind=kind).first()


def home_page() -> HomePage | None:
    return HomePage.objects.live().filter(public_q()).first()


def legal_pages() -> list[LegalPage]:
    order = {kind: i for i, kind in enumerate(LegalPage.Kind.values)}
    pages = LegalPage.objects.live().filter(public_q())
    return sorted(pages, key=lambda page: order.get(page.kind, 99))
