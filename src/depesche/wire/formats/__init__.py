"""Wire formats: detect a record's format and read it into a WireArticle."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from depesche.wire.formats import digitalwires, ninjs1, ninjs2, ninjs3
from depesche.wire.formats.base import (
    Category,
    CategoryKind,
    Format,
    PubStatus,
    RecordError,
    RecordSkipped,
    Rendition,
    WireArticle,
    WireImage,
)
from depesche.wire.formats.common import tag_key

__all__ = [
    "Category",
    "CategoryKind",
    "Format",
    "PubStatus",
    "RecordError",
    "RecordSkipped",
    "Rendition",
    "WireArticle",
    "WireImage",
    "detect_format",
    "read_record",
    "tag_key",
]


_READERS: dict[Format, Callable[[dict[str, Any]], WireArticle]] = {
    Format.NINJS1: ninjs1.read,
    Format.NINJS2: ninjs2.read,
    Format.NINJS3: ninjs3.read,
    Format.DIGITALWIRES: digitalwires.read,
}
_BY_MAJOR = {"1": Format.NINJS1, "2": Format.NINJS2, "3": Format.NINJS3}
_SCHEMA_VERSION = re.compile(r"ninjs-schema_(\d+\.\d+)", re.I)
_VERSION = re.compile(r"\d+\.\d+")
# dpa-digitalwires' snake_case fields that no ninjs version has.
_DPA_FIELDS = {"article_html", "version_created", "desk_names", "dpasubject_names", "dateline"}
# ninjs 3 renamed these to camelCase; any of them marks a ninjs 3 record.
_CAMEL_CASE = {
    "versionCreated", "firstCreated", "pubStatus", "contentCreated", "embargoedUntil",
    "copyrightHolder", "copyrightNotice", "usageTerms", "altIds", "edNote", "infoSources",
    "representationType",
}  # fmt: skip
_NINJS2 = {"headlines", "bodies", "descriptions", "subjects", "genres", "places"}
_NINJS1 = {"headline", "body_html", "body_xhtml", "body_text", "description_text", "subject"}


def _version_marker(record: dict[str, Any]) -> str:
    """The ninjs version a record names in `$schema`, `standard` or `$standard`, or ""."""
    for key in ("$schema", "standard", "$standard"):
        value = record.get(key)
        if isinstance(value, dict):
            version, schema = value.get("version"), value.get("schema")
            if isinstance(version, str) and (match := _VERSION.search(version)):
                return match.group(0)
            value = schema
        # Only a ninjs schema's name counts: "$schema" may name JSON Schema itself.
        if isinstance(value, str) and (match := _SCHEMA_VERSION.search(value)):
            return match.group(1)
    return ""


def detect_format(record: Any) -> Format:
    """The record's format from `format`, `$schema`, version markers and field shapes.
    Raises RecordError naming why no format fits."""
    if not isinstance(record, dict):
        raise RecordError("a record must be a JSON object")
    declared = record.get("format")
    if isinstance(declared, str) and declared.startswith("digitalwires"):
        return Format.DIGITALWIRES
    # A version marker wins over shapes: simpleEvent.json says 3.1, TT's file "TTNINJS 2.0".
    if version := _version_marker(record):
        major = version.partition(".")[0]
        if major not in _BY_MAJOR:
            raise RecordError(f"unsupported ninjs version {version}")
        return _BY_MAJOR[major]
    keys = set(record)
    if "urn" in keys and keys & _DPA_FIELDS:
        return Format.DIGITALWIRES
    if keys & _CAMEL_CASE:
        return Format.NINJS3
    if keys & _NINJS2:
        return Format.NINJS2
    if keys & _NINJS1:
        return Format.NINJS1
    raise RecordError(
        "not a ninjs or dpa-digitalwires record: no headline, headlines[], body or "
        "digitalwires `format`"
    )


def read_record(record: Any) -> WireArticle:
    """Read one raw record. Raises RecordSkipped (not an article) or RecordError (bad)."""
    return _READERS[detect_format(record)](record)
