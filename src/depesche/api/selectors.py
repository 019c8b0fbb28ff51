"""Reads behind the API: only what the newsroom's public gate lets through (no drafts, nothing
behind a password or login), joins decided once (constant queries per request)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, Prefetch, QuerySet

from depesche.newsroom import selectors as newsroom
from depesche.newsroom.models import ArticlePage, ArticlePageTag, SectionPage


def _with_relations(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    return articles.select_related("section").prefetch_related(
        Prefetch("tagged_items", queryset=ArticlePageTag.objects.select_related("tag"))
    )


def articles_filtered(
    *,
    section: SectionPage | None = None,
    tag_slug: str | None = None,
    since: datetime | None = None,
) -> QuerySet[ArticlePage]:
    """Public articles, newest first publication first, filtered; with section and tags joined."""
    articles = newsroom.articles_public()
    if section is not None:
        articles = articles.filter(section=section)
    if tag_slug is not None:
        articles = articles.filter(tagged_items__tag__slug=tag_slug)
    if since is not None:
        articles = articles.filter(first_published_at__gte=since)
    return _with_relations(articles.order_by("-first_published_at", "-pk"))


def newest_change(articles: QuerySet[ArticlePage]) -> datetime | None:
    """The latest publication or visible update among `articles` (for Last-Modified)."""
    row = articles.order_by().aggregate(
        published=Max("last_published_at"), updated=Max("updated_at")
    )
    values = [value for value in row.values() if value is not None]
    return max(values) if values else None


def article_live(*, article_id: int) -> ArticlePage | None:
    return _with_relations(newsroom.articles_public().filter(pk=article_id)).first()


def section_by_slug(*, slug: str) -> SectionPage | None:
    return next((s for s in newsroom.sections_live() if s.slug == slug), None)


def tag_exists(*, slug: str) -> bool:
    """A tag readers can see: one only on drafts or restricted articles answers as unknown."""
    return newsroom.tag_public(slug=slug) is not None


def sections_with_counts() -> list[SectionPage]:
    """Live sections in tree order, each with `article_count` (its live articles); two queries."""
    # ArticlePage.section has no reverse accessor (related_name="+"): count grouped by section.
    counts = dict(
        newsroom.articles_public()
        .order_by()
        .values_list("section_id")
        .annotate(count=Count("pk"))
        .values_list("section_id", "count")
    )
    sections = newsroom.sections_live()
    for section in sections:
        section.article_count = counts.get(section.pk, 0)  # type: ignore[attr-defined]
    return sections


def tags_with_counts() -> QuerySet[ArticlePageTag]:
    """Tags with at least one public article, as rows of slug, name and article_count."""
    return (
        ArticlePageTag.objects.filter(content_object__in=newsroom.articles_public().order_by())
        .values("tag__slug", "tag__name")
        .annotate(article_count=Count("content_object", distinct=True))
        .order_by("tag__name", "tag__slug")
    )
