"""Reading IPTC ninjs article records: parsing, validation and body conversion. No writes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import nh3
from django.utils import timezone
from django.utils.html import strip_tags

from depesche.core.text import html_to_text
from depesche.wire.formats.base import RecordError  # noqa: E402


@dataclass
class NinjsArticle:
    guid: str
    headline: str
    teaser: str
    body_html: str
    section: str
    tags: list[str] = field(default_factory=list)
    byline: str = ""
    located: str = ""
    firstcreated: datetime | None = None
    versioncreated: datetime | None = None
    fingerprint: str = ""


# What the article editor allows (see blocks.RICH_TEXT_FEATURES) plus the tags that become
# blocks of their own (h2 → subheading, blockquote → quote).
_ALLOWED_TAGS = {"p", "br", "b", "i", "a", "ol", "ul", "li", "h2", "h3", "blockquote"}
_RENAMES = [
    (re.compile(r"<(/?)strong\b", re.I), r"<\1b"),
    (re.compile(r"<(/?)em\b", re.I), r"<\1i"),
]
_BLOCK_SPLIT = re.compile(r"(<h2>.*?</h2>|<blockquote>.*?</blockquote>)", re.S)


def load_records(path: Path) -> list[Any]:
    """The records of one file: a ninjs object or a list of them. Raises RecordError."""
    try:
        # utf-8-sig: Windows tools often start UTF-8 files with a byte-order mark.
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise RecordError("expected a ninjs object or a list of objects")


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"'{key}' must be a string")
    if "\x00" in value:
        # PostgreSQL cannot store NUL characters; the database would abort the whole import.
        raise RecordError(f"'{key}' contains a NUL character")
    return value.strip()


def _datetime(record: dict[str, Any], key: str) -> datetime | None:
    raw = record.get(key)
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise RecordError(f"'{key}' must be an ISO 8601 date-time string")
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise RecordError(f"'{key}' is not an ISO 8601 date-time: {raw!r}") from exc
    if timezone.is_naive(value):
        # ninjs asks for an offset; a bare local time is read as newsroom time.
        value = timezone.make_aware(value)
    return value


def _tags(record: dict[str, Any]) -> list[str]:
    subjects = record.get("subject") or []
    if not isinstance(subjects, list):
        raise RecordError("'subject' must be a list")
    names: list[str] = []
    for subject in subjects:
        name = subject.get("name") if isinstance(subject, dict) else None
        if not isinstance(name, str):
            continue
        if "\x00" in name:
            raise RecordError("a 'subject' name contains a NUL character")
        # Compare normalised names, so "A  B" and "A B" are one tag.
        name = " ".join(name.split())[:100]
        if name and name not in names:
            names.append(name)
    return names


def parse_record(record: Any) -> NinjsArticle:
    """Validate one ninjs record. Raises RecordError naming the first problem found."""
    if not isinstance(record, dict):
        raise RecordError("a record must be a JSON object")
    guid = _text(record, "guid") or _text(record, "uri")
    if not guid:
        raise RecordError("no 'guid' or 'uri' to identify the article")
    headline = strip_tags(_text(record, "headline")).strip()
    if not headline:
        raise RecordError("no 'headline'")
    teaser = html_to_text(_text(record, "description_text"))
    if not teaser:
        raise RecordError("no 'description_text' (the teaser is required)")
    section = _text(record, "section")
    if not section:
        raise RecordError("no 'section'")
    firstcreated = _datetime(record, "firstcreated")
    versioncreated = _datetime(record, "versioncreated")
    raw = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return NinjsArticle(
        guid=guid[:255],
        headline=headline[:255],
        teaser=teaser,
        body_html=_text(record, "body_html"),
        section=section,
        tags=_tags(record),
        byline=_text(record, "byline")[:255],
        located=_text(record, "located")[:120],
        firstcreated=firstcreated,
        versioncreated=versioncreated,
        fingerprint=hashlib.sha256(raw.encode()).hexdigest(),
    )


def sanitise_html(html: str) -> str:
    """Reduce HTML to the rich-text features editors have; scripts and styles go entirely."""
    for pattern, replacement in _RENAMES:
        html = pattern.sub(replacement, html)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    ).strip()


def body_blocks(html: str) -> Iterator[tuple[str, Any]]:
    """StreamField blocks for sanitised body HTML: subheadings and quotes become blocks."""
    for part in _BLOCK_SPLIT.split(sanitise_html(html)):
        part = part.strip()
        if not part:
            continue
        if part.startswith("<h2>"):
            text = html_to_text(part)
            if text:
                yield ("subheading", text)
        elif part.startswith("<blockquote>"):
            text = html_to_text(part)
            if text:
                yield ("quote", {"quote": text, "attribution": ""})
        elif html_to_text(part):
            yield ("paragraph", part)
