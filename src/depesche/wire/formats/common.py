"""Helpers every format reader shares: typed field access that names the field in its errors,
dates, categories to tags, the tag key, and the last step that turns what a reader found into
a checked WireArticle. No database, no network."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from depesche.core.text import html_to_text
from depesche.newsroom.bylines import byline_names
from depesche.wire.formats.base import Category, CategoryKind, PubStatus, RecordError, WireArticle
from depesche.wire.formats.bodies import insert_dateline, teaser_from_body

MEDIATOPIC_URI = "http://cv.iptc.org/newscodes/mediatopic/"
_TAG_KINDS = (CategoryKind.SUBJECT, CategoryKind.KEYWORD, CategoryKind.GEO)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_PUBSTATUS = {
    "usable": PubStatus.USABLE,
    "withheld": PubStatus.WITHHELD,
    "canceled": PubStatus.CANCELED,
    "cancelled": PubStatus.CANCELED,  # British spelling, seen in agency feeds
}
# Signals (dpa `signal`, ninjs `signals`) that mark a correction of an earlier version.
_CORRECTION_SIGNALS = {"correction", "sig:correction"}
TAG_MAX = 100


def tag_key(name: str) -> str:
    """The key two tag names share when they are the same tag: "Börse", "Boerse" and " BÖRSE "
    have one key. NFC first, so a decomposed "o" + U+0308 counts as "ö"."""
    folded = unicodedata.normalize("NFC", name).casefold().translate(_UMLAUTS)
    return " ".join(folded.split())


def fingerprint(record: Any) -> str:
    raw = json.dumps(record, sort_keys=True, ensure_ascii=False)
    # surrogatepass: JSON may carry a lone surrogate ("\ud800"); it must not crash the hash.
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class Fields:
    """Read one JSON object's fields by name with their type checked; every error names the
    field as the record spells it (`where` prefixes nested objects: "associations[0].")."""

    def __init__(self, data: Mapping[str, Any], where: str = "") -> None:
        self.data = data
        self.where = where

    def name(self, key: str) -> str:
        return f"'{self.where}{key}'"

    def text(self, key: str) -> str:
        """The string, stripped; "" when absent or null."""
        return check_text(self.data.get(key), self.name(key))

    def first_text(self, *keys: str) -> str:
        for key in keys:
            value = self.text(key)
            if value:
                return value
        return ""

    def integer(self, key: str) -> int | None:
        """An int, or a string of digits ("2"); None when absent or not a number string."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise RecordError(f"{self.name(key)} must be a number")
        if isinstance(value, int):
            return value
        check_text(value, self.name(key))
        return int(value.strip()) if value.strip().isdigit() else None

    def moment(self, key: str) -> datetime | None:
        return parse_moment(self.data.get(key), self.name(key))

    def objects(self, key: str) -> list[Fields]:
        """The list's objects as Fields; entries that are not objects are ignored (agencies mix
        in bare strings), a value that is not a list is an error."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise RecordError(f"{self.name(key)} must be a list")
        return [
            Fields(item, f"{self.where}{key}[{index}].")
            for index, item in enumerate(value)
            if isinstance(item, dict)
        ]

    def objects_or_map(self, key: str) -> list[Fields]:
        """A list of objects, or an object of named objects (ninjs associations, renditions)."""
        value = self.data.get(key)
        if isinstance(value, dict):
            return [
                Fields(item, f"{self.where}{key}.{name}.")
                for name, item in value.items()
                if isinstance(item, dict)
            ]
        return self.objects(key)

    def strings(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise RecordError(f"{self.name(key)} must be a list")
        return [
            check_text(item, f"{self.name(key)} entry") for item in value if isinstance(item, str)
        ]


def check_text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a string")
    if "\x00" in value:
        # PostgreSQL cannot store NUL characters; the database would abort the whole import.
        raise RecordError(f"{name} contains a NUL character")
    return value.strip()


def parse_moment(raw: Any, name: str) -> datetime | None:
    """An ISO 8601 date-time; "Z" is UTC and a time without an offset is newsroom time."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise RecordError(f"{name} must be an ISO 8601 date-time string")
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise RecordError(f"{name} is not an ISO 8601 date-time: {raw[:40]!r}") from exc
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def pubstatus(fields: Fields, key: str) -> PubStatus:
    raw = fields.text(key).casefold()
    if not raw:
        return PubStatus.USABLE
    raw = raw.removeprefix("stat:")
    if raw not in _PUBSTATUS:
        raise RecordError(f"{fields.name(key)} is not usable, withheld or canceled: {raw[:40]!r}")
    return _PUBSTATUS[raw]


def is_correction(signals: Iterable[str]) -> bool:
    return any(signal.casefold() in _CORRECTION_SIGNALS for signal in signals)


def plain(value: str) -> str:
    """Text from a field that may carry HTML (captions, headlines), whitespace collapsed."""
    if "<" in value or "&" in value:
        return html_to_text(value)
    return " ".join(unicodedata.normalize("NFC", value).split())


def join_terms(*parts: str) -> str:
    """Usage terms and copyright as one line; dpa's bilingual terms come one per line."""
    lines = [" ".join(line.split()) for part in parts for line in part.splitlines()]
    unique: list[str] = []
    for line in lines:
        if line and line not in unique:
            unique.append(line)
    return " · ".join(unique)


def mediatopic(code: str, uri: str = "", scheme: str = "") -> str:
    """ "medtop:NNNNNNNN" when the code or URI is an IPTC media topic, else ""."""
    if code.startswith("medtop:"):
        return code
    if uri.startswith(MEDIATOPIC_URI):
        return "medtop:" + uri.removeprefix(MEDIATOPIC_URI).strip("/")
    if scheme.startswith(MEDIATOPIC_URI) and code:
        return "medtop:" + code
    return ""


def add_category(categories: list[Category], kind: CategoryKind, code: str, name: str) -> None:
    name = " ".join(name.split())
    if not (code or name):
        return
    category = Category(kind, code, name)
    if category not in categories:
        categories.append(category)


def tags_from(categories: Iterable[Category]) -> list[str]:
    tags: list[str] = []
    keys: set[str] = set()
    for category in categories:
        if category.kind not in _TAG_KINDS or not category.name:
            continue
        name = category.name[:TAG_MAX].strip()
        key = tag_key(name)
        if key and key not in keys:
            keys.add(key)
            tags.append(name)
    return tags


def finish(
    article: WireArticle, *, record: Any, id_fields: str, headline_fields: str = "'headline'"
) -> WireArticle:
    """Check what every article needs, apply the documented fallbacks and the caps.
    `id_fields` and `headline_fields` name the record's fields for the error messages."""
    if not article.record_id:
        raise RecordError(f"no {id_fields} to identify the article")
    if not article.headline:
        raise RecordError(f"no {headline_fields}")
    if not article.teaser:
        # Documented fallback: the body's first sentences (the dateline is not a sentence).
        article.teaser = teaser_from_body(article.body_html, dateline=article.dateline)
    if not article.teaser:
        raise RecordError("neither a teaser/description nor a body")
    if article.dateline and article.body_html:
        article.body_html = insert_dateline(article.body_html, article.dateline)
    article.record_id = article.record_id[:255]
    article.headline = article.headline[:255]
    article.byline = article.byline[:255]
    article.authors = byline_names(article.byline)
    article.creditline = article.creditline[:255]
    article.kicker = article.kicker[:120]
    article.located = article.located[:120]
    article.breaking = article.breaking or article.urgency in (1, 2)
    article.tags = tags_from(article.categories)
    article.fingerprint = fingerprint(record)
    return article
