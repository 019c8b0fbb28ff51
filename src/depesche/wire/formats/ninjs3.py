"""IPTC ninjs 3.x: the shapes of ninjs 2 with camelCase property names (`versionCreated`,
`pubStatus`, `contentType`, …) and `embargoedUntil` for the embargo."""

from __future__ import annotations

from typing import Any

from depesche.wire.formats.base import Format, WireArticle
from depesche.wire.formats.ninjs2 import Names, read_arrays

NINJS3 = Names(
    content_type="contentType",
    version_created="versionCreated",
    first_created="firstCreated",
    pubstatus="pubStatus",
    embargoed="embargoedUntil",
    copyright_holder="copyrightHolder",
    copyright_notice="copyrightNotice",
    usage_terms="usageTerms",
)


def read(record: dict[str, Any]) -> WireArticle:
    return read_arrays(record, fmt=Format.NINJS3, names=NINJS3)
