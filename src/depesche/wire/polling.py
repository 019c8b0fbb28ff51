"""Pull delivery from a dpa wireQ-style queue: fetch, store, acknowledge what was stored.

The wireQ API as dpa documents it in its example client (github.com/dpa-newslab/
dpa-digitalwires-wireq-example, Apache-2.0: lib/get_delete_import.py, and the queue's
stand-in test/local_server/wireq_fake_server.py):

- `GET <base>/entries.json` answers `{"entries": [...]}`; each entry is a record with an added
  `_wireq_receipt`. The entries stay in the queue, hidden for the receipt's lifetime, and come
  back if they are not deleted by then.
- `DELETE <base>/entry/<receipt>` removes one (204; 404 for an unknown receipt, 410 for one
  already deleted or expired).
- `POST <base>/dequeue-entries.json` also exists, but it removes the entries as it returns
  them: a crash before they are stored loses them, so it is not used here.

So an entry is deleted only once its receipt row is committed (new or a duplicate of one
stored before); a rejected entry stays in the queue for the agency's support to see, and a
failed fetch deletes nothing.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from depesche.wire.models import Feed
from depesche.wire.services import feed_mark_polled, receipts_store

logger = logging.getLogger(__name__)

# Seconds per request: dpa's example client waits 25 s for entries and 10 s for a delete.
FETCH_TIMEOUT = 25
ACK_TIMEOUT = 10
# wireQ returns at most 50 entries per call; even long records with every rendition listed
# stay far below this.
MAX_ANSWER_BYTES = 50 * 1024 * 1024
RECEIPT_FIELD = "_wireq_receipt"


class PollError(Exception):
    """The queue could not be read; nothing was stored or acknowledged."""


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    acknowledged: int = 0
    # One line per problem: the fetch, a rejected entry, a failed acknowledgement.
    errors: list[str] = field(default_factory=list)


def poll_feed(*, feed: Feed, dispatch: Callable[[Sequence[int]], object]) -> PollResult:
    """Fetch the feed's queue once, store every entry as a receipt (receipts_store), delete from
    the queue exactly the entries whose receipt is committed, then hand the new receipts' ids
    to `dispatch` (enqueue them, or process them inline).

    A failed fetch (connection, timeout, HTTP error, an answer that is not the expected JSON)
    is an error in the result with nothing stored or acknowledged; never raises for it."""
    base = feed.url.rstrip("/")
    result = PollResult()
    try:
        entries = _fetch(base)
    except PollError as exc:
        result.errors.append(str(exc))
        return result
    feed_mark_polled(feed=feed, at=timezone.now())
    result.fetched = len(entries)
    receipts = [entry.get(RECEIPT_FIELD) if isinstance(entry, dict) else None for entry in entries]
    # The receipt is the queue's, not the agency's: it differs on each delivery and would
    # make the same record look new to the content fingerprint.
    records = [_without_receipt(entry) for entry in entries]
    stored = receipts_store(feed=feed, records=records)
    result.stored, result.duplicates = stored.accepted, stored.duplicates
    for rejected in stored.rejected:
        result.errors.append(
            f"entry {rejected.position}: {rejected.reason} (left in the queue, not acknowledged)"
        )
    for position in stored.kept_positions:
        receipt = receipts[position - 1]
        if not isinstance(receipt, str) or not receipt:
            result.errors.append(f"entry {position}: no {RECEIPT_FIELD}, cannot acknowledge")
        elif _acknowledge(base, receipt, position, result.errors):
            result.acknowledged += 1
    dispatch(stored.stored_ids)
    return result


def _without_receipt(entry: Any) -> Any:
    if isinstance(entry, dict):
        return {key: value for key, value in entry.items() if key != RECEIPT_FIELD}
    return entry


def _fetch(base: str) -> list[Any]:
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        raise PollError(f"not an http(s) URL: {_shown(base)}")
    request = urllib.request.Request(
        f"{base}/entries.json", headers={"Accept": "application/json"}, method="GET"
    )
    where = _shown(base)
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            body = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise PollError(f"{where} answered HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PollError(f"cannot fetch from {where}: {reason}") from exc
    if len(body) > MAX_ANSWER_BYTES:
        raise PollError(f"{where} answered more than {MAX_ANSWER_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PollError(f"{where} answered no valid JSON: {exc}") from exc
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise PollError(f'{where} answered JSON without an "entries" list')
    return entries


def _acknowledge(base: str, receipt: str, position: int, errors: list[str]) -> bool:
    url = f"{base}/entry/{urllib.parse.quote(receipt, safe='')}"
    request = urllib.request.Request(url, method="DELETE")
    try:
        with urllib.request.urlopen(request, timeout=ACK_TIMEOUT):
            return True
    except urllib.error.HTTPError as exc:
        # 410: the receipt expired and the entry is back in the queue; the next poll finds
        # it again and stores it as a duplicate.
        errors.append(f"entry {position}: acknowledgement answered HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        errors.append(f"entry {position}: acknowledgement failed: {getattr(exc, 'reason', exc)}")
    return False


def _shown(url: str) -> str:
    """The queue's origin only: the path of a queue URL may carry its access key."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
