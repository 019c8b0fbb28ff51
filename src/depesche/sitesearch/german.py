"""German query terms, stems and highlighting, shared by both database backends.

PostgreSQL stems with its `german` text search configuration, which is the Snowball German
stemmer; the same Snowball stemmer (snowballstemmer) runs here, so Python-side highlighting and
the SQLite fallback agree with PostgreSQL about what a word's stem is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_TERMS = 10
# Stems shorter than this are matched as whole words only: "in*" would match half the paper.
MIN_PREFIX = 3
_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("german")


def query_terms(query: str) -> list[str]:
    """The words of a reader's query (letters and digits only; operators and quotes dropped)."""
    return _WORD.findall(unicodedata.normalize("NFC", query))[:MAX_TERMS]


def fold(word: str) -> str:
    """Lower case without umlaut dots or accents, ß as ss: how the SQLite index compares."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1024)
def stem(word: str) -> str:
    """The Snowball German stem of `word`, folded ("Truppen" → "trupp", "Häuser" → "haus")."""
    return fold(_stemmer.stemWord(word.casefold()))


def word_matches(word: str, stems: list[str], *, prefix: bool = False) -> bool:
    """True when `word` is an inflected form of a query stem; with `prefix` also when it starts
    with one (a compound), as the SQLite fallback matches."""
    word_stem = stem(word)
    for term_stem in stems:
        if word_stem == term_stem:
            return True
        if prefix and len(term_stem) >= MIN_PREFIX and fold(word).startswith(term_stem):
            return True
    return False


def highlight(text: str, stems: list[str], *, prefix: bool = False) -> SafeString:
    """`text` HTML-escaped, with `<mark>` around the words matching `stems` (and nothing else)."""
    parts: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        if word_matches(match.group(), stems, prefix=prefix):
            parts.append(escape(text[position : match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def snippet(text: str, stems: list[str], *, prefix: bool = False, length: int = 240) -> SafeString:
    """About `length` characters of `text` around its first match, highlighted.

    Starts at the beginning when nothing matches (e.g. the hit was a tag); cut at word
    boundaries, with "…" where text was left out.
    """
    text = " ".join(text.split())
    start = 0
    for match in _WORD.finditer(text):
        if word_matches(match.group(), stems, prefix=prefix):
            start = max(0, match.start() - length // 3)
            break
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    excerpt = text[start:end]
    before = "… " if start > 0 else ""
    after = " …" if end < len(text) else ""
    return mark_safe(before + highlight(excerpt, stems, prefix=prefix) + after)  # noqa: S308
