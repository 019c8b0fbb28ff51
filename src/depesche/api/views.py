"""The read-only JSON API (django-ninja): articles, sections, tags, Meistgelesen. Only GET; others
are 405."""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Path, Query, Router
from ninja.errors import HttpError

from depesche.api import selectors
from depesche.api.conditional import conditional_json
from depesche.api.schemas import (
    ArticleDetailOut,
    ArticleList,
    ErrorOut,
    MostReadItemOut,
    MostReadOut,
    SectionList,
    SectionOut,
    TagList,
    TagOut,
    ValidationErrorOut,
)
from depesche.api.serializers import absolute_url, article_detail_out, article_out
from depesche.newsroom.models import SectionPage
from depesche.readership.selectors import mostread_list

router = Router()

SLUG = r"^[-\w]+$"
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
ERRORS = {304: None, 400: ErrorOut, 422: ValidationErrorOut}


def _aware(value: datetime) -> datetime:
    """`value` as an aware datetime in UTC (naive: Europe/Berlin); 400 when it cannot be one.

    In UTC because ISO 8601 (and Python) allow offsets up to ±23:59, PostgreSQL only up to
    ±15:59: "…-19:11" passed as it came was a 500 there (found by the schema fuzzer)."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise HttpError(400, "since: Zeitpunkt außerhalb des gültigen Bereichs") from exc


@router.get(
    "/articles/",
    response={200: ArticleList, **ERRORS},
    summary="Artikel / articles",
    description="Live articles, newest first publication first.",
)
def articles(
    request: HttpRequest,
    section: str | None = Query(None, pattern=SLUG, max_length=255, description="Section slug"),
    tag: str | None = Query(None, pattern=SLUG, max_length=255, description="Tag slug"),
    since: datetime | None = Query(
        None, description="Only articles first published at or after this ISO 8601 time"
    ),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> HttpResponse:
    section_page = None
    if section is not None:
        section_page = selectors.section_by_slug(slug=section)
        if section_page is None:
            raise HttpError(400, f"section: unbekanntes Ressort „{section}“")
    if tag is not None and not selectors.tag_exists(slug=tag):
        raise HttpError(400, f"tag: unbekanntes Thema „{tag}“")
    found = selectors.articles_filtered(
        section=section_page, tag_slug=tag, since=_aware(since) if since else None
    )
    payload = ArticleList(
        count=found.count(),
        limit=limit,
        offset=offset,
        results=[article_out(article) for article in found[offset : offset + limit]],
    )
    return conditional_json(request, payload, last_modified=selectors.newest_change(found))


@router.get(
    "/articles/{article_id}/",
    response={200: ArticleDetailOut, 404: ErrorOut, **ERRORS},
    summary="Artikel / article",
    description="One live article with its body as plain text and as sanitised HTML.",
)
def article(request: HttpRequest, article_id: int = Path(..., ge=1, le=2**63 - 1)) -> HttpResponse:
    found = selectors.article_live(article_id=article_id)
    if found is None:
        raise HttpError(404, "Artikel nicht gefunden")
    changed = max(
        value
        for value in (found.last_published_at, found.updated_at, found.first_published_at)
        if value is not None
    )
    return conditional_json(request, article_detail_out(found), last_modified=changed)


@router.get(
    "/sections/",
    response={200: SectionList, **ERRORS},
    summary="Ressorts / sections",
    description="Live sections in site order, with their number of live articles.",
)
def sections(request: HttpRequest) -> HttpResponse:
    rows = selectors.sections_with_counts()
    payload = SectionList(
        count=len(rows),
        results=[_section_out(section) for section in rows],
    )
    changed = [section.last_published_at for section in rows if section.last_published_at]
    return conditional_json(request, payload, last_modified=max(changed) if changed else None)


def _section_out(section: SectionPage) -> SectionOut:
    return SectionOut(
        id=section.pk,
        slug=section.slug,
        title=section.title,
        description=section.description,
        url=absolute_url(section),
        article_count=section.article_count,  # type: ignore[attr-defined]
    )


@router.get(
    "/tags/",
    response={200: TagList, **ERRORS},
    summary="Themen / tags",
    description="Tags of live articles, by name, with their number of live articles.",
)
def tags(
    request: HttpRequest,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> HttpResponse:
    rows = selectors.tags_with_counts()
    payload = TagList(
        count=rows.count(),
        limit=limit,
        offset=offset,
        results=[
            TagOut(slug=row["tag__slug"], name=row["tag__name"], article_count=row["article_count"])
            for row in rows[offset : offset + limit]
        ],
    )
    newest = selectors.newest_change(selectors.articles_filtered())
    return conditional_json(request, payload, last_modified=newest)


@router.get(
    "/meistgelesen/",
    response={200: MostReadOut, 404: ErrorOut, **ERRORS},
    summary="Meistgelesen / most read",
    description=(
        "The most-read live articles of the last 24 hours (7 days when the day had too few "
        "reads), site-wide or of one section; recomputed every few minutes."
    ),
)
def meistgelesen(
    request: HttpRequest,
    section: str | None = Query(None, pattern=SLUG, max_length=255, description="Section slug"),
) -> HttpResponse:
    section_id = None
    if section is not None:
        section_page = selectors.section_by_slug(slug=section)
        if section_page is None:
            raise HttpError(404, f"section: unbekanntes Ressort „{section}“")
        section_id = section_page.pk
    found = mostread_list(section_id=section_id)
    payload = MostReadOut(
        window=found.window,
        computed_at=found.computed_at,
        items=[
            MostReadItemOut(
                rank=item.rank,
                id=item.article.pk,
                title=item.article.title,
                url=absolute_url(item.article),
                views=item.views,
            )
            for item in found.items
        ],
    )
    return conditional_json(request, payload, last_modified=found.computed_at)
