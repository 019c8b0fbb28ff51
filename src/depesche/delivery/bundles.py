"""Daily and weekly tag alerts: one mail per reader listing every article due at the slot.

Readers who follow tags "täglich" or "wöchentlich" get the fan-out's Delivery rows of that kind
collected into one mail at settings.ALERT_DAILY_AT / ALERT_WEEKLY_AT (Berlin wall-clock time).
A reader's due rows are claimed together, sent as one message and marked together. Bundles are
not latency-critical, so Django renders each mail per reader (instant alerts fill a prepared
MIME body instead). Each outcome is recorded right after its send: a worker killed mid-run
sends at most one bundle twice, with the same Message-ID.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from depesche.audience.emails import list_unsubscribe_headers, preference_url, unsubscribe_url
from depesche.audience.models import Subscriber, TagFollow
from depesche.core.text import mask_addresses, one_line
from depesche.core.timefmt import BERLIN
from depesche.delivery.models import Delivery
from depesche.delivery.rendering import checked_address, signed_message_id
from depesche.delivery.sending import Sender, backoff, release_stale_claims
from depesche.delivery.services import deliveries_cancel_for_subscriber
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.selectors import articles_public

logger = logging.getLogger(__name__)

KINDS = (TagFollow.Frequency.DAILY, TagFollow.Frequency.WEEKLY)
# Readers per claim: keeps memory flat and a batch well inside sending.CLAIM_LEASE.
BATCH = 200


def last_slot(now: datetime, *, at: time, weekday: int | None = None) -> datetime:
    """The most recent slot at or before `now` (aware), in UTC: `at` o'clock Berlin time every
    day, or only on `weekday` (0 = Monday). Computed on Berlin's calendar, so 07:00 stays 07:00
    across the DST switches (a fixed 24 h step would drift by an hour)."""
    local = now.astimezone(BERLIN)
    step = 1 if weekday is None else 7
    day = local.date() - timedelta(days=0 if weekday is None else (local.weekday() - weekday) % 7)
    slot = datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC)
    if slot > now:
        slot = datetime.combine(day - timedelta(days=step), at, tzinfo=BERLIN).astimezone(UTC)
    return slot


def slot_for(kind: str, now: datetime) -> datetime:
    """The configured most recent slot of a bundle kind."""
    if kind == TagFollow.Frequency.DAILY:
        return last_slot(now, at=settings.ALERT_DAILY_AT)
    if kind == TagFollow.Frequency.WEEKLY:
        weekday, at = settings.ALERT_WEEKLY_AT
        return last_slot(now, at=at, weekday=weekday)
    raise ValueError(f"no bundle for alerts of kind '{kind}'")


def bundle_message_id(*, subscriber_id: int, kind: str, slot: datetime) -> str:
    """Deterministic per (reader, kind, slot)."""
    stamp = slot.astimezone(UTC).strftime("%Y%m%d%H%M")
    return signed_message_id(f"bundle.{kind}.{stamp}", f"{kind}:{stamp}:{subscriber_id}")


def claim(
    *, kind: str, slot: datetime, now: datetime, limit: int = BATCH
) -> dict[int, list[Delivery]]:
    """Take every due row of up to `limit` readers; returns them by subscriber id.

    Due: pending, queued at or before the slot (an article at 06:59 goes in the 07:00 bundle,
    one at 07:01 waits for the next), and past its retry backoff.
    """
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING,
        kind=kind,
        created_at__lte=slot,
        next_attempt_at__lte=now,
    )
    with transaction.atomic():
        readers = list(
            due.order_by("subscriber_id").values_list("subscriber_id", flat=True).distinct()[:limit]
        )
        # PostgreSQL: rows another worker holds are skipped, so no reader is claimed twice.
        ids = list(
            due.filter(subscriber_id__in=readers)
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .values_list("pk", flat=True)
        )
        if not ids:
            return {}
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    bundles: dict[int, list[Delivery]] = {}
    rows = Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk")
    for row in rows:
        bundles.setdefault(row.subscriber_id, []).append(row)
    return bundles


def render_bundle(
    *,
    kind: str,
    slot: datetime,
    subscriber: Subscriber,
    items: list[tuple[ArticlePage, str]],
    slugs: list[str],
) -> EmailMultiAlternatives:
    """One reader's bundle: (article, matched tag names) newest first; `slugs` are the followed
    tags the one-click unsubscribe ends."""
    count = len(items)
    if kind == TagFollow.Frequency.DAILY:
        heading = gettext("Ihre Themen des Tages")
        subject = ngettext(
            "Ihre Themen des Tages: %(count)d neuer Artikel",
            "Ihre Themen des Tages: %(count)d neue Artikel",
            count,
        )
    else:
        heading = gettext("Ihre Themen der Woche")
        subject = ngettext(
            "Ihre Themen der Woche: %(count)d neuer Artikel",
            "Ihre Themen der Woche: %(count)d neue Artikel",
            count,
        )
    list_id = "thema:" + ",".join(slugs)
    context = {
        "site_name": settings.SITE_NAME,
        "heading": heading,
        "articles": [
            {
                "title": article.title,
                "teaser": article.teaser,
                "url": settings.BASE_URL + (article.url or ""),
                "tags": tags,
            }
            for article, tags in items
        ],
        "preference_url": preference_url(subscriber),
        "unsubscribe_url": unsubscribe_url(subscriber, list_id),
    }
    mid = bundle_message_id(subscriber_id=subscriber.pk, kind=kind, slot=slot)
    message = EmailMultiAlternatives(
        # From a translation today; folded all the same, as every subject is.
        subject=one_line(subject % {"count": count}),
        body=render_to_string("delivery/email/bundle.txt", context),
        to=[checked_address(subscriber.email)],
        headers={
            **list_unsubscribe_headers(subscriber, list_id),
            "Message-ID": f"<{mid}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("delivery/email/bundle.html", context), "text/html")
    return message


def _close(ids: list[int], status: str, **fields: object) -> None:
    Delivery.objects.filter(pk__in=ids).update(status=status, claimed_at=None, **fields)


def _record(rows: list[Delivery], result: str, error: str, now: datetime) -> None:
    """What happened to one reader's bundle, for all its rows at once."""
    ids = [row.pk for row in rows]
    subscriber_id = rows[0].subscriber_id
    with transaction.atomic():
        if result == "sent":
            _close(ids, Delivery.Status.SENT, sent_at=now, last_error="")
        elif result == "failed":
            # The message could not be built: building it again gives the same error.
            _close(ids, Delivery.Status.FAILED, last_error=error)
        elif result == "bounced":
            _close(ids, Delivery.Status.BOUNCED, last_error=error)
            # A hard bounce suppresses the address: nothing is ever sent to it again.
            Subscriber.objects.filter(pk=subscriber_id).update(status=Subscriber.Status.BOUNCED)
            deliveries_cancel_for_subscriber(subscriber_id=subscriber_id)
        else:
            spent = [row.pk for row in rows if row.attempts >= settings.ALERT_MAX_ATTEMPTS]
            _close(spent, Delivery.Status.FAILED, last_error=error)
            # One backoff for the whole bundle, so its rows stay together on the next try.
            retry_at = now + backoff(max(row.attempts for row in rows))
            again = [pk for pk in ids if pk not in spent]
            _close(again, Delivery.Status.PENDING, last_error=error, next_attempt_at=retry_at)


