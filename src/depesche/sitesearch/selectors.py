"""The site search: public articles matching a query, optionally by section and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString
from wagtail.query import PageQuerySet

from depesche.newsroom.models import ArticlePage, SectionPage
from depesche.newsroom.selectors import articles_public_for_search
from depesche.sitesearch.german import highlight, query_terms, snippet, stem


@dataclass(frozen=True)
class Hit:
    article: ArticlePage
    headline: SafeString
    snippet: SafeString


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def articles_search(
    *,
    query: str,
    section: SectionPage | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Any:
    """Public articles (the newsroom's gate) matching every word of `query` (in any inflected
    form), best match first.

    `since`/`until` are whole days (Europe/Berlin) of first publication, both included. The
    result is a lazy Wagtail search result: slice or paginate it. A query without any word
    matches nothing.
    """
    terms = query_terms(query)
    articles = cast(PageQuerySet, articles_public_for_search())
    if not terms:
        return articles.none()
    if section is not None:
        articles = articles.filter(section=section)
    if since is not None:
        articles = articles.filter(first_published_at__gte=_start_of(since))
    if until is not None:
        articles = articles.filter(first_published_at__lt=_start_of(until + timedelta(days=1)))
    return articles.search(" ".join(terms), operator="and", order_by_relevance=True)


def search_hits(*, articles: Any, query: str) -> list[Hit]:
    """Headline and snippet of each article, HTML-escaped, with `<mark>` around matched words."""
    stems = [stem(term) for term in query_terms(query)]
    # Mark what the database matched: SQLite's fallback matches stems as prefixes (compounds).
    prefix = connection.vendor == "sqlite"
    hits = []
    for article in articles:
        text = article.teaser + "\n" + article.body_text()
        hits.append(
            Hit(
                article=article,
                headline=highlight(article.title, stems, prefix=prefix),
                snippet=snippet(text, stems, prefix=prefix),
            )
        )
    return hits
