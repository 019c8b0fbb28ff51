"""The SQLite part of the search backend (see backend.py): Snowball German stems as prefixes."""

from __future__ import annotations

from functools import reduce
from typing import Any

from wagtail.search.backends.database.sqlite.query import (
    Lexeme,
    LexemeCombinable,
    SearchQueryExpression,
    SearchQueryField,
)
from wagtail.search.backends.database.sqlite.sqlite import (
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from wagtail.search.query import PlainText

from depesche.sitesearch.german import MIN_PREFIX, query_terms, stem


class _Group(LexemeCombinable):
    """`( … )` around lexemes: Wagtail's combined lexemes carry no parentheses, and FTS5 binds
    AND tighter than OR."""

    _output_field = SearchQueryField()

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self.inner = inner

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.inner)
        return "%s", ["(" + sql % tuple(params) + ")"]


def _term_lexeme(term: str) -> Any:
    stemmed = stem(term)
    if len(stemmed) < MIN_PREFIX:
        return Lexeme(term)
    lexeme = Lexeme(stemmed, prefix=True)
    # The stemmer spells ß as ss; FTS5 keeps ß, so "Straße" needs both spellings.
    if "ss" in stemmed:
        return _Group(lexeme | Lexeme(stemmed.replace("ss", "ß"), prefix=True))
    return lexeme


class GermanSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
    def build_search_query_content(self, query: Any, config: Any = None) -> Any:
        if not isinstance(query, PlainText):
            return super().build_search_query_content(query, config=config)
        lexemes = [_term_lexeme(term) for term in query_terms(query.query_string)]
        if not lexemes:
            return None
        if query.operator.upper() == "AND":
            combined = reduce(lambda a, b: a & b, lexemes)
        else:
            combined = reduce(lambda a, b: a | b, lexemes)
        return SearchQueryExpression(combined, config=config)


class GermanSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = GermanSQLiteQueryCompiler
