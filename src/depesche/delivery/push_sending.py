"""Workers' Web Push round: claim due notifications of every registered push kind, send them
through PUSH_CONNECTIONS threads, record the outcome. The same outbox as mail (claim, lease,
retry, record): a notification is never lost when a worker dies, and sent again at most once
for the rows it had in flight (at most PUSH_BATCH).

The batch is claimed in two halves: while the connections send one, this thread records the
half before it, claims the next and encrypts it, so the connections never wait for the database
(with one claim at a time they idled for every claim and record, and for the slowest request of
each batch). Encrypting here, a half at a time, rather than in each connection's thread before
its request, cost a fifth less CPU per notification in `depesche bench push`: the ECDH step
lets go of the GIL, and connection threads taking it back between their requests kept
switching threads.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from depesche.audience.push import push_subscription_gone
from depesche.delivery.kinds import PushKind, PushMessage, registered_push
from depesche.delivery.outbox import Status, backoff, cancel, claim_ids
from depesche.delivery.webpush import PushResult, PushSender, encrypt, unencryptable

logger = logging.getLogger(__name__)

# Rows claimed (and so in flight) at a time: the bound on what a killed worker sends twice.
# Claimed in two halves (see above): never more than this claimed and not yet recorded.
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
    """Write what the push services said: one UPDATE per outcome (and error), whatever the
    number of rows; a retry without Retry-After gets its own jittered backoff."""
    if not results:
        return
    now = timezone.now()
    rows: Any = kind.model._default_manager
    sent = [row.row_id for row, result in results if result.outcome == "sent"]
    # (status, error, next attempt or None) → rows
    updates: defaultdict[tuple[str, str, datetime | None], list[int]] = defaultdict(list)
    with transaction.atomic():
        if sent:
            rows.filter(pk__in=sent).update(
                status=Status.SENT, sent_at=now, claimed_at=None, last_error=""
            )
        retried = [row.row_id for row, result in results if result.outcome == "retry"]
        attempts = (
            dict(rows.filter(pk__in=retried).values_list("pk", "attempts")) if retried else {}
        )
        for row, result in results:
            if result.outcome == "gone":
                updates[(Status.BOUNCED, result.error, None)].append(row.row_id)
            elif result.outcome == "failed":
                updates[(Status.FAILED, result.error, None)].append(row.row_id)
            elif result.outcome == "retry":
                spent = attempts.get(row.row_id, 0)
                if spent >= settings.ALERT_MAX_ATTEMPTS:
                    updates[(Status.FAILED, result.error, None)].append(row.row_id)
                    continue
                # The push service's Retry-After when it gave one (it asked us to wait that
                # long), else the outbox's backoff.
                wait = (
                    timedelta(seconds=result.retry_after)
                    if result.retry_after is not None
                    else backoff(spent)
                )
                updates[(Status.PENDING, result.error, now + wait)].append(row.row_id)
        for (status, error, next_attempt), ids in updates.items():
            fields: dict[str, Any] = {"status": status, "claimed_at": None, "last_error": error}
            if next_attempt is not None:
                fields["next_attempt_at"] = next_attempt
            rows.filter(pk__in=ids).update(**fields)
        for row, result in results:
            if result.outcome == "gone" and row.subscription_id is not None:
                push_subscription_gone(subscription_id=row.subscription_id)


def _post_one(sender: PushSender, row: PushRow, body: bytes) -> tuple[PushRow, PushResult]:
    try:
        result = sender.post(endpoint=row.endpoint, body=body, ttl=TTL_SECONDS, urgency=row.urgency)
    except Exception as exc:  # one browser's failure must not stop the batch
        logger.exception("push to subscription %s failed", row.subscription_id)
        result = PushResult("retry", error=f"push: {exc}")
    return row, result


@dataclass
class _Half:
    """A claimed half batch: the requests under way, and the outcomes known without one."""

    sending: list[Future[tuple[PushRow, PushResult]]]
    known: list[tuple[PushRow, PushResult]]

    def results(self) -> list[tuple[PushRow, PushResult]]:
        return self.known + [future.result() for future in self.sending]


class _Round:
    """One push_send_due call's state: the messages prepared so far and their payloads."""

    def __init__(self, kind: PushKind, sender: PushSender, pool: ThreadPoolExecutor) -> None:
        self.kind = kind
        self.sender = sender
        self.pool = pool
        self.prepared: dict[int, PushMessage | None] = {}
        # One payload per article and topic: every browser following the same topic gets the
        # same bytes (encrypted for each on its own).
        self.payloads: dict[tuple[int, str], bytes] = {}

    def start(self, limit: int) -> _Half | None:
        """Claim up to `limit` due rows, encrypt each message and hand it to the connections
        (rows no longer to be sent are cancelled); None when nothing was due."""
        rows = _claim(self.kind, limit)
        if not rows:
            return None
        for key in {row.key for row in rows} - set(self.prepared):
            self.prepared[key] = self.kind.prepare(key)
        half = _Half(sending=[], known=[])
        dropped = []
        for row in rows:
            message = self.prepared[row.key]
            # The browser is gone since the fan-out, or the article is no longer public.
            if row.subscription_id is None or message is None:
                dropped.append(row.row_id)
                continue
            data = self.payloads.get((row.key, row.topic))
            if data is None:
                data = self.payloads[(row.key, row.topic)] = payload(message, row.topic)
            try:
                body = encrypt(data, p256dh=row.p256dh, auth=row.auth)
            except ValueError as exc:
                half.known.append((row, unencryptable(exc)))
                continue
            except Exception as exc:  # one browser's failure must not stop the batch
                logger.exception("encrypting for subscription %s failed", row.subscription_id)
                half.known.append((row, PushResult("retry", error=f"push: {exc}")))
                continue
            half.sending.append(self.pool.submit(_post_one, self.sender, row, body))
        cancel(self.kind.model, dropped)
        return half


def push_send_due(
    *, kind: PushKind, batch_size: int = PUSH_BATCH, connections: int | None = None
) -> int:
    """Claim and send due notifications of `kind` until none are due; returns those the push
    services accepted. At most `batch_size` rows are claimed and not yet recorded at a time
    (what a killed worker sends again)."""
    sender = PushSender(private_key=settings.VAPID_PRIVATE_KEY, subject=settings.VAPID_SUBJECT)
    half_size = max(1, batch_size // 2)
    accepted = 0
    in_flight: deque[_Half] = deque()
    with ThreadPoolExecutor(
        max_workers=connections or settings.PUSH_CONNECTIONS, thread_name_prefix="push"
    ) as pool:
        state = _Round(kind, sender, pool)
        while True:
            while len(in_flight) < 2 and (half := state.start(half_size)) is not None:
                in_flight.append(half)
            if not in_flight:
                return accepted
            results = in_flight.popleft().results()
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
