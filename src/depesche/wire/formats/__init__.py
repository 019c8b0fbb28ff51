"""Wire formats: detect a record's format and read it into a WireArticle."""

from __future__ import annotations

from typing import Any

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
]


def detect_format(record: Any) -> Format:
    """The record's format from `format`, `$schema`, version markers and field shapes.
    Raises RecordError naming why no format fits."""
    raise NotImplementedError  # FORMATS helper


def read_record(record: Any) -> WireArticle:
    """Read one raw record. Raises RecordSkipped (not an article) or RecordError (bad)."""
    raise NotImplementedError  # FORMATS helper
