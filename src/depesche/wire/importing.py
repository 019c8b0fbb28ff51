"""Agency records in: read (any supported format), pictures fetched, then one story each.

The one pipeline behind `depesche import-articles`, push (`POST /wire/<feed>/`) and poll."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from depesche.newsroom.models import SectionPage
from depesche.wire.files import expand_paths, load_records
from depesche.wire.formats import read_record
from depesche.wire.formats.base import Format, RecordError, RecordSkipped
from depesche.wire.images import image_fields
from depesche.wire.models import Feed
from depesche.wire.slugs import article_slug
from depesche.wire.stories import (
    SKIPPED_UNPUBLISHED,
    ImportResult,
    Outcome,
    story_import,
)

__all__ = [
    "SKIPPED_UNPUBLISHED",
    "ImportReport",
    "ImportResult",
    "Outcome",
    "article_slug",
    "import_files",
    "record_import",
]

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.counts[Outcome.FAILED]


def _format_mismatch(feed: Feed | None, found: Format) -> str:
    """A feed set to one format takes no other: a record of another kind is most likely sent
    to the wrong address."""
    if feed is None or feed.format == Feed.FormatChoice.AUTO:
        return ""
    family = "digitalwires" if found is Format.DIGITALWIRES else "ninjs"
    if family == feed.format:
        return ""
    return f"feed {feed.slug!r} takes {feed.get_format_display()}, this record is {found.value}"


def record_import(
    *,
    raw: Any,
    feed: Feed | None = None,
    section: SectionPage | None = None,
    republish: bool = False,
    fetch_images: bool = True,
) -> ImportResult:
    """Import one raw agency record for `feed` (None: the command line, which publishes; a
    feed publishes only with auto-publish). Never raises for a bad record: FAILED and SKIPPED
    carry the reason. Pictures are fetched before the article's transaction; a picture that
    cannot be fetched never blocks the text."""
    try:
        article = read_record(raw)
    except RecordSkipped as exc:
        return ImportResult(Outcome.SKIPPED, message=str(exc))
    except RecordError as exc:
        return ImportResult(Outcome.FAILED, message=str(exc))
    mismatch = _format_mismatch(feed, article.format)
    if mismatch:
        return ImportResult(Outcome.FAILED, message=mismatch)
    images = None
    if fetch_images and article.images:
        images = image_fields(
            images=article.images, record_id=article.record_id, title=article.headline
        )
    publish = feed.auto_publish if feed is not None else True
    try:
        return story_import(
            article=article,
            feed=feed,
            section=section,
            publish=publish,
            republish=republish,
            images=images,
        )
    except RecordError as exc:
        return ImportResult(Outcome.FAILED, message=str(exc))


def import_files(
    paths: list[Path],
    *,
    on_progress: Callable[[int, int], None] | None = None,
    transform: Callable[[dict], dict] | None = None,
    republish: bool = False,
    section: SectionPage | None = None,
    feed: Feed | None = None,
) -> ImportReport:
    """Import every record of every file (a directory: its .json files); bad records are
    reported and left out, the good ones kept.

    Errors and skips name the file, the record's position (1-based) and the reason.
    `transform` may rewrite raw records first (the demo moves its dates to the present).
    `republish` publishes again articles the newsroom unpublished (skipped otherwise).
    """
    report = ImportReport()
    batches: list[tuple[Path, list]] = []
    for path in expand_paths(paths):
        try:
            batches.append((path, load_records(path)))
        except (OSError, RecordError) as exc:
            report.counts[Outcome.FAILED] += 1
            report.errors.append(f"{path}: {exc}")
    total = sum(len(records) for _, records in batches)
    done = 0
    for path, records in batches:
        for position, raw in enumerate(records, start=1):
            if transform is not None and isinstance(raw, dict):
                raw = transform(raw)
            result = record_import(raw=raw, feed=feed, section=section, republish=republish)
            where = f"{path} record {position}"
            if result.outcome is Outcome.FAILED:
                report.errors.append(f"{where}: {result.message}")
            elif result.outcome is Outcome.SKIPPED:
                report.skipped.append(f"{where}: skipped, {result.message}")
            elif result.outcome is Outcome.WITHDRAWN:
                report.skipped.append(f"{where}: withdrawn by the agency, unpublished")
            report.counts[result.outcome] += 1
            done += 1
            if on_progress is not None:
                on_progress(done, total)
    return report
