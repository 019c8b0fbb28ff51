"""What the API returns: pydantic schemas (django-ninja), also the source of the OpenAPI schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema


class SectionRef(Schema):
    slug: str
    title: str


class TagRef(Schema):
    slug: str
    name: str


class ArticleOut(Schema):
    id: int
    url: str = Field(description="Absolute URL of the article page")
    headline: str
    teaser: str
    section: SectionRef | None
    tags: list[TagRef]
    byline: str
    published_at: datetime | None = Field(description="First publication")
    updated_at: datetime | None = Field(description="Last change readers can see")
    reading_minutes: int = Field(ge=1)


class ArticleDetailOut(ArticleOut):
    body_text: str = Field(description="The body as plain text, one block per line")
    body_html: str = Field(
        description=(
            "The body as the article page renders it, sanitised: paragraphs, subheadings, "
            "quotes, lists, links, pictures (figure, img with absolute src and alt, caption "
            "and credit) and embeds (the provider's iframe and a link to the source; no "
            "scripts)"
        )
    )


class ArticleList(Schema):
    count: int = Field(ge=0, description="Articles matching the filters")
    limit: int
    offset: int
    results: list[ArticleOut]


class SectionOut(Schema):
    id: int
    slug: str
    title: str
    description: str
    url: str
    article_count: int = Field(ge=0)


class SectionList(Schema):
    count: int = Field(ge=0)
    results: list[SectionOut]


class TagOut(Schema):
    slug: str
    name: str
    article_count: int = Field(ge=1)


class TagList(Schema):
    count: int = Field(ge=0)
    limit: int
    offset: int
    results: list[TagOut]


class MostReadItemOut(Schema):
    rank: int = Field(ge=1, description="Place in the list as computed (1 = most read)")
    id: int
    title: str
    url: str = Field(description="Absolute URL of the article page")
    views: int = Field(ge=0, description="Reads in the window (cookie-less counter)")


class MostReadOut(Schema):
    window: Literal["24h", "7d"] = Field(
        description="The reads counted: the last 24 hours, or 7 days when the day had too few"
    )
    computed_at: datetime | None = Field(description="When the list was computed")
    items: list[MostReadItemOut]


class EndpointOut(Schema):
    method: str = Field(description="HTTP method, e.g. GET")
    path: str = Field(description="Path, with parameters in braces: /api/articles/{article_id}/")
    summary: str
    description: str


class ApiIndexOut(Schema):
    name: str
    version: str
    description: str
    endpoints: list[EndpointOut]
    openapi_url: str = Field(description="The OpenAPI document (JSON)")
    docs_url: str = Field(description="Interactive documentation")


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]
