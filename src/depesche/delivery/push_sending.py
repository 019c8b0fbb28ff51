"""Workers' Web Push round: claim due notifications of every registered push kind, send them
through PUSH_CONNECTIONS threads, record the outcome. The same outbox as mail (claim, lease,
retry, record): a notification is never lost when a worker dies, and sent again at most once
for the rows it had in flight (at most PUSH_BATCH).
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from depesche.audience.push import push_subscription_gone
from depesche.delivery.kinds import PushKind, PushMessage, registered_push
from depesche.delivery.outbox import Status, backoff, cancel, claim_ids
from depesche.delivery.webpush import PushResult, PushSender

logger = logging.getLogger(__name__)

# Rows claimed (and so in flight) at a time: the bound on what a killed worker sends twice.
PUSH_BATCH = 200
# RFC 8030 TTL: how long a push service keeps a notification for a browser that is offline.
# A day: news older than that is no news.
TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PushRow:
    row_id: int
    key: int
    subscription_id: int | None
    endpoint: str
    p256dh: str
    auth: str
    topic: str
    urgency: str


def payload(message: PushMessage, topic: str) -> bytes:
    """What the service worker receives: {"title", "body", "url", "topic"} as UTF-8 JSON."""
    data = {"title": message.title, "body": message.body, "url": message.url, "topic": topic}
    return json.dumps(data, ensure_ascii=False).encode()


def _claim(kind: PushKind, limit: int) -> list[PushRow]:
    ids = claim_ids(model=kind.model, limit=limit)
    if not ids:
        return []
    rows = kind.model._default_manager.filter(pk__in=ids).values_list(
        "pk",
        f"{kind.key}_id",
        "subscription_id",
        "subscription__endpoint",
        "subscription__p256dh",
        "subscription__auth",
        "topic",
        "urgency",
    )
    return [
        PushRow(pk, key, sub, endpoint or "", p256dh or "", auth or "", topic, urgency)
        for pk, key, sub, endpoint, p256dh, auth, topic, urgency in rows
    ]


def _record(kind: PushKind, results: list[tuple[PushRow, PushResult]]) -> None:
    """Write what the push services said (few statements per batch)."""
    now = timezone.now()
    rows: Any = kind.model._default_manager
    sent = [row.row_id for row, result in results if result.outcome == "sent"]
    with transaction.atomic():
        if sent:
            rows.filter(pk__in=sent).update(
                status=Status.SENT, sent_at=now, claimed_at=None, last_error=""
            )
        attempts = dict(
            rows.filter(
                pk__in=[row.row_id for row, result in results if result.outcome == "retry"]
            ).values_list("pk", "attempts")
        )
        for row, result in results:
            if result.outcome == "gone":
                rows.filter(pk=row.row_id).update(
                    status=Status.BOUNCED, claimed_at=None, last_error=result.error
                )
            elif result.outcome == "failed":
                rows.filter(pk=row.row_id).update(
                    status=Status.FAILED, claimed_at=None, last_error=result.error
                )
            elif result.outcome == "retry":
                spent = attempts.get(row.row_id, 0)
                if spent >= settings.ALERT_MAX_ATTEMPTS:
                    rows.filter(pk=row.row_id).update(
                        status=Status.FAILED, claimed_at=None, last_error=result.error
                    )
                    continue
                # The push service's Retry-After when it gave one (it asked us to wait that
                # long), else the outbox's backoff.
                wait = (
                    timedelta(seconds=result.retry_after)
                    if result.retry_after is not None
                    else backoff(spent)
                )
                rows.filter(pk=row.row_id).update(
                    status=Status.PENDING,
                    claimed_at=None,
                    last_error=result.error,
                    next_attempt_at=now + wait,
                )
        for row, result in results:
            if result.outcome == "gone" and row.subscription_id is not None:
                push_subscription_gone(subscription_id=row.subscription_id)


def _send_one(sender: PushSender, row: PushRow, message: PushMessage) -> PushResult:
    try:
        return sender.send(
            endpoint=row.endpoint,
            p256dh=row.p256dh,
            auth=row.auth,
            payload=payload(message, row.topic),
            ttl=TTL_SECONDS,
            urgency=row.urgency,
        )
    except Exception as exc:  # one browser's failure must not stop the batch
        logger.exception("push to subscription %s failed", row.subscription_id)
        return PushResult("retry", error=f"push: {exc}")


def push_send_due(
    *, kind: PushKind, batch_size: int = PUSH_BATCH, connections: int | None = None
) -> int:
    """Claim and send due notifications of `kind` until none are due; returns those the push
    services accepted."""
    sender = PushSender(private_key=settings.VAPID_PRIVATE_KEY, subject=settings.VAPID_SUBJECT)
    prepared: dict[int, PushMessage | None] = {}
    accepted = 0
    with ThreadPoolExecutor(
        max_workers=connections or settings.PUSH_CONNECTIONS, thread_name_prefix="push"
    ) as pool:
        while True:
            rows = _claim(kind, batch_size)
            if not rows:
                return accepted
            for key in {row.key for row in rows} - set(prepared):
                prepared[key] = kind.prepare(key)
            # The browser is gone since the fan-out, or the article is no longer public.
            dropped = [
                row.row_id
                for row in rows
                if row.subscription_id is None or prepared[row.key] is None
            ]
            cancel(kind.model, dropped)
            skip = set(dropped)
            todo = [(row, prepared[row.key]) for row in rows if row.row_id not in skip]
            results = list(pool.map(lambda job: (job[0], _send_one(sender, job[0], job[1])), todo))
            _record(kind, results)
            accepted += sum(1 for _, result in results if result.outcome == "sent")


def push_work_once() -> int:
    """One round for every registered push kind: its round work, then its due notifications."""
    sent = 0
    for kind in registered_push():
        if kind.each_round is not None:
            kind.each_round()
        sent += push_send_due(kind=kind)
    return sent