def _send_batch(
    kind: str, slot: datetime, now: datetime, bundles: dict[int, list[Delivery]], sender: Sender
) -> int:
    article_ids = {row.article_id for rows in bundles.values() for row in rows}
    # Taken down or restricted since the fan-out (the newsroom's gate): such articles drop out
    # of every bundle.
    live = articles_public().filter(pk__in=article_ids).in_bulk()
    sent = 0
    for rows in bundles.values():
        subscriber = rows[0].subscriber
        if subscriber.status != Subscriber.Status.ACTIVE:
            # Unsubscribed or suppressed since the fan-out: never send.
            _close([row.pk for row in rows], Delivery.Status.CANCELLED)
            continue
        gone = [row.pk for row in rows if row.article_id not in live]
        if gone:
            _close(gone, Delivery.Status.CANCELLED)
        rows = [row for row in rows if row.article_id in live]
        if not rows:
            continue
        rows.sort(key=lambda row: live[row.article_id].first_published_at or now, reverse=True)
        slugs = sorted({slug for row in rows for slug in row.matched_slugs.split(",") if slug})
        try:
            message = render_bundle(
                kind=kind,
                slot=slot,
                subscriber=subscriber,
                items=[(live[row.article_id], row.matched_tags) for row in rows],
                slugs=slugs,
            )
            # CRLF like Django's SMTP backend: relays may refuse bare line feeds (SMTP smuggling).
            data = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
        except Exception as exc:  # this reader's bundle alone; the batch goes on
            result, error = "failed", mask_addresses(f"build: {exc}")
        else:
            result, error = sender.send(subscriber.email, data, email=message)
        if result != "sent":
            # Sender's errors come masked; masked again all the same, as every log line is.
            logger.warning(
                "%s bundle for reader %s: %s", kind, subscriber.pk, mask_addresses(error)
            )
        _record(rows, result, error, now)
        sent += result == "sent"
    return sent


def send_due_bundles(*, kind: str, now: datetime | None = None, batch_size: int = BATCH) -> int:
    """Send every reader's due bundle of `kind` (daily or weekly); returns messages sent.

    Exactly once per row under normal operation: rows are claimed before sending and marked
    after. Safe to run on several workers (PostgreSQL) and to run again: a second run in the
    same slot finds nothing due.
    """
    now = now or timezone.now()
    slot = slot_for(kind, now)
    total = 0
    sender = Sender()
    try:
        while bundles := claim(kind=kind, slot=slot, now=now, limit=batch_size):
            total += _send_batch(kind, slot, now, bundles, sender)
    finally:
        sender.close()
    return total


def bundles_work_once(now: datetime | None = None) -> int:
    """One round of the worker's bundle loop: due daily and weekly bundles; messages sent."""
    now = now or timezone.now()
    release_stale_claims(now=now)  # covers every kind, bundles included
    return sum(send_due_bundles(kind=kind, now=now) for kind in KINDS)
