"""Wagtail's database search backend, with German word forms on SQLite too.

Set as `WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]`. On PostgreSQL this is Wagtail's own
backend; `SEARCH_CONFIG = "german"` makes it index and query with PostgreSQL's German
configuration (Snowball stemming, German stop words). SQLite's FTS5 has no German stemmer, so
there each query word is reduced to its Snowball German stem and matched as a prefix:
"Truppen" → `trupp*` finds "Truppe", "Truppen" and compounds such as "Truppenabzug". FTS5's
default tokenizer already ignores case and umlaut dots ("Häuser" is indexed as "hauser").
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from wagtail.search.backends.database import SearchBackend as _wagtail_backend


def SearchBackend(params: dict[str, Any]) -> Any:  # noqa: N802 - the name Wagtail looks up
    backend = _wagtail_backend(params)
    if connection.vendor != "sqlite":
        return backend
    # Imported only on SQLite: Wagtail's SQLite module looks up its FTS model at import time,
    # which exists only there.
    from depesche.sitesearch.sqlite import GermanSQLiteSearchBackend, SQLiteSearchBackend

    if isinstance(backend, SQLiteSearchBackend):
        return GermanSQLiteSearchBackend(params)
    return backend
