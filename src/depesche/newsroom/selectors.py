"""Reads of the editorial model, with their joins decided once."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from taggit.models import Tag

from depesche.newsroom.models import ArticlePage, LegalPage, SectionPage

HOME_LATEST = 11  # a lead spanning two columns plus ten fills 3 or 4 columns
HOME_PER_SECTION = 4


def articles_live() -> QuerySet[ArticlePage]:
    """Published articles, newest first, with what a teaser card needs in the same query."""
    return (
        ArticlePage.objects.live().select_related("section").order_by("-first_published_at", "-pk")
    )


def articles_latest(*, limit: int) -> list[ArticlePage]:
    return list(articles_live()[:limit])


def articles_in_section(*, section_id: int) -> QuerySet[ArticlePage]:
    return articles_live().filter(section_id=section_id)


def articles_for_tag(*, tag: Tag) -> QuerySet[ArticlePage]:
    return articles_live().filter(tagged_items__tag=tag)


def sections_live() -> list[SectionPage]:
    return list(SectionPage.objects.live().order_by("path"))


def section_blocks(*, limit: int) -> list[tuple[SectionPage, list[ArticlePage]]]:
    """Each live section with its newest articles; sections without articles are left out."""
    blocks = []
    for section in sections_live():
        articles = list(articles_in_section(section_id=section.pk)[:limit])
        if articles:
            blocks.append((section, articles))
    return blocks


def articles_related(*, article: ArticlePage, limit: int = 5) -> list[ArticlePage]:
    """Published articles sharing tags with `article`: most shared tags first, then newest.

    Never the article itself. The filter and the count use the same join, so `shared` counts
    only the tags in common.
    """
    tag_ids = list(article.tagged_items.values_list("tag_id", flat=True))
    if not tag_ids:
        return []
    return list(
        articles_live()
        .filter(tagged_items__tag_id__in=tag_ids)
        .exclude(pk=article.pk)
        .annotate(shared=Count("tagged_items"))
        .order_by("-shared", "-first_published_at", "-pk")[:limit]
    )


def legal_pages() -> list[LegalPage]:
    order = {kind: i for i, kind in enumerate(LegalPage.Kind.values)}
    return sorted(LegalPage.objects.live(), key=lambda page: order.get(page.kind, 99))
