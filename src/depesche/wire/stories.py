"""One agency record onto its article: create, update, hold as a draft, schedule, withdraw.

The rules (issue 17, point 3 and 4), in the order they are checked:
- a record is identified by its id (urn/uri/guid); a higher version updates, a lower or equal
  one is skipped (no version: the version time decides, then the content fingerprint);
- `canceled`/`withheld` unpublishes the article at once, logged as the importer's own action
  (WITHDRAW_ACTION), kept for the record; a later usable version restores it only when the
  last unpublish in Wagtail's audit log is the importer's, never an editor's;
- an article an editor saved after the last import gets the newer version as a draft
  revision, flagged for review, never published over the edit; the same for desk feeds;
- an article the newsroom unpublished stays unpublished (SKIPPED) unless `republish`;
- a future embargo schedules go-live (Wagtail `go_live_at`): not live, so in no channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.blocks import StreamValue
from wagtail.models import PageLogEntry

from depesche.newsroom.models import ArticlePage, ArticlePageAuthor, SectionPage
from depesche.newsroom.services import article_dates_record, authors_resolve
from depesche.wire.body import body_blocks
from depesche.wire.formats.base import PubStatus, RecordError, WireArticle
from depesche.wire.models import Feed, WireStory
from depesche.wire.sections import no_section, section_for
from depesche.wire.slugs import article_slug
from depesche.wire.tagging import tags_resolve

logger = logging.getLogger(__name__)

# Wagtail audit-log action of the importer's own unpublish; an editor's is "wagtail.unpublish".
WITHDRAW_ACTION = "wire.withdraw"
SKIPPED_UNPUBLISHED = "unpublished by the newsroom"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    # Not an error: an editor's decision, an older version, or not an article at all.
    SKIPPED = "skipped"
    # A newer version saved as a draft revision for the desk to review.
    DRAFTED = "drafted"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"


@dataclass(frozen=True)
class ImportResult:
    outcome: Outcome
    article_id: int | None = None
    message: str = ""  # the reason for FAILED and SKIPPED


def _compare(article: WireArticle, story: WireStory | None, page: ArticlePage) -> int:
    """-1 older, 0 the same, 1 newer than what was imported last."""
    if story is None:  # imported before stories were kept: only the fingerprint is known
        return 0 if page.source_fingerprint == article.fingerprint else 1
    if article.version is not None and story.version is not None:
        if article.version != story.version:
            return 1 if article.version > story.version else -1
    elif (
        article.version_time is not None
        and story.version_time is not None
        and article.version_time != story.version_time
    ):
        return 1 if article.version_time > story.version_time else -1
    return 0 if story.fingerprint == article.fingerprint else 1


def _edited_since_import(page: ArticlePage, story: WireStory | None) -> bool:
    """An editor saved the article after the importer's last revision (the importer saves
    revisions without a user)."""
    revisions = page.revisions.filter(user__isnull=False)
    if story is not None and story.import_revision_id is not None:
        revisions = revisions.filter(pk__gt=story.import_revision_id)
    return revisions.exists()


def withdrawn_by_importer(page: ArticlePage) -> bool:
    """True when the page's last unpublish in Wagtail's audit log is the importer's."""
    last = (
        PageLogEntry.objects.filter(page=page, action__in=["wagtail.unpublish", WITHDRAW_ACTION])
        .order_by("-timestamp", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    return last == WITHDRAW_ACTION


def _apply(page: ArticlePage, article: WireArticle, images: dict[str, Any] | None) -> None:
    page.title = article.headline
    page.kicker = article.kicker
    page.teaser = article.teaser
    page.body = StreamValue(
        ArticlePage.body.field.stream_block, list(body_blocks(article.body_html))
    )
    page.byline = article.byline
    # The record's byline decides, as for every other field: an editor's own choice of authors
    # is protected like their other edits (a newer version then waits as a draft revision).
    page.article_authors = [  # type: ignore[assignment]
        ArticlePageAuthor(author=author, sort_order=position)
        for position, author in enumerate(authors_resolve(names=article.authors))
    ]
    page.source_credit = article.creditline
    page.usage_terms = article.usage_terms
    page.located = article.located
    page.breaking = article.breaking
    page.source_guid = article.record_id
    page.source_fingerprint = article.fingerprint
    page.go_live_at = article.embargoed_until if _embargoed(article) else None
    if images and images.get("image") is not None:
        for name, value in images.items():
            setattr(page, name, value)
    page.tags.set(tags_resolve(article.tags))


def _embargoed(article: WireArticle) -> bool:
    return article.embargoed_until is not None and article.embargoed_until > timezone.now()


def _set_times(page: ArticlePage, article: WireArticle, *, created: bool) -> None:
    """The agency's times stand in for ours: firstcreated is the first publication."""
    if _embargoed(article):
        return  # Wagtail sets them when the embargo ends and the article goes live
    first: datetime | None = article.first_created
    if first is None:
        first = article.version_time if created else page.first_published_at
    if first is None:
        return
    version = article.version_time or first
    updated = version if version > first else first
    article_dates_record(
        article_id=page.pk, first_published_at=first, last_published_at=updated, updated_at=updated
    )


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _withdraw(page: ArticlePage, article: WireArticle) -> None:
    if page.live:
        # Wagtail's unpublish sends page_unpublished: the page cache, the CDN and the tag
        # dates follow, and every channel reads through the public gate, which needs `live`.
        page.unpublish(user=None, log_action=WITHDRAW_ACTION)
    # A scheduled (embargoed) version must not go live later.
    page.revisions.filter(approved_go_live_at__isnull=False).update(approved_go_live_at=None)
    logger.warning(
        "Agenturmeldung zurückgezogen (%s): „%s“ ist offline, Artikel %s bleibt im Archiv.",
        article.record_id,
        page.title,
        page.pk,
    )


def _save(page: ArticlePage, *, publish: bool) -> int:
    revision = page.save_revision(clean=False)
    if publish:
        revision.publish()
    return revision.pk


def _create(
    article: WireArticle, section: SectionPage, images: dict[str, Any] | None, *, publish: bool
) -> tuple[ArticlePage, int]:
    page = ArticlePage(live=False)
    _apply(page, article, images)
    page.slug = article_slug(article.headline, section)
    section.add_child(instance=page)
    return page, _save(page, publish=publish)


def _update(
    existing: ArticlePage,
    article: WireArticle,
    section: SectionPage,
    images: dict[str, Any] | None,
    *,
    publish: bool,
) -> tuple[ArticlePage, int]:
    moved_slug = None
    if publish and existing.section_id != section.pk:
        # Wagtail rejects a move onto a slug a sibling in the new section already uses.
        moved_slug = article_slug(existing.slug, section, exclude_pk=existing.pk)
        ArticlePage.objects.filter(pk=existing.pk).update(slug=moved_slug)
        existing.move(section, pos="last-child")
    page = ArticlePage.objects.get(pk=existing.pk).get_latest_revision_as_object()
    _apply(page, article, images)
    if moved_slug is not None:
        page.slug = moved_slug
    page.full_clean()
    return page, _save(page, publish=publish)


def _status(article: WireArticle, *, published: bool) -> str:
    if not published:
        return WireStory.Status.DRAFT
    return WireStory.Status.SCHEDULED if _embargoed(article) else WireStory.Status.PUBLISHED


@transaction.atomic
def story_import(
    *,
    article: WireArticle,
    feed: Feed | None = None,
    section: SectionPage | None = None,
    publish: bool = True,
    republish: bool = False,
    images: dict[str, Any] | None = None,
) -> ImportResult:
    """Bring one read record into the newsroom (rules in the module docstring).

    Atomic: a failure leaves nothing behind (RecordError, e.g. no section or content Wagtail
    rejects). Idempotent: the same record again is UNCHANGED. `publish` False (a desk feed)
    keeps new copy as drafts; `section` overrides the Ressort-Zuordnung; `images` are the
    article's picture fields, fetched before the transaction (wire.images)."""
    story = WireStory.objects.select_for_update().filter(record_id=article.record_id).first()
    page: ArticlePage | None = None
    if story is not None and story.article_id is not None:
        page = ArticlePage.objects.get(pk=story.article_id)
    elif story is None:
        # Imported before the wire desk kept stories: the article carries the id.
        page = ArticlePage.objects.filter(source_guid=article.record_id).first()
    order = 1 if page is None else _compare(article, story, page)
    if order < 0:
        return ImportResult(Outcome.SKIPPED, page.pk if page else None, "an older version")

    if article.pubstatus is not PubStatus.USABLE:
        if page is not None:
            _withdraw(page, article)
        story = _story_save(
            story, article, feed, page, status=WireStory.Status.WITHDRAWN, revision_id=None
        )
        message = "" if page is not None else "withdrawn before it was imported"
        return ImportResult(Outcome.WITHDRAWN, page.pk if page else None, message)

    target = section_for(article=article, feed=feed, override=section)
    revision_id: int | None
    try:
        if page is None:
            if target is None:
                raise no_section(article)
            page, revision_id = _create(article, target, images, publish=publish)
            outcome = Outcome.CREATED
            status = _status(article, published=publish)
        else:
            if target is None:  # no rule says otherwise: a newer version stays where it is
                target = SectionPage.objects.get(pk=page.get_parent().pk)
            outcome, status, revision_id, page = _next_version(
                page,
                story,
                article,
                target,
                images,
                order=order,
                publish=publish,
                republish=republish,
            )
            if outcome in (Outcome.SKIPPED, Outcome.UNCHANGED):
                reason = SKIPPED_UNPUBLISHED if outcome is Outcome.SKIPPED else ""
                return ImportResult(outcome, page.pk, reason)
    except ValidationError as exc:
        raise RecordError(_validation_message(exc)) from exc
    if outcome is not Outcome.DRAFTED and status != WireStory.Status.DRAFT:
        _set_times(page, article, created=outcome is Outcome.CREATED)
    _story_save(
        story,
        article,
        feed,
        page,
        status=status,
        revision_id=revision_id,
        needs_review=outcome is Outcome.DRAFTED,
        section=target,
    )
    return ImportResult(outcome, page.pk)


def _next_version(
    page: ArticlePage,
    story: WireStory | None,
    article: WireArticle,
    section: SectionPage,
    images: dict[str, Any] | None,
    *,
    order: int,
    publish: bool,
    republish: bool,
) -> tuple[Outcome, str, int | None, ArticlePage]:
    status = story.status if story is not None else WireStory.Status.PUBLISHED
    pending = status in (WireStory.Status.DRAFT, WireStory.Status.SCHEDULED)
    restorable = status == WireStory.Status.WITHDRAWN and withdrawn_by_importer(page)
    if not page.live and not pending and not restorable and not republish:
        return Outcome.SKIPPED, status, None, page
    if order == 0:
        if page.live or pending or not republish:
            return Outcome.UNCHANGED, status, None, page
        republished = page.get_latest_revision()
        republished.publish()
        return Outcome.UPDATED, WireStory.Status.PUBLISHED, republished.pk, page
    if _edited_since_import(page, story) or (status == WireStory.Status.DRAFT and not publish):
        # Never over an editor's edit: the newer version waits as a draft revision.
        updated, revision_id = _update(page, article, section, images, publish=False)
        keep = status if status != WireStory.Status.WITHDRAWN else WireStory.Status.DRAFT
        return Outcome.DRAFTED, keep, revision_id, updated
    if status == WireStory.Status.DRAFT:
        publish = False
    updated, revision_id = _update(page, article, section, images, publish=publish)
    return Outcome.UPDATED, _status(article, published=publish), revision_id, updated


def _story_save(
    story: WireStory | None,
    article: WireArticle,
    feed: Feed | None,
    page: ArticlePage | None,
    *,
    status: str,
    revision_id: int | None,
    needs_review: bool = False,
    section: SectionPage | None = None,
) -> WireStory:
    story = story or WireStory(record_id=article.record_id)
    story.feed = feed or story.feed
    story.article = page
    story.format = article.format.value
    story.version = article.version
    story.version_time = article.version_time
    story.fingerprint = article.fingerprint
    if revision_id is not None:
        story.import_revision_id = revision_id
    story.status = status
    story.needs_review = needs_review
    story.urgency = article.urgency
    story.breaking = article.breaking
    story.headline = article.headline[:255]
    story.section = section or story.section
    story.save()
    return story
