"""Importing ninjs articles: each record created or updated and published like an admin publish."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from wagtail.blocks import StreamValue

from depesche.newsroom.models import ArticlePage, SectionPage
from depesche.newsroom.services import article_dates_record, section_find
from depesche.wire.ninjs_legacy import (
    NinjsArticle,
    RecordError,
    body_blocks,
    load_records,
    parse_record,
)

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    # Not an error: an editor unpublished the article, and no automatic process undoes that.
    SKIPPED = "skipped"
    FAILED = "failed"


SKIPPED_UNPUBLISHED = "unpublished by the newsroom"


@dataclass(frozen=True)
class ImportResult:
    outcome: Outcome
    article_id: int | None = None
    message: str = ""  # the reason for FAILED and SKIPPED


def record_import(
    *, raw: Any, feed: Any = None, section: SectionPage | None = None, republish: bool = False
) -> ImportResult:
    """Import one raw agency record (any supported format) for `feed` (None: the command line,
    which publishes). Never raises for a bad record: FAILED/SKIPPED carry the reason.

    Interim implementation (legacy ninjs dialect only); the wire pipeline replaces it."""
    try:
        outcome = article_import(record=parse_record(raw), republish=republish)
    except RecordError as exc:
        return ImportResult(Outcome.FAILED, message=str(exc))
    article = ArticlePage.objects.filter(source_guid=raw.get("guid") or raw.get("uri")).first()
    return ImportResult(outcome, article.pk if article else None)


@dataclass
class ImportReport:
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.counts[Outcome.FAILED]


def article_slug(headline: str, section: SectionPage, exclude_pk: int | None = None) -> str:
    """A readable slug (umlauts spelled out) that no sibling in `section` uses yet."""
    base = slugify(headline.translate(_UMLAUTS))[:80].strip("-") or "artikel"
    base = re.sub(r"-{2,}", "-", base)
    taken = set(section.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(page: ArticlePage, record: NinjsArticle) -> None:
    page.title = record.headline
    page.teaser = record.teaser
    page.body = StreamValue(
        ArticlePage.body.field.stream_block, list(body_blocks(record.body_html))
    )
    page.byline = record.byline
    page.located = record.located
    page.source_guid = record.guid
    page.source_fingerprint = record.fingerprint
    page.tags.set(record.tags)


@transaction.atomic
def article_import(*, record: NinjsArticle, republish: bool = False) -> Outcome:
    """Create or update one article from `record` and publish it through Wagtail's revisions.

    Atomic: a failure leaves nothing behind. Idempotent: the same record again is UNCHANGED.
    An article that exists but is not live was taken down in the newsroom (unpublished or
    expired; the importer itself only ever publishes): it is SKIPPED, changed record or not,
    unless `republish` says the caller means to put it back.
    Raises RecordError for an unknown section or content Wagtail rejects.
    """
    section = section_find(name=record.section)
    if section is None:
        raise RecordError(f"unknown section {record.section!r}")
    existing = ArticlePage.objects.filter(source_guid=record.guid).first()
    if existing is not None and not existing.live and not republish:
        return Outcome.SKIPPED
    if existing and existing.live and existing.source_fingerprint == record.fingerprint:
        return Outcome.UNCHANGED
    try:
        if existing is None:
            page = ArticlePage(live=False)
            _apply(page, record)
            page.slug = article_slug(record.headline, section)
            section.add_child(instance=page)
            outcome = Outcome.CREATED
        else:
            moved_slug = None
            if existing.section_id != section.pk:
                # Wagtail rejects a move onto a slug a sibling in the new section already uses.
                moved_slug = article_slug(existing.slug, section, exclude_pk=existing.pk)
                ArticlePage.objects.filter(pk=existing.pk).update(slug=moved_slug)
                existing.move(section, pos="last-child")
            page = ArticlePage.objects.get(pk=existing.pk).get_latest_revision_as_object()
            _apply(page, record)
            if moved_slug is not None:
                page.slug = moved_slug
            page.full_clean()
            outcome = Outcome.UPDATED
        page.save_revision(clean=False).publish()
    except ValidationError as exc:
        raise RecordError(_validation_message(exc)) from exc
    _set_times(page, record)
    return outcome


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _set_times(page: ArticlePage, record: NinjsArticle) -> None:
    """The agency's times stand in for ours: firstcreated is the first publication."""
    first = record.firstcreated or record.versioncreated
    if first is None:
        return
    version = record.versioncreated or first
    updated = version if version > first else first
    article_dates_record(
        article_id=page.pk, first_published_at=first, last_published_at=updated, updated_at=updated
    )


def import_files(
    paths: list[Path],
    *,
    on_progress: Callable[[int, int], None] | None = None,
    transform: Callable[[dict], dict] | None = None,
    republish: bool = False,
) -> ImportReport:
    """Import every record of every file; bad records are reported and left out.

    Errors and skips name the file, the record's position (1-based) and the reason.
    `transform` may rewrite raw records first (the demo moves its dates to the present).
    `republish` publishes again articles the newsroom unpublished (skipped otherwise).
    """
    report = ImportReport()
    batches: list[tuple[Path, list]] = []
    for path in paths:
        try:
            batches.append((path, load_records(path)))
        except (OSError, RecordError) as exc:
            report.counts[Outcome.FAILED] += 1
            report.errors.append(f"{path}: {exc}")
    total = sum(len(records) for _, records in batches)
    done = 0
    for path, records in batches:
        for position, raw in enumerate(records, start=1):
            try:
                if transform is not None and isinstance(raw, dict):
                    raw = transform(raw)
                outcome = article_import(record=parse_record(raw), republish=republish)
            except RecordError as exc:
                outcome = Outcome.FAILED
                report.errors.append(f"{path} record {position}: {exc}")
            if outcome is Outcome.SKIPPED:
                report.skipped.append(f"{path} record {position}: skipped, {SKIPPED_UNPUBLISHED}")
            report.counts[outcome] += 1
            done += 1
            if on_progress is not None:
                on_progress(done, total)
    return report
