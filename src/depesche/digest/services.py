"""Writes of the Wochenrückblick: building, approving, the weekly schedule."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from depesche.core.timefmt import format_datetime
from depesche.digest import grouping, selectors, summaries
from depesche.digest.audit import digest_approved_log
from depesche.digest.models import Digest, DigestTopic
from depesche.digest.tasks import digest_publish_task
from depesche.digest.weeks import latest_week, period_of

logger = logging.getLogger(__name__)


class DigestLocked(Exception):
    """The digest is approved or sent: it is final and is neither rebuilt nor approved again."""


class DigestEmpty(Exception):
    """A digest without topics cannot be approved."""


class WeekNotOver(Exception):
    """The requested week's period has not ended yet."""


# --- building -----------------------------------------------------------------------------------


class _BuildLog:
    """Progress lines: to the caller (the command prints them), the log, and the digest's
    build_log so that editors see how far a running build is."""

    def __init__(self, digest: Digest, progress: Callable[[str], None] | None) -> None:
        self.digest = digest
        self.progress = progress
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if self.progress is not None:
            self.progress(line)
        else:  # the worker: its log is where operators look
            logger.info("digest %s: %s", self.digest.week, line)
        Digest.objects.filter(pk=self.digest.pk).update(build_log="\n".join(self.lines))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _locked_message(digest: Digest) -> str:
    return _("Der Wochenrückblick %(week)s ist bereits %(status)s und wird nicht neu erstellt.") % {
        "week": digest.week,
        "status": digest.get_status_display().lower(),
    }


def digest_build(
    *,
    week: str | None = None,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> Digest:
    """Build (or rebuild) the draft Wochenrückblick of `week` (default: the latest period that
    has ended, see weeks.py): group the period's articles into topics, rank them, keep
    settings.DIGEST_MIN_TOPICS to DIGEST_MAX_TOPICS and summarise each.

    A draft of that week is replaced (its topics, including editors' changes, are rebuilt);
    an approved or sent one raises DigestLocked and stays untouched, also when it is approved
    while this build runs. Raises weeks.WeekInvalid for a bad week name and WeekNotOver for a
    period that has not ended. With settings.DIGEST_AUTO_APPROVE a digest with topics is
    approved right away.
    """
    now = now or timezone.now()
    name = week.strip() if week else latest_week(now)
    start, end = period_of(name)
    if end > now:
        raise WeekNotOver(
            _("Die Woche %(week)s ist erst am %(end)s zu Ende.")
            % {"week": name, "end": format_datetime(end)}
        )
    with transaction.atomic():
        digest, _created = Digest.objects.select_for_update().get_or_create(
            week=name, defaults={"period_start": start, "period_end": end}
        )
        if digest.is_locked:
            raise DigestLocked(_locked_message(digest))
        Digest.objects.filter(pk=digest.pk).update(period_start=start, period_end=end, build_log="")
    log = _BuildLog(digest, progress)
    log(
        _("Sammle die Artikel vom %(start)s bis %(end)s …")
        % {"start": format_datetime(start), "end": format_datetime(end)}
    )
    docs = selectors.article_docs(start=start, end=end)
    log(_("%(count)s Artikel gefunden.") % {"count": len(docs)})
    ranked = grouping.rank(grouping.group(docs), period_start=start, period_end=end)
    topics = grouping.select(
        ranked, minimum=settings.DIGEST_MIN_TOPICS, maximum=settings.DIGEST_MAX_TOPICS
    )
    log(
        _("Gruppiert: %(all)s Themen, davon %(kept)s im Wochenrückblick.")
        % {"all": len(ranked), "kept": len(topics)}
    )
    texts = []
    for number, topic in enumerate(topics, start=1):
        log(
            _("Fasse zusammen: Thema %(i)s/%(n)s „%(headline)s“ (%(count)s Artikel)")
            % {
                "i": number,
                "n": len(topics),
                "headline": topic.lead.headline,
                "count": len(topic.articles),
            }
        )
        text, how = summaries.summarise(topic, max_chars=settings.DIGEST_SUMMARY_MAX_CHARS)
        if settings.SUMMARY_URL and how != "http":
            log(_("Der Zusammenfassungsdienst war nicht nutzbar; Auszug aus den Artikeln."))
        texts.append(text)
    with transaction.atomic():
        digest = Digest.objects.select_for_update().get(pk=digest.pk)
        if digest.is_locked:  # approved by an editor while the summaries were written
            raise DigestLocked(_locked_message(digest))
        DigestTopic.objects.filter(digest=digest).delete()
        for order, (topic, text) in enumerate(zip(topics, texts, strict=True)):
            row = DigestTopic(
                digest=digest,
                sort_order=order,
                headline=topic.lead.headline,
                summary=text,
                score=round(topic.score, 3),
            )
            row.save()
            # Ids (not pages): modelcluster writes them through at once for a saved row.
            row.articles.set([article.id for article in topic.articles])
        log(_("Entwurf mit %(count)s Themen gespeichert.") % {"count": len(topics)})
    if settings.DIGEST_AUTO_APPROVE:
        if topics:
            digest = digest_approve(digest=digest, user=None, auto=True)
            log(_("Automatisch freigegeben (DEPESCHE_DIGEST_AUTO_APPROVE)."))
        else:
            log(_("Keine Themen: nicht automatisch freigegeben."))
    digest.build_log = log.text
    return digest


# --- review -------------------------------------------------------------------------------------


def digest_approve(*, digest: Digest, user: Any | None, auto: bool = False) -> Digest:
    """Approve a draft: status "approved", when and by whom (None: automatically), and an entry
    in Wagtail's audit log. Atomic; after the commit, digest_on_approved runs once.
    DigestLocked if it is no longer a draft, DigestEmpty if it has no topics."""
    with transaction.atomic():
        locked = Digest.objects.select_for_update().get(pk=digest.pk)
        if locked.is_locked:
            raise DigestLocked(
                _("Der Wochenrückblick %(week)s ist bereits %(status)s.")
                % {"week": locked.week, "status": locked.get_status_display().lower()}
            )
        if not DigestTopic.objects.filter(digest=locked).exists():
            raise DigestEmpty(
                _(
                    "Der Wochenrückblick %(week)s hat keine Themen und kann nicht freigegeben "
                    "werden."
                )
                % {"week": locked.week}
            )
        locked.status = Digest.Status.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = user if user is not None and user.is_authenticated else None
        locked.auto_approved = auto
        locked.save(update_fields=["status", "approved_at", "approved_by", "auto_approved"])
        digest_approved_log(digest=locked, user=locked.approved_by, auto=auto)
        transaction.on_commit(partial(digest_on_approved, locked))
    return locked


def digest_on_approved(digest: Digest) -> None:
    """Runs once after a digest's approval has been committed: the worker synthesises the
    podcast episode and queues the email to every active subscriber (digest/publishing.py)."""
    digest_publish_task.enqueue(digest_id=digest.pk)


# --- the weekly schedule ------------------------------------------------------------------------


def digest_work_once(now: datetime | None = None) -> int:
    """One round of the worker's digest loop: build the latest ended period's digest if it does
    not exist yet (settings.DIGEST_AT, default Saturday 07:00 Berlin). Idempotent: once a
    digest of that week exists — draft, approved or sent — nothing happens until the next slot.
    Returns 1 when it built one."""
    now = now or timezone.now()
    week = latest_week(now)
    if Digest.objects.filter(week=week).exists():
        return 0
    digest_build(week=week, now=now)
    return 1
